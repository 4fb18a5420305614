/* kiln diff: perf diff's table for pprof profiles. For every symbol
 * (sort keys dso,sym by default) its share of the baseline, and for each
 * newer profile the change: Delta (new% - old%), Delta Abs (the same,
 * ordered by size), Ratio (new period / old period) or Weighted diff
 * (new * w2 - old * w1).
 *
 * The profiles are combined the way `kiln report -diff_base` combines
 * them (the profile module's merge: the base labelled pprof::base=true and
 * negated, units unified first), so both commands agree on what matched;
 * this file only sums the merged samples per symbol and prints. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input-limits.h"
#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/hashmap.h"
#include "../base/num.h"
#include "../base/strtab.h"
#include "../base/textsafe.h"
#include "../base/vec.h"
#include "../profile/decode.h"
#include "../profile/filter.h"
#include "../profile/merge.h"
#include "cli.h"
#include "options.h"
#include "symkeys.h"

static const char diff_usage[] =
	"kiln diff [options] BASE NEW [NEW2...]\n"
	"\n"
	"Compares profiles symbol by symbol as perf diff does: Baseline is the\n"
	"symbol's share of BASE, then one column per NEW profile.\n"
	"\n"
	"Examples:\n"
	"  kiln diff old.pb.gz new.pb.gz\n"
	"      how each function's share changed\n"
	"  kiln diff -c ratio -s sym old.pb.gz new.pb.gz\n"
	"      new over old, by function name alone\n"
	"  kiln diff --percent-limit 5 old.pb.gz new.pb.gz cpu.pb.gz\n"
	"      two new profiles against one base, the larger entries only\n";

enum compute { C_DELTA, C_DELTA_ABS, C_RATIO, C_WDIFF };

struct diff_opts {
	const char *compute_spec;
	const char *sort;
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

static int parse_compute(struct diff_opts *o, struct kerr *err)
{
	const char *c = o->compute_spec;

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

static int parse_sort(struct diff_opts *o, struct kerr *err)
{
	char *copy = xstrdup(o->sort ? o->sort : "dso,sym"), *save = NULL;
	int ret = 0;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "comm"))
			o->key_comm = true;
		else if (!strcmp(t, "dso"))
			o->key_dso = true;
		else if (!strcmp(t, "sym") || !strcmp(t, "symbol"))
			o->key_sym = true;
		else {
			ret = kerr_set(err, -EINVAL, "unknown --sort key '%s' (comm, dso, sym)", t);
			break;
		}
	}
	free(copy);
	if (!ret && !o->key_comm && !o->key_dso && !o->key_sym)
		ret = kerr_set(err, -EINVAL, "--sort needs a key");
	return ret;
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
		kbuf_addstr(&sym, symkey_names(p, &p->locations[li], 0, &dso, NULL) ? "[k] " : "[.] ");
		symkey_names(p, &p->locations[li], 0, NULL, &sym);
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

static int set_limit(const struct option_def *opt, const char *arg, struct kerr *err)
{
	char *end;

	*(double *)opt->value = strtod(arg, &end);
	if (end == arg || *end)
		return kerr_set(err, -EINVAL, "--percent-limit expects a number, not '%s'", arg);
	return 0;
}

int cmd_diff(int argc, const char **argv)
{
	struct diff_opts o;
	struct option_def opts[] = {
		{ OPT_STRING, 'c', "compute", &o.compute_spec, "METHOD", "delta, delta-abs (default), ratio or wdiff:W1,W2" },
		{ OPT_STRING, 's', "sort", &o.sort, "KEYS", "keys: comm, dso, sym (default dso,sym)" },
		{ OPT_STRING, 0, "sample_index", &o.sample_index, "NAME|N", "value compared (default: the profile's default type)" },
		{ OPT_CALLBACK, 0, "percent-limit", &o.percent_limit, "PCT", "hide symbols under PCT percent in every profile", set_limit },
		CLI_MAX_MEMORY_OPTION,
		OPT_END_(),
	};
	struct kerr err = KERR_INIT;
	struct profile_decode_opts in_opts;
	struct kbuf out = KBUF_INIT;
	struct profile **ps = NULL;
	struct table t;
	char event[128] = "";
	int n, status = 1;

	memset(&o, 0, sizeof(o));
	memset(&t, 0, sizeof(t));
	strtab_init(&t.strs);
	n = options_parse(argc, argv, opts, diff_usage, 0, &err);
	if (n == OPTIONS_HELP) {
		status = 0;
		goto out;
	}
	if (n < 0 || parse_compute(&o, &err) < 0 || parse_sort(&o, &err) < 0) {
		cli_error("diff: %s", err.msg);
		goto out;
	}
	if (n < 2) {
		cli_error("diff: give a BASE profile and at least one NEW profile");
		goto out;
	}
	ps = xcalloc((size_t)n, sizeof(*ps));
	in_opts = cli_decode_opts();
	for (int i = 0; i < n; i++) {
		if (profile_read_file(argv[i], &in_opts, &ps[i], &err) < 0) {
			cli_error("diff: %s", err.msg);
			goto out;
		}
	}
	t.n_new = (size_t)n - 1;
	t.new_total = xcalloc(t.n_new, sizeof(int64_t));
	for (size_t i = 0; i < t.n_new; i++) {
		struct profile *m = NULL;
		int vi;
		if (combine(ps[0], ps[i + 1], &m, &err) < 0 || tally(&t, &o, m, i, &err) < 0) {
			cli_error("diff: %s", err.msg);
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
	print_table(&t, &o, event, argv, (size_t)n, &out);
	if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		cli_error("diff: cannot write: %s", strerror(errno));
		goto out;
	}
	status = 0;
out:
	for (int i = 0; ps && i < n; i++)
		profile_free(ps[i]);
	free(ps);
	for (size_t i = 0; i < t.rows.n; i++)
		free(t.rows.v[i].news);
	vec_free(&t.rows);
	free(t.new_total);
	u64map_release(&t.ix);
	strtab_release(&t.strs);
	kbuf_release(&out);
	return status;
}
