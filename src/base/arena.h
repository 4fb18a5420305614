/* Bump allocator for many small objects freed together (interned strings,
 * symbol names). Pointers stay valid until arena_release(). */
#ifndef KILN_BASE_ARENA_H
#define KILN_BASE_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t used, size; /* of head */
	size_t total;      /* bytes handed out, for memory accounting */
};

#define ARENA_INIT { NULL, 0, 0, 0 }

/* Returns `n` bytes aligned to 8; never NULL (aborts on OOM). */
void *arena_alloc(struct arena *a, size_t n);
/* Copies `n` bytes and a NUL terminator into the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
void arena_release(struct arena *a);

#endif
