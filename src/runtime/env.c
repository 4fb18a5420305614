/* Start-up and shut-down: the library constructor (resolve the real
 * functions, record the main thread, fork handlers), the KILN_* environment
 * read once at start, the profiles written at exit, and gperftools-style
 * numbered heap snapshots (on SIGUSR2 or every KILN_HEAP_INTERVAL bytes)
 * written by a helper thread started on first need, since neither a signal
 * handler nor the malloc path may build a profile. This file is libkiln's top layer in the
 * LD_PRELOAD mode, so it alone prints messages (to stderr, "kiln: ..."): errors
 * only, unless KILN_VERBOSE=1.
 *
 * A process tree shares one environment: the first process (the one the user
 * started) records its pid in KILN_ROOT_PID, which its descendants inherit;
 * they write their profiles beside its own with their pid in the name (see
 * own_path), never serve KILN_HTTP, and with KILN_CHILDREN=0 do nothing. */
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiln.h"
#include "rt.h"

static int cpu_hz = 100;
static pid_t init_pid;
static char *heap_path, *mutex_path, *cpu_path; /* this process's own paths */
static char *heap_tmpl, *mutex_tmpl, *cpu_tmpl; /* copies of the names as given */
static bool cpu_from_env; /* this process's KILN_CPUPROFILE runs */
static bool is_root = true;  /* the first process of the tree */
static bool children_off;    /* KILN_CHILDREN=0 */
static bool profiles_off;    /* a descendant with KILN_CHILDREN=0 */
static bool verbose;         /* KILN_VERBOSE=1 */

static uint64_t heap_interval;
static _Atomic uint64_t next_snapshot;
static sem_t snap_sem;
static _Atomic bool snap_ready;   /* snapshots wanted (KILN_HEAPPROFILE) */
static _Atomic bool snap_asked;   /* SIGUSR2 came */
static _Atomic int snap_thread;   /* the writer thread exists */
static _Atomic int snap_seq;
static rt_lock snap_busy; /* held while a snapshot is written */

int rt_env_cpu_hz(void)
{
	return cpu_hz;
}

bool rt_env_cpu_signals(void)
{
	const char *s = getenv("KILN_CPU_SIGNALS");

	return s && strcmp(s, "1") == 0;
}

bool rt_env_call_graph_dwarf(void)
{
	static _Atomic int mode = -1; /* 0 fp, 1 dwarf */
	const char *s;
	int m = atomic_load(&mode);

	if (m < 0) {
		s = getenv("KILN_CALL_GRAPH");
		m = s && strcmp(s, "dwarf") == 0;
		if (s && *s && !m && strcmp(s, "fp") != 0)
			fprintf(stderr, "kiln: KILN_CALL_GRAPH=%s is not fp or dwarf; using fp\n", s);
		atomic_store(&mode, m);
	}
	return m == 1;
}

void rt_env_cpu_fallback(const char *why)
{
	static _Atomic bool said;

	if (!atomic_exchange(&said, true))
		fprintf(stderr, "kiln: CPU profiling with SIGPROF timers: perf_event_open is "
			"not usable here (%s)\n", why);
}

int rt_env_symbolize(void)
{
	static int mode = -1;
	const char *s;

	if (mode < 0) {
		s = getenv("KILN_SYMBOLIZE");
		mode = RT_SYMBOLIZE_FAST;
		if (s && !strcmp(s, "full"))
			mode = RT_SYMBOLIZE_FULL;
		else if (s && !strcmp(s, "none"))
			mode = RT_SYMBOLIZE_NONE;
		else if (s && *s && strcmp(s, "fast"))
			fprintf(stderr, "kiln: KILN_SYMBOLIZE=%s is not fast, full or none; "
				"using fast\n", s);
	}
	return mode;
}

static void warn(const char *var, const char *what, int code)
{
	const char *detail = kiln_last_error();

	fprintf(stderr, "kiln: %s: %s: %s\n", var, what,
		detail[0] ? detail : kiln_strerror(code));
}

