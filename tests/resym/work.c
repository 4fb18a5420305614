/* A workload with a known call tree for the re-symbolization tests:
 * main → hot_a, main → hot_b → hot_a, each a loop of N iterations
 * (argv[1], default 100000000). Built -g -O1 with frame pointers, so that
 * gperftools' and libkiln's stacks hold it whole. */
#include <stdio.h>
#include <stdlib.h>

static __attribute__((noinline)) double hot_a(long n)
{
	double s = 0;

	for (long i = 0; i < n; i++)
		s += i * 0.5;
	return s;
}

static __attribute__((noinline)) double hot_b(long n)
{
	double s = 0;

	for (long i = 0; i < n; i++)
		s += i * 0.25;
	return s + hot_a(n / 2);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000000;
	double s = 0;

	for (int k = 0; k < 4; k++)
		s += hot_a(n) + hot_b(n);
	printf("%d\n", s > 0);
	return 0;
}
