/* The block profiler, Go's /debug/pprof/block for C: interposed waits
 * (condition variables, semaphores, pthread_join, the sleeps, and the
 * blocking I/O multiplexers poll, ppoll, select, pselect, epoll_wait,
 * epoll_pwait) time each call and charge its duration, with the waiter's
 * stack, to a bucket (count, nanoseconds): Go's block profile types
 * contentions/count and delay/nanoseconds, every wait recorded (Go's
 * SetBlockProfileRate(1)). A poll, select or sleep asked not to wait
 * (timeout 0) is not a wait and is not recorded. read, recv and accept are
 * not interposed: they are too frequent in I/O-heavy programs to time
 * unnoticed, and a blocking server thread waits in one of the multiplexers
 * first anyway.
 *
 * Off by default, as Go's rate 0: on while kiln_block_start() (KILN_BLOCK=1,
 * KILN_BLOCKPROFILE) or a ?seconds=N request asks (blockprof.c keeps the
 * buckets and builds the profile, built with ThreadSanitizer's
 * instrumentation where these hooks are not). When off, each hook
 * costs one relaxed load over the real call; when on, two clock reads, and
 * a DWARF unwind and a bucket update per wait. A wait cut short by the
 * thread-dump signal goes on (see AGAIN). A per-thread flag keeps a
 * wait made while one is recorded (a signal handler's nanosleep, a real
 * function calling another) from being counted twice or re-entering the
 * bucket lock. */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <semaphore.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kiln.h"
#include "rt.h"

/* Bit 0: started by the API or the environment; above it, one count per
 * ?seconds=N request in progress. */
static __thread int in_wait RT_TLS;

static inline bool watching(void)
{
	return atomic_load_explicit(&rt_block_on, memory_order_relaxed) && !rt_tls.guard &&
	       !in_wait && RT_THREAD_READY();
}

/* The real function, resolved on first use; when it is still unknown
 * (inside dlsym on this thread) the call fails with ENOSYS-like `fail`. */
#define REAL(field, fail) do {                                                \
	if (RT_UNLIKELY(!rt_real.field)) {                                    \
		if (!rt_tls.resolving)                                        \
			rt_resolve();                                         \
		if (!rt_real.field)                                           \
			return fail;                                          \
	}                                                                     \
} while (0)

/* Times `call` (an expression) when watching and `waits`. */
#define TIMED(type, waits, call) do {                                         \
	uint64_t t0_;                                                         \
	type rc_;                                                             \
	int e_;                                                               \
	if (!(waits) || !watching())                                          \
		return call;                                                  \
	in_wait++;                                                            \
	t0_ = rt_now_ns(CLOCK_MONOTONIC);                                     \
	rc_ = call;                                                           \
	e_ = errno;                                                           \
	rt_block_record(t0_);                                                 \
	in_wait--;                                                            \
	errno = e_;                                                           \
	return rc_;                                                           \
} while (0)

static bool ts_waits(const struct timespec *ts)
{
	return !ts || ts->tv_sec > 0 || ts->tv_nsec > 0;
}

/* The thread-dump signal (threads.c) interrupts the waits below with EINTR
 * whatever SA_RESTART says (signal(7)); a program would see waits it never
 * had a signal for end early. A wait our signal cut short, and only that
 * (rt_dump_hits moved during it), goes on: sleeps with what remained,
 * absolute deadlines and waits without a timeout as they were. Relative
 * timeouts of poll, ppoll, pselect and epoll are not retried (that would
 * need a clock read on every call): they end with EINTR, as any signal
 * makes them. */
#define AGAIN(rc, h) ((rc) == -1 && errno == EINTR && rt_dump_hits != (h) && ((h) = rt_dump_hits, 1))

static int do_nanosleep(const struct timespec *req, struct timespec *rem)
{
	struct timespec a = *req, left;
	unsigned h = rt_dump_hits;
	int rc;

	while (AGAIN(rc = rt_real.nanosleep(&a, &left), h))
		a = left;
	if (rc == -1 && errno == EINTR && rem)
		*rem = left;
	return rc;
}

/* clock_nanosleep returns the error instead of setting errno. */
static int do_clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
			      struct timespec *rem)
{
	struct timespec a = *req, left;
	unsigned h = rt_dump_hits;
	int rc;

	for (;;) {
		rc = rt_real.clock_nanosleep(clock, flags, &a, &left);
		if (rc != EINTR || rt_dump_hits == h)
			break;
		h = rt_dump_hits;
		if (!(flags & TIMER_ABSTIME))
			a = left;
	}
	if (rc == EINTR && rem && !(flags & TIMER_ABSTIME))
		*rem = left;
	return rc;
}

static int do_usleep(useconds_t us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	return do_nanosleep(&ts, NULL);
}

static unsigned int do_sleep(unsigned int s)
{
	unsigned h = rt_dump_hits;
	unsigned int left = rt_real.sleep(s);

	while (left && rt_dump_hits != h) {
		h = rt_dump_hits;
		left = rt_real.sleep(left);
	}
	return left;
}

#define RETRY(type, call, retry_ok) do {                                      \
	unsigned h_ = rt_dump_hits;                                           \
	type r_;                                                              \
	while (AGAIN(r_ = (call), h_) && (retry_ok))                          \
		;                                                             \
	return r_;                                                            \
} while (0)

static int do_sem_timedwait(sem_t *s, const struct timespec *abstime)
{
	RETRY(int, rt_real.sem_timedwait(s, abstime), true);
}

static int do_sem_clockwait(sem_t *s, clockid_t clock, const struct timespec *abstime)
{
	RETRY(int, rt_real.sem_clockwait(s, clock, abstime), true);
}

