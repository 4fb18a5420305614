/* libkiln's internal interfaces, shared by the files of src/runtime/.
 *
 * Three kinds of context run libkiln code, with different rules:
 *   - hooks (malloc, pthread_mutex_lock, ...): called by the host program at
 *     any time, possibly before libkiln is initialised and re-entrantly from
 *     dlsym; they may only use the real functions, rt_lock and TLS;
 *   - the SIGPROF handler: async-signal-safe work only (cpu.c, stack.c);
 *   - writers (building and writing profiles, the HTTP server): ordinary C
 *     with malloc, stdio and the base/profile/symbols libraries, always
 *     inside rt_enter()/rt_leave() so their own allocations and locks are
 *     neither sampled nor profiled, and behind a recovery point
 *     (rt_nomem_call) so that running out of memory returns KILN_ENOMEM. */
#ifndef KILN_RUNTIME_RT_H
#define KILN_RUNTIME_RT_H

#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/types.h>
#include <time.h>

/* RUNNING_ON_VALGRIND: where valgrind's header is missing, nothing tells. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#include "../base/buf.h"
#include "../base/err.h"
#include "../base/hashmap.h"
#include "../profile/profile.h"

#define RT_TLS __attribute__((tls_model("initial-exec")))
#define RT_HIDDEN __attribute__((visibility("hidden")))
#define RT_EXPORT __attribute__((visibility("default")))
/* A hidden alias of an interposed function, to compare with what the
 * dynamic linker resolves the public name to. */
#if defined(__has_attribute)
#if __has_attribute(copy)
#define RT_ALIAS_OF(f) __attribute__((alias(#f), visibility("hidden"), copy(f)))
#endif
#endif
#ifndef RT_ALIAS_OF
#define RT_ALIAS_OF(f) __attribute__((alias(#f), visibility("hidden")))
#endif
/* RT_TSAN: built for ThreadSanitizer (meson defines it for every file,
 * the hooks' malloc.c, mutex.c and resolve.c too, which are built without
 * TSan's instrumentation). TSan's runtime allocates through our malloc
 * while it sets a thread up, and other libraries' constructors lock before
 * it is initialised, when instrumented code cannot run on that thread yet:
 * the hooks only forward to the real functions until the thread has passed
 * our thread start or rt_init (rt_tls.tsan_ready). */
#ifndef RT_TSAN
#define RT_TSAN 0
#endif
#if RT_TSAN
#define RT_THREAD_READY() (rt_tls.tsan_ready)
#else
#define RT_THREAD_READY() true
#endif
#define RT_LIKELY(x) __builtin_expect(!!(x), 1)
#define RT_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Frames kept per stack, as Go's runtime keeps for its profiles. */
#define RT_MAX_FRAMES 64

/* Per-thread state. Initial-exec TLS: one %fs-relative access, no
 * __tls_get_addr call that could itself allocate. Zero means unknown. */
struct rt_tls {
	int guard;            /* > 0: inside libkiln; hooks pass through */
	int resolving;        /* inside dlsym: allocate from the bootstrap */
	bool profiler_thread; /* created by libkiln (HTTP, snapshots) */
	bool tsan_ready;      /* RT_TSAN: instrumented code may run here */
	uintptr_t stack_lo, stack_hi; /* this thread's stack, for safe walks */
	int64_t heap_until;   /* bytes left to allocate before the next sample */
	int64_t heap_drawn;   /* the interval heap_until started from */
	uint32_t heap_epoch;  /* heap_start() generation of heap_until */
	uint64_t rng;         /* xorshift state, 0 until seeded */
	int slot;             /* thread registry index + 1, 0 = unregistered */
	int probe;            /* rt_heap_hooked(), mutex_hooked(): 1 asking, 2 ours ran */
	bool forking;         /* between our fork handlers: our locks are held */
};
extern __thread struct rt_tls rt_tls RT_TLS RT_HIDDEN;

