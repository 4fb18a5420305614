/* HTTP fetching of profiles (see fetch.h): one libcurl easy handle per
 * request, the body collected in a kbuf with a size cap, errors mapped to
 * negative errno codes with a one-line message naming the URL.
 *
 * libcurl is loaded with dlopen() on the first fetch: linked normally it
 * (with TLS, SSH, LDAP and Kerberos behind it) costs every kiln command
 * about 5 ms of start-up and several MiB of memory, for a feature only
 * `kiln report URL` uses. */
#include "fetch.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

struct sink {
	struct kbuf *out;
	size_t start;
	bool too_big;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n;

	if (s->out->len - s->start + len > FETCH_MAX_BYTES) {
		s->too_big = true;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	kbuf_add(s->out, data, len);
	return len;
}

/* The URL with seconds=N set, and in *dur the duration it asks for. */
static void adjust_url(const char *url, int seconds, struct kbuf *u, long *dur)
{
	const char *q = strchr(url, '?');
	const char *p;

	*dur = 0;
	if (!strncmp(url, "https+insecure://", 17)) {
		kbuf_addstr(u, "https://");
		url += 17;
		q = strchr(url, '?');
	}
	if (seconds <= 0) {
		kbuf_addstr(u, url);
		for (p = q; p && (p = strstr(p, "seconds=")); p += 8)
			if (p[-1] == '?' || p[-1] == '&')
				*dur = strtol(p + 8, NULL, 10);
		return;
	}
	*dur = seconds;
	if (!q) {
		kbuf_addf(u, "%s?seconds=%d", url, seconds);
		return;
	}
	/* Keep the other parameters, replace seconds. */
	kbuf_add(u, url, (size_t)(q - url));
	kbuf_addf(u, "?seconds=%d", seconds);
	for (p = q + 1; *p;) {
		size_t len = strcspn(p, "&");
		if (strncmp(p, "seconds=", 8) != 0 && len) {
			kbuf_addch(u, '&');
			kbuf_add(u, p, len);
		}
		p += len;
		if (*p == '&')
			p++;
	}
}

/* The libcurl entry points used here: the process's one loaded copy of
 * the library, filled once (under curl_once) and read-only after, like
 * the dynamic linker's own state. */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ret;
static char curl_msg[sizeof(((struct kerr *)0)->msg)];
static struct {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *h);
	const char *(*easy_strerror)(CURLcode c);
} curl;

static int load_curl_once(struct kerr *err)
{
	void *lib;

	lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return kerr_set(err, -ENOENT, "cannot load libcurl to fetch profiles over HTTP "
				"(install package libcurl4): %s", dlerror());
#define SYM(field, name) *(void **)&curl.field = dlsym(lib, name)
	SYM(global_init, "curl_global_init");
	SYM(easy_setopt, "curl_easy_setopt");
	SYM(easy_perform, "curl_easy_perform");
	SYM(easy_getinfo, "curl_easy_getinfo");
	SYM(easy_cleanup, "curl_easy_cleanup");
	SYM(easy_strerror, "curl_easy_strerror");
	SYM(easy_init, "curl_easy_init");
#undef SYM
	if (!curl.global_init || !curl.easy_setopt || !curl.easy_perform || !curl.easy_getinfo ||
	    !curl.easy_cleanup || !curl.easy_strerror || !curl.easy_init) {
		curl.easy_init = NULL;
		return kerr_set(err, -ENOENT, "libcurl.so.4 lacks the functions kiln needs");
	}
	if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		curl.easy_init = NULL;
		return kerr_set(err, -EIO, "cannot initialise libcurl");
	}
	return 0;
}

static void load_curl_now(void)
{
	struct kerr err = KERR_INIT;

	curl_ret = load_curl_once(&err);
	if (curl_ret < 0)
		snprintf(curl_msg, sizeof(curl_msg), "%s", err.msg);
}