/* Parses a positive integer variable; false (with a message) when bad. */
static bool env_long(const char *var, long *out)
{
	const char *s = getenv(var);
	char *end;
	long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0) {
		fprintf(stderr, "kiln: %s=%s is not a non-negative integer; ignored\n", var, s);
		return false;
	}
	*out = v;
	return true;
}

/* path.0001.pb.gz for path.pb.gz (or path.0001.pb.gz for path). */
static char *numbered(const char *path, int seq)
{
	size_t n = strlen(path), stem = n;
	char *out;

	if (n > 6 && strcmp(path + n - 6, ".pb.gz") == 0)
		stem = n - 6;
	out = malloc(stem + 32);
	if (out)
		snprintf(out, stem + 32, "%.*s.%04d.pb.gz", (int)stem, path, seq);
	return out;
}

/* Where the extension of `path` starts: ".pb.gz", else the last ".ext"
 * of the file name (not a leading dot), else the end. */
static size_t ext_start(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	size_t n = strlen(path);

	base = base ? base + 1 : path;
	if (n - (size_t)(base - path) > 6 && strcmp(path + n - 6, ".pb.gz") == 0)
		return n - 6;
	dot = strrchr(base, '.');
	return dot && dot > base ? (size_t)(dot - path) : n;
}

/* The path this process writes for `tmpl` (a KILN_*PROFILE value): %p is
 * the pid and %% a percent sign (LLVM_PROFILE_FILE's convention); without
 * %p a descendant inserts ".PID" before the extension (h.pb.gz ->
 * h.4242.pb.gz, h -> h.4242), so no process overwrites another's file.
 * Returns a malloc'd string, NULL when out of memory. */
static char *own_path(const char *tmpl)
{
	char pid[16], *out;
	size_t n = strlen(tmpl), len = 0, n_pid = 1; /* one more: the insertion */
	int np = snprintf(pid, sizeof(pid), "%d", (int)getpid());
	bool has_pid = false;

	for (const char *q = strstr(tmpl, "%p"); q; q = strstr(q + 2, "%p"))
		n_pid++;
	if (!(out = malloc(n + n_pid * (size_t)(np + 1) + 1)))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (tmpl[i] == '%' && tmpl[i + 1] == 'p') {
			memcpy(out + len, pid, (size_t)np);
			len += (size_t)np;
			has_pid = true;
			i++;
		} else if (tmpl[i] == '%' && tmpl[i + 1] == '%') {
			out[len++] = '%';
			i++;
		} else {
			out[len++] = tmpl[i];
		}
	}
	out[len] = '\0';
	if (!has_pid && !is_root) {
		size_t e = ext_start(out);
		memmove(out + e + 1 + np, out + e, len - e + 1);
		out[e] = '.';
		memcpy(out + e + 1, pid, (size_t)np);
	}
	return out;
}

/* KILN_VERBOSE=1: says what was written. */
static void wrote(const char *what, const char *path)
{
	if (verbose)
		fprintf(stderr, "kiln: pid %d wrote its %s profile to %s\n", (int)getpid(), what,
			path);
}

static void write_heap(const char *path, const char *what)
{
	int rc = kiln_heap_write(path);

	if (rc)
		warn("KILN_HEAPPROFILE", what, rc);
	else
		wrote("heap", path);
}

static void write_snapshot(void)
{
	char *path = numbered(heap_path, atomic_fetch_add(&snap_seq, 1) + 1);

	if (path)
		write_heap(path, "snapshot");
	free(path);
}

static void *snapshot_main(void *unused)
{
	for (;;) {
		while (sem_wait(&snap_sem) != 0 && errno == EINTR)
			;
		rt_lock_acquire(&snap_busy);
		if (atomic_load(&snap_ready))
			write_snapshot();
		rt_lock_release(&snap_busy);
	}
	return NULL;
}

/* At exit: wait for a snapshot being written (no half-written temporary
 * left behind), then write those still asked for, in this thread. The
 * lock stays held: the helper thread writes nothing more. */
