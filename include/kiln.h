/* libkiln: in-process CPU, heap, lock-contention and blocking profiling for C and C++
 * programs, written as pprof profile.proto files (gzip) or served over HTTP
 * at the Go-compatible /debug/pprof endpoints.
 *
 * Two ways in:
 *   - link with libkiln (pkg-config kiln) and call the functions below;
 *   - or run any program with LD_PRELOAD=libkiln.so and environment
 *     variables, the profiles being written when the program exits:
 *       KILN_CPUPROFILE=file    CPU profile (KILN_CPU_HZ, default 100)
 *       KILN_CPU_SIGNALS=1      sample CPU with SIGPROF timers even where
 *                               perf_event_open works (the fallback)
 *       KILN_CALL_GRAPH=fp|dwarf  CPU call chains from frame pointers
 *                               (default) or, with perf_event_open, DWARF
 *                               CFI over a copy of the user stack (exact
 *                               through code without frame pointers)
 *       KILN_HEAPPROFILE=file   heap profile (KILN_HEAP_RATE bytes, default
 *                               524288; KILN_HEAP_INTERVAL=bytes and SIGUSR2
 *                               write numbered snapshots file.0001.pb.gz ...;
 *                               a program that never started a thread answers
 *                               SIGUSR2 at its next sampled allocation)
 *       KILN_MUTEXPROFILE=file  lock-contention profile
 *       KILN_BLOCKPROFILE=file  blocking profile (waits on condition
 *                               variables, semaphores, joins, sleeps, poll,
 *                               select and epoll, by stack and duration)
 *       KILN_HTTP=host:port     serve /debug/pprof (loopback unless told;
 *                               turns heap profiling on; KILN_MUTEX=1 also
 *                               records contention without a file,
 *                               KILN_BLOCK=1 blocking, which is otherwise
 *                               recorded only during /debug/pprof/block
 *                               ?seconds=N; /debug/pprof/threads takes
 *                               each thread's stack with a real-time
 *                               signal, the highest one free, whose waits
 *                               cut short libkiln resumes)
 *       KILN_SYMBOLIZE=fast|full|none  how profiles are symbolized when
 *                               written: fast (default) reads each file's
 *                               own symbols and DWARF but not separate debug
 *                               files, leaving what remains to pprof; full
 *                               reads those too (slower: tens of ms for
 *                               libc); none leaves everything to pprof
 *       KILN_VERBOSE=1          say on stderr which files were written (by
 *                               default libkiln prints errors only)
 *     In a file name, %p is the process id and %% a percent sign (as in
 *     LLVM_PROFILE_FILE). Profiles are written at exit (exit() or a return
 *     from main; not _exit(), which dash calls, or a fatal signal).
 *
 *   Process trees: the environment, LD_PRELOAD included, is inherited, so
 *   every descendant (forked or exec'd, at any depth) profiles itself too.
 *   The first process records its pid in KILN_ROOT_PID (set by libkiln's
 *   constructor when absent) and writes the files as named; a process that
 *   inherits KILN_ROOT_PID with another pid is a descendant and, unless the
 *   name has %p, inserts its pid before the extension: h.pb.gz ->
 *   h.4242.pb.gz, cpu.prof -> cpu.4242.prof, h -> h.4242. Descendants never
 *   serve KILN_HTTP (the first process does), and with KILN_CHILDREN=0
 *   they profile nothing and write nothing. A forked child keeps the heap
 *   and contention profiles it inherited, not the CPU profile. A program
 *   that execs with the same pid stays the first process; one that rebuilds
 *   its children's environment without KILN_ROOT_PID (but with LD_PRELOAD
 *   and KILN_*) makes them first processes of their own, which write the
 *   names as given.
 *
 *   libkiln.so itself needs only the C library, so that each process of a
 *   tree pays little for it: libdw and libelf (symbolizing), zlib (profiles
 *   over 8 KiB; smaller ones are stored uncompressed in gzip framing), libm
 *   and libmicrohttpd (KILN_HTTP) are loaded when first needed; without
 *   libdw profiles keep addresses for pprof to symbolize. Profiles are
 *   renamed into place but not fsync'ed.
 *
 * Every function returns 0 or a negative KILN_E* code; kiln_strerror() gives
 * its meaning and kiln_last_error() a message with the details of the
 * calling thread's last failure. Running out of memory never aborts the
 * program: the call returns KILN_ENOMEM (the HTTP server answers 503), the
 * profiler keeps its state and a later call can succeed; a sample that
 * finds no memory while the program runs is dropped and counted, and the
 * profile says "N samples dropped: out of memory" in its comments. All
 * functions are thread-safe. None may be called from a signal handler. Paths are copied; the caller keeps
 * ownership of every string it passes. */
#ifndef KILN_H
#define KILN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define KILN_API __attribute__((visibility("default")))
#else
#define KILN_API
#endif

/* The error codes, one table (after libuv's UV_ERRNO_MAP): name, value,
 * meaning. Values are negative; the errno-like ones equal -errno on Linux. */
