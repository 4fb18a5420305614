/* Hashing and equality of merge keys (see merge-key.h). Each kind has one
 * hash and one equality, read through the two ways a profile's strings and
 * ids can be taken (interned or not, canonical arrays or not), so the
 * cross-profile merge and the in-place sample merge cannot disagree on
 * what is the same. */
#include "merge-key.h"

#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/hashmap.h"

#define NONE UINT32_MAX

void merge_keys_init(struct merge_keys *k, const struct profile *p, bool interned,
		     bool labels_sorted)
{
	memset(k, 0, sizeof(*k));
	k->p = p;
	k->interned = interned;
	k->labels_sorted = labels_sorted;
}

void merge_keys_release(struct merge_keys *k)
{
	dedup_release(&k->mappings);
	dedup_release(&k->functions);
	dedup_release(&k->locations);
	dedup_release(&k->samples);
	free(k->la);
	free(k->lb);
	k->la = k->lb = NULL;
	k->cap_la = k->cap_lb = 0;
}

/* ---- strings ---- */

static bool str_same(const struct merge_keys *k, int64_t a, int64_t b)
{
	if (a == b)
		return true;
	return !k->interned && strcmp(profile_get_str(k->p, a), profile_get_str(k->p, b)) == 0;
}

static uint64_t str_key(const struct merge_keys *k, int64_t idx)
{
	const char *s;

	if (k->interned)
		return (uint64_t)idx;
	s = profile_get_str(k->p, idx);
	return hash_bytes(s, strlen(s), 0);
}

/* ---- mappings ---- */

/* Build id if set, else file name. */
static int64_t mapping_name(const struct profile *p, const struct pf_mapping *m)
{
	return profile_get_str(p, m->build_id)[0] ? m->build_id : m->filename;
}

static bool mapping_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct merge_keys *k = ctx;
	const struct pf_mapping *x = &k->p->mappings[a], *y = &k->p->mappings[b];

	return merge_mapping_size(x) == merge_mapping_size(y) && x->file_offset == y->file_offset &&
	       str_same(k, mapping_name(k->p, x), mapping_name(k->p, y));
}

uint32_t merge_key_mapping(struct merge_keys *k, uint32_t i)
{
	const struct pf_mapping *m = &k->p->mappings[i];
	uint64_t h = dedup_mix(dedup_mix(dedup_mix(1, merge_mapping_size(m)), m->file_offset),
			       str_key(k, mapping_name(k->p, m)));

	return dedup_insert(&k->mappings, h, i, mapping_eq, k);
}

/* ---- functions ---- */

static bool function_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct merge_keys *k = ctx;
	const struct pf_function *x = &k->p->functions[a], *y = &k->p->functions[b];

	return x->start_line == y->start_line && str_same(k, x->name, y->name) &&
	       str_same(k, x->system_name, y->system_name) && str_same(k, x->filename, y->filename);
}

uint32_t merge_key_function(struct merge_keys *k, uint32_t i)
{
	const struct pf_function *f = &k->p->functions[i];
	uint64_t h = dedup_mix(dedup_mix(dedup_mix(dedup_mix(2, (uint64_t)f->start_line),
						   str_key(k, f->name)),
					 str_key(k, f->system_name)),
			       str_key(k, f->filename));

	return dedup_insert(&k->functions, h, i, function_eq, k);
}

/* ---- locations ---- */

/* The canonical mapping of l (NONE without one) and its address relative
 * to that mapping's start. */
static uint32_t loc_mapping(const struct merge_keys *k, const struct pf_location *l, uint64_t *addr)
{
	const struct pf_mapping *m = l->mapping_id ? profile_mapping(k->p, l->mapping_id) : NULL;
	uint32_t mi;

	if (!m) {
		*addr = l->address;
		return NONE;
	}
	*addr = l->address - m->memory_start;
	mi = (uint32_t)(m - k->p->mappings);
	return k->map ? k->map[mi] : mi;
}

static uint32_t line_function(const struct merge_keys *k, const struct pf_line *ln)
{
	const struct pf_function *f = profile_function(k->p, ln->function_id);
	uint32_t fi;

	if (!f)
		return NONE;
	fi = (uint32_t)(f - k->p->functions);
	return k->fn ? k->fn[fi] : fi;
}

