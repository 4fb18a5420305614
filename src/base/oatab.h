/* The open-addressing table of profile and report: slots of a caller's
 * type (the caller's own record, so a probe reads one cache line), linear
 * probing over a power-of-two array, growth by doubling before the table
 * passes a fill limit, and an optional side array of per-slot values moved
 * with their slots. The caller writes the probe loop over its slot type
 * (see hashmap.h's u64map, dedup.h's index set, and report/edgemap.h); this
 * owns the memory, the sizing policy and the rehash.
 *
 * Layout: a used slot's home is its hash & (cap - 1) and the rehash
 * reinserts in old slot order, so where every element sits, and the order
 * of a walk over the slots, depend only on the hashes and the order they
 * were inserted in. Callers that emit elements in slot order (the call
 * graph's edges) rely on that.
 *
 * Not for code that runs inside malloc (runtime/heap.c keeps its own):
 * growing allocates with xcalloc, which aborts on out-of-memory. */
#ifndef KILN_BASE_OATAB_H
#define KILN_BASE_OATAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct oatab {
	void *slot;          /* cap slots of esize bytes, zeroed when allocated */
	void *side;          /* cap values of side_esize bytes, or NULL */
	size_t esize, side_esize;
	size_t cap, n;       /* cap is 0 or a power of two; n used slots */
	size_t first_cap;    /* size of the first allocation (power of two); 0 = 64 */
	unsigned fill;       /* grow before n passes fill/4 of cap: 1..3; 0 = 2 */
};

/* An empty table of `type` slots with no side array. */
#define OATAB_INIT(type, first, quarters) { NULL, NULL, sizeof(type), 0, 0, 0, (first), (quarters) }

/* False for an empty slot; else sets *h to the slot's hash. */
typedef bool (*oatab_hash)(const void *slot, uint64_t *h);

/* True when one more slot may not be used without growing first. */
static inline bool oatab_full(const struct oatab *t)
{
	return (t->n + 1) * 4 > t->cap * (t->fill ? t->fill : 2);
}

/* Grows until one more slot fits (allocating the first table if none),
 * moving slots and side values to their places in the larger table. */
void oatab_grow(struct oatab *t, oatab_hash hash);
/* Frees slots and side values; the table is empty and keeps its sizing. */
void oatab_release(struct oatab *t);

#endif
