/* Number and unit formatting against the outputs pprof.md §4.8 lists as
 * verified with go tool pprof, plus Go's Duration text and the unit
 * conversions merging relies on. */
#include <math.h>

#include "../unit/check.h"
#include "base/units.h"

static void label(int64_t v, const char *from, const char *to, const char *want)
{
	char buf[64];

	CHECK_STR(units_label(buf, sizeof(buf), v, from, to), want);
}

static void pct(int64_t v, int64_t total, const char *want)
{
	char buf[32];

	CHECK_STR(units_percent(buf, v, total), want);
}

int main(void)
{
	const char *u;
	char d[40];

	label(400000000, "nanoseconds", "ms", "400ms");
	label(1500000000, "nanoseconds", "s", "1.50s");
	label(4195711, "bytes", "kB", "4097.37kB");
	label(130000000, "nanoseconds", "s", "0.13s");
	label(1000, "nanoseconds", "s", "0");           /* < 0.005 units */
	label(0, "bytes", "MB", "0");
	label(-20000000, "nanoseconds", "ms", "-20ms");
	label(13, "count", "count", "13");
	label(13, "count", "minimum", "13");
	label(5, "requests", "requests", "5requests");   /* unknown units pass through */
	label(704741000, "nanoseconds", "auto", "704.74ms");
	label(2000000000, "nanoseconds", "auto", "2s");
	label(1 << 20, "bytes", "auto", "1MB");
	label(3600000000000LL, "ns", "auto", "1hrs");
	label(7, "seconds", "ms", "7000ms");
	label(2, "microseconds", "auto", "2us");
	label(1500, "gcu", "auto", "1.50k*GCU");

	pct(0, 200, "    0%");
	pct(1, 200, "  0.5%");
	pct(24, 20000, " 0.12%");
	pct(1, 100000, "0.001%");
	pct(1, 10000000, "1e-05%");
	pct(1, 3, "33.33%");
	pct(3, 2, "150.00%");
	pct(-20, 100, "20.00%");
	pct(1999, 2000, "  100%");
	pct(5, 0, "    0%");

	/* Conversions used when merging profiles of different units. */
	CHECK(units_scale(1, "milliseconds", "nanoseconds", &u) == 1e6);
	CHECK_STR(u, "ns");
	CHECK(units_scale(1, "nanoseconds", "ms", &u) < 1);
	CHECK(units_scale(2, "kilobytes", "bytes", &u) == 2048);
	CHECK(units_compatible("bytes", "MB"));
	CHECK(!units_compatible("bytes", "nanoseconds"));
	CHECK(units_compatible("count", "count"));
	CHECK(units_known("sec") && !units_known("count"));

	/* Go's time.Duration.String(). */
	CHECK_STR(units_go_duration(d, 0), "0s");
	CHECK_STR(units_go_duration(d, 2000000000), "2s");
	CHECK_STR(units_go_duration(d, 704741000), "704.741ms");
	CHECK_STR(units_go_duration(d, 1500), "1.5\xc2\xb5s");
	CHECK_STR(units_go_duration(d, 999), "999ns");
	CHECK_STR(units_go_duration(d, 3723000000000LL), "1h2m3s");
	CHECK_STR(units_go_duration(d, -1500000000), "-1.5s");
	return CHECK_DONE();
}
