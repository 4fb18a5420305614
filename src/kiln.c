/* kiln's main(): global options and dispatch to one subcommand each. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "opts/options-doc.h"
#include "opts/options.h"

#ifndef KILN_VERSION
#define KILN_VERSION "unknown"
#endif

static int cmd_help(int argc, const char **argv);

/* The pprof documentation the report pages point to (pprof has no man page). */
#define PPROF_DOC "pprof's documentation: https://github.com/google/pprof/blob/main/doc/README.md"

const struct kiln_command kiln_commands[] = {
	{ { "record", "Sample a command, processes or the whole system into a pprof profile",
	    "perf-record(1)", KILN_ARGS_PROGRAM }, cmd_record },
	{ { "report", "Text reports on profiles (pprof and perf style)",
	    "perf-report(1), " PPROF_DOC, KILN_ARGS_FILES }, cmd_report },
	{ { "list", "List the events this machine offers", "perf-list(1)", KILN_ARGS_NONE }, cmd_list },
	{ { "stat", "Count events while a command runs", "perf-stat(1)", KILN_ARGS_PROGRAM }, cmd_stat },
	{ { "web", "Browse a profile in a web UI (flame graph, call graph, top, source)",
	    "kiln-report(1), " PPROF_DOC, KILN_ARGS_FILES }, cmd_web },
	{ { "top", "Live view of the hottest functions (perf top)", "perf-top(1)",
	    KILN_ARGS_PROGRAM }, cmd_top },
	{ { "annotate", "Per-instruction samples of a function (perf annotate)",
	    "perf-annotate(1)", KILN_ARGS_NONE }, cmd_annotate },
	{ { "script", "One line per sample, or folded stacks (perf script)",
	    "perf-script(1)", KILN_ARGS_FILES }, cmd_script },
	{ { "diff", "Compare profiles symbol by symbol (perf diff)", "perf-diff(1)",
	    KILN_ARGS_FILES }, cmd_diff },
	{ { "inject", "Add JIT code names from jitdump files to a profile (perf inject)",
	    "perf-inject(1)", KILN_ARGS_NONE }, cmd_inject },
	{ { "evlist", "List the events of a perf.data (perf evlist)", "perf-evlist(1)",
	    KILN_ARGS_FILES }, cmd_evlist },
	{ { "buildid-list", "Build ids of a profile's binaries, or of a binary",
	    "perf-buildid-list(1)", KILN_ARGS_FILES }, cmd_buildid_list },
	{ { "buildid-cache", "Manage the build-id cache shared with perf (~/.debug)",
	    "perf-buildid-cache(1)", KILN_ARGS_FILES }, cmd_buildid_cache },
	{ { "archive", "One tar of the binaries a profile needs, by build id",
	    "perf-archive(1), kiln-buildid-cache(1)", KILN_ARGS_FILES }, cmd_archive },
	{ { "help", "Show help for a command", NULL, KILN_ARGS_COMMAND }, cmd_help },
	{ { NULL, NULL, NULL, KILN_ARGS_FILES }, NULL },
};

/* kiln(1)'s DESCRIPTION. */
static const char kiln_description[] =
	"kiln counts, samples and traces with perf_event_open as perf does, and\n"
	"reads and shows profiles as pprof does. It writes pprof's profile.proto\n"
	"(gzip), which go tool pprof and other tools open, and reads what perf,\n"
	"pprof and gperftools write.\n"
	"\n"
	"Each command has its own page, kiln-COMMAND(1), and prints its options\n"
	"and examples with 'kiln COMMAND --help' or 'kiln help COMMAND'.";

static const char help_usage[] =
	"kiln help [COMMAND]\n"
	"\n"
	"Prints a command's usage, options and examples, as 'kiln COMMAND --help'\n"
	"does; without a COMMAND, the list of commands.\n"
	"\n"
	"Examples:\n"
	"  kiln help\n"
	"      list the commands\n"
	"  kiln help record\n"
	"      the options of kiln record, and examples\n"
	"  kiln help help\n"
	"      this text\n";

static const struct kiln_command *find_command(const char *name)
{
	for (const struct kiln_command *c = kiln_commands; c->doc.name; c++)
		if (strcmp(c->doc.name, name) == 0)
			return c;
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: kiln [--version] [--help] <command> [<args>]\n\n"
		   "Commands:\n");
	for (const struct kiln_command *c = kiln_commands; c->doc.name; c++)
		fprintf(f, "   %-10s %s\n", c->doc.name, c->doc.summary);
	fprintf(f, "\nSee 'kiln help <command>' or 'kiln <command> -h' for a command's options.\n");
}

static int cmd_help(int argc, const char **argv)
{
	static const struct option_def opts[] = { OPT_END_() };
	const struct kiln_command *c;
	const char *hargv[] = { NULL, "-h", NULL };
	struct kerr err = KERR_INIT;
	int n;

	n = cli_options_parse(argc, argv, opts, help_usage, 0, &err);
	if (n == OPTIONS_HELP)
		return 0;
	if (n < 0) {
		cli_error("help: %s", err.msg);
		return 1;
	}
	if (n == 0) {
		usage(stdout);
		return 0;
	}
	c = find_command(argv[0]);
	if (!c) {
		cli_error("'%s' is not a kiln command; see 'kiln help'", argv[0]);
		return 1;
	}
	hargv[0] = c->doc.name;
	return c->fn(2, hargv);
}

/* The one place stdout is finished, as git's run_builtin() does: commands
 * write and return their status; a write that failed (a full disk, a
 * closed pipe: quietly) turns into an error here. */
static int finish_stdout(int status)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	if (errno != EPIPE)
		cli_error("cannot write the output: %s", errno ? strerror(errno) : "write error");
	return status ? status : 1;
}

/* kiln --help-man: kiln(1). kiln --completion: the whole bash completion
 * script, each command adding its function (--help-completion). */
static int print_docs(const char *what)
{
	struct opts_command docs[sizeof(kiln_commands) / sizeof(kiln_commands[0])];
	struct kbuf b = KBUF_INIT;

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		docs[i] = kiln_commands[i].doc;
	if (strcmp(what, "--help-man") == 0) {
		options_man_index(&b, docs, kiln_description);
		fwrite(b.buf, 1, b.len, stdout);
		kbuf_release(&b);
		return 0;
	}
	options_completion_head(&b, docs);
	fwrite(b.buf, 1, b.len, stdout);
	kbuf_release(&b);
	for (const struct kiln_command *c = kiln_commands; c->doc.name; c++) {
		const char *cargv[] = { c->doc.name, "--help-completion", NULL };

			fflush(stdout);
		if (c->fn(2, cargv) != 0)
			return 1;
	}
	return 0;
}

int main(int argc, const char **argv)
{
	const struct kiln_command *c;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("kiln version %s\n", KILN_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--help-man") == 0 || strcmp(argv[1], "--completion") == 0)
		return finish_stdout(print_docs(argv[1]));
	c = find_command(argv[1]);
	if (!c) {
		cli_error("'%s' is not a kiln command; see 'kiln help'", argv[1]);
		return 1;
	}
	return finish_stdout(c->fn(argc - 1, argv + 1));
}
