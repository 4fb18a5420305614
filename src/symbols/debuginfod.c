/* A libdebuginfod client behind a sym_fetcher (see debuginfod.h). One
 * query per binary lacking local debug info, few per run; libdebuginfod
 * caches what it fetched (and what servers lack) on disk, so a second run
 * asks the network nothing. */
#include "debuginfod.h"

#include <elfutils/debuginfod.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/alloc.h"

#define DEFAULT_TIMEOUT_MS 15000

struct sym_debuginfod {
	debuginfod_client *client;
	char *servers;
	int timeout_ms;
	int64_t deadline_ns;   /* of the query running, monotonic */
	long done;             /* its bytes so far */
	bool cancelled;        /* the progress callback stopped it */
	bool failed;           /* a server failed: ask no more */
	size_t fetched;
	struct kerr error;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* libdebuginfod calls it while a transfer runs (also while connecting);
 * non-zero cancels the query. Bytes arriving push the deadline on, so a
 * large file on a slow link still comes. */
static int progress(debuginfod_client *c, long done, long total)
{
	struct sym_debuginfod *d = debuginfod_get_user_data(c);
	int64_t now = now_ns();

	if (done > d->done) {
		d->done = done;
		d->deadline_ns = now + (int64_t)d->timeout_ms * 1000000;
	}
	if (now < d->deadline_ns)
		return 0;
	d->cancelled = true;
	return 1;
}

int sym_debuginfod_new(const char *servers, int timeout_ms, struct sym_debuginfod **out,
		       struct kerr *err)
{
	struct sym_debuginfod *d = xcalloc(1, sizeof(*d));

	d->client = debuginfod_begin();
	if (!d->client) {
		free(d);
		*out = NULL;
		return kerr_set(err, -ENOMEM, "debuginfod: cannot create a client");
	}
	d->servers = xstrdup(servers ? servers : "server");
	d->timeout_ms = timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS;
	debuginfod_set_user_data(d->client, d);
	debuginfod_set_progressfn(d->client, progress);
	*out = d;
	return 0;
}

void sym_debuginfod_free(struct sym_debuginfod *d)
{
	if (!d)
		return;
	debuginfod_end(d->client);
	free(d->servers);
	free(d);
}

static int fetch_debuginfo(void *ctx, const char *build_id, char **path)
{
	struct sym_debuginfod *d = ctx;
	int64_t start;
	int fd;

	*path = NULL;
	if (d->failed)
		return -ENETDOWN;
	d->cancelled = false;
	d->done = 0;
	start = now_ns();
	d->deadline_ns = start + (int64_t)d->timeout_ms * 1000000;
	fd = debuginfod_find_debuginfo(d->client, (const unsigned char *)build_id, 0, path);
	if (fd >= 0) {
		close(fd);
		d->fetched++;
		return 0;
	}
	free(*path);
	*path = NULL;
	/* -ENOENT is also what libdebuginfod says when no server answered
	 * at all (its own timeout): then it has no response headers, and
	 * it took a while (a miss in its cache has none either, but is
	 * instant). A server answering that it has no such file is the
	 * usual case for most libraries, not a failure. */
	if (fd == -ENOENT && !d->cancelled &&
	    (debuginfod_get_headers(d->client) || now_ns() - start < 500000000))
		return -ENOENT;
	d->failed = true;
	if (d->cancelled || fd == -ENOENT)
		kerr_set(&d->error, -ETIMEDOUT, "debuginfod: %s: no answer for %d ms; "
			 "no more debug files are fetched", d->servers, d->timeout_ms);
	else if (fd == -ENOSYS)
		kerr_set(&d->error, fd, "debuginfod: no server configured (DEBUGINFOD_URLS)");
	else
		kerr_set(&d->error, fd, "debuginfod: %s: %s; no more debug files are fetched",
			 d->servers, strerror(-fd));
	return fd;
}

struct sym_fetcher sym_debuginfod_fetcher(struct sym_debuginfod *d)
{
	return (struct sym_fetcher){ fetch_debuginfo, d };
}

size_t sym_debuginfod_fetched(const struct sym_debuginfod *d)
{
	return d ? d->fetched : 0;
}

const char *sym_debuginfod_error(const struct sym_debuginfod *d)
{
	return d && d->error.code ? d->error.msg : NULL;
}
