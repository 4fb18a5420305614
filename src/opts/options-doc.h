/* Documents made from what `kiln CMD --help` prints: a command's man page
 * (roff) and its bash completion function, built from its usage string
 * (laid out as options.h describes) and its option table; and, from the
 * command table, kiln(1) and the head of the completion script. options_parse
 * answers the hidden --help-man and --help-completion with the first two;
 * kiln.c answers `kiln --help-man` and `kiln --completion` with the others,
 * and prints them: nothing here prints.
 * Meson runs them to write docs/man/ and the completion file, so the pages
 * cannot drift from the tables. Everything is appended to a kbuf (never
 * NULL afterwards); nothing here fails. */
#ifndef KILN_OPTS_OPTIONS_DOC_H
#define KILN_OPTS_OPTIONS_DOC_H

#include "../base/buf.h"
#include "options.h"

/* What a command's non-option arguments are, for its bash completion. */
enum kiln_args {
	KILN_ARGS_FILES = 0, /* profiles and other files */
	KILN_ARGS_PROGRAM,   /* a program to run, then its own arguments */
	KILN_ARGS_COMMAND,   /* a kiln command name (kiln help) */
	KILN_ARGS_NONE,      /* words the shell cannot guess */
};

/* A command as its documents see it: what its page says besides its own
 * table. The command table (cli's kiln_commands) holds one per command. */
struct opts_command {
	const char *name;
	const char *summary;
	const char *see_also;  /* its peers' man pages, "perf-stat(1)", or NULL */
	enum kiln_args args;
};

/* Where the "Examples:" line starts in usage (a pointer into it), or NULL. */
const char *options_examples(const char *usage);

/* cmd, in the two below, is the command the page is for, for NAME's
 * summary, SEE ALSO and what its arguments are; it is used only when its
 * name is CMD. Without it (NULL, or another command's) pages lack the
 * summary, and completion guesses the arguments from flags. */

/* kiln-CMD(1), CMD taken from the usage string's first line. */
void options_man(struct kbuf *b, const struct opts_command *cmd, const char *usage,
		 const struct option_def *opts, int flags);
/* The bash function _kiln_cmd_CMD, which sets the command's option lists
 * and calls the script's shared _kiln_complete. */
void options_completion(struct kbuf *b, const struct opts_command *cmd, const char *usage,
			const struct option_def *opts, int flags);

/* kiln(1): synopsis, description and the commands of cmds (NULL-name
 * terminated). */
void options_man_index(struct kbuf *b, const struct opts_command *cmds,
		       const char *description);
/* The completion script up to the commands' own functions: the shared
 * helper, the dispatcher over cmds and `complete -F _kiln kiln`. */
void options_completion_head(struct kbuf *b, const struct opts_command *cmds);

#endif
