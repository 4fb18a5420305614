/* kiln top: being written (issue 8). */
#include "cli.h"

int cmd_top(int argc, const char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("top: not built yet");
	return 1;
}
