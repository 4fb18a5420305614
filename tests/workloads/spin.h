/* Shared by the test workloads: burn a known amount of CPU in the calling
 * function's own frame, and a deadline clock. */
#ifndef KILN_WORKLOAD_SPIN_H
#define KILN_WORKLOAD_SPIN_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* Inlined into each caller so the samples land in the caller itself. */
static inline __attribute__((always_inline)) uint64_t spin(uint64_t units)
{
	volatile uint64_t x = 0;

	for (uint64_t i = 0; i < units * 100000; i++)
		x += i ^ (x >> 3);
	return x;
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double arg_seconds(int argc, char **argv, double dflt)
{
	return argc > 1 ? atof(argv[1]) : dflt;
}

#endif
