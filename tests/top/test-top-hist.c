/* kiln top's decayed table on hand-made profiles: self/children sums, sort
 * order, the 7/8 decay, that stale stacks leave the table (bounded memory)
 * and that names survive a change of builder (generation); an empty table. */
#include <errno.h>
#include <stdlib.h>

#include "../unit/check.h"
#include "report/perfhist.h"

/* main → work → {hot_a x3, hot_b x1} in /bin/app, plus one kernel leaf. */
static struct profile *make_profile(int64_t a, int64_t b, int64_t k)
{
	struct profile *p = profile_new();
	const char *names[] = { "main", "work", "hot_a", "hot_b", "do_syscall_64" };
	uint64_t fid[5], lid[5];
	struct pf_mapping *m, *km;

	profile_add_sample_type(p, "samples", "count");
	profile_add_sample_type(p, "cpu", "nanoseconds");
	m = profile_add_mapping(p);
	m->memory_start = 0x1000;
	m->memory_limit = 0x9000;
	m->filename = profile_str(p, "/bin/app");
	km = profile_add_mapping(p);
	km->memory_start = 0xffffffff81000000ull;
	km->memory_limit = 0xffffffff82000000ull;
	km->filename = profile_str(p, "[kernel.kallsyms]");
	for (int i = 0; i < 5; i++) {
		struct pf_function *f = profile_add_function(p);
		struct pf_line ln = { 0, 0, 0 };
		f->name = f->system_name = profile_str(p, names[i]);
		fid[i] = f->id;
		ln.function_id = fid[i];
		lid[i] = profile_add_location(p, i == 4 ? 2 : 1,
					      i == 4 ? 0xffffffff81001000ull : 0x1100 + 0x100 * i,
					      &ln, 1)->id;
	}
	{
		uint64_t sa[] = { lid[2], lid[1], lid[0] }, sb[] = { lid[3], lid[1], lid[0] };
		uint64_t sk[] = { lid[4], lid[0] };
		int64_t va[] = { a, a * 1000 }, vb[] = { b, b * 1000 }, vk[] = { k, k * 1000 };
		if (a)
			profile_add_sample(p, sa, 3, va, 2, NULL, 0);
		if (b)
			profile_add_sample(p, sb, 3, vb, 2, NULL, 0);
		if (k)
			profile_add_sample(p, sk, 2, vk, 2, NULL, 0);
	}
	profile_index(p);
	return p;
}

static const struct perf_row *row_named(struct perf_hist *h, const struct perf_view *v,
				       const char *sym)
{
	for (size_t i = 0; i < v->n_rows; i++)
		if (!strcmp(perf_hist_str(h, v->rows[i].sym), sym))
			return &v->rows[i];
	return NULL;
}

