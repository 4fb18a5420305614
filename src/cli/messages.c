/* The one place where kiln's messages to the user are formatted (and
 * where the CLI finds its cache folder). A
 * message can quote what outside input holds (a name, a remote server's
 * error body), so its control bytes are escaped (base/textsafe.h): it
 * stays one line and cannot repaint the terminal. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "../base/buf.h"
#include "../base/textsafe.h"
#include "cli.h"

static void message(const char *prefix, const char *fmt, va_list ap)
{
	struct kbuf b = KBUF_INIT, e = KBUF_INIT;

	kbuf_addstr(&b, prefix);
	kbuf_vaddf(&b, fmt, ap);
	text_escape(&e, b.buf, b.len, 0);
	kbuf_addch(&e, '\n');
	fwrite(e.buf, 1, e.len, stderr);
	kbuf_release(&b);
	kbuf_release(&e);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message("kiln: ", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	message("kiln: warning: ", fmt, ap);
	va_end(ap);
}

const char *cli_cache_dir(void)
{
	static char dir[4096];
	const char *kiln = getenv("KILN_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (kiln && *kiln)
		n = snprintf(dir, sizeof(dir), "%s", kiln);
	else if (xdg && *xdg)
		n = snprintf(dir, sizeof(dir), "%s/kiln", xdg);
	else if (home && *home)
		n = snprintf(dir, sizeof(dir), "%s/.cache/kiln", home);
	else
		return NULL;
	return n > 0 && (size_t)n < sizeof(dir) ? dir : NULL;
}
