/* PMUs as the kernel describes them in sysfs:
 * <root>/bus/event_source/devices/<pmu>/{type, format/<field>, events/<alias>}.
 * A format file says where a term's bits go ("config:0-7,32-35"); an alias
 * file holds terms ("event=0x3c,umask=0x00") plus optional .scale/.unit
 * siblings. A machine has a handful of PMUs with at most a few hundred
 * aliases, read once per parse. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/vec.h"
#include "internal.h"

#define SMALL_FILE_MAX 4096

static void devices_dir(const char *root, struct kbuf *b)
{
	kbuf_addf(b, "%s/bus/event_source/devices", root ? root : EVENTS_SYSFS_DEFAULT);
}

/* Reads a small sysfs file, trailing whitespace stripped. */
static int read_small(const char *path, struct kbuf *out)
{
	int ret = kbuf_read_file(out, path, SMALL_FILE_MAX);

	if (ret < 0)
		return ret;
	while (out->len && isspace((unsigned char)out->buf[out->len - 1]))
		out->buf[--out->len] = '\0';
	return 0;
}

int pmu_parse_format(const char *text, struct pmu_format *f)
{
	static const char *const words[] = { "config", "config1", "config2", "config3" };
	const char *colon = strchr(text, ':');
	const char *p;
	int bit_count = 0;

	if (!colon)
		return -EINVAL;
	f->word = -1;
	for (int i = 0; i < 4; i++)
		if ((size_t)(colon - text) == strlen(words[i]) &&
		    strncmp(text, words[i], colon - text) == 0)
			f->word = i;
	if (f->word < 0)
		return -EINVAL;
	f->mask = 0;
	p = colon + 1;
	for (;;) {
		char *end;
		long lo = strtol(p, &end, 10), hi;

		if (end == p || lo < 0 || lo > 63)
			return -EINVAL;
		hi = lo;
		p = end;
		if (*p == '-') {
			hi = strtol(p + 1, &end, 10);
			if (end == p + 1 || hi < lo || hi > 63)
				return -EINVAL;
			p = end;
		}
		for (long b = lo; b <= hi; b++)
			f->mask |= 1ull << b;
		bit_count += (int)(hi - lo + 1);
		if (*p == ',') {
			p++;
			continue;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (*p)
			return -EINVAL;
		break;
	}
	return bit_count ? 0 : -EINVAL;
}

int pmu_format_bits(const struct pmu_format *f)
{
	return __builtin_popcountll(f->mask);
}

int pmu_format_apply(const struct pmu_format *f, uint64_t v, struct perf_event_attr *attr)
{
	uint64_t *word;
	uint64_t out = 0, rest = v;

	switch (f->word) {
	case 0: word = (uint64_t *)&attr->config; break;
	case 1: word = (uint64_t *)&attr->config1; break;
	case 2: word = (uint64_t *)&attr->config2; break;
#ifdef PERF_ATTR_SIZE_VER8
	case 3: word = (uint64_t *)&attr->config3; break;
#endif
	default: return -EINVAL;
	}
	/* Value bits go, lowest first, into the field's bits in ascending order. */
	for (int b = 0; b < 64; b++) {
		if (!(f->mask & (1ull << b)))
			continue;
		if (rest & 1)
			out |= 1ull << b;
		rest >>= 1;
	}
	if (rest)
		return -ERANGE;
	*word = (*word & ~f->mask) | out;
	return 0;
}

static int cmp_format(const void *a, const void *b)
{
	return strcmp(((const struct pmu_format *)a)->name, ((const struct pmu_format *)b)->name);
}

static int cmp_alias(const void *a, const void *b)
{
	return strcmp(((const struct pmu_alias *)a)->name, ((const struct pmu_alias *)b)->name);
}

static int load_formats(const char *dir, struct pmu *p, struct kerr *err)
{
	struct kbuf path = KBUF_INIT, text = KBUF_INIT;
	VEC(struct pmu_format) v = VEC_INIT;
	struct dirent *d;
	DIR *dp = opendir(dir);
	int ret = 0;

	if (!dp)
		return errno == ENOENT ? 0 : -errno; /* a PMU without format fields */
	while ((d = readdir(dp)) != NULL) {
		struct pmu_format f;

		if (d->d_name[0] == '.')
			continue;
		kbuf_reset(&path);
		kbuf_addf(&path, "%s/%s", dir, d->d_name);
		kbuf_reset(&text);
		if (read_small(path.buf, &text) < 0)
			continue;
		if (pmu_parse_format(text.buf, &f) < 0) {
			ret = kerr_set(err, -EINVAL, "cannot understand format '%s' in %s",
				       text.buf, path.buf);
			goto out_free;
		}
		f.name = xstrdup(d->d_name);
		vec_push(&v, f);
	}
	if (v.n)
		qsort(v.v, v.n, sizeof(*v.v), cmp_format);
	p->formats = v.v;
	p->nformats = v.n;
	v.v = NULL;
	v.n = 0;
out_free:
	for (size_t i = 0; i < v.n; i++)
		free(v.v[i].name);
	vec_free(&v);
	closedir(dp);
	kbuf_release(&text);
	kbuf_release(&path);
	return ret;
}

static int load_aliases(const char *dir, struct pmu *p)
{
	struct kbuf path = KBUF_INIT, text = KBUF_INIT;
	VEC(struct pmu_alias) v = VEC_INIT;
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dp)) != NULL) {
		struct pmu_alias a = { NULL, NULL, NULL, 1.0 };

		/* Skip hidden files and the .scale/.unit/.per-pkg/.snapshot siblings. */
		if (d->d_name[0] == '.' || strchr(d->d_name, '.'))
			continue;
		kbuf_reset(&path);
		kbuf_addf(&path, "%s/%s", dir, d->d_name);
		kbuf_reset(&text);
		if (read_small(path.buf, &text) < 0)
			continue;
		a.name = xstrdup(d->d_name);
		a.terms = xstrdup(text.buf);
		kbuf_reset(&path);
		kbuf_addf(&path, "%s/%s.unit", dir, d->d_name);
		kbuf_reset(&text);
		if (read_small(path.buf, &text) == 0 && text.len)
			a.unit = xstrdup(text.buf);
		kbuf_reset(&path);
		kbuf_addf(&path, "%s/%s.scale", dir, d->d_name);
		kbuf_reset(&text);
		if (read_small(path.buf, &text) == 0 && text.len) {
			char *end;
			double s = strtod(text.buf, &end);
			if (end != text.buf && s != 0)
				a.scale = s;
		}
		vec_push(&v, a);
	}
	closedir(dp);
	if (v.n)
		qsort(v.v, v.n, sizeof(*v.v), cmp_alias);
	p->aliases = v.v;
	p->naliases = v.n;
	kbuf_release(&text);
	kbuf_release(&path);
	return 0;
}

