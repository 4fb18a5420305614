/* The report pipeline for drawings (see view.h): option checks, the value
 * to draw, pprof's total, name and label filters, aggregation, and the node
 * table. Work is linear in the profile's samples and frames; the copy used
 * by the web server is a handful of memcpy calls plus the string table. */
#include "view.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/units.h"
#include "../profile/filter.h"
#include "../profile/merge.h"
#include "../profile/rx.h"

static int compile_opt(const char *name, const char *value, struct krx *rx, struct kerr *err)
{
	if (!value || !value[0])
		return 0;
	if (krx_compile(rx, value, false, err) < 0)
		return kerr_prefix(err, "parsing %s regexp", name);
	return 0;
}

static void note(struct rview *v, const char *msg)
{
	kbuf_addstr(&v->notes, msg);
	kbuf_addch(&v->notes, '\n');
}

/* The same steps, in the same order, as report.c's apply_focus (pprof's
 * applyFocus): name filters, show_from, tag filters, tag show/hide,
 * prune_from. */
static int apply_filters(struct rview *v, struct kerr *err)
{
	const struct report_opts *o = v->o;
	struct krx focus = KRX_INIT, ignore = KRX_INIT, hide = KRX_INIT, show = KRX_INIT,
		   show_from = KRX_INIT, prune_from = KRX_INIT, tagshow = KRX_INIT,
		   taghide = KRX_INIT;
	struct pf_tag_filter *tf = NULL, *ti = NULL;
	struct pf_label_units units;
	struct pf_name_matches nm;
	bool range, m1, m2;
	int ret;

	profile_label_units(v->p, &units);
	if ((ret = compile_opt("focus", o->focus, &focus, err)) ||
	    (ret = compile_opt("ignore", o->ignore, &ignore, err)) ||
	    (ret = compile_opt("hide", o->hide, &hide, err)) ||
	    (ret = compile_opt("show", o->show, &show, err)) ||
	    (ret = compile_opt("show_from", o->show_from, &show_from, err)) ||
	    (ret = compile_opt("prune_from", o->prune_from, &prune_from, err)) ||
	    (ret = compile_opt("tagshow", o->tagshow, &tagshow, err)) ||
	    (ret = compile_opt("taghide", o->taghide, &taghide, err)))
		goto out;
	if (o->tagfocus && o->tagfocus[0] &&
	    (ret = pf_tag_filter_compile(o->tagfocus, &units, &tf, &range, err)) < 0)
		goto out;
	if (o->tagignore && o->tagignore[0] &&
	    (ret = pf_tag_filter_compile(o->tagignore, &units, &ti, &range, err)) < 0)
		goto out;

	profile_filter_by_name(v->p, focus.set ? &focus : NULL, ignore.set ? &ignore : NULL,
			       hide.set ? &hide : NULL, show.set ? &show : NULL, &nm);
	if (focus.set && !nm.focus)
		note(v, "Focus expression matched no samples");
	if (ignore.set && !nm.ignore)
		note(v, "Ignore expression matched no samples");
	if (hide.set && !nm.hide)
		note(v, "Hide expression matched no samples");
	if (show.set && !nm.show)
		note(v, "Show expression matched no samples");
	if (show_from.set && !profile_show_from(v->p, &show_from))
		note(v, "ShowFrom expression matched no samples");
	if (tf || ti) {
		profile_filter_by_tag(v->p, tf, ti, &m1, &m2);
		if (tf && !m1)
			note(v, "TagFocus expression matched no samples");
		if (ti && !m2)
			note(v, "TagIgnore expression matched no samples");
	}
	if (tagshow.set || taghide.set)
		profile_filter_tags_by_name(v->p, tagshow.set ? &tagshow : NULL,
					    taghide.set ? &taghide : NULL, &m1, &m2);
	if (prune_from.set)
		profile_prune_from(v->p, &prune_from);
out:
	krx_free(&focus);
	krx_free(&ignore);
	krx_free(&hide);
	krx_free(&show);
	krx_free(&show_from);
	krx_free(&prune_from);
	krx_free(&tagshow);
	krx_free(&taghide);
	pf_tag_filter_free(tf);
	pf_tag_filter_free(ti);
	pf_label_units_release(&units);
	return ret;
}

bool rview_is_base(const struct rview *v, const struct pf_sample *s)
{
	return v->diff && s->n_lab && profile_sample_has_label(v->p, s, "pprof::base", "true");
}

int64_t rview_value(const struct rview *v, const struct pf_sample *s)
{
	return pf_sample_values(v->p, s)[v->value_index];
}

/* pprof's computeTotal, including the diff-base rule. */
static void compute_total(struct rview *v)
{
	const struct profile *p = v->p;
	int64_t total = 0, div = 0, dtotal = 0, ddiv = 0;

	v->diff = false;
	for (size_t i = 0; i < p->n_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		const int64_t *val = pf_sample_values(p, s);
		int64_t x = val[v->value_index], d = v->mean ? val[0] : 0;

		if (x < 0)
			x = -x;
		total += x;
		div += d;
		if (s->n_lab && profile_sample_has_label(p, s, "pprof::base", "true")) {
			dtotal += x;
			ddiv += d;
			v->diff = true;
		}
	}
	if (dtotal > 0) {
		total = dtotal;
		div = ddiv;
	}
	v->total = div != 0 ? total / div : total;
}

