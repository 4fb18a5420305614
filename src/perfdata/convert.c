/* perf.data → Profile: the records, in time order, go through collect's
 * task table and recorder (the same state machine kiln record runs on
 * its rings), with each sample decoded by its own event's layout; DWARF
 * mode samples (REGS_USER + STACK_USER) are unwound here by src/unwind
 * against the binaries on this machine; then src/build symbolizes (ELF
 * and DWARF, kallsyms for the kernel) and writes the header as record
 * does. Tracepoint files become event profiles (tracepoint.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../build/build.h"
#include "../collect/recorder.h"
#include "../unwind/unwind.h"
#include "internal.h"

struct conv {
	const struct perfdata *pd;
	struct tasks *tasks;
	struct recorder rec;
	int *value_of;            /* event → value index, -1 for dummy events */
	struct perfdata_stats st;
	struct pd_trace *trace;   /* tracepoint labels, or NULL */
	int64_t k_event, *event_name; /* per value index, with several events */
	VEC(struct pf_label) labels;  /* entry_labels()'s answer */
};

/* A profile_meta.labels callback: `event` where several events share the
 * file (pprof merges samples with equal stacks and labels: the label
 * keeps each event's samples, and their count, apart), then the
 * tracepoint's fields. */
static const struct pf_label *entry_labels(void *ctx, size_t entry, size_t *n)
{
	struct conv *c = ctx;
	const struct pf_label *t;
	size_t nt = 0;

	c->labels.n = 0;
	if (c->event_name) {
		struct pf_label *l = vec_add(&c->labels);
		memset(l, 0, sizeof(*l));
		l->key = c->k_event;
		l->str = c->event_name[c->rec.stacks.entries[entry].event];
	}
	if (c->trace && (t = pd_trace_labels(c->trace, entry, &nt)))
		for (size_t i = 0; i < nt; i++)
			vec_push(&c->labels, t[i]);
	*n = c->labels.n;
	return c->labels.v;
}

/* HEADER_BUILD_ID's id of a mapped file, so its mapping keeps it (a
 * recorder callback, ctx = the perfdata). */
static const char *header_build_id(void *ctx, const char *filename)
{
	return pd_buildid_of(ctx, filename);
}

static bool is_dummy(const struct perf_event_attr *a)
{
	return a->type == PERF_TYPE_SOFTWARE && a->config == PERF_COUNT_SW_DUMMY;
}

static bool is_clock(const struct perf_event_attr *a)
{
	return a->type == PERF_TYPE_SOFTWARE &&
	       (a->config == PERF_COUNT_SW_CPU_CLOCK || a->config == PERF_COUNT_SW_TASK_CLOCK);
}

static void on_mmap(struct conv *c, const struct perf_event_header *h)
{
	/* header, u32 pid, tid, u64 addr, len, pgoff, filename */
	const unsigned char *p = (const unsigned char *)h;
	uint32_t pid;
	uint64_t v[3];
	const size_t fixed = 8 + 8 + 24;

	if (h->size <= fixed || !memchr(p + fixed, '\0', h->size - fixed)) {
		c->st.bad++;
		return;
	}
	memcpy(&pid, p + 8, 4);
	memcpy(v, p + 16, 24);
	/* The kernel's and its modules' (pid -1) come from kallsyms. */
	if (pid != UINT32_MAX)
		tasks_mmap(c->tasks, (pid_t)pid, v[0], v[1], v[2], 0, 0, 0,
			   (const char *)p + fixed,
			   pd_buildid_of(c->pd, (const char *)p + fixed));
}

