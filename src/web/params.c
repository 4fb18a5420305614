/* Parsing and checking the web UI's URL parameters (see params.h). Every
 * byte here comes from the network; values are bounded and validated
 * before anything else sees them. */
#include "params.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"

static const char *const names[WP_COUNT] = {
	[WP_SI] = "si", [WP_FOCUS] = "f", [WP_IGNORE] = "i", [WP_HIDE] = "h", [WP_SHOW] = "s",
	[WP_SHOW_FROM] = "sf", [WP_PRUNE_FROM] = "prunefrom", [WP_TAGFOCUS] = "tf",
	[WP_TAGIGNORE] = "ti", [WP_G] = "g", [WP_N] = "n", [WP_NF] = "nf", [WP_EF] = "ef",
	[WP_TRIM] = "trim", [WP_NOINLINES] = "noinlines", [WP_MEAN] = "mean", [WP_REL] = "rel",
	[WP_UNIT] = "unit", [WP_NODE] = "node", [WP_RE] = "re", [WP_FILE] = "file",
};

static const char *const granularities[] = { "functions", "filefunctions", "files", "lines",
					     "addresses" };

static bool is_bool(const char *v)
{
	return !strcmp(v, "t") || !strcmp(v, "f") || !strcmp(v, "true") || !strcmp(v, "false");
}

static bool bool_val(const char *v)
{
	return v && (!strcmp(v, "t") || !strcmp(v, "true"));
}

static bool is_uint(const char *v, unsigned long long max)
{
	char *end;
	unsigned long long x;

	if (!v[0] || v[0] == '-' || v[0] == '+')
		return false;
	errno = 0;
	x = strtoull(v, &end, 10);
	return !*end && !errno && x <= max;
}

static bool is_fraction(const char *v)
{
	char *end;
	double x;

	if (!v[0])
		return false;
	x = strtod(v, &end);
	return !*end && isfinite(x) && x >= 0 && x <= 1;
}

static bool is_unit(const char *v)
{
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return false;
	return v[0] && strlen(v) < 16;
}

int web_params_set(struct web_params *wp, const char *key, const char *value, struct kerr *err)
{
	size_t k;
	bool ok = true;

	for (k = 0; k < WP_COUNT; k++)
		if (!strcmp(key, names[k]))
			break;
	if (k == WP_COUNT)
		return 0;
	if (!value)
		value = "";
	if (strlen(value) > WEB_PARAM_MAX)
		return kerr_set(err, -EINVAL, "parameter '%s' is longer than %d bytes", key,
				WEB_PARAM_MAX);
	switch (k) {
	case WP_G:
		ok = false;
		for (size_t i = 0; i < sizeof(granularities) / sizeof(granularities[0]); i++)
			ok |= !strcmp(value, granularities[i]);
		break;
	case WP_N:
		ok = is_uint(value, 1000000);
		break;
	case WP_NODE:
		ok = is_uint(value, UINT32_MAX - 1);
		break;
	case WP_NF:
	case WP_EF:
		ok = is_fraction(value);
		break;
	case WP_TRIM:
	case WP_NOINLINES:
	case WP_MEAN:
	case WP_REL:
		ok = is_bool(value);
		break;
	case WP_UNIT:
		ok = is_unit(value);
		break;
	default:
		break;
	}
	if (!ok)
		return kerr_set(err, -EINVAL, "bad value for parameter '%s'", key);
	free(wp->v[k]);
	wp->v[k] = xstrdup(value);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int web_url_decode(const char *s, size_t n, struct kbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int hi, lo;
			if (i + 2 >= n)
				return -EINVAL;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (c == 0)
			return -EINVAL;
		kbuf_addch(out, c);
	}
	return 0;
}

