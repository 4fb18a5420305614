/* The call graph's caller->callee pairs while rgraph_build() walks the
 * samples, accumulated in the hash slots themselves so that a frame costs
 * one cache line: the build loop probes once per frame. It is base/oatab.h's
 * table with these slots. Slots are kept small (the -mean divisors live in
 * the table's side array, allocated only then) and the table fills to 3/4,
 * because on big profiles it is the report's largest allocation after the
 * profile itself. Walked in slot order (oatab.h: a function of the pairs
 * and their first-seen order) the slots become g->edges. Private to
 * src/report; inline because edge_get() is the hot loop's one probe. */
#ifndef KILN_REPORT_EDGEMAP_H
#define KILN_REPORT_EDGEMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../base/oatab.h"

struct eslot {
	uint64_t key;          /* (src << 32 | dst) + 1; 0 = empty */
	int64_t weight;
	uint32_t stamp;        /* the last sample that counted this pair */
	bool residual, inline_;
};

struct edge_map {
	struct oatab t;        /* of struct eslot; side: int64_t divisors with -mean */
};

static inline void edge_map_init(struct edge_map *m, bool mean)
{
	m->t = (struct oatab)OATAB_INIT(struct eslot, 4096, 3);
	if (mean)
		m->t.side_esize = sizeof(int64_t);
}

static inline void edge_map_release(struct edge_map *m)
{
	oatab_release(&m->t);
}

/* Bijective on 64 bits (xor-shift and an odd multiplier). */
static inline uint64_t edge_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static inline bool eslot_hash(const void *slot, uint64_t *h)
{
	const struct eslot *s = slot;

	*h = edge_hash(s->key);
	return s->key != 0;
}

static inline struct eslot *edge_slots(const struct edge_map *m)
{
	return m->t.slot;
}

/* The -mean divisors by slot, or NULL without -mean (or before any pair). */
static inline int64_t *edge_divs(const struct edge_map *m)
{
	return m->t.side;
}

static inline uint32_t edge_src(const struct eslot *s)
{
	return (uint32_t)((s->key - 1) >> 32);
}

static inline uint32_t edge_dst(const struct eslot *s)
{
	return (uint32_t)(s->key - 1);
}

/* The slot of src->dst, a zeroed one (inline_ set) when new. Valid until
 * the next edge_get(). */
static inline size_t edge_get(struct edge_map *m, uint32_t src, uint32_t dst)
{
	uint64_t key = ((uint64_t)src << 32 | dst) + 1;
	struct eslot *slots;
	size_t i, mask;

	if (oatab_full(&m->t))
		oatab_grow(&m->t, eslot_hash);
	slots = m->t.slot;
	mask = m->t.cap - 1;
	i = edge_hash(key) & mask;
	while (slots[i].key) {
		if (slots[i].key == key)
			return i;
		i = (i + 1) & mask;
	}
	slots[i].key = key;
	slots[i].inline_ = true;
	m->t.n++;
	return i;
}

#endif
