/* kiln report: placeholder until its module lands. */
#include <string.h>

#include "cli.h"

int cmd_report(int argc, const char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		cli_error("report: not built yet");
		return 0;
	}
	cli_error("report: not built yet");
	return 1;
}
