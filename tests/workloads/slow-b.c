/* Two functions with a known cost each, B's scaled by a factor, for diff
 * tests: func_a does 2 units of work and func_b 2 * FACTOR, per round,
 * both from main. Recording it with FACTOR 1 and then 2 must show
 * func_b's share growing (from 50% to 67%) and func_a's shrinking.
 * Usage: slow-b [SECONDS] [FACTOR] (defaults 1 and 1). */
#include <stdio.h>

#include "spin.h"

static unsigned factor = 1;

__attribute__((noinline)) uint64_t func_a(void) { return spin(2); }

__attribute__((noinline)) uint64_t func_b(void)
{
	uint64_t s = 0;

	for (unsigned i = 0; i < factor; i++)
		s += spin(2);
	return s;
}

int main(int argc, char **argv)
{
	double end = now_s() + arg_seconds(argc, argv, 1.0);
	uint64_t sum = 0;

	if (argc > 2)
		factor = (unsigned)atoi(argv[2]);
	while (now_s() < end)
		sum += func_a() + func_b();
	return sum == 42;
}
