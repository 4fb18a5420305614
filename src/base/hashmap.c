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
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static size_t find(const struct u64map *m, uint64_t key)
{
	size_t mask = m->cap - 1, i = hash_u64(key) & mask;

	while (m->keys[i] != U64MAP_EMPTY && m->keys[i] != key)
		i = (i + 1) & mask;
	return i;
}

static void rehash(struct u64map *m, size_t cap)
{
	struct u64map nm = { xmalloc(cap * sizeof(uint64_t)),
			     xmalloc(cap * sizeof(uint64_t)), 0, cap };

	memset(nm.keys, 0xff, cap * sizeof(uint64_t));
	for (size_t i = 0; i < m->cap; i++) {
		if (m->keys[i] == U64MAP_EMPTY)
			continue;
		size_t j = find(&nm, m->keys[i]);
		nm.keys[j] = m->keys[i];
		nm.vals[j] = m->vals[i];
		nm.n++;
	}
	u64map_release(m);
	*m = nm;
}

bool u64map_get(const struct u64map *m, uint64_t key, uint64_t *val)
{
	size_t i;

	if (!m->cap)
		return false;
	i = find(m, key);
	if (m->keys[i] == U64MAP_EMPTY)
		return false;
	if (val)
		*val = m->vals[i];
	return true;
}

uint64_t *u64map_slot(struct u64map *m, uint64_t key, uint64_t dflt, bool *added)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap)
		rehash(m, m->cap ? m->cap * 2 : 16);
	i = find(m, key);
	if (m->keys[i] == U64MAP_EMPTY) {
		m->keys[i] = key;
		m->vals[i] = dflt;
		m->n++;
		if (added)
			*added = true;
	} else if (added) {
		*added = false;
	}
	return &m->vals[i];
}

void u64map_put(struct u64map *m, uint64_t key, uint64_t val)
{
	*u64map_slot(m, key, val, NULL) = val;
}
