/* perf buildid-list's lines for a profile (buildids.h). */
#include "buildids.h"

#include <stdlib.h>

#include "../base/alloc.h"

/* Marks the mappings some sample's location lies in. */
static void mark_hits(const struct profile *p, bool *hit)
{
	for (size_t i = 0; i < p->n_samples; i++) {
		const uint64_t *l = pf_sample_locs(p, &p->samples[i]);
		for (uint32_t k = 0; k < p->samples[i].n_loc; k++) {
			const struct pf_location *loc = profile_location(p, l[k]);
			const struct pf_mapping *m = loc ? profile_mapping(p, loc->mapping_id) : NULL;
			if (m)
				hit[m - p->mappings] = true;
		}
	}
}

void perf_buildid_list(const struct profile *p, bool with_hits, struct kbuf *out)
{
	bool *hit = xcalloc(p->n_mappings + 1, sizeof(*hit));

	if (with_hits)
		mark_hits(p, hit);
	for (size_t i = 0; i < p->n_mappings; i++) {
		const struct pf_mapping *m = &p->mappings[i];
		const char *bid = profile_get_str(p, m->build_id);
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = p->mappings[j].build_id == m->build_id && (!with_hits || hit[j]);
		if (*bid && !dup && (!with_hits || hit[i]))
			kbuf_addf(out, "%s %s\n", bid, profile_get_str(p, m->filename));
	}
	free(hit);
}
