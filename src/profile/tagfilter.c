/* Label-based filters (see filter.h): numeric label units, -tagfocus and
 * -tagignore with pprof's grammar (driver_focus.go: optional "key=", then
 * either a numeric range "32kb", ":64kb", "4mb:", "12kb:64mb" or a comma
 * separated regex list), and -tagshow/-taghide. One pass over the samples;
 * labels per sample are few. */
#include "filter.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/units.h"

/* ---- numeric label units ---- */

static ssize_t find_key(char **keys, size_t n, const char *k)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], k) == 0)
			return (ssize_t)i;
	return -1;
}

void profile_label_units(const struct profile *p, struct pf_label_units *u)
{
	/* Conflicting units per key, gathered as "k\0unit" strings. */
	char **ck = NULL, **cu = NULL;
	size_t nc = 0, capk = 0, capu = 0, cap = 0;

	memset(u, 0, sizeof(*u));
	for (size_t i = 0; i < p->n_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		const struct pf_label *l = pf_sample_labels(p, s);

		for (uint32_t j = 0; j < s->n_lab; j++) {
			const char *key, *unit;
			ssize_t at;

			if (l[j].str)
				continue;
			key = profile_get_str(p, l[j].key);
			unit = profile_get_str(p, l[j].num_unit);
			at = find_key(u->keys, u->n, key);
			if (at < 0) {
				u->keys = xgrow(u->keys, &cap, u->n + 1, sizeof(*u->keys));
				u->units = xrealloc(u->units, cap * sizeof(*u->units));
				u->keys[u->n] = xstrdup(key);
				u->units[u->n] = xstrdup(unit);
				u->n++;
				continue;
			}
			if (!unit[0])
				continue;
			if (!u->units[at][0]) {
				free(u->units[at]);
				u->units[at] = xstrdup(unit);
			} else if (strcmp(u->units[at], unit) != 0) {
				bool dup = false;
				for (size_t c = 0; c < nc && !dup; c++)
					dup = !strcmp(ck[c], key) && !strcmp(cu[c], unit);
				if (!dup) {
					ck = xgrow(ck, &capk, nc + 1, sizeof(*ck));
					cu = xgrow(cu, &capu, nc + 1, sizeof(*cu));
					ck[nc] = xstrdup(key);
					cu[nc] = xstrdup(unit);
					nc++;
				}
			}
		}
	}
	for (size_t i = 0; i < u->n; i++) {
		if (u->units[i][0])
			continue;
		free(u->units[i]);
		if (!strcmp(u->keys[i], "alignment") || !strcmp(u->keys[i], "request"))
			u->units[i] = xstrdup("bytes");
		else
			u->units[i] = xstrdup(u->keys[i]);
	}
	/* One message per key, other units sorted, as pprof prints them. */
	for (size_t i = 0; i < nc; i++) {
		struct kbuf msg = KBUF_INIT;
		size_t cnt = 0;
		char **list;
		bool first_of_key = true;

		for (size_t j = 0; j < i; j++)
			if (!strcmp(ck[j], ck[i]))
				first_of_key = false;
		if (!first_of_key)
			continue;
		list = xcalloc(nc, sizeof(*list));
		for (size_t j = i; j < nc; j++)
			if (!strcmp(ck[j], ck[i]))
				list[cnt++] = cu[j];
		for (size_t a = 1; a < cnt; a++)
			for (size_t b = a; b > 0 && strcmp(list[b - 1], list[b]) > 0; b--) {
				char *t = list[b];
				list[b] = list[b - 1];
				list[b - 1] = t;
			}
		kbuf_addf(&msg, "For tag %s used unit %s, also encountered unit(s) ", ck[i],
			  pf_label_unit(u, ck[i]));
		for (size_t a = 0; a < cnt; a++)
			kbuf_addf(&msg, "%s%s", a ? ", " : "", list[a]);
		u->conflicts = xrealloc(u->conflicts, (u->n_conflicts + 1) * sizeof(*u->conflicts));
		u->conflicts[u->n_conflicts++] = kbuf_detach(&msg, NULL);
		free(list);
	}
	for (size_t i = 0; i < nc; i++) {
		free(ck[i]);
		free(cu[i]);
	}
	free(ck);
	free(cu);
}

