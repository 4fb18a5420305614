/* A set of element indices (uint32) in an open-addressing table, keyed by a
 * caller-computed 64-bit hash, with equality decided by a caller callback on
 * two indices: the elements themselves (mappings, functions, locations,
 * samples, graph nodes, histogram entries) are the keys, so no key is built
 * or copied. Used by merge's keys, the report's node table and perf's
 * histogram. Not thread-safe; one owner.
 *
 * It is base/oatab.h's table with 8-byte slots, the low 32 bits of the
 * hash and the index + 1, so a probe reads one cache line; the callback
 * runs only when those bits match. Growth, layout and the abort on
 * out-of-memory are oatab.h's. */
#ifndef KILN_BASE_DEDUP_H
#define KILN_BASE_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oatab.h"

struct dedup_slot {
	uint32_t tag;  /* low 32 bits of the hash */
	uint32_t idx;  /* element index + 1; 0 = empty */
};

struct dedup {
	struct oatab t;          /* of struct dedup_slot; t.n elements */
};

/* A zeroed struct dedup is also a valid empty one (64 slots, half full). */
#define DEDUP_INIT { OATAB_INIT(struct dedup_slot, 0, 0) }
/* A table that starts at `first` slots and fills to quarters/4 (1..3). */
#define DEDUP_INIT_SIZED(first, quarters) { OATAB_INIT(struct dedup_slot, (first), (quarters)) }

/* Is element a (already in the set) equal to element b (the candidate)?
 * b may be a sentinel meaning "the probe" that ctx describes. */
typedef bool (*dedup_eq)(void *ctx, uint32_t a, uint32_t b);

/* Frees the slots; the table is empty afterwards and keeps its sizing. */
void dedup_release(struct dedup *d);
/* Makes room for one more element. Internal to the inline functions below. */
void dedup_grow(struct dedup *d);

static inline size_t dedup_count(const struct dedup *d)
{
	return d->t.n;
}

/* Returns the index of an element equal to `cand` if one was inserted
 * before, else inserts `cand` and returns it. Elements never leave. */
static inline uint32_t dedup_insert(struct dedup *d, uint64_t h, uint32_t cand,
				    dedup_eq eq, void *ctx)
{
	uint32_t tag = (uint32_t)h;
	struct dedup_slot *slot;
	size_t i, mask;

	if (oatab_full(&d->t))
		dedup_grow(d);
	slot = d->t.slot;
	mask = d->t.cap - 1;
	i = tag & mask;
	while (slot[i].idx) {
		if (slot[i].tag == tag && eq(ctx, slot[i].idx - 1, cand))
			return slot[i].idx - 1;
		i = (i + 1) & mask;
	}
	slot[i].tag = tag;
	slot[i].idx = cand + 1;
	d->t.n++;
	return cand;
}

/* Finds without inserting; UINT32_MAX when absent. */
static inline uint32_t dedup_find(const struct dedup *d, uint64_t h, uint32_t cand,
				  dedup_eq eq, void *ctx)
{
	uint32_t tag = (uint32_t)h;
	const struct dedup_slot *slot = d->t.slot;
	size_t i, mask;

	if (!d->t.cap)
		return UINT32_MAX;
	mask = d->t.cap - 1;
	i = tag & mask;
	while (slot[i].idx) {
		if (slot[i].tag == tag && eq(ctx, slot[i].idx - 1, cand))
			return slot[i].idx - 1;
		i = (i + 1) & mask;
	}
	return UINT32_MAX;
}

/* The element in slot i (i < d->t.cap), UINT32_MAX for an empty slot. */
static inline uint32_t dedup_at(const struct dedup *d, size_t i)
{
	const struct dedup_slot *slot = d->t.slot;

	return slot[i].idx ? slot[i].idx - 1 : UINT32_MAX;
}

/* Mixing helper for building hashes field by field. */
static inline uint64_t dedup_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

#endif
