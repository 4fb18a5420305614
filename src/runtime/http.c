/* The /debug/pprof endpoint, served by libmicrohttpd from its own threads
 * (one per connection, so a 30-second CPU profile does not block the
 * index), compatible with Go's net/http/pprof: the HTML index, cmdline,
 * profile?seconds=N, heap and allocs (gc ignored, debug=1 the legacy text,
 * seconds=N a delta profile), mutex and block (seconds=N too), threads
 * (every thread's current stack, threads.c), threadcreate, and
 * symbol (POST of '+'-separated addresses, as pprof's remote symbolizer
 * sends). Errors are text/plain with X-Go-Pprof: 1, which pprof shows.
 *
 * Each request is served behind a recovery point (nomem.c): an allocation
 * failure answers 503 with a body libmicrohttpd copies from the stack, the
 * cleanups having released what the handler held, and serving goes on.
 *
 * The server threads are created inside the guard, so they are profiler
 * threads for life: libmicrohttpd's allocations and locks are not
 * profiled, and handlers may use the ordinary libraries. We bind the
 * listening socket ourselves to report bind errors precisely. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../base/buf.h"
#include "../profile/encode.h"
#include "httparg.h"
#include "kiln.h"
#include "rt.h"

#define MAX_BODY (1 << 20)
#define MAX_SECONDS 3600

static rt_lock http_lock;
static struct MHD_Daemon *daemon_h;
static int listen_fd = -1;
static int bound_port;

struct request {
	struct kbuf body;
	bool nomem; /* the body could not be stored */
};

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status, const char *type,
				struct kbuf *b, const char *filename)
{
	size_t len;
	char *data = kbuf_detach(b, &len);
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (!r) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (filename) {
		char disp[128];
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
		MHD_add_response_header(r, "Content-Disposition", disp);
	}
	if (status != MHD_HTTP_OK)
		MHD_add_response_header(r, "X-Go-Pprof", "1");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *fmt,
				  ...) __attribute__((format(printf, 3, 4)));
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
{
	struct kbuf b = KBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	kbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	kbuf_addch(&b, '\n');
	return send_buf(c, status, "text/plain; charset=utf-8", &b, NULL);
}

static enum MHD_Result send_profile(struct MHD_Connection *c, struct profile *p,
				    const char *name)
{
	struct kbuf b = KBUF_INIT;
	struct kerr err = KERR_INIT;
	struct rt_cleanup undo_p, undo_b;
	int rc;

	rt_cleanup_push(&undo_p, rt_free_profile, p);
	rt_cleanup_push(&undo_b, rt_release_kbuf, &b);
	rc = rt_encode_profile(p, &b, &err);
	rt_cleanup_pop(&undo_b);
	rt_cleanup_pop(&undo_p);
	profile_free(p);
	if (rc) {
		kbuf_release(&b);
		return send_error(c, 500, "encoding the profile: %s", err.msg);
	}
	return send_buf(c, MHD_HTTP_OK, "application/octet-stream", &b, name);
}

/* An integer query parameter; `dflt` when absent, -1 when malformed. */
static long arg_long(struct MHD_Connection *c, const char *name, long dflt)
{
	return rt_http_arg_value(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name),
				 dflt);
}