int main(void)
{
	struct perf_hist *h;
	struct perf_view v;
	struct perf_view_opts vo;
	struct profile *p = make_profile(30, 10, 5);
	struct kerr err = KERR_INIT;
	const struct perf_row *r;
	struct kbuf cg = KBUF_INIT;

	CHECK_EQ(perf_hist_new(&(struct perf_hist_opts){ "dso,nosuchkey", false, PERF_FRAME_TOP }, &h, &err), -EINVAL);
	CHECK_EQ(perf_hist_new(&(struct perf_hist_opts){ "dso,sym", true, PERF_FRAME_TOP }, &h, &err), 0);
	memset(&vo, 0, sizeof(vo));
	vo.children = true;
	/* Before the first sample: no rows, and no qsort of a NULL array. */
	perf_view_build(h, &vo, &v);
	CHECK_EQ(v.n_rows, 0);
	CHECK_EQ(v.total, 0);
	perf_view_release(&v);
	perf_hist_add(h, p, 1, 1, 0);
	perf_view_build(h, &vo, &v);
	CHECK_EQ(v.total, 45000);
	CHECK_EQ(v.total_samples, 45);
	CHECK_EQ(v.kernel_samples, 5);
	/* Children order: main (all), work (40), hot_a (30), ... */
	CHECK_STR(perf_hist_str(h, v.rows[0].sym), "main");
	CHECK_STR(perf_hist_str(h, v.rows[1].sym), "work");
	r = row_named(h, &v, "hot_a");
	CHECK(r && r->self == 30000 && r->children == 30000 && !r->kernel);
	CHECK_STR(perf_hist_str(h, r->dso), "app");
	r = row_named(h, &v, "do_syscall_64");
	CHECK(r && r->kernel);
	CHECK_STR(perf_hist_str(h, r->dso), "[kernel]");
	/* work's callees. */
	perf_hist_callgraph(h, row_named(h, &v, "work"), true, v.total, 0.5, &cg);
	CHECK(cg.buf && strstr(cg.buf, "66.67%--hot_a") && strstr(cg.buf, "22.22%--hot_b"));
	perf_view_release(&v);

	/* Filters: -K hides the kernel row, the dso filter keeps one object. */
	vo.hide_kernel = true;
	perf_view_build(h, &vo, &v);
	CHECK(!row_named(h, &v, "do_syscall_64"));
	perf_view_release(&v);
	vo.hide_kernel = false;
	vo.dso_filter = perf_hist_find_str(h, "[kernel]");
	perf_view_build(h, &vo, &v);
	CHECK_EQ(v.n_rows, 1);
	perf_view_release(&v);
	vo.dso_filter = 0;

	/* Decay by 7/8: half-life of about 5 refreshes; stale stacks go. */
	perf_hist_decay(h, 7.0 / 8.0);
	perf_view_build(h, &vo, &v);
	CHECK_EQ(v.total_samples * 1000, 45 * 875);
	perf_view_release(&v);
	for (int i = 0; i < 60; i++)
		perf_hist_decay(h, 7.0 / 8.0);
	CHECK_EQ(perf_hist_n_stacks(h), 0);
	CHECK_EQ(perf_hist_n_addrs(h), 0);

	/* A new builder (generation 2) with the same names: same rows. */
	profile_free(p);
	p = make_profile(0, 8, 0);
	perf_hist_add(h, p, 2, 1, 0);
	perf_view_build(h, &vo, &v);
	r = row_named(h, &v, "hot_b");
	CHECK(r && r->self == 8000);
	CHECK(!row_named(h, &v, "hot_a"));
	perf_view_release(&v);

	/* z empties everything. */
	perf_hist_decay(h, 0);
	CHECK_EQ(perf_hist_n_stacks(h), 0);

	/* Many distinct symbols over time: the string table is compacted. */
	for (int round = 0; round < 200; round++) {
		struct profile *q = profile_new();
		struct pf_line ln = { 0, 0, 0 };
		struct pf_mapping *m;
		uint64_t loc;
		int64_t val[2] = { 1, 1000 };
		char name[64];
		profile_add_sample_type(q, "samples", "count");
		profile_add_sample_type(q, "cpu", "nanoseconds");
		m = profile_add_mapping(q);
		m->memory_start = 0x1000;
		m->memory_limit = 0x2000;
		snprintf(name, sizeof(name), "/tmp/jit-%d", round);
		m->filename = profile_str(q, name);
		for (int k = 0; k < 50; k++) {
			struct pf_function *f = profile_add_function(q);
			snprintf(name, sizeof(name), "fn_%d_%d", round, k);
			f->name = f->system_name = profile_str(q, name);
			ln.function_id = f->id;
			loc = profile_add_location(q, 1, 0x1000 + (uint64_t)k, &ln, 1)->id;
			profile_add_sample(q, &loc, 1, val, 2, NULL, 0);
		}
		profile_index(q);
		perf_hist_add(h, q, 100 + (uint64_t)round, 1, 0);
		perf_hist_decay(h, 7.0 / 8.0);
		profile_free(q);
	}
	CHECK(perf_hist_n_stacks(h) <= 50 * 25);
	CHECK(perf_hist_n_strings(h) < 50 * 25 * 4 * 4 + 4096);

	kbuf_release(&cg);
	profile_free(p);
	perf_hist_free(h);
	return CHECK_DONE();
}
