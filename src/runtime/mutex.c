/* The lock-contention profiler: interposed pthread_mutex_lock,
 * pthread_rwlock_rdlock/wrlock and pthread_spin_lock first try the lock;
 * only when it is taken do they time the wait and charge it, with the
 * waiter's stack, to a bucket (count, nanoseconds). The profile has Go's
 * mutex profile types, contentions/count and delay/nanoseconds, with every
 * contention recorded (Go's fraction 1); its stacks are where threads
 * waited, like Go's block profile.
 *
 * Workload: an uncontended lock costs one trylock more than without
 * libkiln; when the profiler is off, a relaxed load. */
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <time.h>

#include "kiln.h"
#include "rt.h"

static _Atomic int mutex_on;
static struct rt_buckets mutex_b; /* v[0] contentions, v[1] delay ns */

/* Called from the hooks, so the stack is [this, hook, caller]. */
static __attribute__((noinline)) void contended(uint64_t t0)
{
	uintptr_t pcs[RT_MAX_FRAMES];
	int64_t ns = (int64_t)(rt_now_ns(CLOCK_MONOTONIC) - t0);
	int n = rt_stack_unwind(pcs, RT_MAX_FRAMES, 2);

	rt_enter();
	/* locked in bucket.c: under TSan this file is not instrumented */
	rt_bucket_add(&mutex_b, pcs, n, 1, ns);
	rt_leave();
}

static inline bool watching(void)
{
	return atomic_load_explicit(&mutex_on, memory_order_relaxed) && !rt_tls.guard &&
	       RT_THREAD_READY();
}

/* When the real function is not known yet (we are inside dlsym on this
 * thread), spin on the trylock instead. */
#define REAL_OR_SPIN(real, trylock, lk) do {                                 \
	if (RT_UNLIKELY(!(real))) {                                           \
		if (!rt_tls.resolving)                                        \
			rt_resolve();                                         \
		if (!(real)) {                                                \
			int rc_;                                              \
			while ((rc_ = trylock(lk)) == EBUSY)                  \
				sched_yield();                                \
			return rc_;                                           \
		}                                                             \
	}                                                                     \
} while (0)

/* Locked by mutex_hooked() through the address dlsym gives. */
static pthread_mutex_t probe_mutex = PTHREAD_MUTEX_INITIALIZER;

RT_EXPORT int pthread_mutex_lock(pthread_mutex_t *m)
{
	uint64_t t0;
	int rc;

	if (RT_UNLIKELY(m == &probe_mutex))
		rt_tls.probe = 2;
	REAL_OR_SPIN(rt_real.mutex_lock, pthread_mutex_trylock, m);
	if (!watching())
		return rt_real.mutex_lock(m);
	rc = pthread_mutex_trylock(m);
	if (rc != EBUSY)
		return rc;
	t0 = rt_now_ns(CLOCK_MONOTONIC);
	rc = rt_real.mutex_lock(m);
	contended(t0);
	return rc;
}

RT_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
	uint64_t t0;
	int rc;

	REAL_OR_SPIN(rt_real.rwlock_rdlock, pthread_rwlock_tryrdlock, l);
	if (!watching())
		return rt_real.rwlock_rdlock(l);
	rc = pthread_rwlock_tryrdlock(l);
	if (rc != EBUSY)
		return rc;
	t0 = rt_now_ns(CLOCK_MONOTONIC);
	rc = rt_real.rwlock_rdlock(l);
	contended(t0);
	return rc;
}

RT_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
	uint64_t t0;
	int rc;

	REAL_OR_SPIN(rt_real.rwlock_wrlock, pthread_rwlock_trywrlock, l);
	if (!watching())
		return rt_real.rwlock_wrlock(l);
	rc = pthread_rwlock_trywrlock(l);
	if (rc != EBUSY)
		return rc;
	t0 = rt_now_ns(CLOCK_MONOTONIC);
	rc = rt_real.rwlock_wrlock(l);
	contended(t0);
	return rc;
}

RT_EXPORT int pthread_spin_lock(pthread_spinlock_t *l)
{
	uint64_t t0;
	int rc;

	REAL_OR_SPIN(rt_real.spin_lock, pthread_spin_trylock, l);
	if (!watching())
		return rt_real.spin_lock(l);
	rc = pthread_spin_trylock(l);
	if (rc != EBUSY)
		return rc;
	t0 = rt_now_ns(CLOCK_MONOTONIC);
	rc = rt_real.spin_lock(l);
	contended(t0);
	return rc;
}

extern __typeof(pthread_mutex_lock) rt_mutex_lock_self RT_ALIAS_OF(pthread_mutex_lock);

/* As rt_heap_hooked(), for the lock functions: in a non-PIE program that
 * takes pthread_mutex_lock's address, dlsym gives its canonical PLT entry,
 * so a lock of probe_mutex through it tells whether ours is reached. */
static bool mutex_hooked(void)
{
	int (*fn)(pthread_mutex_t *) =
		(int (*)(pthread_mutex_t *))dlsym(RTLD_DEFAULT, "pthread_mutex_lock");
	bool ours;

	if (fn == rt_mutex_lock_self)
		return true;
	/* TSan's interceptor, linked ahead, would reach ours through its own
	 * dlsym(RTLD_NEXT): its locks are not ours to profile. */
	if (!fn || RT_TSAN)
		return false;
	rt_tls.probe = 1;
	if (fn(&probe_mutex) == 0)
		pthread_mutex_unlock(&probe_mutex);
	ours = rt_tls.probe == 2;
	rt_tls.probe = 0;
	return ours;
}

int rt_mutex_begin(void)
{
	if (!atomic_load(&rt_resolved))
		rt_resolve();
	if (!rt_real.mutex_lock || !mutex_hooked())
		return rt_fail(KILN_ENOHOOKS, "pthread_mutex_lock is not libkiln's: preload it "
			       "(LD_PRELOAD) or link it ahead of the C library");
	atomic_store(&mutex_on, 1);
	return 0;
}

void rt_mutex_end(void)
{
	atomic_store(&mutex_on, 0);
}

bool rt_mutex_running(void)
{
	return atomic_load(&mutex_on) != 0;
}

int rt_mutex_snapshot(struct rt_buckets *out)
{
	return rt_buckets_copy(&mutex_b, out);
}

int rt_mutex_profile(const struct rt_buckets *base, struct profile **out, struct kerr *err)
{
	return rt_buckets_delay_profile(&mutex_b, base, "contention", out, err);
}

void rt_mutex_fork_prepare(void)
{
	rt_lock_acquire(&mutex_b.lock);
}

void rt_mutex_fork_parent(void)
{
	rt_lock_release(&mutex_b.lock);
}

void rt_mutex_fork_child(void)
{
	atomic_store(&mutex_b.lock.v, 0);
}