static int do_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	RETRY(int, rt_real.poll(fds, n, timeout), timeout < 0);
}

static int do_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		    const sigset_t *mask)
{
	RETRY(int, rt_real.ppoll(fds, n, ts, mask), !ts);
}

/* Linux's select leaves the time remaining in tv. */
static int do_select(int n, fd_set *r, fd_set *w, fd_set *x, struct timeval *tv)
{
	RETRY(int, rt_real.select(n, r, w, x, tv), true);
}

static int do_pselect(int n, fd_set *r, fd_set *w, fd_set *x, const struct timespec *ts,
		      const sigset_t *mask)
{
	RETRY(int, rt_real.pselect(n, r, w, x, ts, mask), !ts);
}

static int do_epoll_wait(int fd, struct epoll_event *ev, int max, int timeout)
{
	RETRY(int, rt_real.epoll_wait(fd, ev, max, timeout), timeout < 0);
}

static int do_epoll_pwait(int fd, struct epoll_event *ev, int max, int timeout,
			  const sigset_t *mask)
{
	RETRY(int, rt_real.epoll_pwait(fd, ev, max, timeout, mask), timeout < 0);
}

RT_EXPORT int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	REAL(cond_wait, EINVAL);
	TIMED(int, true, rt_real.cond_wait(c, m));
}

RT_EXPORT int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
				     const struct timespec *abstime)
{
	REAL(cond_timedwait, EINVAL);
	TIMED(int, true, rt_real.cond_timedwait(c, m, abstime));
}

RT_EXPORT int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clock,
				     const struct timespec *abstime)
{
	REAL(cond_clockwait, EINVAL);
	TIMED(int, true, rt_real.cond_clockwait(c, m, clock, abstime));
}

RT_EXPORT int sem_wait(sem_t *s)
{
	REAL(sem_wait, (errno = ENOSYS, -1));
	TIMED(int, true, rt_real.sem_wait(s));
}

RT_EXPORT int sem_timedwait(sem_t *s, const struct timespec *abstime)
{
	REAL(sem_timedwait, (errno = ENOSYS, -1));
	TIMED(int, true, do_sem_timedwait(s, abstime));
}

RT_EXPORT int sem_clockwait(sem_t *s, clockid_t clock, const struct timespec *abstime)
{
	REAL(sem_clockwait, (errno = ENOSYS, -1));
	TIMED(int, true, do_sem_clockwait(s, clock, abstime));
}

RT_EXPORT int pthread_join(pthread_t t, void **ret)
{
	REAL(pthread_join, ENOSYS);
	TIMED(int, true, rt_real.pthread_join(t, ret));
}

RT_EXPORT int nanosleep(const struct timespec *req, struct timespec *rem)
{
	REAL(nanosleep, (int)syscall(SYS_nanosleep, req, rem));
	if (!req)
		return rt_real.nanosleep(req, rem); /* EFAULT */
	TIMED(int, ts_waits(req), do_nanosleep(req, rem));
}

RT_EXPORT int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
			      struct timespec *rem)
{
	REAL(clock_nanosleep, ENOSYS);
	if (!req)
		return rt_real.clock_nanosleep(clock, flags, req, rem);
	TIMED(int, flags || ts_waits(req), do_clock_nanosleep(clock, flags, req, rem));
}

RT_EXPORT int usleep(useconds_t us)
{
	REAL(nanosleep, (errno = ENOSYS, -1)); /* usleep is a nanosleep */
	TIMED(int, us > 0, do_usleep(us));
}

RT_EXPORT unsigned int sleep(unsigned int s)
{
	REAL(sleep, s);
	TIMED(unsigned int, s > 0, do_sleep(s));
}

RT_EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	REAL(poll, (int)syscall(SYS_poll, fds, n, timeout));
	TIMED(int, timeout != 0, do_poll(fds, n, timeout));
}

RT_EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		    const sigset_t *mask)
{
	REAL(ppoll, (errno = ENOSYS, -1));
	TIMED(int, ts_waits(ts), do_ppoll(fds, n, ts, mask));
}

RT_EXPORT int select(int n, fd_set *r, fd_set *w, fd_set *x, struct timeval *tv)
{
	REAL(select, (int)syscall(SYS_select, n, r, w, x, tv));
	TIMED(int, !tv || tv->tv_sec > 0 || tv->tv_usec > 0, do_select(n, r, w, x, tv));
}

RT_EXPORT int pselect(int n, fd_set *r, fd_set *w, fd_set *x, const struct timespec *ts,
		      const sigset_t *mask)
{
	REAL(pselect, (errno = ENOSYS, -1));
	TIMED(int, ts_waits(ts), do_pselect(n, r, w, x, ts, mask));
}

RT_EXPORT int epoll_wait(int fd, struct epoll_event *ev, int max, int timeout)
{
	REAL(epoll_wait, (int)syscall(SYS_epoll_wait, fd, ev, max, timeout));
	TIMED(int, timeout != 0, do_epoll_wait(fd, ev, max, timeout));
}

RT_EXPORT int epoll_pwait(int fd, struct epoll_event *ev, int max, int timeout,
			  const sigset_t *mask)
{
	REAL(epoll_pwait, (errno = ENOSYS, -1));
	TIMED(int, timeout != 0, do_epoll_pwait(fd, ev, max, timeout, mask));
}

extern __typeof(nanosleep) rt_nanosleep_self RT_ALIAS_OF(nanosleep);

bool rt_block_hooked(void)
{
	return dlsym(RTLD_DEFAULT, "nanosleep") == (void *)rt_nanosleep_self;
}
