/* The CPU profiler's sampler without signals: perf_event_open on the
 * process itself, one task-clock event per thread and CPU, sampling every
 * 1/hz second of that thread's CPU time (a period in nanoseconds, so the
 * rate is exact: no tick caps it), with the user call chain the kernel
 * walks by frame pointers. Threads that exist at start are opened by tid
 * from /proc/self/task; threads they create later inherit the event
 * (inherit + inherit_thread: threads only, so a forked child is never
 * profiled by its parent's events), and the kernel writes an inherited
 * event's samples to its parent's ring. Rings are per CPU (the kernel
 * refuses to map an inherited event of any CPU): every event of a CPU
 * writes to that CPU's ring (PERF_EVENT_IOC_SET_OUTPUT).
 *
 * libkiln's own drain thread polls the rings and counts each call chain
 * into the sample table (cpu.c): no signal reaches the program, so its
 * handlers and signal masks change nothing. The drain thread is created
 * before the events are opened and is left out, so it never samples
 * itself. A thread that appears while the events are being opened is
 * opened by tid in a second pass, and may also have inherited an event:
 * the drain thread keeps the samples of one event per (thread, CPU).
 *
 * Kernel time is sampled too where perf_event_paranoid allows it (the
 * user stack that made the system call is counted); otherwise, as
 * perf_event_paranoid=2 allows for one's own threads, user time only.
 *
 * With KILN_CALL_GRAPH=dwarf the kernel copies the user registers and the
 * top of the user stack with each sample instead, and the drain thread
 * unwinds the copy with kiln's DWARF unwinder (src/unwind, as `kiln
 * record --call-graph dwarf` does): exact through code built without
 * frame pointers, at the price of 8 KiB per sample through the rings. Its
 * address space is read from /proc/self/maps, again when a sample falls
 * outside it (a library loaded since), at most once a second. */
#include <errno.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/hashmap.h"
#include "../collect/records.h"
#include "../collect/ring.h"
#include "../collect/tasks.h"
#include "../symbols/symbols.h"
#include "../unwind/unwind.h"
#include "kiln.h"
#include "rt.h"
#include "cpu.h"

#define RING_PAGES 16 /* per CPU; a quarter when the mlock limit refuses */
#define DWARF_RING_PAGES 256
#define DWARF_STACK 8192 /* bytes of user stack per sample, as perf's default */
#define SAMPLE_TYPE (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID | PERF_SAMPLE_CPU | \
		     PERF_SAMPLE_CALLCHAIN)
#define DWARF_SAMPLE_TYPE (SAMPLE_TYPE | PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER)

struct perf_cpu {
	int cpu;
	struct ring ring; /* of the first event opened on this CPU */
};

static struct {
	struct perf_cpu *cpus;
	size_t n_cpus;
	int *fds;                /* every event */
	size_t n_fds, cap_fds;
	pid_t *tids;             /* threads opened by tid */
	size_t n_tids, cap_tids;
	struct perf_event_attr attr;
	bool kernel_time;
	pthread_t drain;
	_Atomic pid_t drain_tid;
	int wake_fd;             /* eventfd: stop draining */
	_Atomic bool stop;
	struct u64map owner;     /* (tid, cpu) → event id + 1: duplicates */
	/* KILN_CALL_GRAPH=dwarf: the drain thread's alone */
	bool dwarf;
	size_t pages;
	struct symbolizer *symz;
	struct unwinder *unw;
	struct tasks *tasks;
	uint64_t maps_read_ns;   /* when /proc/self/maps was last read */
	struct pollfd *pfd;      /* the drain thread's: rings, then wake_fd */
	rt_lock drain_lock;      /* held while the rings are read */
} ps = { .wake_fd = -1 };

static long perf_open(struct perf_event_attr *a, pid_t tid, int cpu, int group)
{
	return syscall(SYS_perf_event_open, a, tid, cpu, group, PERF_FLAG_FD_CLOEXEC);
}

