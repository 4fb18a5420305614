/* Editing string labels on every sample (pprof's SetLabel, RemoveLabel,
 * HasLabel; see merge.h). */
#include "merge.h"

#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"

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
