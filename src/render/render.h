/* Drawings of a profile: flame graphs (SVG, interactive, self-contained),
 * folded stacks, speedscope JSON and the pprof call graph in DOT, plus
 * running Graphviz's `dot` to turn DOT into SVG/PNG/PDF.
 *
 * Every renderer appends to a caller's kbuf, so output is testable without
 * stdout. The inputs are a view (view.h: the filtered, aggregated profile)
 * or the call tree built from it (stacks.h); nothing here keeps pointers
 * past the call. */
#ifndef KILN_RENDER_RENDER_H
#define KILN_RENDER_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "stacks.h"
#include "view.h"

struct flame_opts {
	int width;            /* image width in pixels (1200) */
	int frame_height;     /* pixels per frame (16) */
	double min_width;     /* frames narrower than this (px) are merged (0.1) */
	bool icicle;          /* root at the top, growing down */
	const char *title;    /* NULL: "Flame Graph" / "Icicle Graph" / "Differential …" */
	const char *subtitle; /* NULL: the sample type and total */
};

struct flame_stats {
	size_t frames;        /* frames drawn */
	size_t merged;        /* frames standing for several narrow ones */
	size_t hidden;        /* tree nodes not drawn (too narrow) */
};

void flame_opts_init(struct flame_opts *o);
/* A self-contained SVG: frames as <g><title/><rect/><text/></g>, an inline
 * script for zoom/search/details (no network access, no external script),
 * colours by kind of frame, or by change when the view is a diff
 * (width = new profile, red = grew, blue = shrank, as difffolded.pl).
 * stats may be NULL. */
void render_flame_svg(const struct ftree *t, const struct flame_opts *o, struct kbuf *out,
		      struct flame_stats *stats);

/* Brendan Gregg's folded stacks: "root;…;leaf value\n", one line per
 * distinct stack, lines sorted bytewise (as stackcollapse-*.pl print
 * them), ';' in names written as ':' like stackcollapse-perf.pl. Diffs
 * print the new profile (use a second run without -diff_base for the old
 * one, as difffolded.pl expects). */
void render_folded(const struct ftree *t, struct kbuf *out);

/* speedscope's file format (https://www.speedscope.app/file-format-schema.json):
 * one "sampled" profile with shared frames, stacks root first. */
void render_speedscope(const struct ftree *t, const char *name, struct kbuf *out);

struct dot_opts {
	int nodecount;        /* -1: pprof's 80 */
	double nodefraction;  /* 0.005 */
	double edgefraction;  /* 0.001 */
	bool trim;            /* false: no limits */
	bool cum;             /* unused by dot's ordering; kept for symmetry */
};

/* pprof's -dot: the trimmed call graph (entropy order for node selection,
 * redundant residual edges removed), nodes sized by flat and labelled with
 * flat and cum, edges weighted by their value, residual edges dotted and
 * inline edges dashed with "(inline)", and a legend with the report's
 * header lines. The view must use the functions (or another) granularity
 * already; v->p is only read. */
void render_dot(struct rview *v, const struct dot_opts *o, struct kbuf *out);

/* Runs `dot -T<format>` (svg, png, pdf) on `dot_src`, appending its output
 * to out. -ENOENT when Graphviz is not installed, -EIO when dot fails. */
int render_graphviz(const struct kbuf *dot_src, const char *format, struct kbuf *out,
		    struct kerr *err);

#endif
