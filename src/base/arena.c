/* Chunked bump allocator: chunks double up to 1 MiB; big requests get a chunk
 * of their own so the current one keeps filling. */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c;
	size_t sz;

	n = (n + 7) & ~(size_t)7;
	a->total += n;
	if (a->head && a->size - a->used >= n) {
		void *p = a->head->data + a->used;
		a->used += n;
		return p;
	}
	sz = a->size ? a->size * 2 : 4096;
	if (sz > (1u << 20))
		sz = 1u << 20;
	if (n > sz / 4) {
		/* A private chunk, linked behind the head to keep filling it. */
		c = xmalloc(sizeof(*c) + n);
		c->size = n;
		if (a->head) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = NULL;
			a->head = c;
			a->size = a->used = n;
		}
		return c->data;
	}
	c = xmalloc(sizeof(*c) + sz);
	c->size = sz;
	c->next = a->head;
	a->head = c;
	a->size = sz;
	a->used = n;
	return c->data;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c = a->head;

	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	memset(a, 0, sizeof(*a));
}
