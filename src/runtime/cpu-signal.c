/* The CPU profiler's fallback sampler: a SIGPROF per 1/hz second of each
 * thread's CPU time, from a POSIX timer on that thread's CPU clock
 * delivered to that thread (SIGEV_THREAD_ID), as Go does on Linux;
 * setitimer(ITIMER_PROF) when per-thread timers are unavailable. Used
 * only where perf_event_open is refused (cpu.c): signal timers are capped
 * by the kernel's tick (CONFIG_HZ), miss threads that block SIGPROF, and
 * compete with a program that handles SIGPROF itself.
 *
 * The handler only walks the interrupted stack into the lock-free table
 * (rt_cpu_record): no malloc, no locks, no stdio; errno is saved and
 * restored; every signal is blocked while it runs, so nothing nests in it.
 *
 * When the program sets its own SIGPROF disposition (sighook.c) sampling
 * stops for good: the timers are deleted, handlers in flight and timer
 * signals still pending are waited out, and only then does the program's
 * call proceed, so its handler (or SIG_DFL, which kills) never sees one
 * of ours. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "kiln.h"
#include "rt.h"
#include "cpu.h"

static _Atomic bool sampling;   /* timers armed: this sampler is live */
static _Atomic int in_handler;
static int sig_hz;
static bool use_itimer;
static _Atomic bool handler_installed;

/* Per-thread timers, so they can be deleted at stop or thread exit. */
struct timer_ent {
	pid_t tid; /* 0 = free */
	timer_t timer;
};
static rt_lock timers_lock;
static struct timer_ent *timers;
static size_t timers_n, timers_cap;

static void on_sigprof(int sig, siginfo_t *si, void *ucv)
{
	int saved = errno;
	ucontext_t *uc = ucv;
	uintptr_t pcs[RT_MAX_FRAMES], pc = 0, fp = 0, sp = 0;
	int n;

	atomic_fetch_add(&in_handler, 1);
	/* Only while on: starting or stopping, the table may not exist, and
	 * a SIGPROF left pending by an earlier profile's timer (or sent by
	 * anyone) can come at any time. */
	if (!atomic_load(&sampling) || atomic_load(&rt_cpu_state) != 1)
		goto out;
	rt_context_regs(uc, &pc, &fp, &sp);
	n = rt_stack_walk(pc, fp, sp, pcs, RT_MAX_FRAMES);
	/* Expirations while the signal was pending are CPU time too. */
	if (n > 0)
		rt_cpu_record(pcs, n, 1 + (si->si_code == SI_TIMER && si->si_overrun > 0 ?
					  (uint64_t)si->si_overrun : 0));
out:
	atomic_fetch_sub(&in_handler, 1);
	errno = saved;
}

/* The CPU clock of thread `tid` of this process (the kernel's
 * MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)). */
static clockid_t thread_cpu_clock(pid_t tid)
{
	return (clockid_t)((~(unsigned)tid << 3) | 6);
}

/* Arms a timer for `tid` unless it has one (replace: a new thread reusing
 * the tid of one that exited unseen). Caller holds timers_lock. */
static int arm_locked(pid_t tid, bool replace)
{
	struct sigevent sev;
	struct itimerspec its;
	timer_t t;
	size_t i, free_i = SIZE_MAX;
	long period = 1000000000L / sig_hz;

	for (i = 0; i < timers_n; i++) {
		if (timers[i].tid == tid) {
			if (!replace)
				return 0;
			timer_delete(timers[i].timer);
			timers[i].tid = 0;
		}
		if (!timers[i].tid && free_i == SIZE_MAX)
			free_i = i;
	}
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGPROF;
	sev._sigev_un._tid = tid;
	if (timer_create(thread_cpu_clock(tid), &sev, &t) != 0)
		return -errno;
	memset(&its, 0, sizeof(its));
	its.it_interval.tv_nsec = period % 1000000000L;
	its.it_interval.tv_sec = period / 1000000000L;
	its.it_value = its.it_interval;
	if (timer_settime(t, 0, &its, NULL) != 0) {
		int e = errno;
		timer_delete(t);
		return -e;
	}
	if (free_i == SIZE_MAX) {
		if (timers_n == timers_cap) {
			size_t cap = timers_cap ? timers_cap * 2 : 64;
			struct timer_ent *r = rt_real.realloc(timers, cap * sizeof(*r));
			if (!r) {
				timer_delete(t);
				return -ENOMEM;
			}
			timers = r;
			timers_cap = cap;
		}
		free_i = timers_n++;
	}
	timers[free_i].tid = tid;
	timers[free_i].timer = t;
	return 0;
}

static void arm_one(pid_t tid, void *arg)
{
	int *first_err = arg;
	int rc = arm_locked(tid, false);

	if (rc && !*first_err)
		*first_err = rc;
}

void rt_cpu_sig_thread_start(void)
{
	rt_lock_acquire(&timers_lock);
	if (atomic_load(&sampling) && !use_itimer)
		arm_locked(rt_gettid(), true);
	rt_lock_release(&timers_lock);
}

void rt_cpu_sig_thread_exit(void)
{
	pid_t tid = rt_gettid();

	rt_lock_acquire(&timers_lock);
	for (size_t i = 0; i < timers_n; i++) {
		if (timers[i].tid == tid) {
			timer_delete(timers[i].timer);
			timers[i].tid = 0;
		}
	}
	rt_lock_release(&timers_lock);
}

