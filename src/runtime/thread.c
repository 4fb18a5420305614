/* Threads: the pthread_create hook and the registry of threads started
 * through it. Each new thread runs a trampoline that records its stack
 * bounds (for fault-free stack walks), registers itself with its creation
 * stack (Go's threadcreate profile), arms its CPU timer when CPU profiling
 * is on, and is unregistered by a pthread key destructor when it exits.
 * Threads created by libkiln itself (HTTP server, snapshot writer) inherit
 * the creator's guard for life, so their allocations are never sampled.
 * Workload: one registry update per thread start and exit. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kiln.h"
#include "rt.h"

struct rt_buckets rt_thread_buckets;

struct thread_ent {
	pid_t tid;        /* 0 = free entry */
	uint32_t bucket;  /* creation stack in rt_thread_buckets, + 1 */
};
static rt_lock reg_lock;
static struct thread_ent *reg;
static size_t reg_n, reg_cap;
static pthread_key_t exit_key;
static bool have_key;

struct start {
	void *(*fn)(void *);
	void *arg;
	bool profiler;
	uint32_t bucket;
};

pid_t rt_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void reg_add(pid_t tid, uint32_t bucket)
{
	size_t i;

	rt_lock_acquire(&reg_lock);
	for (i = 0; i < reg_n && reg[i].tid; i++)
		;
	if (i == reg_n) {
		if (reg_n == reg_cap) {
			size_t cap = reg_cap ? reg_cap * 2 : 64;
			struct thread_ent *r = rt_real.realloc(reg, cap * sizeof(*r));
			if (!r)
				goto unlock;
			reg = r;
			reg_cap = cap;
		}
		reg_n++;
	}
	reg[i].tid = tid;
	reg[i].bucket = bucket;
	rt_tls.slot = (int)i + 1;
unlock:
	rt_lock_release(&reg_lock);
}

static void reg_remove(void)
{
	rt_lock_acquire(&reg_lock);
	if (rt_tls.slot > 0 && (size_t)rt_tls.slot <= reg_n)
		reg[rt_tls.slot - 1].tid = 0;
	rt_tls.slot = 0;
	rt_lock_release(&reg_lock);
}

static void on_thread_exit(void *unused)
{
	rt_enter();
	rt_cpu_thread_exit();
	reg_remove();
	rt_leave();
}

static void *trampoline(void *arg)
{
	struct start st = *(struct start *)arg;

	rt_real.free(arg);
	rt_tls.tsan_ready = true;
	rt_tls.profiler_thread = st.profiler;
	if (st.profiler)
		rt_tls.guard = 1; /* for the thread's whole life */
	else
		rt_stack_bounds_init(); /* a profiler thread is never sampled;
					 * this mallocs, making its arena */
	rt_enter();
	reg_add(rt_gettid(), st.bucket);
	if (have_key)
		pthread_setspecific(exit_key, (void *)1);
	rt_cpu_thread_start();
	rt_leave();
	return st.fn(st.arg);
}

#if RT_TSAN
extern __typeof(pthread_create) rt_pthread_create_self RT_ALIAS_OF(pthread_create);

/* True when the program's pthread_create is ours. When TSan's is (linked
 * ahead of libkiln), TSan calls ours with its own thread start, which must
 * run before any instrumented code on the new thread: our trampoline would
 * run first, so ours only forwards then. */
static bool threads_hooked(void)
{
	static _Atomic int hooked; /* 0 unknown, 1 yes, 2 no */
	int h = atomic_load_explicit(&hooked, memory_order_relaxed);

	if (!h) {
		h = dlsym(RTLD_DEFAULT, "pthread_create") == (void *)rt_pthread_create_self ? 1 : 2;
		atomic_store_explicit(&hooked, h, memory_order_relaxed);
	}
	return h == 1;
}
#endif