static int on_record(const struct perf_event_header *h, void *arg)
{
	struct conv *c = arg;
	struct rec_sample s;
	const struct perfdata_event *e;
	int ev;

	c->st.records++;
	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		ev = perfdata_event_of(c->pd, h);
		if (ev < 0) {
			c->st.bad++;
			return 0;
		}
		e = &c->pd->events.v[ev];
		if (rec_parse_sample_attr(h, &e->attr, &s)) {
			c->st.bad++;
			return 0;
		}
		if (c->value_of[ev] < 0)
			return 0;
		/* The kernel writes pid -1 for a task past its death (exit, or
		 * an exec's old leader); perf report and script skip them. */
		if ((e->attr.sample_type & PERF_SAMPLE_TID) && s.pid == UINT32_MAX)
			return 0;
		c->rec.regs_mask = e->attr.sample_regs_user;
		if (c->trace)
			pd_trace_sample(c->trace, ev, &s);
		recorder_sample(&c->rec, h, &s, c->value_of[ev]);
		c->st.samples++;
		return 0;
	case PERF_RECORD_MMAP:
		on_mmap(c, h);
		return 0;
	case PERF_RECORD_MMAP2: case PERF_RECORD_COMM: case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT: case PERF_RECORD_LOST: case PERF_RECORD_LOST_SAMPLES:
	case PERF_RECORD_THROTTLE:
		recorder_record(h, &c->rec);
		return 0;
	default:
		/* UNTHROTTLE, SWITCH, KSYMBOL, BPF_EVENT, CGROUP, TEXT_POKE,
		 * NAMESPACES, AUX, ITRACE_START, and perf's own records
		 * (FINISHED_ROUND, ID_INDEX, THREAD_MAP, CPU_MAP, STAT*,
		 * EVENT_UPDATE, TIME_CONV, FINISHED_INIT, AUXTRACE*): nothing
		 * a profile holds. */
		if (!perfdata_record_name(h->type) || !strcmp(perfdata_record_name(h->type),
							      "unknown"))
			c->st.unknown++;
		return 0;
	}
}

static struct symbolizer *no_symbolizer(void *ctx)
{
	(void)ctx;
	return NULL;
}

static bool wants_unwind(const struct perfdata *pd)
{
	for (size_t i = 0; i < pd->events.n; i++) {
		uint64_t st = pd->events.v[i].attr.sample_type;
		if ((st & PERF_SAMPLE_REGS_USER) && (st & PERF_SAMPLE_STACK_USER))
			return true;
	}
	return false;
}

/* Value types and header, as build_header_init() does for kiln record. */
static void header(const struct perfdata *pd, struct conv *c, struct build_header *h,
		   bool per_sample, size_t *n_values)
{
	const char **names = xcalloc(pd->events.n + 1, sizeof(*names));
	bool *clock = xcalloc(pd->events.n + 1, sizeof(*clock));
	size_t n = 0;

	for (size_t i = 0; i < pd->events.n; i++) {
		const struct perfdata_event *e = &pd->events.v[i];
		c->value_of[i] = -1;
		if (is_dummy(&e->attr) && pd->events.n > 1)
			continue;
		c->value_of[i] = (int)n;
		names[n] = e->name;
		clock[n] = is_clock(&e->attr);
		n++;
	}
	build_header_init(h, names, clock, n, per_sample);
	free(names);
	free(clock);
	*n_values = n;
}

static void header_run(const struct perfdata *pd, const struct conv *c,
		       struct build_header_run *run)
{
	const struct perf_event_attr *a = NULL;
	uint64_t first = pd->first_sample ? pd->first_sample : c->rec.first_time;
	uint64_t last = pd->last_sample ? pd->last_sample : c->rec.last_time;

	for (size_t i = 0; i < pd->events.n && !a; i++)
		if (c->value_of[i] >= 0)
			a = &pd->events.v[i].attr;
	memset(run, 0, sizeof(*run));
	run->clock = a && is_clock(a);
	if (a && a->freq)
		run->freq = (int)(a->sample_freq > 1000000000 ? 1000000000 : a->sample_freq);
	else if (a)
		run->period = a->sample_period > INT64_MAX ? INT64_MAX : (int64_t)a->sample_period;
	run->duration = last > first ? (int64_t)(last - first) : 0;
	/* CLOCK_DATA (perf record -k) ties the sample clock to wall time. */
	if (pd->has_clock_data && first >= pd->clock_ref_ns)
		run->start_wall = (int64_t)(pd->clock_tod_ns + (first - pd->clock_ref_ns));
	else if (pd->has_clock_data)
		run->start_wall = (int64_t)(pd->clock_tod_ns - (pd->clock_ref_ns - first));
	run->cmdline = pd->cmdline ? pd->cmdline : "";
	run->tool = "perf-record";
}

