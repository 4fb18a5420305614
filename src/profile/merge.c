/* Merging profiles into a new one: profile_merge(), profile_compact() and
 * profile_compatible() (see merge.h). Work is one pass over each source's
 * samples; mappings, functions and locations are translated on first use
 * and cached per source, so a profile with millions of frame references
 * costs one array lookup per frame after its first occurrence. Each new
 * element is appended to the destination tentatively, deduplicated against
 * what is there under the merge key (merge-key.h) and popped again when a
 * twin exists. */
#include "merge.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "merge-key.h"

#define NONE UINT32_MAX

struct merger {
	struct profile *p;          /* destination */
	const struct profile *src;  /* source being merged */
	int64_t *str;               /* src string index -> dst, -1 unmapped */
	uint32_t *mapping;          /* src mapping index -> dst index */
	int64_t *mapping_off;       /* address rebase for that mapping */
	uint32_t *function;         /* src function index -> dst index */
	uint32_t *location;         /* src location index -> dst index */
	struct merge_keys keys;     /* over p: interned, canonical, labels sorted */
	struct pf_label *labs;      /* scratch for one sample's labels */
	size_t cap_labs;
};

#define GROW(p, arr, need) \
	((p)->arr = xgrow((p)->arr, &(p)->cap_##arr, (need), sizeof(*(p)->arr)))

static int64_t map_str(struct merger *m, int64_t idx)
{
	if (idx <= 0 || (uint64_t)idx >= m->src->strings.n)
		return 0;
	if (m->str[idx] < 0)
		m->str[idx] = strtab_intern(&m->p->strings, strtab_get(&m->src->strings, (uint64_t)idx),
					    strtab_len(&m->src->strings, (uint64_t)idx));
	return m->str[idx];
}

/* ---- mappings ---- */

static uint32_t map_mapping(struct merger *m, size_t si)
{
	const struct pf_mapping *s = &m->src->mappings[si];
	struct pf_mapping *d;
	uint32_t cand, got;

	if (m->mapping[si] != NONE)
		return m->mapping[si];
	cand = (uint32_t)m->p->n_mappings;
	GROW(m->p, mappings, m->p->n_mappings + 1);
	d = &m->p->mappings[m->p->n_mappings++];
	*d = *s;
	d->id = cand + 1;
	d->filename = map_str(m, s->filename);
	d->build_id = map_str(m, s->build_id);
	got = merge_key_mapping(&m->keys, cand);
	if (got != cand)
		m->p->n_mappings--;
	m->mapping[si] = got;
	m->mapping_off[si] = (int64_t)(m->p->mappings[got].memory_start - s->memory_start);
	return got;
}

/* ---- functions ---- */

static uint32_t map_function(struct merger *m, size_t si)
{
	const struct pf_function *s = &m->src->functions[si];
	struct pf_function *d;
	uint32_t cand, got;

	if (m->function[si] != NONE)
		return m->function[si];
	cand = (uint32_t)m->p->n_functions;
	GROW(m->p, functions, m->p->n_functions + 1);
	d = &m->p->functions[m->p->n_functions++];
	d->id = cand + 1;
	d->name = map_str(m, s->name);
	d->system_name = map_str(m, s->system_name);
	d->filename = map_str(m, s->filename);
	d->start_line = s->start_line;
	got = merge_key_function(&m->keys, cand);
	if (got != cand)
		m->p->n_functions--;
	m->function[si] = got;
	return got;
}

/* ---- locations ---- */

static uint32_t map_location(struct merger *m, size_t si)
{
	const struct pf_location *s = &m->src->locations[si];
	const struct pf_line *sl = pf_location_lines(m->src, s);
	struct profile *p = m->p;
	struct pf_location *d;
	size_t line0 = p->n_lines;
	uint32_t cand, got, mi = NONE;
	uint64_t h;

	if (m->location[si] != NONE)
		return m->location[si];
	if (s->mapping_id) {
		size_t msi = (size_t)(profile_mapping(m->src, s->mapping_id) - m->src->mappings);
		mi = map_mapping(m, msi);
		h = (uint64_t)m->mapping_off[msi];
	} else {
		h = 0;
	}
	GROW(p, lines, p->n_lines + s->n_line);
	for (uint32_t i = 0; i < s->n_line; i++) {
		const struct pf_function *f = profile_function(m->src, sl[i].function_id);
		struct pf_line *ln = &p->lines[p->n_lines++];
		ln->function_id = map_function(m, (size_t)(f - m->src->functions)) + 1;
		ln->line = sl[i].line;
		ln->column = sl[i].column;
	}
	cand = (uint32_t)p->n_locations;
	GROW(p, locations, p->n_locations + 1);
	d = &p->locations[p->n_locations++];
	memset(d, 0, sizeof(*d));
	d->id = cand + 1;
	d->mapping_id = mi == NONE ? 0 : mi + 1;
	d->address = s->address + h; /* rebased onto the first occurrence */
	d->line_off = (uint32_t)line0;
	d->n_line = s->n_line;
	d->is_folded = s->is_folded;
	got = merge_key_location(&m->keys, cand);
	if (got != cand) {
		p->n_locations--;
		p->n_lines = line0;
	}
	m->location[si] = got;
	return got;
}

/* ---- samples ---- */

static void map_sample(struct merger *m, const struct pf_sample *s)
{
	struct profile *p = m->p;
	const uint64_t *sl = pf_sample_locs(m->src, s);
	const struct pf_label *slab = pf_sample_labels(m->src, s);
	const int64_t *sv = pf_sample_values(m->src, s);
	struct pf_sample *d;
	uint32_t cand, got;

	GROW(p, sample_locs, p->n_sample_locs + s->n_loc);
	for (uint32_t i = 0; i < s->n_loc; i++) {
		size_t li = profile_location_index(m->src, sl[i]);
		uint64_t id = map_location(m, li) + 1;
		p->sample_locs[p->n_sample_locs + i] = id;
	}
	m->labs = xgrow(m->labs, &m->cap_labs, s->n_lab, sizeof(*m->labs));
	for (uint32_t i = 0; i < s->n_lab; i++) {
		m->labs[i].key = map_str(m, slab[i].key);
		m->labs[i].str = map_str(m, slab[i].str);
		m->labs[i].num = slab[i].num;
		m->labs[i].num_unit = map_str(m, slab[i].num_unit);
	}
	merge_sort_labels(p, m->labs, s->n_lab);
	/* The tentative sample: locations are already in place at the end of
	 * the pool; labels and values follow. */
	GROW(p, samples, p->n_samples + 1);
	cand = (uint32_t)p->n_samples;
	d = &p->samples[p->n_samples++];
	d->loc_off = (uint32_t)p->n_sample_locs;
	d->n_loc = s->n_loc;
	p->n_sample_locs += s->n_loc;
	GROW(p, sample_labels, p->n_sample_labels + s->n_lab);
	if (s->n_lab)
		memcpy(p->sample_labels + p->n_sample_labels, m->labs, s->n_lab * sizeof(*m->labs));
	d->lab_off = (uint32_t)p->n_sample_labels;
	d->n_lab = s->n_lab;
	p->n_sample_labels += s->n_lab;
	got = merge_key_sample(&m->keys, cand);
	if (got != cand) {
		int64_t *dv = (int64_t *)pf_sample_values(p, &p->samples[got]);
		for (uint32_t i = 0; i < s->n_val && i < p->samples[got].n_val; i++)
			dv[i] = (int64_t)((uint64_t)dv[i] + (uint64_t)sv[i]); /* Go wraps */
		p->n_sample_locs -= s->n_loc;
		p->n_sample_labels -= s->n_lab;
		p->n_samples--;
		return;
	}
	GROW(p, sample_values, p->n_sample_values + s->n_val);
	if (s->n_val)
		memcpy(p->sample_values + p->n_sample_values, sv, s->n_val * sizeof(*sv));
	d->val_off = (uint32_t)p->n_sample_values;
	d->n_val = s->n_val;
	p->n_sample_values += s->n_val;
}

/* ---- headers ---- */

static void add_types(struct kbuf *b, const struct profile *p)
{
	kbuf_addch(b, '[');
	for (size_t i = 0; i < p->n_sample_type; i++)
		kbuf_addf(b, "%s%s/%s", i ? " " : "", profile_get_str(p, p->sample_type[i].type),
			  profile_get_str(p, p->sample_type[i].unit));
	kbuf_addch(b, ']');
}

static bool same_str(const struct profile *a, int64_t ia, const struct profile *b, int64_t ib)
{
	return strcmp(profile_get_str(a, ia), profile_get_str(b, ib)) == 0;
}

int profile_compatible(const struct profile *a, const struct profile *b, struct kerr *err)
{
	struct kbuf ta = KBUF_INIT, tb = KBUF_INIT;
	bool ok = true;
	int ret;

	if (!same_str(a, a->period_type.type, b, b->period_type.type) ||
	    !same_str(a, a->period_type.unit, b, b->period_type.unit))
		return kerr_set(err, -EINVAL, "incompatible period types %s/%s and %s/%s",
				profile_get_str(a, a->period_type.type),
				profile_get_str(a, a->period_type.unit),
				profile_get_str(b, b->period_type.type),
				profile_get_str(b, b->period_type.unit));
	if (a->n_sample_type != b->n_sample_type)
		ok = false;
	for (size_t i = 0; ok && i < a->n_sample_type; i++)
		ok = same_str(a, a->sample_type[i].type, b, b->sample_type[i].type) &&
		     same_str(a, a->sample_type[i].unit, b, b->sample_type[i].unit);
	if (ok)
		return 0;
	add_types(&ta, a);
	add_types(&tb, b);
	ret = kerr_set(err, -EINVAL, "incompatible sample types %s and %s", ta.buf, tb.buf);
	kbuf_release(&ta);
	kbuf_release(&tb);
	return ret;
}

static void combine_headers(struct profile *p, struct profile *const *srcs, size_t n)
{
	const struct profile *f = srcs[0];
	int64_t time = 0, duration = 0, period = 0;

	for (size_t i = 0; i < f->n_sample_type; i++)
		profile_add_sample_type(p, profile_get_str(f, f->sample_type[i].type),
					profile_get_str(f, f->sample_type[i].unit));
	for (size_t i = 0; i < n; i++) {
		const struct profile *s = srcs[i];
		/* pprof's rule, including its quirk that a later zero wins. */
		if (time == 0 || s->time_nanos < time)
			time = s->time_nanos;
		duration += s->duration_nanos;
		if (period == 0 || period < s->period)
			period = s->period;
		for (size_t c = 0; c < s->n_comments; c++) {
			const char *text = profile_get_str(s, s->comments[c]);
			bool seen = false;
			for (size_t k = 0; k < p->n_comments && !seen; k++)
				seen = strcmp(profile_get_str(p, p->comments[k]), text) == 0;
			if (!seen)
				profile_add_comment(p, text);
		}
		if (!p->default_sample_type && s->default_sample_type)
			p->default_sample_type = profile_str(p, profile_get_str(s, s->default_sample_type));
		if (!p->doc_url && s->doc_url)
			p->doc_url = profile_str(p, profile_get_str(s, s->doc_url));
	}
	p->drop_frames = profile_str(p, profile_get_str(f, f->drop_frames));
	p->keep_frames = profile_str(p, profile_get_str(f, f->keep_frames));
	p->time_nanos = time;
	p->duration_nanos = duration;
	p->period_type.type = profile_str(p, profile_get_str(f, f->period_type.type));
	p->period_type.unit = profile_str(p, profile_get_str(f, f->period_type.unit));
	p->period = period;
}

static void merger_release(struct merger *m)
{
	free(m->str);
	free(m->mapping);
	free(m->mapping_off);
	free(m->function);
	free(m->location);
	m->str = NULL;
	m->mapping = m->function = m->location = NULL;
	m->mapping_off = NULL;
}

static void merge_one(struct merger *m, const struct profile *src)
{
	m->src = src;
	m->str = xmalloc((src->strings.n ? src->strings.n : 1) * sizeof(*m->str));
	memset(m->str, 0xff, src->strings.n * sizeof(*m->str));
	m->mapping = xmalloc((src->n_mappings + 1) * sizeof(*m->mapping));
	memset(m->mapping, 0xff, src->n_mappings * sizeof(*m->mapping));
	m->mapping_off = xcalloc(src->n_mappings + 1, sizeof(*m->mapping_off));
	m->function = xmalloc((src->n_functions + 1) * sizeof(*m->function));
	memset(m->function, 0xff, src->n_functions * sizeof(*m->function));
	m->location = xmalloc((src->n_locations + 1) * sizeof(*m->location));
	memset(m->location, 0xff, src->n_locations * sizeof(*m->location));
	/* The first source's main binary stays mapping 1. */
	if (m->p->n_mappings == 0 && src->n_mappings > 0)
		map_mapping(m, 0);
	for (size_t i = 0; i < src->n_samples; i++) {
		const struct pf_sample *s = &src->samples[i];
		if (!merge_values_zero(pf_sample_values(src, s), s->n_val))
			map_sample(m, s);
	}
	merger_release(m);
}

int profile_merge(struct profile *const *srcs, size_t n, struct profile **out, struct kerr *err)
{
	struct merger m;
	int ret;

	*out = NULL;
	if (n == 0)
		return kerr_set(err, -EINVAL, "no profiles to merge");
	for (size_t i = 1; i < n; i++)
		if ((ret = profile_compatible(srcs[0], srcs[i], err)) < 0)
			return ret;
	memset(&m, 0, sizeof(m));
	m.p = profile_new();
	merge_keys_init(&m.keys, m.p, true, true);
	combine_headers(m.p, srcs, n);
	for (size_t i = 0; i < n; i++)
		merge_one(&m, srcs[i]);
	merge_keys_release(&m.keys);
	free(m.labs);
	profile_index(m.p);
	/* Values that cancelled out leave zero samples; merging once more
	 * drops them and whatever only they referenced. */
	for (size_t i = 0; i < m.p->n_samples; i++) {
		const struct pf_sample *s = &m.p->samples[i];
		if (merge_values_zero(pf_sample_values(m.p, s), s->n_val)) {
			ret = profile_merge(&m.p, 1, out, err);
			profile_free(m.p);
			return ret;
		}
	}
	*out = m.p;
	return 0;
}

int profile_compact(struct profile **p, struct kerr *err)
{
	struct profile *np;
	int ret = profile_merge(p, 1, &np, err);

	if (ret < 0)
		return ret;
	profile_free(*p);
	*p = np;
	return 0;
}