/* The online CPUs, from "0-3,6" (sysfs). */
static int load_cpus(void)
{
	struct kbuf b = KBUF_INIT;
	char *p;

	int rc = kbuf_read_file(&b, "/sys/devices/system/cpu/online", 0);

	if (rc < 0) {
		kbuf_release(&b);
		return rc;
	}
	for (p = b.buf; *p && *p != '\n';) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;
		if (end == p)
			break;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		for (long c = lo; c <= hi && c < 65536; c++) {
			ps.cpus = xrealloc(ps.cpus, (ps.n_cpus + 1) * sizeof(*ps.cpus));
			memset(&ps.cpus[ps.n_cpus], 0, sizeof(*ps.cpus));
			ps.cpus[ps.n_cpus].ring.fd = -1;
			ps.cpus[ps.n_cpus++].cpu = (int)c;
		}
		p = *end == ',' ? end + 1 : end;
		if (*p != ',' && *p && *p != '\n' && !(*p >= '0' && *p <= '9'))
			break;
	}
	kbuf_release(&b);
	return ps.n_cpus ? 0 : -ENOENT;
}

static void attr_init(int hz, bool kernel_time)
{
	struct perf_event_attr *a = &ps.attr;

	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = PERF_TYPE_SOFTWARE;
	a->config = PERF_COUNT_SW_TASK_CLOCK;
	a->sample_period = 1000000000ULL / (unsigned)hz;
	a->sample_type = SAMPLE_TYPE;
	a->exclude_kernel = !kernel_time;
	a->exclude_hv = 1;
	a->exclude_callchain_kernel = 1;
	if (ps.dwarf) {
		a->sample_type = DWARF_SAMPLE_TYPE;
		a->sample_regs_user = unwind_regs_mask();
		a->sample_stack_user = DWARF_STACK;
		a->exclude_callchain_user = 1; /* the unwinder gives it */
	}
	a->inherit = 1;
	a->inherit_thread = 1;
	a->watermark = 1;
	a->wakeup_watermark = (uint32_t)(ps.pages * 4096 / 4);
	a->sample_max_stack = RT_MAX_FRAMES;
}

static bool opened_tid(pid_t tid)
{
	for (size_t i = 0; i < ps.n_tids; i++)
		if (ps.tids[i] == tid)
			return true;
	return false;
}

/* Opens thread `tid`'s events, one per CPU. Returns 0, -ESRCH when the
 * thread is gone, or -errno. */
static int open_thread(pid_t tid, struct kerr *err)
{
	for (size_t i = 0; i < ps.n_cpus; i++) {
		struct perf_cpu *c = &ps.cpus[i];
		int fd = (int)perf_open(&ps.attr, tid, c->cpu, -1), e;

		if (fd < 0) {
			e = errno;
			if (e == ESRCH)
				return -ESRCH;
			return kerr_set(err, -e, "perf_event_open(task-clock, thread %d, CPU %d): %s",
					(int)tid, c->cpu, strerror(e));
		}
		ps.fds = xgrow(ps.fds, &ps.cap_fds, ps.n_fds + 1, sizeof(*ps.fds));
		ps.fds[ps.n_fds++] = fd;
		if (c->ring.fd < 0) {
			int rc = ring_open(&c->ring, fd, ps.pages, err);
			if (rc == -EPERM || rc == -ENOMEM)
				rc = ring_open(&c->ring, fd, ps.pages / 4, err);
			if (rc)
				return rc;
		} else if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, c->ring.fd) != 0) {
			e = errno;
			return kerr_set(err, -e, "PERF_EVENT_IOC_SET_OUTPUT: %s", strerror(e));
		}
	}
	ps.tids = xgrow(ps.tids, &ps.cap_tids, ps.n_tids + 1, sizeof(*ps.tids));
	ps.tids[ps.n_tids++] = tid;
	return 0;
}

