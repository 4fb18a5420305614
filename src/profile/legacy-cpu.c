/* gperftools / profilez binary CPU profiles (pprof's parseCPU): a header
 * of five words 0, 3, 0|1, period in µs, 0, in 32- or 64-bit words of
 * either endianness (the first reading that gives that header wins, in
 * pprof's order), then records count, depth, pcs (leaf first), a trailer
 * 0, 1, 0, and /proc/self/maps text. Java profiles (third word 1) end with
 * location text instead (legacy-java.c). */
#include "legacy-int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"

struct words {
	const unsigned char *b;
	size_t len;
	unsigned size;
	bool big;
	bool nil; /* a read ran out of bytes: Go's nil slice */
};

static uint64_t get(struct words *w)
{
	uint64_t v = 0;

	if (w->nil || w->len < w->size) {
		w->nil = true;
		w->len = 0;
		return 0;
	}
	for (unsigned i = 0; i < w->size; i++)
		v |= (uint64_t)w->b[w->big ? w->size - 1 - i : i] << (8 * i);
	w->b += w->size;
	w->len -= w->size;
	return v;
}

/* parseCPUSamples: records up to the trailer or the end of the data;
 * leaves w at the text that follows. */
static int cpu_samples(struct lg *g, struct words *w, bool adjust, struct kerr *err)
{
	uint64_t *locs = NULL;
	size_t cap = 0;
	int ret = 0;

	while (w->len > 0) {
		uint64_t count, nstk;
		int64_t vals[2];

		count = get(w);
		nstk = get(w);
		if (w->nil || nstk > w->len / 4) {
			ret = LG_UNRECOGNIZED;
			break;
		}
		locs = xgrow(locs, &cap, nstk ? nstk : 1, sizeof(*locs));
		for (uint64_t i = 0; i < nstk; i++)
			locs[i] = get(w);
		if (count == 0 && nstk == 1 && locs[0] == 0)
			break;
		for (uint64_t i = 0; i < nstk; i++)
			locs[i] = lg_loc(g, adjust && i > 0 ? locs[i] - 1 : locs[i]);
		vals[0] = (int64_t)count;
		vals[1] = lg_mul((int64_t)count, g->p->period);
		if ((ret = lg_sample(g, locs, nstk, vals, 2, false, 0, err)) < 0)
			break;
	}
	free(locs);
	return ret;
}

/* A frame the signal handler pushes shows up second in (almost) every
 * sample: pprof drops up to two such, allowing one miss per 32 samples. */
static void strip_handler_frames(struct lg *g)
{
	struct profile *p = g->p;
	size_t margin = p->n_samples / 32;

	for (int iter = 0; iter < 2; iter++) {
		struct u64map count = U64MAP_INIT;
		uint64_t found = UINT64_MAX;

		for (size_t i = 0; i < p->n_samples; i++) {
			const struct pf_sample *s = &p->samples[i];
			bool added;
			if (s->n_loc > 1)
				(*u64map_slot(&count, lg_slocs(p, s)[1], 0, &added))++;
		}
		uint64_t key, n;
		for (size_t k = 0; u64map_next(&count, &k, &key, &n);)
			if (n >= p->n_samples - margin) {
				found = key;
				break;
			}
		u64map_release(&count);
		if (found == UINT64_MAX)
			continue;
		for (size_t i = 0; i < p->n_samples; i++) {
			struct pf_sample *s = &p->samples[i];
			uint64_t *sl = lg_slocs(p, s);
			if (s->n_loc > 1 && sl[1] == found) {
				memmove(sl + 1, sl + 2, (s->n_loc - 2) * sizeof(*sl));
				s->n_loc--;
			}
		}
	}
}

int lg_parse_cpu(struct lg *g, const char *d, size_t n, struct kerr *err)
{
	static const struct { unsigned size; bool big; } enc[] = {
		{ 4, false }, { 4, true }, { 8, false }, { 8, true },
	};

	for (size_t e = 0; e < 4; e++) {
		struct words w = { (const unsigned char *)d, n, enc[e].size, enc[e].big, false };
		uint64_t h[5];
		struct lscan s;
		int ret;

		for (int i = 0; i < 5; i++)
			h[i] = get(&w);
		if (w.nil || h[0] != 0 || h[1] != 3 || h[2] > 1 || h[3] == 0 || h[4] != 0)
			continue;
		if (h[2] == 1)
			return lg_java_cpu(g, w.b, w.len, w.size, w.big, err);
		g->p->period = lg_mul((int64_t)h[3], 1000);
		g->p->period_type.type = profile_str(g->p, "cpu");
		g->p->period_type.unit = profile_str(g->p, "nanoseconds");
		profile_add_sample_type(g->p, "samples", "count");
		profile_add_sample_type(g->p, "cpu", "nanoseconds");
		if ((ret = cpu_samples(g, &w, true, err)) != 0)
			return ret;
		strip_handler_frames(g);
		lscan_init(&s, (const char *)w.b, w.len);
		if ((ret = lg_parse_maps(g, &s, false, err)) < 0)
			return ret;
		lg_cleanup_duplicate_leaf(g);
		return 0;
	}
	return LG_UNRECOGNIZED;
}

int lg_java_cpu(struct lg *g, const unsigned char *b, size_t n, unsigned word, bool big,
		struct kerr *err)
{
	struct words w = { b, n, word, big, false };
	int ret;

	/* period was read as the fourth header word: recover it. */
	{
		struct words h = { b - 5 * word, 5 * word, word, big, false };
		uint64_t v[5];
		for (int i = 0; i < 5; i++)
			v[i] = get(&h);
		g->p->period = lg_mul((int64_t)v[3], 1000);
	}
	g->p->period_type.type = profile_str(g->p, "cpu");
	g->p->period_type.unit = profile_str(g->p, "nanoseconds");
	profile_add_sample_type(g->p, "samples", "count");
	profile_add_sample_type(g->p, "cpu", "nanoseconds");
	if ((ret = cpu_samples(g, &w, false, err)) != 0)
		return ret;
	return lg_java_locations(g, (const char *)w.b, w.len, err);
}
