/* Binary search helpers for the sorted address tables of symbols, kernel
 * symbols, JIT maps and compile units. */
#ifndef KILN_BASE_SEARCH_H
#define KILN_BASE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

/* For `n` elements of `size` bytes sorted by the uint64_t at byte `offset`
 * of each, returns how many leading elements have that field <= key, i.e.
 * the index of the first element starting after key. */
size_t upper_bound_u64(const void *base, size_t n, size_t size, size_t offset, uint64_t key);

#endif
