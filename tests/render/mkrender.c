/* Writes the profiles the render and web tests draw, with kiln's profile
 * builder and writer, so every number in the tests is known in advance:
 *
 *   known.pb.gz  main -> work -> compute (-> helper, inlined), work -> memcpy
 *                (libc), main -> sys_write (kernel); cpu 1000ms in total:
 *                  main 100, main;sys_write 200, main;work;compute 400,
 *                  main;work;compute;helper 200, main;work;memcpy 100
 *                and samples/count = cpu / 10ms. Source file app.c beside it.
 *   base.pb.gz   the same program with compute 200ms and sys_write 400ms
 *                (for -diff_base: compute grew, sys_write shrank).
 *   evil.pb.gz   function names that are HTML/script injections and a file
 *                name climbing out with "..".
 *   big.pb.gz    N distinct stacks (random walks over 2000 functions).
 *
 * usage: mkrender DIR [N_BIG] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashmap.h"
#include "profile/encode.h"
#include "profile/profile.h"

#define MS 1000000LL

static struct profile *new_cpu(void)
{
	struct profile *p = profile_new();
	struct pf_mapping *m;

	profile_add_sample_type(p, "samples", "count");
	profile_add_sample_type(p, "cpu", "nanoseconds");
	p->period_type.type = profile_str(p, "cpu");
	p->period_type.unit = profile_str(p, "nanoseconds");
	p->period = 10 * MS;
	p->duration_nanos = 2000 * MS;
	m = profile_add_mapping(p);
	m->memory_start = 0x400000;
	m->memory_limit = 0x500000;
	m->filename = profile_str(p, "/usr/bin/app");
	m->has_functions = m->has_filenames = m->has_line_numbers = m->has_inline_frames = true;
	m = profile_add_mapping(p);
	m->memory_start = 0x7f0000000000;
	m->memory_limit = 0x7f0000100000;
	m->filename = profile_str(p, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	m->has_functions = true;
	m = profile_add_mapping(p);
	m->memory_start = 0xffffffff81000000;
	m->memory_limit = 0xffffffff82000000;
	m->filename = profile_str(p, "[kernel.kallsyms]");
	m->has_functions = true;
	return p;
}

static uint64_t func(struct profile *p, const char *name, const char *file, int64_t line)
{
	struct pf_function *f = profile_add_function(p);
	f->name = profile_str(p, name);
	f->system_name = f->name;
	f->filename = profile_str(p, file);
	f->start_line = line;
	return f->id;
}

static void sample(struct profile *p, const uint64_t *locs, size_t n, int64_t ms)
{
	int64_t v[2] = { ms / 10, ms * MS };
	profile_add_sample(p, locs, n, v, 2, NULL, 0);
}

static struct profile *known(bool base)
{
	struct profile *p = new_cpu();
	uint64_t fmain = func(p, "main", "app.c", 5), fwork = func(p, "work", "app.c", 15);
	uint64_t fcomp = func(p, "compute", "app.c", 25), fhelp = func(p, "helper", "app.c", 40);
	uint64_t fmem = func(p, "memcpy", "", 0), fsys = func(p, "sys_write", "", 0);
	struct pf_line l1[] = { { fmain, 10, 0 } }, l2[] = { { fwork, 20, 0 } },
		       l3[] = { { fcomp, 30, 0 } }, l4[] = { { fhelp, 41, 0 }, { fcomp, 31, 0 } },
		       l5[] = { { fmem, 0, 0 } }, l6[] = { { fsys, 0, 0 } };
	uint64_t L1;

	/* Names given as a producer's demangled names (a distinct system
	 * name): pprof, and kiln like it, would simplify C++-looking names that
	 * equal their system name at load, dropping the <...> this tests. */
	for (size_t i = 0; i < p->n_functions; i++)
		p->functions[i].system_name = profile_str(p, "evil_system_name");
	L1 = profile_add_location(p, 1, 0x401000, l1, 1)->id;
	uint64_t L2 = profile_add_location(p, 1, 0x402000, l2, 1)->id;
	uint64_t L3 = profile_add_location(p, 1, 0x403000, l3, 1)->id;
	uint64_t L4 = profile_add_location(p, 1, 0x403100, l4, 2)->id;
	uint64_t L5 = profile_add_location(p, 2, 0x7f0000001000, l5, 1)->id;
	uint64_t L6 = profile_add_location(p, 3, 0xffffffff81001000, l6, 1)->id;

	sample(p, (uint64_t[]){ L3, L2, L1 }, 3, base ? 200 : 400);
	sample(p, (uint64_t[]){ L4, L2, L1 }, 3, 200);
	sample(p, (uint64_t[]){ L5, L2, L1 }, 3, 100);
	sample(p, (uint64_t[]){ L6, L1 }, 2, base ? 400 : 200);
	sample(p, (uint64_t[]){ L1 }, 1, 100);
	return p;
}

