/* The run's debuginfod client: the cli decides whether there is one (only
 * when DEBUGINFOD_URLS names a server, as gdb and perf do) and gives it to
 * each symbolizer it makes; its first failure is said once, at exit, so a
 * dead server is one warning however many binaries asked. */
#include <stdlib.h>

#include "../symbols/debuginfod.h"
#include "cli.h"

static struct sym_debuginfod *client;
static struct sym_fetcher fetcher;
static int state; /* 0 untried, 1 made, -1 none */

static void at_exit(void)
{
	const char *e = sym_debuginfod_error(client);

	if (e)
		cli_warn("%s", e);
	sym_debuginfod_free(client);
	client = NULL;
}

const struct sym_fetcher *cli_debuginfod(void)
{
	const char *urls = getenv("DEBUGINFOD_URLS"), *t = getenv("DEBUGINFOD_TIMEOUT");
	struct kerr err = KERR_INIT;

	if (state == 0) {
		state = -1;
		/* libdebuginfod's own DEBUGINFOD_TIMEOUT, also as the bound
		 * of a whole query (its default, 90 s, is per stall). */
		if (urls && *urls &&
		    sym_debuginfod_new(urls, t ? atoi(t) * 1000 : 0, &client, &err) == 0) {
			fetcher = sym_debuginfod_fetcher(client);
			atexit(at_exit);
			state = 1;
		} else if (urls && *urls) {
			cli_warn("%s", err.msg);
		}
	}
	return state == 1 ? &fetcher : NULL;
}

struct symbolizer *cli_symbolizer_new(void)
{
	struct symbolizer *s = symbolizer_new();

	symbolizer_set_fetcher(s, cli_debuginfod());
	return s;
}
