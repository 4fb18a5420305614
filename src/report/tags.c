/* The -tags report (pprof 1.19's printTags): for each label key, the
 * total of the selected value over samples carrying it, then each label
 * value with its share of that key's total, aligned by a tabwriter. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/num.h"
#include "../base/units.h"
#include "tabwriter.h"

struct tagval {
	char *name;
	int64_t flat;
};

struct tagkey {
	char *key;
	struct tagval *vals;
	size_t n, cap;
};

static int val_cmp(const void *a, const void *b)
{
	const struct tagval *x = a, *y = b;

	if (x->flat != y->flat && go_abs64(x->flat) != go_abs64(y->flat))
		return go_abs64(x->flat) > go_abs64(y->flat) ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tagkey *)a)->key, ((const struct tagkey *)b)->key);
}

static void add(struct tagkey **keys, size_t *nk, size_t *capk, const char *key,
		const char *val, int64_t w)
{
	struct tagkey *k = NULL;

	for (size_t i = 0; i < *nk && !k; i++)
		if (!strcmp((*keys)[i].key, key))
			k = &(*keys)[i];
	if (!k) {
		*keys = xgrow(*keys, capk, *nk + 1, sizeof(**keys));
		k = &(*keys)[(*nk)++];
		memset(k, 0, sizeof(*k));
		k->key = xstrdup(key);
	}
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->vals[i].name, val)) {
			k->vals[i].flat = go_add64(k->vals[i].flat, w);
			return;
		}
	k->vals = xgrow(k->vals, &k->cap, k->n + 1, sizeof(*k->vals));
	k->vals[k->n].name = xstrdup(val);
	k->vals[k->n].flat = w;
	k->n++;
}

static void scaled(const struct report *r, int64_t v, struct kbuf *out)
{
	const char *u;
	double f = units_scale(v, r->prep.sample_unit, r->output_unit, &u);

	kbuf_addf(out, "%.1f%s", f, u);
}

int report_tags(struct report *r, struct kbuf *out, struct kerr *err)
{
	const struct profile *p = r->p;
	struct tagkey *keys = NULL;
	size_t nk = 0, capk = 0;
	struct kbuf text = KBUF_INIT;

	(void)err;
	for (size_t i = 0; i < p->n_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		const struct pf_label *l = pf_sample_labels(p, s);
		int64_t w = pf_sample_values(p, s)[r->prep.value_index];

		for (uint32_t j = 0; j < s->n_lab; j++) {
			const char *key = profile_get_str(p, l[j].key);
			if (l[j].str) {
				add(&keys, &nk, &capk, key, profile_get_str(p, l[j].str), w);
			} else {
				char v[128];
				units_label(v, sizeof(v), l[j].num, pf_label_unit(&r->prep.units, key),
					    r->output_unit);
				add(&keys, &nk, &capk, key, v, w);
			}
		}
	}
	if (nk > 1) /* keys is NULL without labels, and qsort's base must not be */
		qsort(keys, nk, sizeof(*keys), key_cmp);
	for (size_t i = 0; i < nk; i++) {
		struct tagkey *k = &keys[i];
		int64_t total = 0;

		for (size_t j = 0; j < k->n; j++)
			total = go_add64(total, k->vals[j].flat);
		qsort(k->vals, k->n, sizeof(*k->vals), val_cmp);
		kbuf_addf(&text, "%s:\t Total ", k->key);
		scaled(r, total, &text);
		kbuf_addch(&text, '\n');
		for (size_t j = 0; j < k->n; j++) {
			char pct[32];
			kbuf_addstr(&text, " \t");
			scaled(r, k->vals[j].flat, &text);
			if (total > 0)
				kbuf_addf(&text, " (%s)", units_percent(pct, k->vals[j].flat, total));
			kbuf_addf(&text, ":\t %s\n", k->vals[j].name);
			free(k->vals[j].name);
		}
		kbuf_addch(&text, '\n');
		free(k->vals);
		free(k->key);
	}
	tabwriter_format(text.buf, 1, true, out);
	kbuf_release(&text);
	free(keys);
	return 0;
}