static int install_handler(struct kerr *err)
{
	struct sigaction sa, old;

	if (!atomic_load(&rt_resolved))
		rt_resolve();
	if (!rt_real.sigaction)
		return kerr_set(err, -ENOSYS, "cannot find the real sigaction");
	if (rt_real.sigaction(SIGPROF, NULL, &old) == 0 && (old.sa_flags & SA_SIGINFO ?
	    old.sa_sigaction != on_sigprof : (old.sa_handler != SIG_DFL &&
					       old.sa_handler != SIG_IGN)))
		return kerr_set(err, -EBUSY, "the program handles SIGPROF itself");
	if (atomic_load(&handler_installed))
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigprof;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	if (rt_real.sigaction(SIGPROF, &sa, NULL) != 0)
		return kerr_set(err, -errno, "cannot install the SIGPROF handler: %s", strerror(errno));
	/* It stays installed: a SIGPROF still pending after stop must find
	 * a handler that ignores it, not the default action (exit). */
	atomic_store(&handler_installed, true);
	return 0;
}

int rt_cpu_sig_begin(int hz, struct kerr *err)
{
	int rc, first_err = 0;

	rc = install_handler(err);
	if (rc)
		return rc;
	sig_hz = hz;
	use_itimer = false;
	/* Threads starting from now arm their own timers; arm the others. */
	rt_lock_acquire(&timers_lock);
	atomic_store(&sampling, true);
	rt_threads_foreach(arm_one, &first_err);
	if (timers_n == 0) { /* no per-thread timer at all: process timer */
		struct itimerval it;
		memset(&it, 0, sizeof(it));
		it.it_interval.tv_usec = 1000000 / hz;
		it.it_value = it.it_interval;
		use_itimer = true;
		setitimer(ITIMER_PROF, &it, NULL);
	}
	rt_lock_release(&timers_lock);
	return 0;
}

/* Deletes every timer; true when sampling was live. */
static bool disarm(void)
{
	bool was;

	rt_lock_acquire(&timers_lock);
	was = atomic_exchange(&sampling, false);
	if (use_itimer) {
		struct itimerval it;
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_PROF, &it, NULL);
	}
	for (size_t i = 0; i < timers_n; i++)
		if (timers[i].tid)
			timer_delete(timers[i].timer);
	timers_n = 0;
	rt_lock_release(&timers_lock);
	while (atomic_load(&in_handler))
		sched_yield();
	return was;
}

void rt_cpu_sig_end(void)
{
	disarm();
}

/* SIGPROF's bit in a /proc status mask line ("SigPnd:\t0000000004000000"). */
static bool status_has_sigprof(const char *buf, const char *field)
{
	const char *p = strstr(buf, field);
	unsigned long long mask = 0;

	if (!p)
		return false;
	p += strlen(field);
	while (*p == '\t' || *p == ' ')
		p++;
	for (; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'); p++)
		mask = mask << 4 | (unsigned)(*p <= '9' ? *p - '0' : *p - 'a' + 10);
	return mask >> (SIGPROF - 1) & 1;
}

/* Reads /proc/self/task/TID/status into buf (raw syscalls: hooks may run
 * inside the program's signal handlers). */
static bool read_status(const char *tid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%s/status", tid);
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

struct dirent64_ { /* the kernel's linux_dirent64 */
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Calls fn(tid name, status text) per thread; stops early when it returns
 * false. Returns false when /proc cannot be read. */
static bool each_status(bool (*fn)(const char *status, void *arg), void *arg)
{
	char dents[2048], status[2048];
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/task",
			      O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n;

	if (fd < 0)
		return false;
	while ((n = syscall(SYS_getdents64, fd, dents, sizeof(dents))) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64_ *d = (struct dirent64_ *)(dents + off);
			off += d->d_reclen;
			if (d->d_name[0] < '0' || d->d_name[0] > '9')
				continue;
			if (read_status(d->d_name, status, sizeof(status)) && !fn(status, arg)) {
				close(fd);
				return true;
			}
		}
	}
	close(fd);
	return true;
}

static bool pending_here(const char *status, void *arg)
{
	bool *any = arg;

	if (status_has_sigprof(status, "SigPnd:") || status_has_sigprof(status, "ShdPnd:")) {
		*any = true;
		return false;
	}
	return true;
}

static bool blocked_here(const char *status, void *arg)
{
	int *n = arg;

	if (status_has_sigprof(status, "SigBlk:"))
		++*n;
	return true;
}

int rt_cpu_sig_blocked_threads(void)
{
	int n = 0;

	return each_status(blocked_here, &n) ? n : -1;
}

void rt_cpu_sig_host_takes_sigprof(void)
{
	struct timespec zero = { 0, 0 }, ms = { 0, 1000000 };
	sigset_t set;
	siginfo_t si;
	bool any;
	int saved = errno;

	if (!atomic_load(&handler_installed))
		return; /* no SIGPROF of ours was ever sent */
	if (disarm())
		rt_cpu_stopped_early("the program set its own SIGPROF handler");
	/* Timer signals already queued outlive their timers. This thread's
	 * are taken off its queue; other threads take theirs in our handler,
	 * which ignores them now, as soon as they run: wait for that (a
	 * thread blocking SIGPROF keeps its one, bounded wait). */
	sigemptyset(&set);
	sigaddset(&set, SIGPROF);
	while (sigtimedwait(&set, &si, &zero) > 0)
		;
	for (int i = 0; i < 200; i++) {
		any = false;
		if (!each_status(pending_here, &any) || !any)
			break;
		nanosleep(&ms, NULL);
		while (sigtimedwait(&set, &si, &zero) > 0)
			;
	}
	errno = saved;
}

void rt_cpu_sig_fork_child(void)
{
	atomic_store(&timers_lock.v, 0);
	timers_n = 0;
	if (atomic_load(&sampling) && use_itimer) {
		struct itimerval it;
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_PROF, &it, NULL);
	}
	atomic_store(&sampling, false);
}
