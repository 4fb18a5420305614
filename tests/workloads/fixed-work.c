/* A fixed amount of CPU work on two threads (for benchmarks, where time
 * must measure slowdown): each thread sorts with qsort and a comparison
 * callback, so stacks go through libc. Built without frame pointers.
 * Usage: fixed-work [ROUNDS]; prints its own elapsed seconds to the file
 * named by $KILN_BENCH_OUT when set. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "spin.h"

#define N 4096

static long rounds = 200;

__attribute__((noinline)) int cmp_work(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	volatile uint64_t x = 0;

	for (int i = 0; i < 50; i++)
		x += (a ^ (uint64_t)i) * 31;
	(void)x; /* volatile: the loop is the work */
	return a < b ? -1 : a > b;
}

__attribute__((noinline)) uint64_t sort_round(uint64_t *v, uint64_t seed)
{
	for (size_t i = 0; i < N; i++)
		v[i] = (i * 2654435761u + seed) % 100003;
	qsort(v, N, sizeof(*v), cmp_work);
	return v[N / 2];
}

static void *worker(void *arg)
{
	uint64_t *v = malloc(N * sizeof(*v)), s = 0;

	for (long r = 0; r < rounds; r++)
		s += sort_round(v, (uint64_t)r + (uintptr_t)arg);
	free(v);
	return (void *)(uintptr_t)s;
}

int main(int argc, char **argv)
{
	pthread_t t[2];
	double t0 = now_s();
	const char *out = getenv("KILN_BENCH_OUT");

	if (argc > 1)
		rounds = atol(argv[1]);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (out) {
		FILE *f = fopen(out, "w");
		if (f) {
			fprintf(f, "%.6f\n", now_s() - t0);
			fclose(f);
		}
	}
	return 0;
}
