/* kiln web: the browser UI on a profile. It is `kiln report -http=ADDR`
 * under another name: the same loading, merging, -diff_base and filters
 * (which become the UI's starting view), with --http defaulting to
 * 127.0.0.1 and a free port. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "cli.h"
#include "../opts/options.h"

static const char usage[] =
	"kiln web [--http HOST:PORT] [REPORT OPTIONS] PROFILE...\n"
	"\n"
	"Serves a web UI on the profile(s): Top, Flame Graph, Graph, Source and\n"
	"Peek views, with focus/ignore/hide/show, sample_index and granularity\n"
	"as URL parameters, and the profile itself at /download.\n"
	"\n"
	"The URL is printed; a browser is opened only if $BROWSER is set.\n"
	"Any `kiln report` option (-sample_index, -focus, -diff_base, ...) sets\n"
	"the starting view; see `kiln report -h`.\n"
	"\n"
	"Access: the printed URL carries a random token made for this run\n"
	"(http://127.0.0.1:PORT/?token=...). Opening it sets a cookie and shows\n"
	"the clean URL; every request without the token or the cookie gets 403,\n"
	"so other web pages cannot read the profile. Scripts add ?token=... to\n"
	"any URL. On a loopback address only literal loopback host names are\n"
	"answered (127.x.x.x, localhost, [::1], or the --http name), against\n"
	"DNS rebinding.\n"
	"Sources: a file is shown only if the profile names it and its real\n"
	"path (symlinks resolved) is a regular file under -source_path, the\n"
	"current folder, or a compilation folder recorded in the DWARF of the\n"
	"profile's binaries; anything else shows \"not under the source path\n"
	"(add -source_path DIR)\".\n"
	"Load: silent connections close after 30 s; past 512 open connections\n"
	"requests get 503; heavy reports (Source, Peek, Graph, new filters) run\n"
	"two at a time and never hold up the other views.\n"
	"\n"
	"Examples:\n"
	"  kiln web kiln.pb.gz\n"
	"      serve the profile on 127.0.0.1 and a free port; the URL is printed\n"
	"  kiln web -source_path . -focus=hot_a cpu.pb.gz\n"
	"      start on the samples through hot_a, with sources from this folder\n"
	"  kiln web --http localhost:18080 -diff_base=old.pb.gz new.pb.gz\n"
	"      what changed from old.pb.gz to new.pb.gz, on a fixed port\n";

/* For --help, the man page and completion only: the options are passed on
 * to kiln report unparsed, so nothing is stored. */
static const struct option_def web_opts[] = {
	{ OPT_STRING, 0, "http", NULL, "HOST:PORT", "where to listen (default 127.0.0.1 and a "
	  "free port; a non-loopback address prints a warning)", NULL, false },
	{ OPT_STRING, 0, "source_path", NULL, "DIRS", "more folders the Source view may read "
	  "(':'-separated)", NULL, false },
	OPT_END_(),
};

int cmd_web(int argc, const char **argv)
{
	const char **args = xcalloc((size_t)argc + 3, sizeof(*args));
	const char *addr = NULL;
	char *http;
	int n = 0, ret;

	args[n++] = "report";
	args[n++] = NULL; /* -http=..., below */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (options_is_help(a, 0)) {
			const char *hargv[] = { "web", a, NULL };
			struct kerr err = KERR_INIT;

			cli_options_parse(2, hargv, web_opts, usage, 0, &err);
			free(args);
			return 0;
		}
		if ((!strcmp(a, "--http") || !strcmp(a, "-http")) && i + 1 < argc) {
			addr = argv[++i];
			continue;
		}
		if (!strncmp(a, "--http=", 7) || !strncmp(a, "-http=", 6)) {
			addr = strchr(a, '=') + 1;
			continue;
		}
		args[n++] = a;
	}
	if (!addr || !addr[0])
		addr = "127.0.0.1:0";
	http = xmalloc(strlen(addr) + sizeof("-http="));
	sprintf(http, "-http=%s", addr);
	args[1] = http;
	args[n] = NULL;
	ret = cmd_report(n, args);
	free(http);
	free(args);
	return ret;
}
