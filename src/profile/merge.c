/* Merging profiles (see merge.h). Work is one pass over each source's
 * samples; mappings, functions and locations are translated on first use
 * and cached per source, so a profile with millions of frame references
 * costs one array lookup per frame after its first occurrence. Each new
 * element is appended to the destination tentatively, deduplicated against
 * what is there (dedup.h) and popped again when a twin exists. */
#include "merge.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/hashmap.h"
#include "../base/num.h"
#include "../base/units.h"
#include "dedup.h"

#define NONE UINT32_MAX

struct merger {
	struct profile *p;          /* destination */
	const struct profile *src;  /* source being merged */
	int64_t *str;               /* src string index -> dst, -1 unmapped */
	uint32_t *mapping;          /* src mapping index -> dst index */
	int64_t *mapping_off;       /* address rebase for that mapping */
	uint32_t *function;         /* src function index -> dst index */
	uint32_t *location;         /* src location index -> dst index */
	struct dedup d_mappings, d_functions, d_locations, d_samples;
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

static uint64_t mapping_size_key(const struct pf_mapping *mp)
{
	uint64_t size = mp->memory_limit - mp->memory_start;

	size = size + 0x1000 - 1;
	return size - size % 0x1000;
}

/* build id if set, else file name (both interned, so indices compare). */
static int64_t mapping_name_key(const struct pf_mapping *mp)
{
	return mp->build_id ? mp->build_id : mp->filename;
}

static bool mapping_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct profile *p = ctx;
	const struct pf_mapping *x = &p->mappings[a], *y = &p->mappings[b];

	return mapping_size_key(x) == mapping_size_key(y) && x->file_offset == y->file_offset &&
	       mapping_name_key(x) == mapping_name_key(y);
}

static uint32_t map_mapping(struct merger *m, size_t si)
{
	const struct pf_mapping *s = &m->src->mappings[si];
	struct pf_mapping *d;
	uint32_t cand, got;
	uint64_t h;

	if (m->mapping[si] != NONE)
		return m->mapping[si];
	cand = (uint32_t)m->p->n_mappings;
	GROW(m->p, mappings, m->p->n_mappings + 1);
	d = &m->p->mappings[m->p->n_mappings++];
	*d = *s;
	d->id = cand + 1;
	d->filename = map_str(m, s->filename);
	d->build_id = map_str(m, s->build_id);
	h = dedup_mix(dedup_mix(dedup_mix(1, mapping_size_key(d)), d->file_offset),
		      (uint64_t)mapping_name_key(d));
	got = dedup_insert(&m->d_mappings, h, cand, mapping_eq, m->p);
	if (got != cand)
		m->p->n_mappings--;
	m->mapping[si] = got;
	m->mapping_off[si] = (int64_t)(m->p->mappings[got].memory_start - s->memory_start);
	return got;
}

/* ---- functions ---- */

static bool function_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct profile *p = ctx;
	const struct pf_function *x = &p->functions[a], *y = &p->functions[b];

	return x->start_line == y->start_line && x->name == y->name &&
	       x->system_name == y->system_name && x->filename == y->filename;
}

static uint32_t map_function(struct merger *m, size_t si)
{
	const struct pf_function *s = &m->src->functions[si];
	struct pf_function *d;
	uint32_t cand, got;
	uint64_t h;

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
	h = dedup_mix(dedup_mix(dedup_mix(dedup_mix(2, (uint64_t)d->start_line), (uint64_t)d->name),
				(uint64_t)d->system_name), (uint64_t)d->filename);
	got = dedup_insert(&m->d_functions, h, cand, function_eq, m->p);
	if (got != cand)
		m->p->n_functions--;
	m->function[si] = got;
	return got;
}

/* ---- locations ---- */

static uint64_t location_addr_key(const struct profile *p, const struct pf_location *l)
{
	if (l->mapping_id)
		return l->address - p->mappings[l->mapping_id - 1].memory_start;
	return l->address;
}

