/* perf stat's three output layouts (table, -x CSV, -j JSON) and its derived
 * metrics, written into a kbuf: one line per event with the count, unit,
 * name, "# metric", "+- noise" and "(running %)" columns, plus header and
 * footer. Column widths and number formats follow perf 6.1's
 * stat-display.c; the metrics follow stat-shadow.c. A few dozen lines per
 * call. */
#include "stat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define CNTR_NOT_SUPPORTED "<not supported>"
#define CNTR_NOT_COUNTED "<not counted>"
/* perf 6.1's widths: names take 32 columns on counted lines but 25 on
 * <not counted>/<not supported> ones (two code paths in perf). */
#define METRIC_LEN 35
#define EVNAME_LEN 32
#define EVNAME_LEN_BAD 25
#define COUNTS_LEN 18
#define INTERVAL_LEN 16
#define UNIT_WIDTH_MIN 4

/* ---- statistics -------------------------------------------------------- */

void stat_stats_update(struct stat_stats *s, double x)
{
	double delta;

	s->n++;
	delta = x - s->mean;
	s->mean += delta / s->n;
	s->m2 += delta * (x - s->mean);
}

double stat_stats_stddev_mean(const struct stat_stats *s)
{
	if (s->n < 2)
		return 0.0;
	/* perf prints the standard error of the mean, not the sample stddev. */
	return sqrt(s->m2 / (s->n - 1) / s->n);
}

double stat_stats_rel(double stddev, double mean)
{
	return mean ? 100.0 * stddev / mean : 0.0;
}

/* ---- units ------------------------------------------------------------- */

const char *stat_event_unit(const struct kevent *ev)
{
	if (kevent_is_clock(ev))
		return "msec";
	if (ev->tool != KEVENT_TOOL_NONE)
		return "ns";
	return ev->unit ? ev->unit : "";
}

double stat_event_scale(const struct kevent *ev)
{
	if (kevent_is_clock(ev))
		return 1e-6;
	return ev->scale ? ev->scale : 1.0;
}

static int unit_width(const struct event_list *evs)
{
	int w = UNIT_WIDTH_MIN;

	for (size_t i = 0; i < evs->n; i++) {
		int l = (int)strlen(stat_event_unit(&evs->v[i]));
		if (l > w)
			w = l;
	}
	return w;
}

/* ---- shadow statistics: the events other events' metrics divide by ---- */

enum shadow {
	SH_NSECS, SH_CYCLES, SH_STALLED_FRONT, SH_STALLED_BACK, SH_BRANCHES, SH_CACHEREFS,
	SH_L1D, SH_L1I, SH_LL, SH_DTLB, SH_ITLB, SH_SMI, SH_APERF, SH_COUNT
};

#define NCTX 32

struct shadow_tab {
	double sum[SH_COUNT][NCTX];
	int n[SH_COUNT][NCTX];
};

/* perf compares events only within the same exclude_* context. */
static int ctx_of(const struct perf_event_attr *a)
{
	return (a->exclude_kernel ? 2 : 0) | (a->exclude_user ? 1 : 0) |
	       (a->exclude_hv ? 4 : 0) | (a->exclude_host ? 8 : 0) | (a->exclude_idle ? 16 : 0);
}

static bool is_hw(const struct kevent *ev, uint64_t config)
{
	return ev->tool == KEVENT_TOOL_NONE && ev->attr.type == PERF_TYPE_HARDWARE &&
	       ev->attr.config == config;
}

static bool is_cache(const struct kevent *ev, unsigned type)
{
	return ev->tool == KEVENT_TOOL_NONE && ev->attr.type == PERF_TYPE_HW_CACHE &&
	       (ev->attr.config & 0xff) == type;
}

/* Cache read misses of a given cache type (perf's L1-dcache-load-misses). */
static bool is_read_miss(const struct kevent *ev, unsigned type)
{
	return ev->tool == KEVENT_TOOL_NONE && ev->attr.type == PERF_TYPE_HW_CACHE &&
	       ev->attr.config == (type | (PERF_COUNT_HW_CACHE_OP_READ << 8) |
				   (PERF_COUNT_HW_CACHE_RESULT_MISS << 16));
}

