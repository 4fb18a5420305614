/* kiln script: a profile's samples as text in perf script's layout (so
 * stackcollapse-perf.pl, speedscope and the Firefox Profiler read it),
 * written by report/script.c, which gets ELF addresses from the disasm
 * module through a callback; --folded prints folded stacks through the
 * render module (the same as `kiln report -folded`). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input-limits.h"
#include "profile-input.h"
#include "../base/alloc.h"
#include "../base/buf.h"
#include "../disasm/disasm.h"
#include "../profile/decode.h"
#include "../render/render.h"
#include "../render/view.h"
#include "../report/script.h"
#include "cli.h"
#include "../opts/options.h"
#include "symbolize.h"

static const char script_usage[] =
	"kiln script [-i PROFILE] [-F FIELDS] [-G] [--folded]\n"
	"\n"
	"Prints every sample as perf script does: comm, pid/tid, cpu, time,\n"
	"period and event, then the stack (ip, symbol+offset, binary), leaf\n"
	"first. Profiles recorded with --timestamps and perf.data files give\n"
	"one line per event; others one line per distinct stack, with its\n"
	"sample count.\n"
	"FIELDS: comm,pid,tid,cpu,time,period,event,ip,sym,symoff,dso\n"
	"(default all of them; +f or -f adds or removes from the default).\n"
	"\n"
	"Examples:\n"
	"  kiln script\n"
	"      every sample of kiln.pb.gz with its stack\n"
	"  kiln script -i cpu.pb.gz -F comm,tid,sym\n"
	"      only the command, thread and functions\n"
	"  kiln script -G kiln.pb.gz\n"
	"      one line per sample: its leaf function only\n"
	"  kiln script --folded kiln.pb.gz > app.folded\n"
	"      folded stacks, for flamegraph.pl and friends\n"
	"  kiln script perf.data\n"
	"      every sample perf record wrote, as perf script prints them\n";

static int print_folded(struct profile *p, struct kbuf *out, struct kerr *err)
{
	struct report_opts r;
	struct rview v;
	struct ftree t;

	report_opts_init(&r);
	/* stackcollapse counts samples. */
	for (size_t i = 0; i < p->n_sample_type; i++)
		if (!strcmp(profile_get_str(p, p->sample_type[i].type), "samples"))
			r.sample_index = "samples";
	if (rview_prepare(&v, p, &r, REPORT_G_FUNCTIONS, err) < 0)
		return -EINVAL;
	ftree_build(&t, &v);
	render_folded(&t, out);
	ftree_release(&t);
	rview_release(&v);
	return 0;
}

static int locate(void *ctx, const char *file, uint64_t off, uint64_t *va, uint64_t *start)
{
	return dis_locate(ctx, file, off, va, start);
}

static int flush_stdout(void *ctx, struct kbuf *out)
{
	(void)ctx;
	if (fwrite(out->buf, 1, out->len, stdout) != out->len)
		return -EIO;
	kbuf_reset(out);
	return 0;
}

int cmd_script(int argc, const char **argv)
{
	const char *input = NULL, *fields = NULL;
	bool folded = false, hide_chain = false;
	struct option_def opts[] = {
		{ OPT_STRING, 'i', "input", &input, "FILE", "profile to read (default kiln.pb.gz)" },
		{ OPT_STRING, 'F', "fields", &fields, "FIELDS", "fields to print (see above)" },
		{ OPT_BOOL, 'G', "hide-call-graph", &hide_chain, NULL, "only the leaf frame, on the sample's line" },
		{ OPT_BOOL, 0, "folded", &folded, NULL, "folded stacks: root;...;leaf count" },
		CLI_MAX_MEMORY_OPTION,
		CLI_SYMBOLIZE_OPTIONS,
		OPT_END_(),
	};
	struct kerr err = KERR_INIT;
	struct script_opts so = { SCRIPT_FIELDS_ALL, false, locate, NULL };
	struct kbuf out = KBUF_INIT;
	struct profile *p = NULL;
	int n, status = 1;

	n = cli_options_parse(argc, argv, opts, script_usage, 0, &err);
	if (n == OPTIONS_HELP)
		return 0;
	if (n < 0) {
		cli_error("script: %s", err.msg);
		return 1;
	}
	if (n > 1 || (n == 1 && input)) {
		cli_error("script: give one profile (-i FILE or as the argument)");
		return 1;
	}
	if (n == 1)
		input = argv[0];
	if (fields && script_parse_fields(fields, &so.fields, &err) < 0) {
		cli_error("script: %s", err.msg);
		return 1;
	}
	so.hide_chain = hide_chain;
	if (cli_read_profile(input ? input : "kiln.pb.gz", true, &p, &err) < 0) {
		cli_error("script: %s", err.msg);
		return 1;
	}
	if (folded) {
		if (print_folded(p, &out, &err) < 0) {
			cli_error("script: %s", err.msg);
			goto out;
		}
	} else {
		/* A failed write stops it early; main() reports the error. */
		so.locate_ctx = symbolizer_new();
		script_render(p, &so, &out, flush_stdout, NULL);
		symbolizer_free(so.locate_ctx);
	}
	fwrite(out.buf, 1, out.len, stdout);
	status = 0;
out:
	kbuf_release(&out);
	profile_free(p);
	return status;
}