static bool location_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct profile *p = ctx;
	const struct pf_location *x = &p->locations[a], *y = &p->locations[b];
	const struct pf_line *lx = pf_location_lines(p, x), *ly = pf_location_lines(p, y);

	if (x->mapping_id != y->mapping_id || x->is_folded != y->is_folded ||
	    x->n_line != y->n_line || location_addr_key(p, x) != location_addr_key(p, y))
		return false;
	for (uint32_t i = 0; i < x->n_line; i++)
		if (lx[i].function_id != ly[i].function_id || lx[i].line != ly[i].line ||
		    lx[i].column != ly[i].column)
			return false;
	return true;
}

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
	h = dedup_mix(dedup_mix(dedup_mix(3, location_addr_key(p, d)), d->mapping_id), d->is_folded);
	for (uint32_t i = 0; i < d->n_line; i++)
		h = dedup_mix(dedup_mix(dedup_mix(h, p->lines[line0 + i].function_id),
					(uint64_t)p->lines[line0 + i].line),
			      (uint64_t)p->lines[line0 + i].column);
	got = dedup_insert(&m->d_locations, h, cand, location_eq, p);
	if (got != cand) {
		p->n_locations--;
		p->n_lines = line0;
	}
	m->location[si] = got;
	return got;
}

/* ---- samples ---- */

struct label_sort_ctx {
	const struct profile *p;
};

/* String labels first, then numeric; each by key text; stable through the
 * original position kept in a parallel array (see sort_labels). */
static int label_order(const struct profile *p, const struct pf_label *a, const struct pf_label *b)
{
	bool na = a->str == 0, nb = b->str == 0;
	int c;

	if (na != nb)
		return na ? 1 : -1;
	if (a->key == b->key)
		return 0;
	c = strcmp(profile_get_str(p, a->key), profile_get_str(p, b->key));
	return c;
}

/* Insertion sort: label lists are short and this keeps values of one key
 * in their original order. */
static void sort_labels(const struct profile *p, struct pf_label *l, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct pf_label x = l[i];
		size_t j = i;
		while (j > 0 && label_order(p, &l[j - 1], &x) > 0) {
			l[j] = l[j - 1];
			j--;
		}
		l[j] = x;
	}
}

static bool sample_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct profile *p = ctx;
	const struct pf_sample *x = &p->samples[a], *y = &p->samples[b];

	if (x->n_loc != y->n_loc || x->n_lab != y->n_lab)
		return false;
	if (x->n_loc && memcmp(pf_sample_locs(p, x), pf_sample_locs(p, y), x->n_loc * sizeof(uint64_t)))
		return false;
	for (uint32_t i = 0; i < x->n_lab; i++) {
		const struct pf_label *lx = pf_sample_labels(p, x) + i, *ly = pf_sample_labels(p, y) + i;
		if (lx->key != ly->key || lx->str != ly->str || lx->num != ly->num ||
		    lx->num_unit != ly->num_unit)
			return false;
	}
	return true;
}

static bool zero_values(const int64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i])
			return false;
	return true;
}

