/* CPU-bound workload with a known split: hot_a 60%, hot_b 30%, hot_c 10% of
 * its CPU time, each reached from main through work(). Usage: cpu-split [SECONDS]
 * (default 1). */
#include <stdio.h>

#include "spin.h"

__attribute__((noinline)) uint64_t hot_a(void) { uint64_t r; SPIN(6, r); return r; }
__attribute__((noinline)) uint64_t hot_b(void) { uint64_t r; SPIN(3, r); return r; }
__attribute__((noinline)) uint64_t hot_c(void) { uint64_t r; SPIN(1, r); return r; }

__attribute__((noinline)) static uint64_t work(void)
{
	return hot_a() + hot_b() + hot_c();
}

int main(int argc, char **argv)
{
	double end = now_s() + arg_seconds(argc, argv, 1.0);
	uint64_t sum = 0;

	while (now_s() < end)
		sum += work();
	return sum == 42 ? 1 : 0; /* keeps the work observable */
}
