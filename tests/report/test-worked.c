/* The worked conformance case of pprof.md §4.9, built with the Profile
 * builder and rendered by the report module into a buffer: the rows and
 * header lines the reference records from go tool pprof, for -top and its
 * variants (-cum, -lines, -noinlines, -nodefraction, -focus, -sample_index,
 * -diff_base, -base), plus the graph API on its own (edges, inline flags).
 * Also values at the edges of int64_t, where C's arithmetic is undefined
 * (these fail under -Db_sanitize=undefined if it comes back) and pprof's
 * own output, recorded from go tool pprof 1.19, is what kiln must print. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/check.h"
#include "fixtures.h"
#include "profile/filter.h"
#include "profile/merge.h"
#include "report/graph.h"
#include "report/perfview.h"
#include "report/report.h"

enum base_mode { NO_BASE, DIFF_BASE, BASE };

static char *run(struct report_opts *o, enum base_mode bm)
{
	struct profile *p = fixture_worked(false);
	struct kbuf out = KBUF_INIT, notes = KBUF_INIT;
	struct kerr err = KERR_INIT;

	if (bm != NO_BASE) {
		struct profile *b = fixture_worked(true), *both[2], *m = NULL;
		if (bm == DIFF_BASE)
			profile_set_label(b, "pprof::base", "true");
		profile_scale(b, -1);
		both[0] = p;
		both[1] = b;
		CHECK_EQ(profile_merge(both, 2, &m, &err), 0);
		profile_free(p);
		profile_free(b);
		p = m;
	}
	if (report_generate(p, o, &out, &notes, &err) < 0) {
		fprintf(stderr, "report failed: %s\n", err.msg);
		check_failures++;
	}
	profile_free(p);
	kbuf_release(&notes);
	return kbuf_detach(&out, NULL);
}

/* Checks that `text` holds `line` as a whole line. */
static void has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
	fprintf(stderr, "missing line \"%s\" in:\n%s\n", line, text);
	check_failures++;
}

/* Checks the table rows (after the column header) exactly. */
static void rows(const char *text, const char *want)
{
	const char *h = strstr(text, "      flat  flat%   sum%        cum   cum%\n");

	if (!h) {
		fprintf(stderr, "no table in:\n%s\n", text);
		check_failures++;
		return;
	}
	h = strchr(h, '\n') + 1;
	if (strcmp(h, want)) {
		fprintf(stderr, "rows:\n%swanted:\n%s\n", h, want);
		check_failures++;
	}
}

static void test_top(void)
{
	struct report_opts o;
	char *t;

	report_opts_init(&o);
	t = run(&o, NO_BASE);
	has_line(t, "Type: cpu");
	has_line(t, "Duration: 2s, Total samples = 200ms (10.00%)");
	has_line(t, "Showing nodes accounting for 200ms, 100% of 200ms total");
	rows(t, "     130ms 65.00% 65.00%      130ms 65.00%  C\n"
		"      50ms 25.00% 90.00%      180ms 90.00%  A\n"
		"      20ms 10.00%   100%      200ms   100%  main\n"
		"         0     0%   100%      180ms 90.00%  B\n");
	free(t);

	report_opts_init(&o);
	o.cum = true;
	t = run(&o, NO_BASE);
	rows(t, "      20ms 10.00% 10.00%      200ms   100%  main\n"
		"      50ms 25.00% 35.00%      180ms 90.00%  A\n"
		"         0     0% 35.00%      180ms 90.00%  B\n"
		"     130ms 65.00%   100%      130ms 65.00%  C\n");
	free(t);

	report_opts_init(&o);
	o.granularity = REPORT_G_LINES;
	t = run(&o, NO_BASE);
	rows(t, "     100ms 50.00% 50.00%      100ms 50.00%  C demo.c:40\n"
		"      50ms 25.00% 75.00%      180ms 90.00%  A demo.c:20\n"
		"      30ms 15.00% 90.00%       30ms 15.00%  C demo.c:41 (inline)\n"
		"      20ms 10.00%   100%      200ms   100%  main demo.c:10\n"
		"         0     0%   100%      150ms 75.00%  B demo.c:30\n"
		"         0     0%   100%       30ms 15.00%  B demo.c:31\n");
	free(t);

	report_opts_init(&o);
	o.noinlines = true;
	t = run(&o, NO_BASE);
	rows(t, "     100ms 50.00% 50.00%      100ms 50.00%  C\n"
		"      50ms 25.00% 75.00%      180ms 90.00%  A\n"
		"      30ms 15.00% 90.00%      180ms 90.00%  B\n"
		"      20ms 10.00%   100%      200ms   100%  main\n");
	free(t);

	report_opts_init(&o);
	o.nodefraction = 0.7;
	t = run(&o, NO_BASE);
	has_line(t, "Showing nodes accounting for 70ms, 35.00% of 200ms total");
	has_line(t, "Dropped 1 node (cum <= 140ms)");
	free(t);

	report_opts_init(&o);
	o.focus = "^C$";
	t = run(&o, NO_BASE);
	has_line(t, "Active filters:");
	has_line(t, "   focus=^C$");
	rows(t, "     130ms 65.00% 65.00%      130ms 65.00%  C\n"
		"         0     0% 65.00%      130ms 65.00%  A\n"
		"         0     0% 65.00%      130ms 65.00%  B\n"
		"         0     0% 65.00%      130ms 65.00%  main\n");
	free(t);

	o.relative_percentages = true;
	t = run(&o, NO_BASE);
	rows(t, "     130ms   100%   100%      130ms   100%  C\n"
		"         0     0%   100%      130ms   100%  A\n"
		"         0     0%   100%      130ms   100%  B\n"
		"         0     0%   100%      130ms   100%  main\n");
	free(t);

	report_opts_init(&o);
	o.sample_index = "samples";
	t = run(&o, NO_BASE);
	has_line(t, "        13 65.00% 65.00%         13 65.00%  C");
	free(t);

	report_opts_init(&o);
	o.nodecount = 2;
	t = run(&o, NO_BASE);
	has_line(t, "Showing top 2 nodes out of 4");
	free(t);
}

