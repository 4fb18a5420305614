/* perf-report-style view (see perfview.h): perf's histogram (perfhist.h)
 * filled from one profile, rendered as perf report --stdio lays it out. */
#include "perfview.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/num.h"
#include "../base/textsafe.h"
#include "../profile/filter.h"
#include "perfhist.h"
#include "perfkeys.h"

void perfview_opts_init(struct perfview_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sort = "comm,dso,sym";
}

/* One cell, escaped for a terminal. */
static void cell(const struct perf_hist *h, const struct perf_row *r, enum perf_key k,
		 struct kbuf *b)
{
	kbuf_reset(b);
	switch (k) {
	case PERF_KEY_COMM:
		text_escape(b, perf_hist_str(h, r->comm), strlen(perf_hist_str(h, r->comm)), 0);
		break;
	case PERF_KEY_PID:
		kbuf_addf(b, "%7" PRId64 ":", r->pid);
		text_escape(b, perf_hist_str(h, r->comm), strlen(perf_hist_str(h, r->comm)), 0);
		break;
	case PERF_KEY_TID: kbuf_addf(b, "%7" PRId64, r->tid); break;
	case PERF_KEY_DSO:
		text_escape(b, perf_hist_str(h, r->dso), strlen(perf_hist_str(h, r->dso)), 0);
		break;
	default:
		kbuf_addstr(b, r->kernel ? "[k] " : "[.] ");
		text_escape(b, perf_hist_str(h, r->sym), strlen(perf_hist_str(h, r->sym)), 0);
		break;
	}
}

static void dots(struct kbuf *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kbuf_addch(out, '.');
}

/* "# Samples: 12K of event 'cpu'" and "# Event count (approx.): N". */
static void print_header(const struct profile *p, int vi, struct kbuf *out)
{
	const char *type = profile_get_str(p, p->sample_type[vi].type);
	size_t tlen = strlen(type);
	uint64_t nsamples = 0;
	int64_t total = 0;
	char unit = ' ';
	bool have_count = false;

	/* perf names the event; profiles converted from perf.data call the
	 * types <event>_sample and <event>_event. */
	if (tlen > 6 && !strcmp(type + tlen - 6, "_event"))
		tlen -= 6;
	else if (tlen > 7 && !strcmp(type + tlen - 7, "_sample"))
		tlen -= 7;
	for (size_t i = 0; i < p->n_sample_type && !have_count; i++) {
		const char *t = profile_get_str(p, p->sample_type[i].type);
		size_t l = strlen(t);
		if (!strcmp(t, "samples") || (l > 7 && !strcmp(t + l - 7, "_sample"))) {
			/* With several events (kiln record -e a,b, a perf.data),
			 * only the samples of this one, as perf counts them. */
			for (size_t s = 0; s < p->n_samples; s++)
				if (p->n_sample_type <= 2 ||
				    pf_sample_values(p, &p->samples[s])[vi])
					nsamples += (uint64_t)pf_sample_values(p, &p->samples[s])[i];
			have_count = true;
		}
	}
	if (!have_count)
		nsamples = p->n_samples;
	for (size_t s = 0; s < p->n_samples; s++) /* untrusted values: wrap, as pprof does */
		total = go_add64(total, pf_sample_values(p, &p->samples[s])[vi]);
	while (nsamples > 1000 && unit != 'G') {
		nsamples /= 1000;
		unit = unit == ' ' ? 'K' : unit == 'K' ? 'M' : 'G';
	}
	kbuf_addstr(out, "# kiln report, perf style. Show pprof's view with -top.\n#\n");
	kbuf_addf(out, "# Samples: %" PRIu64 "%c of event '", nsamples, unit);
	text_escape(out, type, tlen, 0);
	kbuf_addstr(out, "'\n");
	kbuf_addf(out, "# Event count (approx.): %" PRId64 "\n#\n", total);
}

static void print_table(struct perf_hist *h, const struct perf_view *v,
			const struct perfview_opts *o, struct kbuf *out)
{
	enum perf_key keys[PERF_MAX_KEYS];
	size_t nk = perf_hist_keys(h, keys), width[PERF_MAX_KEYS];
	struct kbuf b = KBUF_INIT;

	for (size_t k = 0; k < nk; k++) {
		width[k] = strlen(perf_key_header(keys[k]));
		for (size_t i = 0; i < v->n_rows; i++) {
			cell(h, &v->rows[i], keys[k], &b);
			if (b.len > width[k])
				width[k] = b.len;
		}
	}
	kbuf_addstr(out, o->children ? "# Children      Self" : "# Overhead");
	for (size_t k = 0; k < nk; k++)
		kbuf_addf(out, "  %-*s", (int)width[k], perf_key_header(keys[k]));
	kbuf_addstr(out, "\n# ");
	dots(out, 8);
	if (o->children) {
		kbuf_addstr(out, "  ");
		dots(out, 8);
	}
	for (size_t k = 0; k < nk; k++) {
		kbuf_addstr(out, "  ");
		dots(out, width[k]);
	}
	kbuf_addstr(out, "\n#\n");
	for (size_t i = 0; i < v->n_rows; i++) {
		const struct perf_row *r = &v->rows[i];
		double self = v->total ? 100.0 * r->self / v->total : 0;
		double ch = v->total ? 100.0 * r->children / v->total : 0;

		if (o->children)
			kbuf_addf(out, "  %7.2f%%  %7.2f%%", ch, self);
		else
			kbuf_addf(out, "  %7.2f%%", self);
		for (size_t k = 0; k < nk; k++) {
			cell(h, r, keys[k], &b);
			if (k + 1 == nk)
				kbuf_addf(out, "  %s", b.buf);
			else
				kbuf_addf(out, "  %-*s", (int)width[k], b.buf);
		}
		kbuf_addch(out, '\n');
		if (o->callgraph) {
			size_t before = out->len;
			perf_hist_callgraph(h, r, o->children, v->total, 0.5, out);
			if (out->len != before)
				kbuf_addch(out, '\n');
		}
	}
	kbuf_release(&b);
}

int perfview_generate(const struct profile *p, const struct perfview_opts *o, struct kbuf *out,
		      struct kerr *err)
{
	struct perf_hist_opts ho = { .sort = o->sort, .callchain = o->children || o->callgraph };
	struct perf_view_opts vo = { .children = o->children, .percent_limit = o->percent_limit };
	struct perf_hist *h;
	struct perf_view v;
	int vi, ret;

	if ((ret = perf_hist_new(&ho, &h, err)) < 0)
		return ret;
	if ((vi = profile_sample_index(p, o->sample_index, err)) < 0) {
		perf_hist_free(h);
		return vi;
	}
	perf_hist_add(h, p, 1, vi, -1);
	perf_view_build(h, &vo, &v);
	print_header(p, vi, out);
	print_table(h, &v, o, out);
	perf_view_release(&v);
	perf_hist_free(h);
	return 0;
}
