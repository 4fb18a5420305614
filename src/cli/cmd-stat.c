/* kiln stat: counts events while a command runs (or on CPUs/processes until
 * Ctrl-C), -r times, optionally every -I milliseconds, and prints them the
 * way perf stat does (table, -x CSV, -j JSON) to stderr or -o FILE. The
 * command is launched parked, counters are attached with enable_on_exec,
 * then it is let go, so counting covers exactly the command. */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/textsafe.h"
#include "../base/vec.h"
#include "../collect/launch.h"
#include "../collect/target.h"
#include "../events/counters.h"
#include "../events/events.h"
#include "../report/stat.h"
#include "cli.h"
#include "../opts/options.h"
#include "target-options.h"

static const char stat_usage[] =
	"kiln stat [-e EVENTS] [-a] [-C CPUS] [-p PID] [-t TID] [-r N] [-I MS] [-x SEP]\n"
	"          [--json] [-o FILE] [-D MS] [-n] [--no-inherit] [--] [CMD [ARGS...]]\n"
	"\n"
	"Counts events while CMD runs, or on the given CPUs/processes until Ctrl-C\n"
	"(system-wide when neither is given). Output goes to stderr, as perf's.\n"
	"\n"
	"Examples:\n"
	"  kiln stat -- ./app\n"
	"      the default counters over one run of ./app\n"
	"  kiln stat -e task-clock,page-faults -- ./app\n"
	"      only these two events\n"
	"  kiln stat -r 3 -- ./app 0.2\n"
	"      three runs: means and their spread\n"
	"  kiln stat -a -I 1000 -- sleep 3\n"
	"      the whole system, printed every second for three seconds\n"
	"  kiln stat -x, -e task-clock,context-switches -- ./app\n"
	"      CSV, in perf stat -x's field order\n"
	"  kiln stat -p $(pidof app) -- sleep 2\n"
	"      a running process, while sleep 2 runs\n";

#define DEFAULT_EVENTS "context-switches,cpu-migrations,page-faults,cycles,instructions," \
		       "branches,branch-misses"

struct stat_opts {
	struct event_list evs;
	struct target target;
	bool events_given;
	const char *bad_spec;   /* the -e that failed, for the caret */
	int bad_pos;
	int repeat;
	int interval_ms;
	const char *sep;
	bool json;
	const char *output;
	int delay_ms;
	bool null_run;
	bool inherit;
	bool big_num;
};

/* One run's results. */
struct run_result {
	struct counter_value *vals;   /* per event */
	enum counter_state *state;    /* per event */
	bool *user_only;
	uint64_t wall_ns;
	struct rusage ru;
	bool have_ru;
	int exit_code;                /* of the command, or 0 */
};

static volatile sig_atomic_t stop_requested; /* the signal that asked to stop, or 0 */
static volatile sig_atomic_t child_exited;

static void on_stop_signal(int sig)
{
	stop_requested = sig;
}

/* Only there so that a child's exit interrupts the interval sleep. */
static void on_sigchld(int sig)
{
	(void)sig;
	child_exited = 1;
}

/* Handlers without SA_RESTART, so sleeps and waits return EINTR. A handler
 * (not SIG_IGN) for SIGINT: exec resets it in the command, which then
 * dies of Ctrl-C while kiln lives on to print. */
static void install_signals(struct sigaction old[3])
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, &old[0]);
	sigaction(SIGTERM, &sa, &old[1]);
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, &old[2]);
}

static void restore_signals(const struct sigaction old[3])
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	sigaction(SIGCHLD, &old[2], NULL);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Sleeps until `deadline` (CLOCK_MONOTONIC ns) or a signal; true when the
 * deadline was reached. */
static bool sleep_until(uint64_t deadline)
{
	struct timespec ts = { (time_t)(deadline / 1000000000ull),
			       (long)(deadline % 1000000000ull) };

	return clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == 0;
}

