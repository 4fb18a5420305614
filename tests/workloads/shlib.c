/* Calls lib_hot from libkilnwork.so in a loop. Usage: shlib [SECONDS]. */
#include "spin.h"

uint64_t lib_hot(void);

int main(int argc, char **argv)
{
	double end = now_s() + arg_seconds(argc, argv, 1.0);
	uint64_t s = 0;

	while (now_s() < end)
		s += lib_hot();
	return s == 42;
}