struct walk {
	int rc, added;
	bool others;  /* a thread besides the caller */
	struct kerr *err;
};

static void open_one(pid_t tid, void *arg)
{
	struct walk *w = arg;
	int rc;

	if (tid != rt_gettid())
		w->others = true;
	if (w->rc || tid == atomic_load(&ps.drain_tid) || opened_tid(tid))
		return;
	rc = open_thread(tid, w->err);
	if (rc == 0)
		w->added++;
	else if (rc != -ESRCH)
		w->rc = rc;
}

/* Reads this process's mappings for the unwinder; false when it did
 * within the last second already. */
static bool read_maps(void)
{
	uint64_t now = rt_now_ns(CLOCK_MONOTONIC);

	if (ps.maps_read_ns && now - ps.maps_read_ns < 1000000000ULL)
		return false;
	ps.maps_read_ns = now;
	tasks_synthesize_pid(ps.tasks, getpid(), NULL);
	return true;
}

/* The sample's user stack unwound by CFI into pcs (return addresses, as
 * the kernel's call chains give them). */
static int unwind_user(const struct rec_sample *s, uintptr_t *pcs)
{
	struct stack_frame f[RT_MAX_FRAMES];
	bool truncated;
	size_t n;

	if (!ps.unw)
		return 0;
	n = unwind_sample(ps.unw, ps.tasks, s, ps.attr.sample_regs_user, f, RT_MAX_FRAMES,
			  &truncated);
	if (n > 0 && f[n - 1].map == STACK_NO_MAP && read_maps())
		n = unwind_sample(ps.unw, ps.tasks, s, ps.attr.sample_regs_user, f,
				  RT_MAX_FRAMES, &truncated);
	for (size_t i = 0; i < n; i++)
		pcs[i] = (uintptr_t)(i ? f[i].addr + 1 : f[i].addr);
	return (int)n;
}

static void on_record(const struct perf_event_header *h, void *arg)
{
	struct rec_sample s;
	uintptr_t pcs[RT_MAX_FRAMES];
	uint64_t *owner;
	bool added;
	int n = 0;

	(void)arg;
	if (h->type == PERF_RECORD_LOST) {
		rt_cpu_add_lost(((const struct rec_lost *)h)->lost);
		return;
	}
	if (h->type != PERF_RECORD_SAMPLE ||
	    rec_parse_sample(h, ps.attr.sample_type, ps.attr.sample_regs_user, &s) != 0)
		return;
	if (s.tid == (uint32_t)atomic_load(&ps.drain_tid))
		return; /* libkiln's own thread, which inherited the events */
	owner = u64map_slot(&ps.owner, (uint64_t)s.tid << 32 | s.cpu, s.id + 1, &added);
	if (*owner != s.id + 1)
		return; /* the same thread's second event (see the top) */
	if (ps.dwarf) {
		n = unwind_user(&s, pcs);
	} else {
		for (uint64_t i = 0; i < s.nr && n < RT_MAX_FRAMES; i++)
			if (s.ips[i] < PERF_CONTEXT_MAX)
				pcs[n++] = (uintptr_t)s.ips[i];
	}
	if (n > 0)
		rt_cpu_record(pcs, n, 1);
}

static void drain_all(void)
{
	for (size_t i = 0; i < ps.n_cpus; i++)
		ring_read(&ps.cpus[i].ring, on_record, NULL);
}

