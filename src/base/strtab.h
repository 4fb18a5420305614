/* String interning: each distinct string gets a dense index, 0 being "".
 * This is exactly profile.proto's string_table, so the profile keeps one.
 * Strings live in the table's arena; pointers from strtab_get() stay valid
 * until strtab_release(). */
#ifndef KILN_BASE_STRTAB_H
#define KILN_BASE_STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct strtab_entry {
	const char *s;
	uint32_t len;
};

struct strtab {
	struct arena arena;
	struct strtab_entry *v; /* v[i] is string i */
	size_t n, cap;
	uint32_t *slots;        /* open addressing: index+1, 0 = empty */
	size_t nslots;
};

#define STRTAB_INIT { ARENA_INIT, NULL, 0, 0, NULL, 0 }

/* Sets up the table with "" at index 0. */
void strtab_init(struct strtab *t);
void strtab_release(struct strtab *t);
/* Returns the index of the string, adding it if new. */
uint32_t strtab_intern(struct strtab *t, const char *s, size_t len);
uint32_t strtab_intern_cstr(struct strtab *t, const char *s);
/* Appends without deduplication (a decoder keeping the file's own indices,
 * which may repeat strings); still findable by later interning. */
uint32_t strtab_append(struct strtab *t, const char *s, size_t len);
/* Returns the string at idx, or "" when idx is out of range. */
const char *strtab_get(const struct strtab *t, uint64_t idx);
uint32_t strtab_len(const struct strtab *t, uint64_t idx);
/* Replaces every string that is not terminal-safe with its escaped form
 * (textsafe.h), keeping all indices. Interning finds the new contents
 * afterwards, not the old. Returns how many strings changed. */
size_t strtab_escape_text(struct strtab *t);

#endif