static void sleep_seconds(long s)
{
	struct timespec ts = { s, 0 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static enum MHD_Result serve_cpu(struct MHD_Connection *c)
{
	struct kerr err = KERR_INIT;
	struct profile *p;
	long sec = arg_long(c, "seconds", 30);

	if (sec < 0 || sec > MAX_SECONDS)
		return send_error(c, 400, "Bad Request: seconds must be an integer in 0..%d",
				  MAX_SECONDS);
	if (sec == 0)
		sec = 30;
	if (rt_cpu_begin(rt_env_cpu_hz(), &err))
		return send_error(c, 500, "Could not enable CPU profiling: %s", err.msg);
	sleep_seconds(sec);
	if (rt_cpu_end(&p, &err))
		return send_error(c, 500, "Could not finish CPU profiling: %s", err.msg);
	return send_profile(c, p, "profile");
}

/* ?seconds=N on heap, allocs and mutex: Go's delta profile, what happened
 * during the next N seconds. Takes the first snapshot and sleeps; the
 * caller builds the profile against it. Returns 0, or the response. */
static int delta_wait(struct MHD_Connection *c, long debug, int (*snapshot)(struct rt_buckets *),
		      struct rt_buckets *base, bool *have_base, enum MHD_Result *resp)
{
	long sec = arg_long(c, "seconds", 0);

	*have_base = false;
	if (sec < 0 || sec > MAX_SECONDS) {
		*resp = send_error(c, 400, "Bad Request: seconds must be an integer in 0..%d",
				   MAX_SECONDS);
		return -1;
	}
	if (sec == 0)
		return 0;
	if (debug) {
		*resp = send_error(c, 400, "Bad Request: seconds and debug params are incompatible");
		return -1;
	}
	if (snapshot(base)) {
		*resp = send_error(c, 500, "out of memory");
		return -1;
	}
	*have_base = true;
	sleep_seconds(sec);
	return 0;
}

static enum MHD_Result serve_heap(struct MHD_Connection *c, bool allocs)
{
	struct kerr err = KERR_INIT;
	struct profile *p;
	struct rt_cleanup undo;
	struct rt_buckets base;
	bool have_base;
	enum MHD_Result resp;
	long debug = arg_long(c, "debug", 0);
	int rc;

	if (debug < 0)
		return send_error(c, 400, "Bad Request: debug must be an integer");
	if (!rt_heap_running())
		return send_error(c, 404, "heap profiling is off (KILN_HEAPPROFILE, "
				  "KILN_HTTP or kiln_heap_start turn it on)");
	if (delta_wait(c, debug, rt_heap_snapshot, &base, &have_base, &resp))
		return resp;
	if (debug > 0) {
		struct kbuf b = KBUF_INIT;
		struct rt_cleanup undo_b;
		rt_cleanup_push(&undo_b, rt_release_kbuf, &b);
		rc = rt_heap_text(&b, &err);
		rt_cleanup_pop(&undo_b);
		if (rc) {
			kbuf_release(&b);
			return send_error(c, 500, "%s", err.msg);
		}
		return send_buf(c, MHD_HTTP_OK, "text/plain; charset=utf-8", &b, NULL);
	}
	if (have_base)
		rt_cleanup_push(&undo, rt_buckets_free_copy_cb, &base);
	rc = rt_heap_profile(allocs, have_base ? &base : NULL, &p, &err);
	if (have_base) {
		rt_cleanup_pop(&undo);
		rt_buckets_free_copy(&base);
	}
	if (rc)
		return send_error(c, 500, "%s", err.msg);
	return send_profile(c, p, allocs ? "allocs" : "heap");
}

static enum MHD_Result serve_built(struct MHD_Connection *c,
				   int (*build)(struct profile **, struct kerr *), const char *name)
{
	struct kerr err = KERR_INIT;
	struct profile *p;

	if (arg_long(c, "debug", 0) != 0)
		return send_error(c, 400, "Bad Request: only debug=0 (profile.proto) is "
				  "served for %s", name);
	if (build(&p, &err))
		return send_error(c, 500, "%s", err.msg);
	return send_profile(c, p, name);
}

static enum MHD_Result serve_cmdline(struct MHD_Connection *c)
{
	struct kbuf b = KBUF_INIT;

	rt_read_file(&b, "/proc/self/cmdline", 1 << 20);
	if (b.len && b.buf[b.len - 1] == '\0')
		b.len--;
	return send_buf(c, MHD_HTTP_OK, "text/plain; charset=utf-8", &b, NULL);
}

/* pprof's remote symbolization: "0xADDR+0xADDR..." in the body. */
static enum MHD_Result serve_symbol(struct MHD_Connection *c, struct request *r)
{
	struct kbuf b = KBUF_INIT;

	rt_http_symbol_reply(r->body.buf, rt_symbolize_name, &b);
	return send_buf(c, MHD_HTTP_OK, "text/plain; charset=utf-8", &b, NULL);
}

static enum MHD_Result serve_index(struct MHD_Connection *c)
{
	static const struct {
		const char *name, *doc;
	} profiles[] = {
		{ "allocs", "A sampling of all past memory allocations" },
		{ "block", "Stack traces that led to blocking on condition variables, "
			   "semaphores, joins, sleeps and poll/select/epoll" },
		{ "heap", "A sampling of memory allocations of live objects." },
		{ "mutex", "Stack traces of threads waiting for contended locks" },
		{ "profile", "CPU profile. You can specify the duration in the seconds "
			     "GET parameter." },
		{ "threadcreate", "Stack traces that led to the creation of new threads" },
		{ "threads", "Stack traces of all current threads" },
	};
	struct kbuf b = KBUF_INIT;

	kbuf_addstr(&b, "<html>\n<head>\n<title>/debug/pprof/</title>\n</head>\n<body>\n"
			"/debug/pprof/\n<br>\n<p>Set debug=1 as a query parameter to export "
			"the heap profile in legacy text format</p>\n<br>\n"
			"Types of profiles available:\n<ul>\n");
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		kbuf_addf(&b, "<li><a href=\"%s%s\">%s</a>: %s</li>\n", profiles[i].name,
			  strcmp(profiles[i].name, "heap") == 0 ? "?debug=1" : "",
			  profiles[i].name, profiles[i].doc);
	kbuf_addstr(&b, "</ul>\n<a href=\"cmdline\">cmdline</a>: The command line of this "
			"program\n<br>\n<a href=\"threads?debug=2\">full thread stack dump</a>\n"
			"</body>\n</html>\n");
	return send_buf(c, MHD_HTTP_OK, "text/html; charset=utf-8", &b, NULL);
}

static enum MHD_Result serve_mutex(struct MHD_Connection *c)
{
	struct kerr err = KERR_INIT;
	struct profile *p;
	struct rt_cleanup undo;
	struct rt_buckets base;
	bool have_base;
	enum MHD_Result resp;
	long debug = arg_long(c, "debug", 0);
	int rc;

	if (debug != 0)
		return send_error(c, 400, "Bad Request: only debug=0 (profile.proto) is "
				  "served for mutex");
	if (delta_wait(c, debug, rt_mutex_snapshot, &base, &have_base, &resp))
		return resp;
	if (have_base)
		rt_cleanup_push(&undo, rt_buckets_free_copy_cb, &base);
	rc = rt_mutex_profile(have_base ? &base : NULL, &p, &err);
	if (have_base) {
		rt_cleanup_pop(&undo);
		rt_buckets_free_copy(&base);
	}
	if (rc)
		return send_error(c, 500, "%s", err.msg);
	return send_profile(c, p, "mutex");
}

/* Like mutex; with ?seconds=N recording is on during the window even when
 * nothing else turned it on (Go's block profile needs SetBlockProfileRate). */
static enum MHD_Result serve_block(struct MHD_Connection *c)
{
	struct kerr err = KERR_INIT;
	struct profile *p;
	struct rt_buckets base;
	bool have_base, window;
	enum MHD_Result resp;
	long debug = arg_long(c, "debug", 0), sec = arg_long(c, "seconds", 0);
	int rc;

	if (debug != 0)
		return send_error(c, 400, "Bad Request: only debug=0 (profile.proto) is "
				  "served for block");
	window = sec > 0 && sec <= MAX_SECONDS;
	if (window && rt_block_begin(true))
		return send_error(c, 500, "Could not enable block profiling: %s",
				  kiln_last_error());
	rc = delta_wait(c, debug, rt_block_snapshot, &base, &have_base, &resp);
	if (window)
		rt_block_end_implicit();
	if (rc)
		return resp;
	rc = rt_block_profile(have_base ? &base : NULL, &p, &err);
	if (have_base)
		rt_buckets_free_copy(&base);
	if (rc)
		return send_error(c, 500, "%s", err.msg);
	return send_profile(c, p, "block");
}

static enum MHD_Result serve_threads(struct MHD_Connection *c)
{
	struct kbuf b = KBUF_INIT;
	struct kerr err = KERR_INIT;
	long debug = arg_long(c, "debug", 0);

	if (debug < 0)
		return send_error(c, 400, "Bad Request: debug must be an integer");
	if (rt_threads_dump(debug > 2 ? 2 : (int)debug, &b, &err)) {
		kbuf_release(&b);
		return send_error(c, 500, "%s", err.msg);
	}
	if (debug)
		return send_buf(c, MHD_HTTP_OK, "text/plain; charset=utf-8", &b, NULL);
	return send_buf(c, MHD_HTTP_OK, "application/octet-stream", &b, "threads");
}

static enum MHD_Result dispatch(struct MHD_Connection *c, const char *url, const char *method,
				struct request *r)
{
	static const char prefix[] = "/debug/pprof";
	const char *name;

	if (strncmp(url, prefix, sizeof(prefix) - 1) != 0)
		return send_error(c, 404, "404 page not found");
	name = url + sizeof(prefix) - 1;
	if (*name == '/')
		name++;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	    !(strcmp(method, "POST") == 0 && strcmp(name, "symbol") == 0))
		return send_error(c, 405, "Method Not Allowed");
	if (!*name)
		return serve_index(c);
	if (!strcmp(name, "profile"))
		return serve_cpu(c);
	if (!strcmp(name, "heap"))
		return serve_heap(c, false);
	if (!strcmp(name, "allocs"))
		return serve_heap(c, true);
	if (!strcmp(name, "mutex"))
		return serve_mutex(c);
	if (!strcmp(name, "block"))
		return serve_block(c);
	if (!strcmp(name, "threads"))
		return serve_threads(c);
	if (!strcmp(name, "threadcreate"))
		return serve_built(c, rt_threadcreate_profile, "threadcreate");
	if (!strcmp(name, "cmdline"))
		return serve_cmdline(c);
	if (!strcmp(name, "symbol"))
		return serve_symbol(c, r);
	return send_error(c, 404, "Unknown profile");
}

/* The answer when serving ran out of memory: allocates nothing of ours
 * (libmicrohttpd copies the body; if it cannot, the connection closes). */
static enum MHD_Result send_nomem(struct MHD_Connection *c, const struct kerr *err)
{
	char body[sizeof(err->msg) + 1];
	struct MHD_Response *r;
	enum MHD_Result ret;
	int n = snprintf(body, sizeof(body), "%s\n", err->msg);

	r = MHD_create_response_from_buffer(n > 0 ? (size_t)n : 0, body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	MHD_add_response_header(r, "X-Go-Pprof", "1");
	ret = MHD_queue_response(c, MHD_HTTP_SERVICE_UNAVAILABLE, r);
	MHD_destroy_response(r);
	return ret;
}

/* A request's work, in memory that outlives a failed allocation. */
struct job {
	struct MHD_Connection *c;
	const char *url, *method, *upload;
	size_t upload_size;
	struct request *r;
	enum MHD_Result ret;
};

static int store_body(void *arg)
{
	struct job *j = arg;

	kbuf_add(&j->r->body, j->upload, j->upload_size);
	return 0;
}

static int serve(void *arg)
{
	struct job *j = arg;

	j->ret = dispatch(j->c, j->url, j->method, j->r);
	return 0;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct request *r = *con_cls;
	struct kerr err = KERR_INIT;
	struct job j = { c, url, method, upload, 0, r, MHD_NO };
	enum MHD_Result ret;

	rt_enter(); /* already a profiler thread; harmless and explicit */
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r) {
			rt_leave();
			return MHD_NO;
		}
		kbuf_init(&r->body);
		*con_cls = r;
		rt_leave();
		return MHD_YES;
	}
	if (*upload_size) {
		if (r->body.len + *upload_size > MAX_BODY) {
			rt_leave();
			return MHD_NO;
		}
		/* the rest of the body is read and dropped; the answer is 503 */
		j.upload_size = *upload_size;
		if (!r->nomem && rt_nomem_call(store_body, &j, &err, "storing a request"))
			r->nomem = true;
		*upload_size = 0;
		rt_leave();
		return MHD_YES;
	}
	if (r->nomem)
		kerr_set(&err, -ENOMEM, "out of memory storing the request to %s", url);
	ret = r->nomem || rt_nomem_call(serve, &j, &err, "serving %s", url) ? send_nomem(c, &err)
									  : j.ret;
	rt_leave();
	return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct request *r = *con_cls;

	if (r) {
		kbuf_release(&r->body);
		free(r);
		*con_cls = NULL;
	}
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	if (ss->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

/* "host:port", "[v6]:port", ":port" or "port"; the host defaults to
 * 127.0.0.1 and may be a name. Returns 0 or a KILN code with a message. */
static int parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[256] = "127.0.0.1";
	const char *colon, *port = addr;
	struct addrinfo hints, *res = NULL;
	char *end;
	long pn;
	int rc;

	if (addr[0] == '[') {
		const char *close = strchr(addr, ']');
		if (!close || close[1] != ':' || (size_t)(close - addr - 1) >= sizeof(host))
			return rt_fail(KILN_EINVAL, "bad address \"%s\"", addr);
		snprintf(host, sizeof(host), "%.*s", (int)(close - addr - 1), addr + 1);
		port = close + 2;
	} else if ((colon = strrchr(addr, ':'))) {
		if ((size_t)(colon - addr) >= sizeof(host))
			return rt_fail(KILN_EINVAL, "bad address \"%s\"", addr);
		if (colon > addr)
			snprintf(host, sizeof(host), "%.*s", (int)(colon - addr), addr);
		port = colon + 1;
	}
	errno = 0;
	pn = strtol(port, &end, 10);
	if (!*port || *end || errno || pn < 0 || pn > 65535)
		return rt_fail(KILN_EINVAL, "bad port in address \"%s\"", addr);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc || !res)
		return rt_fail(KILN_EADDRNOTAVAIL, "cannot resolve \"%s\": %s", host,
			       gai_strerror(rc));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)pn);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)pn);
	return 0;
}

