/* Building and indexing the in-memory Profile (see profile.h). */
#include "profile.h"

#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"

#define GROW(p, arr, need) \
	((p)->arr = xgrow((p)->arr, &(p)->cap_##arr, (need), sizeof(*(p)->arr)))

struct profile *profile_new(void)
{
	struct profile *p = xcalloc(1, sizeof(*p));

	profile_init(p);
	return p;
}

void profile_init(struct profile *p)
{
	strtab_init(&p->strings);
}

size_t profile_memory(const struct profile *p)
{
	/* An id index holds a key and a value per slot at load <= 1/2. */
	const size_t index_per_entry = 4 * sizeof(uint64_t);
	size_t n = sizeof(*p);

	n += p->cap_sample_type * sizeof(*p->sample_type);
	n += p->cap_samples * sizeof(*p->samples);
	n += p->cap_sample_locs * sizeof(*p->sample_locs);
	n += p->cap_sample_values * sizeof(*p->sample_values);
	n += p->cap_sample_labels * sizeof(*p->sample_labels);
	n += p->cap_mappings * (sizeof(*p->mappings) + index_per_entry);
	n += p->cap_locations * (sizeof(*p->locations) + index_per_entry);
	n += p->cap_lines * sizeof(*p->lines);
	n += p->cap_functions * (sizeof(*p->functions) + index_per_entry);
	n += p->cap_comments * sizeof(*p->comments);
	n += p->strings.arena.total + p->strings.cap * sizeof(*p->strings.v) +
	     p->strings.nslots * sizeof(*p->strings.slots);
	return n;
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	strtab_release(&p->strings);
	free(p->sample_type);
	free(p->samples);
	free(p->sample_locs);
	free(p->sample_values);
	free(p->sample_labels);
	free(p->mappings);
	free(p->locations);
	free(p->lines);
	free(p->functions);
	free(p->comments);
	u64map_release(&p->mapping_ix);
	u64map_release(&p->location_ix);
	u64map_release(&p->function_ix);
	free(p);
}

int64_t profile_str(struct profile *p, const char *s)
{
	return strtab_intern_cstr(&p->strings, s ? s : "");
}

const char *profile_get_str(const struct profile *p, int64_t idx)
{
	return idx < 0 ? "" : strtab_get(&p->strings, (uint64_t)idx);
}

void profile_escape_text(struct profile *p)
{
	strtab_escape_text(&p->strings);
}

void profile_add_sample_type(struct profile *p, const char *type, const char *unit)
{
	GROW(p, sample_type, p->n_sample_type + 1);
	p->sample_type[p->n_sample_type].type = profile_str(p, type);
	p->sample_type[p->n_sample_type].unit = profile_str(p, unit);
	p->n_sample_type++;
}

struct pf_mapping *profile_add_mapping(struct profile *p)
{
	struct pf_mapping *m;

	GROW(p, mappings, p->n_mappings + 1);
	m = &p->mappings[p->n_mappings++];
	memset(m, 0, sizeof(*m));
	m->id = p->n_mappings;
	return m;
}

struct pf_function *profile_add_function(struct profile *p)
{
	struct pf_function *f;

	GROW(p, functions, p->n_functions + 1);
	f = &p->functions[p->n_functions++];
	memset(f, 0, sizeof(*f));
	f->id = p->n_functions;
	return f;
}

struct pf_location *profile_add_location(struct profile *p, uint64_t mapping_id,
					 uint64_t address,
					 const struct pf_line *lines, size_t n_line)
{
	struct pf_location *l;

	GROW(p, lines, p->n_lines + n_line);
	if (n_line)
		memcpy(p->lines + p->n_lines, lines, n_line * sizeof(*lines));
	GROW(p, locations, p->n_locations + 1);
	l = &p->locations[p->n_locations++];
	memset(l, 0, sizeof(*l));
	l->id = p->n_locations;
	l->mapping_id = mapping_id;
	l->address = address;
	l->line_off = (uint32_t)p->n_lines;
	l->n_line = (uint32_t)n_line;
	p->n_lines += n_line;
	return l;
}

struct pf_sample *profile_add_sample(struct profile *p,
				     const uint64_t *locs, size_t n_loc,
				     const int64_t *vals, size_t n_val,
				     const struct pf_label *labs, size_t n_lab)
{
	struct pf_sample *s;

	GROW(p, samples, p->n_samples + 1);
	s = &p->samples[p->n_samples++];
	s->loc_off = (uint32_t)p->n_sample_locs;
	s->n_loc = (uint32_t)n_loc;
	s->val_off = (uint32_t)p->n_sample_values;
	s->n_val = (uint32_t)n_val;
	s->lab_off = (uint32_t)p->n_sample_labels;
	s->n_lab = (uint32_t)n_lab;
	GROW(p, sample_locs, p->n_sample_locs + n_loc);
	if (n_loc)
		memcpy(p->sample_locs + p->n_sample_locs, locs, n_loc * sizeof(*locs));
	p->n_sample_locs += n_loc;
	GROW(p, sample_values, p->n_sample_values + n_val);
	if (n_val)
		memcpy(p->sample_values + p->n_sample_values, vals, n_val * sizeof(*vals));
	p->n_sample_values += n_val;
	GROW(p, sample_labels, p->n_sample_labels + n_lab);
	if (n_lab)
		memcpy(p->sample_labels + p->n_sample_labels, labs, n_lab * sizeof(*labs));
	p->n_sample_labels += n_lab;
	return s;
}

void profile_add_comment(struct profile *p, const char *text)
{
	GROW(p, comments, p->n_comments + 1);
	p->comments[p->n_comments++] = profile_str(p, text);
}

/* Ids are usually 1..n in order; then the map stays empty and lookups are
 * direct. Otherwise fill the map. */
#define BUILD_INDEX(p, arr, n, map) do {                                   \
	bool dense_ = true;                                                \
	u64map_release(&(p)->map);                                         \
	for (size_t i_ = 0; i_ < (p)->n; i_++)                             \
		if ((p)->arr[i_].id != i_ + 1) { dense_ = false; break; }  \
	if (!dense_)                                                       \
		for (size_t i_ = 0; i_ < (p)->n; i_++)                     \
			u64map_put(&(p)->map, (p)->arr[i_].id, i_);        \
} while (0)

void profile_index(struct profile *p)
{
	BUILD_INDEX(p, mappings, n_mappings, mapping_ix);
	BUILD_INDEX(p, locations, n_locations, location_ix);
	BUILD_INDEX(p, functions, n_functions, function_ix);
}

static size_t lookup(const struct u64map *m, size_t n, uint64_t id)
{
	uint64_t v;

	if (!u64map_size(m))
		return id >= 1 && id <= n ? (size_t)(id - 1) : SIZE_MAX;
	return u64map_get(m, id, &v) ? (size_t)v : SIZE_MAX;
}

const struct pf_mapping *profile_mapping(const struct profile *p, uint64_t id)
{
	size_t i = lookup(&p->mapping_ix, p->n_mappings, id);
	return i == SIZE_MAX ? NULL : &p->mappings[i];
}

const struct pf_location *profile_location(const struct profile *p, uint64_t id)
{
	size_t i = lookup(&p->location_ix, p->n_locations, id);
	return i == SIZE_MAX ? NULL : &p->locations[i];
}

const struct pf_function *profile_function(const struct profile *p, uint64_t id)
{
	size_t i = lookup(&p->function_ix, p->n_functions, id);
	return i == SIZE_MAX ? NULL : &p->functions[i];
}

size_t profile_location_index(const struct profile *p, uint64_t id)
{
	return lookup(&p->location_ix, p->n_locations, id);
}