static void finish_snapshots(void)
{
	if (!atomic_load(&snap_ready))
		return;
	rt_lock_acquire(&snap_busy);
	atomic_store(&snap_ready, false);
	while (sem_trywait(&snap_sem) == 0)
		write_snapshot();
}

/* The request is queued on the semaphore for the writer thread. In a
 * program that never created a thread there is none yet (see need_writer):
 * the next sampled allocation starts it (a handler cannot), or the
 * snapshot is written at exit. */
static void on_sigusr2(int sig)
{
	int saved = errno;

	if (atomic_load(&snap_ready)) {
		sem_post(&snap_sem);
		atomic_store(&snap_asked, true);
	}
	errno = saved;
}

/* The writer thread is started on first need, not at start-up: a second
 * thread switches glibc's malloc from its single-threaded fast path to
 * locked operation, which would slow every allocation of a single-threaded
 * program by tens of nanoseconds. Called with the guard set. */
static void need_writer(void)
{
	int expected = 0;
	pthread_t t;

	if (atomic_load_explicit(&snap_thread, memory_order_relaxed) ||
	    !atomic_compare_exchange_strong(&snap_thread, &expected, 1))
		return;
	/* Created inside the guard: a profiler thread, never sampled. */
	if (pthread_create(&t, NULL, snapshot_main, NULL) == 0)
		pthread_detach(t);
	else
		fprintf(stderr, "kiln: cannot start the heap snapshot thread; snapshots "
			"will be written at exit\n");
}

void rt_env_thread_created(void)
{
	/* glibc's malloc is in multi-threaded mode for good now: the writer
	 * costs nothing more, and SIGUSR2 gets an immediate answer. */
	if (atomic_load_explicit(&snap_ready, memory_order_relaxed))
		need_writer();
}

void rt_env_heap_progress(uint64_t allocated)
{
	uint64_t next;

	if (!atomic_load_explicit(&snap_ready, memory_order_relaxed))
		return;
	if (atomic_load_explicit(&snap_asked, memory_order_relaxed))
		need_writer();
	if (!heap_interval)
		return;
	next = atomic_load(&next_snapshot);
	if (allocated < next)
		return;
	/* One snapshot per crossing, even when several threads see it. */
	if (atomic_compare_exchange_strong(&next_snapshot, &next,
					   allocated - allocated % heap_interval + heap_interval)) {
		sem_post(&snap_sem);
		need_writer();
	}
}

static void start_snapshots(void)
{
	struct sigaction sa;
	long v;

	if (env_long("KILN_HEAP_INTERVAL", &v) && v > 0) {
		heap_interval = (uint64_t)v;
		next_snapshot = heap_interval;
	}
	if (sem_init(&snap_sem, 0, 0) != 0)
		return;
	atomic_store(&snap_ready, true);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr2;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
}

/* KILN_BLOCKPROFILE=file (written at exit, a descendant's with its pid as
 * the other profiles') or KILN_BLOCK=1. */
static char *block_path, *block_tmpl;

static void start_block_from_env(void)
{
	const char *s = getenv("KILN_BLOCKPROFILE");
	int rc;

	if (s && *s) {
		block_tmpl = strdup(s);
		block_path = own_path(s);
		if ((rc = kiln_block_start()))
			warn("KILN_BLOCKPROFILE", "cannot start blocking profiling", rc);
	} else if ((s = getenv("KILN_BLOCK")) && strcmp(s, "1") == 0) {
		if ((rc = kiln_block_start()))
			warn("KILN_BLOCK", "cannot start blocking profiling", rc);
	}
}

static void write_block_at_exit(void)
{
	int rc;

	if (!block_path)
		return;
	if ((rc = kiln_block_write(block_path)))
		warn("KILN_BLOCKPROFILE", "writing the profile", rc);
	else
		wrote("blocking", block_path);
}

_Atomic bool rt_exiting;