static int open_listener(const struct sockaddr_storage *ss, socklen_t len)
{
	int one = 1, fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return rt_fail(rt_errno_code(-errno), "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, len) != 0 || listen(fd, 64) != 0) {
		int e = errno;
		close(fd);
		return rt_fail(rt_errno_code(-e), "bind: %s", strerror(e));
	}
	return fd;
}

KILN_API int kiln_http_start(const char *addr)
{
	struct sockaddr_storage ss;
	struct kerr lerr = KERR_INIT;
	socklen_t len = 0;
	int rc, fd;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;

	if (!addr || !*addr)
		return rt_fail(KILN_EINVAL, "kiln_http_start: no address");
	rt_init();
	rt_enter();
	rt_clear_error();
	rt_lock_acquire(&http_lock);
	if (daemon_h) {
		rc = rt_fail(KILN_EBUSY, "already serving /debug/pprof on port %d", bound_port);
		goto unlock;
	}
	memset(&ss, 0, sizeof(ss));
	if ((rc = parse_addr(addr, &ss, &len)))
		goto unlock;
	if ((rc = rt_lib_need(RT_LIB_HTTP, &lerr))) { /* loaded on first use (lazy.c) */
		rc = rt_fail_kerr(&lerr);
		goto unlock;
	}
	if ((fd = open_listener(&ss, len)) < 0) {
		rc = fd;
		goto unlock;
	}
	if (!is_loopback(&ss))
		fprintf(stderr, "kiln: warning: /debug/pprof is served on %s, reachable from "
			"other hosts, without authentication\n", addr);
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* Created under the guard: its threads are profiler threads. */
	daemon_h = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL,
				    MHD_OPTION_LISTEN_SOCKET, fd,
				    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(MAX_SECONDS + 60),
				    MHD_OPTION_END);
	if (!daemon_h) {
		int e = errno;
		close(fd);
		rc = e == ENOMEM ? rt_fail(KILN_ENOMEM, "out of memory starting libmicrohttpd")
				 : rt_fail(KILN_ESYSTEM, "libmicrohttpd could not start");
		goto unlock;
	}
	listen_fd = fd;
	struct sockaddr_storage got;
	socklen_t glen = sizeof(got);
	bound_port = 0;
	if (getsockname(fd, (struct sockaddr *)&got, &glen) == 0)
		bound_port = ntohs(got.ss_family == AF_INET6 ?
				   ((struct sockaddr_in6 *)&got)->sin6_port :
				   ((struct sockaddr_in *)&got)->sin_port);
	rc = 0;
unlock:
	rt_lock_release(&http_lock);
	rt_leave();
	return rc;
}

KILN_API int kiln_http_port(void)
{
	int port;

	rt_lock_acquire(&http_lock); /* against a start or stop elsewhere */
	port = daemon_h ? bound_port : 0;
	rt_lock_release(&http_lock);
	return port;
}

KILN_API int kiln_http_stop(void)
{
	struct MHD_Daemon *d;

	rt_enter();
	rt_lock_acquire(&http_lock);
	d = daemon_h;
	daemon_h = NULL;
	listen_fd = -1;
	bound_port = 0;
	rt_lock_release(&http_lock);
	if (d)
		MHD_stop_daemon(d); /* closes the listening socket */
	rt_leave();
	return d ? 0 : rt_fail(KILN_ENOTRUNNING, "not serving /debug/pprof");
}

void rt_http_fork_child(void)
{
	/* The server threads are the parent's; drop the socket, keep the
	 * daemon's memory (freeing it would join threads that do not
	 * exist here). */
	atomic_store(&http_lock.v, 0);
	if (listen_fd >= 0)
		close(listen_fd);
	listen_fd = -1;
	daemon_h = NULL;
	bound_port = 0;
}
