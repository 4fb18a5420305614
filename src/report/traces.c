/* The -traces report (pprof's printTraces): every sample on its own, its
 * labels, then its frames leaf first with the value on the first line.
 * Samples are not aggregated by name; the profile was compacted before, as
 * pprof merges even a single source. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/units.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the "%10s:  v1 v2" lines of one kind of label (string or
 * numeric), grouped by key in first-seen order, the lines sorted as text. */
static void label_lines(const struct report *r, const struct pf_sample *s, bool numeric,
			struct kbuf *out)
{
	const struct profile *p = r->p;
	const struct pf_label *l = pf_sample_labels(p, s);
	char **lines = xcalloc(s->n_lab + 1, sizeof(char *));
	bool *done = xcalloc(s->n_lab + 1, sizeof(bool));
	size_t n = 0;

	for (uint32_t i = 0; i < s->n_lab; i++) {
		struct kbuf line = KBUF_INIT, vals = KBUF_INIT;
		const char *key;

		if (done[i] || (l[i].str == 0) != numeric)
			continue;
		key = profile_get_str(p, l[i].key);
		for (uint32_t j = i; j < s->n_lab; j++) {
			char v[128];
			if (done[j] || (l[j].str == 0) != numeric || strcmp(profile_get_str(p, l[j].key), key))
				continue;
			done[j] = true;
			if (vals.len)
				kbuf_addch(&vals, ' ');
			if (numeric)
				kbuf_addstr(&vals, units_label(v, sizeof(v), l[j].num,
							       pf_label_unit(&r->prep.units, key), "auto"));
			else
				kbuf_addstr(&vals, profile_get_str(p, l[j].str));
		}
		kbuf_addf(&line, "%10s:  %s\n", key, vals.buf);
		lines[n++] = kbuf_detach(&line, NULL);
		kbuf_release(&vals);
	}
	qsort(lines, n, sizeof(*lines), cmp_str);
	for (size_t i = 0; i < n; i++) {
		kbuf_addstr(out, lines[i]);
		free(lines[i]);
	}
	free(lines);
	free(done);
}

int report_traces(struct report *r, struct kbuf *out, struct kerr *err)
{
	static const char sep[] = "-----------+-------------------------------------------------------";
	const struct profile *p = r->p;
	struct rtable t;
	struct rtable_opts to;

	(void)err;
	memset(&to, 0, sizeof(to));
	to.no_trim = true;
	rtable_build(&t, p, &to);
	report_profile_labels(r, out);
	for (size_t si = 0; si < p->n_samples; si++) {
		const struct pf_sample *s = &p->samples[si];
		const uint64_t *locs = pf_sample_locs(p, s);
		const int64_t *vals = pf_sample_values(p, s);
		int64_t v = vals[r->prep.value_index], d = r->prep.mean ? vals[0] : 0;
		bool first = true;

		if (s->n_loc == 0)
			continue;
		kbuf_addf(out, "%s\n", sep);
		label_lines(r, s, false, out);
		label_lines(r, s, true, out);
		if (d != 0)
			v /= d;
		for (uint32_t i = 0; i < s->n_loc; i++) {
			size_t li = profile_location_index(p, locs[i]);
			const uint32_t *nodes = t.loc_nodes + t.loc_off[li];
			uint32_t cnt = t.loc_cnt[li];

			for (uint32_t k = 0; k < cnt; k++) {
				char vs[128];
				kbuf_addf(out, "%10s   %s%s\n", first ? report_value_str(r, v, vs) : "",
					  rtable_name(&t, nodes[k]), k != cnt - 1 ? " (inline)" : "");
				first = false;
			}
		}
	}
	kbuf_addf(out, "%s\n", sep);
	rtable_release(&t);
	return 0;
}
