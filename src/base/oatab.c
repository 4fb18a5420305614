/* Growing and freeing the open-addressing table of oatab.h. */
#include "oatab.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

void oatab_grow(struct oatab *t, oatab_hash hash)
{
	unsigned fill = t->fill ? t->fill : 2;
	size_t cap = t->cap ? t->cap * 2 : (t->first_cap ? t->first_cap : 64);
	unsigned char *slot, *side = NULL;
	uint64_t h;

	/* A tiny first size may need more than one doubling; past that, one
	 * more element always leaves a slot empty (fill <= 3 quarters), so
	 * probes end. */
	while ((t->n + 1) * 4 > cap * fill)
		cap *= 2;
	slot = xcalloc(cap, t->esize);
	if (t->side_esize)
		side = xcalloc(cap, t->side_esize);
	for (size_t i = 0; i < t->cap; i++) {
		const unsigned char *s = (const unsigned char *)t->slot + i * t->esize;
		size_t j;
		if (!hash(s, &h))
			continue;
		j = h & (cap - 1);
		while (hash(slot + j * t->esize, &(uint64_t){ 0 }))
			j = (j + 1) & (cap - 1);
		memcpy(slot + j * t->esize, s, t->esize);
		if (side && t->side)
			memcpy(side + j * t->side_esize, (const unsigned char *)t->side + i * t->side_esize,
			       t->side_esize);
	}
	free(t->slot);
	free(t->side);
	t->slot = slot;
	t->side = side;
	t->cap = cap;
}

void oatab_release(struct oatab *t)
{
	free(t->slot);
	free(t->side);
	t->slot = t->side = NULL;
	t->cap = t->n = 0;
}