/* perf recognises the SMI cost events by their names. */
static bool is_named(const struct kevent *ev, const char *name)
{
	return ev->name && !strcmp(ev->name, name);
}

static void shadow_add(struct shadow_tab *t, enum shadow k, int ctx, double v)
{
	t->sum[k][ctx] += v;
	t->n[k][ctx]++;
}

static double shadow_avg(const struct shadow_tab *t, enum shadow k, int ctx)
{
	return t->n[k][ctx] ? t->sum[k][ctx] / t->n[k][ctx] : 0.0;
}

static void shadow_build(struct shadow_tab *t, const struct event_list *evs,
			 const struct stat_count *c)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < evs->n; i++) {
		const struct kevent *ev = &evs->v[i];
		int ctx = ctx_of(&ev->attr);
		double v = c[i].val;

		if (c[i].state == STAT_NOT_SUPPORTED)
			continue;
		if (kevent_is_clock(ev))
			shadow_add(t, SH_NSECS, 0, v); /* clocks ignore the context */
		else if (is_hw(ev, PERF_COUNT_HW_CPU_CYCLES))
			shadow_add(t, SH_CYCLES, ctx, v);
		else if (is_hw(ev, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND))
			shadow_add(t, SH_STALLED_FRONT, ctx, v);
		else if (is_hw(ev, PERF_COUNT_HW_STALLED_CYCLES_BACKEND))
			shadow_add(t, SH_STALLED_BACK, ctx, v);
		else if (is_hw(ev, PERF_COUNT_HW_BRANCH_INSTRUCTIONS))
			shadow_add(t, SH_BRANCHES, ctx, v);
		else if (is_hw(ev, PERF_COUNT_HW_CACHE_REFERENCES))
			shadow_add(t, SH_CACHEREFS, ctx, v);
		else if (is_cache(ev, PERF_COUNT_HW_CACHE_L1D))
			shadow_add(t, SH_L1D, ctx, v);
		else if (is_cache(ev, PERF_COUNT_HW_CACHE_L1I))
			shadow_add(t, SH_L1I, ctx, v);
		else if (is_cache(ev, PERF_COUNT_HW_CACHE_LL))
			shadow_add(t, SH_LL, ctx, v);
		else if (is_cache(ev, PERF_COUNT_HW_CACHE_DTLB))
			shadow_add(t, SH_DTLB, ctx, v);
		else if (is_cache(ev, PERF_COUNT_HW_CACHE_ITLB))
			shadow_add(t, SH_ITLB, ctx, v);
		else if (is_named(ev, "msr/smi/"))
			shadow_add(t, SH_SMI, ctx, v);
		else if (is_named(ev, "msr/aperf/"))
			shadow_add(t, SH_APERF, ctx, v);
	}
}

/* ---- one output line ---------------------------------------------------- */

struct line {
	struct kbuf *out;
	const struct stat_display *d;
	const char *prefix;
	bool newline;   /* table: a second metric goes on its own line */
};

static void do_new_line_std(struct line *l)
{
	kbuf_addch(l->out, '\n');
	kbuf_addstr(l->out, l->prefix ? l->prefix : "");
	kbuf_addf(l->out, "%49s", "");
}

static void new_line(struct line *l)
{
	switch (l->d->fmt) {
	case STAT_FMT_STD:
		l->newline = true;
		break;
	case STAT_FMT_CSV:
		kbuf_addch(l->out, '\n');
		kbuf_addstr(l->out, l->prefix ? l->prefix : "");
		for (int i = 0; i < 3; i++)
			kbuf_addstr(l->out, l->d->sep);
		break;
	case STAT_FMT_JSON:
		kbuf_addch(l->out, '\n');
		kbuf_addstr(l->out, l->prefix ? l->prefix : "");
		break;
	}
}

/* fmt and unit NULL-able as in perf: a NULL fmt prints an empty metric
 * with that unit (JSON) or blanks (table, CSV). */