RT_EXPORT int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
			     void *(*fn)(void *), void *arg)
{
	uintptr_t pcs[RT_MAX_FRAMES];
	struct start *st;
	size_t bi;
	int n, rc;

	if (!atomic_load(&rt_resolved))
		rt_resolve();
	if (!rt_real.pthread_create)
		return EAGAIN;
	/* Another fork handler starting a thread (ThreadSanitizer's, in a
	 * child, before ours has released the registry): not registered. */
	if (RT_UNLIKELY(rt_tls.forking))
		return rt_real.pthread_create(thread, attr, fn, arg);
#if RT_TSAN
	if (!threads_hooked())
		return rt_real.pthread_create(thread, attr, fn, arg);
#endif
	st = rt_real.malloc(sizeof(*st));
	if (!st)
		return rt_real.pthread_create(thread, attr, fn, arg);
	st->fn = fn;
	st->arg = arg;
	st->profiler = rt_tls.guard > 0 || rt_tls.profiler_thread;
	st->bucket = 0;
	/* libkiln's own threads are not the program's: no stack, which also
	 * spares a short-lived process backtrace's loading of libgcc_s. */
	if (!st->profiler) {
		n = rt_stack_unwind(pcs, RT_MAX_FRAMES, 1); /* the hook itself */
		rt_enter();
		rt_lock_acquire(&rt_thread_buckets.lock);
		bi = rt_bucket_get(&rt_thread_buckets, pcs, n, 0);
		if (bi != SIZE_MAX) {
			rt_thread_buckets.b[bi].v[0]++;
			st->bucket = (uint32_t)bi + 1;
		}
		rt_lock_release(&rt_thread_buckets.lock);
		rt_leave();
	}
	rc = rt_real.pthread_create(thread, attr, trampoline, st);
	if (rc) {
		rt_real.free(st);
		return rc;
	}
	rt_enter();
	rt_env_thread_created();
	rt_leave();
	return 0;
}

int rt_thread_start_own(pthread_t *t, void *(*fn)(void *), void *arg, size_t stack)
{
	if (!atomic_load(&rt_resolved))
		rt_resolve();
	pthread_attr_t attr;
	int rc;

	if (!rt_real.pthread_create)
		return EAGAIN;
	if (!stack || pthread_attr_init(&attr) != 0)
		return rt_real.pthread_create(t, NULL, fn, arg);
	/* A small stack is less to map, and to give back at exit. */
	rc = pthread_attr_setstacksize(&attr, stack);
	rc = rc ? rt_real.pthread_create(t, NULL, fn, arg) : rt_real.pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return rc;
}

void rt_thread_init(void)
{
	rt_tls.tsan_ready = true; /* the thread that starts libkiln */
	rt_enter();
	if (pthread_key_create(&exit_key, on_thread_exit) == 0)
		have_key = true;
	reg_add(rt_gettid(), 0);
	rt_leave();
}

static void close_dir(void *d)
{
	closedir(d);
}

void rt_threads_foreach(void (*fn)(pid_t tid, void *arg), void *arg)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	struct rt_cleanup undo; /* fn may run out of memory (nomem.c) */

	if (!d)
		return;
	rt_cleanup_push(&undo, close_dir, d);
	while ((e = readdir(d))) {
		pid_t tid = (pid_t)atoi(e->d_name);
		if (tid > 0)
			fn(tid, arg);
	}
	rt_cleanup_pop(&undo);
	closedir(d);
}

int rt_threadcreate_profile(struct profile **out, struct kerr *err)
{
	struct rt_builder b;
	struct rt_buckets c;
	struct rt_cleanup undo;
	int rc;

	*out = NULL;
	rc = rt_buckets_copy(&rt_thread_buckets, &c);
	if (rc)
		return kerr_set(err, rc, "out of memory copying thread stacks");
	rt_cleanup_push(&undo, rt_buckets_free_copy_cb, &c);
	rt_builder_init(&b);
	rt_buckets_note_dropped(&c, b.p);
	profile_add_sample_type(b.p, "threadcreate", "count");
	b.p->period_type = b.p->sample_type[0];
	b.p->period = 1;
	for (size_t i = 0; i < c.n; i++)
		rt_builder_add(&b, c.pcs + c.b[i].pc_off, (int)c.b[i].n_pc, false, &c.b[i].v[0],
			       1, NULL, 0);
	rt_cleanup_pop(&undo);
	rt_buckets_free_copy(&c);
	*out = rt_builder_finish(&b);
	return 0;
}

void rt_thread_fork_child(void)
{
	/* Only the forking thread survives. */
	atomic_store(&reg_lock.v, 0);
	atomic_store(&rt_thread_buckets.lock.v, 0);
	for (size_t i = 0; i < reg_n; i++)
		reg[i].tid = 0;
	rt_tls.slot = 0;
	reg_add(rt_gettid(), 0);
}

void rt_thread_fork_prepare(void)
{
	rt_lock_acquire(&rt_thread_buckets.lock);
	rt_lock_acquire(&reg_lock);
}

void rt_thread_fork_parent(void)
{
	rt_lock_release(&reg_lock);
	rt_lock_release(&rt_thread_buckets.lock);
}