static void map_sample(struct merger *m, const struct pf_sample *s)
{
	struct profile *p = m->p;
	const uint64_t *sl = pf_sample_locs(m->src, s);
	const struct pf_label *slab = pf_sample_labels(m->src, s);
	const int64_t *sv = pf_sample_values(m->src, s);
	struct pf_sample *d;
	uint32_t cand, got;
	uint64_t h = 4;

	GROW(p, sample_locs, p->n_sample_locs + s->n_loc);
	for (uint32_t i = 0; i < s->n_loc; i++) {
		size_t li = profile_location_index(m->src, sl[i]);
		uint64_t id = map_location(m, li) + 1;
		p->sample_locs[p->n_sample_locs + i] = id;
		h = dedup_mix(h, id);
	}
	m->labs = xgrow(m->labs, &m->cap_labs, s->n_lab, sizeof(*m->labs));
	for (uint32_t i = 0; i < s->n_lab; i++) {
		m->labs[i].key = map_str(m, slab[i].key);
		m->labs[i].str = map_str(m, slab[i].str);
		m->labs[i].num = slab[i].num;
		m->labs[i].num_unit = map_str(m, slab[i].num_unit);
	}
	sort_labels(p, m->labs, s->n_lab);
	for (uint32_t i = 0; i < s->n_lab; i++)
		h = dedup_mix(dedup_mix(dedup_mix(dedup_mix(h, (uint64_t)m->labs[i].key),
						  (uint64_t)m->labs[i].str),
					(uint64_t)m->labs[i].num),
			      (uint64_t)m->labs[i].num_unit);
	h = dedup_mix(h, s->n_loc);
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
	got = dedup_insert(&m->d_samples, h, cand, sample_eq, p);
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
		if (!zero_values(pf_sample_values(src, s), s->n_val))
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
	combine_headers(m.p, srcs, n);
	for (size_t i = 0; i < n; i++)
		merge_one(&m, srcs[i]);
	dedup_release(&m.d_mappings);
	dedup_release(&m.d_functions);
	dedup_release(&m.d_locations);
	dedup_release(&m.d_samples);
	free(m.labs);
	profile_index(m.p);
	/* Values that cancelled out leave zero samples; merging once more
	 * drops them and whatever only they referenced. */
	for (size_t i = 0; i < m.p->n_samples; i++) {
		const struct pf_sample *s = &m.p->samples[i];
		if (zero_values(pf_sample_values(m.p, s), s->n_val)) {
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

/* ---- scaling ---- */

int profile_scale_n(struct profile *p, const double *ratios, size_t n, struct kerr *err)
{
	bool all_ones = true;
	size_t fill = 0;

	if (n != p->n_sample_type)
		return kerr_set(err, -EINVAL, "mismatched scale ratios, got %zu, want %zu", n,
				p->n_sample_type);
	for (size_t i = 0; i < n; i++)
		all_ones = all_ones && ratios[i] == 1;
	if (all_ones)
		return 0;
	for (size_t i = 0; i < p->n_samples; i++) {
		struct pf_sample *s = &p->samples[i];
		int64_t *v = (int64_t *)pf_sample_values(p, s);
		bool keep = false;

		for (uint32_t k = 0; k < s->n_val && k < n; k++) {
			if (ratios[k] != 1) {
				v[k] = f64_to_i64(round((double)v[k] * ratios[k]));
				keep = keep || v[k] != 0;
			}
		}
		if (keep)
			p->samples[fill++] = *s;
	}
	p->n_samples = fill;
	return 0;
}

void profile_scale(struct profile *p, double ratio)
{
	double *r;

	if (ratio == 1 || !p->n_sample_type)
		return;
	r = xmalloc(p->n_sample_type * sizeof(*r));
	for (size_t i = 0; i < p->n_sample_type; i++)
		r[i] = ratio;
	profile_scale_n(p, r, p->n_sample_type, NULL);
	free(r);
}

int profile_normalize(struct profile *p, const struct profile *base, struct kerr *err)
{
	size_t n = p->n_sample_type;
	int64_t *bt, *st;
	double *r;
	int ret;

	if ((ret = profile_compatible(p, base, err)) < 0)
		return ret;
	bt = xcalloc(n + 1, sizeof(*bt));
	st = xcalloc(n + 1, sizeof(*st));
	r = xcalloc(n + 1, sizeof(*r));
	for (size_t i = 0; i < base->n_samples; i++)
		for (uint32_t k = 0; k < base->samples[i].n_val && k < n; k++)
			bt[k] += pf_sample_values(base, &base->samples[i])[k];
	for (size_t i = 0; i < p->n_samples; i++)
		for (uint32_t k = 0; k < p->samples[i].n_val && k < n; k++)
			st[k] += pf_sample_values(p, &p->samples[i])[k];
	for (size_t k = 0; k < n; k++)
		r[k] = st[k] == 0 ? 0.0 : (double)bt[k] / (double)st[k];
	ret = profile_scale_n(p, r, n, err);
	free(bt);
	free(st);
	free(r);
	return ret;
}

/* ---- unit unification (measurement.ScaleProfiles) ---- */

/* Strips one trailing 's' (pprof compares "sample" and "samples"). */
static bool types_match(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == 's')
		la--;
	if (lb && b[lb - 1] == 's')
		lb--;
	return la == lb && memcmp(a, b, la) == 0;
}

/* The finest unit among the types, or NULL when fewer than two (pprof's
 * CommonValueType); -EINVAL when two are incompatible. */
static int common_unit(const char *const *types, const char *const *units, size_t n,
		       const char **out, struct kerr *err, const char *what)
{
	size_t min = 0;

	*out = NULL;
	if (n <= 1)
		return 0;
	for (size_t i = 1; i < n; i++) {
		const char *u;
		if (!types_match(types[min], types[i]) || !units_compatible(units[min], units[i]))
			return kerr_set(err, -EINVAL, "%s: incompatible types: %s/%s %s/%s", what,
					types[min], units[min], types[i], units[i]);
		if (units_scale(1, units[i], units[min], &u) < 1)
			min = i;
	}
	*out = units[min];
	return 0;
}

int profile_unify_units(struct profile *const *ps, size_t n, struct kerr *err)
{
	const char **types = NULL, **units = NULL, *common;
	char **want = NULL;
	size_t nt;
	int ret = 0;

	if (n <= 1)
		return 0;
	nt = ps[0]->n_sample_type;
	for (size_t i = 1; i < n; i++)
		if (ps[i]->n_sample_type != nt)
			return kerr_set(err, -EINVAL, "sample types: inconsistent sample type count: %zu != %zu",
					nt, ps[i]->n_sample_type);
	types = xcalloc(n, sizeof(*types));
	units = xcalloc(n, sizeof(*units));
	want = xcalloc(nt + 1, sizeof(*want));
	/* Period type. */
	for (size_t i = 0; i < n; i++) {
		types[i] = profile_get_str(ps[i], ps[i]->period_type.type);
		units[i] = profile_get_str(ps[i], ps[i]->period_type.unit);
	}
	if ((ret = common_unit(types, units, n, &common, err, "period type")) < 0)
		goto out;
	if (common) {
		char *c = xstrdup(common);
		for (size_t i = 0; i < n; i++) {
			const char *u;
			double v = units_scale(ps[i]->period, profile_get_str(ps[i], ps[i]->period_type.unit), c, &u);
			ps[i]->period = f64_to_i64(v);
			ps[i]->period_type.unit = profile_str(ps[i], c);
		}
		free(c);
	}
	for (size_t t = 0; t < nt; t++) {
		for (size_t i = 0; i < n; i++) {
			types[i] = profile_get_str(ps[i], ps[i]->sample_type[t].type);
			units[i] = profile_get_str(ps[i], ps[i]->sample_type[t].unit);
		}
		if ((ret = common_unit(types, units, n, &common, err, "sample types")) < 0)
			goto out;
		want[t] = common ? xstrdup(common) : NULL;
	}
	for (size_t i = 0; i < n; i++) {
		double *r = xcalloc(nt + 1, sizeof(*r));
		for (size_t t = 0; t < nt; t++) {
			const char *u;
			if (!want[t]) {
				r[t] = 1;
				continue;
			}
			r[t] = units_scale(1, profile_get_str(ps[i], ps[i]->sample_type[t].unit), want[t], &u);
			ps[i]->sample_type[t].unit = profile_str(ps[i], want[t]);
		}
		ret = profile_scale_n(ps[i], r, nt, err);
		free(r);
		if (ret < 0)
			goto out;
	}
out:
	for (size_t t = 0; t < nt; t++)
		free(want[t]);
	free(want);
	free(types);
	free(units);
	return ret;
}

/* ---- labels ---- */

static bool str_is(const struct profile *p, int64_t idx, const char *s)
{
	return strcmp(profile_get_str(p, idx), s) == 0;
}

void profile_set_label(struct profile *p, const char *key, const char *value)
{
	int64_t k = profile_str(p, key), v = profile_str(p, value);
	struct pf_label *nl = NULL;
	size_t n = 0, cap = 0;

	/* Rebuild the label pool: every sample gains one label. */
	for (size_t i = 0; i < p->n_samples; i++) {
		struct pf_sample *s = &p->samples[i];
		const struct pf_label *l = pf_sample_labels(p, s);
		size_t off = n;

		nl = xgrow(nl, &cap, n + s->n_lab + 1, sizeof(*nl));
		for (uint32_t j = 0; j < s->n_lab; j++)
			if (l[j].str == 0 || !str_is(p, l[j].key, key))
				nl[n++] = l[j];
		nl[n].key = k;
		nl[n].str = v;
		nl[n].num = 0;
		nl[n].num_unit = 0;
		n++;
		s->lab_off = (uint32_t)off;
		s->n_lab = (uint32_t)(n - off);
	}
	free(p->sample_labels);
	p->sample_labels = nl;
	p->n_sample_labels = n;
	p->cap_sample_labels = cap;
}

void profile_remove_label(struct profile *p, const char *key)
{
	for (size_t i = 0; i < p->n_samples; i++) {
		struct pf_sample *s = &p->samples[i];
		struct pf_label *l = (struct pf_label *)pf_sample_labels(p, s);
		uint32_t k = 0;

		for (uint32_t j = 0; j < s->n_lab; j++)
			if (l[j].str == 0 || !str_is(p, l[j].key, key))
				l[k++] = l[j];
		s->n_lab = k;
	}
}

bool profile_sample_has_label(const struct profile *p, const struct pf_sample *s,
			      const char *key, const char *value)
{
	const struct pf_label *l = pf_sample_labels(p, s);

	for (uint32_t j = 0; j < s->n_lab; j++)
		if (l[j].str && str_is(p, l[j].key, key) && str_is(p, l[j].str, value))
			return true;
	return false;
}

/* ---- in-place sample merging ---- */

/* Canonical index of each mapping, function and location: the first one
 * with the same merge key, as profile_merge() would map them. */
struct canon {
	const struct profile *p;
	uint32_t *map, *fn, *loc;
};

static bool str_eq(const struct profile *p, int64_t a, int64_t b)
{
	return a == b || strcmp(profile_get_str(p, a), profile_get_str(p, b)) == 0;
}

static uint64_t str_hash(const struct profile *p, int64_t idx)
{
	const char *s = profile_get_str(p, idx);

	return hash_bytes(s, strlen(s), 0);
}

static int64_t map_name(const struct profile *p, const struct pf_mapping *m)
{
	return profile_get_str(p, m->build_id)[0] ? m->build_id : m->filename;
}

static bool cmap_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct profile *p = ctx;
	const struct pf_mapping *x = &p->mappings[a], *y = &p->mappings[b];

	return mapping_size_key(x) == mapping_size_key(y) && x->file_offset == y->file_offset &&
	       str_eq(p, map_name(p, x), map_name(p, y));
}

static bool cfn_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct profile *p = ctx;
	const struct pf_function *x = &p->functions[a], *y = &p->functions[b];

	return x->start_line == y->start_line && str_eq(p, x->name, y->name) &&
	       str_eq(p, x->system_name, y->system_name) && str_eq(p, x->filename, y->filename);
}

