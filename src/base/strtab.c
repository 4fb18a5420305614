/* String interning over an arena plus an index-only hash table. */
#include "strtab.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "hashmap.h"
#include "textsafe.h"

void strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	strtab_append(t, "", 0);
}

void strtab_release(struct strtab *t)
{
	arena_release(&t->arena);
	free(t->v);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static void insert_slot(struct strtab *t, uint32_t idx)
{
	const struct strtab_entry *e = &t->v[idx];
	size_t mask = t->nslots - 1;
	size_t i = hash_bytes(e->s, e->len, 0) & mask;

	while (t->slots[i])
		i = (i + 1) & mask;
	t->slots[i] = idx + 1;
}

static void grow_slots(struct strtab *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 64;
	/* allocated before the old one is freed: a failure that returns
	 * (alloc.h's hook) leaves the table as it was */
	uint32_t *slots = xcalloc(n, sizeof(uint32_t));

	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	for (size_t i = 0; i < t->n; i++)
		insert_slot(t, (uint32_t)i);
}

uint32_t strtab_append(struct strtab *t, const char *s, size_t len)
{
	uint32_t idx = (uint32_t)t->n;

	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof(*t->v));
	t->v[idx].s = arena_strndup(&t->arena, s, len);
	t->v[idx].len = (uint32_t)len;
	t->n++;
	if (t->n * 2 > t->nslots)
		grow_slots(t);
	else
		insert_slot(t, idx);
	return idx;
}

uint32_t strtab_intern(struct strtab *t, const char *s, size_t len)
{
	size_t mask, i;

	if (!t->nslots)
		strtab_init(t);
	mask = t->nslots - 1;
	i = hash_bytes(s, len, 0) & mask;
	while (t->slots[i]) {
		const struct strtab_entry *e = &t->v[t->slots[i] - 1];
		if (e->len == len && memcmp(e->s, s, len) == 0)
			return t->slots[i] - 1;
		i = (i + 1) & mask;
	}
	return strtab_append(t, s, len);
}

uint32_t strtab_intern_cstr(struct strtab *t, const char *s)
{
	return strtab_intern(t, s, strlen(s));
}

const char *strtab_get(const struct strtab *t, uint64_t idx)
{
	return idx < t->n ? t->v[idx].s : "";
}

uint32_t strtab_len(const struct strtab *t, uint64_t idx)
{
	return idx < t->n ? t->v[idx].len : 0;
}

size_t strtab_escape_text(struct strtab *t)
{
	struct kbuf b = KBUF_INIT;
	size_t changed = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct strtab_entry *e = &t->v[i];
		if (text_is_safe(e->s, e->len, 0))
			continue;
		kbuf_reset(&b);
		text_escape(&b, e->s, e->len, 0);
		e->s = arena_strndup(&t->arena, b.buf, b.len);
		e->len = (uint32_t)b.len;
		changed++;
	}
	kbuf_release(&b);
	if (changed) {
		/* The old contents' slots no longer match: index afresh. */
		memset(t->slots, 0, t->nslots * sizeof(*t->slots));
		for (size_t i = 0; i < t->n; i++)
			insert_slot(t, (uint32_t)i);
	}
	return changed;
}