static void print_metric(struct line *l, const char *fmt, const char *unit, double val)
{
	struct kbuf *out = l->out;
	char num[64];

	switch (l->d->fmt) {
	case STAT_FMT_STD: {
		bool newline = l->newline;
		int n;

		l->newline = false;
		if (!unit || !fmt) {
			kbuf_addf(out, "%-*s", METRIC_LEN, "");
			return;
		}
		if (newline)
			do_new_line_std(l);
		snprintf(num, sizeof(num), fmt, val);
		n = 3 + (int)strlen(num);
		kbuf_addf(out, " # %s %-*s", num, METRIC_LEN - n - 1, unit);
		return;
	}
	case STAT_FMT_CSV: {
		char *v, *end;

		if (!unit || !fmt) {
			kbuf_addf(out, "%s%s", l->d->sep, l->d->sep);
			return;
		}
		/* perf keeps only the number: "  12.34 %" becomes "12.34". */
		snprintf(num, sizeof(num), fmt, val);
		v = num;
		while (*v == ' ')
			v++;
		end = v;
		while ((*end >= '0' && *end <= '9') || *end == '.')
			end++;
		*end = '\0';
		while (*unit == ' ')
			unit++;
		kbuf_addf(out, "%s%s%s%s", l->d->sep, v, l->d->sep, unit);
		return;
	}
	case STAT_FMT_JSON:
		/* perf prints "(null)" for a missing unit; kiln prints "". */
		kbuf_addf(out, "\"metric-value\" : %f, \"metric-unit\" : \"%s\"}", val,
			  unit ? unit : "");
		return;
	}
}

static void print_ratio(struct line *l, double avg, double total, int n, const char *fmt,
			const char *unit)
{
	if (n)
		print_metric(l, fmt, unit, total ? avg / total * 100.0 : 0.0);
	else
		print_metric(l, NULL, unit, 0);
}

/* perf's convert_unit_double: K, M, G steps of 1000. */
static double scale_rate(double v, char *unit)
{
	*unit = ' ';
	if (v > 1000.0) {
		v /= 1000.0;
		*unit = 'K';
	}
	if (v > 1000.0) {
		v /= 1000.0;
		*unit = 'M';
	}
	if (v > 1000.0) {
		v /= 1000.0;
		*unit = 'G';
	}
	return v;
}

