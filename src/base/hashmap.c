/* Linear-probing u64 → u64 map; load factor kept at or below 1/2. */
#include "hashmap.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

uint64_t hash_u64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

uint64_t hash_bytes(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ 0xcbf29ce484222325ULL ^ (n * 0x9e3779b97f4a7c15ULL);

	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ hash_u64(w)) * 0x100000001b3ULL;
		p += 8;
		n -= 8;
	}
	if (n) {
		uint64_t w = 0;
		memcpy(&w, p, n);
		h = (h ^ hash_u64(w)) * 0x100000001b3ULL;
	}
	return hash_u64(h);
}

void u64map_release(struct u64map *m)
{
	oatab_release(&m->t);
}

static bool slot_hash(const void *slot, uint64_t *h)
{
	const struct u64slot *s = slot;

	if (!s->key1)
		return false;
	*h = hash_u64(s->key1 - 1);
	return true;
}

/* The slot of key, or the empty slot where it would go. */
static struct u64slot *find(const struct u64map *m, uint64_t key)
{
	struct u64slot *s = m->t.slot;
	size_t mask = m->t.cap - 1, i = hash_u64(key) & mask;

	while (s[i].key1 && s[i].key1 != key + 1)
		i = (i + 1) & mask;
	return &s[i];
}

bool u64map_get(const struct u64map *m, uint64_t key, uint64_t *val)
{
	const struct u64slot *s;

	if (!m->t.cap)
		return false;
	s = find(m, key);
	if (!s->key1)
		return false;
	if (val)
		*val = s->val;
	return true;
}

uint64_t *u64map_slot(struct u64map *m, uint64_t key, uint64_t dflt, bool *added)
{
	struct u64slot *s;

	if (!m->t.esize) { /* a zeroed map */
		m->t.esize = sizeof(struct u64slot);
		m->t.first_cap = 16;
	}
	if (oatab_full(&m->t))
		oatab_grow(&m->t, slot_hash);
	s = find(m, key);
	if (!s->key1) {
		s->key1 = key + 1;
		s->val = dflt;
		m->t.n++;
		if (added)
			*added = true;
	} else if (added) {
		*added = false;
	}
	return &s->val;
}

void u64map_put(struct u64map *m, uint64_t key, uint64_t val)
{
	*u64map_slot(m, key, val, NULL) = val;
}

bool u64map_next(const struct u64map *m, size_t *i, uint64_t *key, uint64_t *val)
{
	const struct u64slot *s = m->t.slot;

	for (; *i < m->t.cap; (*i)++) {
		if (s[*i].key1) {
			*key = s[*i].key1 - 1;
			*val = s[*i].val;
			(*i)++;
			return true;
		}
	}
	return false;
}
