/* kiln top: a live view of the hottest functions, system-wide (default),
 * of processes (-p/-t) or of a command, refreshed every -d seconds.
 *
 * Collection is record's: events → target → session → recorder, with the
 * builder symbolizing each address once. At each refresh the recorder's
 * stacks become a profile, the profile is added to top's decayed table
 * (top-hist.c) and the recorder's stacks are emptied, so memory follows
 * the sampling rate, not the uptime. The builder is rebuilt when it holds
 * too many locations, and the task table is re-read from /proc when it
 * holds too many mappings (exited processes are dropped then). */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../base/buf.h"
#include "../build/build.h"
#include "../base/textsafe.h"
#include "../collect/recorder.h"
#include "../unwind/unwind.h"
#include "cli.h"
#include "../opts/options.h"
#include "recording.h"
#include "target-options.h"
#include "top.h"

static const char top_usage[] =
	"kiln top [options] [-a | -p PID | -t TID] [-- CMD [ARGS]]\n"
	"\n"
	"Live view of the functions taking the most samples, refreshed every\n"
	"-d seconds, older samples fading by 7/8 at each refresh (as perf top).\n"
	"A command is watched until it exits; with -a, -C, -p or -t it only\n"
	"sets how long to watch those.\n"
	"On a terminal it is interactive (press h for keys); --stdio prints a\n"
	"snapshot per refresh instead.\n"
	"\n"
	"Examples:\n"
	"  kiln top\n"
	"      the whole system, interactive (h for keys, q to quit)\n"
	"  kiln top -g -p $(pidof app)\n"
	"      one process, with Children and Self columns\n"
	"  kiln top --stdio -d 1 --iterations 3 -- ./app\n"
	"      three snapshots a second apart while ./app runs\n"
	"  kiln top --stdio -K -s comm,sym -E 10 --duration 2\n"
	"      user code only, by command and function, for two seconds\n";

/* Rebuild limits: the builder's profile past this many locations, the
 * task table past this many mappings (or four times what /proc had). */
#define MAX_LOCATIONS 100000
#define MIN_MAPS_LIMIT 16384

struct top_opts {
	struct target target;
	struct kbuf events;
	int freq;
	int64_t period;
	bool callchain;
	const char *call_graph;
	uint32_t stack_user;
	bool children, no_children;
	bool hide_kernel, hide_user;
	const char *sort;
	double delay;
	bool stdio;
	int iterations;
	double duration;
	int entries;
	double percent_limit;
	bool zero;
	bool show_samples;
	int mmap_pages;
	bool inherit;
	bool quiet;
};

struct top_run {
	struct top_opts *o;
	struct event_list evs;
	struct tasks *tasks;
	struct session *session;
	struct recorder rec;
	struct builder *builder;
	struct unwinder *unwinder;
	struct launch launch;
	uint64_t generation;
	size_t maps_limit;
	struct build_header meta;
	uint64_t lost_seen, samples_seen;
	uint64_t time_seen;      /* timestamp of the last sample of the previous refresh */
	struct top t;
	struct top_tui *tui;
};

static int cb_limit(const struct option_def *opt, const char *arg, struct kerr *err)
{
	char *end;

	*(double *)opt->value = strtod(arg, &end);
	if (end == arg || *end)
		return kerr_set(err, -EINVAL, "--percent-limit expects a number, not '%s'", arg);
	return 0;
}