static void print_shadow(struct line *l, const struct kevent *ev, double avg,
			 const struct shadow_tab *t, double wall_ns)
{
	int ctx = ctx_of(&ev->attr);
	double total;

	if (is_hw(ev, PERF_COUNT_HW_INSTRUCTIONS)) {
		total = shadow_avg(t, SH_CYCLES, ctx);
		if (total)
			print_metric(l, "%7.2f ", "insn per cycle", avg / total);
		else
			print_metric(l, NULL, "insn per cycle", 0);
		total = fmax(shadow_avg(t, SH_STALLED_FRONT, ctx),
			     shadow_avg(t, SH_STALLED_BACK, ctx));
		if (total && avg) {
			new_line(l);
			print_metric(l, "%7.2f ", "stalled cycles per insn", total / avg);
		}
	} else if (is_hw(ev, PERF_COUNT_HW_BRANCH_MISSES)) {
		print_ratio(l, avg, shadow_avg(t, SH_BRANCHES, ctx), t->n[SH_BRANCHES][ctx],
			    "%7.2f%%", "of all branches");
	} else if (is_read_miss(ev, PERF_COUNT_HW_CACHE_L1D)) {
		print_ratio(l, avg, shadow_avg(t, SH_L1D, ctx), t->n[SH_L1D][ctx], "%7.2f%%",
			    "of all L1-dcache accesses");
	} else if (is_read_miss(ev, PERF_COUNT_HW_CACHE_L1I)) {
		print_ratio(l, avg, shadow_avg(t, SH_L1I, ctx), t->n[SH_L1I][ctx], "%7.2f%%",
			    "of all L1-icache accesses");
	} else if (is_read_miss(ev, PERF_COUNT_HW_CACHE_DTLB)) {
		print_ratio(l, avg, shadow_avg(t, SH_DTLB, ctx), t->n[SH_DTLB][ctx], "%7.2f%%",
			    "of all dTLB cache accesses");
	} else if (is_read_miss(ev, PERF_COUNT_HW_CACHE_ITLB)) {
		print_ratio(l, avg, shadow_avg(t, SH_ITLB, ctx), t->n[SH_ITLB][ctx], "%7.2f%%",
			    "of all iTLB cache accesses");
	} else if (is_read_miss(ev, PERF_COUNT_HW_CACHE_LL)) {
		print_ratio(l, avg, shadow_avg(t, SH_LL, ctx), t->n[SH_LL][ctx], "%7.2f%%",
			    "of all LL-cache accesses");
	} else if (is_hw(ev, PERF_COUNT_HW_CACHE_MISSES)) {
		print_ratio(l, avg, shadow_avg(t, SH_CACHEREFS, ctx), t->n[SH_CACHEREFS][ctx],
			    "%8.3f %%", "of all cache refs");
	} else if (is_hw(ev, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND)) {
		total = shadow_avg(t, SH_CYCLES, ctx);
		double ratio = total ? avg / total * 100.0 : 0.0;
		if (ratio)
			print_metric(l, "%7.2f%%", "frontend cycles idle", ratio);
		else
			print_metric(l, NULL, "frontend cycles idle", 0);
	} else if (is_hw(ev, PERF_COUNT_HW_STALLED_CYCLES_BACKEND)) {
		total = shadow_avg(t, SH_CYCLES, ctx);
		print_metric(l, "%7.2f%%", "backend cycles idle", total ? avg / total * 100.0 : 0);
	} else if (is_hw(ev, PERF_COUNT_HW_CPU_CYCLES)) {
		total = shadow_avg(t, SH_NSECS, 0);
		if (total)
			print_metric(l, "%8.3f", "GHz", avg / total);
		else
			print_metric(l, NULL, "Ghz", 0); /* sic: perf's spelling here */
	} else if (kevent_is_clock(ev)) {
		if (wall_ns)
			print_metric(l, "%8.3f", "CPUs utilized",
				     avg / (wall_ns * stat_event_scale(ev)));
		else
			print_metric(l, NULL, "CPUs utilized", 0);
	} else if (t->n[SH_NSECS][0]) {
		char unit = ' ', unit_buf[10] = "/sec";
		double ratio = 0;

		total = shadow_avg(t, SH_NSECS, 0);
		if (total)
			ratio = scale_rate(1e9 * avg / total, &unit);
		if (unit != ' ')
			snprintf(unit_buf, sizeof(unit_buf), "%c/sec", unit);
		print_metric(l, "%8.3f", unit_buf, ratio);
	} else if (is_named(ev, "msr/smi/")) {
		/* Cycles lost to SMIs: shown only with msr/aperf/ and cycles. */
		double smi = shadow_avg(t, SH_SMI, ctx), aperf = shadow_avg(t, SH_APERF, ctx);
		double cycles = shadow_avg(t, SH_CYCLES, ctx);

		if (cycles && aperf) {
			print_metric(l, "%8.1f%%", "SMI cycles%",
				     smi ? (aperf - cycles) / aperf * 100.0 : 0.0);
			print_metric(l, "%4.0f", "SMI#", smi);
		}
	} else {
		print_metric(l, NULL, NULL, 0);
	}
}

static const char *bad_count(const struct stat_count *c)
{
	return c->state == STAT_NOT_SUPPORTED ? CNTR_NOT_SUPPORTED : CNTR_NOT_COUNTED;
}

static void print_value(struct line *l, const struct kevent *ev, const struct stat_count *c,
			double uval, bool ok, int uw, const char *name)
{
	struct kbuf *out = l->out;
	double sc = stat_event_scale(ev);
	bool frac = floor(sc) != sc;
	const char *unit = stat_event_unit(ev);

	switch (l->d->fmt) {
	case STAT_FMT_STD:
		if (ok && l->d->big_num)
			kbuf_addf(out, frac ? "%'*.2f " : "%'*.0f ", COUNTS_LEN, uval);
		else if (ok)
			kbuf_addf(out, frac ? "%*.2f " : "%*.0f ", COUNTS_LEN, uval);
		else
			kbuf_addf(out, "%*s ", COUNTS_LEN, bad_count(c));
		kbuf_addf(out, "%-*s ", uw, unit);
		kbuf_addf(out, "%-*s", ok ? EVNAME_LEN : EVNAME_LEN_BAD, name);
		break;
	case STAT_FMT_CSV:
		if (ok)
			kbuf_addf(out, frac ? "%.2f%s" : "%.0f%s", uval, l->d->sep);
		else
			kbuf_addf(out, "%s%s", bad_count(c), l->d->sep);
		kbuf_addf(out, "%s%s%s", unit, l->d->sep, name);
		break;
	case STAT_FMT_JSON:
		if (ok)
			kbuf_addf(out, "\"counter-value\" : \"%f\", ", uval);
		else
			kbuf_addf(out, "\"counter-value\" : \"%s\", ", bad_count(c));
		kbuf_addf(out, "\"unit\" : \"%s\", \"event\" : \"%s\", ", unit, name);
		break;
	}
}