static inline void rt_enter(void) { rt_tls.guard++; }
static inline void rt_leave(void) { rt_tls.guard--; }

/* ---- the real functions behind the hooks (resolve.c) ---- */
struct epoll_event;
struct rt_real {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*reallocarray)(void *, size_t, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	size_t (*malloc_usable_size)(void *);
	int (*pthread_create)(pthread_t *, const pthread_attr_t *,
			      void *(*)(void *), void *);
	int (*mutex_lock)(pthread_mutex_t *);
	int (*rwlock_rdlock)(pthread_rwlock_t *);
	int (*rwlock_wrlock)(pthread_rwlock_t *);
	int (*spin_lock)(pthread_spinlock_t *);
	/* the waits of the block profiler (block.c) */
	int (*cond_wait)(pthread_cond_t *, pthread_mutex_t *);
	int (*cond_timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
	int (*cond_clockwait)(pthread_cond_t *, pthread_mutex_t *, clockid_t,
			      const struct timespec *);
	int (*sem_wait)(sem_t *);
	int (*sem_timedwait)(sem_t *, const struct timespec *);
	int (*sem_clockwait)(sem_t *, clockid_t, const struct timespec *);
	int (*pthread_join)(pthread_t, void **);
	int (*nanosleep)(const struct timespec *, struct timespec *);
	int (*clock_nanosleep)(clockid_t, int, const struct timespec *, struct timespec *);
	unsigned int (*sleep)(unsigned int);
	int (*poll)(struct pollfd *, nfds_t, int);
	int (*ppoll)(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
	int (*select)(int, fd_set *, fd_set *, fd_set *, struct timeval *);
	int (*pselect)(int, fd_set *, fd_set *, fd_set *, const struct timespec *,
		       const sigset_t *);
	int (*epoll_wait)(int, struct epoll_event *, int, int);
	int (*epoll_pwait)(int, struct epoll_event *, int, int, const sigset_t *);
	int (*sigaction)(int, const struct sigaction *, struct sigaction *);
	void (*(*signal)(int, void (*)(int)))(int);
};
extern struct rt_real rt_real RT_HIDDEN;
/* True once every pointer above is set. */
extern _Atomic bool rt_resolved RT_HIDDEN;
/* Looks the real functions up with dlsym(RTLD_NEXT). Re-entrant: allocations
 * dlsym makes meanwhile are served from a static buffer. */
void rt_resolve(void) RT_HIDDEN;
/* Static bootstrap buffer: allocations made while resolving. */
void *rt_boot_alloc(size_t size, size_t align) RT_HIDDEN;
size_t rt_boot_size(const void *p) RT_HIDDEN;
#define RT_BOOT_SIZE (256 * 1024)
extern unsigned char rt_boot_buf[RT_BOOT_SIZE] RT_HIDDEN;
/* Inline: free() asks it for every pointer. */
static inline bool rt_boot_owns(const void *p)
{
	return (uintptr_t)p - (uintptr_t)rt_boot_buf < RT_BOOT_SIZE;
}

/* ---- a small futex lock: no pthread (we interpose it), no allocation,
 * reset to unlocked in a forked child (lock.c) ---- */
typedef struct { _Atomic int v; } rt_lock;
#define RT_LOCK_INIT { 0 }
void rt_lock_slow(rt_lock *l) RT_HIDDEN;
void rt_unlock_wake(rt_lock *l) RT_HIDDEN;
static inline void rt_lock_acquire(rt_lock *l)
{
	int c = 0;
	if (!atomic_compare_exchange_strong_explicit(&l->v, &c, 1, memory_order_acquire,
						     memory_order_relaxed))
		rt_lock_slow(l);
}
static inline void rt_lock_release(rt_lock *l)
{
	if (atomic_exchange_explicit(&l->v, 0, memory_order_release) == 2)
		rt_unlock_wake(l);
}

/* ---- stacks (stack.c) ---- */
/* Captures the caller's stack: return addresses, innermost first, `skip`
 * frames of libkiln dropped, at most `max`; returns how many. From the
 * DWARF unwinder: exact through code without frame pointers. Not
 * async-signal-safe: for the hooks' sampled paths only. */
int rt_stack_unwind(uintptr_t *pcs, int max, int skip) RT_HIDDEN;
/* Walks from an interrupted context: pcs[0] = pc, then return addresses
 * found from frame pointer `fp` (and `sp` bounds the first frame).
 * Async-signal-safe. */
int rt_stack_walk(uintptr_t pc, uintptr_t fp, uintptr_t sp, uintptr_t *pcs, int max) RT_HIDDEN;
/* The program counter, frame pointer and stack pointer of a signal's
 * context (a ucontext_t); false (and zeros) where kiln does not know this
 * architecture's. Async-signal-safe. */
bool rt_context_regs(const void *uc, uintptr_t *pc, uintptr_t *fp, uintptr_t *sp) RT_HIDDEN;
/* Records the calling thread's stack bounds in rt_tls (allocates: call
 * from thread start or init with the guard set, never from a hook). */
void rt_stack_bounds_init(void) RT_HIDDEN;

/* ---- stack buckets: (stack, size) → counters, for heap, mutex and thread
 * profiles (bucket.c). Updated under the table's lock from hooks, so its
 * memory comes from the real allocator. ---- */
#define RT_BUCKET_VALUES 4
struct rt_bucket {
	uint64_t hash;
	uint64_t size;            /* allocation size; 0 for other profiles */
	uint32_t pc_off, n_pc;    /* into the table's pcs pool */
	uint32_t next;            /* hash chain, index + 1 */
	int64_t v[RT_BUCKET_VALUES];
};
struct rt_buckets {
	rt_lock lock;
	struct rt_bucket *b;
	size_t n, cap;
	uintptr_t *pcs;
	size_t n_pcs, cap_pcs;
	uint32_t *heads;          /* index + 1, 0 = empty */
	size_t n_heads;           /* power of two */
	uint64_t dropped;         /* samples that found no room: out of memory */
};
/* Returns the bucket index for (pcs, size), creating it; SIZE_MAX when out
 * of memory (counted in t->dropped: the caller drops the sample). Caller
 * holds t->lock. */
size_t rt_bucket_get(struct rt_buckets *t, const uintptr_t *pcs, int n, uint64_t size) RT_HIDDEN;
/* Adds "N samples dropped: out of memory" to p's comments when the copy
 * c counts any. */
void rt_buckets_note_dropped(const struct rt_buckets *c, struct profile *p) RT_HIDDEN;
/* A test hook (KILN_TEST_BUCKET_LIMIT, read by env.c): tables refuse to
 * grow past this many buckets, as if out of memory; 0 = no limit. */
extern size_t rt_test_bucket_limit RT_HIDDEN;
/* Adds v0, v1 to the bucket of (pcs, size 0), taking the lock: for hook
 * files built without TSan's instrumentation, whose own locking TSan
 * would not see. Drops the sample when out of memory. */
void rt_bucket_add(struct rt_buckets *t, const uintptr_t *pcs, int n, int64_t v0,
		   int64_t v1) RT_HIDDEN;
/* A consistent copy for a writer (takes and releases the lock). The copy
 * is malloc'd: free with rt_buckets_free_copy(). */
int rt_buckets_copy(struct rt_buckets *t, struct rt_buckets *copy) RT_HIDDEN;
void rt_buckets_free_copy(struct rt_buckets *copy) RT_HIDDEN;
void rt_buckets_free_copy_cb(void *copy) RT_HIDDEN; /* as a cleanup */
/* Subtracts an earlier copy's counters from a later copy of the same table
 * (buckets keep their index; new ones are appended): a delta profile. */
void rt_buckets_subtract(struct rt_buckets *later, const struct rt_buckets *earlier) RT_HIDDEN;
/* The contention or blocking profile of t (v[0] events, v[1] delay ns):
 * sample types contentions/count and delay/nanoseconds, less `base`
 * (a snapshot, or NULL). *out: the caller's; `what` names the samples in
 * the out-of-memory error. */
int rt_buckets_delay_profile(struct rt_buckets *t, const struct rt_buckets *base,
			     const char *what, struct profile **out, struct kerr *err) RT_HIDDEN;

/* ---- the thread registry and pthread_create hook (thread.c) ---- */
/* Calls fn(tid) for every live thread of the process known to the registry
 * plus those in /proc/self/task, under the registry lock. */
void rt_threads_foreach(void (*fn)(pid_t tid, void *arg), void *arg) RT_HIDDEN;
extern struct rt_buckets rt_thread_buckets RT_HIDDEN; /* v[0]: threads created */
/* Every thread created since start, by creation stack (Go's threadcreate). */
int rt_threadcreate_profile(struct profile **out, struct kerr *err) RT_HIDDEN;
void rt_thread_fork_prepare(void) RT_HIDDEN;
void rt_thread_fork_parent(void) RT_HIDDEN;
void rt_thread_fork_child(void) RT_HIDDEN;
pid_t rt_gettid(void) RT_HIDDEN;
void rt_thread_init(void) RT_HIDDEN;
/* Starts a libkiln thread past the hook (not registered, no creation
 * stack, nothing allocated: a short-lived process pays no arena for it);
 * fn must set rt_tls.guard and rt_tls.profiler_thread first thing.
 * stack: its size in bytes, 0 for the default. Returns pthread_create's
 * code. */
int rt_thread_start_own(pthread_t *t, void *(*fn)(void *), void *arg, size_t stack) RT_HIDDEN;

/* Set by the exit handler before it writes the profiles: what would only
 * be torn down (threads, rings) is left to the kernel. */
extern _Atomic bool rt_exiting RT_HIDDEN;

/* ---- CPU profiler (cpu.c) ---- */
int rt_cpu_begin(int hz, struct kerr *err) RT_HIDDEN;
/* Stops and builds the profile (caller frees). */
int rt_cpu_end(struct profile **out, struct kerr *err) RT_HIDDEN;
bool rt_cpu_running(void) RT_HIDDEN;
/* Why the sampler is SIGPROF timers (static string), NULL when it is
 * perf_event_open or nothing runs. */
const char *rt_cpu_fallback(void) RT_HIDDEN;
/* Why and when (ns after start) sampling stopped before rt_cpu_end; NULL
 * when it did not. */
const char *rt_cpu_stop_note(int64_t *at_ns) RT_HIDDEN;
/* Thread hooks: a new thread arms its own timer; an exiting one deletes it. */
void rt_cpu_thread_start(void) RT_HIDDEN;
void rt_cpu_thread_exit(void) RT_HIDDEN;
void rt_cpu_after_fork_child(void) RT_HIDDEN;
/* The API's lock across fork; the child forgets the parent's CPU profile
 * (its path: the sampler stayed with the parent). api.c. */
void rt_api_fork_prepare(void) RT_HIDDEN;
void rt_api_fork_parent(void) RT_HIDDEN;
void rt_api_fork_child(void) RT_HIDDEN;

/* ---- heap profiler (heap.c, malloc.c) ---- */
extern _Atomic int rt_heap_on RT_HIDDEN;
int rt_heap_begin(long rate, struct kerr *err) RT_HIDDEN;
/* True when the process's malloc is libkiln's (not when dlopen'ed). */
bool rt_heap_hooked(void) RT_HIDDEN;
bool rt_heap_running(void) RT_HIDDEN;
/* Builds the heap profile; `allocs` makes alloc_space the default type.
 * With `base` (a rt_heap_snapshot() taken earlier), only what happened
 * since: Go's delta profile for ?seconds=N. */
int rt_heap_profile(bool allocs, const struct rt_buckets *base, struct profile **out,
		    struct kerr *err) RT_HIDDEN;
int rt_heap_snapshot(struct rt_buckets *out) RT_HIDDEN;
/* gperftools-style text (Go's debug=1 heap format). */
int rt_heap_text(struct kbuf *out, struct kerr *err) RT_HIDDEN;
/* Slow paths called by the hooks in malloc.c. */
void rt_heap_sample(void *p, size_t size) RT_HIDDEN;
/* The address may be sampled: a lock-free test free() makes on every block.
 * A counting filter: how many live sampled blocks hash to each cell. */
#define RT_FILTER_BITS 16
extern _Atomic uint32_t rt_heap_filter[1u << RT_FILTER_BITS] RT_HIDDEN;
static inline size_t rt_addr_hash(uintptr_t a)
{
	return (size_t)(((uint64_t)a >> 4) * 0x9e3779b97f4a7c15ULL >> 20);
}
static inline bool rt_heap_maybe_sampled(const void *p)
{
	return atomic_load_explicit(
		&rt_heap_filter[rt_addr_hash((uintptr_t)p) & ((1u << RT_FILTER_BITS) - 1)],
		memory_order_relaxed) != 0;
}
void rt_heap_forget(const void *p) RT_HIDDEN;
/* Estimated bytes allocated since heap_begin, updated at each sample. */
uint64_t rt_heap_allocated(void) RT_HIDDEN;
/* Wakes the snapshot writer when KILN_HEAP_INTERVAL bytes have passed
 * (env.c); called from the sampling path. */
void rt_env_heap_progress(uint64_t allocated) RT_HIDDEN;
/* A thread was created through our hook (env.c starts its helper then). */
void rt_env_thread_created(void) RT_HIDDEN;
void rt_heap_fork_prepare(void) RT_HIDDEN;
void rt_heap_fork_parent(void) RT_HIDDEN;
void rt_heap_fork_child(void) RT_HIDDEN;

/* ---- mutex profiler (mutex.c) ---- */
int rt_mutex_begin(void) RT_HIDDEN;
bool rt_mutex_running(void) RT_HIDDEN;
/* Stops recording (a descendant told to do nothing); the table stays. */
void rt_mutex_end(void) RT_HIDDEN;
int rt_mutex_profile(const struct rt_buckets *base, struct profile **out,
		     struct kerr *err) RT_HIDDEN;
int rt_mutex_snapshot(struct rt_buckets *out) RT_HIDDEN;
void rt_mutex_fork_prepare(void) RT_HIDDEN;
void rt_mutex_fork_parent(void) RT_HIDDEN;
void rt_mutex_fork_child(void) RT_HIDDEN;

/* ---- block profiler (block.c: hooks; blockprof.c: data) ---- */
/* Non-zero while waits are recorded; read relaxed by the hooks. */
extern _Atomic int rt_block_on RT_HIDDEN;
/* Records a wait that began at t0 (CLOCK_MONOTONIC ns); call from a hook. */
void rt_block_record(uint64_t t0) RT_HIDDEN;
/* True when the process's nanosleep is libkiln's (its waits are hooked). */
bool rt_block_hooked(void) RT_HIDDEN;
/* Turns recording on: for good (`implicit` false: the API, KILN_BLOCK), or
 * for one ?seconds=N request, which ends with rt_block_end_implicit().
 * Returns 0 or KILN_ENOHOOKS (with a message) when the waits are not
 * libkiln's. */
int rt_block_begin(bool implicit) RT_HIDDEN;
void rt_block_end_implicit(void) RT_HIDDEN;
/* True once started for good. */
bool rt_block_running(void) RT_HIDDEN;
int rt_block_profile(const struct rt_buckets *base, struct profile **out,
		     struct kerr *err) RT_HIDDEN;
int rt_block_snapshot(struct rt_buckets *out) RT_HIDDEN;
void rt_block_fork_prepare(void) RT_HIDDEN;
void rt_block_fork_parent(void) RT_HIDDEN;
void rt_block_fork_child(void) RT_HIDDEN;

/* ---- every thread's current stack (threads.c) ---- */
/* /debug/pprof/threads: debug 0 a profile (threads/count, encoded into
 * `out` as gzip'ed profile.proto), 1 stacks with counts, 2 each thread
 * with its tid, name and state (text). Returns 0 or -errno with `err`. */
int rt_threads_dump(int debug, struct kbuf *out, struct kerr *err) RT_HIDDEN;
/* Counts the dump signals this thread took, so that a wait they cut short
 * with EINTR can go on (block.c's hooks). */
extern __thread volatile unsigned rt_dump_hits RT_TLS RT_HIDDEN;
void rt_threads_fork_child(void) RT_HIDDEN;

/* ---- HTTP server (http.c) ---- */
void rt_http_fork_child(void) RT_HIDDEN;

/* ---- allocation failures in writer context (nomem.c) ----
 * Writers never see NULL from base's allocators: a failure jumps back to
 * the innermost recovery point of the thread, after running the cleanups
 * registered since, innermost first. */
struct rt_catch;
struct rt_cleanup {
	void (*fn)(void *arg); /* must not allocate */
	void *arg;
	struct rt_cleanup *prev;
	struct rt_catch *owner; /* NULL: not registered (no recovery point) */
};
/* Runs fn(arg) behind a recovery point. Returns what fn returns, or
 * -ENOMEM with err set to "out of memory <fmt...>" when an allocation
 * inside failed; the caller then releases what `arg` says it holds. */
int rt_nomem_call(int (*fn)(void *arg), void *arg, struct kerr *err, const char *fmt, ...)
	RT_HIDDEN __attribute__((format(printf, 4, 5)));
/* Registers fn(arg) to run if an allocation fails before the pop. `k`
 * lives in the caller's frame; push and pop in the same function, inside
 * one rt_nomem_call. A no-op outside any recovery point. */
void rt_cleanup_push(struct rt_cleanup *k, void (*fn)(void *arg), void *arg) RT_HIDDEN;
void rt_cleanup_pop(struct rt_cleanup *k) RT_HIDDEN;
/* kbuf_read_file(), closing the file if an allocation fails. */
int rt_read_file(struct kbuf *b, const char *path, size_t max) RT_HIDDEN;
/* Cleanups for a struct kbuf * and a struct profile *. */
void rt_release_kbuf(void *b) RT_HIDDEN;
void rt_free_profile(void *p) RT_HIDDEN;
/* Fault injection (KILN_TEST_FAIL_ALLOC, see nomem.c) for writer
 * allocations that do not go through base: true when this one must fail. */
bool rt_nomem_inject(void) RT_HIDDEN;
/* Takes KILN_TEST_FAIL_ALLOC's value (NULL: off); false when malformed. */
bool rt_nomem_test_init(const char *spec) RT_HIDDEN;

/* ---- building profiles from raw stacks (write.c) ---- */
struct builder;
struct rt_maps;
struct rt_builder {
	struct profile *p;       /* the builder's, until rt_builder_finish() */
	struct builder *bld;     /* src/build's */
	struct rt_maps *maps;    /* /proc/self/maps, from the first stack; with rt_write_lock held */
	struct rt_cleanup undo;  /* releases it on an allocation failure */
};
/* Starts a profile; sample types are added by the caller. */
void rt_builder_init(struct rt_builder *b) RT_HIDDEN;
/* Adds a sample. pcs[0] is the leaf: an exact PC when `exact_leaf` (a
 * signal context), otherwise a return address like all the others (each
 * return address becomes a location at address - 1, inside the call). */
void rt_builder_add(struct rt_builder *b, const uintptr_t *pcs, int n, bool exact_leaf,
		    const int64_t *vals, size_t n_val, const struct pf_label *labs,
		    size_t n_lab) RT_HIDDEN;
/* Adds a sample on one synthetic frame named `name` (lost samples, threads
 * without a creation stack). */
void rt_builder_add_named(struct rt_builder *b, const char *name, const int64_t *vals,
			  size_t n_val, const struct pf_label *labs, size_t n_lab) RT_HIDDEN;
/* Sorts the mappings and returns the profile (caller frees), leaving b
 * empty. Locations are symbolized as stacks are added. */
struct profile *rt_builder_finish(struct rt_builder *b) RT_HIDDEN;
void rt_builder_release(struct rt_builder *b) RT_HIDDEN;
/* Symbolizes one address of this process into "func+0xoff file:line"
 * form, for text profiles and /debug/pprof/symbol. Serialised by the
 * writer lock. Returns 1 when found. */
int rt_symbolize_name(uintptr_t addr, struct kbuf *out, bool with_line) RT_HIDDEN;
/* Serialises writers (symbolizer state, profile building). */
extern rt_lock rt_write_lock RT_HIDDEN;
/* Encodes and writes a profile atomically. */
int rt_write_profile(const struct profile *p, const char *path, struct kerr *err) RT_HIDDEN;
/* profile.proto, gzipped, appended to `out`, zlib never running while one
 * of our allocations could fail (its state would be lost). */
int rt_encode_profile(const struct profile *p, struct kbuf *out, struct kerr *err) RT_HIDDEN;

/* ---- libraries loaded on first use (lazy.c) ---- */
enum rt_lib { RT_LIB_Z, RT_LIB_M, RT_LIB_DW, RT_LIB_HTTP, RT_LIB_N };
/* Loads `lib` unless loaded (writer context only). Returns 0, or -ENOTSUP
 * with err (may be NULL) saying why. Always 0 in libkiln.a. */
int rt_lib_need(enum rt_lib lib, struct kerr *err) RT_HIDDEN;

/* ---- errors (error.c) ---- */
/* Maps -errno to a KILN_* code. */
int rt_errno_code(int neg_errno) RT_HIDDEN;
/* Stores the calling thread's message for kiln_last_error(); returns code. */
int rt_fail(int code, const char *fmt, ...) RT_HIDDEN __attribute__((format(printf, 2, 3)));
int rt_fail_kerr(const struct kerr *e) RT_HIDDEN;
void rt_clear_error(void) RT_HIDDEN;

/* ---- start-up (env.c) ---- */
/* Idempotent: resolves the real functions, records the main thread, reads
 * the KILN_* environment and starts what it asks for. */
void rt_init(void) RT_HIDDEN;
/* KILN_CPU_HZ, default 100. */
int rt_env_cpu_hz(void) RT_HIDDEN;
/* KILN_CPU_SIGNALS=1: sample with SIGPROF timers, not perf_event_open. */
bool rt_env_cpu_signals(void) RT_HIDDEN;
/* KILN_CALL_GRAPH=dwarf: CPU call chains from DWARF CFI (default fp). */
bool rt_env_call_graph_dwarf(void) RT_HIDDEN;
/* Says once on stderr that CPU profiling falls back to signals, and why. */
void rt_env_cpu_fallback(const char *why) RT_HIDDEN;
/* KILN_SYMBOLIZE=fast (default), full or none: see write.c. */
enum { RT_SYMBOLIZE_FAST, RT_SYMBOLIZE_FULL, RT_SYMBOLIZE_NONE };
int rt_env_symbolize(void) RT_HIDDEN;
uint64_t rt_now_ns(int clock) RT_HIDDEN;
/* Random 64-bit value from the thread's xorshift generator. */
uint64_t rt_random(void) RT_HIDDEN;

#endif
