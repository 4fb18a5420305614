/* Shared by the legacy parsers (legacy-*.c): a profile under construction
 * the way pprof's parsers hold one (locations by address, samples that may
 * still lose frames, mappings still to be parsed and massaged), a line
 * scanner with bufio.Scanner's rules, and the small matchers the formats'
 * regular expressions need. Internal to src/profile. */
#ifndef KILN_PROFILE_LEGACY_INT_H
#define KILN_PROFILE_LEGACY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/hashmap.h"
#include "profile.h"

/* Returned (positive) by a parser that does not recognise its input, so
 * the next one is tried, as pprof's errUnrecognized. */
#define LG_UNRECOGNIZED 1

struct lg_mapping {
	uint64_t start, limit, offset;
	char *file, *build_id; /* owned, never NULL */
};

/* `p` is the work profile: its samples' location entries are indices into
 * p->locations (not ids) until lg_finish(); p->locations[i].mapping_id is
 * unused. Header fields (sample types, period, …) are set on p directly. */
struct lg {
	struct profile *p;
	struct u64map by_addr;       /* address → index into p->locations */
	struct lg_mapping *maps;
	size_t n_maps, cap_maps;
	uint64_t max_memory;
	size_t text_n;               /* the input, held while parsing: it counts */
};

/* A sample's location entries and a location's lines, writable; NULL
 * (never NULL + 0) while the pool is empty. */
static inline uint64_t *lg_slocs(struct profile *p, const struct pf_sample *s)
{
	return p->sample_locs ? p->sample_locs + s->loc_off : NULL;
}
static inline struct pf_line *lg_lines(struct profile *p, const struct pf_location *l)
{
	return p->lines ? p->lines + l->line_off : NULL;
}

void lg_init(struct lg *g, uint64_t max_memory);
void lg_release(struct lg *g);
/* The location for an address, created on first use. */
uint64_t lg_loc(struct lg *g, uint64_t addr);
/* Adds a sample; `bytes_label` < 0 means none. Checks max_memory. */
int lg_sample(struct lg *g, const uint64_t *locs, size_t n_loc, const int64_t *vals,
	      size_t n_val, bool has_bytes, int64_t bytes, struct kerr *err);
/* pprof's ParseMemoryMap over the lines the scanner has left (after
 * skipping to a memory map sentinel when `seek_sentinel`). */
struct lscan;
int lg_parse_maps(struct lg *g, struct lscan *s, bool seek_sentinel, struct kerr *err);
/* remapLocationIDs, remapFunctionIDs, remapMappingIDs without maps text
 * (the Java parsers). */
void lg_remap(struct lg *g);
/* cleanupDuplicateLocations: a leaf frame also present, adjusted, as the
 * caller. */
void lg_cleanup_duplicate_leaf(struct lg *g);
/* Builds the final profile (ids renumbered as pprof's remap does, then
 * addLegacyFrameInfo and CheckValid). */
int lg_finish(struct lg *g, struct profile **out, struct kerr *err);

/* bufio.Scanner over lines: tokens exclude "\n" and a "\r" before it; a
 * line over 64 KiB is an error, as Go's default buffer makes it. After the
 * last line, the token is empty. */
struct lscan {
	const char *d;
	size_t n, pos;
	const char *tok;
	size_t tok_n;
	unsigned line_no;
	bool too_long;
};
void lscan_init(struct lscan *s, const char *d, size_t n);
bool lscan_next(struct lscan *s);
int lscan_error(const struct lscan *s, struct kerr *err);

/* One memory map line by pprof's procMapsRE, else briefMapsRE, with Go's
 * leftmost-first submatches (legacy-maps.c). Fields point into s; absent
 * ones are empty. Returns 0 or LG_UNRECOGNIZED. */
struct lg_maps_fields {
	const char *start, *end, *perm, *offset, *file, *build_id;
	size_t n_start, n_end, n_perm, n_offset, n_file, n_build_id;
};
int lg_maps_line(const char *s, size_t n, struct lg_maps_fields *f);

/* Text helpers over (pointer, length). */
bool lg_space(unsigned char c);
void lg_trim(const char **s, size_t *n);
bool lg_space_or_comment(const char *s, size_t n);
bool lg_has_prefix(const char *s, size_t n, const char *pfx);
bool lg_contains(const char *s, size_t n, const char *needle);
bool lg_memory_map_sentinel(const char *s, size_t n);
/* hexNumberRE over s: every 0x[0-9a-f]+, parsed; -ERANGE if one does not
 * fit 64 bits. *addrs is grown (xgrow) and *n set. */
int lg_hex_addresses(const char *s, size_t n, uint64_t **addrs, size_t *n_addrs,
		     size_t *cap);
/* strconv.ParseInt(s, base, 64): whole string, no overflow. */
bool lg_parse_int(const char *s, size_t n, int base, int64_t *v);
bool lg_parse_uint(const char *s, size_t n, int base, uint64_t *v);
/* Go's wrapping int64 arithmetic and float → int64 conversion on amd64. */
int64_t lg_mul(int64_t a, int64_t b);
int64_t lg_f2i(double x);
/* scaleHeapSample. */
void lg_scale_heap(int64_t *count, int64_t *size, int64_t rate);

/* The parsers, in pprof's order. Each returns 0, LG_UNRECOGNIZED or a
 * negative error; on 0 the lg is ready for lg_finish(). */
int lg_parse_cpu(struct lg *g, const char *d, size_t n, struct kerr *err);
int lg_parse_heap(struct lg *g, const char *d, size_t n, struct kerr *err);
int lg_parse_count(struct lg *g, const char *d, size_t n, struct kerr *err);
int lg_parse_thread(struct lg *g, const char *d, size_t n, struct kerr *err);
int lg_parse_contention(struct lg *g, const char *d, size_t n, struct kerr *err);
int lg_parse_java(struct lg *g, const char *d, size_t n, struct kerr *err);
/* The Java CPU case of lg_parse_cpu, and the location text all Java
 * formats end with. */
int lg_java_cpu(struct lg *g, const unsigned char *b, size_t n, unsigned word,
		bool big, struct kerr *err);
int lg_java_locations(struct lg *g, const char *d, size_t n, struct kerr *err);

#endif