int web_params_parse_query(struct web_params *wp, const char *query, struct kerr *err)
{
	struct kbuf key = KBUF_INIT, val = KBUF_INIT;
	const char *p = query;
	int ret = 0;

	while (p && *p) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));

		kbuf_reset(&key);
		kbuf_reset(&val);
		if ((size_t)(end - p) > 4 * WEB_PARAM_MAX) {
			ret = kerr_set(err, -EINVAL, "query parameter too long");
			goto out;
		}
		if (web_url_decode(p, (size_t)((eq ? eq : end) - p), &key) < 0 ||
		    (eq && web_url_decode(eq + 1, (size_t)(end - eq - 1), &val) < 0)) {
			ret = kerr_set(err, -EINVAL, "malformed query string");
			goto out;
		}
		if (key.len && (ret = web_params_set(wp, key.buf, val.buf, err)) < 0)
			goto out;
		p = amp ? amp + 1 : NULL;
	}
out:
	kbuf_release(&key);
	kbuf_release(&val);
	return ret;
}

void web_params_release(struct web_params *wp)
{
	for (size_t k = 0; k < WP_COUNT; k++) {
		free(wp->v[k]);
		wp->v[k] = NULL;
	}
}

static const char *pick(const char *given, const char *dflt)
{
	return given ? given : dflt;
}

void web_params_view_opts(const struct web_params *wp, const struct report_opts *dflt,
			  struct report_opts *o)
{
	*o = *dflt;
	o->sample_index = pick(wp->v[WP_SI], dflt->sample_index);
	if (o->sample_index && !o->sample_index[0])
		o->sample_index = NULL;
	o->focus = pick(wp->v[WP_FOCUS], dflt->focus);
	o->ignore = pick(wp->v[WP_IGNORE], dflt->ignore);
	o->hide = pick(wp->v[WP_HIDE], dflt->hide);
	o->show = pick(wp->v[WP_SHOW], dflt->show);
	o->show_from = pick(wp->v[WP_SHOW_FROM], dflt->show_from);
	o->prune_from = pick(wp->v[WP_PRUNE_FROM], dflt->prune_from);
	o->tagfocus = pick(wp->v[WP_TAGFOCUS], dflt->tagfocus);
	o->tagignore = pick(wp->v[WP_TAGIGNORE], dflt->tagignore);
	if (wp->v[WP_G])
		for (size_t i = 0; i < sizeof(granularities) / sizeof(granularities[0]); i++)
			if (!strcmp(wp->v[WP_G], granularities[i]))
				o->granularity = (enum report_granularity)(REPORT_G_FUNCTIONS + i);
	if (wp->v[WP_N])
		o->nodecount = (int)strtol(wp->v[WP_N], NULL, 10);
	if (wp->v[WP_NF])
		o->nodefraction = strtod(wp->v[WP_NF], NULL);
	if (wp->v[WP_EF])
		o->edgefraction = strtod(wp->v[WP_EF], NULL);
	if (wp->v[WP_TRIM])
		o->trim = bool_val(wp->v[WP_TRIM]);
	if (wp->v[WP_NOINLINES])
		o->noinlines = bool_val(wp->v[WP_NOINLINES]);
	if (wp->v[WP_MEAN])
		o->mean = bool_val(wp->v[WP_MEAN]);
	if (wp->v[WP_REL])
		o->relative_percentages = bool_val(wp->v[WP_REL]);
	if (wp->v[WP_UNIT])
		o->unit = wp->v[WP_UNIT];
}

void web_params_key(const struct web_params *wp, struct kbuf *out)
{
	/* Lengths make the key unambiguous whatever the values contain. */
	for (size_t k = 0; k < WP_COUNT; k++) {
		if (k == WP_NODE || k == WP_RE || k == WP_FILE || !wp->v[k])
			continue;
		kbuf_addf(out, "%zu:%zu:", k, strlen(wp->v[k]));
		kbuf_addstr(out, wp->v[k]);
	}
}

int web_source_path_ok(const char *path, const char *const *allowed, size_t n_allowed,
		       struct kerr *err)
{
	const char *p = path;

	if (!path[0])
		return kerr_set(err, -EACCES, "no file named");
	/* Any ".." component is refused outright, even if a profile names
	 * such a path: it could climb out of the tree the profile describes. */
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return kerr_set(err, -EACCES, "'..' is not allowed in source paths");
		p += n;
		while (*p == '/')
			p++;
	}
	for (size_t i = 0; i < n_allowed; i++)
		if (!strcmp(path, allowed[i]))
			return 0;
	return kerr_set(err, -EACCES, "not a source file of this profile");
}
