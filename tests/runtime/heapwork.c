/* Heap accuracy workload with three known allocation sites:
 *   keep_blocks   64 MiB in 4 KiB blocks, live at exit
 *   churn_blocks 256 MiB in 1 KiB blocks, each freed (batches of 256)
 *   leak_blocks   10 MiB in 1 MiB blocks, never freed
 * (~280,000 allocations). Built twice: plain, for LD_PRELOAD=libkiln.so
 * and the benchmark, and with -DUSE_API linked against libkiln, where
 * argv[1] is the sampling rate and argv[2] the output path. Argument
 * "repeat N" (plain build) runs the churn N times, for benchmarks;
 * "spawn CMD" runs the shell command CMD after the work (system()), for
 * process trees, and exits with its status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef USE_API
#include "kiln.h"
#endif

#define KIB 1024UL
#define MIB (1024UL * KIB)

static void *volatile sink;

static void *kept[64 * MIB / (4 * KIB)];

__attribute__((noinline)) void keep_blocks(void)
{
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		kept[i] = malloc(4 * KIB);
}

__attribute__((noinline)) void churn_blocks(void)
{
	enum { BATCH = 256 };
	void *b[BATCH];

	for (size_t i = 0; i < 256 * MIB / KIB / BATCH; i++) {
		for (int j = 0; j < BATCH; j++)
			b[j] = malloc(KIB);
		sink = b[i % BATCH];
		for (int j = 0; j < BATCH; j++)
			free(b[j]);
	}
}

__attribute__((noinline)) void leak_blocks(void)
{
	for (size_t i = 0; i < 10; i++)
		sink = malloc(MIB);
}

int main(int argc, char **argv)
{
	int repeat = 1;
	const char *spawn = NULL;

#ifdef USE_API
	int rc;
	if (argc != 3) {
		fprintf(stderr, "usage: %s RATE OUT.pb.gz\n", argv[0]);
		return 2;
	}
	if ((rc = kiln_heap_start(atol(argv[1])))) {
		fprintf(stderr, "kiln_heap_start: %s\n", kiln_strerror(rc));
		return 1;
	}
#else
	if (argc == 3 && strcmp(argv[1], "repeat") == 0)
		repeat = atoi(argv[2]);
	if (argc == 3 && strcmp(argv[1], "spawn") == 0)
		spawn = argv[2];
#endif
	keep_blocks();
	for (int r = 0; r < repeat; r++)
		churn_blocks();
	leak_blocks();
#ifdef USE_API
	if ((rc = kiln_heap_write(argv[2]))) {
		fprintf(stderr, "kiln_heap_write: %s: %s\n", kiln_strerror(rc), kiln_last_error());
		return 1;
	}
#endif
	sink = kept[0];
	if (spawn) {
		int st = system(spawn);
		return st == 0 ? 0 : 1;
	}
	return 0;
}