static int opt_event(const struct option_def *o, const char *arg, struct kerr *err)
{
	struct stat_opts *so = o->value;
	struct events_env env = EVENTS_ENV_INIT;
	int ret;

	env.flags = EVENTS_ALLOW_TOOL;
	ret = events_parse_env(arg, &env, &so->evs, err);
	if (ret < 0) {
		so->bad_spec = arg;
		so->bad_pos = env.err_pos;
	}
	so->events_given = true;
	return ret;
}

/* ---- counting ----------------------------------------------------------- */

static bool targets_alive(const struct pid_list *threads)
{
	for (size_t i = 0; i < threads->n; i++)
		if (kill(threads->v[i], 0) == 0 || errno != ESRCH)
			return true;
	return false;
}

struct session {
	struct stat_opts *so;
	struct stat_display *disp;
	struct kbuf *out;
	FILE *fh;
};

static void flush_out(struct session *s)
{
	fwrite(s->out->buf, 1, s->out->len, s->fh);
	fflush(s->fh);
	kbuf_reset(s->out);
}

/* One interval line block, from deltas since the last one. */
static int print_interval(struct session *s, struct counters *c, uint64_t t0,
			  struct kerr *err)
{
	struct counter_value *vals = xcalloc(s->so->evs.n ? s->so->evs.n : 1, sizeof(*vals));
	struct stat_count *counts = xcalloc(s->so->evs.n ? s->so->evs.n : 1, sizeof(*counts));
	char prefix[64];
	uint64_t t = now_ns();
	int ret = counters_read(c, vals, true, err);

	if (ret == 0) {
		stat_counts_from(&s->so->evs, c->state, c->user_only, vals,
			  (uint64_t)s->so->interval_ms * 1000000ull, false, NULL, counts);
		stat_interval_prefix(s->disp, t - t0, prefix, sizeof(prefix));
		stat_print_header(s->out, s->disp, &s->so->evs);
		stat_print_counts(s->out, s->disp, &s->so->evs, counts, prefix,
				  (double)s->so->interval_ms * 1e6);
		flush_out(s);
	}
	free(counts);
	free(vals);
	return ret;
}

/* Waits for the end of the measurement: the command's exit, Ctrl-C, or
 * every watched thread gone; prints interval lines on the way. */
static int wait_for_end(struct session *s, struct counters *c, struct run_result *r,
			struct launch *l, const struct pid_list *threads, uint64_t t0,
			int *status, struct kerr *err)
{
	uint64_t step = s->so->interval_ms ? (uint64_t)s->so->interval_ms * 1000000ull
					   : 100000000ull; /* poll -p targets every 100 ms */
	uint64_t next = t0 + step;
	int ret;

	if (l->pid > 0 && !s->so->interval_ms) {
		/* Plain command: just wait; Ctrl-C goes to the command. */
		for (;;) {
			ret = launch_wait(l, status, &r->ru, true);
			if (ret == 0) {
				r->have_ru = true;
				return 0;
			}
			if (ret != -EINTR)
				return kerr_set(err, ret, "waiting for the command: %s",
						strerror(-ret));
			/* Ctrl-C reached the command through the terminal; a
			 * SIGTERM sent to kiln alone is passed on. */
			if (stop_requested == SIGTERM) {
				kill(l->pid, SIGTERM);
				stop_requested = SIGINT;
			}
		}
	}
	for (;;) {
		bool reached = sleep_until(next);

		if (l->pid > 0) {
			pid_t p = wait4(l->pid, status, WNOHANG, &r->ru);
			if (p == l->pid) {
				l->pid = -1;
				r->have_ru = true;
				break;
			}
		} else if (stop_requested || (threads->n && !targets_alive(threads))) {
			break;
		}
		if (!reached)
			continue;
		if (s->so->interval_ms) {
			ret = print_interval(s, c, t0, err);
			if (ret < 0)
				return ret;
		}
		next += step;
	}
	/* The last, partial interval. */
	if (s->so->interval_ms)
		return print_interval(s, c, t0, err);
	return 0;
}