static int parse_options(int argc, const char **argv, struct top_opts *o)
{
	struct option_def opts[] = {
		{ OPT_GROUP, 0, NULL, NULL, NULL, "Target (default: the whole system)" },
		TARGET_OPTIONS(&o->target),
		{ OPT_BOOL, 0, "inherit", &o->inherit, NULL, "follow child threads and processes (default; --no-inherit)" },
		{ OPT_GROUP, 0, NULL, NULL, NULL, "Sampling" },
		{ OPT_CALLBACK, 'e', "event", &o->events, "EVENT", "event to sample (default: cycles, else cpu-clock)", recording_opt_event },
		{ OPT_INT, 'F', "freq", &o->freq, "HZ", "samples per second (default 999)" },
		{ OPT_INT64, 'c', "count", &o->period, "PERIOD", "sample every PERIOD events instead of -F" },
		{ OPT_BOOL, 'g', NULL, &o->callchain, NULL, "call graphs (frame pointers): Children and Self columns" },
		{ OPT_STRING, 0, "call-graph", &o->call_graph, "MODE", "fp or dwarf[,SIZE]" },
		{ OPT_BOOL, 0, "children", &o->children, NULL, "with -g: sort by Children (default)" },
		{ OPT_BOOL, 0, "no-children", &o->no_children, NULL, "with -g: sort by Self, call graphs of callers" },
		{ OPT_INT, 'm', "mmap-pages", &o->mmap_pages, "PAGES", "ring buffer pages per CPU, a power of two" },
		{ OPT_GROUP, 0, NULL, NULL, NULL, "Display" },
		{ OPT_DOUBLE, 'd', "delay", &o->delay, "SECONDS", "refresh every SECONDS (default 2)" },
		{ OPT_STRING, 's', "sort", &o->sort, "KEYS", "sort keys: comm, pid, tid, dso, sym (default dso,sym)" },
		{ OPT_BOOL, 'K', "hide-kernel", &o->hide_kernel, NULL, "hide kernel symbols" },
		{ OPT_BOOL, 'U', "hide-user", &o->hide_user, NULL, "hide user symbols" },
		{ OPT_BOOL, 'n', "show-nr-samples", &o->show_samples, NULL, "show a Samples column" },
		{ OPT_INT, 'E', "entries", &o->entries, "N", "--stdio: print N entries (default 20, 0 = all)" },
		{ OPT_CALLBACK, 0, "percent-limit", &o->percent_limit, "PCT", "hide entries under PCT percent", cb_limit },
		{ OPT_BOOL, 'z', "zero", &o->zero, NULL, "zero the counts at every refresh (no decay)" },
		{ OPT_BOOL, 0, "stdio", &o->stdio, NULL, "print a snapshot every refresh (no terminal UI)" },
		{ OPT_INT, 0, "iterations", &o->iterations, "N", "stop after N refreshes" },
		{ OPT_DOUBLE, 0, "duration", &o->duration, "SECONDS", "stop after SECONDS" },
		{ OPT_BOOL, 'q', "quiet", &o->quiet, NULL, "no messages but errors" },
		OPT_END_(),
	};
	struct kerr err = KERR_INIT;
	int n;

	n = cli_options_parse(argc, argv, opts, top_usage, OPTIONS_STOP_AT_NON_OPTION, &err);
	if (n == OPTIONS_HELP)
		return 1;
	if (n < 0 || target_finish(&o->target, n, argv,
				   TARGET_DEFAULT_ALL_CPUS | TARGET_COMMAND_AS_TIMER, &err) < 0) {
		cli_error("top: %s", err.msg);
		return -1;
	}
	if (o->freq <= 0 && !o->period) {
		cli_error("top: -F needs a positive frequency");
		return -1;
	}
	if (o->delay <= 0 || o->delay > 3600) {
		cli_error("top: -d needs a delay between 0 and 3600 seconds");
		return -1;
	}
	if (o->call_graph && recording_parse_call_graph("top", o->call_graph, &o->callchain,
							&o->stack_user) < 0)
		return -1;
	if (o->stack_user)
		o->callchain = true; /* stacks from DWARF are call graphs too */
	if (o->mmap_pages && (o->mmap_pages & (o->mmap_pages - 1))) {
		cli_error("top: -m needs a power of two, not %d", o->mmap_pages);
		return -1;
	}
	if (o->entries < 0 || o->iterations < 0) {
		cli_error("top: -E and --iterations need a positive number");
		return -1;
	}
	return 0;
}

