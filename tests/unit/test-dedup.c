/* base/dedup.h and the call graph's edge map (report/edgemap.h) against a
 * plain linear search, on many random sequences of inserts and lookups
 * (SQLite's sqlite3BitvecBuiltinTest habit). The hashes collide on purpose:
 * few distinct values, hashes equal for unequal elements, hashes that
 * differ only above the 32 bits a slot keeps, and edge pairs picked to
 * share their home slot, with tables that start tiny and grow often. Both
 * tables are base/oatab.h's, so this also checks its growth. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/dedup.h"
#include "base/hashmap.h"
#include "check.h"
#include "report/edgemap.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure names its seed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

/* ---- dedup against a linear scan ---- */

#define PROBE UINT32_MAX

struct elems {
	uint64_t *v;     /* element values; equal value = equal element */
	size_t n;
	uint64_t probe;  /* the value dedup_find() looks for */
	int mode;
	uint64_t k;      /* collision modulus */
};

static bool elem_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct elems *e = ctx;

	return e->v[a] == (b == PROBE ? e->probe : e->v[b]);
}

/* Equal values get equal hashes; unequal ones collide a lot. */
static uint64_t elem_hash(const struct elems *e, uint64_t v)
{
	switch (e->mode) {
	case 0:
		return v % e->k;                       /* few hashes */
	case 1:
		return (v % e->k) << 32;               /* one home slot, tags differ only above 32 bits */
	case 2:
		return 42;                             /* every element the same hash */
	case 3:
		return hash_u64(v);                    /* well spread */
	default:
		return (hash_u64(v) & 0xffffffff00000000ULL) | (v % e->k); /* low bits few */
	}
}

/* The first earlier-inserted element equal to value v, or PROBE. */
static uint32_t linear_find(const struct elems *e, const uint8_t *in_set, uint64_t v)
{
	for (size_t i = 0; i < e->n; i++)
		if (in_set[i] && e->v[i] == v)
			return (uint32_t)i;
	return PROBE;
}

static void dedup_run(uint64_t seed, int mode, size_t first_cap, unsigned fill, size_t ops)
{
	struct elems e = { NULL, 0, 0, mode, 0 };
	struct dedup d = DEDUP_INIT_SIZED(first_cap, fill);
	uint64_t domain;
	uint8_t *in_set;
	size_t in = 0, seen;
	int bad = 0;

	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
	domain = 1 + below(mode == 2 ? 60 : 3000);
	e.k = 1 + below(7);
	e.v = malloc((ops + 1) * sizeof(*e.v));
	in_set = calloc(ops + 1, 1);
	for (size_t op = 0; op < ops && bad < 3; op++) {
		uint64_t v = below(domain);
		uint32_t want = linear_find(&e, in_set, v), got;

		if (below(3)) {
			e.v[e.n] = v;
			got = dedup_insert(&d, elem_hash(&e, v), (uint32_t)e.n, elem_eq, &e);
			if (want == PROBE) {
				want = (uint32_t)e.n;
				in_set[e.n] = 1;
				in++;
			}
			e.n++;
		} else {
			e.probe = v;
			got = dedup_find(&d, elem_hash(&e, v), PROBE, elem_eq, &e);
		}
		if (got != want) {
			fprintf(stderr, "dedup seed %llu mode %d op %zu: value %llu gave %u, linear scan %u\n",
				(unsigned long long)seed, mode, op, (unsigned long long)v, got, want);
			check_failures++;
			bad++;
		}
		CHECK_EQ(dedup_count(&d), in);
	}
	/* dedup_at() walks each element of the set exactly once. */
	seen = 0;
	for (size_t i = 0; i < d.t.cap; i++) {
		uint32_t ix = dedup_at(&d, i);
		if (ix == UINT32_MAX)
			continue;
		CHECK(ix < e.n && in_set[ix] == 1);
		if (ix < e.n)
			in_set[ix] = 2;
		seen++;
	}
	CHECK_EQ(seen, in);
	dedup_release(&d);
	CHECK(d.t.slot == NULL && dedup_count(&d) == 0);
	free(e.v);
	free(in_set);
}

static void test_dedup_random(void)
{
	static const size_t caps[] = { 1, 2, 64, 4096 };

	for (uint64_t seed = 1; seed <= 400; seed++)
		dedup_run(seed, (int)(seed % 5), caps[seed % 4], 1 + (unsigned)(seed / 4 % 3),
			  200 + (size_t)(seed * 37 % 3000));
}

