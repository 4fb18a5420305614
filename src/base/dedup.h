/* A set of element indices (uint32) in an open-addressing table, keyed by a
 * caller-computed 64-bit hash, with equality decided by a caller callback on
 * two indices: the elements themselves (mappings, functions, locations,
 * samples, graph nodes, call edges) are the keys, so no key is built or
 * copied. The one such table of profile and report (merge's dedup, the
 * report's node table, perf's histogram, the call graph's edges).
 *
 * A slot is 8 bytes, the low 32 bits of the hash and the index + 1, so a
 * probe reads one cache line; the callback runs only when those bits match.
 * The home slot of a hash is (uint32_t)hash & (cap - 1), probing is linear
 * and the table doubles when it would pass its fill limit: the layout, and
 * so the slot order dedup_at() walks, is a function of the inserted hashes
 * in their order alone. Callers that emit elements in slot order (the graph's
 * edges) rely on that.
 *
 * Not for code that runs inside malloc (runtime/heap.c has its own table):
 * growing allocates with xcalloc and aborts on out-of-memory. */
#ifndef KILN_BASE_DEDUP_H
#define KILN_BASE_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dedup_slot {
	uint32_t tag;  /* low 32 bits of the hash */
	uint32_t idx;  /* element index + 1; 0 = empty */
};

struct dedup {
	struct dedup_slot *slot; /* cap slots, or NULL before the first insert */
	size_t cap, n;           /* cap is 0 or a power of two */
	size_t first_cap;        /* size of the first allocation (power of two); 0 = 64 */
	unsigned fill;           /* grow before n passes fill/4 of cap: 1..3; 0 = 2 (half) */
};

/* A zeroed struct dedup is also a valid empty one (64 slots, half full). */
#define DEDUP_INIT { NULL, 0, 0, 0, 0 }
/* A table that starts at `first` slots and fills to quarters/4 (1..3). */
#define DEDUP_INIT_SIZED(first, quarters) { NULL, 0, 0, (first), (quarters) }

/* Is element a (already in the set) equal to element b (the candidate)?
 * b may be a sentinel meaning "the probe" that ctx describes. */
typedef bool (*dedup_eq)(void *ctx, uint32_t a, uint32_t b);

/* Frees the slots; the table is empty afterwards and keeps its sizing. */
void dedup_release(struct dedup *d);
/* Doubles the table (or allocates the first one). Internal to the inline
 * functions below. */
void dedup_grow(struct dedup *d);

static inline bool dedup_full(const struct dedup *d)
{
	return (d->n + 1) * 4 > d->cap * (d->fill ? d->fill : 2);
}

/* Returns the index of an element equal to `cand` if one was inserted
 * before, else inserts `cand` and returns it. Elements never leave. */
static inline uint32_t dedup_insert(struct dedup *d, uint64_t h, uint32_t cand,
				    dedup_eq eq, void *ctx)
{
	uint32_t tag = (uint32_t)h;
	size_t i, mask;

	if (dedup_full(d))
		dedup_grow(d);
	mask = d->cap - 1;
	i = tag & mask;
	while (d->slot[i].idx) {
		if (d->slot[i].tag == tag && eq(ctx, d->slot[i].idx - 1, cand))
			return d->slot[i].idx - 1;
		i = (i + 1) & mask;
	}
	d->slot[i].tag = tag;
	d->slot[i].idx = cand + 1;
	d->n++;
	return cand;
}

/* Finds without inserting; UINT32_MAX when absent. */
static inline uint32_t dedup_find(const struct dedup *d, uint64_t h, uint32_t cand,
				  dedup_eq eq, void *ctx)
{
	uint32_t tag = (uint32_t)h;
	size_t i, mask;

	if (!d->cap)
		return UINT32_MAX;
	mask = d->cap - 1;
	i = tag & mask;
	while (d->slot[i].idx) {
		if (d->slot[i].tag == tag && eq(ctx, d->slot[i].idx - 1, cand))
			return d->slot[i].idx - 1;
		i = (i + 1) & mask;
	}
	return UINT32_MAX;
}

/* The element in slot i (i < d->cap), UINT32_MAX for an empty slot. */
static inline uint32_t dedup_at(const struct dedup *d, size_t i)
{
	return d->slot[i].idx ? d->slot[i].idx - 1 : UINT32_MAX;
}

/* Mixing helper for building hashes field by field. */
static inline uint64_t dedup_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

#endif