static void test_diff(void)
{
	struct report_opts o;
	char *t;

	report_opts_init(&o);
	t = run(&o, DIFF_BASE);
	has_line(t, "Duration: 4s, Total samples = 120ms ( 3.00%)");
	has_line(t, "Showing nodes accounting for 80ms, 66.67% of 120ms total");
	rows(t, "      30ms 25.00% 25.00%       60ms 50.00%  A\n"
		"      30ms 25.00% 50.00%       30ms 25.00%  C\n"
		"      20ms 16.67% 66.67%       80ms 66.67%  main\n"
		"         0     0% 66.67%       60ms 50.00%  B\n");
	free(t);

	report_opts_init(&o);
	t = run(&o, BASE);
	has_line(t, "Showing nodes accounting for 80ms, 100% of 80ms total");
	has_line(t, "      30ms 37.50% 75.00%       30ms 37.50%  C (inline)");
	free(t);
}

static void test_graph_api(void)
{
	struct profile *p = fixture_worked(false);
	struct rtable t;
	struct rgraph g;
	struct rtable_opts to = { 0 };
	struct rgraph_opts go = { 1, false, false, true };
	uint32_t b_inline = UINT32_MAX;
	size_t recursive_edges = 0;

	profile_aggregate(p, true, true, false, false, false); /* -functions */
	rtable_build(&t, p, &to);
	CHECK_EQ(t.n, 4); /* main, A, B, C at function granularity */
	rgraph_build(&g, &t, &go, NULL);
	CHECK_EQ(g.n_nodes, 4);
	rgraph_sort(&g, false);
	CHECK_STR(rtable_name(&t, g.nodes[0]), "C");
	for (size_t i = 0; i < g.n_edges; i++) {
		const struct redge *e = &g.edges[i];
		if (!strcmp(rtable_name(&t, e->src), "B") && !strcmp(rtable_name(&t, e->dst), "C")) {
			/* B->C is a call (sample 1) and an inline (sample 3). */
			CHECK(!e->inline_);
			CHECK_EQ(e->weight, 130000000);
			b_inline = (uint32_t)i;
		}
		if (e->src == e->dst)
			recursive_edges++;
	}
	CHECK(b_inline != UINT32_MAX);
	CHECK_EQ(recursive_edges, 0); /* self edges are ignored */
	rgraph_release(&g);
	rtable_release(&t);
	profile_free(p);
}

