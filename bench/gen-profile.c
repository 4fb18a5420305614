/* Deterministic generator of a large CPU profile for bench/report-speed,
 * written with kiln's own profile writer.
 *
 * Shape: a few thousand functions in a layered call graph (each calls a
 * handful of functions of the next layers), eight call sites (locations)
 * per function of which about one in eight carries an inline chain of two
 * or three frames, and N samples whose stacks are random walks of depth 4
 * to 48 from main, all distinct (a hash set rejects repeats). Two sample
 * types, samples/count and cpu/nanoseconds, as Go's CPU profiles have.
 *
 * usage: gen-profile OUT.pb.gz N_STACKS [SEED [N_FUNCS]]
 * (N_FUNCS defaults to 3,000; bench/list-speed asks for 100,000, spread
 * over 400 files as the default is) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "profile/encode.h"
#include "profile/profile.h"

#define DEFAULT_FUNCS 3000
#define SITES 8        /* locations per function */
#define CALLEES 6      /* functions each function may call */

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int main(int argc, char **argv)
{
	uint32_t (*callees)[CALLEES];
	size_t n_funcs = DEFAULT_FUNCS, spread;
	struct profile *p;
	struct kerr err = KERR_INIT;
	struct u64map seen = U64MAP_INIT;
	uint64_t locs[64];
	size_t n, made = 0, rejected = 0;
	char name[64], file[64];

	if (argc < 3) {
		fprintf(stderr, "usage: gen-profile OUT.pb.gz N_STACKS [SEED [N_FUNCS]]\n");
		return 2;
	}
	n = strtoull(argv[2], NULL, 10);
	rng = argc > 3 ? strtoull(argv[3], NULL, 10) : 0x2545F4914F6CDD1DULL;
	if (!rng)
		rng = 1;
	if (argc > 4)
		n_funcs = strtoull(argv[4], NULL, 10);
	if (n_funcs < 2 || n_funcs > 10000000) {
		fprintf(stderr, "gen-profile: N_FUNCS must be 2..10000000\n");
		return 2;
	}
	spread = n_funcs <= DEFAULT_FUNCS ? 400 : n_funcs / 24;
	callees = calloc(n_funcs, sizeof(*callees));
	if (!callees) {
		fprintf(stderr, "gen-profile: out of memory\n");
		return 1;
	}
	p = profile_new();
	profile_add_sample_type(p, "samples", "count");
	profile_add_sample_type(p, "cpu", "nanoseconds");
	p->period_type.type = profile_str(p, "cpu");
	p->period_type.unit = profile_str(p, "nanoseconds");
	p->period = 10000000;
	p->time_nanos = 1790000000000000000LL;
	p->duration_nanos = 60000000000LL;
	{
		struct pf_mapping *m = profile_add_mapping(p);
		m->memory_start = 0x400000;
		m->memory_limit = 0x4000000;
		m->filename = profile_str(p, "/usr/bin/bigservice");
		m->build_id = profile_str(p, "0123456789abcdef0123456789abcdef");
		m->has_functions = m->has_filenames = m->has_line_numbers = m->has_inline_frames = true;
	}
	for (size_t f = 0; f < n_funcs; f++) {
		struct pf_function *fn = profile_add_function(p);
		snprintf(name, sizeof(name), f ? "service/pkg%02zu.Func%04zu" : "main.main", f % 40, f);
		snprintf(file, sizeof(file), "/src/service/pkg%02zu/file%03zu.go", f % 40, f % 400);
		fn->name = profile_str(p, name);
		fn->system_name = fn->name;
		fn->filename = profile_str(p, file);
		fn->start_line = 10 + (int64_t)(f % 500);
		/* A layered graph: callees sit a little deeper in the order,
		 * far enough apart that walks of depth 48 reach every function. */
		for (int c = 0; c < CALLEES; c++)
			callees[f][c] = (uint32_t)((f + 1 + next() % spread) % n_funcs);
	}
	/* Location (f, site) has id f * SITES + site + 1. */
	for (size_t f = 0; f < n_funcs; f++) {
		for (int s = 0; s < SITES; s++) {
			struct pf_line ln[3];
			size_t nl = 1;
			ln[0] = (struct pf_line){ (uint64_t)f + 1, 12 + f % 500 + s * 3, 0 };
			if (next() % 8 == 0) {
				/* inlined helpers: innermost first, f's own frame last */
				nl = 2 + next() % 2;
				for (size_t k = 0; k + 1 < nl; k++)
					ln[k] = (struct pf_line){ next() % n_funcs + 1, 5 + next() % 90, 0 };
				ln[nl - 1] = (struct pf_line){ (uint64_t)f + 1, 12 + f % 500 + s * 3, 0 };
			}
			profile_add_location(p, 1, 0x400000 + (uint64_t)f * 0x1000 + (uint64_t)s * 16,
					     ln, nl);
		}
	}
	while (made < n) {
		size_t depth = 4 + next() % 45, f = 0;
		uint64_t h = 0xcbf29ce484222325ULL;
		bool added;
		int64_t v[2];

		/* Walk from main (root) and store leaf first. */
		for (size_t d = 0; d < depth; d++) {
			uint64_t id = f * SITES + next() % SITES + 1;
			locs[depth - 1 - d] = id;
			f = callees[f][next() % CALLEES];
		}
		for (size_t d = 0; d < depth; d++)
			h = (h ^ locs[d]) * 0x100000001b3ULL;
		h ^= depth;
		if (h == U64MAP_EMPTY)
			h--;
		u64map_slot(&seen, h, 0, &added);
		if (!added) {
			rejected++;
			continue;
		}
		v[0] = 1 + (int64_t)(next() % 20);
		v[1] = v[0] * 10000000;
		profile_add_sample(p, locs, depth, v, 2, NULL, 0);
		made++;
	}
	if (profile_write_file(p, argv[1], &err) < 0) {
		fprintf(stderr, "gen-profile: %s\n", err.msg);
		return 1;
	}
	fprintf(stderr, "gen-profile: %zu distinct stacks (%zu repeats redrawn), %zu locations, %zu functions\n",
		made, rejected, p->n_locations, p->n_functions);
	u64map_release(&seen);
	profile_free(p);
	free(callees);
	return 0;
}