int perfdata_to_profile(const void *data, size_t size, const struct perfdata_opts *opts,
			struct profile **out, struct perfdata_stats *stats, struct kerr *err)
{
	struct perfdata_opts o = { 0 };
	struct perfdata *pd = NULL;
	struct conv c = { 0 };
	struct builder *b = NULL;
	struct unwinder *u = NULL;
	struct build_header h;
	struct build_header_run run;
	size_t n_values;
	bool per_sample;
	int ret;

	*out = NULL;
	if (opts)
		o = *opts;
	if ((ret = perfdata_open(data, size, &pd, err)) < 0)
		return ret;
	c.pd = pd;
	c.value_of = xcalloc(pd->events.n, sizeof(*c.value_of));
	builder_new(&b, &(struct build_opts){ .kallsyms_cache = o.kallsyms_cache,
					     .symbolizer = o.no_symbols ? no_symbolizer : NULL });
	per_sample = o.per_sample || pd_has_tracepoints(pd);
	header(pd, &c, &h, per_sample, &n_values);
	c.tasks = tasks_new();
	recorder_init(&c.rec, c.tasks, n_values, 0, 0, per_sample);
	c.rec.split_events = true;
	c.rec.build_id_of = header_build_id;
	c.rec.build_id_ctx = pd;
	if ((ret = pd_trace_new(pd, builder_profile(b), &c.trace, err)) < 0)
		goto out;
	if (!o.no_unwind && !o.no_symbols && wants_unwind(pd) && (u = unwinder_new(builder_symbolizer(b)))) {
		c.rec.unwind = unwind_sample;
		c.rec.unwind_ctx = u;
	}
	if ((ret = perfdata_records(pd, on_record, &c, err)) < 0)
		goto out;
	if (pd->auxtrace && !c.st.samples) {
		ret = kerr_set(err, -EPROTONOSUPPORT, "perf.data: AUX area data only (Intel PT, "
			       "CoreSight, ...), which kiln does not decode: run `perf script "
			       "--itrace=i100us -i FILE > FILE.txt` and give kiln the text");
		goto out;
	}
	header_run(pd, &c, &run);
	build_header_update(&h, &c.rec, &run);
	if (c.trace || n_values > 1) {
		h.meta.labels = entry_labels;
		h.meta.labels_ctx = &c;
	}
	if (n_values > 1) {
		c.k_event = profile_str(builder_profile(b), "event");
		c.event_name = xcalloc(n_values, sizeof(*c.event_name));
		for (size_t i = 0; i < pd->events.n; i++)
			if (c.value_of[i] >= 0)
				c.event_name[c.value_of[i]] = profile_str(builder_profile(b),
									  pd->events.v[i].name);
	}
	build_profile(b, &c.rec, c.tasks, &h.meta);
	if (u)
		c.st.unwound = unwind_stats(u)->samples;
	c.st.lost = c.rec.stats.lost;
	c.st.bad += c.rec.stats.bad;
	unwinder_free(u);
	u = NULL;
	*out = builder_finish(b);
	b = NULL;
out:
	unwinder_free(u);
	builder_free(b);
	recorder_release(&c.rec);
	tasks_free(c.tasks);
	build_header_release(&h);
	pd_trace_free(c.trace);
	if (stats)
		*stats = c.st;
	free(c.value_of);
	free(c.event_name);
	vec_free(&c.labels);
	perfdata_free(pd);
	return ret;
}