static void *drain_main(void *unused)
{
	struct pollfd *pfd = ps.pfd;
	size_t n = ps.n_cpus + 1;

	(void)unused;
	/* A libkiln thread for life (started past the pthread_create
	 * hook): its allocations are never sampled. */
	rt_tls.guard = 1;
	rt_tls.profiler_thread = true;
	atomic_store(&ps.drain_tid, rt_gettid());
	for (size_t i = 0; i < ps.n_cpus; i++) {
		pfd[i].fd = ps.cpus[i].ring.fd;
		pfd[i].events = POLLIN;
	}
	pfd[ps.n_cpus].fd = ps.wake_fd;
	pfd[ps.n_cpus].events = POLLIN;
	while (!atomic_load(&ps.stop)) {
		/* The timeout bounds the delay of samples that a ring below
		 * its watermark holds, and survives a program closing fds. */
		poll(pfd, n, 100);
		/* Also after the stop: what it reads here costs the stopping
		 * thread no allocation (nomem-cpu fails those). */
		rt_lock_acquire(&ps.drain_lock);
		drain_all();
		rt_lock_release(&ps.drain_lock);
	}
	return NULL;
}

static void release_all(void)
{
	for (size_t i = 0; i < ps.n_fds; i++)
		ioctl(ps.fds[i], PERF_EVENT_IOC_DISABLE, 0);
	for (size_t i = 0; i < ps.n_cpus; i++)
		ring_close(&ps.cpus[i].ring);
	for (size_t i = 0; i < ps.n_fds; i++)
		close(ps.fds[i]);
	free(ps.fds);
	free(ps.cpus);
	free(ps.tids);
	free(ps.pfd);
	ps.pfd = NULL;
	u64map_release(&ps.owner);
	/* the unwinder borrows the symbolizer: freed first */
	unwinder_free(ps.unw);
	symbolizer_free(ps.symz);
	tasks_free(ps.tasks);
	ps.unw = NULL;
	ps.symz = NULL;
	ps.tasks = NULL;
	ps.maps_read_ns = 0;
	if (ps.wake_fd >= 0)
		close(ps.wake_fd);
	ps.fds = NULL;
	ps.cpus = NULL;
	ps.tids = NULL;
	ps.n_fds = ps.cap_fds = ps.n_cpus = ps.n_tids = ps.cap_tids = 0;
	ps.wake_fd = -1;
}

/* Stops the drain thread and joins it. */
static void stop_drain(void)
{
	uint64_t one = 1;

	atomic_store(&ps.stop, true);
	if (ps.wake_fd >= 0 && write(ps.wake_fd, &one, sizeof(one)) < 0) {
		/* poll's timeout sees the flag */
	}
	pthread_join(ps.drain, NULL);
}

static int open_all(int hz, bool kernel_time, struct kerr *err)
{
	struct walk w = { 0, 0, false, err };

	attr_init(hz, kernel_time);
	/* Again while threads appear: one the walk had not opened yet may
	 * have started another. The caller alone starts none meanwhile. */
	for (int pass = 0; pass < 8; pass++) {
		w.added = 0;
		rt_threads_foreach(open_one, &w);
		if (w.rc || (pass > 0 && !w.added) || !w.others)
			break;
	}
	return w.rc;
}

static void close_events(void)
{
	for (size_t i = 0; i < ps.n_cpus; i++)
		ring_close(&ps.cpus[i].ring);
	for (size_t i = 0; i < ps.n_fds; i++)
		close(ps.fds[i]);
	ps.n_fds = ps.n_tids = 0;
}

