/* kiln diff: reads the profiles and prints perf diff's table, which
 * report/perfdiff.c computes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input-limits.h"
#include "profile-input.h"
#include "../base/alloc.h"
#include "../base/buf.h"
#include "../profile/decode.h"
#include "../report/perfdiff.h"
#include "cli.h"
#include "../opts/options.h"
#include "symbolize.h"

static const char diff_usage[] =
	"kiln diff [options] BASE NEW [NEW2...]\n"
	"\n"
	"Compares profiles symbol by symbol as perf diff does: Baseline is the\n"
	"symbol's share of BASE, then one column per NEW profile.\n"
	"\n"
	"Examples:\n"
	"  kiln diff old.pb.gz new.pb.gz\n"
	"      how each function's share changed\n"
	"  kiln diff -c ratio -s sym old.pb.gz new.pb.gz\n"
	"      new over old, by function name alone\n"
	"  kiln diff --percent-limit 5 old.pb.gz new.pb.gz cpu.pb.gz\n"
	"      two new profiles against one base, the larger entries only\n";

static int set_limit(const struct option_def *opt, const char *arg, struct kerr *err)
{
	char *end;

	*(double *)opt->value = strtod(arg, &end);
	if (end == arg || *end)
		return kerr_set(err, -EINVAL, "--percent-limit expects a number, not '%s'", arg);
	return 0;
}

int cmd_diff(int argc, const char **argv)
{
	struct perf_diff_opts o;
	struct option_def opts[] = {
		{ OPT_STRING, 'c', "compute", &o.compute, "METHOD", "delta, delta-abs (default), ratio or wdiff:W1,W2" },
		{ OPT_STRING, 's', "sort", &o.sort, "KEYS", "keys: comm, dso, sym (default dso,sym)" },
		{ OPT_STRING, 0, "sample_index", &o.sample_index, "NAME|N", "value compared (default: the profile's default type)" },
		{ OPT_CALLBACK, 0, "percent-limit", &o.percent_limit, "PCT", "hide symbols under PCT percent in every profile", set_limit },
		CLI_MAX_MEMORY_OPTION,
		CLI_SYMBOLIZE_OPTIONS,
		OPT_END_(),
	};
	struct kerr err = KERR_INIT;
	struct kbuf out = KBUF_INIT;
	struct profile **ps = NULL;
	int n, status = 1;

	memset(&o, 0, sizeof(o));
	n = cli_options_parse(argc, argv, opts, diff_usage, 0, &err);
	if (n == OPTIONS_HELP)
		return 0;
	if (n < 0 || perf_diff_check(&o, &err) < 0) {
		cli_error("diff: %s", err.msg);
		return 1;
	}
	if (n < 2) {
		cli_error("diff: give a BASE profile and at least one NEW profile");
		return 1;
	}
	ps = xcalloc((size_t)n, sizeof(*ps));
	for (int i = 0; i < n; i++) {
		if (cli_read_profile(argv[i], false, &ps[i], &err) < 0) {
			cli_error("diff: %s", err.msg);
			goto out;
		}
	}
	if (perf_diff(ps, (size_t)n, argv, &o, &out, &err) < 0) {
		cli_error("diff: %s", err.msg);
		goto out;
	}
	fwrite(out.buf, 1, out.len, stdout);
	status = 0;
out:
	for (int i = 0; ps && i < n; i++)
		profile_free(ps[i]);
	free(ps);
	kbuf_release(&out);
	return status;
}
