/* The flame graph SVG writer (see render.h). Layout is done here, in C, so
 * the SVG is static and readable without scripts: one <g> per frame with
 * a <title> tooltip, a <rect> and, when it fits, a <text>. The inline
 * script (flame-script.c) only re-lays out existing elements on zoom and
 * recolours them on search.
 *
 * Size control: children narrower than min_width pixels are merged into
 * one grey frame per run of adjacent narrow siblings (dropped too when the
 * run is still narrower), and nothing is drawn beneath them. So the frame
 * count is bounded by width/min_width per depth level, whatever the number
 * of stacks. The tree is walked with an explicit stack: untrusted profiles
 * may be deep. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/hashmap.h"
#include "../base/num.h"
#include "../base/units.h"
#include "../base/vec.h"
#include "escape.h"
#include "internal.h"
#include "render.h"

#define NONE UINT32_MAX
#define PAD_X 10
#define PAD_TOP 60
#define PAD_BOTTOM 36
#define FONT_W 7.0 /* average glyph width of 12px Verdana, for truncation */

void flame_opts_init(struct flame_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->width = 1200;
	o->frame_height = 16;
	o->min_width = 0.1;
}

struct item {
	uint32_t node;   /* NONE: a merged run (count in `merged`) */
	uint32_t depth;
	uint32_t merged;
	double x, w;     /* pixels */
	int64_t value, base;
};

typedef VEC(struct item) itemvec;

struct layout {
	const struct ftree *t;
	const struct flame_opts *o;
	double scale;     /* pixels per unit of value */
	int height;
	int64_t total;
	int64_t max_delta;
	bool diff;
	struct kbuf *out;
	struct flame_stats st;
};

/* value - base, saturated to [-INT64_MAX, INT64_MAX] so that its magnitude
 * fits an int64_t too (profile values are untrusted). */
static int64_t delta(int64_t value, int64_t base)
{
	int64_t d;

	if (__builtin_sub_overflow(value, base, &d) || d == INT64_MIN)
		return value > base ? INT64_MAX : -INT64_MAX;
	return d;
}

static void frame_colour(const struct layout *L, const struct item *it, int rgb[3])
{
	const struct ftree *t = L->t;
	uint64_t h;
	double v1, v2, v3;
	int kind;

	if (it->node == NONE) {
		rgb[0] = rgb[1] = rgb[2] = 190;
		return;
	}
	if (L->diff) {
		/* flamegraph.pl's color_scale: white at no change, full red or
		 * blue at the largest change of any frame. */
		int64_t d = delta(it->value, it->base);
		rgb[0] = rgb[1] = rgb[2] = 255;
		if (L->max_delta > 0 && d > 0)
			rgb[1] = rgb[2] = (int)(210 * (double)(L->max_delta - d) / (double)L->max_delta);
		else if (L->max_delta > 0 && d < 0)
			rgb[0] = rgb[1] = (int)(210 * (double)(L->max_delta + d) / (double)L->max_delta);
		return;
	}
	{
		const char *name = ftree_name(t, it->node);
		h = hash_bytes(name, strlen(name), 0x6b696c6e);
	}
	v1 = (double)(h & 0xffff) / 65536.0;
	v2 = (double)((h >> 16) & 0xffff) / 65536.0;
	v3 = (double)((h >> 32) & 0xffff) / 65536.0;
	kind = t->n[it->node].kind;
	switch (kind) {
	case FKIND_KERNEL: /* orange */
		rgb[0] = 230 + (int)(25 * v3);
		rgb[1] = 140 + (int)(30 * v1);
		rgb[2] = (int)(30 * v2);
		break;
	case FKIND_LIBRARY: /* yellow */
		rgb[0] = 190 + (int)(45 * v3);
		rgb[1] = 190 + (int)(45 * v3);
		rgb[2] = 40 + (int)(40 * v1);
		break;
	case FKIND_INLINED: /* aqua */
		rgb[0] = 50 + (int)(60 * v3);
		rgb[1] = 165 + (int)(55 * v3);
		rgb[2] = 165 + (int)(55 * v1);
		break;
	case FKIND_OTHER: /* grey-blue */
		rgb[0] = 150 + (int)(40 * v3);
		rgb[1] = 160 + (int)(40 * v3);
		rgb[2] = 190 + (int)(40 * v3);
		break;
	default: /* user code: reds */
		rgb[0] = 210 + (int)(45 * v3);
		rgb[1] = 50 + (int)(70 * v1);
		rgb[2] = 50 + (int)(40 * v2);
		break;
	}
}

