/* Hand-built profiles shared by the report tests and the profile generator
 * of the conformance test, made with the Profile builder API:
 *
 *  - fixture_worked(): the worked conformance case of pprof.md §4.9 (and its
 *    diff base), whose pprof output the reference states;
 *  - fixture_rich(): what Go's runtime never writes: three mappings (main
 *    binary, a shared library, the kernel), three-deep inline chains,
 *    mutual recursion, string and numeric labels with units, comments,
 *    address-only frames, non-dense ids and repeated strings. `variant`
 *    shifts mapping addresses (ASLR) and values, for merges and diffs;
 *  - fixture_edges(): two samples with chosen values and labels. */
#ifndef KILN_TESTS_REPORT_FIXTURES_H
#define KILN_TESTS_REPORT_FIXTURES_H

#include <string.h>

#include "profile/profile.h"

static inline uint64_t fx_func(struct profile *p, const char *name, const char *file,
			       int64_t start)
{
	struct pf_function *f = profile_add_function(p);

	f->name = profile_str(p, name);
	f->system_name = f->name;
	f->filename = profile_str(p, file);
	f->start_line = start;
	return f->id;
}

/* Functions main(1) A(2) B(3) C(4) in demo.c; locations 1:main:10, 2:A:20,
 * 3:B:30, 4:C:40, 5:[C:41 inlined into B:31]. */
static inline struct profile *fixture_worked(bool base)
{
	struct profile *p = profile_new();
	struct pf_line l[2];
	uint64_t fmain, fa, fb, fc;

	profile_add_sample_type(p, "samples", "count");
	profile_add_sample_type(p, "cpu", "nanoseconds");
	p->duration_nanos = 2000000000;
	p->period_type.type = profile_str(p, "cpu");
	p->period_type.unit = profile_str(p, "nanoseconds");
	p->period = 10000000;
	fmain = fx_func(p, "main", "demo.c", 0);
	fa = fx_func(p, "A", "demo.c", 0);
	fb = fx_func(p, "B", "demo.c", 0);
	fc = fx_func(p, "C", "demo.c", 0);
	memset(l, 0, sizeof(l));
	l[0] = (struct pf_line){ fmain, 10, 0 };
	profile_add_location(p, 0, 0x1000, l, 1);
	l[0] = (struct pf_line){ fa, 20, 0 };
	profile_add_location(p, 0, 0x2000, l, 1);
	l[0] = (struct pf_line){ fb, 30, 0 };
	profile_add_location(p, 0, 0x3000, l, 1);
	l[0] = (struct pf_line){ fc, 40, 0 };
	profile_add_location(p, 0, 0x4000, l, 1);
	l[0] = (struct pf_line){ fc, 41, 0 };
	l[1] = (struct pf_line){ fb, 31, 0 };
	profile_add_location(p, 0, 0x5000, l, 2);
	{
		const uint64_t s1[] = { 4, 3, 2, 1 }, s2[] = { 2, 3, 2, 1 }, s3[] = { 5, 2, 1 },
			       s4[] = { 1 };
		int64_t v[2];
		v[0] = 10; v[1] = 100000000;
		profile_add_sample(p, s1, 4, v, 2, NULL, 0);
		v[0] = base ? 2 : 5; v[1] = base ? 20000000 : 50000000;
		profile_add_sample(p, s2, 4, v, 2, NULL, 0);
		if (!base) {
			v[0] = 3; v[1] = 30000000;
			profile_add_sample(p, s3, 3, v, 2, NULL, 0);
			v[0] = 2; v[1] = 20000000;
			profile_add_sample(p, s4, 1, v, 2, NULL, 0);
		}
	}
	profile_index(p);
	return p;
}

