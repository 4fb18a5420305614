/* kiln inject: adds what a recording could not know to a profile: with
 * --jit, the names (and source lines) of JIT code from the jitdumps the
 * JIT wrote (build_inject_jit does the work). */
#include <stdio.h>
#include <string.h>

#include "input-limits.h"
#include "../base/buf.h"
#include "../build/build.h"
#include "../profile/decode.h"
#include "../profile/encode.h"
#include "cli.h"
#include "../opts/options.h"

static const char inject_usage[] =
	"kiln inject --jit [-i PROFILE] [-o OUTPUT]\n"
	"\n"
	"Names the JIT frames of a profile kiln record wrote, from the jitdump\n"
	"files (jit-PID.dump) its JIT processes wrote, as perf inject --jit does:\n"
	"kiln record keeps the mapping a JIT makes of its dump, so the file is\n"
	"found where the JIT wrote it. Frames get the JIT's function names, and\n"
	"source lines where the dump has debug info. Names from /tmp/perf-PID.map\n"
	"(node --perf-basic-prof) are already in the recording and stay.\n"
	"kiln annotate then disassembles a JIT function from the code bytes in\n"
	"the dump (the dump must still be where the JIT wrote it). A profile of\n"
	"node: kiln record -o kiln.pb.gz -- node --perf-prof app.js.\n"
	"\n"
	"Examples:\n"
	"  kiln inject --jit -i kiln.pb.gz -o kiln-jit.pb.gz\n"
	"      name the JIT functions of kiln.pb.gz from its jitdumps\n"
	"  kiln inject --jit -i kiln.pb.gz -o kiln.pb.gz\n"
	"      the same in place (the file is replaced atomically)\n"
	"  kiln inject --jit -i cpu.pb.gz > cpu-jit.pb.gz\n"
	"      to stdout\n";

static void warn(void *ctx, const char *msg)
{
	cli_warn("inject: %s", msg);
}

int cmd_inject(int argc, const char **argv)
{
	const char *input = NULL, *output = NULL;
	bool jit = false;
	struct option_def opts[] = {
		{ OPT_BOOL, 'j', "jit", &jit, NULL, "name JIT code from jitdump files (jit-PID.dump)" },
		{ OPT_STRING, 'i', "input", &input, "FILE", "profile to read (default kiln.pb.gz)" },
		{ OPT_STRING, 'o', "output", &output, "FILE", "profile to write (default: stdout)" },
		CLI_MAX_MEMORY_OPTION,
		OPT_END_(),
	};
	struct build_jit_opts jo = { 0, warn, NULL };
	struct profile_decode_opts in_opts;
	struct build_jit_stats st;
	struct kerr err = KERR_INIT;
	struct kbuf gz = KBUF_INIT;
	struct profile *p = NULL;
	int n, status = 1;

	n = cli_options_parse(argc, argv, opts, inject_usage, 0, &err);
	if (n == OPTIONS_HELP)
		return 0;
	if (n < 0) {
		cli_error("inject: %s", err.msg);
		return 1;
	}
	if (n > 0 || !jit) {
		cli_error("inject: %s", n > 0 ? "takes no arguments (the profile comes with -i)"
				 : "say what to inject: --jit");
		return 1;
	}
	in_opts = cli_decode_opts();
	if (profile_read_file(input ? input : "kiln.pb.gz", &in_opts, &p, &err) < 0 ||
	    build_inject_jit(p, &jo, &st, &err) < 0 || profile_encode_gzip(p, &gz, &err) < 0) {
		cli_error("inject: %s", err.msg);
		goto out;
	}
	if (!st.named_dumps)
		cli_warn("inject: the profile names no jitdump (record a JIT writing one, e.g. "
			 "node --perf-prof, with kiln record); written unchanged");
	else if (!st.named)
		cli_warn("inject: no frame of the profile lies in the code of its %zu jitdump%s",
			 st.dumps, st.dumps == 1 ? "" : "s");
	status = cli_write_output("inject", output, &gz, true, false);
out:
	kbuf_release(&gz);
	profile_free(p);
	return status;
}
