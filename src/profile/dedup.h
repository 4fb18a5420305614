/* A set of element indices (uint32) keyed by a caller-computed hash, with
 * equality decided by a caller callback on two indices. Used to deduplicate
 * mappings, functions, locations and samples while merging, and graph nodes
 * while reporting, without building key strings: the elements themselves
 * are the keys. Private to the profile and report modules. */
#ifndef KILN_PROFILE_DEDUP_H
#define KILN_PROFILE_DEDUP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "../base/alloc.h"

struct dedup {
	uint32_t *slot;  /* index + 1; 0 = empty */
	uint64_t *hash;
	size_t cap, n;   /* cap is 0 or a power of two */
};

#define DEDUP_INIT { NULL, NULL, 0, 0 }

typedef bool (*dedup_eq)(void *ctx, uint32_t a, uint32_t b);

static inline void dedup_release(struct dedup *d)
{
	free(d->slot);
	free(d->hash);
	d->slot = NULL;
	d->hash = NULL;
	d->cap = d->n = 0;
}

static inline void dedup_grow(struct dedup *d)
{
	size_t cap = d->cap ? d->cap * 2 : 64;
	uint32_t *slot = xcalloc(cap, sizeof(*slot));
	uint64_t *hash = xmalloc(cap * sizeof(*hash));

	for (size_t i = 0; i < d->cap; i++) {
		size_t j;
		if (!d->slot[i])
			continue;
		j = d->hash[i] & (cap - 1);
		while (slot[j])
			j = (j + 1) & (cap - 1);
		slot[j] = d->slot[i];
		hash[j] = d->hash[i];
	}
	free(d->slot);
	free(d->hash);
	d->slot = slot;
	d->hash = hash;
	d->cap = cap;
}

/* Returns the index of an element equal to `cand` if one was inserted
 * before, else inserts `cand` and returns it. */
static inline uint32_t dedup_insert(struct dedup *d, uint64_t h, uint32_t cand,
				    dedup_eq eq, void *ctx)
{
	size_t i;

	if ((d->n + 1) * 2 > d->cap)
		dedup_grow(d);
	i = h & (d->cap - 1);
	while (d->slot[i]) {
		if (d->hash[i] == h && eq(ctx, d->slot[i] - 1, cand))
			return d->slot[i] - 1;
		i = (i + 1) & (d->cap - 1);
	}
	d->slot[i] = cand + 1;
	d->hash[i] = h;
	d->n++;
	return cand;
}

/* Finds without inserting; UINT32_MAX when absent. `cand` is handed to eq
 * as the second index (callers may use a sentinel meaning "the probe"). */
static inline uint32_t dedup_find(const struct dedup *d, uint64_t h, uint32_t cand,
				  dedup_eq eq, void *ctx)
{
	size_t i;

	if (!d->cap)
		return UINT32_MAX;
	i = h & (d->cap - 1);
	while (d->slot[i]) {
		if (d->hash[i] == h && eq(ctx, d->slot[i] - 1, cand))
			return d->slot[i] - 1;
		i = (i + 1) & (d->cap - 1);
	}
	return UINT32_MAX;
}

/* Mixing helpers for building hashes field by field. */
static inline uint64_t dedup_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

#endif