/* A fresh builder (and unwinder, which borrows its symbolizer). */
static int new_builder(struct top_run *r)
{
	unwinder_free(r->unwinder);
	r->unwinder = NULL;
	builder_free(r->builder);
	/* Hand the old builder's memory back, or RSS keeps its high mark. */
	malloc_trim(0);
	builder_new(&r->builder, &(struct build_opts){ .kallsyms_cache = cli_cache_dir(),
						  .fetch = cli_debuginfod() });
	r->generation++;
	r->t.sym = builder_symbolizer(r->builder);
	if (r->o->stack_user) {
		r->unwinder = unwinder_new(builder_symbolizer(r->builder));
		if (!r->unwinder)
			return -1;
		r->rec.unwind = unwind_sample;
		r->rec.unwind_ctx = r->unwinder;
	}
	return 0;
}

/* Re-reads the processes from /proc: the old table's exited processes and
 * replaced mappings go. Location ids of the builder refer to the old
 * table, so it goes too. */
static void refresh_tasks(struct top_run *r)
{
	struct tasks *t = tasks_new();
	const struct target *tg = &r->o->target;

	if (target_has_cpus(tg))
		tasks_synthesize_all(t, NULL);
	for (size_t i = 0; i < tg->pids.n; i++)
		tasks_synthesize_pid(t, tg->pids.v[i], NULL);
	for (size_t i = 0; i < tg->tids.n; i++)
		tasks_synthesize_pid(t, tg->tids.v[i], NULL);
	if (r->launch.pid > 0)
		tasks_synthesize_pid(t, r->launch.pid, NULL);
	tasks_free(r->tasks);
	r->tasks = t;
	r->rec.tasks = t;
	r->maps_limit = 4 * tasks_n_maps(t);
	if (r->maps_limit < MIN_MAPS_LIMIT)
		r->maps_limit = MIN_MAPS_LIMIT;
	new_builder(r);
}

static void target_text(const struct top_run *r, char *buf, size_t n)
{
	const struct target *t = &r->o->target;

	if (target_has_cpus(t))
		snprintf(buf, n, "all, %zu CPU%s", t->cpus.n, t->cpus.n == 1 ? "" : "s");
	else if (t->pids.n)
		snprintf(buf, n, "target_pid: %d", (int)t->pids.v[0]);
	else if (t->tids.n)
		snprintf(buf, n, "target_tid: %d", (int)t->tids.v[0]);
	else {
		struct kbuf e = KBUF_INIT;
		snprintf(buf, n, "command: %s", text_safe_str(t->argv ? t->argv[0] : "", 0, &e));
		kbuf_release(&e);
	}
}

static void refresh(struct top_run *r, double interval)
{
	struct top *t = &r->t;
	struct profile *p;
	uint64_t samples = r->rec.stats.samples - r->samples_seen;
	char tgt[96];

	/* Records arrive in bursts (time ordering holds some back until the
	 * next drain), so the rate is taken over the samples' own clock. */
	if (r->time_seen && r->rec.last_time > r->time_seen)
		interval = (double)(r->rec.last_time - r->time_seen) / 1e9;
	if (r->rec.last_time)
		r->time_seen = r->rec.last_time;

	if (t->zero_now || r->o->zero) {
		perf_hist_decay(t->hist, 0);
		t->zero_now = false;
	}
	p = build_profile(r->builder, &r->rec, r->tasks, &r->meta.meta);
	perf_hist_add(t->hist, p, r->generation, 1, 0);
	/* The interval's stacks are in the table now. */
	stacks_release(&r->rec.stacks);
	stacks_init(&r->rec.stacks, 1 + r->evs.n, 0);
	if (p->n_locations > MAX_LOCATIONS)
		new_builder(r);
	if (tasks_n_maps(r->tasks) > r->maps_limit)
		refresh_tasks(r);

	top_rebuild_view(t);
	target_text(r, tgt, sizeof(tgt));
	snprintf(t->header, sizeof(t->header),
		 "   PerfTop:%8.0f irqs/sec  kernel:%4.1f%%  exact:  0.0%% lost: %" PRIu64 "/%" PRIu64
		 " drop: 0/0 [%s],  (%s)",
		 interval > 0 ? (double)samples / interval : 0,
		 t->view.total_samples > 0 ? 100.0 * t->view.kernel_samples / t->view.total_samples : 0,
		 r->rec.stats.lost - r->lost_seen, r->rec.stats.lost, t->event, tgt);
	r->samples_seen = r->rec.stats.samples;
	r->lost_seen = r->rec.stats.lost;
	t->refreshes++;
	if (r->tui) {
		top_tui_draw(r->tui, t);
	} else {
		struct kbuf b = KBUF_INIT;
		if (isatty(STDOUT_FILENO))
			kbuf_addstr(&b, "\033[H\033[2J");
		kbuf_addch(&b, '\n');
		top_print(t, (size_t)r->o->entries, true, &b);
		kbuf_addch(&b, '\n');
		fwrite(b.buf, 1, b.len, stdout);
		fflush(stdout);
		kbuf_release(&b);
	}
	/* perf top's decay: what is shown next mixes 7/8 of the past in. */
	perf_hist_decay(t->hist, 7.0 / 8.0);
}

