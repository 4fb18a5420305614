/* A function whose time is spent in one known instruction range: the loop
 * between the labels hotloop_begin and hotloop_end (global, untyped
 * symbols, so `nm` finds them and symbolizers ignore them) inside
 * hot_loop(). The rest of the program does next to nothing, so
 * `kiln annotate hot_loop` must put most samples in that range.
 * Usage: hotloop [SECONDS] (default 1). x86-64 only; elsewhere it spins in
 * plain C and the test skips. */
#include <stdint.h>

#include "spin.h"

__attribute__((noinline)) uint64_t hot_loop(uint64_t n)
{
	uint64_t x = 1;
#if defined(__x86_64__)
	__asm__ volatile(
		".globl hotloop_begin\n"
		"hotloop_begin:\n"
		"1:\n\t"
		"imul $3, %0, %0\n\t"
		"add %1, %0\n\t"
		"xor $0x55, %0\n\t"
		"dec %1\n\t"
		"jnz 1b\n"
		".globl hotloop_end\n"
		"hotloop_end:\n"
		: "+r"(x), "+r"(n)
		:
		: "cc");
#else
	for (; n; n--)
		x = x * 3 + n;
#endif
	return x;
}

int main(int argc, char **argv)
{
	double end = now_s() + arg_seconds(argc, argv, 1.0);
	uint64_t sum = 0;

	while (now_s() < end)
		sum += hot_loop(2000000);
	return sum == 42;
}