static double frame_y(const struct layout *L, uint32_t depth)
{
	if (L->o->icicle)
		return PAD_TOP + (double)depth * L->o->frame_height;
	return L->height - PAD_BOTTOM - (double)(depth + 1) * L->o->frame_height;
}

static void add_pct(struct kbuf *b, int64_t v, int64_t total)
{
	kbuf_addf(b, "%.2f%%", total ? 100.0 * (double)v / (double)total : 0.0);
}

static void draw(struct layout *L, const struct item *it)
{
	struct kbuf *b = L->out;
	const struct rview *v = L->t->v;
	const char *name;
	char lab[64], num[64];
	int rgb[3];
	double y = frame_y(L, it->depth);

	L->st.frames++;
	if (it->node == NONE)
		L->st.merged++;
	name = it->node == NONE ? NULL : ftree_name(L->t, it->node);
	frame_colour(L, it, rgb);
	kbuf_addstr(b, "<g class=\"f\"><title>");
	if (name)
		esc_xml(b, name);
	else
		kbuf_addf(b, "%" PRIu32 " frames narrower than %g px, merged", it->merged,
			  L->o->min_width);
	kbuf_addf(b, " (%s, ", rview_label(v, it->value, lab));
	add_pct(b, it->value, L->total);
	if (L->diff && it->node != NONE) {
		int64_t d = delta(it->value, it->base);
		kbuf_addf(b, "; base %s, change %s%s", rview_label(v, it->base, num),
			  d > 0 ? "+" : d < 0 ? "-" : "", rview_label(v, (int64_t)mag64(d), lab));
	}
	kbuf_addf(b, ")</title><rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" "
		     "fill=\"rgb(%d,%d,%d)\"/>",
		  it->x, y, it->w, L->o->frame_height - 1, rgb[0], rgb[1], rgb[2]);
	if (name && it->w > 3 * FONT_W + 6) {
		size_t fit = (size_t)((it->w - 6) / FONT_W);
		kbuf_addf(b, "<text x=\"%.1f\" y=\"%.1f\">", it->x + 3, y + L->o->frame_height - 5.5);
		if (strlen(name) > fit)
			esc_xml_trunc(b, name, fit > 2 ? fit - 2 : 1);
		else
			esc_xml(b, name);
		kbuf_addstr(b, "</text>");
	}
	kbuf_addstr(b, "</g>\n");
}

/* Largest |value - base| of any drawn-size frame, for the diff colours. */
static int64_t max_delta(const struct ftree *t)
{
	int64_t m = 0;

	for (size_t i = 1; i < t->count; i++) {
		int64_t d = (int64_t)mag64(delta(t->n[i].value, t->n[i].base));
		if (d > m)
			m = d;
	}
	return m;
}

/* Pushes the children of `it` (a real node), merging narrow runs. Items are
 * pushed in reverse so they pop (and draw) left to right. */
static void push_children(struct layout *L, const struct item *it, itemvec *stack)
{
	const struct ftree *t = L->t;
	itemvec row = VEC_INIT;
	struct item run;
	double x = it->x;
	bool in_run = false;

	memset(&run, 0, sizeof(run));
	for (uint32_t c = t->n[it->node].child; c != NONE; c = t->n[c].next) {
		const struct fnode *n = &t->n[c];
		double w;

		if (n->value <= 0) {
			L->st.hidden++;
			continue;
		}
		w = (double)n->value * L->scale;
		if (w < L->o->min_width) {
			if (!in_run) {
				memset(&run, 0, sizeof(run));
				run.node = c; /* a run of one keeps its own name */
				run.depth = it->depth + 1;
				run.x = x;
				in_run = true;
			} else {
				run.node = NONE;
			}
			run.merged++;
			run.w += w;
			run.value = go_add64(run.value, n->value);
			run.base = go_add64(run.base, n->base);
			x += w;
			continue;
		}
		if (in_run) {
			if (run.w >= L->o->min_width)
				vec_push(&row, run);
			else
				L->st.hidden += run.merged;
			in_run = false;
		}
		{
			struct item ci = { c, it->depth + 1, 0, x, w, n->value, n->base };
			vec_push(&row, ci);
		}
		x += w;
	}
	if (in_run) {
		if (run.w >= L->o->min_width)
			vec_push(&row, run);
		else
			L->st.hidden += run.merged;
	}
	for (size_t i = row.n; i-- > 0;)
		vec_push(stack, row.v[i]);
	vec_free(&row);
}

/* Depth of the deepest frame that will be drawn, so the image is no
 * taller than needed. */
