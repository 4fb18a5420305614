/* The report pipeline (pprof's generateRawReport and report.New): option
 * overrides per format, sample value selection, the report total, focus and
 * tag filters (before or after the total, per -relative_percentages),
 * aggregation at the granularity, then one renderer (one file per format;
 * what they share is in common.c). */
#include "internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/num.h"
#include "../profile/encode.h"
#include "../profile/merge.h"

void report_opts_init(struct report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = REPORT_TOP;
	o->nodecount = -1;
	o->nodefraction = 0.005;
	o->edgefraction = 0.001;
	o->trim = true;
	o->divide_by = 1.0;
	o->unit = "minimum";
}

__attribute__((format(printf, 2, 3)))
static void prep_note(struct kbuf *notes, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vnote(notes, fmt, ap);
	va_end(ap);
}

/* ---- the pipeline ---- */

static void add_filter(struct report *r, const char *name, const char *value)
{
	size_t len;

	if (!value || !value[0])
		return;
	len = strlen(value);
	/* pprof cuts long values at 80 bytes and adds an ellipsis. */
	if (len > 80)
		kbuf_addf(&r->filters, "   %s=%.80s\xe2\x80\xa6\n", name, value);
	else
		kbuf_addf(&r->filters, "   %s=%s\n", name, value);
	r->n_filters++;
}

static int compile_opt(const char *name, const char *value, struct krx *rx, bool *set,
		       struct kerr *err)
{
	*set = false;
	if (!value || !value[0])
		return 0;
	if (krx_compile(rx, value, false, err) < 0)
		return kerr_prefix(err, "parsing %s regexp", name);
	*set = true;
	return 0;
}

/* pprof's applyFocus. The regexes are compiled in pprof's order, so the
 * first bad one named is the one pprof names. */
static int apply_focus(struct profile *p, const struct report_opts *o,
		       const struct pf_label_units *units, struct kbuf *notes, struct kerr *err)
{
	struct krx focus = KRX_INIT, ignore = KRX_INIT, hide = KRX_INIT, show = KRX_INIT,
		   show_from = KRX_INIT, prune_from = KRX_INIT, tagshow = KRX_INIT,
		   taghide = KRX_INIT;
	bool f, i, h, s, sf, pf, ts, th, range, m1, m2;
	struct pf_tag_filter *tf = NULL, *ti = NULL;
	struct pf_name_matches nm;
	int ret;

	if ((ret = compile_opt("focus", o->focus, &focus, &f, err)) ||
	    (ret = compile_opt("ignore", o->ignore, &ignore, &i, err)) ||
	    (ret = compile_opt("hide", o->hide, &hide, &h, err)) ||
	    (ret = compile_opt("show", o->show, &show, &s, err)) ||
	    (ret = compile_opt("show_from", o->show_from, &show_from, &sf, err)))
		goto out;
	if (o->tagfocus && o->tagfocus[0]) {
		if ((ret = pf_tag_filter_compile(o->tagfocus, units, &tf, &range, err)) < 0)
			goto out;
		if (range)
			prep_note(notes, "tagfocus:Interpreted '%s' as range, not regexp",
				    strchr(o->tagfocus, '=') ? strchr(o->tagfocus, '=') + 1 : o->tagfocus);
	}
	if (o->tagignore && o->tagignore[0]) {
		if ((ret = pf_tag_filter_compile(o->tagignore, units, &ti, &range, err)) < 0)
			goto out;
		if (range)
			prep_note(notes, "tagignore:Interpreted '%s' as range, not regexp",
				    strchr(o->tagignore, '=') ? strchr(o->tagignore, '=') + 1 : o->tagignore);
	}
	if ((ret = compile_opt("prune_from", o->prune_from, &prune_from, &pf, err)))
		goto out;

	profile_filter_by_name(p, f ? &focus : NULL, i ? &ignore : NULL, h ? &hide : NULL,
			       s ? &show : NULL, &nm);
	if (f && !nm.focus)
		prep_note(notes, "Focus expression matched no samples");
	if (i && !nm.ignore)
		prep_note(notes, "Ignore expression matched no samples");
	if (h && !nm.hide)
		prep_note(notes, "Hide expression matched no samples");
	if (s && !nm.show)
		prep_note(notes, "Show expression matched no samples");
	if (sf && !profile_show_from(p, &show_from))
		prep_note(notes, "ShowFrom expression matched no samples");
	if (tf || ti) {
		profile_filter_by_tag(p, tf, ti, &m1, &m2);
		if (tf && !m1)
			prep_note(notes, "TagFocus expression matched no samples");
		if (ti && !m2)
			prep_note(notes, "TagIgnore expression matched no samples");
	}
	if ((ret = compile_opt("tagshow", o->tagshow, &tagshow, &ts, err)) ||
	    (ret = compile_opt("taghide", o->taghide, &taghide, &th, err)))
		goto out;
	if (ts || th) {
		profile_filter_tags_by_name(p, ts ? &tagshow : NULL, th ? &taghide : NULL, &m1, &m2);
		if (ts && !m1)
			prep_note(notes, "TagShow expression matched no samples");
		if (th && !m2)
			prep_note(notes, "TagHide expression matched no samples");
	}
	if (pf)
		profile_prune_from(p, &prune_from);
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
	return ret;
}

