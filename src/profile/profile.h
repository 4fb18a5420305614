/* The Profile: pprof's data model (profile.proto), the one structure every
 * source of kiln fills and every sink reads.
 *
 * Layout is columnar for speed on profiles with millions of frames: each
 * sample stores offsets into shared pools (location ids, values, labels), so
 * a profile is a handful of large arrays rather than millions of small
 * allocations. All string fields are indices into `strings` (the proto's
 * string_table; index 0 is ""). Ids are the proto's ids (nonzero, unique);
 * profile_index() builds id → array index lookups for readers.
 *
 * Ownership: a struct profile owns everything it points to. Pointers returned
 * by the accessors stay valid until the next call that adds to the same
 * array, or profile_free(). */
#ifndef KILN_PROFILE_PROFILE_H
#define KILN_PROFILE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/hashmap.h"
#include "../base/strtab.h"

struct pf_value_type {
	int64_t type; /* string index, e.g. "cpu" */
	int64_t unit; /* string index, e.g. "nanoseconds" */
};

struct pf_label {
	int64_t key;      /* string index */
	int64_t str;      /* string index, 0 when numeric */
	int64_t num;
	int64_t num_unit; /* string index, 0 when none */
};

struct pf_sample {
	uint32_t loc_off, n_loc;  /* into profile.sample_locs; leaf first */
	uint32_t val_off, n_val;  /* into profile.sample_values */
	uint32_t lab_off, n_lab;  /* into profile.sample_labels */
};

struct pf_mapping {
	uint64_t id;
	uint64_t memory_start, memory_limit, file_offset;
	int64_t filename, build_id; /* string indices */
	bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
};

struct pf_line {
	uint64_t function_id;
	int64_t line;
	int64_t column;
};

struct pf_location {
	uint64_t id;
	uint64_t mapping_id;      /* 0 = none */
	uint64_t address;
	uint32_t line_off, n_line; /* into profile.lines; [0] innermost inlined */
	bool is_folded;
};

struct pf_function {
	uint64_t id;
	int64_t name, system_name, filename; /* string indices */
	int64_t start_line;
};

struct profile {
	struct strtab strings;

	struct pf_value_type *sample_type;
	size_t n_sample_type, cap_sample_type;

	struct pf_sample *samples;
	size_t n_samples, cap_samples;
	uint64_t *sample_locs;
	size_t n_sample_locs, cap_sample_locs;
	int64_t *sample_values;
	size_t n_sample_values, cap_sample_values;
	struct pf_label *sample_labels;
	size_t n_sample_labels, cap_sample_labels;

	struct pf_mapping *mappings;
	size_t n_mappings, cap_mappings;
	struct pf_location *locations;
	size_t n_locations, cap_locations;
	struct pf_line *lines;
	size_t n_lines, cap_lines;
	struct pf_function *functions;
	size_t n_functions, cap_functions;

	int64_t drop_frames, keep_frames; /* string indices */
	int64_t time_nanos, duration_nanos;
	struct pf_value_type period_type;
	int64_t period;
	int64_t *comments;                /* string indices */
	size_t n_comments, cap_comments;
	int64_t default_sample_type;      /* string index */
	int64_t doc_url;                  /* string index */

	/* Lookups built by profile_index(); empty until then. */
	struct u64map mapping_ix, location_ix, function_ix;
};

/* Bytes the profile's arrays, strings and indexes take (capacities, not
 * lengths: what the allocator handed out). Indexes not built yet are
 * counted as they will be, so a reader can bound a profile before
 * profile_index() runs. */
size_t profile_memory(const struct profile *p);

/* Returns a new empty profile (string table holds ""). Never NULL. */
struct profile *profile_new(void);
/* What profile_new() does to the zeroed `p` it allocates: for a caller that
 * must own the memory before the string table allocates (libkiln, whose
 * allocation failures return, see base/alloc.h). */
void profile_init(struct profile *p);
/* NULL-tolerant. */
void profile_free(struct profile *p);

/* Interns a string; returns its index. */
int64_t profile_str(struct profile *p, const char *s);
/* The string at idx, "" when out of range. Valid until profile_free(). */
const char *profile_get_str(const struct profile *p, int64_t idx);

/* Readies the profile for a text output: every string holding terminal
 * control bytes or invalid UTF-8 becomes its escaped form (\x1b; see
 * base/textsafe.h), indices unchanged. Machine formats (proto, JSON,
 * folded) escape on their own: do not write the profile out afterwards. */
void profile_escape_text(struct profile *p);

/* Builders. Each returns the new element (zeroed apart from what the
 * arguments set), valid until the next add to the same array. Ids are
 * assigned as index+1 unless the caller overwrites them. */
void profile_add_sample_type(struct profile *p, const char *type, const char *unit);
struct pf_mapping *profile_add_mapping(struct profile *p);
struct pf_function *profile_add_function(struct profile *p);
/* Adds a location whose lines are the `n_line` entries at `lines`. */
struct pf_location *profile_add_location(struct profile *p, uint64_t mapping_id,
					 uint64_t address,
					 const struct pf_line *lines, size_t n_line);
/* Adds a sample: `n_loc` location ids (leaf first), `n_val` values (must
 * equal n_sample_type for a valid profile), `n_lab` labels. */
struct pf_sample *profile_add_sample(struct profile *p,
				     const uint64_t *locs, size_t n_loc,
				     const int64_t *vals, size_t n_val,
				     const struct pf_label *labs, size_t n_lab);
void profile_add_comment(struct profile *p, const char *text);

/* Accessors for a sample's pools. A pool is NULL until something is added
 * to it; the accessors then return NULL rather than compute NULL + 0, which
 * C leaves undefined (and clang's sanitizer reports). */
static inline const uint64_t *pf_sample_locs(const struct profile *p,
					     const struct pf_sample *s)
{
	return p->sample_locs ? p->sample_locs + s->loc_off : NULL;
}
static inline const int64_t *pf_sample_values(const struct profile *p,
					      const struct pf_sample *s)
{
	return p->sample_values ? p->sample_values + s->val_off : NULL;
}
static inline const struct pf_label *pf_sample_labels(const struct profile *p,
						      const struct pf_sample *s)
{
	return p->sample_labels ? p->sample_labels + s->lab_off : NULL;
}
static inline const struct pf_line *pf_location_lines(const struct profile *p,
						      const struct pf_location *l)
{
	return p->lines ? p->lines + l->line_off : NULL;
}

/* (Re)builds the id → index maps. Call after building or decoding and
 * before the lookups below. */
void profile_index(struct profile *p);
/* Return the element with that id, or NULL. Need profile_index(). */
const struct pf_mapping *profile_mapping(const struct profile *p, uint64_t id);
const struct pf_location *profile_location(const struct profile *p, uint64_t id);
const struct pf_function *profile_function(const struct profile *p, uint64_t id);
/* Array index of the location with that id, or SIZE_MAX. */
size_t profile_location_index(const struct profile *p, uint64_t id);

#endif
