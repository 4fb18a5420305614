/* The renderers on profiles at the edges: no samples at all (empty lists
 * that must not reach qsort with a NULL base), durations and values past
 * INT64_MAX once converted (the float-to-int64 cast in the legend), INT64_MIN
 * values (pprof's abs64, a NaN font size) and a differential flame graph
 * whose change is INT64_MIN. Run under -Db_sanitize=undefined these fail
 * if the undefined behaviour comes back; elsewhere they check the output. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../report/fixtures.h"
#include "../unit/check.h"
#include "profile/merge.h"
#include "render/render.h"

struct drawn {
	struct kbuf dot, folded, flame, speedscope;
};

/* Draws p (freed) every way, with o (NULL: defaults); the call graph only
 * when `dot`. */
static void draw(struct profile *p, const struct report_opts *o, bool dot, struct drawn *d)
{
	struct report_opts dflt;
	struct rview v;
	struct kerr err = KERR_INIT;
	struct ftree t;
	struct flame_opts fo;
	struct dot_opts dop;

	memset(d, 0, sizeof(*d));
	kbuf_init(&d->dot);
	kbuf_init(&d->folded);
	kbuf_init(&d->flame);
	kbuf_init(&d->speedscope);
	if (!o) {
		report_opts_init(&dflt);
		o = &dflt;
	}
	if (rview_prepare(&v, p, o, REPORT_G_FUNCTIONS, &err) < 0) {
		fprintf(stderr, "rview_prepare: %s\n", err.msg);
		check_failures++;
		profile_free(p);
		return;
	}
	ftree_build(&t, &v);
	flame_opts_init(&fo);
	render_flame_svg(&t, &fo, &d->flame, NULL);
	render_folded(&t, &d->folded);
	render_speedscope(&t, "test", &d->speedscope);
	ftree_release(&t);
	memset(&dop, 0, sizeof(dop));
	dop.nodecount = o->nodecount;
	dop.nodefraction = o->nodefraction;
	dop.edgefraction = o->edgefraction;
	dop.trim = o->trim;
	if (dot)
		render_dot(&v, &dop, &d->dot);
	rview_release(&v);
	profile_free(p);
}

static void drawn_release(struct drawn *d)
{
	kbuf_release(&d->dot);
	kbuf_release(&d->folded);
	kbuf_release(&d->flame);
	kbuf_release(&d->speedscope);
}

/* Every frame's fill="rgb(r,g,b)" has components in 0..255. */
static void check_colours(const char *svg)
{
	size_t n = 0;

	for (const char *s = svg; (s = strstr(s, "fill=\"rgb(")); s++) {
		int c[3];
		if (sscanf(s, "fill=\"rgb(%d,%d,%d)", &c[0], &c[1], &c[2]) != 3)
			continue;
		n++;
		for (int k = 0; k < 3; k++)
			if (c[k] < 0 || c[k] > 255) {
				fprintf(stderr, "colour out of range: %.20s\n", s);
				check_failures++;
			}
	}
	CHECK(n > 0);
}

/* value on main -> A, with a -diff_base whose value on main -> A is base. */
static struct profile *diff_profile(int64_t value, int64_t base)
{
	struct profile *both[2], *p = NULL;
	struct kerr err = KERR_INIT;

	both[0] = fixture_edges("nanoseconds", 1000000000, value, 0);
	both[1] = fixture_edges("nanoseconds", 1000000000, base, 0);
	profile_set_label(both[1], "pprof::base", "true");
	profile_scale(both[1], -1); /* -INT64_MAX rounds to INT64_MIN */
	CHECK_EQ(profile_merge(both, 2, &p, &err), 0);
	profile_free(both[0]);
	profile_free(both[1]);
	return p;
}

int main(void)
{
	struct report_opts o;
	struct drawn d;
	struct profile *p;

	/* No samples: every list is empty (dot.c's edges, folded.c's lines). */
	p = fixture_worked(false);
	p->n_samples = 0;
	draw(p, NULL, true, &d);
	CHECK_STR(d.folded.buf, "");
	CHECK(strstr(d.dot.buf, "digraph") && !strstr(d.dot.buf, " -> "));
	CHECK(strstr(d.flame.buf, "</svg>"));
	CHECK(strstr(d.speedscope.buf, "\"samples\""));
	drawn_release(&d);

	/* One frame, so nodes but no edges. */
	p = fixture_edges("nanoseconds", 1000000000, 7, 0);
	((uint64_t *)pf_sample_locs(p, &p->samples[0]))[0] = 1; /* main, not A */
	p->samples[0].n_loc = 1;
	draw(p, NULL, true, &d);
	CHECK_STR(d.folded.buf, "main 7\n");
	CHECK(strstr(d.dot.buf, "N1 [label=\"main\\n7ns (100%)\"") && !strstr(d.dot.buf, " -> "));
	drawn_release(&d);

	/* 11611392 hours in nanoseconds do not fit an int64_t (dot.c's legend,
	 * as report.c:177 that fuzz-profile found); pprof prints this. */
	draw(fixture_edges("hours", 111, 11611392, 0), NULL, true, &d);
	CHECK(strstr(d.dot.buf, "Total samples = 11611392hrs (8309344177346644992.00%)"));
	drawn_release(&d);

	/* INT64_MIN: pprof's abs64 leaves it negative, and the node's font size
	 * was the root of a negative number (fontsize=-2147483640). */
	report_opts_init(&o);
	o.nodefraction = 0;
	o.edgefraction = 0;
	draw(fixture_edges("nanoseconds", 1000000000, INT64_MIN, 5), &o, true, &d);
	CHECK(strstr(d.dot.buf, "[label=\"A\\n-9223372036854775808ns (100%)\" id=\"node2\" fontsize=8 "));
	CHECK(!strstr(d.dot.buf, "fontsize=-"));
	CHECK(strstr(d.folded.buf, "main;A -9223372036854775808\n"));
	drawn_release(&d);

	/* Sums past INT64_MAX wrap as Go's do (stacks.c, graph.c). */
	draw(fixture_edges("nanoseconds", 1000000000, INT64_MAX, 1), NULL, true, &d);
	CHECK_STR(d.folded.buf, "main;A 9223372036854775807\nmain;B 1\n");
	/* pprof's legend, digit for digit */
	CHECK(strstr(d.dot.buf, "Total samples = -2562047.79hrs (922337203685.48%)\\lShowing nodes "
				"accounting for 2562047.79hrs, 100% of -2562047.79hrs total\\lDropped "
				"2 nodes (cum <= 12810.24hrs)\\l"));
	drawn_release(&d);

	/* Differential flame graphs: the base's values come negated (as
	 * -diff_base merges them), and INT64_MIN has no opposite. With 5 on A
	 * the frames are drawn; with -1 the change -1 - INT64_MAX is INT64_MIN
	 * again, and the negative total leaves nothing to draw. */
	for (int k = 0; k < 2; k++) {
		p = diff_profile(k ? -1 : 5, INT64_MAX);
		draw(p, NULL, false, &d); /* the graph's sums would overflow */
		if (k == 0) {
			CHECK(strstr(d.flame.buf, "<title>A (5ns, "));
			CHECK(strstr(d.flame.buf, "; base 2562047.79hrs, change -2562047.79hrs)"));
			check_colours(d.flame.buf);
		} else {
			CHECK(strstr(d.flame.buf, "total -1ns (base 2562047.79hrs;"));
			CHECK(!strstr(d.flame.buf, "<title>A"));
		}
		drawn_release(&d);
	}

	return CHECK_DONE();
}
