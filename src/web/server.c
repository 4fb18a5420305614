/* The HTTP side of kiln web: libmicrohttpd with a thread per connection,
 * routing, the guards, security headers, and start/stop.
 *
 * Every request passes, in order: the connection count (a connection
 * opened while max_active others are open gets 503 and is closed, so a
 * flood is answered instead of reset), the Host rule (DNS rebinding), and
 * the token (?token= or its cookie; a page opened with ?token= is
 * redirected to the clean URL with the cookie set). Requests are GET only. Handlers share no
 * lock: heavy work takes one of WEB_HEAVY slots and light requests
 * (pages, assets, /api/meta, a cached view) never wait for it. A slow or
 * idle client holds only its own thread, for at most WEB_IDLE seconds
 * without traffic. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "assets.h"
#include "internal.h"

#define WEB_IDLE 30          /* seconds a connection may stay silent */
#define WEB_MAX_ACTIVE 512   /* open connections answered normally */
#define WEB_MAX_CONNS 4096   /* accepted at all (bounded by RLIMIT_NOFILE) */

static const char csp[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	"connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

static bool addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_LOOPBACK(a))
			return true;
		if (IN6_IS_ADDR_V4MAPPED(a))
			return a->s6_addr[12] == 127;
	}
	return false;
}

static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct web_server *s = cls;

	(void)len;
	/* Bound to loopback: only this machine may talk to us. */
	return !s->loopback || addr_is_loopback(addr) ? MHD_YES : MHD_NO;
}

static void notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			      enum MHD_ConnectionNotificationCode toe)
{
	struct web_server *s = cls;

	(void)conn;
	/* A connection opened past the limit is marked, and its request
	 * answered 503: the first max_active of a flood are served. */
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		*socket_context = atomic_fetch_add(&s->active, 1) >= s->max_active ? (void *)s : NULL;
	else if (toe == MHD_CONNECTION_NOTIFY_CLOSED)
		atomic_fetch_sub(&s->active, 1);
}

static bool over_limit(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci && ci->socket_context != NULL;
}

/* Query string without the token, percent-encoded again: the URL a
 * ?token= page is redirected to. */
struct clean_ctx {
	struct kbuf *b;
	bool first;
};

static void url_encode(struct kbuf *b, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			kbuf_addch(b, (char)*p);
		} else {
			kbuf_addch(b, '%');
			kbuf_addch(b, hex[*p >> 4]);
			kbuf_addch(b, hex[*p & 15]);
		}
	}
}

static enum MHD_Result on_clean_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				    const char *value)
{
	struct clean_ctx *c = cls;

	(void)kind;
	if (!key || !strcmp(key, "token"))
		return MHD_YES;
	kbuf_addch(c->b, c->first ? '?' : '&');
	c->first = false;
	url_encode(c->b, key);
	if (value) {
		kbuf_addch(c->b, '=');
		url_encode(c->b, value);
	}
	return MHD_YES;
}

struct arg_ctx {
	struct web_params *wp;
	struct kerr *err;
	int ret;
};

static enum MHD_Result on_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			      const char *value)
{
	struct arg_ctx *c = cls;

	(void)kind;
	if (c->ret == 0 && key)
		c->ret = web_params_set(c->wp, key, value, c->err);
	return MHD_YES;
}

static const struct embedded_asset *find_asset(const char *name)
{
	for (size_t i = 0; i < web_count; i++)
		if (!strcmp(web_assets[i].name, name))
			return &web_assets[i];
	return NULL;
}

static bool is_view_path(const char *url)
{
	static const char *const views[] = { "/", "/top", "/flamegraph", "/graph", "/source", "/peek" };

	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (!strcmp(url, views[i]))
			return true;
	return false;
}

