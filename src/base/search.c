/* Binary search over sorted arrays of structs keyed by a uint64_t field. */
#include "search.h"

#include <string.h>

size_t upper_bound_u64(const void *base, size_t n, size_t size, size_t offset, uint64_t key)
{
	const unsigned char *p = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t v;

		memcpy(&v, p + mid * size + offset, sizeof(v));
		if (v <= key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
