/* Turning a recording (collect's tasks + aggregated stacks) into a Profile:
 * mappings from the mappings samples hit, one location per (mapping,
 * address), symbolized with the symbols module, functions deduplicated.
 *
 * The builder persists across checkpoints: mappings, locations and
 * functions only grow, so each address is symbolized once per recording;
 * each call to build_profile() replaces the samples and header. */
#ifndef KILN_CLI_BUILD_PROFILE_H
#define KILN_CLI_BUILD_PROFILE_H

#include <stdint.h>

#include "../collect/recorder.h"
#include "../collect/tasks.h"
#include "../profile/profile.h"

struct profile_meta {
	const char **value_types; /* n_values pairs: type, unit, type, unit ... */
	size_t n_values;          /* per sample, as the recorder's stacks */
	const char *period_type, *period_unit;
	int64_t period;
	int64_t time_nanos, duration_nanos;
	const char *const *comments;
	size_t n_comments;
	bool per_sample;          /* add time/cpu labels */
};

struct builder;

struct builder *builder_new(void);
void builder_free(struct builder *b); /* NULL-tolerant */

/* Returns the profile of everything recorded so far. The profile belongs to
 * the builder and is valid until the next build_profile() or builder_free(). */
struct profile *build_profile(struct builder *b, struct recorder *r, struct tasks *t,
			      const struct profile_meta *m);

/* Symbolizes the addresses of stacks recorded since the last call, so
 * that loading symbols and DWARF overlaps the recording instead of
 * delaying the end of it. Optional; build_profile() does the rest. */
void builder_warm(struct builder *b, struct recorder *r, struct tasks *t);

/* The builder's symbolizer, to share its file cache (the unwinder reads
 * CFI from the same files). Owned by the builder. */
struct symbolizer *builder_symbolizer(struct builder *b);

/* Problems met while symbolizing (missing files, ...), for -v output. */
size_t builder_warnings(const struct builder *b, const char ***out);

#endif