int rt_cpu_perf_begin(int hz, const char **why, char *why_buf, size_t why_len)
{
	struct kerr err = KERR_INIT;
	int rc;

	*why = why_buf;
	ps.dwarf = rt_env_call_graph_dwarf();
	ps.pages = ps.dwarf ? DWARF_RING_PAGES : RING_PAGES;
	if (ps.dwarf) {
		ps.symz = symbolizer_new();
		if (ps.symz)
			symbolizer_set_debug_dir(ps.symz, NULL);
		ps.unw = ps.symz ? unwinder_new(ps.symz) : NULL;
		ps.tasks = tasks_new();
		if (!ps.unw || !ps.tasks) {
			rc = -ENOTSUP;
			snprintf(why_buf, why_len, "KILN_CALL_GRAPH=dwarf: no DWARF unwinder for "
				 "this architecture");
			goto fail;
		}
		read_maps();
	}
	rc = load_cpus();
	if (rc) {
		snprintf(why_buf, why_len, "no list of online CPUs: %s", strerror(-rc));
		goto fail;
	}
	/* Here, not in the drain thread: its first malloc makes glibc set up
	 * an arena (a 64 MiB reservation), a cost to a short-lived process. */
	ps.pfd = calloc(ps.n_cpus + 1, sizeof(*ps.pfd));
	if (!ps.pfd) {
		rc = -ENOMEM;
		snprintf(why_buf, why_len, "out of memory");
		goto fail;
	}
	ps.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ps.wake_fd < 0) {
		rc = -errno;
		snprintf(why_buf, why_len, "eventfd: %s", strerror(errno));
		goto fail;
	}
	/* Kernel time first; perf_event_paranoid >= 2 allows user time only. */
	ps.kernel_time = true;
	rc = open_all(hz, true, &err);
	if (rc == -EACCES || rc == -EPERM) {
		close_events();
		ps.kernel_time = false;
		err = (struct kerr)KERR_INIT;
		rc = open_all(hz, false, &err);
	}
	if (rc) {
		snprintf(why_buf, why_len, "%s", err.msg[0] ? err.msg : strerror(-rc));
		err = (struct kerr)KERR_INIT;
		goto fail;
	}
	/* After the events: the thread inherits them, and on_record drops
	 * its samples (waiting for its tid to leave it out would cost a
	 * short-lived process more). */
	atomic_store(&ps.stop, false);
	atomic_store(&ps.drain_tid, 0);
	/* Frame-pointer chains need little stack; libdw's unwinding more. */
	rc = rt_thread_start_own(&ps.drain, drain_main, NULL, ps.dwarf ? 0 : 256 << 10);
	if (rc) {
		snprintf(why_buf, why_len, "cannot start its thread: %s", strerror(rc));
		rc = -rc;
		goto fail;
	}
	return 0;
fail:
	release_all();
	return rc ? rc : -EINVAL;
}

void rt_cpu_perf_end(void)
{
	for (size_t i = 0; i < ps.n_fds; i++)
		ioctl(ps.fds[i], PERF_EVENT_IOC_DISABLE, 0);
	if (atomic_load(&rt_exiting)) {
		/* The process ends: the thread is left to exit_group, the
		 * rings and events to the kernel (joining and unmapping cost
		 * each short-lived process of a profiled tree 80 us). Once
		 * the lock is ours, the thread never reads a ring again. */
		atomic_store(&ps.stop, true);
		rt_lock_acquire(&ps.drain_lock);
		drain_all();
		return;
	}
	stop_drain();
	drain_all(); /* what came after the thread's last look */
	release_all();
}

const char *rt_cpu_perf_what(void)
{
	if (ps.dwarf)
		return ps.kernel_time ? "task-clock, user and kernel time, DWARF call chains"
				      : "task-clock, user time only (perf_event_paranoid), DWARF "
					"call chains";
	return ps.kernel_time ? "task-clock, user and kernel time, frame-pointer call chains"
			      : "task-clock, user time only (perf_event_paranoid), frame-pointer "
				"call chains";
}

void rt_cpu_perf_fork_child(void)
{
	/* The events stay the parent's: close our copies, unmap the rings
	 * (the drain thread did not survive the fork). */
	for (size_t i = 0; i < ps.n_cpus; i++)
		ring_close(&ps.cpus[i].ring);
	for (size_t i = 0; i < ps.n_fds; i++)
		close(ps.fds[i]);
	if (ps.wake_fd >= 0)
		close(ps.wake_fd);
	u64map_release(&ps.owner); /* the parent's threads */
	free(ps.pfd);
	ps.pfd = NULL;
	ps.n_fds = ps.n_cpus = ps.n_tids = 0;
	ps.wake_fd = -1;
	/* The drain thread may have held it at the fork. */
	ps.drain_lock = (rt_lock)RT_LOCK_INIT;
}