static uint64_t cloc_addr(const struct profile *p, const struct pf_location *l, uint32_t *cmap)
{
	const struct pf_mapping *m = l->mapping_id ? profile_mapping(p, l->mapping_id) : NULL;

	*cmap = m ? (uint32_t)(m - p->mappings) : UINT32_MAX;
	return m ? l->address - m->memory_start : l->address;
}

static bool cloc_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct canon *c = ctx;
	const struct profile *p = c->p;
	const struct pf_location *x = &p->locations[a], *y = &p->locations[b];
	const struct pf_line *lx = pf_location_lines(p, x), *ly = pf_location_lines(p, y);
	uint32_t mx, my;

	if (x->is_folded != y->is_folded || x->n_line != y->n_line ||
	    cloc_addr(p, x, &mx) != cloc_addr(p, y, &my))
		return false;
	if ((mx == UINT32_MAX) != (my == UINT32_MAX) ||
	    (mx != UINT32_MAX && c->map[mx] != c->map[my]))
		return false;
	for (uint32_t i = 0; i < x->n_line; i++) {
		size_t fx = (size_t)(profile_function(p, lx[i].function_id) - p->functions);
		size_t fy = (size_t)(profile_function(p, ly[i].function_id) - p->functions);
		if (c->fn[fx] != c->fn[fy] || lx[i].line != ly[i].line || lx[i].column != ly[i].column)
			return false;
	}
	return true;
}

