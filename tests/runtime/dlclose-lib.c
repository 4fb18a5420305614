/* A library that allocates: some blocks it frees, some it leaves to its
 * caller after it is dlclose'd, so a heap profile holds stacks in code
 * that is no longer mapped when the profile is written. */
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void *lib_alloc(size_t n)
{
	void *p = malloc(n);

	if (p)
		memset(p, 1, n);
	return p;
}

void **lib_work(int rounds, size_t keep)
{
	void **kept = malloc(keep * sizeof(*kept));

	for (int i = 0; i < rounds; i++)
		free(lib_alloc(4096 + (size_t)i));
	for (size_t i = 0; kept && i < keep; i++)
		kept[i] = lib_alloc(65536);
	return kept;
}
