/* The HTTP side of kiln web: libmicrohttpd with a thread per connection,
 * routing, the loopback-only guards, security headers, and start/stop.
 * Requests are GET only; every handler runs under one lock because views
 * are shared (the cache), except Graphviz, which runs outside it. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../base/alloc.h"
#include "assets.h"
#include "internal.h"

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

/* While loopback-bound, a page from another origin could reach us through a
 * DNS name that resolves to 127.0.0.1 (rebinding): insist on a loopback
 * Host header. */
static bool host_ok(const struct web_server *s, const char *host)
{
	static const char *const names[] = { "127.0.0.1", "localhost", "[::1]" };

	if (!s->loopback)
		return true;
	if (!host)
		return false;
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(names[i]);
		if (!strncmp(host, names[i], n) && (host[n] == 0 || host[n] == ':'))
			return true;
	}
	return !strncmp(host, "127.", 4);
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

static enum MHD_Result send_reply(struct MHD_Connection *conn, struct web_reply *r,
				  bool cacheable)
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
	ret = MHD_queue_response(conn, (unsigned)(r->status ? r->status : 200), resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	struct web_server *s = cls;
	struct web_reply r = { 0, NULL, KBUF_INIT, NULL };
	struct web_params wp;
	struct kerr err = KERR_INIT;
	struct arg_ctx ac = { &wp, &err, 0 };
	bool cacheable = false;
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
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		api_error(&r, 405, "only GET is served");
		goto send;
	}
	if (!host_ok(s, MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host"))) {
		api_error(&r, 403, "this server answers only to loopback host names");
		goto send;
	}
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, on_arg, &ac);
	if (ac.ret < 0) {
		api_error(&r, 400, err.msg);
		goto send;
	}
	if (is_view_path(url)) {
		const struct embedded_asset *a = find_asset("index.html");
		kbuf_add(&r.body, a->data, a->len);
		r.type = a->type;
	} else if (!strncmp(url, "/assets/", 8)) {
		const struct embedded_asset *a = find_asset(url + 8);
		if (!a || !strcmp(url + 8, "index.html")) {
			api_error(&r, 404, "no such asset");
		} else {
			kbuf_add(&r.body, a->data, a->len);
			r.type = a->type;
			cacheable = true;
		}
	} else if (!strncmp(url, "/api/", 5) || !strcmp(url, "/download")) {
		pthread_mutex_lock(&s->lock);
		if (!strcmp(url, "/api/meta"))
			api_meta(s, &r);
		else if (!strcmp(url, "/api/top"))
			api_top(s, &wp, &r);
		else if (!strcmp(url, "/api/flame"))
			api_flame(s, &wp, &r);
		else if (!strcmp(url, "/api/graph"))
			api_graph(s, &wp, &r);
		else if (!strcmp(url, "/api/peek"))
			api_peek(s, &wp, &r);
		else if (!strcmp(url, "/api/source"))
			api_source(s, &wp, &r);
		else if (!strcmp(url, "/api/files"))
			api_files(s, &r);
		else if (!strcmp(url, "/download"))
			api_download(s, &r);
		else
			api_error(&r, 404, "no such endpoint");
		pthread_mutex_unlock(&s->lock);
	} else {
		api_error(&r, 404, "not found");
	}
send:
	ret = send_reply(conn, &r, cacheable);
	kbuf_release(&r.body);
	web_params_release(&wp);
	return ret;
}

/* "HOST:PORT", ":PORT", "HOST:", "HOST", "[v6]:PORT" → sockaddr. */
static int parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *len,
		      struct kerr *err)
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

int web_start(struct profile *p, const struct web_opts *o, struct web_server **out,
	      bool *non_loopback, struct kerr *err)
{
	struct web_server *s = xcalloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	const union MHD_DaemonInfo *info;
	char host[INET6_ADDRSTRLEN] = "127.0.0.1";
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
	int ret;

	*out = NULL;
	*non_loopback = false;
	s->p = p;
	s->dflt = *o->dflt;
	s->title = xstrdup(o->title ? o->title : "");
	kbuf_init(&s->download);
	pthread_mutex_init(&s->lock, NULL);
	if ((ret = parse_addr(o->addr, &ss, &sslen, err)) < 0)
		goto fail;
	s->loopback = addr_is_loopback((struct sockaddr *)&ss);
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	collect_files(s);
	s->d = MHD_start_daemon(flags, 0, accept_policy, s, handle, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
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
	*non_loopback = !s->loopback;
	{
		/* Build the default view now, so the first page is quick. */
		struct web_params none;
		struct kerr e2 = KERR_INIT;
		struct web_view *v;
		memset(&none, 0, sizeof(none));
		pthread_mutex_lock(&s->lock);
		if ((v = web_view_get(s, &none, &e2)))
			web_view_tree(v);
		pthread_mutex_unlock(&s->lock);
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
	return s->url;
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
	profile_free(s->p);
	free(s->title);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
