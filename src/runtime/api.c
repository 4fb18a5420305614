/* The public calls of kiln.h (except the HTTP ones, in http.c): argument
 * checks, the guard around the work, kiln error codes and messages. The
 * writing calls run behind a recovery point (nomem.c): an allocation
 * failure inside returns KILN_ENOMEM. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kiln.h"
#include "rt.h"

static rt_lock api_lock;
static char *cpu_path; /* set while kiln_cpu_start's profile runs */

/* Maps a kerr to the KILN code and message; leaves the guard. */
static int done(int rc, const struct kerr *err)
{
	if (rc)
		rc = rt_fail_kerr(err);
	rt_leave();
	return rc;
}

KILN_API int kiln_cpu_start(const char *path)
{
	struct kerr err = KERR_INIT;
	int rc;

	if (!path || !*path)
		return rt_fail(KILN_EINVAL, "kiln_cpu_start: no output path");
	rt_init();
	rt_enter();
	rt_clear_error();
	rt_lock_acquire(&api_lock);
	if (cpu_path) {
		rc = kerr_set(&err, -EBUSY, "CPU profiling to %s is already running", cpu_path);
		goto unlock;
	}
	rc = rt_cpu_begin(rt_env_cpu_hz(), &err);
	if (rc == 0 && !(cpu_path = strdup(path))) {
		struct profile *p;
		rt_cpu_end(&p, NULL);
		profile_free(p);
		rc = kerr_set(&err, -ENOMEM, "out of memory");
	}
unlock:
	rt_lock_release(&api_lock);
	return done(rc, &err);
}

/* What a writer call holds, in memory that outlives a failed allocation. */
struct write_job {
	int (*build)(struct profile **, struct kerr *);
	const char *path;
	struct profile *p; /* built, not yet freed */
	struct kerr *err;
};

static int build_and_write(void *arg)
{
	struct write_job *j = arg;
	int rc = j->build(&j->p, j->err);

	if (rc == 0)
		rc = rt_write_profile(j->p, j->path, j->err);
	return rc;
}

KILN_API int kiln_cpu_stop(void)
{
	struct kerr err = KERR_INIT;
	struct write_job job = { rt_cpu_end, NULL, NULL, &err };
	int rc;

	rt_enter();
	rt_clear_error();
	rt_lock_acquire(&api_lock);
	if (!cpu_path) {
		rc = kerr_set(&err, KILN_ENOTRUNNING, "kiln_cpu_start was not called");
		goto unlock;
	}
	job.path = cpu_path;
	rc = rt_nomem_call(build_and_write, &job, &err, "writing the CPU profile to %s",
			   cpu_path);
	profile_free(job.p);
	free(cpu_path);
	cpu_path = NULL;
unlock:
	rt_lock_release(&api_lock);
	return done(rc, &err);
}

void rt_api_fork_prepare(void)
{
	rt_lock_acquire(&api_lock);
}

void rt_api_fork_parent(void)
{
	rt_lock_release(&api_lock);
}

void rt_api_fork_child(void)
{
	atomic_store(&api_lock.v, 0);
	free(cpu_path);
	cpu_path = NULL;
}

KILN_API int kiln_heap_start(long rate)
{
	struct kerr err = KERR_INIT;

	rt_init();
	rt_enter();
	rt_clear_error();
	return done(rt_heap_begin(rate, &err), &err);
}

/* Builds a profile with `build` and writes it to `path`. */
static int write_with(int (*build)(struct profile **, struct kerr *), const char *what,
		      const char *path)
{
	struct kerr err = KERR_INIT;
	struct write_job job = { build, path, NULL, &err };
	int rc;

	if (!path || !*path)
		return rt_fail(KILN_EINVAL, "no output path");
	rt_init();
	rt_enter();
	rt_clear_error();
	rc = rt_nomem_call(build_and_write, &job, &err, "writing the %s profile to %s", what,
			   path);
	profile_free(job.p);
	return done(rc, &err);
}

static int build_heap(struct profile **out, struct kerr *err)
{
	return rt_heap_profile(false, NULL, out, err);
}

KILN_API int kiln_heap_write(const char *path)
{
	return write_with(build_heap, "heap", path);
}

KILN_API int kiln_mutex_start(void)
{
	rt_init();
	rt_clear_error();
	return rt_mutex_begin();
}

static int build_mutex(struct profile **out, struct kerr *err)
{
	if (!rt_mutex_running())
		return kerr_set(err, KILN_ENOTRUNNING, "kiln_mutex_start was not called");
	return rt_mutex_profile(NULL, out, err);
}

KILN_API int kiln_mutex_write(const char *path)
{
	return write_with(build_mutex, "contention", path);
}

KILN_API int kiln_block_start(void)
{
	rt_init();
	rt_clear_error();
	return rt_block_begin(false);
}

static int build_block(struct profile **out, struct kerr *err)
{
	if (!rt_block_running())
		return kerr_set(err, KILN_ENOTRUNNING, "kiln_block_start was not called");
	return rt_block_profile(NULL, out, err);
}

KILN_API int kiln_block_write(const char *path)
{
	return write_with(build_block, "blocking", path);
}