/* Labels in merge order (string first, by key text, stable), compared by
 * content: decoded profiles may hold one string at several indices. */
static void canon_labels(const struct profile *p, const struct pf_sample *s, struct pf_label *out)
{
	if (s->n_lab)
		memcpy(out, pf_sample_labels(p, s), s->n_lab * sizeof(*out));
	sort_labels(p, out, s->n_lab);
}

struct csample_ctx {
	struct canon *c;
	struct pf_label *la, *lb;
};

static bool csample_eq(void *ctx, uint32_t a, uint32_t b)
{
	struct csample_ctx *sc = ctx;
	const struct profile *p = sc->c->p;
	const struct pf_sample *x = &p->samples[a], *y = &p->samples[b];
	const uint64_t *lx = pf_sample_locs(p, x), *ly = pf_sample_locs(p, y);

	if (x->n_loc != y->n_loc || x->n_lab != y->n_lab)
		return false;
	for (uint32_t i = 0; i < x->n_loc; i++)
		if (sc->c->loc[profile_location_index(p, lx[i])] !=
		    sc->c->loc[profile_location_index(p, ly[i])])
			return false;
	canon_labels(p, x, sc->la);
	canon_labels(p, y, sc->lb);
	for (uint32_t i = 0; i < x->n_lab; i++)
		if (!str_eq(p, sc->la[i].key, sc->lb[i].key) || !str_eq(p, sc->la[i].str, sc->lb[i].str) ||
		    sc->la[i].num != sc->lb[i].num || !str_eq(p, sc->la[i].num_unit, sc->lb[i].num_unit))
			return false;
	return true;
}

