/* Shared by the test workloads: burn a known amount of CPU in the calling
 * function's own frame, and a deadline clock. */
#ifndef KILN_WORKLOAD_SPIN_H
#define KILN_WORKLOAD_SPIN_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

/* The same loop as a statement, for workloads whose profile should show
 * the calling function itself as the hot leaf (no inline frame). */
#define SPIN(units, result) do { \
	volatile uint64_t x_ = 0; \
	for (uint64_t i_ = 0; i_ < (uint64_t)(units) * 100000; i_++) \
		x_ += i_ ^ (x_ >> 3); \
	(result) = x_; \
} while (0)

/* Inlined into each caller: its samples show `spin` as an inlined frame
 * of the caller (one location, two lines). */
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