static enum MHD_Result send_reply(struct web_server *s, struct MHD_Connection *conn,
				  struct web_reply *r, bool cacheable)
{
	struct MHD_Response *resp;
	size_t len;
	char *data = kbuf_detach(&r->body, &len);
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer_with_free_callback(len, data, free);
	if (!resp) {
		free(data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", r->type ? r->type : "text/plain");
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cache-Control", cacheable ? "max-age=300" : "no-store");
	if (r->disposition)
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	if (r->location)
		MHD_add_response_header(resp, "Location", r->location);
	if (r->set_cookie) {
		char c[128];
		snprintf(c, sizeof(c), "%s=%s; Path=/; HttpOnly; SameSite=Strict", s->cookie, s->token);
		MHD_add_response_header(resp, "Set-Cookie", c);
	}
	if (r->close) {
		MHD_add_response_header(resp, "Connection", "close");
		MHD_add_response_header(resp, "Retry-After", "1");
	}
	ret = MHD_queue_response(conn, (unsigned)(r->status ? r->status : 200), resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The token, from ?token= or the cookie; false when neither is valid. */
static bool token_ok(struct web_server *s, struct MHD_Connection *conn, bool *in_query)
{
	const char *q = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "token");
	const char *c = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, s->cookie);

	*in_query = web_token_eq(q, s->token);
	return *in_query || web_token_eq(c, s->token);
}

static void route(struct web_server *s, const char *url, const struct web_params *wp,
		  struct web_reply *r, bool *cacheable)
{
	if (is_view_path(url)) {
		const struct embedded_asset *a = find_asset("index.html");
		kbuf_add(&r->body, a->data, a->len);
		r->type = a->type;
	} else if (!strncmp(url, "/assets/", 8)) {
		const struct embedded_asset *a = find_asset(url + 8);
		if (!a || !strcmp(url + 8, "index.html")) {
			api_error(r, 404, "no such asset");
		} else {
			kbuf_add(&r->body, a->data, a->len);
			r->type = a->type;
			*cacheable = true;
		}
	} else if (!strcmp(url, "/api/meta")) {
		api_meta(s, r);
	} else if (!strcmp(url, "/api/top")) {
		api_top(s, wp, r);
	} else if (!strcmp(url, "/api/flame")) {
		api_flame(s, wp, r);
	} else if (!strcmp(url, "/api/graph")) {
		api_graph(s, wp, r);
	} else if (!strcmp(url, "/api/peek")) {
		api_peek(s, wp, r);
	} else if (!strcmp(url, "/api/source")) {
		api_source(s, wp, r);
	} else if (!strcmp(url, "/api/files")) {
		api_files(s, r);
	} else if (!strcmp(url, "/download")) {
		api_download(s, r);
	} else {
		api_error(r, 404, !strncmp(url, "/api/", 5) ? "no such endpoint" : "not found");
	}
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	struct web_server *s = cls;
	struct web_reply r = { 0, NULL, KBUF_INIT, NULL, NULL, false, false };
	struct web_params wp;
	struct kerr err = KERR_INIT;
	struct arg_ctx ac = { &wp, &err, 0 };
	bool cacheable = false, in_query;
	enum MHD_Result ret;

	(void)version;
	(void)upload;
	if (!*state) {
		/* First call for this request: headers only. */
		*state = (void *)1;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0; /* bodies are ignored; we answer 405 below */
		return MHD_YES;
	}
	memset(&wp, 0, sizeof(wp));
	if (over_limit(conn)) {
		api_error(&r, 503, "too many connections; try again");
		r.close = true;
		goto send;
	}
	if (s->loopback && !web_host_ok(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host"),
					s->bound)) {
		api_error(&r, 403, "this server answers only to loopback host names (127.x.x.x, localhost, [::1])");
		goto send;
	}
	if (!token_ok(s, conn, &in_query)) {
		api_error(&r, 403, "no valid token: open the URL that kiln web printed (it ends in ?token=...)");
		goto send;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		api_error(&r, 405, "only GET is served");
		goto send;
	}
	if (in_query && is_view_path(url)) {
		/* The printed URL: keep the token in a cookie, out of the address bar. */
		struct kbuf loc = KBUF_INIT;
		struct clean_ctx cc = { &loc, true };
		kbuf_addstr(&loc, url);
		MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, on_clean_arg, &cc);
		r.status = 303;
		r.location = kbuf_detach(&loc, NULL);
		r.set_cookie = true;
		r.type = "text/plain; charset=utf-8";
		kbuf_addstr(&r.body, "token accepted\n");
		goto send;
	}
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, on_arg, &ac);
	if (ac.ret < 0) {
		api_error(&r, 400, err.msg);
		goto send;
	}
	route(s, url, &wp, &r, &cacheable);
send:
	ret = send_reply(s, conn, &r, cacheable);
	kbuf_release(&r.body);
	free(r.location);
	web_params_release(&wp);
	return ret;
}