static void top_loop(struct top_run *r, const sigset_t *waitmask)
{
	struct top_opts *o = r->o;
	double start = recording_now(), last = start, next = start + o->delay;
	double deadline = o->duration > 0 ? start + o->duration : INFINITY;
	bool done = false;

	while (!recording_stop_signal && !done) {
		double now = recording_now();
		/* Keys are read between short waits, so they answer within 0.1 s. */
		double wait = fmin(fmin(next, deadline) - now, r->tui ? 0.1 : 0.5);

		if (r->launch.pid > 0 && recording_child_changed) {
			int status;
			recording_child_changed = 0;
			if (waitpid(r->launch.pid, &status, WNOHANG) == r->launch.pid) {
				r->launch.pid = -1;
				done = true; /* one last refresh below */
			}
		}
		if (!done && wait > 0)
			session_poll(r->session, (int)(wait * 1000) + 1, waitmask);
		session_read(r->session, false, recorder_record, &r->rec);
		if (r->tui && !top_tui_run_keys(r->tui, &r->t))
			break;
		if (r->launch.pid <= 0 && !target_has_cpus(&o->target) && !target_has_command(&o->target) &&
		    (session_ended(r->session) || !target_alive(&o->target)))
			done = true;
		now = recording_now();
		if (now >= deadline)
			done = true;
		if (now >= next || done) {
			if (done)
				session_read(r->session, true, recorder_record, &r->rec);
			refresh(r, now - last);
			last = now;
			next += o->delay;
			if (next <= now)
				next = now + o->delay;
			if (o->iterations && r->t.refreshes >= (unsigned)o->iterations)
				done = true;
		}
	}
}