static void print_noise(struct line *l, const struct stat_count *c, bool before_metric)
{
	double pct;

	if (l->d->runs <= 1)
		return;
	pct = stat_stats_rel(stat_stats_stddev_mean(&c->runs), c->runs.mean);
	switch (l->d->fmt) {
	case STAT_FMT_STD:
		if (!before_metric && pct)
			kbuf_addf(l->out, "  ( +-%6.2f%% )", pct);
		break;
	case STAT_FMT_CSV:
		if (before_metric)
			kbuf_addf(l->out, "%s%.2f%%", l->d->sep, pct);
		break;
	case STAT_FMT_JSON:
		if (before_metric)
			kbuf_addf(l->out, "\"variance\" : %.2f, ", pct);
		break;
	}
}

static void print_running(struct line *l, uint64_t run, uint64_t ena, bool before_metric)
{
	/* perf divides integers here, so CSV/JSON show whole percents. */
	double pct = run != ena && ena ? (double)(100 * run / ena) : 100.0;

	switch (l->d->fmt) {
	case STAT_FMT_STD:
		if (!before_metric && run != ena)
			kbuf_addf(l->out, "  (%.2f%%)", 100.0 * run / ena);
		break;
	case STAT_FMT_CSV:
		if (before_metric)
			kbuf_addf(l->out, "%s%llu%s%.2f", l->d->sep, (unsigned long long)run,
				  l->d->sep, pct);
		break;
	case STAT_FMT_JSON:
		if (before_metric)
			kbuf_addf(l->out, "\"event-runtime\" : %llu, \"pcnt-running\" : %.2f, ",
				  (unsigned long long)run, pct);
		break;
	}
}

void stat_print_counts(struct kbuf *out, const struct stat_display *d,
		       const struct event_list *evs, const struct stat_count *counts,
		       const char *prefix, double wall_ns)
{
	struct shadow_tab tab;
	int uw = unit_width(evs);

	shadow_build(&tab, evs, counts);
	for (size_t i = 0; i < evs->n; i++) {
		const struct kevent *ev = &evs->v[i];
		const struct stat_count *c = &counts[i];
		struct line l = { out, d, prefix, false };
		uint64_t run = (uint64_t)(c->run + 0.5), ena = (uint64_t)(c->ena + 0.5);
		bool ok = c->state == STAT_COUNTED && run && ena;
		double uval = c->val * stat_event_scale(ev);
		struct kbuf name = KBUF_INIT;

		kbuf_addstr(&name, ev->name);
		if (c->user_only)
			kbuf_addstr(&name, ":u");
		if (prefix)
			kbuf_addstr(out, prefix);
		else if (d->fmt == STAT_FMT_JSON)
			kbuf_addch(out, '{');
		print_value(&l, ev, c, uval, ok, uw, name.buf);
		print_noise(&l, c, true);
		print_running(&l, run, ena, true);
		if (ok)
			print_shadow(&l, ev, uval, &tab, wall_ns);
		else
			print_metric(&l, NULL, "", 0);
		print_noise(&l, c, false);
		print_running(&l, run, ena, false);
		kbuf_addch(out, '\n');
		kbuf_release(&name);
	}
}

void stat_interval_prefix(const struct stat_display *d, uint64_t ns, char *buf, size_t n)
{
	unsigned long s = (unsigned long)(ns / 1000000000ull), frac = (unsigned long)(ns % 1000000000ull);

	if (d->fmt == STAT_FMT_CSV)
		snprintf(buf, n, "%6lu.%09lu%s", s, frac, d->sep);
	else if (d->fmt == STAT_FMT_JSON)
		snprintf(buf, n, "{\"interval\" : %lu.%09lu, ", s, frac);
	else
		snprintf(buf, n, "%6lu.%09lu ", s, frac);
}

