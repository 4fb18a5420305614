/* libFuzzer target: kiln web's URL parameter parsing (src/web/params.c),
 * the one part of the server that reads raw request bytes. The input is a
 * query string; it is parsed, turned into report options and a cache key,
 * and its file= value run through the source path policy. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const allowed[] = { "app.c", "/src/lib.c", "dir/x.c" };
	struct web_params wp;
	struct report_opts dflt, o;
	struct kbuf key = KBUF_INIT, dec = KBUF_INIT;
	struct kerr err = KERR_INIT;
	char *q = malloc(size + 1);

	if (!q)
		return 0;
	memcpy(q, data, size);
	q[size] = 0;
	memset(&wp, 0, sizeof(wp));
	memset(&dflt, 0, sizeof(dflt));
	dflt.nodecount = -1;
	dflt.trim = true;
	if (web_params_parse_query(&wp, q, &err) == 0) {
		web_params_view_opts(&wp, &dflt, &o);
		web_params_key(&wp, &key);
		if (wp.v[WP_FILE])
			web_source_path_ok(wp.v[WP_FILE], allowed, 3, &err);
	}
	web_url_decode(q, strlen(q), &dec);
	web_params_release(&wp);
	kbuf_release(&key);
	kbuf_release(&dec);
	free(q);
	return 0;
}
