/* Combining profiles the way pprof does (profile/merge.go, measurement's
 * ScaleProfiles, Profile.Scale/Normalize/SetLabel): merge several profiles
 * of the same sample types into one, garbage-collect a profile, scale and
 * normalise values, and set or remove a string label on every sample.
 *
 * Merge semantics: samples merge when their location ids (after location
 * dedup) and their label sets are equal; values are summed and all-zero
 * samples dropped. Locations dedup on (address - mapping start, mapping,
 * lines, is_folded), mappings on (size rounded up to 4 KiB, file offset,
 * build id or else file name) with later addresses rebased onto the first
 * occurrence, functions on (start line, name, system name, file name).
 * Output ids are dense (1..n) in first-use order, strings are interned, and
 * labels of each sample are stored string labels first, each kind sorted by
 * key (pprof's own order). Sources are not modified.
 *
 * Files: merge.c (profile_merge, profile_compact, profile_compatible),
 * merge-samples.c (what pprof does to each loaded profile, in place),
 * merge-scale.c (scaling and units), merge-label.c (labels); both merges
 * use merge-key.h's one definition of the keys above. */
#ifndef KILN_PROFILE_MERGE_H
#define KILN_PROFILE_MERGE_H

#include <stddef.h>

#include "../base/err.h"
#include "profile.h"

/* Merges `n` >= 1 indexed profiles into a new one (*out, caller frees).
 * Fails with -EINVAL and pprof's wording when period or sample types
 * differ. */
int profile_merge(struct profile *const *srcs, size_t n, struct profile **out,
		  struct kerr *err);
/* Replaces *p by its merge with itself (pprof's Compact). */
int profile_compact(struct profile **p, struct kerr *err);
/* The sample half of profile_compact(), in place and without copying the
 * profile: samples that a merge would combine (same locations after
 * location dedup, same labels) are summed into the first one, and all-zero
 * samples are removed. Ids, locations and order are otherwise kept. pprof
 * merges every profile it loads, which matters for totals (|a| + |b| is not
 * |a + b|); this gives reports the same samples at a fraction of the
 * memory of a full compaction. */
void profile_merge_samples(struct profile *p);
/* pprof gives a profile without mappings one empty mapping (id 1) that
 * every location then belongs to (fetch.go, before symbolization); -raw and
 * -proto show it. No-op when the profile has mappings. */
void profile_add_fake_mapping(struct profile *p);
/* 0 when a and b have the same period type and sample types. */
int profile_compatible(const struct profile *a, const struct profile *b, struct kerr *err);

/* Before merging profiles whose units differ (ms and ns, kB and B), convert
 * every profile to the finest common unit per sample type and for the period
 * (pprof's measurement.ScaleProfiles). Types may differ by a trailing 's'. */
int profile_unify_units(struct profile *const *ps, size_t n, struct kerr *err);

/* Multiplies sample values by ratios[i] (rounded to nearest); samples whose
 * scaled values are all zero are removed. n must equal n_sample_type. */
int profile_scale_n(struct profile *p, const double *ratios, size_t n, struct kerr *err);
void profile_scale(struct profile *p, double ratio);
/* Scales p so that each sample type's total equals that of base. */
int profile_normalize(struct profile *p, const struct profile *base, struct kerr *err);

/* Gives every sample the string label key=value, replacing values it had
 * for that key. */
void profile_set_label(struct profile *p, const char *key, const char *value);
/* Removes string labels with that key from every sample. */
void profile_remove_label(struct profile *p, const char *key);
/* True when the sample has string label key=value. */
bool profile_sample_has_label(const struct profile *p, const struct pf_sample *s,
			      const char *key, const char *value);

#endif
