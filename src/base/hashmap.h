/* Open-addressing hash map from a 64-bit key to a 64-bit value, for the hot
 * lookups of recording and reporting (id → index, address → location).
 * Key ~0 is reserved as the empty marker. Free with u64map_release(). */
#ifndef KILN_BASE_HASHMAP_H
#define KILN_BASE_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define U64MAP_EMPTY UINT64_MAX

struct u64map {
	uint64_t *keys;
	uint64_t *vals;
	size_t n, cap; /* cap is 0 or a power of two */
};

#define U64MAP_INIT { NULL, NULL, 0, 0 }

void u64map_release(struct u64map *m);
/* Returns true and sets *val when key is present. */
bool u64map_get(const struct u64map *m, uint64_t key, uint64_t *val);
/* Inserts or replaces. */
void u64map_put(struct u64map *m, uint64_t key, uint64_t val);
/* Returns a pointer to the value slot for key, inserting `dflt` if absent;
 * *added tells which. The pointer is valid until the next insertion. */
uint64_t *u64map_slot(struct u64map *m, uint64_t key, uint64_t dflt, bool *added);

/* 64-bit mixing and byte hashing shared by the maps built on top of this. */
uint64_t hash_u64(uint64_t x);
uint64_t hash_bytes(const void *data, size_t n, uint64_t seed);

#endif
