/* Recording setup shared by record and top (see recording.h). */
#include "recording.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/vec.h"
#include "../unwind/unwind.h"
#include "cli.h"

bool recording_is_clock_event(const struct kevent *e)
{
	return e->attr.type == PERF_TYPE_SOFTWARE &&
	       (e->attr.config == PERF_COUNT_SW_CPU_CLOCK ||
		e->attr.config == PERF_COUNT_SW_TASK_CLOCK);
}

/* Can this process open a cycles event set up by `adjust`? */
static bool cycles_open(void (*adjust)(struct perf_event_attr *))
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_CPU_CYCLES;
	attr.disabled = 1;
	if (adjust)
		adjust(&attr);
	fd = events_open(&attr, 0, -1, -1, 0);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int recording_default_events(struct event_list *evs, bool quiet, struct kerr *err)
{
	if (cycles_open(NULL))
		return events_parse("cycles", evs, err);
	if (!quiet)
		fprintf(stderr, "kiln: the cycles event is not supported here; "
				"sampling cpu-clock instead\n");
	return events_parse("cpu-clock", evs, err);
}

static void lbr_attr(struct perf_event_attr *attr)
{
	attr->sample_period = 100000;
	attr->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_BRANCH_STACK;
	attr->branch_sample_type = PERF_SAMPLE_BRANCH_USER | PERF_SAMPLE_BRANCH_CALL_STACK;
	attr->exclude_kernel = 1;
}

static bool lbr_available(void)
{
	return cycles_open(lbr_attr);
}

int recording_parse_call_graph(const char *cmd, const char *mode, bool *callchain,
			       uint32_t *stack_user)
{
	if (strcmp(mode, "fp") == 0) {
		*callchain = true;
		return 0;
	}
	if (strncmp(mode, "dwarf", 5) == 0 && (mode[5] == '\0' || mode[5] == ',')) {
		long size = 8192;
		if (mode[5] == ',') {
			char *end;
			size = strtol(mode + 6, &end, 0);
			if (end == mode + 6 || *end || size < 8 || size > 65528) {
				cli_error("%s: --call-graph dwarf,SIZE needs 8 to 65528 bytes, not '%s'",
					  cmd, mode + 6);
				return -1;
			}
		}
		*stack_user = (uint32_t)(size & ~7L); /* the kernel wants a multiple of 8 */
		return 0;
	}
	if (strcmp(mode, "lbr") == 0) {
		if (!lbr_available())
			cli_error("%s: --call-graph lbr needs Intel LBR call-stack hardware, "
				  "which this machine does not have; use --call-graph dwarf or fp", cmd);
		else
			cli_error("%s: --call-graph lbr is not supported by kiln yet; use "
				  "--call-graph dwarf or fp", cmd);
		return -1;
	}
	cli_error("%s: unknown --call-graph mode '%s' (fp, dwarf[,SIZE], lbr)", cmd, mode);
	return -1;
}

int recording_open(const struct target *t, const struct event_list *evs,
		   const struct recording_params *rp, struct tasks *tasks, struct launch *l,
		   struct session **out, struct kerr *err)
{
	struct session_opts so;
	struct pid_list tids = PID_LIST_INIT;
	int ret;

	memset(&so, 0, sizeof(so));
	so.events = evs;
	so.inherit = rp->inherit;
	so.freq = rp->period ? 0 : (uint64_t)rp->freq;
	so.period = (uint64_t)rp->period;
	so.callchain = rp->callchain;
	so.mmap_pages = rp->mmap_pages;
	if (rp->stack_user) {
		so.stack_user = rp->stack_user;
		so.regs_user = unwind_regs_mask();
		if (!so.mmap_pages)
			so.mmap_pages = 512; /* 8 KiB stack copies fill rings fast */
	}
	/* A command with -a/-C/-p/-t is the timer (perf record -a -- sleep 5):
	 * it runs while those targets are recorded, not recorded itself
	 * unless system-wide. Forked first, so the -a snapshot of /proc
	 * knows it. */
	if (target_has_command(t)) {
		ret = launch_prepare(l, (const char *const *)t->argv, err);
		if (ret < 0)
			return ret;
	}
	if (target_has_cpus(t)) {
		so.system_wide = true;
		so.cpus = t->cpus.v;
		so.n_cpus = t->cpus.n;
		tasks_synthesize_all(tasks, NULL);
	} else if (!t->pids.n && !t->tids.n) {
		so.child = l->pid;
	} else {
		ret = target_threads(t, &tids, err);
		if (ret < 0)
			return ret;
		for (size_t i = 0; i < t->pids.n; i++)
			tasks_synthesize_pid(tasks, t->pids.v[i], NULL);
		for (size_t i = 0; i < t->tids.n; i++)
			tasks_synthesize_pid(tasks, t->tids.v[i], NULL);
		so.tids = tids.v;
		so.n_tids = tids.n;
	}
	ret = session_open(&so, out, err);
	free(tids.v);
	return ret;
}

int recording_start(const struct target *t, struct session *s, struct launch *l,
		    bool *exec_failed, struct kerr *err)
{
	int ret;

	*exec_failed = false;
	/* A command alone is enabled by its exec (enable_on_exec); every
	 * other target now, before a timer command starts. */
	if (l->pid <= 0 || target_has_cpus(t) || t->pids.n || t->tids.n) {
		ret = session_enable(s);
		if (ret < 0)
			return kerr_set(err, ret, "cannot enable the events: %s", strerror(-ret));
	}
	if (l->pid > 0) {
		ret = launch_start(l, err);
		*exec_failed = ret < 0;
		return ret;
	}
	return 0;
}

volatile sig_atomic_t recording_stop_signal, recording_child_changed;

static void on_stop(int sig)
{
	recording_stop_signal = sig;
}

static void on_child(int sig)
{
	(void)sig;
	recording_child_changed = 1;
}

void recording_block_signals(sigset_t *block, sigset_t *waitmask)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(block);
	sa.sa_handler = on_stop;
	for (size_t i = 0; i < sizeof(stops) / sizeof(*stops); i++) {
		sigaction(stops[i], &sa, NULL);
		sigaddset(block, stops[i]);
	}
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	sigaddset(block, SIGCHLD);
	sigprocmask(SIG_BLOCK, block, waitmask);
	for (size_t i = 0; i < sizeof(stops) / sizeof(*stops); i++)
		sigdelset(waitmask, stops[i]);
	sigdelset(waitmask, SIGCHLD);
}

void recording_header_init(struct build_header *h, const struct event_list *evs, size_t n,
			   bool per_sample)
{
	const char *names[n ? n : 1];
	bool clock[n ? n : 1];

	for (size_t i = 0; i < n; i++) {
		names[i] = evs->v[i].name;
		clock[i] = recording_is_clock_event(&evs->v[i]);
	}
	build_header_init(h, names, clock, n, per_sample);
}

double recording_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int recording_event_of(const void *session, uint64_t id)
{
	return session_event_of(session, id);
}

int recording_opt_event(const struct option_def *o, const char *arg, struct kerr *err)
{
	struct kbuf *events = o->value;

	(void)err;
	if (events->len)
		kbuf_addch(events, ',');
	kbuf_addstr(events, arg);
	return 0;
}
