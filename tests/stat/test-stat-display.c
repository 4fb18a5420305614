/* kiln stat's output on synthetic counts, for the paths this VM cannot
 * produce for real: hardware counters with their metrics (GHz, insn per
 * cycle, miss ratios), multiplexing (scaled counts and the running %),
 * <not counted>, the +- column of -r, and perf's CSV/JSON fields. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "report/stat.h"
#include "events/counters.h"
#include "events/events.h"

enum { TASK, CYC, INS, BR, BRM, PF, CREF, CMISS, NEV };

static const char *line_of(const char *text, int n, char *buf, size_t len)
{
	const char *p = text;

	for (int i = 0; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return "";
	snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
	return buf;
}

static void fill(struct stat_count *c)
{
	memset(c, 0, NEV * sizeof(*c));
	/* 2 s of task-clock in 1 s of wall time. */
	c[TASK] = (struct stat_count){ STAT_COUNTED, 2e9, 2e9, 2e9, { 0, 0, 0 }, false };
	/* cycles ran 2/3 of the time: val is already scaled. */
	c[CYC] = (struct stat_count){ STAT_COUNTED, 4e9, 2e9, 2e9 * 2 / 3, { 0, 0, 0 }, false };
	c[INS] = (struct stat_count){ STAT_COUNTED, 6e9, 2e9, 2e9, { 0, 0, 0 }, false };
	c[BR] = (struct stat_count){ STAT_COUNTED, 1e9, 2e9, 2e9, { 0, 0, 0 }, false };
	c[BRM] = (struct stat_count){ STAT_COUNTED, 1e7, 2e9, 2e9, { 0, 0, 0 }, false };
	c[PF] = (struct stat_count){ STAT_COUNTED, 5000, 2e9, 2e9, { 0, 0, 0 }, false };
	c[CREF] = (struct stat_count){ STAT_NOT_SUPPORTED, 0, 0, 0, { 0, 0, 0 }, false };
	c[CMISS] = (struct stat_count){ STAT_COUNTED, 0, 2e9, 0, { 0, 0, 0 }, false };
}

static void test_table(const struct event_list *evs)
{
	struct stat_display d = { STAT_FMT_STD, ",", false, 1, false, false, true, "'x'", 0 };
	struct stat_count c[NEV];
	struct kbuf b = KBUF_INIT;
	char l[256], want[256];

	fill(c);
	stat_print_counts(&b, &d, evs, c, NULL, 1e9);
	/* count(18) unit(4) name(32) " # " metric ... = 91 columns */
	CHECK_STR(line_of(b.buf, TASK, l, sizeof(l)),
		  "           2000.00 msec task-clock                       #    2.000 CPUs utilized          ");
	CHECK(strstr(line_of(b.buf, CYC, l, sizeof(l)), "        4000000000      cycles   ") == l);
	CHECK(strstr(l, "#    2.000 GHz                      (66.67%)") != NULL);
	CHECK_EQ(strlen(l), 91 + strlen("  (66.67%)"));
	CHECK(strstr(line_of(b.buf, INS, l, sizeof(l)), "#    1.50  insn per cycle         ") != NULL);
	CHECK(strstr(line_of(b.buf, BRM, l, sizeof(l)), "#    1.00% of all branches        ") != NULL);
	/* rates divide by task-clock: 5000 / 2 s */
	CHECK(strstr(line_of(b.buf, PF, l, sizeof(l)), "#    2.500 K/sec") != NULL);
	CHECK(strstr(line_of(b.buf, BR, l, sizeof(l)), "#  500.000 M/sec") != NULL);
	/* not supported / not counted: 25-column name, 35 blank metric columns */
	snprintf(want, sizeof(want), "%18s %-4s %-25s%35s", "<not supported>", "",
		 "cache-references", "");
	CHECK_STR(line_of(b.buf, CREF, l, sizeof(l)), want);
	/* enabled but never running: perf shows the 0% running too */
	snprintf(want, sizeof(want), "%18s %-4s %-25s%35s  (0.00%%)", "<not counted>", "",
		 "cache-misses", "");
	CHECK_STR(line_of(b.buf, CMISS, l, sizeof(l)), want);
	kbuf_release(&b);
}