static int load_curl(struct kerr *err)
{
	pthread_once(&curl_once, load_curl_now);
	if (curl_ret < 0)
		return kerr_set(err, curl_ret, "%s", curl_msg);
	return 0;
}

static int curl_code(CURLcode c)
{
	switch (c) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return -EINVAL;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	default:
		return -EIO;
	}
}

/* GET url (with pprof's ?seconds= for `seconds` > 0), or POST `post`
 * (post_len bytes) to it as is when post is not NULL. */
static int transfer(const char *url, int seconds, const char *post, size_t post_len,
		    struct kbuf *out, struct kerr *err)
{
	struct kbuf u = KBUF_INIT;
	struct sink s = { out, out->len, false };
	char curl_err[CURL_ERROR_SIZE] = "";
	long dur, status = 0;
	CURL *h = NULL;
	CURLcode c;
	int ret = 0;

	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8) &&
	    strncmp(url, "https+insecure://", 17))
		return kerr_set(err, -EINVAL, "%s: not an http:// or https:// URL", url);
	if ((ret = load_curl(err)) < 0)
		return ret;
	adjust_url(url, post ? 0 : seconds, &u, &dur);
	if (!(h = curl.easy_init())) {
		ret = kerr_set(err, -ENOMEM, "%s: cannot create a curl handle", url);
		goto release_url;
	}
	curl.easy_setopt(h, CURLOPT_URL, u.buf);
	curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl.easy_setopt(h, CURLOPT_WRITEDATA, &s);
	curl.easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
	curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl.easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	/* A CPU profile takes its seconds to answer; allow a minute more. */
	curl.easy_setopt(h, CURLOPT_TIMEOUT, (dur > 0 ? dur : 0) + 60L);
	curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(h, CURLOPT_USERAGENT, "kiln/" KILN_VERSION);
	curl.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)FETCH_MAX_BYTES);
	if (post) {
		curl.easy_setopt(h, CURLOPT_POSTFIELDS, post);
		curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)post_len);
	}
	if (!strncmp(url, "https+insecure://", 17)) {
		curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	c = curl.easy_perform(h);
	if (s.too_big || c == CURLE_FILESIZE_EXCEEDED) {
		ret = kerr_set(err, -EFBIG, "%s: response larger than %zu MiB", u.buf,
			       FETCH_MAX_BYTES >> 20);
		goto cleanup;
	}
	if (c != CURLE_OK) {
		ret = kerr_set(err, curl_code(c), "%s: %s", u.buf,
			       curl_err[0] ? curl_err : curl.easy_strerror(c));
		goto cleanup;
	}
	curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		/* Go's pprof handlers explain errors in a short text body. */
		size_t len = out->len - s.start;
		const char *body = out->buf + s.start;
		while (len && (body[len - 1] == '\n' || body[len - 1] == '\r'))
			len--;
		if (len > 300)
			len = 300;
		ret = kerr_set(err, -EPROTO, "%s: server answered %ld%s%.*s", u.buf, status,
			       len ? ": " : "", (int)len, body);
		goto cleanup;
	}
cleanup:
	curl.easy_cleanup(h);
release_url:
	kbuf_release(&u);
	return ret;
}

int fetch_url(const char *url, int seconds, struct kbuf *out, struct kerr *err)
{
	return transfer(url, seconds, NULL, 0, out, err);
}

int fetch_post(const char *url, const char *body, size_t len, struct kbuf *out, struct kerr *err)
{
	return transfer(url, 0, body, len, out, err);
}

int fetch_profile(const char *url, int seconds, const struct profile_decode_opts *opts,
		  struct profile **out, struct kerr *err)
{
	struct kbuf body = KBUF_INIT;
	int ret;

	*out = NULL;
	ret = fetch_url(url, seconds, &body, err);
	if (ret == 0 && (ret = profile_decode(body.buf, body.len, opts, out, err)) < 0)
		kerr_prefix(err, "%s", url);
	kbuf_release(&body);
	return ret;
}