void pf_label_units_release(struct pf_label_units *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->keys[i]);
		free(u->units[i]);
	}
	for (size_t i = 0; i < u->n_conflicts; i++)
		free(u->conflicts[i]);
	free(u->keys);
	free(u->units);
	free(u->conflicts);
	memset(u, 0, sizeof(*u));
}

const char *pf_label_unit(const struct pf_label_units *u, const char *key)
{
	ssize_t at = find_key(u->keys, u->n, key);

	return at < 0 ? "" : u->units[at];
}

/* ---- tag filters ---- */

enum range_kind { R_EQ, R_GE, R_LE, R_BETWEEN };

struct pf_tag_filter {
	char *key;                      /* "" = any key */
	bool is_range;
	/* numeric range */
	enum range_kind kind;
	double lo, hi;
	char *unit;                     /* the filter's unit (scaled) */
	const struct pf_label_units *units;
	/* regex list */
	struct krx *rx;
	size_t n_rx;
};

/* One leftmost match of ([+-]?[0-9]+)([A-Za-z]+)? at or after *pos. */
static bool next_number(const char *s, size_t *pos, size_t *start, size_t *end,
			size_t *num_end)
{
	for (size_t i = *pos; s[i]; i++) {
		size_t j = i;
		if ((s[j] == '+' || s[j] == '-') && isdigit((unsigned char)s[j + 1]))
			j++;
		if (!isdigit((unsigned char)s[j]))
			continue;
		while (isdigit((unsigned char)s[j]))
			j++;
		*num_end = j;
		while (isalpha((unsigned char)s[j]))
			j++;
		*start = i;
		*end = j;
		*pos = j;
		return true;
	}
	return false;
}

/* pprof's parseTagFilterRange; false when `v` is not a range. */
static bool parse_range(struct pf_tag_filter *f, const char *v)
{
	size_t pos = 0, s1, e1, n1, s2, e2, n2;
	char unit1[64], unit2[64], num[32];
	const char *u;
	size_t len = strlen(v);
	bool two;

	if (!next_number(v, &pos, &s1, &e1, &n1))
		return false;
	two = next_number(v, &pos, &s2, &e2, &n2);
	if (n1 - s1 >= sizeof(num) || e1 - n1 >= sizeof(unit1))
		return false;
	memcpy(num, v + s1, n1 - s1);
	num[n1 - s1] = '\0';
	memcpy(unit1, v + n1, e1 - n1);
	unit1[e1 - n1] = '\0';
	f->lo = units_scale(strtoll(num, NULL, 10), unit1, unit1, &u);
	f->unit = xstrdup(u);
	if (!two) {
		size_t mlen = e1 - s1;
		if (s1 == 0 && mlen == len)
			f->kind = R_EQ;
		else if (s1 == 0 && mlen + 1 == len && v[len - 1] == ':')
			f->kind = R_GE;
		else if (s1 == 1 && v[0] == ':' && mlen + 1 == len)
			f->kind = R_LE;
		else
			goto not_range;
		return true;
	}
	/* Two numbers: the whole string must be "<a>:<b>". */
	if (s1 != 0 || s2 != e1 + 1 || v[e1] != ':' || e2 != len)
		goto not_range;
	if (n2 - s2 >= sizeof(num) || e2 - n2 >= sizeof(unit2))
		goto not_range;
	memcpy(num, v + s2, n2 - s2);
	num[n2 - s2] = '\0';
	memcpy(unit2, v + n2, e2 - n2);
	unit2[e2 - n2] = '\0';
	f->hi = units_scale(strtoll(num, NULL, 10), unit2, f->unit, &u);
	if (strcmp(u, f->unit) != 0)
		goto not_range;
	f->kind = R_BETWEEN;
	return true;
not_range:
	free(f->unit);
	f->unit = NULL;
	return false;
}

static bool range_match(const struct pf_tag_filter *f, int64_t v, const char *label_unit)
{
	const char *u;
	double sv = units_scale(v, label_unit, f->unit, &u);

	if (strcmp(u, f->unit) != 0)
		return false;
	switch (f->kind) {
	case R_EQ: return sv == f->lo;
	case R_GE: return sv >= f->lo;
	case R_LE: return sv <= f->lo;
	default: return sv >= f->lo && sv <= f->hi;
	}
}

void pf_tag_filter_free(struct pf_tag_filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_rx; i++)
		krx_free(&f->rx[i]);
	free(f->rx);
	free(f->unit);
	free(f->key);
	free(f);
}