int cmd_top(int argc, const char **argv)
{
	struct top_opts o;
	struct top_run r;
	struct kerr err = KERR_INIT;
	sigset_t block, waitmask;
	int ret, exit_code = 1;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	sigemptyset(&block);
	o.target = (struct target)TARGET_INIT;
	o.freq = 999;
	o.delay = 2;
	o.entries = 20;
	o.inherit = true;
	r.launch = (struct launch)LAUNCH_INIT;
	ret = parse_options(argc, argv, &o);
	if (ret) {
		exit_code = ret > 0 ? 0 : 1;
		goto out_opts;
	}
	r.o = &o;
	if (!o.stdio && (r.tui = top_tui_start(&err)) == NULL) {
		cli_error("top: %s", err.msg);
		goto out_opts;
	}
	ret = o.events.len ? events_parse(o.events.buf, &r.evs, &err)
			   : recording_default_events(&r.evs, o.quiet || r.tui, &err);
	if (ret < 0) {
		top_tui_end(r.tui);
		r.tui = NULL;
		cli_error("top: %s", err.msg);
		goto out_opts;
	}
	/* Values: [0] samples, [1] the first event's period. */
	recording_header_init(&r.meta, &r.evs, 1, false);
	if (r.evs.n > 1 && !o.quiet)
		cli_warn("top shows the first event (%s) only", r.evs.v[0].name);
	if (o.period)
		snprintf(r.t.event, sizeof(r.t.event), "%s, period %" PRId64, r.evs.v[0].name, o.period);
	else
		snprintf(r.t.event, sizeof(r.t.event), "%dHz %s", o.freq, r.evs.v[0].name);
	r.t.callchain = o.callchain;
	r.t.show_samples = o.show_samples;
	r.t.vo.children = o.callchain && !o.no_children;
	r.t.vo.hide_kernel = o.hide_kernel;
	r.t.vo.hide_user = o.hide_user;
	r.t.vo.percent_limit = o.percent_limit;
	if (perf_hist_new(&(struct perf_hist_opts){ o.sort, o.callchain, PERF_FRAME_TOP }, &r.t.hist,
			  &err) < 0) {
		top_tui_end(r.tui);
		r.tui = NULL;
		cli_error("top: %s", err.msg);
		goto out_events;
	}
	r.tasks = tasks_new();
	r.maps_limit = MIN_MAPS_LIMIT;
	if (new_builder(&r) < 0) {
		top_tui_end(r.tui);
		r.tui = NULL;
		cli_error("top: --call-graph dwarf is not supported on this architecture");
		goto out_session;
	}

	recording_block_signals(&block, &waitmask);

	{
		struct recording_params rp;
		memset(&rp, 0, sizeof(rp));
		rp.freq = o.freq;
		rp.period = o.period;
		rp.callchain = o.callchain && !o.stack_user;
		rp.stack_user = o.stack_user;
		rp.inherit = o.inherit;
		/* Larger rings than record's default: a refresh that symbolizes a
		 * burst of new binaries must not lose the samples meanwhile. */
		rp.mmap_pages = o.mmap_pages ? (size_t)o.mmap_pages : o.stack_user ? 512 : 256;
		ret = recording_open(&o.target, &r.evs, &rp, r.tasks, &r.launch, &r.session, &err);
	}
	if (ret < 0)
		goto fail;
	recorder_init(&r.rec, r.tasks, r.evs.n, session_sample_type(r.session),
		      session_regs_mask(r.session), false);
	r.rec.session = r.session;
	r.rec.event_of = recording_event_of;
	if (r.unwinder) {
		r.rec.unwind = unwind_sample;
		r.rec.unwind_ctx = r.unwinder;
	}
	{
		bool exec_failed;
		ret = recording_start(&o.target, r.session, &r.launch, &exec_failed, &err);
		if (ret < 0 && exec_failed) {
			top_tui_end(r.tui);
			r.tui = NULL;
			cli_error("%s", err.msg);
			exit_code = ret == -ENOENT ? 127 : 126;
			goto out_session;
		}
		if (ret < 0)
			goto fail;
	}
	recording_child_changed = 1;
	top_loop(&r, &waitmask);
	exit_code = 0;
	if (r.launch.pid > 0) {
		kill(r.launch.pid, SIGTERM);
		launch_wait(&r.launch, NULL, NULL, false);
	}
	top_tui_end(r.tui);
	r.tui = NULL;
	if (r.rec.stats.lost && !o.quiet)
		cli_warn("lost %" PRIu64 " samples: the ring buffers overflowed; try a larger -m "
			 "or a lower -F", r.rec.stats.lost);
	goto out_session;
fail:
	top_tui_end(r.tui);
	r.tui = NULL;
	cli_error("top: %s", err.msg);
out_session:
	session_close(r.session);
	recorder_release(&r.rec);
	launch_release(&r.launch);
	perf_view_release(&r.t.view);
	perf_hist_free(r.t.hist);
	unwinder_free(r.unwinder);
	builder_free(r.builder);
	tasks_free(r.tasks);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
out_events:
	build_header_release(&r.meta);
	event_list_release(&r.evs);
out_opts:
	top_tui_end(r.tui);
	kbuf_release(&o.events);
	target_release(&o.target);
	return exit_code;
}
