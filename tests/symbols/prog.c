/* Test program for the symbols module: a known call tree with two levels of
 * forced inlining. Run, it prints "name file-offset" lines computed from
 * /proc/self/maps (as a profiler's mapping would give them), so the test
 * compares the symbolizer against the running process, not against another
 * ELF reader. Lines marked with @tags are found by the test in this source. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void probe(void);
int outer(int x);

static void *volatile probe_ret;
static volatile int seed = 7;

__attribute__((noinline)) void probe(void)
{
	/* The return address lies in outer's code, inside the inlined leaf(). */
	probe_ret = __builtin_return_address(0);
	__asm__ volatile("" ::: "memory");
}

static inline __attribute__((always_inline)) int leaf(int x) /* @leaf_decl */
{
	probe(); /* @leaf_call */
	return x * 3;
}

static inline __attribute__((always_inline)) int middle(int x) /* @middle_decl */
{
	return leaf(x + 1) + seed; /* @middle_call */
}

__attribute__((noinline)) int outer(int x) /* @outer_decl */
{
	return middle(x) * 2; /* @outer_call */
}

/* Maps an address of this process to its offset in the file it came from. */
static int file_offset(const void *p, uint64_t *off)
{
	uintptr_t a = (uintptr_t)p;
	char line[4096];
	FILE *f = fopen("/proc/self/maps", "r");
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, pgoff;

		if (sscanf(line, "%llx-%llx %*s %llx", &start, &end, &pgoff) != 3)
			continue;
		if (a >= start && a < end) {
			*off = a - start + pgoff;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

static void print_offset(const char *name, const void *p)
{
	uint64_t off;

	if (file_offset(p, &off) == 0)
		printf("%s %" PRIx64 "\n", name, off);
}

int main(void)
{
	int r = outer(seed);

	print_offset("outer", (const void *)outer);
	print_offset("probe", (const void *)probe);
	print_offset("main", (const void *)main);
	/* Minus one: the call instruction, not the one after it. */
	print_offset("probe_ret", (const char *)probe_ret - 1);
	return r == 0;
}