/* The same hashes in the same order give the same slot order. */
static void test_dedup_layout(void)
{
	struct elems e = { NULL, 0, 0, 4, 5 };
	struct dedup a = DEDUP_INIT, b = DEDUP_INIT;
	size_t n = 5000;

	rng_state = 7;
	e.v = malloc(n * sizeof(*e.v));
	for (size_t i = 0; i < n; i++) {
		e.v[i] = below(100000);
		dedup_insert(&a, elem_hash(&e, e.v[i]), (uint32_t)i, elem_eq, &e);
		dedup_insert(&b, elem_hash(&e, e.v[i]), (uint32_t)i, elem_eq, &e);
	}
	CHECK_EQ(a.t.cap, b.t.cap);
	CHECK(a.t.cap == b.t.cap && memcmp(a.t.slot, b.t.slot, a.t.cap * sizeof(struct dedup_slot)) == 0);
	dedup_release(&a);
	dedup_release(&b);
	free(e.v);
}

/* ---- the edge map against a linear list ---- */

struct ref_edge {
	uint32_t src, dst;
	int64_t weight, div;
	bool seen;
};

static void edge_run(uint64_t seed, size_t ops)
{
	struct edge_map m;
	struct ref_edge *ref = malloc((ops + 1) * sizeof(*ref));
	uint32_t pool_src[64], pool_dst[64];
	size_t n_ref = 0, pool = 0, seen = 0;
	bool mean = seed & 1;
	int bad = 0;

	rng_state = seed * 0x2545f4914f6cdd1dULL + 3;
	edge_map_init(&m, mean);
	if (seed % 3 == 0)
		m.t.first_cap = 1; /* grow from one slot */
	/* Pairs that share a home slot in a 4096-slot table, by search. */
	while (pool < 64) {
		uint32_t s = (uint32_t)below(seed % 2 ? 50 : 0xffffffffu);
		uint32_t t = (uint32_t)below(seed % 2 ? 50 : 0xffffffffu);
		uint64_t key = ((uint64_t)s << 32 | t) + 1;
		if ((edge_hash(key) & 0xfff) == (seed & 0xfff) || below(500) == 0) {
			pool_src[pool] = s;
			pool_dst[pool++] = t;
		}
	}
	for (size_t op = 0; op < ops && bad < 3; op++) {
		uint32_t s, t;
		size_t want = n_ref, got;
		int64_t w = (int64_t)below(1000) - 300;
		struct eslot *e;

		if (below(2)) {
			size_t j = below(pool);
			s = pool_src[j];
			t = pool_dst[j];
		} else {
			s = (uint32_t)below(40);
			t = below(8) ? (uint32_t)below(40) : UINT32_MAX - (uint32_t)below(3);
		}
		for (size_t i = 0; i < n_ref; i++)
			if (ref[i].src == s && ref[i].dst == t) {
				want = i;
				break;
			}
		if (want == n_ref)
			ref[n_ref++] = (struct ref_edge){ s, t, 0, 0, false };
		got = edge_get(&m, s, t);
		e = &edge_slots(&m)[got];
		if (got >= m.t.cap || edge_src(e) != s || edge_dst(e) != t ||
		    (want == n_ref - 1 && ref[want].weight == 0 && e->weight != 0)) {
			fprintf(stderr, "edges seed %llu op %zu: %u->%u gave slot %zu (%u->%u)\n",
				(unsigned long long)seed, op, s, t, got, edge_src(e), edge_dst(e));
			check_failures++;
			bad++;
			continue;
		}
		e->weight += w;
		ref[want].weight += w;
		if (edge_divs(&m)) {
			edge_divs(&m)[got] += 1;
			ref[want].div += 1;
		}
		CHECK_EQ(m.t.n, n_ref);
	}
	CHECK((edge_divs(&m) != NULL) == (mean && n_ref > 0));
	/* Slot order visits every pair once, with what the list summed. */
	for (size_t i = 0; i < m.t.cap; i++) {
		const struct eslot *e = &edge_slots(&m)[i];
		size_t j;
		if (!e->key)
			continue;
		seen++;
		for (j = 0; j < n_ref; j++)
			if (ref[j].src == edge_src(e) && ref[j].dst == edge_dst(e))
				break;
		CHECK(j < n_ref && !ref[j].seen);
		if (j == n_ref)
			continue;
		ref[j].seen = true;
		CHECK_EQ(e->weight, ref[j].weight);
		CHECK(e->inline_);
		if (edge_divs(&m))
			CHECK_EQ(edge_divs(&m)[i], ref[j].div);
	}
	CHECK_EQ(seen, n_ref);
	edge_map_release(&m);
	free(ref);
}

static void test_edges_random(void)
{
	for (uint64_t seed = 1; seed <= 200; seed++)
		edge_run(seed, 100 + (size_t)(seed * 53 % 6000));
}

int main(void)
{
	test_dedup_random();
	test_dedup_layout();
	test_edges_random();
	return CHECK_DONE();
}
