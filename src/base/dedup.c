/* Growing the index set of dedup.h; the probes are inline in the header. */
#include "dedup.h"

#include <stdlib.h>

#include "alloc.h"

void dedup_release(struct dedup *d)
{
	free(d->slot);
	d->slot = NULL;
	d->cap = d->n = 0;
}

void dedup_grow(struct dedup *d)
{
	unsigned fill = d->fill ? d->fill : 2;
	size_t cap = d->cap ? d->cap * 2 : (d->first_cap ? d->first_cap : 64);
	struct dedup_slot *slot;

	/* A tiny first size may need more than one doubling; past that, one
	 * more element always leaves a slot empty (fill <= 3 quarters), so
	 * probes end. */
	while ((d->n + 1) * 4 > cap * fill)
		cap *= 2;
	slot = xcalloc(cap, sizeof(*slot));

	/* Reinserted in old slot order, so the new layout depends only on the
	 * hashes and the order they came in (see the header). */
	for (size_t i = 0; i < d->cap; i++) {
		size_t j;
		if (!d->slot[i].idx)
			continue;
		j = d->slot[i].tag & (cap - 1);
		while (slot[j].idx)
			j = (j + 1) & (cap - 1);
		slot[j] = d->slot[i];
	}
	free(d->slot);
	d->slot = slot;
	d->cap = cap;
}