static bool location_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct merge_keys *k = ctx;
	const struct profile *p = k->p;
	const struct pf_location *x = &p->locations[a], *y = &p->locations[b];
	const struct pf_line *lx = pf_location_lines(p, x), *ly = pf_location_lines(p, y);
	uint64_t ax, ay;

	if (x->is_folded != y->is_folded || x->n_line != y->n_line ||
	    loc_mapping(k, x, &ax) != loc_mapping(k, y, &ay) || ax != ay)
		return false;
	for (uint32_t i = 0; i < x->n_line; i++)
		if (line_function(k, &lx[i]) != line_function(k, &ly[i]) || lx[i].line != ly[i].line ||
		    lx[i].column != ly[i].column)
			return false;
	return true;
}

uint32_t merge_key_location(struct merge_keys *k, uint32_t i)
{
	const struct pf_location *l = &k->p->locations[i];
	const struct pf_line *ln = pf_location_lines(k->p, l);
	uint64_t addr, h;
	uint32_t m = loc_mapping(k, l, &addr);

	h = dedup_mix(dedup_mix(dedup_mix(3, addr), l->is_folded), m == NONE ? UINT64_MAX : m);
	for (uint32_t j = 0; j < l->n_line; j++)
		h = dedup_mix(dedup_mix(dedup_mix(h, line_function(k, &ln[j])), (uint64_t)ln[j].line),
			      (uint64_t)ln[j].column);
	return dedup_insert(&k->locations, h, i, location_eq, k);
}

/* ---- samples ---- */

/* String labels first, then numeric; each by key text. */
static int label_order(const struct profile *p, const struct pf_label *a, const struct pf_label *b)
{
	bool na = a->str == 0, nb = b->str == 0;

	if (na != nb)
		return na ? 1 : -1;
	if (a->key == b->key)
		return 0;
	return strcmp(profile_get_str(p, a->key), profile_get_str(p, b->key));
}

/* Insertion sort: label lists are short and this keeps values of one key
 * in their original order. */
void merge_sort_labels(const struct profile *p, struct pf_label *l, size_t n)
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

/* The sample's labels in merge order: as stored, or sorted into scratch. */
static const struct pf_label *sample_labels(const struct merge_keys *k, const struct pf_sample *s,
					    struct pf_label *scratch)
{
	if (k->labels_sorted)
		return pf_sample_labels(k->p, s);
	if (s->n_lab)
		memcpy(scratch, pf_sample_labels(k->p, s), s->n_lab * sizeof(*scratch));
	merge_sort_labels(k->p, scratch, s->n_lab);
	return scratch;
}

static uint32_t sample_loc(const struct merge_keys *k, uint64_t id)
{
	size_t li = profile_location_index(k->p, id);

	return k->loc ? k->loc[li] : (uint32_t)li;
}

static bool sample_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct merge_keys *k = ctx;
	const struct profile *p = k->p;
	const struct pf_sample *x = &p->samples[a], *y = &p->samples[b];
	const uint64_t *sx = pf_sample_locs(p, x), *sy = pf_sample_locs(p, y);
	const struct pf_label *lx, *ly;

	if (x->n_loc != y->n_loc || x->n_lab != y->n_lab)
		return false;
	for (uint32_t i = 0; i < x->n_loc; i++)
		if (sx[i] != sy[i] && sample_loc(k, sx[i]) != sample_loc(k, sy[i]))
			return false;
	lx = sample_labels(k, x, k->la);
	ly = sample_labels(k, y, k->lb);
	for (uint32_t i = 0; i < x->n_lab; i++)
		if (!str_same(k, lx[i].key, ly[i].key) || !str_same(k, lx[i].str, ly[i].str) ||
		    lx[i].num != ly[i].num || !str_same(k, lx[i].num_unit, ly[i].num_unit))
			return false;
	return true;
}

uint32_t merge_key_sample(struct merge_keys *k, uint32_t i)
{
	const struct profile *p = k->p;
	const struct pf_sample *s = &p->samples[i];
	const uint64_t *locs = pf_sample_locs(p, s);
	const struct pf_label *l;
	uint64_t h = 4;

	if (!k->labels_sorted) {
		k->la = xgrow(k->la, &k->cap_la, s->n_lab + 1, sizeof(*k->la));
		k->lb = xgrow(k->lb, &k->cap_lb, s->n_lab + 1, sizeof(*k->lb));
	}
	for (uint32_t j = 0; j < s->n_loc; j++)
		h = dedup_mix(h, sample_loc(k, locs[j]));
	l = sample_labels(k, s, k->la);
	for (uint32_t j = 0; j < s->n_lab; j++)
		h = dedup_mix(dedup_mix(dedup_mix(dedup_mix(h, str_key(k, l[j].key)),
						  str_key(k, l[j].str)),
					(uint64_t)l[j].num),
			      str_key(k, l[j].num_unit));
	return dedup_insert(&k->samples, dedup_mix(h, s->n_loc), i, sample_eq, k);
}
