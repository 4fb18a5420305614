/* The CPU profiler: a SIGPROF per 1/hz second of each thread's CPU time,
 * from a POSIX timer on that thread's CPU clock delivered to that thread
 * (SIGEV_THREAD_ID), as Go does on Linux; setitimer(ITIMER_PROF) when
 * per-thread timers are unavailable.
 *
 * The handler only walks the interrupted stack and counts it in a
 * preallocated lock-free hash table of stacks: a slot is claimed by CAS on
 * its key, filled, then published with a release store; a stack seen again
 * increments the slot's atomic count. A stack finding no slot within a
 * bounded probe is counted as lost. No malloc, no locks, no stdio; errno is
 * saved and restored. The table is read only after every timer is deleted
 * and no handler is running (counted in `in_handler`). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "kiln.h"
#include "rt.h"

#define SLOTS 8192 /* distinct stacks; memory is touched only when used */
#define PROBES 64

struct slot {
	_Atomic uint64_t key; /* stack hash | 1; 0 = free */
	_Atomic uint32_t ready;
	uint32_t n;
	_Atomic uint64_t count;
	uintptr_t pcs[RT_MAX_FRAMES];
};

static struct slot *slots;
/* 0 off, 1 on; 2 starting and 3 stopping, while `slots` is being made or
 * read and freed: only the starter or stopper touches it then, and a
 * profile started meanwhile elsewhere (HTTP) waits for 0 (EBUSY). */
static _Atomic int cpu_on;
static _Atomic int in_handler;
static _Atomic uint64_t lost;
static int cpu_hz;
static bool use_itimer;
static int64_t start_real, start_mono;
static bool handler_installed;

/* Per-thread timers, so they can be deleted at stop or thread exit. */
struct timer_ent {
	pid_t tid; /* 0 = free */
	timer_t timer;
};
static rt_lock timers_lock;
static struct timer_ent *timers;
static size_t timers_n, timers_cap;

uint64_t rt_now_ns(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Counts one stack `weight` times (1 + the timer's overruns). */
static void record(const uintptr_t *pcs, int n, uint64_t weight)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	struct slot *s;

	for (int i = 0; i < n; i++) {
		h ^= pcs[i];
		h *= 0x100000001b3ULL;
		h ^= h >> 29;
	}
	h |= 1;
	for (unsigned probe = 0; probe < PROBES; probe++) {
		s = &slots[(h + probe) & (SLOTS - 1)];
		uint64_t k = atomic_load_explicit(&s->key, memory_order_acquire);
		if (k == 0) {
			uint64_t zero = 0;
			if (atomic_compare_exchange_strong(&s->key, &zero, h)) {
				for (int i = 0; i < n; i++)
					s->pcs[i] = pcs[i];
				s->n = (uint32_t)n;
				atomic_store_explicit(&s->count, weight, memory_order_relaxed);
				atomic_store_explicit(&s->ready, 1, memory_order_release);
				return;
			}
			k = zero;
		}
		/* A slot being filled by another thread's handler is skipped;
		 * a duplicate slot for the same stack merges at write time. */
		if (k != h || !atomic_load_explicit(&s->ready, memory_order_acquire) ||
		    s->n != (uint32_t)n)
			continue;
		int i = 0;
		while (i < n && s->pcs[i] == pcs[i])
			i++;
		if (i == n) {
			atomic_fetch_add_explicit(&s->count, weight, memory_order_relaxed);
			return;
		}
	}
	atomic_fetch_add_explicit(&lost, weight, memory_order_relaxed);
}

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
	if (atomic_load(&cpu_on) != 1)
		goto out;
#if defined(__x86_64__)
	pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	fp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
	sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
	pc = (uintptr_t)uc->uc_mcontext.pc;
	fp = (uintptr_t)uc->uc_mcontext.regs[29];
	sp = (uintptr_t)uc->uc_mcontext.sp;
#else
	(void)uc;
#endif
	n = rt_stack_walk(pc, fp, sp, pcs, RT_MAX_FRAMES);
	/* Expirations while the signal was pending are CPU time too. */
	if (n > 0)
		record(pcs, n, 1 + (si->si_code == SI_TIMER && si->si_overrun > 0 ?
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
	long period = 1000000000L / cpu_hz;

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

void rt_cpu_thread_start(void)
{
	if (atomic_load(&cpu_on) != 1)
		return;
	/* use_itimer is set under the lock, after cpu_on */
	rt_lock_acquire(&timers_lock);
	if (atomic_load(&cpu_on) == 1 && !use_itimer)
		arm_locked(rt_gettid(), true);
	rt_lock_release(&timers_lock);
}

void rt_cpu_thread_exit(void)
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
	struct sigaction sa;

	if (handler_installed)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigprof;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGPROF, &sa, NULL) != 0)
		return kerr_set(err, -errno, "cannot install the SIGPROF handler: %s", strerror(errno));
	/* It stays installed: a SIGPROF still pending after stop must find
	 * a handler that ignores it, not the default action (exit). */
	handler_installed = true;
	return 0;
}