static inline struct profile *fixture_rich(int variant)
{
	struct profile *p = profile_new();
	struct pf_mapping *m;
	uint64_t shift = variant ? 0x100000 : 0;
	uint64_t f_main, f_run, f_parse, f_lex, f_eval, f_apply, f_hash, f_memcpy, f_copy,
		 f_sys, f_ksys, f_kfault;
	uint64_t L[20];
	size_t nl = 0;

	profile_add_sample_type(p, "samples", "count");
	profile_add_sample_type(p, "wall", "nanoseconds");
	p->default_sample_type = profile_str(p, "wall");
	p->period_type.type = profile_str(p, "wall");
	p->period_type.unit = profile_str(p, "nanoseconds");
	p->period = 1000000;
	p->time_nanos = 1790000000000000000LL + variant;
	p->duration_nanos = 3500000000LL;
	profile_add_comment(p, "kiln fixture: rich profile");
	profile_add_comment(p, "# hidden comment");

	m = profile_add_mapping(p);
	m->id = 7; /* non-dense ids */
	m->memory_start = 0x400000 + shift;
	m->memory_limit = 0x480000 + shift;
	m->filename = profile_str(p, "/usr/local/bin/interp");
	m->build_id = profile_str(p, "abcdef0123456789");
	m->has_functions = m->has_filenames = m->has_line_numbers = m->has_inline_frames = true;
	m = profile_add_mapping(p);
	m->id = 3;
	m->memory_start = 0x7f0000000000 + shift;
	m->memory_limit = 0x7f0000200000 + shift;
	m->file_offset = 0x1000;
	m->filename = profile_str(p, "/lib/x86_64-linux-gnu/libc.so.6");
	m = profile_add_mapping(p);
	m->id = 9;
	m->memory_start = 0xffffffff81000000;
	m->memory_limit = 0xffffffff82000000;
	m->filename = profile_str(p, "[kernel.kallsyms]_text");

	f_main = fx_func(p, "main", "/build/src/main.c", 10);
	f_run = fx_func(p, "run", "/build/src/main.c", 30);
	f_parse = fx_func(p, "parse", "/build/src/parse.c", 5);
	f_lex = fx_func(p, "lex", "/build/src/lex.h", 2);
	f_eval = fx_func(p, "eval", "/build/src/eval.c", 100);
	f_apply = fx_func(p, "apply", "/build/src/eval.c", 200);
	f_hash = fx_func(p, "hash_bytes", "/build/src/hash.h", 1);
	f_memcpy = fx_func(p, "__memmove_avx_unaligned_erms", "", 0);
	f_copy = fx_func(p, "copy_value", "/build/src/eval.c", 300);
	f_sys = fx_func(p, "__libc_write", "", 0);
	f_ksys = fx_func(p, "ksys_write", "", 0);
	f_kfault = fx_func(p, "asm_exc_page_fault", "", 0);
	/* Repeat a string already in the table, as other writers may, and
	 * refer to the copy. */
	p->functions[0].system_name = strtab_append(&p->strings, "main", 4);

#define LOC(map, addr, ...) do { \
		struct pf_line ls_[] = { __VA_ARGS__ }; \
		struct pf_location *lo_ = profile_add_location(p, map, addr, ls_, \
			sizeof(ls_) / sizeof(ls_[0])); \
		lo_->id = 100 + 3 * nl; L[nl++] = lo_->id; } while (0)
#define LN(f, line) { f, line, 0 }
	LOC(7, 0x401010 + shift, LN(f_main, 14));                         /* L0 */
	LOC(7, 0x402020 + shift, LN(f_run, 35));                          /* L1 */
	LOC(7, 0x403030 + shift, LN(f_lex, 4), LN(f_parse, 9));           /* L2: lex inlined into parse */
	LOC(7, 0x404040 + shift, LN(f_eval, 120));                        /* L3 */
	LOC(7, 0x405050 + shift, LN(f_apply, 210));                       /* L4 */
	/* L5: hash_bytes inlined into copy_value inlined into apply */
	LOC(7, 0x406060 + shift, LN(f_hash, 3), LN(f_copy, 305), LN(f_apply, 215));
	LOC(3, 0x7f0000011000 + shift, LN(f_memcpy, 0));                  /* L6 */
	LOC(3, 0x7f0000022000 + shift, LN(f_sys, 0));                     /* L7 */
	LOC(9, 0xffffffff81100000, LN(f_ksys, 0));                       /* L8 */
	LOC(9, 0xffffffff81200000, LN(f_kfault, 0));                     /* L9 */
	{
		/* L10: an address without symbols in libc */
		struct pf_location *lo = profile_add_location(p, 3, 0x7f0000033000 + shift, NULL, 0);
		lo->id = 100 + 3 * nl;
		L[nl++] = lo->id;
	}
	LOC(7, 0x404080 + shift, LN(f_eval, 130));                        /* L11 */
	LOC(7, 0x402040 + shift, LN(f_run, 40));                          /* L12 */