/* "HOST:PORT", ":PORT", "HOST:", "HOST", "[v6]:PORT" → sockaddr, and the
 * HOST as given (without brackets; NULL when none was) in *bound. */
static int parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *len,
		      char **bound, struct kerr *err)
{
	char host[256] = "127.0.0.1", port[16] = "0";
	const char *colon;
	struct addrinfo hints, *res = NULL;
	int rc;

	if (addr && addr[0]) {
		if (addr[0] == '[') {
			const char *end = strchr(addr, ']');
			if (!end || (size_t)(end - addr - 1) >= sizeof(host))
				return kerr_set(err, -EINVAL, "bad address '%s'", addr);
			memcpy(host, addr + 1, (size_t)(end - addr - 1));
			host[end - addr - 1] = 0;
			colon = end[1] == ':' ? end + 1 : NULL;
		} else {
			colon = strrchr(addr, ':');
			size_t hl = colon ? (size_t)(colon - addr) : strlen(addr);
			if (hl >= sizeof(host))
				return kerr_set(err, -EINVAL, "bad address '%s'", addr);
			if (hl) {
				memcpy(host, addr, hl);
				host[hl] = 0;
			}
		}
		if (colon && colon[1]) {
			if (strlen(colon + 1) >= sizeof(port) ||
			    strspn(colon + 1, "0123456789") != strlen(colon + 1))
				return kerr_set(err, -EINVAL, "bad port in '%s'", addr);
			snprintf(port, sizeof(port), "%s", colon + 1);
		}
	}
	*bound = addr && addr[0] && addr[0] != ':' ? xstrdup(host) : NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof(host), "127.0.0.1");
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		return kerr_set(err, -EINVAL, "cannot resolve '%s': %s", host, gai_strerror(rc));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect_files(struct web_server *s)
{
	const struct profile *p = s->p;
	size_t n = 0;

	s->files = xcalloc(p->n_functions + 1, sizeof(char *));
	for (size_t i = 0; i < p->n_functions; i++) {
		const char *f = profile_get_str(p, p->functions[i].filename);
		if (f[0])
			s->files[n++] = xstrdup(f);
	}
	qsort(s->files, n, sizeof(char *), cmp_str);
	s->n_files = 0;
	for (size_t i = 0; i < n; i++) {
		if (s->n_files && !strcmp(s->files[s->n_files - 1], s->files[i])) {
			free(s->files[i]);
			continue;
		}
		s->files[s->n_files++] = s->files[i];
	}
}

/* The connections MHD accepts at all: as many as file descriptors allow,
 * keeping some for the profile's sources and Graphviz. */
static unsigned conn_limit(void)
{
	struct rlimit rl;
	rlim_t n = WEB_MAX_CONNS;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < n + 64)
		n = rl.rlim_cur > 128 ? rl.rlim_cur - 64 : 64;
	return (unsigned)n;
}