static void test_csv_json(const struct event_list *evs)
{
	struct stat_display d = { STAT_FMT_CSV, ";", false, 1, false, false, false, "'x'", 0 };
	struct stat_count c[NEV];
	struct kbuf b = KBUF_INIT;
	char l[512];

	fill(c);
	stat_print_counts(&b, &d, evs, c, NULL, 1e9);
	CHECK_STR(line_of(b.buf, TASK, l, sizeof(l)),
		  "2000.00;msec;task-clock;2000000000;100.00;2.000;CPUs utilized");
	/* perf divides integers for the running percentage: 66, not 66.67 */
	CHECK_STR(line_of(b.buf, CYC, l, sizeof(l)), "4000000000;;cycles;1333333333;66.00;2.000;GHz");
	CHECK_STR(line_of(b.buf, BRM, l, sizeof(l)),
		  "10000000;;branch-misses;2000000000;100.00;1.00;of all branches");
	CHECK_STR(line_of(b.buf, CREF, l, sizeof(l)), "<not supported>;;cache-references;0;100.00;;");
	kbuf_reset(&b);

	d.fmt = STAT_FMT_JSON;
	stat_print_counts(&b, &d, evs, c, NULL, 1e9);
	CHECK_STR(line_of(b.buf, INS, l, sizeof(l)),
		  "{\"counter-value\" : \"6000000000.000000\", \"unit\" : \"\", \"event\" : "
		  "\"instructions\", \"event-runtime\" : 2000000000, \"pcnt-running\" : 100.00, "
		  "\"metric-value\" : 1.500000, \"metric-unit\" : \"insn per cycle\"}");
	CHECK_STR(line_of(b.buf, CMISS, l, sizeof(l)),
		  "{\"counter-value\" : \"<not counted>\", \"unit\" : \"\", \"event\" : "
		  "\"cache-misses\", \"event-runtime\" : 0, \"pcnt-running\" : 0.00, "
		  "\"metric-value\" : 0.000000, \"metric-unit\" : \"\"}");
	kbuf_release(&b);
}

static void test_repeat_and_footer(const struct event_list *evs)
{
	struct stat_display d = { STAT_FMT_STD, ",", false, 3, false, false, false, "'x'", 0 };
	struct stat_count c[NEV];
	struct stat_stats wall = { 0, 0, 0 };
	struct kbuf b = KBUF_INIT;
	double xs[3] = { 1e9, 2e9, 3e9 }, sd, pct;
	char l[256], want[64];

	fill(c);
	for (int i = 0; i < 3; i++) {
		stat_stats_update(&c[TASK].runs, xs[i]);
		stat_stats_update(&wall, xs[i] / 2);
	}
	/* standard error of the mean of 1,2,3: sqrt(var/n) with var = 1 */
	sd = sqrt(1.0 / 3);
	CHECK(fabs(stat_stats_stddev_mean(&c[TASK].runs) - sd * 1e9) < 1);
	pct = 100 * sd / 2;
	stat_print_counts(&b, &d, evs, c, NULL, 1e9);
	snprintf(want, sizeof(want), "  ( +-%6.2f%% )", pct);
	line_of(b.buf, TASK, l, sizeof(l));
	CHECK(strlen(l) > strlen(want) && !strcmp(l + strlen(l) - strlen(want), want));
	kbuf_reset(&b);

	stat_print_header(&b, &d, evs);
	CHECK_STR(b.buf, "\n Performance counter stats for 'x' (3 runs):\n\n");
	kbuf_reset(&b);
	stat_print_footer(&b, &d, &wall, 0, 0);
	/* mean 1 s, sem 0.2887 s: 0 digits before + 2 more = 3 decimals */
	CHECK_STR(b.buf, "\n             1.000 +- 0.289 seconds time elapsed  ( +- 28.87% )\n\n");
	kbuf_reset(&b);

	d.runs = 1;
	d.ru_display = true;
	stat_print_footer(&b, &d, &wall, 0.25, 0.5);
	CHECK_STR(b.buf, "\n       1.000000000 seconds time elapsed\n\n"
		  "       0.250000000 seconds user\n       0.500000000 seconds sys\n\n\n");
	kbuf_release(&b);
}

/* Multiplexed counts are extrapolated to the enabled time, as perf does. */
static void test_scaling(void)
{
	struct counter_value full = { 1000, 500, 500 }, part = { 1000, 900, 300 },
			     never = { 7, 100, 0 }, odd = { 10, 3, 2 }, frac = { 10, 2, 3 }, trunc = { 7, 3, 2 };

	counter_value_scale(&full);
	CHECK_EQ(full.val, 1000);
	counter_value_scale(&part);
	CHECK_EQ(part.val, 1000 * 900 / 300);
	CHECK_EQ(part.ena, 900);
	CHECK_EQ(part.run, 300);
	counter_value_scale(&never);
	CHECK_EQ(never.val, 0);
	counter_value_scale(&odd);
	CHECK_EQ(odd.val, 15);
	counter_value_scale(&frac); /* ran longer than enabled: left alone */
	CHECK_EQ(frac.val, 10);
	counter_value_scale(&trunc); /* 10.5 truncated, as perf does */
	CHECK_EQ(trunc.val, 10);
}

int main(void)
{
	struct event_list evs = EVENT_LIST_INIT;
	struct kerr err = KERR_INIT;

	if (events_parse("task-clock,cycles,instructions,branches,branch-misses,page-faults,"
			 "cache-references,cache-misses", &evs, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	test_table(&evs);
	test_csv_json(&evs);
	test_repeat_and_footer(&evs);
	test_scaling();
	event_list_release(&evs);
	return CHECK_DONE();
}
