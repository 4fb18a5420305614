/* kiln buildid-cache: perf buildid-cache's options on perf's own cache,
 * $HOME/.debug, in its layout (symbols/bidcache.h), so that perf and kiln
 * share it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../profile/decode.h"
#include "../symbols/bidcache.h"
#include "cli.h"
#include "input-limits.h"
#include "../opts/options.h"
#include "symbolize.h"

static const char usage_text[] =
	"kiln buildid-cache [-a FILE]... [-r FILE]... [-p FILE]... [-P] [-l] [-M PROFILE]\n"
	"\n"
	"Manages perf's build-id cache, $HOME/.debug, in perf's layout\n"
	"(.build-id/xx/yyyy -> ../../PATH/BUILDID/elf), so perf and kiln share it:\n"
	"what kiln adds, perf report finds, and the other way round. kiln report\n"
	"looks there for binaries that moved or changed.\n"
	"\n"
	"Examples:\n"
	"  kiln buildid-cache -a ./app\n"
	"      keep this build of ./app, by its build id\n"
	"  kiln buildid-cache -l\n"
	"      every cached file: build id and path\n"
	"  kiln buildid-cache -M kiln.pb.gz\n"
	"      the build ids of kiln.pb.gz not in the cache\n"
	"  kiln buildid-cache -p ./app\n"
	"      drop every cached build of ./app\n";

static int missing(const char *dir, const char *path, struct kbuf *out, struct kerr *err)
{
	struct profile_decode_opts d = cli_decode_opts();
	struct profile *p;
	int ret;

	if ((ret = profile_read_file(path, &d, &p, err)) < 0)
		return ret;
	for (size_t i = 0; i < p->n_mappings; i++) {
		const char *bid = profile_get_str(p, p->mappings[i].build_id);
		char *f;
		if (!*bid)
			continue;
		if (bidcache_lookup(dir, bid, &f) == 0) {
			free(f);
			continue;
		}
		kbuf_addf(out, "%s %s\n", bid, profile_get_str(p, p->mappings[i].filename));
	}
	profile_free(p);
	return 0;
}

int cmd_buildid_cache(int argc, const char **argv)
{
	struct opt_list add = { 0 }, rm = { 0 }, purge = { 0 };
	const char *miss = NULL;
	bool list = false, purge_all = false;
	int verbose = 0;
	const struct option_def opts[] = {
		{ OPT_CALLBACK, 'a', "add", &add, "FILE", "add FILE to the cache", options_list_add, false },
		{ OPT_CALLBACK, 'r', "remove", &rm, "FILE", "remove FILE's current build from the cache", options_list_add, false },
		{ OPT_CALLBACK, 'p', "purge", &purge, "FILE", "remove every cached build of FILE", options_list_add, false },
		{ OPT_BOOL, 'P', "purge-all", &purge_all, NULL, "empty the cache", NULL, false },
		{ OPT_BOOL, 'l', "list", &list, NULL, "list the cached files", NULL, false },
		{ OPT_STRING, 'M', "missing", &miss, "PROFILE", "build ids of PROFILE not in the cache", NULL, false },
		{ OPT_COUNT, 'v', "verbose", &verbose, NULL, "say what was done", NULL, false },
		CLI_MAX_MEMORY_OPTION,
		OPT_END_(),
	};
	struct kerr err = KERR_INIT;
	struct kbuf out = KBUF_INIT;
	const char *dir = cli_buildid_dir();
	int n, status = 1;

	n = cli_options_parse(argc, argv, opts, usage_text, 0, &err);
	if (n == OPTIONS_HELP)
		return 0;
	if (n != 0) {
		cli_error("buildid-cache: %s", n < 0 ? err.msg : "unexpected argument; see --help");
		goto out;
	}
	if (!dir) {
		cli_error("buildid-cache: no $HOME, so no ~/.debug");
		goto out;
	}
	for (size_t i = 0; i < add.n; i++) {
		char *bid;
		bool added;
		if (bidcache_add(dir, add.v[i], &bid, &added, &err) < 0)
			goto fail;
		if (verbose)
			printf("Adding %s %s: %s\n", bid, add.v[i], added ? "Ok" : "already there");
		free(bid);
	}
	for (size_t i = 0; i < rm.n; i++)
		if (bidcache_remove(dir, rm.v[i], &err) < 0)
			goto fail;
	for (size_t i = 0; i < purge.n; i++)
		if (bidcache_purge(dir, purge.v[i], &err) < 0)
			goto fail;
	if (purge_all && bidcache_purge_all(dir, &err) < 0)
		goto fail;
	if (list && bidcache_list(dir, &out, &err) < 0)
		goto fail;
	if (miss && missing(dir, miss, &out, &err) < 0)
		goto fail;
	status = cli_write_output("buildid-cache", NULL, &out, false, false);
	goto out;
fail:
	cli_error("buildid-cache: %s", err.msg);
out:
	free(add.v);
	free(rm.v);
	free(purge.v);
	kbuf_release(&out);
	return status;
}
