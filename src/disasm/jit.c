/* Annotating JIT code from a jitdump (symbols/jitdump.h): a JIT compiles a
 * function more than once, so the load holding most of the hits is the
 * one shown, and hits in the others count as outside it. */
#include <errno.h>

#include "../symbols/jitdump.h"
#include "disasm.h"

static const struct jitdump_code *busiest(const struct jitdump *j, const struct dis_hit *hits,
					  size_t n)
{
	const struct jitdump_code *best = NULL;
	int64_t best_v = -1;

	/* Quadratic in the hits of one symbol: a few hundred addresses. */
	for (size_t i = 0; i < n; i++) {
		const struct jitdump_code *c = jitdump_find(j, hits[i].file_offset);
		int64_t v = 0;

		if (!c || c == best)
			continue;
		for (size_t k = 0; k < n; k++)
			if (hits[k].file_offset - c->addr < c->size)
				v += hits[k].value;
		if (v > best_v) {
			best = c;
			best_v = v;
		}
	}
	return best;
}

int dis_annotate_jitdump(const char *path, const struct dis_hit *hits, size_t n,
			 const struct dis_opts *o, struct dis_func *out, struct kerr *err)
{
	const struct jitdump_code *c;
	struct jitdump *j;
	int pid, ret = -ENOENT;

	if (!jitdump_name(path, &pid) || jitdump_load(path, 0, &j, NULL) < 0)
		return -ENOENT;
	if ((c = busiest(j, hits, n)) != NULL)
		ret = dis_annotate_code(c->name, (int)j->elf_mach, c->addr, c->code, c->size, hits, n,
					o, out, err);
	jitdump_free(j);
	return ret;
}
