/* Scaling sample values the way pprof does (see merge.h): by ratios per
 * sample type (Profile.ScaleN), to another profile's totals (Normalize),
 * and to the finest unit common to several profiles before they merge
 * (measurement.ScaleProfiles). Samples whose values all scale to zero go. */
#include "merge.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/num.h"
#include "../base/units.h"

int profile_scale_n(struct profile *p, const double *ratios, size_t n, struct kerr *err)
{
	bool all_ones = true;
	size_t fill = 0;

	if (n != p->n_sample_type)
		return kerr_set(err, -EINVAL, "mismatched scale ratios, got %zu, want %zu", n,
				p->n_sample_type);
	for (size_t i = 0; i < n; i++)
		all_ones = all_ones && ratios[i] == 1;
	if (all_ones)
		return 0;
	for (size_t i = 0; i < p->n_samples; i++) {
		struct pf_sample *s = &p->samples[i];
		int64_t *v = (int64_t *)pf_sample_values(p, s);
		bool keep = false;

		for (uint32_t k = 0; k < s->n_val && k < n; k++) {
			if (ratios[k] != 1) {
				v[k] = f64_to_i64(round((double)v[k] * ratios[k]));
				keep = keep || v[k] != 0;
			}
		}
		if (keep)
			p->samples[fill++] = *s;
	}
	p->n_samples = fill;
	return 0;
}

void profile_scale(struct profile *p, double ratio)
{
	double *r;

	if (ratio == 1 || !p->n_sample_type)
		return;
	r = xmalloc(p->n_sample_type * sizeof(*r));
	for (size_t i = 0; i < p->n_sample_type; i++)
		r[i] = ratio;
	profile_scale_n(p, r, p->n_sample_type, NULL);
	free(r);
}

int profile_normalize(struct profile *p, const struct profile *base, struct kerr *err)
{
	size_t n = p->n_sample_type;
	int64_t *bt, *st;
	double *r;
	int ret;

	if ((ret = profile_compatible(p, base, err)) < 0)
		return ret;
	bt = xcalloc(n + 1, sizeof(*bt));
	st = xcalloc(n + 1, sizeof(*st));
	r = xcalloc(n + 1, sizeof(*r));
	for (size_t i = 0; i < base->n_samples; i++)
		for (uint32_t k = 0; k < base->samples[i].n_val && k < n; k++)
			bt[k] += pf_sample_values(base, &base->samples[i])[k];
	for (size_t i = 0; i < p->n_samples; i++)
		for (uint32_t k = 0; k < p->samples[i].n_val && k < n; k++)
			st[k] += pf_sample_values(p, &p->samples[i])[k];
	for (size_t k = 0; k < n; k++)
		r[k] = st[k] == 0 ? 0.0 : (double)bt[k] / (double)st[k];
	ret = profile_scale_n(p, r, n, err);
	free(bt);
	free(st);
	free(r);
	return ret;
}

/* ---- unit unification (measurement.ScaleProfiles) ---- */

/* Strips one trailing 's' (pprof compares "sample" and "samples"). */
static bool types_match(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == 's')
		la--;
	if (lb && b[lb - 1] == 's')
		lb--;
	return la == lb && memcmp(a, b, la) == 0;
}

/* The finest unit among the types, or NULL when fewer than two (pprof's
 * CommonValueType); -EINVAL when two are incompatible. */
static int common_unit(const char *const *types, const char *const *units, size_t n,
		       const char **out, struct kerr *err, const char *what)
{
	size_t min = 0;

	*out = NULL;
	if (n <= 1)
		return 0;
	for (size_t i = 1; i < n; i++) {
		const char *u;
		if (!types_match(types[min], types[i]) || !units_compatible(units[min], units[i]))
			return kerr_set(err, -EINVAL, "%s: incompatible types: %s/%s %s/%s", what,
					types[min], units[min], types[i], units[i]);
		if (units_scale(1, units[i], units[min], &u) < 1)
			min = i;
	}
	*out = units[min];
	return 0;
}

int profile_unify_units(struct profile *const *ps, size_t n, struct kerr *err)
{
	const char **types = NULL, **units = NULL, *common;
	char **want = NULL;
	size_t nt;
	int ret = 0;

	if (n <= 1)
		return 0;
	nt = ps[0]->n_sample_type;
	for (size_t i = 1; i < n; i++)
		if (ps[i]->n_sample_type != nt)
			return kerr_set(err, -EINVAL, "sample types: inconsistent sample type count: %zu != %zu",
					nt, ps[i]->n_sample_type);
	types = xcalloc(n, sizeof(*types));
	units = xcalloc(n, sizeof(*units));
	want = xcalloc(nt + 1, sizeof(*want));
	/* Period type. */
	for (size_t i = 0; i < n; i++) {
		types[i] = profile_get_str(ps[i], ps[i]->period_type.type);
		units[i] = profile_get_str(ps[i], ps[i]->period_type.unit);
	}
	if ((ret = common_unit(types, units, n, &common, err, "period type")) < 0)
		goto out;
	if (common) {
		char *c = xstrdup(common);
		for (size_t i = 0; i < n; i++) {
			const char *u;
			double v = units_scale(ps[i]->period, profile_get_str(ps[i], ps[i]->period_type.unit), c, &u);
			ps[i]->period = f64_to_i64(v);
			ps[i]->period_type.unit = profile_str(ps[i], c);
		}
		free(c);
	}
	for (size_t t = 0; t < nt; t++) {
		for (size_t i = 0; i < n; i++) {
			types[i] = profile_get_str(ps[i], ps[i]->sample_type[t].type);
			units[i] = profile_get_str(ps[i], ps[i]->sample_type[t].unit);
		}
		if ((ret = common_unit(types, units, n, &common, err, "sample types")) < 0)
			goto out;
		want[t] = common ? xstrdup(common) : NULL;
	}
	for (size_t i = 0; i < n; i++) {
		double *r = xcalloc(nt + 1, sizeof(*r));
		for (size_t t = 0; t < nt; t++) {
			const char *u;
			if (!want[t]) {
				r[t] = 1;
				continue;
			}
			r[t] = units_scale(1, profile_get_str(ps[i], ps[i]->sample_type[t].unit), want[t], &u);
			ps[i]->sample_type[t].unit = profile_str(ps[i], want[t]);
		}
		ret = profile_scale_n(ps[i], r, nt, err);
		free(r);
		if (ret < 0)
			goto out;
	}
out:
	for (size_t t = 0; t < nt; t++)
		free(want[t]);
	free(want);
	free(types);
	free(units);
	return ret;
}
