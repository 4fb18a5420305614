/* kiln record: placeholder. */
#include "cli.h"

int cmd_record(int argc, const char **argv)
{
	(void)argc; (void)argv;
	cli_error("record: not built yet");
	return 1;
}