int rt_cpu_begin(int hz, struct kerr *err)
{
	int expected = 0, rc, first_err = 0;

	if (hz <= 0 || hz > 10000)
		return kerr_set(err, -EINVAL, "CPU sampling rate %d Hz is out of range 1..10000", hz);
	if (!atomic_compare_exchange_strong(&cpu_on, &expected, 2))
		return kerr_set(err, -EBUSY, "CPU profiling is already running");
	/* 2 = starting: handlers ignore signals until the table exists. */
	slots = mmap(NULL, SLOTS * sizeof(struct slot), PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		slots = NULL;
		atomic_store(&cpu_on, 0);
		return kerr_set(err, -ENOMEM, "cannot map the CPU sample table");
	}
	rc = install_handler(err);
	if (rc) {
		munmap(slots, SLOTS * sizeof(struct slot));
		slots = NULL;
		atomic_store(&cpu_on, 0);
		return rc;
	}
	cpu_hz = hz;
	atomic_store(&lost, 0);
	start_real = (int64_t)rt_now_ns(CLOCK_REALTIME);
	start_mono = (int64_t)rt_now_ns(CLOCK_MONOTONIC);
	use_itimer = false;
	atomic_store(&cpu_on, 1);
	/* Threads starting from now arm their own timers; arm the others. */
	rt_lock_acquire(&timers_lock);
	rt_threads_foreach(arm_one, &first_err);
	if (timers_n == 0) { /* no per-thread timer at all: process timer */
		struct itimerval it;
		for (size_t i = 0; i < timers_n; i++)
			if (timers[i].tid)
				timer_delete(timers[i].timer);
		timers_n = 0;
		memset(&it, 0, sizeof(it));
		it.it_interval.tv_usec = 1000000 / hz;
		it.it_value = it.it_interval;
		use_itimer = true;
		setitimer(ITIMER_PROF, &it, NULL);
	}
	rt_lock_release(&timers_lock);
	return 0;
}

bool rt_cpu_running(void)
{
	return atomic_load(&cpu_on) != 0;
}

/* An allocation failed while the table was read (nomem.c): drop it. */
static void end_failed(void *unused)
{
	munmap(slots, SLOTS * sizeof(struct slot));
	slots = NULL;
	atomic_store(&cpu_on, 0);
}

int rt_cpu_end(struct profile **out, struct kerr *err)
{
	struct rt_builder b;
	struct rt_cleanup undo;
	int64_t period, v[2];
	uint64_t nlost;
	int on = 1;

	*out = NULL;
	if (!atomic_compare_exchange_strong(&cpu_on, &on, 3))
		return kerr_set(err, KILN_ENOTRUNNING, "CPU profiling is not running");
	rt_lock_acquire(&timers_lock);
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

	period = 1000000000LL / cpu_hz;
	rt_cleanup_push(&undo, end_failed, NULL);
	rt_builder_init(&b);
	profile_add_sample_type(b.p, "samples", "count");
	profile_add_sample_type(b.p, "cpu", "nanoseconds");
	b.p->period_type = b.p->sample_type[1];
	b.p->period = period;
	b.p->time_nanos = start_real;
	b.p->duration_nanos = (int64_t)rt_now_ns(CLOCK_MONOTONIC) - start_mono;
	for (size_t i = 0; i < SLOTS; i++) {
		struct slot *s = &slots[i];
		if (!atomic_load(&s->ready))
			continue;
		v[0] = (int64_t)atomic_load(&s->count);
		v[1] = v[0] * period;
		rt_builder_add(&b, s->pcs, (int)s->n, true, v, 2, NULL, 0);
	}
	nlost = atomic_load(&lost);
	if (nlost) {
		v[0] = (int64_t)nlost;
		v[1] = v[0] * period;
		rt_builder_add_named(&b, "[kiln: lost samples]", v, 2, NULL, 0);
	}
	rt_cleanup_pop(&undo);
	munmap(slots, SLOTS * sizeof(struct slot));
	slots = NULL;
	atomic_store(&cpu_on, 0); /* the table is gone: another may start */
	*out = rt_builder_finish(&b);
	return 0;
}

void rt_cpu_after_fork_child(void)
{
	/* Timers are not inherited and the parent's samples are not ours:
	 * CPU profiling ends in the child without a profile. */
	atomic_store(&timers_lock.v, 0);
	timers_n = 0;
	if (use_itimer) {
		struct itimerval it;
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_PROF, &it, NULL);
	}
	atomic_store(&cpu_on, 0);
	if (slots) {
		munmap(slots, SLOTS * sizeof(struct slot));
		slots = NULL;
	}
}
