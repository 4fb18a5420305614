/* Folded stacks into a Profile (see textdec.h). One pass over the lines;
 * functions and their locations are found by interned name, so memory is
 * the profile itself. */
#include "textdec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "decode.h"

#define LINE_ARGS(t, tn) (int)((tn) > 120 ? 120 : (tn)), (t)

static int too_big(uint64_t max_memory, const struct profile *p, size_t text_n,
		   struct kerr *err)
{
	if (!max_memory || profile_memory(p) + text_n <= max_memory)
		return 0;
	return kerr_set(err, -E2BIG,
			"the profile needs more than %llu MiB of memory to load (%zu samples so far); "
			"--max-memory SIZE raises the limit",
			(unsigned long long)(max_memory >> 20), p->n_samples);
}

int profile_parse_folded(const char *data, size_t n, uint64_t max_memory,
			 struct profile **out, struct kerr *err)
{
	struct profile *p = profile_new();
	uint64_t *loc_of = NULL; /* string index → location id, 0 = none yet */
	size_t cap_loc_of = 0;
	uint64_t *stack = NULL;
	size_t cap_stack = 0;
	const char *b = data, *end = data + n;
	unsigned line_no = 0;
	int ret = 0;

	*out = NULL;
	profile_add_sample_type(p, "samples", "count");
	while (b < end) {
		const char *line = b, *nl = memchr(b, '\n', (size_t)(end - b));
		size_t ln = nl ? (size_t)(nl - b) : (size_t)(end - b), i, sp, n_fr = 0;
		int64_t count = 0;

		b = nl ? nl + 1 : end;
		line_no++;
		while (ln && (line[ln - 1] == '\r' || line[ln - 1] == ' ' || line[ln - 1] == '\t'))
			ln--;
		if (ln == 0)
			continue;
		for (sp = ln; sp > 0 && line[sp - 1] >= '0' && line[sp - 1] <= '9'; sp--)
			;
		if (sp == ln || sp < 2 || (line[sp - 1] != ' ' && line[sp - 1] != '\t')) {
			ret = kerr_set(err, -EBADMSG,
				       "folded stacks: line %u has no count after its last space: %.*s",
				       line_no, LINE_ARGS(line, ln));
			goto fail;
		}
		for (i = sp; i < ln; i++) {
			if (count > (INT64_MAX - 9) / 10) {
				ret = kerr_set(err, -EBADMSG, "folded stacks: line %u: count out of range",
					       line_no);
				goto fail;
			}
			count = count * 10 + (line[i] - '0');
		}
		ln = sp - 1;
		while (ln && (line[ln - 1] == ' ' || line[ln - 1] == '\t'))
			ln--;
		/* Frames root first; the profile wants the leaf first. */
		for (size_t e = ln; ;) {
			size_t s = e;
			while (s > 0 && line[s - 1] != ';')
				s--;
			if (e > s) {
				char *name = xstrndup(line + s, e - s);
				int64_t si = profile_str(p, name);
				free(name);
				if ((size_t)si >= cap_loc_of) {
					size_t old = cap_loc_of;
					loc_of = xgrow(loc_of, &cap_loc_of, (size_t)si + 1, sizeof(*loc_of));
					memset(loc_of + old, 0, (cap_loc_of - old) * sizeof(*loc_of));
				}
				if (!loc_of[si]) {
					struct pf_function *f = profile_add_function(p);
					struct pf_line l = { 0, 0, 0 };
					f->name = f->system_name = si;
					l.function_id = f->id;
					loc_of[si] = profile_add_location(p, 0, 0, &l, 1)->id;
				}
				stack = xgrow(stack, &cap_stack, n_fr + 1, sizeof(*stack));
				stack[n_fr++] = loc_of[si];
			}
			if (s == 0)
				break;
			e = s - 1;
		}
		profile_add_sample(p, stack, n_fr, &count, 1, NULL, 0);
		if ((ret = too_big(max_memory, p, n, err)) < 0)
			goto fail;
	}
	if ((ret = profile_check(p, err)) < 0)
		goto fail;
	free(loc_of);
	free(stack);
	*out = p;
	return 0;
fail:
	free(loc_of);
	free(stack);
	profile_free(p);
	return ret;
}