static void set_roots(struct web_server *s, const struct web_opts *o)
{
	char cwd[4096];

	web_roots_add_list(&s->roots, s->dflt.source_path);
	if (getcwd(cwd, sizeof(cwd)))
		web_roots_add(&s->roots, cwd);
	for (size_t i = 0; i < o->n_source_roots; i++)
		web_roots_add(&s->roots, o->source_roots[i]);
}

int web_start(struct profile *p, const struct web_opts *o, struct web_server **out,
	      bool *non_loopback, struct kerr *err)
{
	struct web_server *s = xcalloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	const union MHD_DaemonInfo *info;
	char host[INET6_ADDRSTRLEN] = "127.0.0.1";
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
			 MHD_USE_POLL;
	unsigned limit = conn_limit();
	int ret;

	*out = NULL;
	*non_loopback = false;
	s->p = p;
	s->dflt = *o->dflt;
	s->title = xstrdup(o->title ? o->title : "");
	kbuf_init(&s->download);
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->download_lock, NULL);
	pthread_cond_init(&s->heavy_cv, NULL);
	atomic_init(&s->active, 0);
	/* Past this many open connections, answer 503 rather than let MHD
	 * refuse (a reset): keep a margin below the hard limit. */
	s->max_active = limit > 2 * WEB_MAX_ACTIVE ? WEB_MAX_ACTIVE : limit / 2;
	if ((ret = web_token_new(s->token, err)) < 0)
		goto fail;
	if ((ret = parse_addr(o->addr, &ss, &sslen, &s->bound, err)) < 0)
		goto fail;
	s->loopback = addr_is_loopback((struct sockaddr *)&ss);
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	collect_files(s);
	set_roots(s, o);
	s->d = MHD_start_daemon(flags, 0, accept_policy, s, handle, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_CONNECTION_LIMIT, limit,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_IDLE,
				MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)4096,
				MHD_OPTION_NOTIFY_CONNECTION, notify_connection, s,
				MHD_OPTION_END);
	if (!s->d) {
		ret = kerr_set(err, -EADDRNOTAVAIL, "cannot listen on %s",
			       o->addr && o->addr[0] ? o->addr : "127.0.0.1");
		goto fail;
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : 0;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
	if (!strcmp(host, "0.0.0.0") || !strcmp(host, "::"))
		snprintf(host, sizeof(host), "%s", ss.ss_family == AF_INET ? "127.0.0.1" : "::1");
	snprintf(s->url, sizeof(s->url), ss.ss_family == AF_INET6 ? "http://[%s]:%u/" : "http://%s:%u/",
		 host, s->port);
	snprintf(s->token_url, sizeof(s->token_url), "%s?token=%s", s->url, s->token);
	snprintf(s->cookie, sizeof(s->cookie), "kiln_token_%u", s->port);
	*non_loopback = !s->loopback;
	{
		/* Build the default view now, so the first page is quick. */
		struct web_params none;
		struct kerr e2 = KERR_INIT;
		struct web_view *v;
		memset(&none, 0, sizeof(none));
		if (web_view_get(s, &none, &v, &e2) == 0) {
			web_view_tree(v);
			web_view_put(s, v);
		}
	}
	*out = s;
	return 0;
fail:
	s->p = NULL; /* the caller keeps it on failure */
	web_stop(s);
	return ret;
}

const char *web_url(const struct web_server *s)
{
	return s->token_url;
}

void web_stop(struct web_server *s)
{
	if (!s)
		return;
	if (s->d)
		MHD_stop_daemon(s->d);
	for (size_t i = 0; i < WEB_CACHE; i++)
		web_view_free(s->views[i]);
	for (size_t i = 0; i < s->n_files; i++)
		free(s->files[i]);
	free(s->files);
	kbuf_release(&s->download);
	web_roots_release(&s->roots);
	free(s->bound);
	profile_free(s->p);
	free(s->title);
	pthread_cond_destroy(&s->heavy_cv);
	pthread_mutex_destroy(&s->download_lock);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
