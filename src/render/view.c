/* The report pipeline for drawings (see view.h): report_prepare() (the
 * value to draw, pprof's total, name and label filters, aggregation), then
 * the node table. Work is linear in the profile's samples and frames; the
 * copy used by the web server is a handful of memcpy calls plus the string
 * table. */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/units.h"
#include "../profile/merge.h"

bool rview_is_base(const struct rview *v, const struct pf_sample *s)
{
	return v->prep.diff && s->n_lab && profile_sample_has_label(v->p, s, "pprof::base", "true");
}

int64_t rview_value(const struct rview *v, const struct pf_sample *s)
{
	return pf_sample_values(v->p, s)[v->prep.value_index];
}

int rview_prepare(struct rview *v, struct profile *p, const struct report_opts *o,
		  enum report_granularity dflt, struct kerr *err)
{
	struct report_opts ro = *o;
	struct rtable_opts to;
	int ret;

	memset(v, 0, sizeof(*v));
	kbuf_init(&v->notes);
	v->p = p;
	v->o = o;
	/* kiln accepts -list, -raw and the like next to -flame or -dot (pprof
	 * would refuse two output formats); the drawing ignores them, so the
	 * text formats' overrides (lines for -list, addresses for -raw, the
	 * -peek/-list regex) must not apply. -top has none. */
	ro.format = REPORT_TOP;
	if (!ro.granularity)
		ro.granularity = dflt;
	if ((ret = report_prepare(p, &ro, &v->prep, &v->notes, err)) < 0)
		goto fail;
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
	report_prepared_release(&v->prep);
	kbuf_release(&v->notes);
	memset(v, 0, sizeof(*v));
}

const char *rview_label(const struct rview *v, int64_t value, char buf[64])
{
	return units_label(buf, 64, value, v->prep.sample_unit, "auto");
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

void rview_select_unit(const struct rview *v, const struct rgraph *g, char unit_out[64])
{
	/* Drawings label values without -divide_by, hence ratio 1. */
	snprintf(unit_out, 64, "%s", v->o->unit && v->o->unit[0] ? v->o->unit : "minimum");
	report_output_unit(g, v->prep.total, 1, v->prep.sample_unit, unit_out);
}