void stat_print_header(struct kbuf *out, struct stat_display *d, const struct event_list *evs)
{
	if (d->fmt != STAT_FMT_STD)
		return;
	if (d->interval) {
		/* Repeated every 26 intervals, as perf does, so it stays in view. */
		if (d->interval_header_count == 0)
			kbuf_addf(out, "#%*s %*s %*s events\n", INTERVAL_LEN - 1, "time",
				  COUNTS_LEN, "counts", unit_width(evs), "unit");
		if (d->interval_header_count++ == 25)
			d->interval_header_count = 0;
		return;
	}
	kbuf_addf(out, "\n Performance counter stats for %s", d->target);
	if (d->runs > 1)
		kbuf_addf(out, " (%d runs)", d->runs);
	kbuf_addstr(out, ":\n\n");
}

/* Digits worth printing: 2 more than the stddev's first significant one. */
static int precision_for(double sd)
{
	if (sd > 1)
		return 0;
	if (sd <= 0)
		return 7; /* all runs equal: perf's formula would take log10(0) */
	return (int)lround(ceil(-log10(sd)));
}

void stat_print_footer(struct kbuf *out, const struct stat_display *d,
		       const struct stat_stats *wall_ns, double user_s, double sys_s)
{
	double avg = wall_ns->mean / 1e9;

	if (d->interval || d->fmt != STAT_FMT_STD)
		return;
	if (!d->null_run)
		kbuf_addch(out, '\n');
	if (d->runs <= 1) {
		kbuf_addf(out, " %17.9f seconds time elapsed", avg);
		if (d->ru_display) {
			kbuf_addstr(out, "\n\n");
			kbuf_addf(out, " %17.9f seconds user\n", user_s);
			kbuf_addf(out, " %17.9f seconds sys\n", sys_s);
		}
	} else {
		double sd = stat_stats_stddev_mean(wall_ns) / 1e9;
		int prec = precision_for(sd) + 2;
		double pct = stat_stats_rel(sd, avg);

		kbuf_addf(out, " %17.*f +- %.*f seconds time elapsed", prec, avg, prec, sd);
		if (pct)
			kbuf_addf(out, "  ( +-%6.2f%% )", pct);
	}
	kbuf_addstr(out, "\n\n");
}

void stat_counts_from(const struct event_list *evs, const enum counter_state *state,
		      const bool *user_only, const struct counter_value *vals, uint64_t wall_ns,
		      bool have_ru, const struct rusage *ru, struct stat_count *out)
{
	for (size_t i = 0; i < evs->n; i++) {
		const struct kevent *ev = &evs->v[i];
		struct stat_count *c = &out[i];
		uint64_t v = vals[i].val;

		memset(c, 0, sizeof(*c));
		c->val = (double)vals[i].val;
		c->ena = (double)vals[i].ena;
		c->run = (double)vals[i].run;
		c->user_only = user_only[i];
		switch (state[i]) {
		case COUNTER_OPEN:
			c->state = STAT_COUNTED;
			break;
		case COUNTER_NOT_SUPPORTED:
			c->state = STAT_NOT_SUPPORTED;
			break;
		case COUNTER_NOT_COUNTED:
			c->state = STAT_NOT_COUNTED;
			break;
		case COUNTER_TOOL:
			c->state = STAT_COUNTED;
			if (ev->tool == KEVENT_TOOL_DURATION)
				v = wall_ns;
			else if (!have_ru)
				v = 0; /* no rusage without a command: shown <not counted> */
			else if (ev->tool == KEVENT_TOOL_USER)
				v = (uint64_t)ru->ru_utime.tv_sec * 1000000000ull +
				    (uint64_t)ru->ru_utime.tv_usec * 1000ull;
			else
				v = (uint64_t)ru->ru_stime.tv_sec * 1000000000ull +
				    (uint64_t)ru->ru_stime.tv_usec * 1000ull;
			c->val = c->ena = c->run = (double)v;
			if (ev->tool != KEVENT_TOOL_DURATION && !have_ru)
				c->ena = c->run = 0;
			break;
		}
	}
}