void profile_merge_samples(struct profile *p)
{
	struct canon c = { p, NULL, NULL, NULL };
	struct dedup d = DEDUP_INIT;
	struct csample_ctx sc = { &c, NULL, NULL };
	size_t cap_lab = 0, fill = 0;
	uint32_t max_lab = 0;

	c.map = xmalloc((p->n_mappings + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < p->n_mappings; i++) {
		const struct pf_mapping *m = &p->mappings[i];
		uint64_t h = dedup_mix(dedup_mix(dedup_mix(1, mapping_size_key(m)), m->file_offset),
				       str_hash(p, map_name(p, m)));
		c.map[i] = dedup_insert(&d, h, (uint32_t)i, cmap_eq, p);
	}
	dedup_release(&d);
	c.fn = xmalloc((p->n_functions + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < p->n_functions; i++) {
		const struct pf_function *f = &p->functions[i];
		uint64_t h = dedup_mix(dedup_mix(dedup_mix(dedup_mix(2, (uint64_t)f->start_line),
							   str_hash(p, f->name)),
						 str_hash(p, f->system_name)),
				       str_hash(p, f->filename));
		c.fn[i] = dedup_insert(&d, h, (uint32_t)i, cfn_eq, p);
	}
	dedup_release(&d);
	c.loc = xmalloc((p->n_locations + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < p->n_locations; i++) {
		const struct pf_location *l = &p->locations[i];
		const struct pf_line *ln = pf_location_lines(p, l);
		uint32_t cm;
		uint64_t h = dedup_mix(dedup_mix(3, cloc_addr(p, l, &cm)), l->is_folded);

		h = dedup_mix(h, cm == UINT32_MAX ? UINT64_MAX : c.map[cm]);
		for (uint32_t k = 0; k < l->n_line; k++) {
			size_t fi = (size_t)(profile_function(p, ln[k].function_id) - p->functions);
			h = dedup_mix(dedup_mix(dedup_mix(h, c.fn[fi]), (uint64_t)ln[k].line),
				      (uint64_t)ln[k].column);
		}
		c.loc[i] = dedup_insert(&d, h, (uint32_t)i, cloc_eq, &c);
	}
	dedup_release(&d);
	for (size_t i = 0; i < p->n_samples; i++)
		if (p->samples[i].n_lab > max_lab)
			max_lab = p->samples[i].n_lab;
	sc.la = xgrow(NULL, &cap_lab, max_lab + 1, sizeof(struct pf_label));
	cap_lab = 0;
	sc.lb = xgrow(NULL, &cap_lab, max_lab + 1, sizeof(struct pf_label));
	for (size_t i = 0; i < p->n_samples; i++) {
		struct pf_sample *s = &p->samples[i];
		const uint64_t *locs = pf_sample_locs(p, s);
		uint64_t h = 4;
		uint32_t got;

		if (zero_values(pf_sample_values(p, s), s->n_val))
			continue;
		for (uint32_t k = 0; k < s->n_loc; k++)
			h = dedup_mix(h, c.loc[profile_location_index(p, locs[k])]);
		canon_labels(p, s, sc.la);
		for (uint32_t k = 0; k < s->n_lab; k++)
			h = dedup_mix(dedup_mix(dedup_mix(dedup_mix(h, str_hash(p, sc.la[k].key)),
							  str_hash(p, sc.la[k].str)),
						(uint64_t)sc.la[k].num),
				      str_hash(p, sc.la[k].num_unit));
		/* Kept samples move to the front; compare against their new
		 * places, so insert under the index they will have. */
		p->samples[fill] = *s;
		got = dedup_insert(&d, dedup_mix(h, s->n_loc), (uint32_t)fill, csample_eq, &sc);
		if (got != fill) {
			int64_t *dv = (int64_t *)pf_sample_values(p, &p->samples[got]);
			const int64_t *sv = pf_sample_values(p, s);
			for (uint32_t k = 0; k < s->n_val && k < p->samples[got].n_val; k++)
				dv[k] = (int64_t)((uint64_t)dv[k] + (uint64_t)sv[k]);
			continue;
		}
		fill++;
	}
	p->n_samples = fill;
	/* Sums that cancelled out leave zero samples; drop them. */
	fill = 0;
	for (size_t i = 0; i < p->n_samples; i++)
		if (!zero_values(pf_sample_values(p, &p->samples[i]), p->samples[i].n_val))
			p->samples[fill++] = p->samples[i];
	p->n_samples = fill;
	dedup_release(&d);
	free(sc.la);
	free(sc.lb);
	free(c.map);
	free(c.fn);
	free(c.loc);
}

void profile_add_fake_mapping(struct profile *p)
{
	struct pf_mapping *m;

	if (p->n_mappings)
		return;
	m = profile_add_mapping(p);
	m->id = 1;
	for (size_t i = 0; i < p->n_locations; i++)
		p->locations[i].mapping_id = 1;
	profile_index(p);
}
