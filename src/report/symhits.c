/* A symbol's hits in a profile, by binary (symhits.h). */
#include "symhits.h"

#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../profile/filter.h"
#include "perfkeys.h"

/* The value type reported: samples when the profile counts them. */
int symhits_value_index(const struct profile *p, const char *want, struct kerr *err)
{
	if (want)
		return profile_sample_index(p, want, err);
	for (size_t i = 0; i < p->n_sample_type; i++)
		if (!strcmp(profile_get_str(p, p->sample_type[i].type), "samples"))
			return (int)i;
	return profile_sample_index(p, NULL, err);
}

static bool location_is(const struct profile *p, const struct pf_location *l, const char *name,
			struct kbuf *b)
{
	kbuf_reset(b);
	perf_frame_names(p, l, 0, NULL, b);
	if (!strcmp(b->buf, name))
		return true;
	/* The mangled spelling names the same function. */
	if (l->n_line) {
		const struct pf_line *ln = pf_location_lines(p, l) + l->n_line - 1;
		const struct pf_function *f = profile_function(p, ln->function_id);
		return f && !strcmp(profile_get_str(p, f->system_name), name);
	}
	return false;
}

/* Leaf hits on the symbol, by mapping; *in_stacks counts samples where it
 * appears anywhere (to tell "no self samples" from "not in the profile"). */
void symhits_collect(const struct profile *p, int vi, const char *name, struct sym_bins *bins,
		     int64_t *in_stacks)
{
	struct kbuf b = KBUF_INIT;
	size_t nl = p->n_locations;
	int8_t *is = xcalloc(nl + 1, 1); /* per location index: 0 unknown, 1 yes, -1 no */

	*in_stacks = 0;
	for (size_t si = 0; si < p->n_samples; si++) {
		const struct pf_sample *s = &p->samples[si];
		const uint64_t *locs = pf_sample_locs(p, s);
		int64_t w = pf_sample_values(p, s)[vi];

		for (uint32_t k = 0; k < s->n_loc; k++) {
			size_t li = profile_location_index(p, locs[k]);
			const struct pf_location *l;
			struct sym_bin *t = NULL;

			if (li == SIZE_MAX)
				continue;
			l = &p->locations[li];
			if (!is[li])
				is[li] = location_is(p, l, name, &b) ? 1 : -1;
			if (is[li] < 0)
				continue;
			*in_stacks += w;
			if (k != 0)
				break;
			for (size_t i = 0; i < bins->n; i++)
				if (bins->v[i].mapping_id == l->mapping_id)
					t = &bins->v[i];
			if (!t) {
				t = vec_add(bins);
				t->mapping_id = l->mapping_id;
			}
			{
				const struct pf_mapping *m = profile_mapping(p, l->mapping_id);
				struct perf_hit h = { m ? l->address - m->memory_start + m->file_offset
						       : l->address, w };
				vec_push(&t->hits, h);
			}
			t->total += w;
			break;
		}
	}
	free(is);
	kbuf_release(&b);
}

void symhits_suggest(const struct profile *p, const char *name, int max, struct kbuf *out)
{
	struct kbuf b = KBUF_INIT, seen = KBUF_INIT;
	int shown = 0;

	for (size_t i = 0; i < p->n_locations && shown < max; i++) {
		kbuf_reset(&b);
		perf_frame_names(p, &p->locations[i], 0, NULL, &b);
		if (!strstr(b.buf, name) || strstr(seen.buf ? seen.buf : "", b.buf))
			continue;
		kbuf_addf(&seen, "\n%s\n", b.buf);
		kbuf_addf(out, "%s\n", b.buf);
		shown++;
	}
	kbuf_release(&b);
	kbuf_release(&seen);
}

void symhits_release(struct sym_bins *bins)
{
	for (size_t i = 0; i < bins->n; i++)
		vec_free(&bins->v[i].hits);
	vec_free(bins);
}
