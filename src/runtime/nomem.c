/* Allocation failures in writer context, without aborting the host.
 *
 * The writers build profiles with the base, profile and symbols libraries,
 * which allocate through base's xmalloc family and, shared with the kiln
 * CLI, have no failure paths. Instead of one at every call site (SQLite's
 * discipline, thousands of lines in code the CLI shares), each writer entry
 * runs its work behind a recovery point, rt_nomem_call(): base calls
 * xalloc_failed_hook() (alloc.h) when malloc returned NULL, and the hook
 * runs the cleanups registered since the recovery point, innermost first,
 * then siglongjmps back to it; the entry returns KILN_ENOMEM (the HTTP
 * server answers 503). Cleanups release what the abandoned frames held:
 * locks (rt_write_lock), the symbolizer (possibly half-way through adding
 * a file, so discarded), the CPU sample table, profiles and buffers. libc's
 * state is whole: malloc has returned. No libkiln lock is held across a
 * jump unless a cleanup releases it, and a jump never crosses a foreign
 * library's frames: nothing of ours that allocates is called back by one
 * (the HTTP handler's recovery point is inside libmicrohttpd's callback;
 * zlib runs with its output buffer already large enough). Files stay
 * atomic: encoding finishes before a temporary exists, and nothing of ours
 * allocates between its creation and the rename.
 *
 * Hooks and the SIGPROF handler never come here: they allocate only
 * through rt_real and check for NULL.
 *
 * KILN_TEST_FAIL_ALLOC=N[,every] (a test hook, read by env.c): counting
 * from the start of the first writer call of the process (the first
 * outermost recovery point: an API write, an HTTP request), the Nth
 * allocation the writers make through base or for bucket copies fails; with
 * ",every" that one and all later ones until the call returns. Only that
 * first call is affected. The per-thread state is one pointer (libkiln's
 * TLS is static and small, see error.c); the recovery point and the
 * injection counters live on the writer's stack. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "rt.h"

struct rt_catch {
	sigjmp_buf jb;
	struct rt_catch *prev, *root; /* root: the outermost on this thread */
	struct rt_cleanup *cleanups;  /* innermost first */
	long inject_left;             /* root only: allocations to the failing one */
	bool injecting, fired, every;
};

static __thread struct rt_catch *top RT_TLS;

static long inject_at; /* KILN_TEST_FAIL_ALLOC's N; 0: off */
static bool inject_every;
static _Atomic bool inject_claimed; /* the first writer call has begun */

bool rt_nomem_test_init(const char *spec)
{
	char *end;
	long n;

	if (!spec || !*spec)
		return true;
	errno = 0;
	n = strtol(spec, &end, 10);
	if (errno || n <= 0 || (*end && strcmp(end, ",every") != 0))
		return false;
	inject_at = n;
	inject_every = *end != '\0';
	return true;
}

int rt_nomem_call(int (*fn)(void *arg), void *arg, struct kerr *err, const char *fmt, ...)
{
	struct rt_catch c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.prev = top;
	c.root = c.prev ? c.prev->root : &c;
	if (!c.prev && inject_at && !atomic_exchange(&inject_claimed, true)) {
		c.injecting = true;
		c.inject_left = inject_at;
		c.every = inject_every;
	}
	top = &c;
	if (sigsetjmp(c.jb, 0)) {
		/* Back from xalloc_failed_hook: cleanups have run and `top`
		 * is c.prev again. Only the arguments are read here. */
		char what[256];
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(what, sizeof(what), fmt, ap);
		va_end(ap);
		return kerr_set(err, -ENOMEM, "out of memory %s", what);
	}
	rc = fn(arg);
	top = c.prev;
	return rc;
}

void rt_cleanup_push(struct rt_cleanup *k, void (*fn)(void *arg), void *arg)
{
	k->fn = fn;
	k->arg = arg;
	k->owner = top;
	k->prev = NULL;
	if (top) {
		k->prev = top->cleanups;
		top->cleanups = k;
	}
}

void rt_cleanup_pop(struct rt_cleanup *k)
{
	/* Usually the innermost; not always (a builder outlives a cleanup
	 * pushed after it), so unlink it wherever it is. */
	for (struct rt_cleanup **pp = k->owner ? &k->owner->cleanups : NULL; pp && *pp;
	     pp = &(*pp)->prev) {
		if (*pp == k) {
			*pp = k->prev;
			break;
		}
	}
	k->owner = NULL;
}

bool rt_nomem_inject(void)
{
	struct rt_catch *r;

	if (RT_LIKELY(!top))
		return false;
	r = top->root;
	if (RT_LIKELY(!r->injecting))
		return false;
	if (r->fired)
		return r->every;
	if (--r->inject_left > 0)
		return false;
	r->fired = true;
	return true;
}

/* base's hooks (alloc.h): hidden, so a host's symbols neither see nor
 * replace them. */
RT_HIDDEN bool xalloc_inject_hook(size_t n)
{
	(void)n;
	return rt_nomem_inject();
}

RT_HIDDEN void xalloc_failed_hook(size_t n)
{
	struct rt_catch *c = top;

	(void)n;
	if (!c)
		return; /* no recovery point: a writer path without one is a bug */
	/* `top` moves out first: a cleanup must not allocate, but if one
	 * does and fails, the failure goes to the next recovery point
	 * instead of looping here. */
	top = c->prev;
	while (c->cleanups) {
		struct rt_cleanup *k = c->cleanups;
		c->cleanups = k->prev;
		k->owner = NULL;
		k->fn(k->arg);
	}
	siglongjmp(c->jb, 1);
}

void rt_release_kbuf(void *b)
{
	kbuf_release(b);
}

void rt_free_profile(void *p)
{
	profile_free(p);
}

static void close_fd(void *fd)
{
	close(*(int *)fd);
}

int rt_read_file(struct kbuf *b, const char *path, size_t max)
{
	struct rt_cleanup undo;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	rt_cleanup_push(&undo, close_fd, &fd);
	ret = kbuf_read_fd(b, fd, max);
	rt_cleanup_pop(&undo);
	close(fd);
	return ret;
}
