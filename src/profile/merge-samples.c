/* What pprof does to every profile it loads, done in place on one decoded
 * profile (see merge.h): profile_merge_samples() sums the samples a merge
 * would combine, without copying the profile, and profile_add_fake_mapping()
 * gives a profile without mappings the one pprof's fetch adds. The merge
 * keys are merge-key.h's, read by string content and through canonical
 * indices, so the samples come out as profile_merge() would have them. */
#include "merge.h"

#include <stdlib.h>

#include "../base/alloc.h"
#include "merge-key.h"

void profile_merge_samples(struct profile *p)
{
	struct merge_keys k;
	uint32_t *map, *fn, *loc;
	size_t fill = 0;

	/* Canonical index of each mapping, function and location: the first
	 * one with the same merge key, as profile_merge() would map them. */
	merge_keys_init(&k, p, false, false);
	map = xmalloc((p->n_mappings + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < p->n_mappings; i++)
		map[i] = merge_key_mapping(&k, (uint32_t)i);
	dedup_release(&k.mappings);
	k.map = map;
	fn = xmalloc((p->n_functions + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < p->n_functions; i++)
		fn[i] = merge_key_function(&k, (uint32_t)i);
	dedup_release(&k.functions);
	k.fn = fn;
	loc = xmalloc((p->n_locations + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < p->n_locations; i++)
		loc[i] = merge_key_location(&k, (uint32_t)i);
	dedup_release(&k.locations);
	k.loc = loc;
	for (size_t i = 0; i < p->n_samples; i++) {
		struct pf_sample *s = &p->samples[i];
		uint32_t got;

		if (merge_values_zero(pf_sample_values(p, s), s->n_val))
			continue;
		/* Kept samples move to the front; compare against their new
		 * places, so insert under the index they will have. */
		p->samples[fill] = *s;
		got = merge_key_sample(&k, (uint32_t)fill);
		if (got != fill) {
			struct pf_sample *t = &p->samples[fill];
			int64_t *dv = (int64_t *)pf_sample_values(p, &p->samples[got]);
			const int64_t *sv = pf_sample_values(p, t);
			for (uint32_t j = 0; j < t->n_val && j < p->samples[got].n_val; j++)
				dv[j] = (int64_t)((uint64_t)dv[j] + (uint64_t)sv[j]); /* Go wraps */
			continue;
		}
		fill++;
	}
	p->n_samples = fill;
	/* Sums that cancelled out leave zero samples; drop them. */
	fill = 0;
	for (size_t i = 0; i < p->n_samples; i++)
		if (!merge_values_zero(pf_sample_values(p, &p->samples[i]), p->samples[i].n_val))
			p->samples[fill++] = p->samples[i];
	p->n_samples = fill;
	merge_keys_release(&k);
	free(map);
	free(fn);
	free(loc);
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
