/* kiln's main(): global options and dispatch to one subcommand each. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#ifndef KILN_VERSION
#define KILN_VERSION "unknown"
#endif

static int cmd_help(int argc, const char **argv);

const struct kiln_command kiln_commands[] = {
	{ "record", cmd_record, "Sample a command, processes or the whole system into a pprof profile" },
	{ "report", cmd_report, "Text reports on profiles (pprof and perf style)" },
	{ "list", cmd_list, "List the events this machine offers" },
	{ "stat", cmd_stat, "Count events while a command runs" },
	{ "web", cmd_web, "Browse a profile in a web UI (flame graph, call graph, top, source)" },
	{ "top", cmd_top, "Live view of the hottest functions (perf top)" },
	{ "annotate", cmd_annotate, "Per-instruction samples of a function (perf annotate)" },
	{ "script", cmd_script, "One line per sample, or folded stacks (perf script)" },
	{ "diff", cmd_diff, "Compare profiles symbol by symbol (perf diff)" },
	{ "help", cmd_help, "Show help for a command" },
	{ NULL, NULL, NULL },
};

static const struct kiln_command *find_command(const char *name)
{
	for (const struct kiln_command *c = kiln_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: kiln [--version] [--help] <command> [<args>]\n\n"
		   "Commands:\n");
	for (const struct kiln_command *c = kiln_commands; c->name; c++)
		fprintf(f, "   %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nSee 'kiln help <command>' or 'kiln <command> -h' for a command's options.\n");
}

static int cmd_help(int argc, const char **argv)
{
	const struct kiln_command *c;
	const char *hargv[] = { NULL, "-h", NULL };

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	c = find_command(argv[1]);
	if (!c || c->fn == cmd_help) {
		if (!c) {
			cli_error("'%s' is not a kiln command; see 'kiln help'", argv[1]);
			return 1;
		}
		usage(stdout);
		return 0;
	}
	hargv[0] = c->name;
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
	c = find_command(argv[1]);
	if (!c) {
		cli_error("'%s' is not a kiln command; see 'kiln help'", argv[1]);
		return 1;
	}
	return finish_stdout(c->fn(argc - 1, argv + 1));
}
