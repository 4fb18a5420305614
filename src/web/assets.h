/* The UI files compiled into kiln by src/render/embed.py (table mode) from
 * src/web/assets/: name, MIME type and bytes (NUL-terminated beyond len). */
#ifndef KILN_WEB_ASSETS_H
#define KILN_WEB_ASSETS_H

#include <stddef.h>

struct embedded_asset {
	const char *name;
	const char *type;
	const unsigned char *data;
	size_t len;
};

extern const struct embedded_asset web_assets[];
extern const size_t web_count;

#endif
