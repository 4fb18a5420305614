/* The call graph's caller->callee pairs while rgraph_build() walks the
 * samples: one base/dedup.h probe per frame finds the pair's accumulator in
 * a dense array. The accumulators are small (the -mean divisors live in a
 * side array allocated only when needed) and grow with the table, which
 * fills to 3/4, because on big profiles this is the report's largest
 * allocation after the profile itself. edge_map_finish() emits the pairs in
 * slot order (a function of the pairs and their first-seen order, see
 * dedup.h), which is the order g->edges has always had. Private to
 * src/report; inline because edge_get() is the hot loop's one probe. */
#ifndef KILN_REPORT_EDGEMAP_H
#define KILN_REPORT_EDGEMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/dedup.h"

struct edge_acc {
	uint32_t src, dst;
	int64_t weight;
	uint32_t stamp;        /* the last sample that counted this pair */
	bool residual, inline_;
};

struct edge_map {
	struct dedup d;        /* indices into e */
	struct edge_acc *e;    /* by first use; cap_e >= d.n */
	int64_t *div;          /* weight divisors by edge, with -mean only */
	size_t cap_e;
	bool mean;
	uint32_t probe_src, probe_dst; /* the pair edge_get() looks for */
};

/* An empty map; `mean` keeps the divisors. Free with edge_map_release()
 * (or let edge_map_finish() do it). */
static inline void edge_map_init(struct edge_map *m, bool mean)
{
	memset(m, 0, sizeof(*m));
	m->d = (struct dedup)DEDUP_INIT_SIZED(4096, 3);
	m->mean = mean;
}

static inline void edge_map_release(struct edge_map *m)
{
	dedup_release(&m->d);
	free(m->e);
	free(m->div);
	memset(m, 0, sizeof(*m));
}

/* Bijective on 64 bits (xor-shift and an odd multiplier): distinct pairs
 * spread over the table's low bits. */
static inline uint64_t edge_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static inline bool edge_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct edge_map *m = ctx;

	(void)b;
	return m->e[a].src == m->probe_src && m->e[a].dst == m->probe_dst;
}

/* The accumulator of src->dst, a zeroed one (inline_ set) when new. Its
 * index stays valid until edge_map_finish(); pointers into m->e until the
 * next edge_get(). */
static inline uint32_t edge_get(struct edge_map *m, uint32_t src, uint32_t dst)
{
	uint64_t key = ((uint64_t)src << 32 | dst) + 1;
	uint32_t cand = (uint32_t)m->d.n, got;

	m->probe_src = src;
	m->probe_dst = dst;
	got = dedup_insert(&m->d, edge_hash(key), cand, edge_eq, m);
	if (got != cand)
		return got;
	if (cand >= m->cap_e) {
		/* As many as the table holds before it grows again. */
		size_t cap = m->d.cap * 3 / 4;
		if (cap <= cand)
			cap = (size_t)cand + 1;
		m->e = xrealloc(m->e, cap * sizeof(*m->e));
		if (m->mean) {
			m->div = xrealloc(m->div, cap * sizeof(*m->div));
			memset(m->div + m->cap_e, 0, (cap - m->cap_e) * sizeof(*m->div));
		}
		m->cap_e = cap;
	}
	memset(&m->e[cand], 0, sizeof(m->e[cand]));
	m->e[cand].src = src;
	m->e[cand].dst = dst;
	m->e[cand].inline_ = true;
	return cand;
}

#endif