static uint32_t drawn_depth(const struct ftree *t, double scale, double min_width)
{
	uint32_t d = 0;

	for (size_t i = 1; i < t->count; i++) {
		/* A frame is drawn only if it and every ancestor is wide enough;
		 * ancestors are at least as wide in a tree without negative
		 * values, so checking the frame itself is enough here. */
		if ((double)t->n[i].value * scale >= min_width && t->n[i].depth > d)
			d = t->n[i].depth;
	}
	return d;
}

void render_flame_svg(const struct ftree *t, const struct flame_opts *o, struct kbuf *out,
		      struct flame_stats *stats)
{
	struct layout L;
	itemvec stack = VEC_INIT;
	const struct rview *v = t->v;
	const char *title = o->title;
	char lab[64];
	int width = o->width > 100 ? o->width : 100;
	double inner = width - 2 * PAD_X;
	uint32_t depth;

	memset(&L, 0, sizeof(L));
	L.t = t;
	L.o = o;
	L.out = out;
	L.total = t->n[0].value;
	L.diff = v->prep.diff;
	L.scale = L.total > 0 ? inner / (double)L.total : 0;
	if (L.diff)
		L.max_delta = max_delta(t);
	depth = L.total > 0 ? drawn_depth(t, L.scale, o->min_width) : 0;
	L.height = PAD_TOP + PAD_BOTTOM + (int)(depth + 1) * o->frame_height;
	if (!title)
		title = L.diff ? (o->icicle ? "Differential Icicle Graph" : "Differential Flame Graph")
			       : (o->icicle ? "Icicle Graph" : "Flame Graph");

	kbuf_addf(out,
		  "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		  "<svg version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		  "xmlns=\"http://www.w3.org/2000/svg\" onload=\"init(evt)\" "
		  "data-icicle=\"%d\" data-fh=\"%d\" data-pad=\"%d\" data-total=\"%" PRId64 "\">\n",
		  width, L.height, width, L.height, o->icicle ? 1 : 0, o->frame_height, PAD_X,
		  L.total);
	kbuf_addstr(out,
		    "<style>text{font-family:Verdana,sans-serif;font-size:12px;fill:#000}"
		    "#title{font-size:17px;text-anchor:middle}#sub{fill:#555;text-anchor:middle}"
		    ".btn{cursor:pointer;fill:#136}.f{cursor:pointer}.f:hover rect{stroke:#000;stroke-width:0.5}"
		    ".hide{display:none}.parent{opacity:0.55}#matched{text-anchor:end}</style>\n");
	kbuf_addstr(out, "<script type=\"text/ecmascript\"><![CDATA[\n");
	kbuf_addstr(out, flame_script);
	kbuf_addstr(out, "]]></script>\n");
	kbuf_addf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#f8f8f0\" id=\"bg\"/>\n",
		  width, L.height);
	kbuf_addf(out, "<text id=\"title\" x=\"%d\" y=\"24\">", width / 2);
	esc_xml(out, title);
	kbuf_addf(out, "</text>\n<text id=\"sub\" x=\"%d\" y=\"44\">", width / 2);
	if (o->subtitle) {
		esc_xml(out, o->subtitle);
	} else {
		esc_xml(out, v->prep.sample_type);
		kbuf_addf(out, ", total %s", rview_label(v, L.total, lab));
		if (L.diff)
			kbuf_addf(out, " (base %s; red grew, blue shrank)",
				  rview_label(v, t->n[0].base, lab));
		else
			kbuf_addstr(out, "; red: user, yellow: library, orange: kernel, aqua: inlined");
	}
	kbuf_addf(out, "</text>\n<text id=\"unzoom\" class=\"btn hide\" x=\"%d\" y=\"24\">Reset Zoom</text>\n"
		       "<text id=\"search\" class=\"btn\" x=\"%d\" y=\"24\" text-anchor=\"end\">Search</text>\n"
		       "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n"
		       "<text id=\"matched\" x=\"%d\" y=\"%d\"> </text>\n<g id=\"frames\">\n",
		  PAD_X, width - PAD_X, PAD_X, L.height - 12, width - PAD_X, L.height - 12);

	if (L.total > 0) {
		struct item root = { 0, 0, 0, PAD_X, inner, t->n[0].value, t->n[0].base };
		vec_push(&stack, root);
	}
	while (stack.n) {
		struct item it = stack.v[--stack.n];
		draw(&L, &it);
		if (it.node != NONE)
			push_children(&L, &it, &stack);
	}
	vec_free(&stack);
	kbuf_addstr(out, "</g>\n</svg>\n");
	if (stats)
		*stats = L.st;
}
