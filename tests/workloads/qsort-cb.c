/* The hot path goes through libc: main -> sort_all -> qsort (libc, no frame
 * pointers) -> compare_slowly. Usage: qsort-cb [SECONDS]. */
#include <stdlib.h>

#include "spin.h"

#define N 4096

__attribute__((noinline)) int compare_slowly(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	volatile uint64_t x = 0;

	for (int i = 0; i < 200; i++)
		x += (a ^ (uint64_t)i) * 31;
	(void)x; /* volatile: the loop is the work */
	return a < b ? -1 : a > b;
}

__attribute__((noinline)) uint64_t sort_all(uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i] = (i * 2654435761u) % 100003;
	qsort(v, n, sizeof(*v), compare_slowly);
	return v[n / 2]; /* work after the call: no tail call to qsort */
}

int main(int argc, char **argv)
{
	static uint64_t v[N];
	double end = now_s() + arg_seconds(argc, argv, 1.0);
	uint64_t s = 0;

	while (now_s() < end)
		s += sort_all(v, N);
	return s == 12345;
}