/* One measurement: launch (if a command), open, count, read. */
static int run_once(struct session *s, struct run_result *r, struct kerr *err)
{
	struct stat_opts *so = s->so;
	const struct target *t = &so->target;
	struct counters c = COUNTERS_INIT;
	struct counters_target ct = { 0 };
	struct launch l = LAUNCH_INIT;
	struct pid_list threads = PID_LIST_INIT;
	uint64_t t0, t1;
	int status = 0, ret;

	memset(&r->ru, 0, sizeof(r->ru));
	r->have_ru = false;
	r->exit_code = 0;
	child_exited = 0;
	if (target_has_command(t)) {
		ret = launch_prepare(&l, t->argv, err);
		if (ret < 0)
			return ret;
	}
	if (target_has_cpus(t)) {
		ct.cpus = t->cpus.v;
		ct.ncpus = t->cpus.n;
	} else if (t->pids.n || t->tids.n) {
		ret = target_threads(t, &threads, err);
		if (ret < 0)
			goto out_launch;
		ct.pids = threads.v;
		ct.npids = threads.n;
		ct.inherit = so->inherit;
	} else {
		ct.pids = &l.pid;
		ct.npids = 1;
		ct.inherit = so->inherit;
		ct.enable_on_exec = so->delay_ms == 0;
	}
	ret = counters_open(&c, &so->evs, &ct, err);
	if (ret < 0)
		goto out_threads;

	t0 = now_ns();
	if (l.pid > 0) {
		ret = launch_start(&l, err);
		if (ret < 0)
			goto out_counters;
	}
	if (so->delay_ms > 0) {
		uint64_t until = t0 + (uint64_t)so->delay_ms * 1000000ull;
		while (!sleep_until(until) && !stop_requested)
			;
	}
	if (!ct.enable_on_exec)
		counters_enable(&c);

	ret = wait_for_end(s, &c, r, &l, &threads, t0, &status, err);
	t1 = now_ns();
	counters_disable(&c);
	if (ret < 0)
		goto out_counters;
	r->wall_ns = t1 - t0;
	ret = counters_read(&c, r->vals, false, err);
	if (ret < 0)
		goto out_counters;
	memcpy(r->state, c.state, so->evs.n * sizeof(*r->state));
	memcpy(r->user_only, c.user_only, so->evs.n * sizeof(*r->user_only));
	if (target_has_command(t))
		r->exit_code = launch_exit_code(status);
out_counters:
	counters_close(&c);
out_threads:
	vec_free(&threads);
out_launch:
	launch_release(&l);
	return ret;
}

static int open_output(const struct stat_opts *so, FILE **fh, struct kerr *err)
{
	time_t now = time(NULL);

	if (!so->output) {
		*fh = stderr;
		return 0;
	}
	*fh = fopen(so->output, "we");
	if (!*fh)
		return kerr_set(err, -errno, "cannot write %s: %s", so->output, strerror(errno));
	fprintf(*fh, "# started on %s\n", ctime(&now)); /* ctime's text ends in '\n' */
	return 0;
}

static int check_options(struct stat_opts *so, struct kerr *err)
{
	if (so->repeat < 1 || so->repeat > 100)
		return kerr_set(err, -EINVAL, "-r takes a run count from 1 to 100");
	if (so->repeat > 1 && !target_has_command(&so->target))
		return kerr_set(err, -EINVAL, "-r repeats a command: give one after --");
	if (so->interval_ms && so->repeat > 1)
		return kerr_set(err, -EINVAL, "-I and -r cannot be combined");
	if (so->interval_ms < 0 || (so->interval_ms > 0 && so->interval_ms < 10))
		return kerr_set(err, -EINVAL, "-I needs at least 10 ms between prints");
	if (so->delay_ms < 0)
		return kerr_set(err, -EINVAL, "-D takes a delay in ms (0 or more)");
	if (so->sep && so->json)
		return kerr_set(err, -EINVAL, "-x and --json cannot be combined");
	if (so->sep && !*so->sep)
		return kerr_set(err, -EINVAL, "-x needs a separator");
	return 0;
}

