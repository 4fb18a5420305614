/* Open-addressing hash map from a 64-bit key to a 64-bit value, for the hot
 * lookups of recording and reporting (id → index, address → location):
 * base/oatab.h's table with key/value slots, filled to a half. Key ~0 is
 * reserved (slots hold key + 1, 0 marking an empty one). A zeroed struct
 * is an empty map. Free with u64map_release(). */
#ifndef KILN_BASE_HASHMAP_H
#define KILN_BASE_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oatab.h"

#define U64MAP_EMPTY UINT64_MAX

struct u64slot {
	uint64_t key1; /* key + 1; 0 = empty */
	uint64_t val;
};

struct u64map {
	struct oatab t; /* of struct u64slot; sized on first use */
};

#define U64MAP_INIT { OATAB_INIT(struct u64slot, 16, 2) }

void u64map_release(struct u64map *m);
/* Returns true and sets *val when key is present. */
bool u64map_get(const struct u64map *m, uint64_t key, uint64_t *val);
/* Inserts or replaces. */
void u64map_put(struct u64map *m, uint64_t key, uint64_t val);
/* Returns a pointer to the value slot for key, inserting `dflt` if absent;
 * *added tells which. The pointer is valid until the next insertion. */
uint64_t *u64map_slot(struct u64map *m, uint64_t key, uint64_t dflt, bool *added);
/* The number of keys. */
static inline size_t u64map_size(const struct u64map *m)
{
	return m->t.n;
}
/* Walks the map in slot order: start with *i = 0; returns false at the end. */
bool u64map_next(const struct u64map *m, size_t *i, uint64_t *key, uint64_t *val);

/* 64-bit mixing and byte hashing shared by the maps built on top of this. */
uint64_t hash_u64(uint64_t x);
uint64_t hash_bytes(const void *data, size_t n, uint64_t seed);

#endif
