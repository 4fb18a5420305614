/* The subcommands of the kiln binary and what they share. Each cmd_* parses
 * its own options, does its job and returns the process exit status; only
 * this layer prints to the user or exits. */
#ifndef KILN_CLI_CLI_H
#define KILN_CLI_CLI_H

#include <stdbool.h>

#include "../base/buf.h"
#include "../opts/options-doc.h"

/* One subcommand: its documentation view (name, summary, SEE ALSO, what
 * its arguments are) and the function that runs it. */
struct kiln_command {
	struct opts_command doc;
	int (*fn)(int argc, const char **argv);
};

/* The table in kiln.c, terminated by a NULL name. */
extern const struct kiln_command kiln_commands[];

int cmd_record(int argc, const char **argv);
int cmd_report(int argc, const char **argv);
int cmd_list(int argc, const char **argv);
int cmd_stat(int argc, const char **argv);
int cmd_web(int argc, const char **argv);
int cmd_top(int argc, const char **argv);
int cmd_annotate(int argc, const char **argv);
int cmd_script(int argc, const char **argv);
int cmd_diff(int argc, const char **argv);
int cmd_inject(int argc, const char **argv);
int cmd_evlist(int argc, const char **argv);
int cmd_buildid_list(int argc, const char **argv);
int cmd_buildid_cache(int argc, const char **argv);
int cmd_archive(int argc, const char **argv);

/* options_parse() with the documentation view of the kiln_commands entry
 * argv[0] names (if any), printing to stdout what -h/--help, --help-man
 * and --help-completion ask for (it then returns OPTIONS_HELP). */
int cli_options_parse(int argc, const char **argv, const struct option_def *opts,
		      const char *usage, int flags, struct kerr *err);

/* Prints "kiln: <msg>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes b to `path` atomically (devices and FIFOs in place), or to
 * stdout when path is NULL, "" or "-" (refusing binary output to a
 * terminal); announce prints perf's "Generating report in PATH". Returns
 * 0, or 1 after printing "kiln: CMD: ...". Write errors on stdout are
 * reported by main(), after the command returns. */
int cli_write_output(const char *cmd, const char *path, const struct kbuf *b, bool binary,
		     bool announce);

/* The debug file fetcher of this run (debuginfod, when DEBUGINFOD_URLS
 * is set), made on first call and kept until exit; NULL when none. */
struct sym_fetcher;
struct symbolizer;
const struct sym_fetcher *cli_debuginfod(void);
/* symbolizer_new() with cli_debuginfod()'s fetcher. */
struct symbolizer *cli_symbolizer_new(void);

/* kiln's cache folder: $KILN_CACHE_DIR, else $XDG_CACHE_HOME/kiln, else
 * ~/.cache/kiln; NULL when none is set. Not created here. */
const char *cli_cache_dir(void);

#endif
