/* perf diff's table for pprof profiles (see perfdiff.h). The profiles are
 * combined the way `kiln report -diff_base` combines them (the profile
 * module's merge: the base labelled pprof::base=true and negated, units
 * unified first), so both commands agree on what matched; this file only
 * sums the merged samples per symbol and prints. */
#include "perfdiff.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/hashmap.h"
#include "../base/num.h"
#include "../base/strtab.h"
#include "../base/textsafe.h"
#include "../base/vec.h"
#include "../profile/filter.h"
#include "../profile/merge.h"
#include "perfkeys.h"

enum compute { C_DELTA, C_DELTA_ABS, C_RATIO, C_WDIFF };

/* The options, parsed. */
struct diff_opts {
	const char *sample_index;
	double percent_limit;
	enum compute compute;
	double w1, w2;
	bool key_comm, key_dso, key_sym;
};

/* One row: a key tuple, its baseline value and its value in each NEW. */
struct row {
	uint32_t key;      /* strtab index of "comm\tdso\tsym" */
	uint32_t comm, dso, sym;
	int64_t base;
	int64_t *news;     /* n_new values */
	double sortv;
};

struct table {
	struct strtab strs;
	struct u64map ix;  /* key → row index */
	VEC(struct row) rows;
	size_t n_new;
	int64_t base_total;
	int64_t *new_total;
};

static int parse_compute(struct diff_opts *o, const char *c, struct kerr *err)
{
	if (!c || !strcmp(c, "delta-abs"))
		o->compute = C_DELTA_ABS;
	else if (!strcmp(c, "delta"))
		o->compute = C_DELTA;
	else if (!strcmp(c, "ratio"))
		o->compute = C_RATIO;
	else if (!strncmp(c, "wdiff", 5)) {
		o->compute = C_WDIFF;
		if (c[5] != ':' || sscanf(c + 6, "%lf,%lf", &o->w1, &o->w2) != 2)
			return kerr_set(err, -EINVAL, "-c wdiff needs weights: wdiff:W1,W2");
	} else
		return kerr_set(err, -EINVAL, "unknown -c '%s' (delta, delta-abs, ratio, wdiff:W1,W2)", c);
	return 0;
}

static int parse_sort(struct diff_opts *o, const char *sort, struct kerr *err)
{
	struct perf_keys k;
	int ret = perf_keys_parse(&k, sort ? sort : "dso,sym", err);

	if (ret < 0)
		return ret;
	if (k.use[PERF_KEY_PID] || k.use[PERF_KEY_TID])
		return kerr_set(err, -EINVAL, "kiln diff sorts by comm, dso and sym only");
	o->key_comm = k.use[PERF_KEY_COMM];
	o->key_dso = k.use[PERF_KEY_DSO];
	o->key_sym = k.use[PERF_KEY_SYM];
	return 0;
}

static int parse_opts(struct diff_opts *o, const struct perf_diff_opts *po, struct kerr *err)
{
	int ret;

	memset(o, 0, sizeof(*o));
	o->sample_index = po->sample_index;
	o->percent_limit = po->percent_limit;
	if ((ret = parse_compute(o, po->compute, err)) < 0)
		return ret;
	return parse_sort(o, po->sort, err);
}

int perf_diff_check(const struct perf_diff_opts *po, struct kerr *err)
{
	struct diff_opts o;

	return parse_opts(&o, po, err);
}

/* BASE and NEW combined as `kiln report -diff_base BASE NEW` does. */
static int combine(struct profile *base, struct profile *cur, struct profile **out,
		   struct kerr *err)
{
	struct profile *b = NULL, *both[2];
	int ret;

	if ((ret = profile_merge(&base, 1, &b, err)) < 0) /* a copy to label and negate */
		return ret;
	profile_set_label(b, "pprof::base", "true");
	profile_scale(b, -1);
	both[0] = cur;
	both[1] = b;
	if ((ret = profile_unify_units(both, 2, err)) < 0 ||
	    (ret = profile_merge(both, 2, out, err)) < 0)
		kerr_prefix(err, "applying the base profile");
	profile_free(b);
	return ret;
}

static struct row *row_for(struct table *t, const struct diff_opts *o, const char *comm,
			   const char *dso, const char *sym)
{
	struct kbuf k = KBUF_INIT;
	uint32_t key;
	uint64_t *slot;
	bool added;
	struct row *r;

	kbuf_addf(&k, "%s\t%s\t%s", o->key_comm ? comm : "", o->key_dso ? dso : "",
		  o->key_sym ? sym : "");
	key = strtab_intern(&t->strs, k.buf, k.len);
	kbuf_release(&k);
	slot = u64map_slot(&t->ix, key, t->rows.n, &added);
	if (!added)
		return &t->rows.v[*slot];
	r = vec_add(&t->rows);
	r->key = key;
	r->comm = strtab_intern_cstr(&t->strs, o->key_comm ? comm : "");
	r->dso = strtab_intern_cstr(&t->strs, o->key_dso ? dso : "");
	r->sym = strtab_intern_cstr(&t->strs, o->key_sym ? sym : "");
	r->news = xcalloc(t->n_new, sizeof(int64_t));
	return r;
}

