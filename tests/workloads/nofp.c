/* Built with -O2 -fomit-frame-pointer: the hot leaf is reached by
 * main -> a -> b -> leaf, a chain only DWARF CFI can recover.
 * Usage: nofp [SECONDS]. */
#include "spin.h"

__attribute__((noinline)) uint64_t leaf(uint64_t n)
{
	volatile uint64_t x = 0;

	for (uint64_t i = 0; i < n; i++)
		x += i * 7;
	return x;
}

__attribute__((noinline)) uint64_t b(uint64_t n) { return leaf(n) + 1; }
__attribute__((noinline)) uint64_t a(uint64_t n) { return b(n) * 3; }

int main(int argc, char **argv)
{
	double end = now_s() + arg_seconds(argc, argv, 1.0);
	uint64_t s = 0;

	while (now_s() < end)
		s += a(200000);
	return s == 1;
}
