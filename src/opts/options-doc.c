/* Man pages and bash completion made from usage strings and option tables
 * (see options-doc.h). The input is kiln's own text, a few kilobytes per
 * command, read once per build: clarity over speed. Text becomes roff with
 * every character that roff would read as markup escaped, and non-ASCII
 * as \[uXXXX], so `groff -ww` has nothing to warn about. */
#include "options-doc.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef KILN_VERSION
#define KILN_VERSION "unknown"
#endif

const char *options_examples(const char *usage)
{
	const char *p = strstr(usage, "\nExamples:\n");

	if (p)
		return p + 1;
	return strncmp(usage, "Examples:\n", 10) == 0 ? usage : NULL;
}

/* The command's name: the word after "kiln " on the usage's first line. */
static void usage_name(const char *usage, char *name, size_t size)
{
	const char *s = strncmp(usage, "kiln ", 5) == 0 ? usage + 5 : usage;
	size_t n = strcspn(s, " \n");

	if (n >= size)
		n = size - 1;
	memcpy(name, s, n);
	name[n] = 0;
}

/* cmd, when it is the command called name. */
static const struct opts_command *command_of(const struct opts_command *cmd, const char *name)
{
	return cmd && strcmp(cmd->name, name) == 0 ? cmd : NULL;
}

/* ---- roff ---------------------------------------------------------------- */

enum roff_mode {
	ROFF_PROSE, /* '-' is a minus only where a word starts with it */
	ROFF_CODE,  /* every '-' is a minus: options, commands, file names */
	ROFF_ARG,   /* prose inside a quoted macro argument */
};

static bool at_line_start(const struct kbuf *b)
{
	return b->len == 0 || b->buf[b->len - 1] == '\n';
}

/* Decodes one UTF-8 sequence at s (n bytes left); returns its length, or
 * 0 when it is not valid UTF-8. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	uint32_t v;

	if (len == 0 || s[0] >= 0xf8 || len > n)
		return 0;
	v = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	*cp = v;
	return len;
}

/* A character beyond ASCII: groff's own name where it has one, as those
 * have ASCII forms for -Tascii (an ellipsis becomes "..."), else \[uXXXX]. */
static void roff_char(struct kbuf *b, uint32_t cp)
{
	static const struct { uint32_t cp; const char *roff; } named[] = {
		{ 0x2026, "\\&.\\|.\\|." }, { 0x00d7, "\\(mu" }, { 0x2014, "\\(em" },
		{ 0x2013, "\\(en" }, { 0x2018, "\\(oq" }, { 0x2019, "\\(cq" },
		{ 0x201c, "\\(lq" }, { 0x201d, "\\(rq" }, { 0x2192, "\\(->" },
		{ 0x00b5, "\\(mc" },
	};

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (named[i].cp == cp) {
			kbuf_addstr(b, named[i].roff);
			return;
		}
	kbuf_addf(b, "\\[u%04X]", (unsigned)cp);
}

static void roff_text(struct kbuf *b, const char *s, size_t n, enum roff_mode mode)
{
	bool dash_word = false;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned char prev = i ? (unsigned char)s[i - 1] : ' ';

		if ((c == '.' || c == '\'') && at_line_start(b))
			kbuf_addstr(b, "\\&");
		if (isspace(c))
			dash_word = false;
		if (c == '\\') {
			kbuf_addstr(b, "\\e");
		} else if (c == '-') {
			if (!isalnum(prev) || (prev == '-' && dash_word))
				dash_word = true;
			kbuf_addstr(b, mode == ROFF_CODE || dash_word ? "\\-" : "-");
		} else if (c == '"' && mode == ROFF_ARG) {
			kbuf_addstr(b, "\\(dq");
		} else if (c >= 0x80) {
			uint32_t cp;
			size_t len = utf8_decode((const unsigned char *)s + i, n - i, &cp);

			if (len) {
				roff_char(b, cp);
				i += len - 1;
			} else {
				kbuf_addch(b, '?');
			}
		} else {
			kbuf_addch(b, (char)c);
		}
	}
}