#undef LOC
#undef LN
	{
		int64_t k = variant ? 2 : 1;
		struct pf_label lab[3];
		int64_t tkey = profile_str(p, "thread"), rkey = profile_str(p, "request");
		int64_t bytes = profile_str(p, "bytes");
		struct { uint64_t locs[10]; size_t n; int64_t count; const char *thread;
			 int64_t req; } s[] = {
			{ { L[2], L[1], L[0] }, 3, 40, "main", 0 },
			{ { L[5], L[4], L[3], L[1], L[0] }, 5, 120, "main", 512 },
			/* recursion eval -> apply -> eval -> apply */
			{ { L[4], L[11], L[4], L[3], L[1], L[0] }, 6, 80, "worker", 2048 },
			{ { L[6], L[5], L[4], L[3], L[12], L[0] }, 6, 60, "worker", 4096 },
			{ { L[8], L[7], L[12], L[0] }, 4, 30, "io", 0 },
			{ { L[9], L[6], L[4], L[3], L[1], L[0] }, 6, 10, "io", 64 },
			{ { L[10], L[1], L[0] }, 3, 25, "main", 0 },
			{ { L[11], L[4], L[11], L[3], L[1], L[0] }, 6, 15 * k, "worker", 128 },
			{ { L[0] }, 1, 5, "main", 0 },
		};
		for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
			int64_t v[2] = { s[i].count * k, s[i].count * 1000000 * k };
			size_t nlab = 0;
			lab[nlab++] = (struct pf_label){ tkey, profile_str(p, s[i].thread), 0, 0 };
			if (s[i].req)
				lab[nlab++] = (struct pf_label){ rkey, 0, s[i].req, bytes };
			profile_add_sample(p, s[i].locs, s[i].n, v, 2, lab, nlab);
		}
	}
	profile_index(p);
	return p;
}

/* main -> A and main -> B in x.c, sample type cpu in `unit`: a sample on
 * A of value `a` with labels kind=big and bytes=a (in bytes), and when b is
 * not 0, one on B of value b with kind=small and bytes=b. For values at
 * the edges of int64_t. */
static inline struct profile *fixture_edges(const char *unit, int64_t duration, int64_t a, int64_t b)
{
	struct profile *p = profile_new();
	struct pf_line l = { 0, 0, 0 };
	struct pf_label lab[2];
	uint64_t stack[2];

	profile_add_sample_type(p, "cpu", unit);
	p->period_type.type = profile_str(p, "cpu");
	p->period_type.unit = profile_str(p, unit);
	p->period = 1;
	p->duration_nanos = duration;
	l.function_id = fx_func(p, "main", "x.c", 0);
	l.line = 1;
	profile_add_location(p, 0, 0x1000, &l, 1);
	l.function_id = fx_func(p, "A", "x.c", 0);
	l.line = 2;
	profile_add_location(p, 0, 0x2000, &l, 1);
	l.function_id = fx_func(p, "B", "x.c", 0);
	l.line = 3;
	profile_add_location(p, 0, 0x3000, &l, 1);
	memset(lab, 0, sizeof(lab));
	lab[0].key = profile_str(p, "kind");
	lab[1].key = profile_str(p, "bytes");
	lab[1].num_unit = profile_str(p, "bytes");
	stack[1] = 1;
	stack[0] = 2;
	lab[0].str = profile_str(p, "big");
	lab[1].num = a;
	profile_add_sample(p, stack, 2, &a, 1, lab, 2);
	if (b) {
		stack[0] = 3;
		lab[0].str = profile_str(p, "small");
		lab[1].num = b;
		profile_add_sample(p, stack, 2, &b, 1, lab, 2);
	}
	profile_index(p);
	return p;
}

#endif