static void at_exit(void)
{
	int rc;

	if (profiles_off)
		return;
	rt_enter();
	atomic_store(&rt_exiting, true);
	if (cpu_from_env && getpid() == init_pid) {
		int64_t at;
		const char *why = rt_cpu_stop_note(&at);
		if (why)
			fprintf(stderr, "kiln: KILN_CPUPROFILE: CPU profiling stopped at %.2f s: %s\n",
				(double)at / 1e9, why);
		rc = kiln_cpu_stop();
		if (rc && rc != KILN_ENOTRUNNING)
			warn("KILN_CPUPROFILE", "writing the profile", rc);
		else if (!rc)
			wrote("CPU", cpu_path);
	}
	finish_snapshots();
	if (heap_path)
		write_heap(heap_path, "writing the profile");
	if (mutex_path) {
		rc = kiln_mutex_write(mutex_path);
		if (rc)
			warn("KILN_MUTEXPROFILE", "writing the profile", rc);
		else
			wrote("contention", mutex_path);
	}
	write_block_at_exit();
	rt_leave();
}

/* A forked child is a descendant: its own paths, or nothing at all. */
static void tree_fork_child(void)
{
	char *p;

	is_root = false;
	if (children_off) {
		profiles_off = true;
		atomic_store(&rt_heap_on, 0);
		rt_mutex_end();
		return;
	}
	/* Out of memory: no profile rather than the parent's file. */
	if (heap_path) {
		p = heap_tmpl ? own_path(heap_tmpl) : NULL;
		free(heap_path);
		heap_path = p;
	}
	if (mutex_path) {
		p = mutex_tmpl ? own_path(mutex_tmpl) : NULL;
		free(mutex_path);
		mutex_path = p;
	}
	if (block_path) {
		p = block_tmpl ? own_path(block_tmpl) : NULL;
		free(block_path);
		block_path = p;
	}
	/* The parent's sampler stayed with it (rt_cpu_after_fork_child): a
	 * forked child that does not exec samples itself into its own file. */
	if (cpu_from_env) {
		free(cpu_path);
		cpu_path = cpu_tmpl ? own_path(cpu_tmpl) : NULL;
		cpu_from_env = cpu_path && kiln_cpu_start(cpu_path) == 0;
		init_pid = getpid();
	}
}

static void fork_prepare(void)
{
	rt_enter();
	rt_tls.forking = true;
	rt_api_fork_prepare();
	rt_lock_acquire(&rt_write_lock);
	rt_thread_fork_prepare();
	rt_mutex_fork_prepare();
	rt_block_fork_prepare();
	rt_heap_fork_prepare();
}

static void fork_parent(void)
{
	rt_heap_fork_parent();
	rt_block_fork_parent();
	rt_mutex_fork_parent();
	rt_thread_fork_parent();
	rt_lock_release(&rt_write_lock);
	rt_api_fork_parent();
	rt_tls.forking = false;
	rt_leave();
}

static void fork_child(void)
{
	atomic_store(&rt_write_lock.v, 0);
	rt_api_fork_child();
	rt_heap_fork_child();
	rt_mutex_fork_child();
	rt_block_fork_child();
	rt_threads_fork_child();
	rt_thread_fork_child();
	rt_cpu_after_fork_child();
	rt_http_fork_child();
	/* The snapshot thread did not survive the fork. */
	atomic_store(&snap_ready, false);
	atomic_store(&snap_thread, 0);
	atomic_store(&snap_busy.v, 0);
	tree_fork_child();
	rt_tls.forking = false;
	rt_leave();
}

/* The first process of a tree records its pid for its descendants, which
 * inherit the environment through fork and exec. Running with the same pid
 * (the first process exec'd another program) is still the first process.
 * A program that rebuilds the environment for its children without
 * KILN_ROOT_PID makes each of them a first process again (writing the
 * paths as given); one that drops LD_PRELOAD runs them without libkiln. */
static void find_root(void)
{
	const char *s;
	char buf[16], *end;
	long v;

	verbose = (s = getenv("KILN_VERBOSE")) && strcmp(s, "1") == 0;
	children_off = (s = getenv("KILN_CHILDREN")) && strcmp(s, "0") == 0;
	s = getenv("KILN_ROOT_PID");
	if (s && *s) {
		errno = 0;
		v = strtol(s, &end, 10);
		if (!errno && !*end && v > 0 && v != (long)getpid())
			is_root = false;
	}
	if (is_root) {
		snprintf(buf, sizeof(buf), "%d", (int)getpid());
		setenv("KILN_ROOT_PID", buf, 1);
	}
	profiles_off = !is_root && children_off;
}

