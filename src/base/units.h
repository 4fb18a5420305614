/* Units of measurement and how kiln prints numbers, following pprof's
 * internal/measurement package so reports match `go tool pprof` digit for
 * digit: unit families (memory B..PB in powers of 1024, time ns..hrs, GCU in
 * powers of 1000), automatic scaling, `%.2f` labels with `.00` trimmed, and
 * pprof's percentage style. Also Go's time.Duration text, used by raw dumps.
 *
 * Unit names returned as `const char *` are either static canonical names
 * ("ms", "MB"), "" (no unit), or the caller's own `to` argument when the unit
 * is unknown; they live as long as that argument. */
#ifndef KILN_BASE_UNITS_H
#define KILN_BASE_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Converts `value` expressed in `from` into `to`. `to` may be "minimum" or
 * "auto" (pick the largest unit that keeps the value >= 1). Returns the
 * converted value and sets *unit (never NULL) to the unit it is expressed
 * in: unknown units pass through unscaled, with "" for to = "count",
 * "sample", "unit", "minimum" or "auto" and `to` itself otherwise. */
double units_scale(int64_t value, const char *from, const char *to, const char **unit);

/* Appends pprof's ScaledLabel: units_scale() printed "%.2f", a trailing
 * ".00" removed, unit appended; zero prints as "0" without unit. */
void units_add_label(struct kbuf *b, int64_t value, const char *from, const char *to);
/* The same into a caller buffer (truncated to n-1 bytes); returns buf. */
char *units_label(char *buf, size_t n, int64_t value, const char *from, const char *to);

/* pprof's Percentage(value, total): "  100%" near 100, "%5.2f%%" at or
 * above 1, "%5.2g%%" below; always positive. buf needs 32 bytes. */
char *units_percent(char buf[32], int64_t value, int64_t total);

/* True when `unit` belongs to a known family (memory, time, GCU). */
bool units_known(const char *unit);
/* True when two units are of one family or equal (pprof's
 * compatibleValueTypes on units). */
bool units_compatible(const char *a, const char *b);

/* Go's time.Duration.String() of a nanosecond count ("1.5s", "704.741ms",
 * "2h0m0s"). buf needs 40 bytes. */
char *units_go_duration(char buf[40], int64_t ns);

#endif