#define KILN_ERRNO_MAP(X)                                                     \
	X(EINVAL, -22, "invalid argument")                                    \
	X(ENOMEM, -12, "out of memory")                                       \
	X(EBUSY, -16, "profiler already running")                             \
	X(ENOTRUNNING, -4001, "profiler not running")                         \
	X(EIO, -5, "input/output error writing the profile")                  \
	X(EACCES, -13, "permission denied")                                   \
	X(ENOENT, -2, "no such file or directory")                            \
	X(EADDRINUSE, -98, "address already in use")                          \
	X(EADDRNOTAVAIL, -99, "cannot assign requested address")              \
	X(ENOTSUP, -95, "not supported on this system")                       \
	X(ENOHOOKS, -4002, "allocation hooks not installed (libkiln was not "  \
			   "linked or preloaded ahead of the C library)")     \
	X(ESYSTEM, -4003, "system call failed")

enum kiln_error {
#define KILN_ERR_ENUM(name, value, text) KILN_##name = (value),
	KILN_ERRNO_MAP(KILN_ERR_ENUM)
#undef KILN_ERR_ENUM
};

/* A static string describing `code` ("success" for 0, "unknown error" for
 * codes not in the table). Never NULL; never freed. */
KILN_API const char *kiln_strerror(int code);
/* The calling thread's message for its last failed call, with details (the
 * path, the errno text), or "" when none failed. Valid until that thread's
 * next libkiln call. */
KILN_API const char *kiln_last_error(void);

/* CPU profiling of every thread (existing ones and ones created later) at
 * KILN_CPU_HZ (default 100) samples per second of each thread's CPU time.
 * The profile is written to `path` (copied) by kiln_cpu_stop(). Samples
 * come from perf_event_open on the process itself (a task-clock event per
 * thread, read by a libkiln thread): no signal reaches the program. Where
 * perf_event_open is refused (seccomp, perf_event_paranoid 3, kernels
 * before 5.13) or KILN_CPU_SIGNALS=1 is set, SIGPROF timers sample
 * instead, as gperftools does: capped by the kernel's tick rate, blind to
 * threads that block SIGPROF, and stopped for good (said in the profile's
 * comments) when the program sets its own SIGPROF disposition; the
 * profile's comments say which sampler ran. Errors: KILN_EINVAL (path NULL
 * or empty), KILN_EBUSY (already running, also while an HTTP CPU profile
 * is being taken; or with signals, the program handles SIGPROF itself),
 * KILN_ESYSTEM. */
KILN_API int kiln_cpu_start(const char *path);
/* Stops CPU profiling and writes the file atomically (temporary + rename).
 * Errors: KILN_ENOTRUNNING, KILN_EIO/KILN_EACCES/KILN_ENOENT writing,
 * KILN_ENOMEM (profiling has stopped; no file, no temporary is left). */
KILN_API int kiln_cpu_stop(void);

/* Starts sampling allocations: on average one every `rate` bytes allocated
 * (exponentially distributed intervals, as Go and tcmalloc do); 0 means the
 * default 524288; 1 records every allocation. Calling it again while running
 * changes nothing and returns 0 when `rate` is the same, KILN_EBUSY when it
 * differs (the rate must stay constant for the estimates to hold). Errors:
 * KILN_EINVAL (rate < 0), KILN_ENOHOOKS. Only allocations made after the
 * call are seen. */
KILN_API int kiln_heap_start(long rate);
/* Writes the heap profile (allocations since kiln_heap_start and those still
 * in use) to `path` atomically. Profiling goes on. Errors: KILN_EINVAL,
 * KILN_ENOTRUNNING, write errors and KILN_ENOMEM as kiln_cpu_stop(). */
KILN_API int kiln_heap_write(const char *path);

/* Starts recording contended pthread mutex, rwlock and spinlock
 * acquisitions made through the interposed pthread_mutex_lock,
 * pthread_rwlock_rdlock/wrlock and pthread_spin_lock. Idempotent. */
KILN_API int kiln_mutex_start(void);
/* Writes the contention profile to `path` atomically. Errors as
 * kiln_heap_write(). */
KILN_API int kiln_mutex_write(const char *path);

/* Starts recording the time threads spend blocked in the interposed
 * pthread_cond_wait/timedwait/clockwait, sem_wait/timedwait/clockwait,
 * pthread_join, nanosleep, clock_nanosleep, usleep, sleep, poll, ppoll,
 * select, pselect, epoll_wait and epoll_pwait (every call that may wait;
 * read, recv and accept are not timed), as Go's block profile with rate 1.
 * Off until called: when off, each of those calls costs one atomic load
 * more. Idempotent. Errors: KILN_ENOHOOKS. */
KILN_API int kiln_block_start(void);
/* Writes the blocking profile (contentions/count, delay/nanoseconds) to
 * `path` atomically. Errors as kiln_heap_write(). */
KILN_API int kiln_block_write(const char *path);

/* Serves /debug/pprof/ from a background thread on `addr` ("host:port",
 * ":port" or "port"; host defaults to 127.0.0.1; port 0 picks a free one,
 * see kiln_http_port()). A non-loopback host is served as asked, with a
 * warning on stderr: the endpoint has no authentication. Errors:
 * KILN_EINVAL (unparsable address), KILN_EBUSY (already serving),
 * KILN_EADDRINUSE, KILN_EADDRNOTAVAIL, KILN_ESYSTEM. */
KILN_API int kiln_http_start(const char *addr);
/* The port being served, or 0 when not serving. */
KILN_API int kiln_http_port(void);
/* Stops the server; waits for requests in flight (a CPU profile request
 * waits for its seconds). KILN_ENOTRUNNING when not serving. */
KILN_API int kiln_http_stop(void);

#ifdef __cplusplus
}
#endif

#endif
