/* The web server's access rules (see guard.h): Host names, the per-run
 * token, and the source roots. Everything checked here comes from the
 * network or from a profile, so parsing is strict and bounded. */
#include "guard.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "../base/alloc.h"

/* "" or ":" followed by 1-5 digits up to 65535. */
static bool port_ok(const char *p)
{
	size_t n;

	if (!*p)
		return true;
	if (*p++ != ':')
		return false;
	n = strspn(p, "0123456789");
	return n >= 1 && n <= 5 && !p[n] && strtoul(p, NULL, 10) <= 65535;
}

/* Four decimal parts of 1-3 digits, each <= 255, the first 127. */
static bool loopback_quad(const char *s, size_t len)
{
	unsigned part[4];
	size_t i = 0;

	for (int k = 0; k < 4; k++) {
		size_t d = 0;
		unsigned v = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && d < 3) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			d++;
		}
		if (!d || v > 255)
			return false;
		part[k] = v;
		if (k < 3 && (i >= len || s[i++] != '.'))
			return false;
	}
	return i == len && part[0] == 127;
}

bool web_host_ok(const char *host, const char *bound)
{
	size_t len;

	if (!host || !host[0] || strlen(host) > 300)
		return false;
	if (host[0] == '[') {
		const char *end = strchr(host, ']');
		if (!end)
			return false;
		len = (size_t)(end - host) + 1;
	} else {
		len = strcspn(host, ":");
	}
	if (!port_ok(host + len))
		return false;
	if ((len == 5 && !memcmp(host, "[::1]", 5)) || loopback_quad(host, len) ||
	    (len == 9 && !strncasecmp(host, "localhost", 9)))
		return true;
	if (bound && bound[0]) {
		/* An IPv6 literal is bracketed in Host, not in --http's host. */
		bool v6 = strchr(bound, ':') != NULL;
		size_t bl = strlen(bound) + (v6 ? 2 : 0);
		if (bl == len && (v6 ? host[0] == '[' && !strncasecmp(host + 1, bound, len - 2)
				     : !strncasecmp(host, bound, len)))
			return true;
	}
	return false;
}

int web_token_new(char *hex, struct kerr *err)
{
	unsigned char b[WEB_TOKEN_BYTES];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kerr_set(err, -errno, "getrandom: %s", strerror(errno));
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
	return 0;
}

bool web_token_eq(const char *given, const char *token)
{
	size_t n = strlen(token);
	unsigned char diff = 0;

	if (!given || strlen(given) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(given[i] ^ token[i]);
	return diff == 0;
}

int web_roots_add(struct web_roots *r, const char *dir)
{
	char *real;
	struct stat st;

	if (!dir || !dir[0])
		return -ENOENT;
	real = realpath(dir, NULL);
	if (!real)
		return -errno;
	if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
		free(real);
		return -ENOTDIR;
	}
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->dirs[i], real)) {
			free(real);
			return 0;
		}
	r->dirs = xgrow(r->dirs, &r->cap, r->n + 1, sizeof(*r->dirs));
	r->dirs[r->n++] = real;
	return 0;
}

void web_roots_add_list(struct web_roots *r, const char *list)
{
	const char *p = list;

	while (p && *p) {
		size_t n = strcspn(p, ":");
		char *d = xstrndup(p, n);
		web_roots_add(r, d);
		free(d);
		p += n;
		if (*p == ':')
			p++;
	}
}

void web_roots_release(struct web_roots *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->dirs[i]);
	free(r->dirs);
	r->dirs = NULL;
	r->n = r->cap = 0;
}

static bool under(const char *real, const char *root)
{
	size_t n = strlen(root);

	if (!strcmp(root, "/"))
		return real[0] == '/';
	return !strncmp(real, root, n) && real[n] == '/';
}

int web_roots_check(const struct web_roots *r, const char *path, char **real,
		    struct kerr *err)
{
	char *rp;
	struct stat st;

	if (real)
		*real = NULL;
	rp = realpath(path, NULL);
	if (!rp) {
		int e = errno;
		return kerr_set(err, -e, "%s", strerror(e));
	}
	for (size_t i = 0; i < r->n; i++) {
		if (!under(rp, r->dirs[i]))
			continue;
		if (stat(rp, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(rp);
			return kerr_set(err, -EACCES, "not a regular file");
		}
		if (real)
			*real = rp;
		else
			free(rp);
		return 0;
	}
	free(rp);
	return kerr_set(err, -EACCES, "not under the source path (add -source_path DIR)");
}