static void aggregate(struct rview *v)
{
	bool inl = !v->o->noinlines, fn = false, file = false, line = false, addr = false;

	switch (v->granularity) {
	case REPORT_G_ADDRESSES:
		if (inl)
			return;
		fn = file = line = addr = true;
		break;
	case REPORT_G_LINES:
		fn = file = line = true;
		break;
	case REPORT_G_FILES:
		file = true;
		break;
	case REPORT_G_FILEFUNCTIONS:
		fn = file = true;
		break;
	default:
		fn = true;
		break;
	}
	profile_aggregate(v->p, inl, fn, file, line, addr);
}

int rview_prepare(struct rview *v, struct profile *p, const struct report_opts *o,
		  enum report_granularity dflt, struct kerr *err)
{
	struct rtable_opts to;
	int idx, ret;

	memset(v, 0, sizeof(*v));
	kbuf_init(&v->notes);
	v->p = p;
	v->o = o;
	v->granularity = o->granularity ? o->granularity : dflt;
	if (o->relative_percentages && (ret = apply_filters(v, err)) < 0)
		goto fail;
	if ((idx = profile_sample_index(p, o->sample_index, err)) < 0) {
		ret = idx;
		goto fail;
	}
	if (p->n_sample_type == 0) {
		ret = kerr_set(err, -EINVAL, "the profile has no sample types");
		goto fail;
	}
	v->value_index = idx;
	v->mean = o->mean;
	snprintf(v->sample_type, sizeof(v->sample_type), "%s%s", v->mean ? "mean_" : "",
		 profile_get_str(p, p->sample_type[idx].type));
	v->sample_unit = profile_get_str(p, p->sample_type[idx].unit);
	compute_total(v);
	if (!o->relative_percentages && (ret = apply_filters(v, err)) < 0)
		goto fail;
	aggregate(v);
	memset(&to, 0, sizeof(to));
	to.trim_path = o->trim_path;
	to.source_path = o->source_path;
	rtable_build(&v->t, p, &to);
	return 0;
fail:
	rview_release(v);
	return ret;
}

void rview_release(struct rview *v)
{
	if (!v)
		return;
	if (v->t.p)
		rtable_release(&v->t);
	kbuf_release(&v->notes);
	memset(v, 0, sizeof(*v));
}

const char *rview_label(const struct rview *v, int64_t value, char buf[64])
{
	return units_label(buf, 64, value, v->sample_unit, "auto");
}

#define COPY_ARRAY(dst, src, field, n_field, cap_field) \
	do { \
		(dst)->n_field = (dst)->cap_field = (src)->n_field; \
		(dst)->field = NULL; \
		if ((src)->n_field) { \
			(dst)->field = xmalloc((src)->n_field * sizeof(*(src)->field)); \
			memcpy((dst)->field, (src)->field, (src)->n_field * sizeof(*(src)->field)); \
		} \
	} while (0)

struct profile *render_profile_copy(const struct profile *p)
{
	struct profile *c = profile_new();
	struct strtab strings = c->strings;

	/* Scalars first, then every pool; the string table is rebuilt with
	 * the same indices (strtab_append keeps duplicates where they are). */
	*c = *p;
	c->strings = strings;
	for (size_t i = 1; i < p->strings.n; i++)
		strtab_append(&c->strings, strtab_get(&p->strings, i), strtab_len(&p->strings, i));
	COPY_ARRAY(c, p, sample_type, n_sample_type, cap_sample_type);
	COPY_ARRAY(c, p, samples, n_samples, cap_samples);
	COPY_ARRAY(c, p, sample_locs, n_sample_locs, cap_sample_locs);
	COPY_ARRAY(c, p, sample_values, n_sample_values, cap_sample_values);
	COPY_ARRAY(c, p, sample_labels, n_sample_labels, cap_sample_labels);
	COPY_ARRAY(c, p, mappings, n_mappings, cap_mappings);
	COPY_ARRAY(c, p, locations, n_locations, cap_locations);
	COPY_ARRAY(c, p, lines, n_lines, cap_lines);
	COPY_ARRAY(c, p, functions, n_functions, cap_functions);
	COPY_ARRAY(c, p, comments, n_comments, cap_comments);
	memset(&c->mapping_ix, 0, sizeof(c->mapping_ix));
	memset(&c->location_ix, 0, sizeof(c->location_ix));
	memset(&c->function_ix, 0, sizeof(c->function_ix));
	profile_index(c);
	return c;
}

static int64_t abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

void rview_select_unit(const struct rview *v, const struct rgraph *g, char unit_out[64])
{
	const char *want = v->o->unit && v->o->unit[0] ? v->o->unit : "minimum";
	const char *min_unit, *max_unit, *unit;
	int64_t minv = 0, maxv = v->total;

	snprintf(unit_out, 64, "%s", want);
	if (strcmp(want, "minimum") != 0 || g->n_nodes == 0)
		return;
	for (size_t i = 0; i < g->n_nodes; i++) {
		int64_t x = abs64(rnode_flat(g, g->nodes[i]));
		if (x == 0)
			x = abs64(rnode_cum(g, g->nodes[i]));
		if (x > 0 && (minv == 0 || x < minv))
			minv = x;
	}
	if (minv == 0)
		minv = maxv;
	units_scale(minv, v->sample_unit, "minimum", &min_unit);
	units_scale(maxv, v->sample_unit, "minimum", &max_unit);
	unit = min_unit;
	if (strcmp(min_unit, max_unit) != 0 && minv * 100 < maxv)
		units_scale(100 * minv, v->sample_unit, "minimum", &unit);
	snprintf(unit_out, 64, "%s", unit[0] ? unit : v->sample_unit);
}
