/* Random valid profiles for the differential test (differential.sh): a few
 * mappings (one without a file, sometimes none at all), functions with
 * repeated or empty names and files, locations with zero to three lines
 * (inline chains) or none, samples of depth 0-7 with negative and zero
 * values, string and numeric labels. Deterministic per seed.
 * usage: randprof OUT.pb.gz SEED */
#include <stdio.h>
#include <stdlib.h>

#include "profile/encode.h"
#include "profile/profile.h"

static uint64_t rng;

static uint64_t nx(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int main(int argc, char **argv)
{
	struct profile *p;
	struct kerr e = KERR_INIT;
	char b[64];
	int nm, nf, nl, ns;

	if (argc != 3) {
		fprintf(stderr, "usage: randprof OUT.pb.gz SEED\n");
		return 2;
	}
	rng = strtoull(argv[2], NULL, 10) * 2654435761ULL + 1;
	p = profile_new();
	profile_add_sample_type(p, "samples", "count");
	profile_add_sample_type(p, "space", "bytes");
	if (nx() % 2)
		p->duration_nanos = 1000000000;
	nm = (int)(nx() % 4);
	for (int i = 0; i < nm; i++) {
		struct pf_mapping *m = profile_add_mapping(p);
		m->memory_start = 0x1000000 * (uint64_t)(i + 1);
		m->memory_limit = m->memory_start + 0x100000;
		snprintf(b, sizeof(b), "/lib/m%d.so", i);
		m->filename = profile_str(p, i == 1 ? "" : b); /* one mapping without a file */
	}
	nf = 2 + (int)(nx() % 12);
	for (int i = 0; i < nf; i++) {
		struct pf_function *f = profile_add_function(p);
		snprintf(b, sizeof(b), "fn%d", (int)(nx() % (uint64_t)nf));
		f->name = profile_str(p, nx() % 10 ? b : "");
		snprintf(b, sizeof(b), "/src/f%d.c", (int)(nx() % 3));
		f->filename = profile_str(p, nx() % 5 ? b : "");
		f->start_line = nx() % 3 ? 0 : (int64_t)(nx() % 50);
	}
	nl = 2 + (int)(nx() % 20);
	for (int i = 0; i < nl; i++) {
		struct pf_line ln[3];
		int k = nx() % 4 == 0 ? 2 + (int)(nx() % 2) : (nx() % 10 == 0 ? 0 : 1);
		for (int j = 0; j < k; j++) {
			ln[j].function_id = 1 + nx() % (uint64_t)nf;
			ln[j].line = 1 + (int64_t)(nx() % 60);
			ln[j].column = 0;
		}
		profile_add_location(p, nm ? nx() % (uint64_t)(nm + 1) : 0, 0x1000000 + nx() % 0x200000, ln,
				     (size_t)k);
	}
	ns = 1 + (int)(nx() % 40);
	for (int i = 0; i < ns; i++) {
		uint64_t locs[8];
		int64_t v[2];
		struct pf_label lab[2];
		int d = (int)(nx() % 8), nlab = 0;

		for (int j = 0; j < d; j++)
			locs[j] = 1 + nx() % (uint64_t)nl;
		v[0] = (int64_t)(nx() % 5) - (nx() % 7 == 0 ? 3 : 0);
		v[1] = (int64_t)(nx() % 100000) * (nx() % 9 == 0 ? -1 : 1);
		if (nx() % 2) {
			snprintf(b, sizeof(b), "v%d", (int)(nx() % 3));
			lab[nlab++] = (struct pf_label){ profile_str(p, "t"), profile_str(p, b), 0, 0 };
		}
		if (nx() % 2)
			lab[nlab++] = (struct pf_label){ profile_str(p, "bytes"), 0, (int64_t)(nx() % 5000), 0 };
		profile_add_sample(p, locs, (size_t)d, v, 2, lab, (size_t)nlab);
	}
	profile_index(p);
	if (profile_write_file(p, argv[1], &e) < 0) {
		fprintf(stderr, "randprof: %s\n", e.msg);
		return 1;
	}
	profile_free(p);
	return 0;
}
