/* Documents made from what `kiln CMD --help` prints: a command's man page
 * (roff) and its bash completion function, built from its usage string
 * (laid out as options.h describes) and its option table; and, from the
 * command table, kiln(1) and the head of the completion script. options_parse
 * answers the hidden --help-man and --help-completion with the first two;
 * kiln.c answers `kiln --help-man` and `kiln --completion` with the others.
 * Meson runs them to write docs/man/ and the completion file, so the pages
 * cannot drift from the tables. Everything is appended to a kbuf (never
 * NULL afterwards); nothing here fails. */
#ifndef KILN_CLI_OPTIONS_DOC_H
#define KILN_CLI_OPTIONS_DOC_H

#include "../base/buf.h"
#include "cli.h"
#include "options.h"

/* Where the "Examples:" line starts in usage (a pointer into it), or NULL. */
const char *options_examples(const char *usage);

/* The command about to run, for what its page says besides its own table:
 * NAME's summary, SEE ALSO and what its arguments are. main sets it before
 * dispatch; c is not copied and must outlive the run (kiln_commands does).
 * Without it (or for another command) pages lack the summary, and
 * completion guesses the arguments from flags. */
void options_doc_command(const struct kiln_command *c);

/* kiln-CMD(1), CMD taken from the usage string's first line. */
void options_man(struct kbuf *b, const char *usage, const struct option_def *opts,
		 int flags);
/* The bash function _kiln_cmd_CMD, which sets the command's option lists
 * and calls the script's shared _kiln_complete. */
void options_completion(struct kbuf *b, const char *usage, const struct option_def *opts,
			int flags);

/* kiln(1): synopsis, description and the commands of cmds (NULL-name
 * terminated). */
void options_man_index(struct kbuf *b, const struct kiln_command *cmds,
		       const char *description);
/* The completion script up to the commands' own functions: the shared
 * helper, the dispatcher over cmds and `complete -F _kiln kiln`. */
void options_completion_head(struct kbuf *b, const struct kiln_command *cmds);

#endif