static struct profile *evil(void)
{
	struct profile *p = new_cpu();
	uint64_t f1 = func(p, "<script>window.__pwned=1</script>", "../../../../etc/passwd", 1);
	uint64_t f2 = func(p, "\"><img src=x onerror=\"window.__pwned=2\">", "/etc/shadow", 1);
	uint64_t f3 = func(p, "evil_main</title><script>window.__pwned=3</script>", "app.c", 5);
	uint64_t f4 = func(p, "amp&lt;<b>bold</b>\\\"q", "app.c", 9);
	struct pf_line l1[] = { { f1, 2, 0 } }, l2[] = { { f2, 2, 0 } }, l3[] = { { f3, 10, 0 } },
		       l4[] = { { f4, 12, 0 } };
	uint64_t L1;

	/* Names given as a producer's demangled names (a distinct system
	 * name): pprof, and kiln like it, would simplify C++-looking names that
	 * equal their system name at load, dropping the <...> this tests. */
	for (size_t i = 0; i < p->n_functions; i++)
		p->functions[i].system_name = profile_str(p, "evil_system_name");
	L1 = profile_add_location(p, 1, 0x401000, l1, 1)->id;
	uint64_t L2 = profile_add_location(p, 1, 0x402000, l2, 1)->id;
	uint64_t L3 = profile_add_location(p, 1, 0x403000, l3, 1)->id;
	uint64_t L4 = profile_add_location(p, 1, 0x404000, l4, 1)->id;

	sample(p, (uint64_t[]){ L1, L3 }, 2, 500);
	sample(p, (uint64_t[]){ L2, L3 }, 2, 300);
	sample(p, (uint64_t[]){ L4, L3 }, 2, 200);
	return p;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static struct profile *big(size_t n)
{
	enum { NF = 2000 };
	struct profile *p = new_cpu();
	struct u64map seen = U64MAP_INIT;
	uint64_t locs[64], loc_of[NF];
	char name[64];

	for (int i = 0; i < NF; i++) {
		uint64_t f;
		snprintf(name, sizeof(name), "%s_%d", i ? "fn" : "main", i);
		f = func(p, name, "big.c", i * 10);
		struct pf_line l[] = { { f, i * 10 + 1, 0 } };
		loc_of[i] = profile_add_location(p, 1, 0x401000 + (uint64_t)i * 16, l, 1)->id;
	}
	for (size_t made = 0; made < n;) {
		size_t depth = 4 + next() % 36;
		uint64_t h = 1469598103934665603ull;
		int f = 0;
		bool added;

		/* leaf first: build root->leaf then reverse */
		for (size_t d = 0; d < depth; d++) {
			locs[depth - 1 - d] = loc_of[f];
			h = (h ^ (uint64_t)f) * 1099511628211ull;
			f = 1 + (int)((f * 7 + next() % (d < 3 ? 4 : 40)) % (NF - 1));
		}
		u64map_slot(&seen, h | 1, 0, &added);
		if (!added)
			continue;
		sample(p, locs, depth, (int64_t)(1 + next() % 50) * 10);
		made++;
	}
	u64map_release(&seen);
	return p;
}

static int put(const char *dir, const char *name, struct profile *p)
{
	struct kerr err = KERR_INIT;
	char path[4096];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = profile_write_file(p, path, &err);
	if (ret < 0)
		fprintf(stderr, "mkrender: %s\n", err.msg);
	profile_free(p);
	return ret < 0;
}

int main(int argc, char **argv)
{
	char path[4096];
	FILE *f;
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: mkrender DIR [N_BIG]\n");
		return 2;
	}
	bad |= put(argv[1], "known.pb.gz", known(false));
	bad |= put(argv[1], "base.pb.gz", known(true));
	bad |= put(argv[1], "evil.pb.gz", evil());
	if (argc > 2)
		bad |= put(argv[1], "big.pb.gz", big(strtoull(argv[2], NULL, 10)));
	snprintf(path, sizeof(path), "%s/app.c", argv[1]);
	if (!(f = fopen(path, "w")))
		return 1;
	for (int i = 1; i <= 50; i++)
		fprintf(f, "/* app.c line %d */%s\n", i, i == 30 ? " x = compute_hot();" : "");
	fclose(f);
	return bad;
}