static const char *sample_comm(const struct profile *p, const struct pf_sample *s)
{
	const struct pf_label *l = pf_sample_labels(p, s);

	for (uint32_t i = 0; i < s->n_lab; i++)
		if (l[i].str && !strcmp(profile_get_str(p, l[i].key), "comm"))
			return profile_get_str(p, l[i].str);
	return "[unknown]";
}

/* Adds the merged profile's samples: base-labelled ones to the baseline
 * (once, from the first NEW), the others to column `col`. Self overhead:
 * the leaf frame's symbol, as perf diff compares. */
static int tally(struct table *t, const struct diff_opts *o, const struct profile *p, size_t col,
		 struct kerr *err)
{
	struct kbuf dso = KBUF_INIT, sym = KBUF_INIT;
	int vi = profile_sample_index(p, o->sample_index, err);

	if (vi < 0)
		return vi;
	for (size_t si = 0; si < p->n_samples; si++) {
		const struct pf_sample *s = &p->samples[si];
		bool is_base = profile_sample_has_label(p, s, "pprof::base", "true");
		int64_t v = pf_sample_values(p, s)[vi];
		size_t li;
		struct row *r;

		if (is_base && col > 0)
			continue;
		if (is_base) /* undoes the negation of the base's values */
			v = neg_sat64(v);
		if (is_base) /* untrusted values: sums wrap rather than overflow */
			t->base_total = go_add64(t->base_total, v);
		else
			t->new_total[col] = go_add64(t->new_total[col], v);
		if (!s->n_loc || (li = profile_location_index(p, pf_sample_locs(p, s)[0])) == SIZE_MAX)
			continue;
		kbuf_reset(&dso);
		kbuf_reset(&sym);
		kbuf_addstr(&sym, perf_frame_names(p, &p->locations[li], 0, &dso, NULL) ? "[k] " : "[.] ");
		perf_frame_names(p, &p->locations[li], 0, NULL, &sym);
		r = row_for(t, o, sample_comm(p, s), dso.buf, sym.buf);
		if (is_base)
			r->base = go_add64(r->base, v);
		else
			r->news[col] = go_add64(r->news[col], v);
	}
	kbuf_release(&dso);
	kbuf_release(&sym);
	return 0;
}

static double pct(int64_t v, int64_t total)
{
	return total ? 100.0 * (double)v / (double)total : 0;
}

/* The compute column's value for row r and NEW profile i; false when
 * perf leaves the cell empty. */
static bool compute(const struct table *t, const struct diff_opts *o, const struct row *r,
		    size_t i, double *out)
{
	int64_t nv = r->news[i];

	switch (o->compute) {
	case C_DELTA:
	case C_DELTA_ABS:
		*out = pct(nv, t->new_total[i]) - pct(r->base, t->base_total);
		return nv || r->base;
	case C_RATIO:
		if (!r->base || !nv)
			return false;
		*out = (double)nv / (double)r->base;
		return true;
	default:
		if (!r->base || !nv)
			return false;
		*out = (double)nv * o->w2 - (double)r->base * o->w1;
		return true;
	}
}

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->sortv != y->sortv)
		return x->sortv > y->sortv ? -1 : 1;
	if (x->base != y->base)
		return x->base > y->base ? -1 : 1;
	return (x->key > y->key) - (x->key < y->key);
}

static const char *column_name(enum compute c)
{
	switch (c) {
	case C_DELTA: return "Delta";
	case C_DELTA_ABS: return "Delta Abs";
	case C_RATIO: return "Ratio";
	default: return "Weighted diff";
	}
}

static void dots(struct kbuf *b, size_t n)
{
	while (n--)
		kbuf_addch(b, '.');
}

