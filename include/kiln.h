/* libkiln: in-process CPU, heap and lock-contention profiling for C and C++
 * programs, written as pprof profile.proto files (gzip) or served over HTTP
 * at the Go-compatible /debug/pprof endpoints.
 *
 * Two ways in:
 *   - link with libkiln (pkg-config kiln) and call the functions below;
 *   - or run any program with LD_PRELOAD=libkiln.so and environment
 *     variables, the profiles being written when the program exits:
 *       KILN_CPUPROFILE=file    CPU profile (KILN_CPU_HZ, default 100)
 *       KILN_HEAPPROFILE=file   heap profile (KILN_HEAP_RATE bytes, default
 *                               524288; KILN_HEAP_INTERVAL=bytes and SIGUSR2
 *                               write numbered snapshots file.0001.pb.gz ...;
 *                               a program that never started a thread answers
 *                               SIGUSR2 at its next sampled allocation)
 *       KILN_MUTEXPROFILE=file  lock-contention profile
 *       KILN_HTTP=host:port     serve /debug/pprof (loopback unless told;
 *                               turns heap profiling on; KILN_MUTEX=1 also
 *                               records contention without a file)
 *       KILN_SYMBOLIZE=fast|full|none  how profiles are symbolized when
 *                               written: fast (default) reads each file's
 *                               own symbols and DWARF but not separate debug
 *                               files, leaving what remains to pprof; full
 *                               reads those too (slower: tens of ms for
 *                               libc); none leaves everything to pprof
 *     A forked child writes its profiles at exit to file.PID; a program
 *     exec'd with the same environment profiles itself to the same files.
 *
 * Every function returns 0 or a negative KILN_E* code; kiln_strerror() gives
 * its meaning and kiln_last_error() a message with the details of the
 * calling thread's last failure. Running out of memory never aborts the
 * program: the call returns KILN_ENOMEM (the HTTP server answers 503), the
 * profiler keeps its state and a later call can succeed. All functions are thread-safe. None may be
 * called from a signal handler. Paths are copied; the caller keeps
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

/* CPU profiling of every thread (existing ones and ones created later) by
 * SIGPROF at KILN_CPU_HZ (default 100) per second of each thread's CPU time.
 * The profile is written to `path` (copied) by kiln_cpu_stop(). Installs a
 * SIGPROF handler: a program using SIGPROF itself cannot be CPU-profiled.
 * Errors: KILN_EINVAL (path NULL or empty), KILN_EBUSY (already running,
 * also while an HTTP CPU profile is being taken), KILN_ESYSTEM. */
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