/* The report of p (freed) with o, or NULL when report_generate fails. */
static char *report_of(struct profile *p, const struct report_opts *o)
{
	struct kbuf out = KBUF_INIT, notes = KBUF_INIT;
	struct kerr err = KERR_INIT;
	int ret = report_generate(p, o, &out, &notes, &err);

	if (ret < 0)
		fprintf(stderr, "report failed: %s\n", err.msg);
	profile_free(p);
	kbuf_release(&notes);
	if (ret < 0) {
		check_failures++;
		kbuf_release(&out);
		return NULL;
	}
	return kbuf_detach(&out, NULL);
}

static void test_int64_edges(void)
{
	struct report_opts o;
	char *t;

	/* 11611392 hours are 4.18e19 ns, past INT64_MAX: the percentage of the
	 * duration converted a double out of range (report.c:177, found by
	 * fuzz-profile). pprof prints this on amd64 and arm64 alike. */
	report_opts_init(&o);
	t = report_of(fixture_edges("hours", 111, 11611392, 0), &o);
	if (t)
		has_line(t, "Duration: 111ns, Total samples = 11611392hrs (8309344177346644992.00%)");
	free(t);

	/* The same scaled by -divide_by past INT64_MAX saturates (pprof on
	 * amd64 prints INT64_MIN, on arm64 INT64_MAX). */
	report_opts_init(&o);
	o.divide_by = 1e-15;
	t = report_of(fixture_edges("count", 1000000000, 11611392, 0), &o);
	if (t)
		has_line(t, "Showing nodes accounting for 9223372036854775808, 100% of "
			    "9223372036854775808 total");
	free(t);

	/* INT64_MIN, whose negation C leaves undefined and Go wraps to itself:
	 * the total (computeTotal's |v|), then pprof's abs64() in the cutoff. */
	report_opts_init(&o);
	t = report_of(fixture_edges("nanoseconds", 1000000000, INT64_MIN, 0), &o);
	if (t) {
		has_line(t, "Duration: 1s, Total samples = -9223372036.85s (922337203685.48%)");
		has_line(t, "Dropped 2 nodes (cum <= 12810.24hrs)");
	}
	free(t);

	/* ... in the output unit's choice and the node order (|flat| with
	 * abs64(INT64_MIN) < 0): gcc once took it for positive and printed
	 * seconds. */
	report_opts_init(&o);
	o.nodefraction = 0;
	t = report_of(fixture_edges("nanoseconds", 1000000000, INT64_MIN, 5), &o);
	if (t)
		rows(t, "       5ns 5.4e-17% 5.4e-17%        5ns 5.4e-17%  B\n"
			"         0     0% 5.4e-17% -9223372036854775808ns   100%  main\n"
			"-9223372036854775808ns   100%   100% -9223372036854775808ns   100%  A\n");
	free(t);

	/* Sums past INT64_MAX wrap as Go's do (graph.c, report.c, text.c). */
	report_opts_init(&o);
	o.nodefraction = 0;
	t = report_of(fixture_edges("nanoseconds", 1000000000, INT64_MAX, 1), &o);
	if (t) {
		has_line(t, "Showing nodes accounting for -9223372036854775808ns, 100% of "
			    "-9223372036854775808ns total");
		rows(t, "9223372036854775808ns   100%   100% 9223372036854775808ns   100%  A\n"
			"       1ns 1.1e-17%   100%        1ns 1.1e-17%  B\n"
			"         0     0%   100% -9223372036854775808ns   100%  main\n");
	}
	free(t);

	/* ... and in -tags, sorted by |value| (tags.c). */
	report_opts_init(&o);
	o.format = REPORT_TAGS;
	t = report_of(fixture_edges("nanoseconds", 1000000000, INT64_MIN, 5), &o);
	if (t)
		CHECK_STR(t, " bytes: Total -2562047.8hrs\n"
			     "                 5.0ns: 5B\n"
			     "        -9223372036.9s: -9223372036854775808B\n"
			     "\n"
			     " kind: Total -2562047.8hrs\n"
			     "                5.0ns: small\n"
			     "       -9223372036.9s: big\n"
			     "\n");
	free(t);
}

/* -mean divides by value[0]: INT64_MIN / -1 traps on x86 (SIGFPE) where Go
 * wraps it to INT64_MIN (graph.h's rnode_flat/rnode_cum, the total). */
