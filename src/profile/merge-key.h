/* pprof's identity of mappings, functions, locations and samples under a
 * merge (profile/merge.go's mapping, function, location and sample keys),
 * hashed and compared in one place for both users: profile_merge(), which
 * dedups each element against a destination it is building (strings
 * interned, ids dense and already canonical), and profile_merge_samples(),
 * which finds which elements of one decoded profile a merge would combine
 * (strings may repeat at several indices, so they compare by content, and
 * ids resolve through canonical-index arrays it fills as it goes).
 *
 * The keys (merge.h states them): a mapping by (size rounded up to 4 KiB,
 * file offset, build id or else file name); a function by (start line,
 * name, system name, file name); a location by (address - mapping start,
 * mapping, lines with their functions, is_folded); a sample by (locations,
 * labels in merge order). Private to src/profile. */
#ifndef KILN_PROFILE_MERGE_KEY_H
#define KILN_PROFILE_MERGE_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/dedup.h"
#include "profile.h"

struct merge_keys {
	/* The profile whose elements are keyed; it may grow (and its arrays
	 * move) between calls. Not owned. */
	const struct profile *p;
	/* Equal string index means equal text (a profile built by interning):
	 * strings then hash and compare by index. */
	bool interned;
	/* Canonical index of each mapping, function and location index, or
	 * NULL when every element of that kind is already canonical. Not
	 * owned; entries below the element being keyed must be filled. */
	const uint32_t *map, *fn, *loc;
	/* Each sample's labels are stored in merge order already. */
	bool labels_sorted;
	/* One table per kind, and scratch for sorting two label lists. */
	struct dedup mappings, functions, locations, samples;
	struct pf_label *la, *lb;
	size_t cap_la, cap_lb;
};

/* Zeroes k and sets its profile and mode; the arrays are set by the caller. */
void merge_keys_init(struct merge_keys *k, const struct profile *p, bool interned,
		     bool labels_sorted);
void merge_keys_release(struct merge_keys *k);

/* Each returns the index of the element of p equal to element i under the
 * merge key that was offered first, adding i to its kind's table when no
 * equal one was. */
uint32_t merge_key_mapping(struct merge_keys *k, uint32_t i);
uint32_t merge_key_function(struct merge_keys *k, uint32_t i);
uint32_t merge_key_location(struct merge_keys *k, uint32_t i);
uint32_t merge_key_sample(struct merge_keys *k, uint32_t i);

/* Sorts labels into merge order: string labels before numeric ones, each
 * by key text, values of one key in their original order. */
void merge_sort_labels(const struct profile *p, struct pf_label *l, size_t n);

/* Mapping size rounded up to a 4 KiB page, as merge.go keys it. */
static inline uint64_t merge_mapping_size(const struct pf_mapping *m)
{
	uint64_t size = m->memory_limit - m->memory_start;

	size = size + 0x1000 - 1;
	return size - size % 0x1000;
}

static inline bool merge_values_zero(const int64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i])
			return false;
	return true;
}

#endif
