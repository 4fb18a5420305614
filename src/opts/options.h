/* One option parser for every subcommand (after git's parse-options).
 * Accepts `-F 99`, `-F99`, `--freq 99`, `--freq=99`, bundled short flags
 * (`-ag`), `--` to end options, and, with OPTIONS_SINGLE_DASH_LONG, pprof's
 * `-nodecount=5` / `-top` spelling. Non-option arguments are kept, in order,
 * at the front of argv. */
#ifndef KILN_OPTS_OPTIONS_H
#define KILN_OPTS_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"

enum opt_type {
	OPT_END = 0,
	OPT_GROUP,    /* a heading in the help text; only `help` is used */
	OPT_BOOL,     /* bool *; `--no-NAME` sets false */
	OPT_INT,      /* int * */
	OPT_INT64,    /* int64_t * */
	OPT_DOUBLE,   /* double * */
	OPT_STRING,   /* const char ** (points into argv) */
	OPT_CALLBACK, /* cb(opt, arg or NULL, err) */
	OPT_COUNT,    /* int *, incremented each time (-v -v) */
};

struct option_def;
typedef int (*option_cb)(const struct option_def *opt, const char *arg,
			 struct kerr *err);

struct option_def {
	enum opt_type type;
	char short_name;        /* 0 if none */
	const char *long_name;  /* NULL if none */
	void *value;
	const char *argh;       /* argument name in help; NULL = takes no argument */
	const char *help;
	option_cb cb;
	bool optional_arg;      /* callback/string argument only via `=` */
};

#define OPT_END_() { OPT_END, 0, NULL, NULL, NULL, NULL, NULL, false }

enum {
	OPTIONS_STOP_AT_NON_OPTION = 1 << 0, /* `kiln record ./app -x`: stop at ./app */
	OPTIONS_SINGLE_DASH_LONG = 1 << 1,   /* pprof style -long options */
};

#define OPTIONS_HELP (-1000)

/* The usage string of a command reads, in this order:
 *
 *	"kiln CMD SYNOPSIS\n"            one line, or more: "   or: kiln CMD ..."
 *	                                 and lines indented to continue one
 *	"\n"
 *	"What the command does.\n"       paragraphs, separated by empty lines
 *	"\n"
 *	"Examples:\n"                    optional; printed after the option table
 *	"  kiln CMD ARGS\n"              an invocation that works as written
 *	"      what it does\n"           indented further: its explanation
 *
 * --help shows it with the option table; --help-man and --help-completion
 * (hidden, options-doc.h) turn the same string and table into a man page and
 * a bash completion function, so the three cannot drift apart. */

struct opts_command;

/* What -h/--help, --help-man and --help-completion answer with: cmd, set by
 * the caller, is the command about to run (options-doc.h; NULL: none
 * known); text gets the usage, man page or completion function. The
 * caller prints text and releases it. */
struct options_help {
	const struct opts_command *cmd;
	struct kbuf text;
};

#define OPTIONS_HELP_INIT(cmd) { (cmd), KBUF_INIT }

/* Parses argv[1..]; returns the number of arguments left at argv[0..], or
 * OPTIONS_HELP for -h/--help (usage appended to help->text; for --help-man
 * the man page, for --help-completion the completion function; help may be
 * NULL), or a negative error with one line in err. Prints nothing. */
int options_parse(int argc, const char **argv, const struct option_def *opts,
		  const char *usage, int flags, struct options_help *help, struct kerr *err);
/* Appends "usage: ...", the option table and the examples to b. */
void options_usage(struct kbuf *b, const char *usage, const struct option_def *opts);
/* True for the arguments options_parse answers with OPTIONS_HELP, for a
 * command that passes its other arguments on unparsed (kiln web). */
bool options_is_help(const char *arg, int flags);

/* A repeatable option's values, in order: an OPT_CALLBACK with
 * options_list_add and a struct opt_list as its value. Values point into
 * argv (empty ones are skipped); free(list.v) releases the list. */
struct opt_list {
	const char **v;
	size_t n, cap;
};
int options_list_add(const struct option_def *opt, const char *arg, struct kerr *err);

#endif
