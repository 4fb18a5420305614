/* The CPU profiler's front: starting and stopping, the sample table both
 * samplers fill, and the profile built from it. perf_event_open on the
 * process itself is the sampler of choice (cpu-perf.c): no signal reaches
 * the program, so its own SIGPROF handler, a thread blocking signals or
 * the kernel's tick rate cannot hide samples. Where it is refused (seccomp,
 * perf_event_paranoid 3, old kernels) or KILN_CPU_SIGNALS=1 asks, SIGPROF
 * timers sample instead (cpu-signal.c); the profile's comments say which.
 *
 * The table is preallocated and lock-free, since the signal handler fills
 * it: a slot is claimed by CAS on its key, filled, then published with a
 * release store; a stack seen again increments the slot's atomic count. A
 * stack finding no slot within a bounded probe is counted as lost. It is
 * read only after the sampler has stopped. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "kiln.h"
#include "rt.h"
#include "cpu.h"

/* Under valgrind (RUNNING_ON_VALGRIND) the CPU runs valgrind's
 * translations of the program, so perf_event_open would sample those; its
 * signals carry the program's own context. */

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
/* While 2 (starting) or 3 (stopping) `slots` is being made or read and
 * freed: only the starter or stopper touches it then, and a profile
 * started meanwhile elsewhere (HTTP) waits for 0 (EBUSY). */
_Atomic int rt_cpu_state;
static _Atomic uint64_t lost;
/* Slots claimed: a profile with none (most exec'd short programs) is built
 * without touching the 4 MiB table, whose every page would fault. */
static _Atomic uint32_t n_claimed;
static int cpu_hz;
static _Atomic bool use_perf; /* read by thread starts */
static const char *fallback_why; /* static string; NULL in perf mode */
static char fallback_buf[160];
static int64_t start_real, start_mono;
static _Atomic int64_t stopped_at; /* ns after start, 0 = not stopped early */
static const char *_Atomic stopped_why;

