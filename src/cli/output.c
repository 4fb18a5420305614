/* Where a command's result goes: a file (written atomically, devices and
 * FIFOs in place) or stdout; and its --help, --help-man and
 * --help-completion text, which opts/ makes, to stdout. Errors writing
 * stdout are main()'s to report, once, for every command (see kiln.c). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../opts/options.h"
#include "../profile/encode.h"
#include "cli.h"

int cli_write_output(const char *cmd, const char *path, const struct kbuf *b, bool binary,
		     bool announce)
{
	struct kerr err = KERR_INIT;

	if (!path || !path[0] || !strcmp(path, "-")) {
		if (binary && isatty(STDOUT_FILENO)) {
			cli_error("%s: not writing binary output to a terminal; use -output FILE", cmd);
			return 1;
		}
		fwrite(b->buf, 1, b->len, stdout);
		return 0;
	}
	if (announce)
		fprintf(stderr, "Generating report in %s\n", path);
	if (write_file_atomic(path, b->buf, b->len, &err) < 0) {
		cli_error("%s: %s", cmd, err.msg);
		return 1;
	}
	return 0;
}

int cli_options_parse(int argc, const char **argv, const struct option_def *opts,
		      const char *usage, int flags, struct kerr *err)
{
	struct options_help help = OPTIONS_HELP_INIT(NULL);
	int n;

	for (const struct kiln_command *c = kiln_commands; c->doc.name; c++)
		if (argc > 0 && strcmp(c->doc.name, argv[0]) == 0)
			help.cmd = &c->doc;
	n = options_parse(argc, argv, opts, usage, flags, &help, err);
	if (n == OPTIONS_HELP)
		fwrite(help.text.buf, 1, help.text.len, stdout);
	kbuf_release(&help.text);
	return n;
}
