/* The out-of-line part of dedup.h's index set: its slots for oatab.h. */
#include "dedup.h"

static bool slot_hash(const void *slot, uint64_t *h)
{
	const struct dedup_slot *s = slot;

	*h = s->tag;
	return s->idx != 0;
}

void dedup_release(struct dedup *d)
{
	oatab_release(&d->t);
}

void dedup_grow(struct dedup *d)
{
	/* A zeroed struct dedup is valid: it learns its slot size here. */
	d->t.esize = sizeof(struct dedup_slot);
	oatab_grow(&d->t, slot_hash);
}
