/* Allocation wrappers. On out-of-memory they print one line and abort():
 * every caller would otherwise need a path for an event we cannot recover
 * from anyway (git's xmalloc does the same). Not for use in signal handlers. */
#ifndef KILN_BASE_ALLOC_H
#define KILN_BASE_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array to hold at least `need` elements of `elem` bytes, doubling;
 * updates *cap. Returns the (possibly moved) array. */
void *xgrow(void *p, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