static void roff_str(struct kbuf *b, const char *s, enum roff_mode mode)
{
	roff_text(b, s, strlen(s), mode);
}

/* One line of usage text: s up to the newline; returns the next line. */
static const char *next_line(const char *s, size_t *len)
{
	const char *nl = strchr(s, '\n');

	*len = nl ? (size_t)(nl - s) : strlen(s);
	return nl ? nl + 1 : s + *len;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

/* "kiln record [options]..." → \fBkiln record\fR [options]... */
static void roff_synopsis_line(struct kbuf *b, const char *s, size_t len)
{
	size_t head = 0;

	if (len > 5 && strncmp(s, "kiln ", 5) == 0) {
		head = 5 + strcspn(s + 5, " ");
		if (head > len)
			head = len;
		kbuf_addstr(b, "\\fB");
		roff_text(b, s, head, ROFF_CODE);
		kbuf_addstr(b, "\\fR");
	}
	roff_text(b, s + head, len - head, ROFF_CODE);
	kbuf_addch(b, '\n');
}

/* Paragraphs of prose: filled, unless a line is indented (a layout the
 * text means, such as an example), then kept as written. */
static void roff_paragraphs(struct kbuf *b, const char *s, const char *end)
{
	while (s < end) {
		const char *p = s, *q;
		size_t len;
		bool indented = false;

		while (s < end) {
			q = next_line(s, &len);
			if (!blank(s, len))
				break;
			s = q;
		}
		if (s >= end)
			break;
		for (p = s; p < end; p = q) {
			q = next_line(p, &len);
			if (blank(p, len))
				break;
			if (isspace((unsigned char)p[0]))
				indented = true;
		}
		kbuf_addstr(b, indented ? ".PP\n.nf\n" : ".PP\n");
		for (; s < p; s = q) {
			q = next_line(s, &len);
			if (!indented)
				while (len && isspace((unsigned char)*s))
					s++, len--;
			roff_text(b, s, len, ROFF_PROSE);
			kbuf_addch(b, '\n');
		}
		if (indented)
			kbuf_addstr(b, ".fi\n");
	}
}

static void roff_heading(struct kbuf *b, const char *macro, const char *text)
{
	size_t n = strlen(text);

	while (n && (text[n - 1] == ':' || text[n - 1] == ' '))
		n--;
	kbuf_addf(b, "%s \"", macro);
	roff_text(b, text, n, ROFF_ARG);
	kbuf_addstr(b, "\"\n");
}

static void roff_option(struct kbuf *b, const struct option_def *o)
{
	kbuf_addstr(b, ".TP\n");
	if (o->short_name)
		kbuf_addf(b, "\\fB\\-%c\\fR%s", o->short_name, o->long_name ? ", " : "");
	if (o->long_name) {
		kbuf_addstr(b, "\\fB\\-\\-");
		roff_str(b, o->long_name, ROFF_CODE);
		kbuf_addstr(b, "\\fR");
	}
	if (o->argh) {
		kbuf_addstr(b, o->optional_arg ? "[=\\fI" : " \\fI");
		roff_str(b, o->argh, ROFF_CODE);
		kbuf_addstr(b, o->optional_arg ? "\\fR]" : "\\fR");
	}
	kbuf_addch(b, '\n');
	roff_str(b, o->help, ROFF_PROSE);
	kbuf_addch(b, '\n');
}

/* Examples: "  kiln ..." lines in bold, the lines indented under them as
 * their explanation. */
static void roff_examples(struct kbuf *b, const char *s)
{
	size_t len;
	bool in_text = false;

	s = next_line(s, &len); /* "Examples:" */
	while (*s) {
		const char *q = next_line(s, &len);
		size_t ind = 0;

		while (ind < len && s[ind] == ' ')
			ind++;
		if (ind == len) {
			s = q;
			continue;
		}
		if (ind <= 2) {
			if (in_text)
				kbuf_addstr(b, ".RE\n");
			in_text = false;
			kbuf_addstr(b, ".PP\n\\fB");
			roff_text(b, s + ind, len - ind, ROFF_CODE);
			kbuf_addstr(b, "\\fR\n");
		} else {
			if (!in_text)
				kbuf_addstr(b, ".RS 4\n");
			in_text = true;
			roff_text(b, s + ind, len - ind, ROFF_PROSE);
			kbuf_addch(b, '\n');
		}
		s = q;
	}
	if (in_text)
		kbuf_addstr(b, ".RE\n");
}

/* "kiln(1), perf-stat(1), pprof's README" → bold page names, others as text. */
static void roff_see_also(struct kbuf *b, const char *list)
{
	kbuf_addstr(b, ".SH \"SEE ALSO\"\n\\fBkiln\\fR(1)");
	while (list && *list) {
		size_t n = strcspn(list, ",");
		const char *paren = memchr(list, '(', n);

		kbuf_addstr(b, ",\n");
		if (paren && list[n - 1] == ')' && !memchr(list, ' ', n)) {
			kbuf_addstr(b, "\\fB");
			roff_text(b, list, (size_t)(paren - list), ROFF_CODE);
			kbuf_addstr(b, "\\fR");
			roff_text(b, paren, n - (size_t)(paren - list), ROFF_CODE);
		} else {
			roff_text(b, list, n, ROFF_PROSE);
		}
		list += n;
		while (*list == ',' || *list == ' ')
			list++;
	}
	kbuf_addch(b, '\n');
}

static void roff_title(struct kbuf *b, const char *page, const char *source)
{
	kbuf_addf(b, ".\\\" %s(1): generated by `%s --help-man` from its usage text and\n"
		     ".\\\" option table; edit those, not this file.\n", page, source);
	kbuf_addstr(b, ".TH \"");
	for (const char *p = page; *p; p++) {
		if (*p == '-')
			kbuf_addstr(b, "\\-");
		else
			kbuf_addch(b, (char)toupper((unsigned char)*p));
	}
	kbuf_addstr(b, "\" 1 \"\" \"kiln " KILN_VERSION "\" \"kiln manual\"\n");
	/* Options and file names must read as typed: no hyphenation, ragged
	 * right so long URLs do not stretch the line. */
	kbuf_addstr(b, ".nh\n.ad l\n");
}

void options_man(struct kbuf *b, const struct opts_command *cmd, const char *usage,
		 const struct option_def *opts, int flags)
{
	const struct opts_command *c;
	const char *s = usage, *examples = options_examples(usage), *end;
	char name[64], page[80], source[80];
	size_t len;

	usage_name(usage, name, sizeof(name));
	c = command_of(cmd, name);
	snprintf(page, sizeof(page), "kiln-%s", name);
	snprintf(source, sizeof(source), "kiln %s", name);
	roff_title(b, page, source);
	kbuf_addstr(b, ".SH NAME\n");
	roff_str(b, page, ROFF_CODE);
	if (c && c->summary) {
		kbuf_addstr(b, " \\- ");
		roff_str(b, c->summary, ROFF_PROSE);
	}
	kbuf_addstr(b, "\n.SH SYNOPSIS\n.nf\n");
	/* The synopsis runs to the first empty line: "   or: " starts another
	 * form, other indented lines continue the one before. */
	while (*s) {
		const char *q = next_line(s, &len);

		if (blank(s, len))
			break;
		if (len > 7 && strncmp(s, "   or: ", 7) == 0)
			roff_synopsis_line(b, s + 7, len - 7);
		else
			roff_synopsis_line(b, s, len);
		s = q;
	}
	kbuf_addstr(b, ".fi\n");
	end = examples ? examples : s + strlen(s);
	if (!blank(s, (size_t)(end - s))) {
		kbuf_addstr(b, ".SH DESCRIPTION\n");
		roff_paragraphs(b, s, end);
	}
	kbuf_addstr(b, ".SH OPTIONS\n");
	if (flags & OPTIONS_SINGLE_DASH_LONG)
		kbuf_addstr(b, "Long options may also be spelled with one dash, as pprof spells\n"
			       "them (\\fB\\-nodecount=10\\fR).\n");
	for (const struct option_def *o = opts; o->type != OPT_END; o++) {
		if (o->type == OPT_GROUP)
			roff_heading(b, ".SS", o->help);
		else
			roff_option(b, o);
	}
	kbuf_addstr(b, ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nprint the usage, the options "
		       "and the examples\n");
	if (examples) {
		kbuf_addstr(b, ".SH EXAMPLES\n");
		roff_examples(b, examples);
	}
	roff_see_also(b, c ? c->see_also : NULL);
}

void options_man_index(struct kbuf *b, const struct opts_command *cmds,
		       const char *description)
{
	roff_title(b, "kiln", "kiln");
	kbuf_addstr(b, ".SH NAME\nkiln \\- Linux performance toolkit: perf's counting, sampling\n"
		       "and tracing, and pprof's reports, in one program\n"
		       ".SH SYNOPSIS\n.nf\n\\fBkiln\\fR [\\-\\-version] [\\-\\-help] "
		       "\\fICOMMAND\\fR [\\fIARGS\\fR]\n.fi\n.SH DESCRIPTION\n");
	roff_paragraphs(b, description, description + strlen(description));
	kbuf_addstr(b, ".SH COMMANDS\n");
	for (const struct opts_command *c = cmds; c->name; c++) {
		kbuf_addstr(b, ".TP\n\\fBkiln\\-");
		roff_str(b, c->name, ROFF_CODE);
		kbuf_addstr(b, "\\fR(1)\n");
		roff_str(b, c->summary, ROFF_PROSE);
		kbuf_addch(b, '\n');
	}
	kbuf_addstr(b, ".SH OPTIONS\n.TP\n\\fB\\-\\-version\\fR\nprint kiln's version\n"
		       ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nlist the commands\n"
		       ".SH \"SEE ALSO\"\n");
	for (const struct opts_command *c = cmds; c->name; c++) {
		kbuf_addstr(b, "\\fBkiln\\-");
		roff_str(b, c->name, ROFF_CODE);
		kbuf_addstr(b, "\\fR(1),\n");
	}
	kbuf_addstr(b, "\\fBperf\\fR(1)\n");
}

/* ---- bash completion ----------------------------------------------------- */

/* Option names are the table's own, letters, digits, '-' and '_'; anything
 * else would break the quoting of the lists, so it is left out. */
static bool shell_word(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

static bool argh_is_file(const char *argh)
{
	return strstr(argh, "FILE") || strstr(argh, "PROFILE");
}

static bool argh_is_dir(const char *argh)
{
	return strncmp(argh, "DIR", 3) == 0;
}

static bool argh_is_event(const char *argh)
{
	return strncmp(argh, "EVENT", 5) == 0;
}

enum spelling { SHORT, LONG, SINGLE };

/* Appends the spellings of o to list; which: SHORT (-p), LONG (--pid) or
 * SINGLE (pprof's -pid). */
static void add_names(struct kbuf *b, const struct option_def *o, enum spelling which)
{
	if (which == SHORT && o->short_name && isalnum((unsigned char)o->short_name))
		kbuf_addf(b, " -%c", o->short_name);
	if (which != SHORT && o->long_name && shell_word(o->long_name))
		kbuf_addf(b, " %s%s", which == LONG ? "--" : "-", o->long_name);
}

static void completion_list(struct kbuf *b, const char *var, const struct option_def *opts,
			    int flags, bool (*want)(const struct option_def *))
{
	kbuf_addf(b, "\tlocal %s=\"", var);
	for (const struct option_def *o = opts; o->type != OPT_END; o++) {
		if (o->type == OPT_GROUP || !want(o))
			continue;
		add_names(b, o, SHORT);
		add_names(b, o, LONG);
		if (flags & OPTIONS_SINGLE_DASH_LONG)
			add_names(b, o, SINGLE);
	}
	kbuf_addstr(b, " \"\n");
}

static bool separate_arg(const struct option_def *o)
{
	return o->argh && !o->optional_arg && o->type != OPT_BOOL && o->type != OPT_COUNT;
}

static bool files_arg(const struct option_def *o)
{
	return separate_arg(o) && argh_is_file(o->argh);
}

static bool dirs_arg(const struct option_def *o)
{
	return separate_arg(o) && argh_is_dir(o->argh);
}

static bool events_arg(const struct option_def *o)
{
	return separate_arg(o) && argh_is_event(o->argh);
}

void options_completion(struct kbuf *b, const struct opts_command *cmd, const char *usage,
			const struct option_def *opts, int flags)
{
	static const char *const args_names[] = { "files", "program", "command", "none" };
	const struct opts_command *c;
	char name[64];
	enum kiln_args args;

	usage_name(usage, name, sizeof(name));
	if (!shell_word(name))
		return;
	c = command_of(cmd, name);
	args = c ? c->args
		 : (flags & OPTIONS_STOP_AT_NON_OPTION) ? KILN_ARGS_PROGRAM : KILN_ARGS_FILES;
	kbuf_addf(b, "\n_kiln_cmd_%s()\n{\n", name);
	for (int which = SHORT; which <= SINGLE; which++) {
		static const char *const vars[] = { "short", "long", "single" };

		kbuf_addf(b, "\tlocal %s=\"", vars[which]);
		for (const struct option_def *o = opts; o->type != OPT_END; o++)
			if (o->type != OPT_GROUP && (which != SINGLE || (flags & OPTIONS_SINGLE_DASH_LONG)))
				add_names(b, o, (enum spelling)which);
		if (which == SHORT)
			kbuf_addstr(b, " -h");
		else if (which == LONG)
			kbuf_addstr(b, " --help");
		kbuf_addstr(b, "\"\n");
	}
	completion_list(b, "takes_arg", opts, flags, separate_arg);
	completion_list(b, "files", opts, flags, files_arg);
	completion_list(b, "dirs", opts, flags, dirs_arg);
	completion_list(b, "events", opts, flags, events_arg);
	kbuf_addf(b, "\tlocal args=%s\n\t_kiln_complete\n}\n", args_names[args]);
}

static const char completion_helper[] =
	"# Completes COMP_WORDS[COMP_CWORD] for one command from the lists its\n"
	"# _kiln_cmd_* function sets: short, long and single (pprof's -long)\n"
	"# spellings; takes_arg, files, dirs and events (space-padded) for the\n"
	"# options with an argument; args: files, program (a command line),\n"
	"# command, none.\n"
	"_kiln_complete()\n"
	"{\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= opt= pre= i w dashdash=0\n"
	"\t((COMP_CWORD > 1)) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	"\t# Where the command's own words stop: a program after its options\n"
	"\t# (kiln record ./app -x), or everything after --.\n"
	"\tfor ((i = 2; i < COMP_CWORD; i++)); do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tif [[ $w == -- ]]; then\n"
	"\t\t\t[[ $args == program ]] && { _kiln_program $((i + 1)); return; }\n"
	"\t\t\tdashdash=1\n"
	"\t\telif ((dashdash)); then\n"
	"\t\t\tcontinue\n"
	"\t\telif [[ ${COMP_WORDS[i+1]-} == = ]]; then\n"
	"\t\t\t((i += 2))\n"
	"\t\telif [[ $takes_arg == *\" $w \"* ]]; then\n"
	"\t\t\t((i += 1))\n"
	"\t\telif [[ $args == program && $w != -* ]]; then\n"
	"\t\t\t_kiln_program $i\n"
	"\t\t\treturn\n"
	"\t\tfi\n"
	"\tdone\n"
	"\t# An option's value: after it, after '=' (a word of its own in\n"
	"\t# COMP_WORDS), or in one word where '=' does not break words.\n"
	"\tif ((dashdash)); then\n"
	"\t\t:\n"
	"\telif [[ $cur == = ]]; then\n"
	"\t\topt=$prev cur=\n"
	"\telif [[ $prev == = ]] && ((COMP_CWORD > 2)); then\n"
	"\t\topt=${COMP_WORDS[COMP_CWORD-2]}\n"
	"\telif [[ $cur == -*=* ]]; then\n"
	"\t\topt=${cur%%=*} pre=${cur%%=*}= cur=${cur#*=}\n"
	"\telif [[ $takes_arg == *\" $prev \"* ]]; then\n"
	"\t\topt=$prev\n"
	"\tfi\n"
	"\tif [[ -n $opt ]]; then\n"
	"\t\tif [[ $files == *\" $opt \"* ]]; then\n"
	"\t\t\t_kiln_files -f\n"
	"\t\telif [[ $dirs == *\" $opt \"* ]]; then\n"
	"\t\t\t_kiln_files -d\n"
	"\t\telif [[ $events == *\" $opt \"* ]]; then\n"
	"\t\t\t_kiln_events\n"
	"\t\tfi\n"
	"\t\t[[ -n $pre ]] && COMPREPLY=(\"${COMPREPLY[@]/#/$pre}\")\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tif [[ $cur == -* ]] && ((!dashdash)); then\n"
	"\t\tif [[ $cur == --* || -z $single ]]; then\n"
	"\t\t\tCOMPREPLY=($(compgen -W \"$short $long\" -- \"$cur\"))\n"
	"\t\telse\n"
	"\t\t\tCOMPREPLY=($(compgen -W \"$short $single\" -- \"$cur\"))\n"
	"\t\tfi\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tcase $args in\n"
	"\tfiles) _kiln_files -f ;;\n"
	"\tprogram) _kiln_program $COMP_CWORD ;;\n"
	"\tcommand) COMPREPLY=($(compgen -W \"$_kiln_commands\" -- \"$cur\")) ;;\n"
	"\tesac\n"
	"}\n"
	"\n"
	"# File (-f) or folder (-d) names completing $cur.\n"
	"_kiln_files()\n"
	"{\n"
	"\tcompopt -o filenames 2>/dev/null\n"
	"\tlocal IFS=$'\\n'\n"
	"\tCOMPREPLY=($(compgen \"$1\" -- \"$cur\"))\n"
	"}\n"
	"\n"
	"# Event names from kiln list (tracepoints aside: thousands), after the\n"
	"# last comma of a list.\n"
	"_kiln_events()\n"
	"{\n"
	"\tlocal last=${cur##*,}\n"
	"\tCOMPREPLY=($(compgen -P \"${cur%\"$last\"}\" -W \\\n"
	"\t\t\"$(\"${COMP_WORDS[0]}\" list hw sw cache 2>/dev/null | awk '/^  [a-z]/ { print $1 }')\" \\\n"
	"\t\t-- \"$last\"))\n"
	"}\n"
	"\n"
	"# The words from $1 on are a program and its arguments: its name, then\n"
	"# what bash-completion offers for it, else file names.\n"
	"_kiln_program()\n"
	"{\n"
	"\tif (($1 == COMP_CWORD)) && [[ $cur != */* ]]; then\n"
	"\t\tCOMPREPLY=($(compgen -c -- \"$cur\"))\n"
	"\telif (($1 < COMP_CWORD)) && declare -F _command_offset >/dev/null; then\n"
	"\t\t_command_offset \"$1\"\n"
	"\telse\n"
	"\t\t_kiln_files -f\n"
	"\tfi\n"
	"}\n"
	"\n"
	"_kiln()\n"
	"{\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]}\n"
	"\tCOMPREPLY=()\n"
	"\tif ((COMP_CWORD == 1)); then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$_kiln_commands --version --help\" -- \"$cur\"))\n"
	"\telif [[ ${COMP_WORDS[1]} =~ ^[a-z][a-z-]*$ ]] &&\n"
	"\t     declare -F \"_kiln_cmd_${COMP_WORDS[1]}\" >/dev/null; then\n"
	"\t\t\"_kiln_cmd_${COMP_WORDS[1]}\"\n"
	"\tfi\n"
	"}\n"
	"complete -F _kiln kiln\n";

void options_completion_head(struct kbuf *b, const struct opts_command *cmds)
{
	kbuf_addstr(b, "# bash completion for kiln: generated by `kiln --completion` from its\n"
		       "# command table and each command's option table; edit those, not this.\n"
		       "\n_kiln_commands=\"");
	for (const struct opts_command *c = cmds; c->name; c++)
		if (shell_word(c->name))
			kbuf_addf(b, "%s%s", c == cmds ? "" : " ", c->name);
	kbuf_addstr(b, "\"\n\n");
	kbuf_addstr(b, completion_helper);
}
