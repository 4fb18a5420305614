/* kiln stat: placeholder until its module lands. */
#include <string.h>

#include "cli.h"

int cmd_stat(int argc, const char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		cli_error("stat: not built yet");
		return 0;
	}
	cli_error("stat: not built yet");
	return 1;
}
