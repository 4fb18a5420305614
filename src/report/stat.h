/* kiln stat's output, byte for byte in perf stat's layouts: the table with
 * "# metric" column, -x CSV, -j JSON, interval prefixes, the elapsed/user/
 * sys footer. Pure functions from counts to a kbuf, so tests and -o need
 * no stdout. The derived metrics (CPUs utilized, /sec, GHz, insn per
 * cycle, miss ratios) follow perf's stat-shadow rules, including which
 * events must share exclude_* bits to be compared. */
#ifndef KILN_REPORT_STAT_H
#define KILN_REPORT_STAT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

#include "../base/buf.h"
#include "../events/counters.h"
#include "../events/events.h"

/* Welford running mean and variance (perf's struct stats). */
struct stat_stats {
	double n, mean, m2;
};

void stat_stats_update(struct stat_stats *s, double x);
/* Standard deviation of the mean: sqrt(M2 / (n - 1) / n); 0 for n < 2. */
double stat_stats_stddev_mean(const struct stat_stats *s);
/* 100 * stddev / mean, 0 when mean is 0 (perf's rel_stddev_stats). */
double stat_stats_rel(double stddev, double mean);

enum stat_count_state {
	STAT_COUNTED = 0,     /* a value (possibly zero) */
	STAT_NOT_SUPPORTED,   /* "<not supported>" */
	STAT_NOT_COUNTED,     /* forced "<not counted>" (e.g. group leader failed) */
};

/* One event's numbers, averaged over -r runs. val is scaled for
 * multiplexing but not by the event's unit scale. */
struct stat_count {
	enum stat_count_state state;
	double val, ena, run;       /* means over runs */
	struct stat_stats runs;     /* val per run, for the +- column */
	bool user_only;             /* opened with the :u fallback */
};

enum stat_format { STAT_FMT_STD, STAT_FMT_CSV, STAT_FMT_JSON };

struct stat_display {
	enum stat_format fmt;
	const char *sep;        /* CSV separator */
	bool big_num;           /* thousands grouping in the table (locale's) */
	int runs;               /* -r */
	bool interval;          /* -I: lines carry a timestamp prefix, no footer */
	bool null_run;          /* -n */
	bool ru_display;        /* print "seconds user/sys" (a launched command, one run) */
	const char *target;     /* "'ls -l'", "'system wide'", "process id '42'" (quotes included) */
	int interval_header_count; /* lines printed since the last interval header */
};

/* The counts of evs as the table shows them: the counters' states and
 * values, tool events filled in (duration_time from wall_ns, user_time
 * and system_time from ru when have_ru, else <not counted>). out has
 * evs->n entries. */
void stat_counts_from(const struct event_list *evs, const enum counter_state *state,
		      const bool *user_only, const struct counter_value *vals, uint64_t wall_ns,
		      bool have_ru, const struct rusage *ru, struct stat_count *out);

/* Shown unit and multiplier of an event: "msec"/1e-6 for the clocks,
 * "ns" for tool events, sysfs unit/scale for PMU aliases, else ""/1. */
const char *stat_event_unit(const struct kevent *ev);
double stat_event_scale(const struct kevent *ev);

/* " Performance counter stats for 'X' (N runs):" block (table only), or
 * for -I the "#  time  counts unit events" line every 26 intervals. */
void stat_print_header(struct kbuf *out, struct stat_display *d,
		       const struct event_list *evs);
/* One line per event. `prefix` is the interval timestamp ("%6lu.%09lu"
 * already formatted for the mode) or NULL. wall_ns is the wall time the
 * counts cover (mean over runs; the interval length with -I). */
void stat_print_counts(struct kbuf *out, const struct stat_display *d,
		       const struct event_list *evs, const struct stat_count *counts,
		       const char *prefix, double wall_ns);
/* Elapsed time (mean and +- with -r) and user/sys seconds; table only. */
void stat_print_footer(struct kbuf *out, const struct stat_display *d,
		       const struct stat_stats *wall_ns, double user_s, double sys_s);
/* The prefix for an interval line at `ns` since the start. */
void stat_interval_prefix(const struct stat_display *d, uint64_t ns, char *buf, size_t n);

#endif
