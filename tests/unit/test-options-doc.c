/* Unit tests for the documents made from a usage string and an option
 * table: --help's layout with Examples, roff escaping in the man page (what
 * roff would read as markup must come out as text), and the option lists of
 * the completion function. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "opts/options-doc.h"

static const char usage[] =
	"kiln demo [options] FILE\n"
	"   or: kiln demo -x\n"
	"\n"
	".dots at the start of a line, a back\\slash, 'quotes',\n"
	"--flag and comma-separated words\xe2\x80\xa6 and \xe2\x82\xac.\n"
	"\n"
	"Examples:\n"
	"  kiln demo -o out.txt in.txt\n"
	"      write out.txt\n";

static int cb(const struct option_def *o, const char *arg, struct kerr *err)
{
	return 0;
}

static const struct opts_command demo_cmds[] = {
	{ "demo", "Show a demo", "perf-demo(1), a web page", KILN_ARGS_PROGRAM },
	{ "other", "Another", NULL, KILN_ARGS_FILES },
	{ NULL, NULL, NULL, KILN_ARGS_FILES },
};

#define HAS(buf, s) CHECK(strstr((buf), (s)) != NULL)
#define LACKS(buf, s) CHECK(strstr((buf), (s)) == NULL)

int main(void)
{
	bool flag = false;
	const char *out = NULL, *dirs = NULL;
	struct option_def opts[] = {
		{ OPT_GROUP, 0, NULL, NULL, NULL, "Output \"files\":" },
		{ OPT_STRING, 'o', "output", &out, "FILE", "write to FILE (default -)" },
		{ OPT_STRING, 0, "source_path", &dirs, "DIRS", "folders" },
		{ OPT_BOOL, 'x', NULL, &flag, NULL, "a short flag" },
		{ OPT_CALLBACK, 0, "level", NULL, "N", "optional", cb, true },
		OPT_END_(),
	};
	struct options_help help = OPTIONS_HELP_INIT(&demo_cmds[0]);
	const char *hargv[] = { "demo", "--help", NULL };
	struct kerr err = KERR_INIT;
	struct kbuf b = KBUF_INIT;
	const char *text;
	size_t len;

	/* --help: the description, then the table, then the examples. */
	CHECK(options_examples(usage) == strstr(usage, "Examples:"));
	CHECK(options_examples("kiln x\n\nno examples") == NULL);
	CHECK(options_parse(2, hargv, opts, usage, 0, &help, &err) == OPTIONS_HELP);
	text = help.text.buf;
	len = help.text.len;
	HAS(text, "usage: kiln demo [options] FILE\n");
	CHECK(strstr(text, "--output FILE") < strstr(text, "Examples:\n  kiln demo -o"));
	CHECK(strstr(text, "words") < strstr(text, "--output FILE"));
	CHECK(text[len - 1] == '\n' && text[len - 2] != '\n');
	options_usage(&b, usage, opts);
	CHECK(b.len == len && memcmp(b.buf, text, len) == 0);
	kbuf_release(&help.text);
	kbuf_reset(&b);

	/* The man page, without and with the command's table entry. */
	options_man(&b, NULL, usage, opts, 0);
	HAS(b.buf, ".SH NAME\nkiln\\-demo\n");
	kbuf_reset(&b);
	options_man(&b, &demo_cmds[1], usage, opts, 0);
	HAS(b.buf, ".SH NAME\nkiln\\-demo\n");
	kbuf_reset(&b);
	options_man(&b, &demo_cmds[0], usage, opts, 0);
	HAS(b.buf, ".TH \"KILN\\-DEMO\" 1 ");
	HAS(b.buf, ".SH NAME\nkiln\\-demo \\- Show a demo\n");
	HAS(b.buf, ".nf\n\\fBkiln demo\\fR [options] FILE\n\\fBkiln demo\\fR \\-x\n.fi\n");
	HAS(b.buf, "\n\\&.dots at the start");
	HAS(b.buf, "back\\eslash, 'quotes',\n\\-\\-flag and comma-separated words\\&.\\|.\\|. and \\[u20AC].");
	HAS(b.buf, ".SS \"Output \\(dqfiles\\(dq\"\n");
	HAS(b.buf, ".TP\n\\fB\\-o\\fR, \\fB\\-\\-output\\fR \\fIFILE\\fR\nwrite to FILE (default \\-)\n");
	HAS(b.buf, ".TP\n\\fB\\-x\\fR\na short flag\n");
	HAS(b.buf, "\\fB\\-\\-level\\fR[=\\fIN\\fR]\n");
	HAS(b.buf, ".SH EXAMPLES\n.PP\n\\fBkiln demo \\-o out.txt in.txt\\fR\n.RS 4\nwrite out.txt\n.RE\n");
	HAS(b.buf, ".SH \"SEE ALSO\"\n\\fBkiln\\fR(1),\n\\fBperf\\-demo\\fR(1),\na web page\n");
	LACKS(b.buf, "Examples:");
	/* No line of text may start with a control character. */
	for (const char *p = b.buf; (p = strstr(p, "\n'")) != NULL; p++)
		CHECK(!"a text line starts with '");

	/* Completion: every spelling; -o takes a file, --source_path folders;
	 * an argument only after '=' is not taken from the next word. */
	kbuf_reset(&b);
	options_completion(&b, &demo_cmds[0], usage, opts, OPTIONS_SINGLE_DASH_LONG);
	HAS(b.buf, "\n_kiln_cmd_demo()\n{\n");
	HAS(b.buf, "\tlocal short=\" -o -x -h\"\n");
	HAS(b.buf, "\tlocal long=\" --output --source_path --level --help\"\n");
	HAS(b.buf, "\tlocal single=\" -output -source_path -level\"\n");
	HAS(b.buf, "\tlocal takes_arg=\" -o --output -output --source_path -source_path \"\n");
	HAS(b.buf, "\tlocal files=\" -o --output -output \"\n");
	HAS(b.buf, "\tlocal dirs=\" --source_path -source_path \"\n");
	HAS(b.buf, "\tlocal args=program\n\t_kiln_complete\n}\n");
	kbuf_reset(&b);
	options_completion_head(&b, demo_cmds);
	HAS(b.buf, "_kiln_commands=\"demo other\"\n");
	HAS(b.buf, "complete -F _kiln kiln\n");

	kbuf_release(&b);
	return CHECK_DONE();
}