static bool valid_pmu_name(const char *name, size_t len)
{
	if (!len || (len == 1 && name[0] == '.') || (len == 2 && !strncmp(name, "..", 2)))
		return false;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\0')
			return false;
	return true;
}

int pmu_load(const char *sysfs_root, const char *name, size_t len, struct pmu *out,
	     struct kerr *err)
{
	struct kbuf dir = KBUF_INIT, path = KBUF_INIT, text = KBUF_INIT;
	char *end;
	unsigned long type;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!valid_pmu_name(name, len))
		return -ENOENT;
	devices_dir(sysfs_root, &dir);
	kbuf_addf(&dir, "/%.*s", (int)len, name);
	kbuf_addf(&path, "%s/type", dir.buf);
	ret = read_small(path.buf, &text);
	if (ret < 0) {
		if (ret != -ENOENT)
			kerr_set(err, ret, "cannot read %s: %s", path.buf, strerror(-ret));
		goto out_bufs;
	}
	type = strtoul(text.buf, &end, 10);
	if (end == text.buf || *end || type > UINT32_MAX) {
		ret = kerr_set(err, -EINVAL, "%s holds '%s', not a PMU type number", path.buf,
			       text.buf);
		goto out_bufs;
	}
	out->name = xstrndup(name, len);
	out->type = (uint32_t)type;
	kbuf_reset(&path);
	kbuf_addf(&path, "%s/format", dir.buf);
	ret = load_formats(path.buf, out, err);
	if (ret < 0)
		goto out_pmu;
	kbuf_reset(&path);
	kbuf_addf(&path, "%s/events", dir.buf);
	ret = load_aliases(path.buf, out);
	if (ret < 0) {
		kerr_set(err, ret, "cannot read %s: %s", path.buf, strerror(-ret));
		goto out_pmu;
	}
	goto out_bufs;

out_pmu:
	pmu_release(out);
out_bufs:
	kbuf_release(&text);
	kbuf_release(&path);
	kbuf_release(&dir);
	return ret;
}

void pmu_release(struct pmu *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nformats; i++)
		free(p->formats[i].name);
	for (size_t i = 0; i < p->naliases; i++) {
		free(p->aliases[i].name);
		free(p->aliases[i].terms);
		free(p->aliases[i].unit);
	}
	free(p->formats);
	free(p->aliases);
	free(p->name);
	memset(p, 0, sizeof(*p));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pmu_names(const char *sysfs_root, char ***names, size_t *n, struct kerr *err)
{
	struct kbuf dir = KBUF_INIT;
	VEC(char *) v = VEC_INIT;
	struct dirent *d;
	DIR *dp;

	devices_dir(sysfs_root, &dir);
	dp = opendir(dir.buf);
	if (!dp) {
		int e = errno;
		kerr_set(err, -e, "cannot list PMUs in %s: %s", dir.buf, strerror(e));
		kbuf_release(&dir);
		return -e;
	}
	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.')
			vec_push(&v, xstrdup(d->d_name));
	closedir(dp);
	kbuf_release(&dir);
	if (v.n)
		qsort(v.v, v.n, sizeof(*v.v), cmp_str);
	*names = v.v;
	*n = v.n;
	return 0;
}

void pmu_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

const struct pmu_format *pmu_find_format(const struct pmu *p, const char *name, size_t len)
{
	for (size_t i = 0; i < p->nformats; i++)
		if (strlen(p->formats[i].name) == len && !strncmp(p->formats[i].name, name, len))
			return &p->formats[i];
	return NULL;
}

const struct pmu_alias *pmu_find_alias(const struct pmu *p, const char *name, size_t len)
{
	/* sysfs alias names are lower case; perf matches them case-insensitively. */
	for (size_t i = 0; i < p->naliases; i++)
		if (strlen(p->aliases[i].name) == len &&
		    !strncasecmp(p->aliases[i].name, name, len))
			return &p->aliases[i];
	return NULL;
}