int pf_tag_filter_compile(const char *spec, const struct pf_label_units *units,
			  struct pf_tag_filter **out, bool *is_range, struct kerr *err)
{
	struct pf_tag_filter *f = xcalloc(1, sizeof(*f));
	const char *eq = strchr(spec, '='), *value = spec;
	char *list, *save = NULL, *tok;
	int ret = 0;

	*out = NULL;
	*is_range = false;
	f->units = units;
	if (eq) {
		f->key = xstrndup(spec, (size_t)(eq - spec));
		value = eq + 1;
	} else {
		f->key = xstrdup("");
	}
	if (parse_range(f, value)) {
		f->is_range = *is_range = true;
		*out = f;
		return 0;
	}
	list = xstrdup(value);
	/* strtok_r would skip empty items; Go's Split keeps them (an empty
	 * regex matches everything), so split by hand. */
	for (tok = list;; tok = save + 1) {
		save = strchr(tok, ',');
		if (save)
			*save = '\0';
		f->rx = xrealloc(f->rx, (f->n_rx + 1) * sizeof(*f->rx));
		f->rx[f->n_rx].set = false;
		if ((ret = krx_compile(&f->rx[f->n_rx], tok, false, err)) < 0) {
			kerr_prefix(err, "parsing tag filter");
			break;
		}
		f->n_rx++;
		if (!save)
			break;
	}
	free(list);
	if (ret < 0) {
		pf_tag_filter_free(f);
		return ret;
	}
	*out = f;
	return 0;
}

bool pf_tag_filter_match(const struct pf_tag_filter *f, const struct profile *p,
			 const struct pf_sample *s)
{
	const struct pf_label *l = pf_sample_labels(p, s);

	if (f->is_range) {
		for (uint32_t j = 0; j < s->n_lab; j++) {
			const char *key;
			if (l[j].str)
				continue;
			key = profile_get_str(p, l[j].key);
			if (f->key[0] && strcmp(key, f->key) != 0)
				continue;
			if (range_match(f, l[j].num, pf_label_unit(f->units, key)))
				return true;
		}
		return false;
	}
	if (f->key[0]) {
		/* Any regex matching any value of that key. */
		for (size_t r = 0; r < f->n_rx; r++)
			for (uint32_t j = 0; j < s->n_lab; j++)
				if (l[j].str && !strcmp(profile_get_str(p, l[j].key), f->key) &&
				    krx_match(&f->rx[r], profile_get_str(p, l[j].str)))
					return true;
		return false;
	}
	/* Every regex must match some "key:value". */
	for (size_t r = 0; r < f->n_rx; r++) {
		bool hit = false;
		for (uint32_t j = 0; j < s->n_lab && !hit; j++) {
			struct kbuf kv = KBUF_INIT;
			if (!l[j].str)
				continue;
			kbuf_addf(&kv, "%s:%s", profile_get_str(p, l[j].key), profile_get_str(p, l[j].str));
			hit = krx_match(&f->rx[r], kv.buf);
			kbuf_release(&kv);
		}
		if (!hit)
			return false;
	}
	return true;
}

void profile_filter_by_tag(struct profile *p, const struct pf_tag_filter *focus,
			   const struct pf_tag_filter *ignore, bool *fm, bool *im)
{
	size_t fill = 0;

	*fm = *im = false;
	for (size_t i = 0; i < p->n_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		bool focused = !focus || pf_tag_filter_match(focus, p, s);
		bool ignored = ignore && pf_tag_filter_match(ignore, p, s);

		*fm = *fm || focused;
		*im = *im || ignored;
		if (focused && !ignored)
			p->samples[fill++] = *s;
	}
	p->n_samples = fill;
}

void profile_filter_tags_by_name(struct profile *p, const struct krx *show,
				 const struct krx *hide, bool *sm, bool *hm)
{
	*sm = *hm = false;
	for (size_t i = 0; i < p->n_samples; i++) {
		struct pf_sample *s = &p->samples[i];
		struct pf_label *l = (struct pf_label *)pf_sample_labels(p, s);
		uint32_t k = 0;

		for (uint32_t j = 0; j < s->n_lab; j++) {
			const char *key = profile_get_str(p, l[j].key);
			bool ms = !show || krx_match(show, key);
			bool mh = hide && krx_match(hide, key);
			*sm = *sm || ms;
			*hm = *hm || mh;
			if (ms && !mh)
				l[k++] = l[j];
		}
		s->n_lab = k;
	}
}