static void start_from_env(void)
{
	const char *s;
	long v, rate = 0;
	int rc;

	if (env_long("KILN_CPU_HZ", &v)) {
		if (v >= 1 && v <= 10000)
			cpu_hz = (int)v;
		else
			fprintf(stderr, "kiln: KILN_CPU_HZ=%ld is out of range 1..10000; using %d\n",
				v, cpu_hz);
	}
	env_long("KILN_HEAP_RATE", &rate);
	if ((s = getenv("KILN_HEAPPROFILE")) && *s) {
		heap_tmpl = strdup(s); /* the program may change its environment */
		heap_path = own_path(s);
		rc = kiln_heap_start(rate);
		if (rc)
			warn("KILN_HEAPPROFILE", "cannot start heap profiling", rc);
		else
			start_snapshots();
	}
	if ((s = getenv("KILN_MUTEXPROFILE")) && *s) {
		mutex_tmpl = strdup(s);
		mutex_path = own_path(s);
		rc = kiln_mutex_start();
		if (rc)
			warn("KILN_MUTEXPROFILE", "cannot start contention profiling", rc);
	} else if ((s = getenv("KILN_MUTEX")) && strcmp(s, "1") == 0) {
		kiln_mutex_start();
	}
	start_block_from_env();
	if ((s = getenv("KILN_CPUPROFILE")) && *s && (cpu_tmpl = strdup(s)) &&
	    (cpu_path = own_path(s))) {
		rc = kiln_cpu_start(cpu_path);
		if (rc)
			warn("KILN_CPUPROFILE", "cannot start CPU profiling", rc);
		else
			cpu_from_env = true;
	}
	/* One server for the tree: descendants would find the port taken. */
	if (is_root && (s = getenv("KILN_HTTP")) && *s) {
		/* Like Go, a served process has heap profiling on. */
		if (!rt_heap_running() && (rc = kiln_heap_start(rate)))
			warn("KILN_HTTP", "cannot start heap profiling", rc);
		rc = kiln_http_start(s);
		if (rc)
			warn("KILN_HTTP", "cannot serve /debug/pprof", rc);
		else if (strcmp(s, "0") == 0 ||
			 (strlen(s) >= 2 && strcmp(s + strlen(s) - 2, ":0") == 0))
			fprintf(stderr, "kiln: serving /debug/pprof/ on port %d\n", kiln_http_port());
	}
}

void rt_init(void)
{
	static _Atomic int started;

	if (atomic_exchange(&started, 1))
		return;
	rt_enter();
	init_pid = getpid();
	if (!atomic_load(&rt_resolved))
		rt_resolve();
	rt_stack_bounds_init();
	rt_thread_init();
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	if (!rt_nomem_test_init(getenv("KILN_TEST_FAIL_ALLOC")))
		fprintf(stderr, "kiln: KILN_TEST_FAIL_ALLOC is not N or N,every; ignored\n");
	{
		/* a test hook: the hooks' tables stop growing (bucket.c) */
		long limit = 0;
		if (env_long("KILN_TEST_BUCKET_LIMIT", &limit))
			rt_test_bucket_limit = (size_t)limit;
	}
	if (getenv("KILN_CPUPROFILE") || getenv("KILN_HEAPPROFILE") ||
	    getenv("KILN_MUTEXPROFILE") || getenv("KILN_HTTP") || getenv("KILN_MUTEX") ||
	    getenv("KILN_BLOCKPROFILE") || getenv("KILN_BLOCK")) {
		find_root();
		if (!profiles_off) {
			start_from_env();
			atexit(at_exit);
		}
	}
	rt_leave();
}

__attribute__((constructor(101))) static void kiln_constructor(void)
{
	rt_init();
}
