/* Allocation wrappers. On out-of-memory they print one line and abort():
 * every caller would otherwise need a path for an event we cannot recover
 * from anyway (git's xmalloc does the same). Not for use in signal handlers.
 *
 * A program embedding this code where aborting is not acceptable (libkiln,
 * inside other people's programs) defines the two weak hooks below; the
 * kiln CLI defines neither and keeps message-and-abort. They are functions,
 * not state: base keeps no global variable for them. */
#ifndef KILN_BASE_ALLOC_H
#define KILN_BASE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array to hold at least `need` elements of `elem` bytes, doubling;
 * updates *cap (only once the array has grown). Returns the (possibly moved)
 * array. */
void *xgrow(void *p, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Called when an allocation of `n` bytes failed, before the message and
 * abort(). It does not return when it can recover (libkiln longjmps to the
 * writer's recovery point, src/runtime/nomem.c). Weak: NULL when undefined. */
void xalloc_failed_hook(size_t n) __attribute__((weak));
/* Called before each allocation; true makes it fail as if malloc had
 * returned NULL (fault injection in tests). Weak: NULL when undefined. */
bool xalloc_inject_hook(size_t n) __attribute__((weak));

#endif
