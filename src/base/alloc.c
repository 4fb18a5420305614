/* Allocation wrappers that abort on out-of-memory, unless the program's
 * xalloc_failed_hook recovers (see alloc.h). */
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	if (xalloc_failed_hook)
		xalloc_failed_hook(n);
	fprintf(stderr, "kiln: out of memory allocating %zu bytes\n", n);
	abort();
}

static inline bool injected(size_t n)
{
	return xalloc_inject_hook && xalloc_inject_hook(n);
}

void *xmalloc(size_t n)
{
	void *p = injected(n) ? NULL : malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = injected(nmemb * size) ? NULL : calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = injected(n) ? NULL : realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap;
	if (need <= c)
		return p;
	if (c < 8)
		c = 8;
	while (c < need) {
		if (c > ((size_t)-1) / 2 / elem)
			oom(need * elem);
		c *= 2;
	}
	/* *cap changes only once the array has: a recovered failure leaves
	 * the array and its capacity as they were. */
	p = xrealloc(p, c * elem);
	*cap = c;
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
