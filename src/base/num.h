/* Integer arithmetic and conversions that C leaves undefined for some
 * inputs, made total. Profile values are untrusted 64-bit integers that
 * reports negate, sum and scale by doubles, so `v < 0 ? -v : v` (INT64_MIN),
 * `a + b` (overflow) and `(int64_t)d` (out of range, NaN) are undefined
 * behaviour on real inputs: use these instead. All are inline and pure
 * (safe in libkiln's signal handlers too).
 *
 * Go defines what C does not, and kiln's pprof reports mirror it with the
 * go_ functions: int64 arithmetic wraps, so pprof's abs64(INT64_MIN) is
 * INT64_MIN. A float conversion out of range is unspecified in Go (amd64
 * gives INT64_MIN, arm64 saturates); kiln saturates, which prints the same
 * percentages as pprof on amd64 and the same values as pprof on arm64. */
#ifndef KILN_BASE_NUM_H
#define KILN_BASE_NUM_H

#include <stdint.h>

/* |v| as an unsigned number, exact for every v: 2^63 for INT64_MIN. */
static inline uint64_t mag64(int64_t v)
{
	return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

/* -v, saturated: INT64_MIN, which has no opposite, gives INT64_MAX. */
static inline int64_t neg_sat64(int64_t v)
{
	return v == INT64_MIN ? INT64_MAX : -v;
}

/* pprof's abs64(): |v|, except that INT64_MIN stays INT64_MIN as Go's
 * negation wraps (the unsigned-to-signed conversion wraps in gcc and clang),
 * so it sorts and compares as the most negative value, as in pprof. */
static inline int64_t go_abs64(int64_t v)
{
	return (int64_t)mag64(v);
}

/* Go's int64 a + b and a * b, which wrap around where C's overflow is
 * undefined (the conversion back to int64_t wraps in gcc and clang). */
static inline int64_t go_add64(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static inline int64_t go_mul64(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a * (uint64_t)b);
}

/* Go's a / b for b != 0: INT64_MIN / -1 wraps to INT64_MIN. */
static inline int64_t go_div64(int64_t a, int64_t b)
{
	return b == -1 ? go_mul64(a, -1) : a / b;
}

/* d truncated toward zero like a cast, saturated to [INT64_MIN, INT64_MAX];
 * NaN gives 0. */
static inline int64_t f64_to_i64(double d)
{
	if (d != d)
		return 0;
	if (d >= 9223372036854775808.0)
		return INT64_MAX;
	if (d < -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)d;
}

/* The same into [0, UINT64_MAX]: negative values and NaN give 0. */
static inline uint64_t f64_to_u64(double d)
{
	if (!(d > 0))
		return 0;
	if (d >= 18446744073709551616.0)
		return UINT64_MAX;
	return (uint64_t)d;
}

#endif