static void print_table(struct table *t, const struct diff_opts *o, const char *event,
			const char *const *names, size_t n_names, struct kbuf *out)
{
	const char *cname = column_name(o->compute);
	size_t cw = strlen(cname) > 9 ? strlen(cname) : 9, wcomm = 7, wdso = 13;

	for (size_t i = 0; i < t->rows.n; i++) {
		struct row *r = &t->rows.v[i];
		double v = 0;
		bool has = compute(t, o, r, 0, &v);
		if (o->compute == C_DELTA_ABS)
			v = fabs(v);
		r->sortv = has ? v : -INFINITY;
		if (strlen(strtab_get(&t->strs, r->comm)) > wcomm)
			wcomm = strlen(strtab_get(&t->strs, r->comm));
		if (strlen(strtab_get(&t->strs, r->dso)) > wdso)
			wdso = strlen(strtab_get(&t->strs, r->dso));
	}
	if (t->rows.n > 1) /* rows.v is NULL when neither profile has samples */
		qsort(t->rows.v, t->rows.n, sizeof(*t->rows.v), row_cmp);

	kbuf_addf(out, "# Event '%s'\n#\n", event);
	if (n_names > 2) {
		kbuf_addstr(out, "# Data files:\n");
		for (size_t i = 0; i < n_names; i++)
			kbuf_addf(out, "#  [%zu] %s%s\n", i, names[i], i ? "" : " (Baseline)");
		kbuf_addstr(out, "#\n");
	}
	kbuf_addstr(out, "# Baseline");
	for (size_t i = 0; i < t->n_new; i++)
		kbuf_addf(out, "  %*s", (int)cw, cname);
	if (o->key_comm)
		kbuf_addf(out, "  %-*s", (int)wcomm, "Command");
	if (o->key_dso)
		kbuf_addf(out, "  %-*s", (int)wdso, "Shared Object");
	if (o->key_sym)
		kbuf_addstr(out, "  Symbol");
	kbuf_addstr(out, "\n# ........");
	for (size_t i = 0; i < t->n_new; i++) {
		kbuf_addstr(out, "  ");
		dots(out, cw);
	}
	if (o->key_comm) {
		kbuf_addstr(out, "  ");
		dots(out, wcomm);
	}
	if (o->key_dso) {
		kbuf_addstr(out, "  ");
		dots(out, wdso);
	}
	if (o->key_sym)
		kbuf_addstr(out, "  ......................");
	kbuf_addstr(out, "\n#\n");

	for (size_t i = 0; i < t->rows.n; i++) {
		const struct row *r = &t->rows.v[i];
		double bp = pct(r->base, t->base_total), maxp = bp;

		for (size_t k = 0; k < t->n_new; k++)
			maxp = fmax(maxp, pct(r->news[k], t->new_total[k]));
		if (maxp < o->percent_limit)
			continue;
		if (r->base)
			kbuf_addf(out, "  %7.2f%%", bp);
		else
			kbuf_addf(out, "  %8s", "");
		for (size_t k = 0; k < t->n_new; k++) {
			double v;
			char cell[64] = "";
			if (compute(t, o, r, k, &v)) {
				if (o->compute == C_RATIO)
					snprintf(cell, sizeof(cell), "%.6f", v);
				else if (o->compute == C_WDIFF)
					snprintf(cell, sizeof(cell), "%.0f", v);
				else if (fabs(v) >= 0.005)
					snprintf(cell, sizeof(cell), "%+.2f%%", v);
			}
			kbuf_addf(out, "  %*s", (int)cw, cell);
		}
		if (o->key_comm)
			kbuf_addf(out, "  %-*s", (int)wcomm, strtab_get(&t->strs, r->comm));
		if (o->key_dso)
			kbuf_addf(out, "  %-*s", (int)wdso, strtab_get(&t->strs, r->dso));
		if (o->key_sym)
			kbuf_addf(out, "  %s", strtab_get(&t->strs, r->sym));
		while (out->len && out->buf[out->len - 1] == ' ')
			out->buf[--out->len] = '\0';
		kbuf_addch(out, '\n');
	}
}


static void table_release(struct table *t)
{
	for (size_t i = 0; i < t->rows.n; i++)
		free(t->rows.v[i].news);
	vec_free(&t->rows);
	free(t->new_total);
	u64map_release(&t->ix);
	strtab_release(&t->strs);
}

int perf_diff(struct profile *const *ps, size_t n, const char *const *names,
	      const struct perf_diff_opts *po, struct kbuf *out, struct kerr *err)
{
	struct diff_opts o;
	struct table t;
	char event[128] = "";
	int ret;

	if ((ret = parse_opts(&o, po, err)) < 0)
		return ret;
	if (n < 2)
		return kerr_set(err, -EINVAL, "give a BASE profile and at least one NEW profile");
	memset(&t, 0, sizeof(t));
	strtab_init(&t.strs);
	t.n_new = n - 1;
	t.new_total = xcalloc(t.n_new, sizeof(int64_t));
	for (size_t i = 0; i < t.n_new; i++) {
		struct profile *m = NULL;
		int vi;
		if ((ret = combine(ps[0], ps[i + 1], &m, err)) < 0 ||
		    (ret = tally(&t, &o, m, i, err)) < 0) {
			profile_free(m);
			goto out;
		}
		if (i == 0 && (vi = profile_sample_index(m, o.sample_index, NULL)) >= 0) {
			const char *ty = profile_get_str(m, m->sample_type[vi].type);
			const char *un = profile_get_str(m, m->sample_type[vi].unit);
			snprintf(event, sizeof(event), "%s",
				 !strcmp(ty, "cpu") && !strcmp(un, "nanoseconds") ? "cpu-clock" : ty);
		}
		profile_free(m);
	}
	/* Names reach a terminal: escape control bytes (textsafe.h). */
	strtab_escape_text(&t.strs);
	{
		struct kbuf ev = KBUF_INIT;
		const char *safe = text_safe_str(event, 0, &ev);
		if (safe != event)
			snprintf(event, sizeof(event), "%s", safe);
		kbuf_release(&ev);
	}
	print_table(&t, &o, event, names, n, out);
	ret = 0;
out:
	table_release(&t);
	return ret;
}