static void test_mean_edge(void)
{
	struct profile *p = profile_new();
	struct pf_line l = { 0, 0, 0 };
	struct report_opts o;
	uint64_t stack[2] = { 2, 1 };
	int64_t v[2] = { -1, INT64_MIN };
	char *t;

	profile_add_sample_type(p, "cpu", "nanoseconds");
	profile_add_sample_type(p, "n", "count");
	p->duration_nanos = 1000000000;
	l.function_id = fx_func(p, "main", "x.c", 0);
	profile_add_location(p, 0, 0x1000, &l, 1);
	l.function_id = fx_func(p, "A", "x.c", 0);
	profile_add_location(p, 0, 0x2000, &l, 1);
	profile_add_sample(p, stack, 2, v, 2, NULL, 0);
	profile_index(p);
	report_opts_init(&o);
	o.mean = true;
	o.sample_index = "n";
	o.nodefraction = 0;
	t = report_of(p, &o);
	if (t) {
		has_line(t, "Type: mean_n");
		rows(t, "         0     0%     0% -9223372036854775808   100%  main\n"
			"-9223372036854775808   100%   100% -9223372036854775808   100%  A\n");
	}
	free(t);
}

/* profile_scale() past INT64_MAX (-diff_base's -1 of INT64_MAX, a huge
 * ratio) saturates instead of converting out of range (merge.c). */
static void test_scale_edges(void)
{
	struct profile *p = fixture_edges("count", 0, 3, INT64_MAX);

	profile_scale(p, -1);
	CHECK_EQ(pf_sample_values(p, &p->samples[0])[0], -3);
	CHECK_EQ(pf_sample_values(p, &p->samples[1])[0], INT64_MIN); /* -2^63 is exact */
	profile_scale(p, 1e30);
	CHECK_EQ(pf_sample_values(p, &p->samples[0])[0], INT64_MIN);
	CHECK_EQ(pf_sample_values(p, &p->samples[1])[0], INT64_MIN);
	profile_scale(p, -1e30);
	CHECK_EQ(pf_sample_values(p, &p->samples[0])[0], INT64_MAX);
	profile_free(p);
}

/* A profile without samples, or without labels: the reports sort empty
 * lists, whose NULL base qsort must not be given even for 0 elements. */
static void test_empty(void)
{
	static const enum report_format formats[] = { REPORT_TOP, REPORT_TREE, REPORT_TRACES,
						      REPORT_RAW, REPORT_TAGS };
	struct report_opts o;
	struct perfview_opts po;
	struct kbuf out = KBUF_INIT;
	struct kerr err = KERR_INIT;
	struct profile *p;
	char *t;

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		report_opts_init(&o);
		o.format = formats[i];
		p = fixture_worked(false);
		p->n_samples = 0;
		t = report_of(p, &o);
		CHECK(t != NULL);
		if (t && formats[i] == REPORT_TOP)
			has_line(t, "Showing nodes accounting for 0, 0% of 0 total");
		if (t && formats[i] == REPORT_TAGS)
			CHECK_STR(t, "");
		free(t);
	}
	/* The worked case has no labels: -tags has no keys (tags.c:101). */
	report_opts_init(&o);
	o.format = REPORT_TAGS;
	t = report_of(fixture_worked(false), &o);
	CHECK_STR(t, "");
	free(t);

	/* perf's call graph under a leaf entry: no children (perfview.c). */
	p = fixture_edges("nanoseconds", 1000000000, 30, 10);
	perfview_opts_init(&po);
	po.sort = "sym";
	po.children = true;
	po.callgraph = true;
	CHECK_EQ(perfview_generate(p, &po, &out, &err), 0);
	CHECK(strstr(out.buf, "[.] A") && strstr(out.buf, "[.] main"));
	CHECK(strstr(out.buf, "75.00%"));
	kbuf_release(&out);
	profile_free(p);

	/* ... whose sums wrap past INT64_MAX (perfview.c). */
	p = fixture_edges("nanoseconds", 1000000000, INT64_MAX, 1);
	CHECK_EQ(perfview_generate(p, &po, &out, &err), 0);
	CHECK(strstr(out.buf, "# Event count (approx.): -9223372036854775808\n"));
	CHECK(strstr(out.buf, "[.] main\n"));
	kbuf_release(&out);
	profile_free(p);
}

int main(void)
{
	test_top();
	test_diff();
	test_graph_api();
	test_int64_edges();
	test_scale_edges();
	test_mean_edge();
	test_empty();
	return CHECK_DONE();
}