static int load_events(struct stat_opts *so, struct kerr *err)
{
	struct kbuf spec = KBUF_INIT;
	int ret;

	if (so->null_run) {
		event_list_release(&so->evs);
		return 0;
	}
	if (so->events_given)
		return 0;
	/* perf's default set; cpu-clock rather than task-clock per CPU. */
	kbuf_addf(&spec, "%s,%s", target_has_cpus(&so->target) ? "cpu-clock" : "task-clock",
		  DEFAULT_EVENTS);
	ret = events_parse(spec.buf, &so->evs, err);
	kbuf_release(&spec);
	return ret;
}

int cmd_stat(int argc, const char **argv)
{
	struct stat_opts so = {
		.evs = EVENT_LIST_INIT, .target = TARGET_INIT, .bad_pos = -1, .repeat = 1,
		.inherit = true, .big_num = true,
	};
	struct option_def opts[] = {
		{ OPT_CALLBACK, 'e', "event", &so, "EVENTS",
		  "events to count, perf syntax (see 'kiln list'); repeatable", opt_event, false },
		TARGET_OPTIONS(&so.target),
		{ OPT_INT, 'r', "repeat", &so.repeat, "N", "run the command N times, print means "
		  "and +- the standard error", NULL, false },
		{ OPT_INT, 'I', "interval-print", &so.interval_ms, "MS",
		  "print counts every MS milliseconds", NULL, false },
		{ OPT_STRING, 'x', "field-separator", &so.sep, "SEP",
		  "CSV output with this separator, in perf's field order", NULL, false },
		{ OPT_BOOL, 'j', "json", &so.json, NULL, "one JSON object per event", NULL, false },
		{ OPT_BOOL, 0, "json-output", &so.json, NULL, "same as --json", NULL, false },
		{ OPT_STRING, 'o', "output", &so.output, "FILE", "write to FILE, not stderr", NULL,
		  false },
		{ OPT_INT, 'D', "delay", &so.delay_ms, "MS", "start counting MS ms after the "
		  "command starts", NULL, false },
		{ OPT_BOOL, 'n', "null", &so.null_run, NULL, "no counters: time the command only",
		  NULL, false },
		{ OPT_BOOL, 0, "inherit", &so.inherit, NULL, "count child processes and threads "
		  "too (default; --no-inherit)", NULL, false },
		{ OPT_BOOL, 'B', "big-num", &so.big_num, NULL, "thousands separators from the "
		  "locale (default; --no-big-num)", NULL, false },
		OPT_END_(),
	};
	struct stat_display disp = { 0 };
	struct kerr err = KERR_INIT;
	struct kbuf out = KBUF_INIT, target_text = KBUF_INIT;
	struct run_result r = { 0 };
	struct stat_count *counts = NULL, *cur = NULL;
	struct stat_stats wall = { 0, 0, 0 };
	struct sigaction old_sig[3];
	struct session s;
	FILE *fh = NULL;
	double user_s = 0, sys_s = 0;
	int n, ret, exit_code = 1;
	size_t nev;

	n = cli_options_parse(argc, argv, opts, stat_usage, OPTIONS_STOP_AT_NON_OPTION, &err);
	if (n == OPTIONS_HELP) {
		exit_code = 0;
		goto out_events;
	}
	if (n < 0) {
		cli_error("stat: %s", err.msg);
		if (so.bad_spec) {
			struct kbuf caret = KBUF_INIT;
			events_caret(so.bad_spec, so.bad_pos, &caret);
			fputs(caret.buf, stderr);
			kbuf_release(&caret);
		}
		goto out_events;
	}
	if (target_finish(&so.target, n, argv,
			  TARGET_DEFAULT_ALL_CPUS | TARGET_COMMAND_AS_TIMER, &err) < 0 ||
	    check_options(&so, &err) < 0 || load_events(&so, &err) < 0) {
		cli_error("stat: %s", err.msg);
		goto out_target;
	}
	if (so.interval_ms && so.interval_ms < 100)
		cli_warn("print interval < 100 ms: the overhead of reading counters may be high");

	nev = so.evs.n;
	r.vals = xcalloc(nev ? nev : 1, sizeof(*r.vals));
	r.state = xcalloc(nev ? nev : 1, sizeof(*r.state));
	r.user_only = xcalloc(nev ? nev : 1, sizeof(*r.user_only));
	counts = xcalloc(nev ? nev : 1, sizeof(*counts));
	cur = xcalloc(nev ? nev : 1, sizeof(*cur));

	disp.fmt = so.json ? STAT_FMT_JSON : so.sep ? STAT_FMT_CSV : STAT_FMT_STD;
	disp.sep = so.sep ? so.sep : ",";
	disp.big_num = so.big_num && disp.fmt == STAT_FMT_STD;
	disp.runs = so.repeat;
	disp.interval = so.interval_ms > 0;
	disp.null_run = so.null_run;
	disp.ru_display = target_has_command(&so.target) && !target_has_cpus(&so.target) &&
			  !so.target.pids.n && !so.target.tids.n;
	target_describe(&so.target, &target_text);
	disp.target = target_text.buf;
	if (disp.big_num)
		setlocale(LC_NUMERIC, ""); /* perf groups digits by the user's locale */

	if (open_output(&so, &fh, &err) < 0) {
		cli_error("stat: %s", err.msg);
		goto out_results;
	}
	s = (struct session){ &so, &disp, &out, fh };
	install_signals(old_sig);
	for (int run = 0; run < so.repeat; run++) {
		disp.runs = run + 1;
		ret = run_once(&s, &r, &err);
		if (ret < 0) {
			restore_signals(old_sig);
			cli_error("%s", err.msg);
			/* A command that cannot run exits 127 (not found) or 126, as shells do. */
			exit_code = ret == -ENOENT && target_has_command(&so.target) ? 127
				  : ret == -EACCES && target_has_command(&so.target) ? 126 : 1;
			goto out_file;
		}
		stat_stats_update(&wall, (double)r.wall_ns);
		stat_counts_from(&so.evs, r.state, r.user_only, r.vals, r.wall_ns, r.have_ru, &r.ru, cur);
		for (size_t i = 0; i < nev; i++) {
			/* Means over runs; the spread of val feeds the +- column. */
			struct stat_count *a = &counts[i];

			stat_stats_update(&a->runs, cur[i].val);
			a->state = cur[i].state;
			a->user_only |= cur[i].user_only;
			a->val = a->runs.mean;
			a->ena += (cur[i].ena - a->ena) / (run + 1);
			a->run += (cur[i].run - a->run) / (run + 1);
		}
		exit_code = r.exit_code;
		user_s = r.ru.ru_utime.tv_sec + r.ru.ru_utime.tv_usec / 1e6;
		sys_s = r.ru.ru_stime.tv_sec + r.ru.ru_stime.tv_usec / 1e6;
		if (stop_requested) /* Ctrl-C ends a -r series too, as in perf */
			break;
	}
	restore_signals(old_sig);
	if (!disp.interval) {
		stat_print_header(&out, &disp, &so.evs);
		stat_print_counts(&out, &disp, &so.evs, counts, NULL, wall.mean);
		stat_print_footer(&out, &disp, &wall, user_s, sys_s);
		flush_out(&s);
	}
out_file:
	if (fh && fh != stderr && fclose(fh) != 0) {
		cli_error("stat: cannot write %s: %s", so.output, strerror(errno));
		exit_code = 1;
	}
out_results:
	free(cur);
	free(counts);
	free(r.vals);
	free(r.state);
	free(r.user_only);
	kbuf_release(&target_text);
	kbuf_release(&out);
out_target:
	target_release(&so.target);
out_events:
	event_list_release(&so.evs);
	return exit_code;
}