/* pprof's computeTotal: sum of |value| (over the diff base's samples only
 * when there are any), divided by the summed value[0] with -mean. */
static void compute_total(const struct profile *p, struct report_prepared *rp)
{
	int64_t total = 0, div = 0, dtotal = 0, ddiv = 0;

	rp->diff = false;
	for (size_t i = 0; i < p->n_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		const int64_t *v = pf_sample_values(p, s);
		int64_t x = v[rp->value_index], d = rp->mean ? v[0] : 0;

		x = go_abs64(x);
		total = go_add64(total, x);
		div = go_add64(div, d);
		if (s->n_lab && profile_sample_has_label(p, s, "pprof::base", "true")) {
			dtotal = go_add64(dtotal, x);
			ddiv = go_add64(ddiv, d);
			rp->diff = true;
		}
	}
	if (dtotal > 0) {
		total = dtotal;
		div = ddiv;
	}
	rp->total = div != 0 ? go_div64(total, div) : total;
}

static void aggregate(struct profile *p, const struct report_prepared *rp)
{
	bool inl = !rp->noinlines, fn = false, file = false, line = false, addr = false;

	switch (rp->granularity) {
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
	profile_aggregate(p, inl, fn, file, line, addr);
}

/* The part of pprof's applyCommandOverrides that decides what the profile
 * is aggregated at: -list works on lines, -raw and -proto on addresses
 * with inlined frames kept. */
static void granularity_overrides(const struct report_opts *o, struct report_prepared *rp)
{
	rp->granularity = o->granularity ? o->granularity : REPORT_G_FUNCTIONS;
	rp->noinlines = o->noinlines;
	if (o->format == REPORT_LIST)
		rp->granularity = REPORT_G_LINES;
	if (o->format == REPORT_PROTO || o->format == REPORT_RAW) {
		rp->granularity = REPORT_G_ADDRESSES;
		rp->noinlines = false;
	}
}

/* The rest of pprof's applyCommandOverrides: what a graph report trims. */
static void overrides(struct report *r)
{
	const struct report_opts *o = r->o;
	bool trim = o->trim;

	r->nodecount = o->nodecount;
	r->nodefraction = o->nodefraction;
	r->edgefraction = o->edgefraction;
	switch (o->format) {
	case REPORT_PEEK:
	case REPORT_LIST:
		trim = false;
		break;
	case REPORT_TOP:
		if (r->nodecount == -1)
			r->nodecount = 0;
		break;
	default:
		if (r->nodecount == -1)
			r->nodecount = 80;
	}
	if (o->format == REPORT_PROTO || o->format == REPORT_RAW)
		trim = false;
	if (!trim) {
		r->nodecount = 0;
		r->nodefraction = 0;
		r->edgefraction = 0;
	}
}

/* Part of pprof's reportOptions: the value, its type and unit, -divide_by. */
static int sample_format(const struct profile *p, const struct report_opts *o,
			 struct report_prepared *rp, struct kerr *err)
{
	int idx = profile_sample_index(p, o->sample_index, err);

	if (idx < 0)
		return idx;
	rp->value_index = idx;
	rp->mean = o->mean;
	snprintf(rp->sample_type, sizeof(rp->sample_type), "%s%s", rp->mean ? "mean_" : "",
		 profile_get_str(p, p->sample_type[idx].type));
	rp->sample_unit = profile_get_str(p, p->sample_type[idx].unit);
	if (o->divide_by == 0)
		return kerr_set(err, -EINVAL, "zero divisor specified");
	rp->ratio = 1 / o->divide_by;
	return 0;
}

int report_prepare(struct profile *p, const struct report_opts *o, struct report_prepared *rp,
		   struct kbuf *notes, struct kerr *err)
{
	int ret;

	memset(rp, 0, sizeof(*rp));
	profile_label_units(p, &rp->units);
	for (size_t i = 0; i < rp->units.n_conflicts; i++)
		prep_note(notes, "%s", rp->units.conflicts[i]);
	granularity_overrides(o, rp);
	if (o->relative_percentages && (ret = apply_focus(p, o, &rp->units, notes, err)) < 0)
		goto fail;
	if ((ret = sample_format(p, o, rp, err)) < 0)
		goto fail;
	if (o->format == REPORT_PEEK || o->format == REPORT_LIST) {
		if (!o->symbol) {
			ret = kerr_set(err, -EINVAL, "this report needs a regular expression");
			goto fail;
		}
		if ((ret = krx_compile(&rp->symbol, o->symbol, false, err)) < 0) {
			kerr_prefix(err, "parsing argument regexp %s", o->symbol);
			goto fail;
		}
	}
	compute_total(p, rp);
	if (!o->relative_percentages && (ret = apply_focus(p, o, &rp->units, notes, err)) < 0)
		goto fail;
	aggregate(p, rp);
	return 0;
fail:
	report_prepared_release(rp);
	return ret;
}

void report_prepared_release(struct report_prepared *rp)
{
	if (!rp)
		return;
	krx_free(&rp->symbol);
	pf_label_units_release(&rp->units);
	memset(rp, 0, sizeof(*rp));
}

static int report_proto(struct report *r, struct kbuf *out, struct kerr *err)
{
	struct profile *p = r->p;

	if (r->prep.ratio > 0 && r->prep.ratio != 1)
		for (size_t i = 0; i < p->n_samples; i++) {
			int64_t *v = (int64_t *)pf_sample_values(p, &p->samples[i]);
			for (uint32_t k = 0; k < p->samples[i].n_val; k++)
				v[k] = f64_to_i64((double)v[k] * r->prep.ratio);
		}
	return profile_encode_gzip(p, out, err);
}

int report_generate(struct profile *p, const struct report_opts *o, struct kbuf *out,
		    struct kbuf *notes, struct kerr *err)
{
	struct report r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.p = p;
	r.o = o;
	r.notes = notes;
	kbuf_init(&r.filters);
	snprintf(r.output_unit, sizeof(r.output_unit), "%s", o->unit ? o->unit : "minimum");
	overrides(&r);
	/* Names reach a terminal: a control byte in one must not repaint it
	 * or forge a row (filters then match what the user sees). The proto
	 * keeps the bytes as they were; -list opens files by their own names
	 * and escapes what it prints. */
	if (o->format != REPORT_PROTO && o->format != REPORT_LIST)
		profile_escape_text(p);
	if ((ret = report_prepare(p, o, &r.prep, notes, err)) < 0)
		goto out;
	add_filter(&r, "focus", o->focus);
	add_filter(&r, "ignore", o->ignore);
	add_filter(&r, "hide", o->hide);
	add_filter(&r, "show", o->show);
	add_filter(&r, "show_from", o->show_from);
	add_filter(&r, "tagfocus", o->tagfocus);
	add_filter(&r, "tagignore", o->tagignore);
	add_filter(&r, "tagshow", o->tagshow);
	add_filter(&r, "taghide", o->taghide);
	switch (o->format) {
	case REPORT_TOP:
		ret = report_top(&r, out, err);
		break;
	case REPORT_TREE:
	case REPORT_PEEK:
		ret = report_tree(&r, out, err);
		break;
	case REPORT_TRACES:
		ret = report_traces(&r, out, err);
		break;
	case REPORT_RAW:
		ret = report_raw(&r, out, err);
		break;
	case REPORT_TAGS:
		ret = report_tags(&r, out, err);
		break;
	case REPORT_LIST:
		ret = report_list(&r, out, err);
		break;
	case REPORT_COMMENTS:
		for (size_t i = 0; i < p->n_comments; i++)
			kbuf_addf(out, "%s\n", profile_get_str(p, p->comments[i]));
		ret = 0;
		break;
	case REPORT_PROTO:
		ret = report_proto(&r, out, err);
		break;
	default:
		ret = kerr_set(err, -EINVAL, "unexpected output format");
	}
out:
	report_prepared_release(&r.prep);
	kbuf_release(&r.filters);
	return ret;
}