uint64_t rt_now_ns(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void rt_cpu_record(const uintptr_t *pcs, int n, uint64_t weight)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	struct slot *s;

	if (n > RT_MAX_FRAMES)
		n = RT_MAX_FRAMES;
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
				atomic_fetch_add_explicit(&n_claimed, 1, memory_order_relaxed);
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

void rt_cpu_add_lost(uint64_t n)
{
	atomic_fetch_add_explicit(&lost, n, memory_order_relaxed);
}

void rt_cpu_stopped_early(const char *why)
{
	int64_t t = (int64_t)rt_now_ns(CLOCK_MONOTONIC) - start_mono, zero = 0;

	if (atomic_compare_exchange_strong(&stopped_at, &zero, t > 0 ? t : 1))
		atomic_store(&stopped_why, why);
}

const char *rt_cpu_stop_note(int64_t *at_ns)
{
	*at_ns = atomic_load(&stopped_at);
	return *at_ns ? atomic_load(&stopped_why) : NULL;
}

const char *rt_cpu_fallback(void)
{
	return fallback_why;
}

int rt_cpu_begin(int hz, struct kerr *err)
{
	int expected = 0, rc;

	if (hz <= 0 || hz > 10000)
		return kerr_set(err, -EINVAL, "CPU sampling rate %d Hz is out of range 1..10000", hz);
	if (!atomic_compare_exchange_strong(&rt_cpu_state, &expected, 2))
		return kerr_set(err, -EBUSY, "CPU profiling is already running");
	/* 2 = starting: samplers ignore samples until the table exists. */
	slots = mmap(NULL, SLOTS * sizeof(struct slot), PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED) {
		slots = NULL;
		atomic_store(&rt_cpu_state, 0);
		return kerr_set(err, -ENOMEM, "cannot map the CPU sample table");
	}
	cpu_hz = hz;
	atomic_store(&lost, 0);
	atomic_store(&n_claimed, 0);
	atomic_store(&stopped_at, 0);
	start_real = (int64_t)rt_now_ns(CLOCK_REALTIME);
	start_mono = (int64_t)rt_now_ns(CLOCK_MONOTONIC);
	/* On before the samplers start: their first samples are kept. */
	atomic_store(&rt_cpu_state, 1);
	fallback_why = NULL;
	if (rt_env_cpu_signals()) {
		fallback_why = "KILN_CPU_SIGNALS=1";
	} else if (RUNNING_ON_VALGRIND) {
		fallback_why = "running under valgrind, whose translated code it would sample";
		rt_env_cpu_fallback(fallback_why);
	} else {
		use_perf = true;
		rc = rt_cpu_perf_begin(hz, &fallback_why, fallback_buf, sizeof(fallback_buf));
		if (rc == 0)
			return 0;
		use_perf = false;
		rt_env_cpu_fallback(fallback_why);
	}
	rc = rt_cpu_sig_begin(hz, err);
	if (rc) {
		atomic_store(&rt_cpu_state, 3);
		munmap(slots, SLOTS * sizeof(struct slot));
		slots = NULL;
		atomic_store(&rt_cpu_state, 0);
	}
	return rc;
}

bool rt_cpu_running(void)
{
	return atomic_load(&rt_cpu_state) != 0;
}

void rt_cpu_thread_start(void)
{
	if (atomic_load(&rt_cpu_state) == 1 && !use_perf)
		rt_cpu_sig_thread_start();
}

void rt_cpu_thread_exit(void)
{
	rt_cpu_sig_thread_exit();
}

static void add_comments(struct profile *p)
{
	char text[320];
	const char *why;
	int64_t at;
	int blocked;

	if (use_perf) {
		snprintf(text, sizeof(text), "kiln: CPU samples from perf_event_open: %s, %d Hz",
			 rt_cpu_perf_what(), cpu_hz);
		profile_add_comment(p, text);
	} else {
		snprintf(text, sizeof(text), "kiln: CPU samples from SIGPROF timers, %d Hz "
			 "(perf_event_open not used: %s)", cpu_hz, fallback_why);
		profile_add_comment(p, text);
		blocked = rt_cpu_sig_blocked_threads();
		if (blocked > 0) {
			snprintf(text, sizeof(text), "kiln: %d thread%s blocked SIGPROF: %s CPU time "
				 "is missing", blocked, blocked > 1 ? "s" : "",
				 blocked > 1 ? "their" : "its");
			profile_add_comment(p, text);
		}
	}
	if ((why = rt_cpu_stop_note(&at))) {
		snprintf(text, sizeof(text), "CPU profiling stopped at %" PRId64 ".%02d s: %s",
			 at / 1000000000, (int)(at % 1000000000 / 10000000), why);
		profile_add_comment(p, text);
	}
}

/* An allocation failed while the table was read (nomem.c): drop it. */
static void end_failed(void *unused)
{
	munmap(slots, SLOTS * sizeof(struct slot));
	slots = NULL;
	use_perf = false;
	atomic_store(&rt_cpu_state, 0);
}

int rt_cpu_end(struct profile **out, struct kerr *err)
{
	struct rt_builder b;
	struct rt_cleanup undo;
	int64_t period, v[2];
	uint64_t nlost;
	int on = 1;

	*out = NULL;
	if (!atomic_compare_exchange_strong(&rt_cpu_state, &on, 3))
		return kerr_set(err, KILN_ENOTRUNNING, "CPU profiling is not running");
	if (use_perf)
		rt_cpu_perf_end();
	else
		rt_cpu_sig_end();

	period = 1000000000LL / cpu_hz;
	rt_cleanup_push(&undo, end_failed, NULL);
	rt_builder_init(&b);
	profile_add_sample_type(b.p, "samples", "count");
	profile_add_sample_type(b.p, "cpu", "nanoseconds");
	b.p->period_type = b.p->sample_type[1];
	b.p->period = period;
	b.p->time_nanos = start_real;
	b.p->duration_nanos = (int64_t)rt_now_ns(CLOCK_MONOTONIC) - start_mono;
	add_comments(b.p);
	for (size_t i = 0; i < (atomic_load(&n_claimed) ? SLOTS : 0); i++) {
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
	use_perf = false;
	atomic_store(&rt_cpu_state, 0); /* the table is gone: another may start */
	*out = rt_builder_finish(&b);
	return 0;
}

void rt_cpu_after_fork_child(void)
{
	/* Events and timers are the parent's and its samples are not ours:
	 * CPU profiling ends in the child without a profile. */
	if (use_perf)
		rt_cpu_perf_fork_child();
	rt_cpu_sig_fork_child();
	use_perf = false;
	atomic_store(&rt_cpu_state, 0);
	if (slots) {
		munmap(slots, SLOTS * sizeof(struct slot));
		slots = NULL;
	}
}
