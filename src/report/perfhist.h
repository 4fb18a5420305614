/* perf's histogram, the one engine behind `kiln report --stdio/--sort`
 * (perfview.c renders it once) and `kiln top` (which keeps it across
 * refreshes): a table of distinct stacks, each frame named perf's way
 * (shared object + symbol, see perfkeys.h), plus a table of leaf addresses
 * per symbol for annotation. The view computes, per sort-key tuple, the
 * Self weight (leaf frame) and the Children weight (any frame, once per
 * stack); call graphs are printed in perf's layout.
 *
 * kiln top adds each refresh's profile (built from the recorder's stacks,
 * which are then reset), computes the view, and multiplies everything by
 * 7/8 as perf top decays its histogram, so the view follows the present;
 * rows whose weight fell below a twentieth of a sample are dropped. Memory
 * is therefore bounded by what was sampled in the last ~20 refreshes,
 * whatever the uptime. Frames are interned by name, so a table outlives
 * the profiles (and builders) that fed it.
 *
 * Keys: comm (string label "comm", else the main binary's name), pid and
 * tid (numeric labels "pid"/"tid" as `kiln record` writes them, -1 when
 * absent), dso and sym.
 *
 * Ownership: the table owns every string; pointers from perf_hist_str()
 * stay valid until the next perf_hist_add(), perf_hist_decay() or
 * perf_hist_free(). Views (struct perf_view) are computed copies. */
#ifndef KILN_REPORT_PERFHIST_H
#define KILN_REPORT_PERFHIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../profile/profile.h"
#include "perfkeys.h"

struct perf_hist;

struct perf_hist_opts {
	const char *sort;  /* perf's -s keys (comm, pid, tid, dso, sym); NULL: "dso,sym" */
	bool callchain;    /* keep whole stacks (Children, call graphs), else leaf frames */
	int frame_flags;   /* perf_frame_names()'s: PERF_FRAME_TOP names the kernel as perf top */
};

/* -EINVAL for unknown keys. */
int perf_hist_new(const struct perf_hist_opts *o, struct perf_hist **out, struct kerr *err);
void perf_hist_free(struct perf_hist *h); /* NULL-tolerant */

/* Adds an indexed profile's samples, weighted by value `vi` (the event's
 * period), counting value `ci` as samples (-1: one per sample). Samples
 * without a stack count in the total only.
 * `generation` identifies the profile's location table: profiles of one
 * builder share it and only grow, so locations are named once each. */
void perf_hist_add(struct perf_hist *h, const struct profile *p, uint64_t generation, int vi,
		  int ci);
/* Multiplies every weight by `factor` and drops what fell under a
 * twentieth of a sample. factor 0 empties the tables (perf top's z). */
void perf_hist_decay(struct perf_hist *h, double factor);

/* Sizes, for tests and memory checks. */
size_t perf_hist_n_stacks(const struct perf_hist *h);
size_t perf_hist_n_addrs(const struct perf_hist *h);
size_t perf_hist_n_strings(const struct perf_hist *h);

/* ---- the view ---- */

struct perf_row {
	uint32_t comm, dso, sym;  /* strings (perf_hist_str); 0 when not a key. sym
				   * without perf's "[k] "/"[.] " marker: see kernel */
	int64_t pid, tid;
	bool kernel;
	double self, children;    /* weights (period) */
	double samples;           /* samples with this row as leaf */
	uint32_t frame;           /* frame id of the row's symbol, UINT32_MAX if none */
};

struct perf_view_opts {
	bool children;            /* sort by Children (call graph mode) */
	bool hide_kernel, hide_user;
	uint32_t dso_filter;      /* string index of a shared object, 0 = all */
	double percent_limit;
};

struct perf_view {
	struct perf_row *rows;     /* sorted, hottest first; ties by the keys */
	size_t n_rows;
	double total;             /* sum of all weights (100%) */
	double total_samples, kernel_samples;
};

void perf_view_build(struct perf_hist *h, const struct perf_view_opts *o, struct perf_view *v);
void perf_view_release(struct perf_view *v);

const char *perf_hist_str(const struct perf_hist *h, uint32_t idx);
/* The string index of a shared object name, 0 when unknown. */
uint32_t perf_hist_find_str(const struct perf_hist *h, const char *s);
/* Which keys the table sorts on, in order; returns how many. */
size_t perf_hist_keys(const struct perf_hist *h, enum perf_key keys[PERF_MAX_KEYS]);

/* The call graph under a row, in perf's text layout, appended to out (one
 * line per '\n', names escaped for a terminal): callees of the row with
 * `children`, else its callers. Branches under `min_pct` percent of the
 * total (rounded down to a whole weight) are left out. */
void perf_hist_callgraph(struct perf_hist *h, const struct perf_row *r, bool children,
			double total, double min_pct, struct kbuf *out);

/* The leaf addresses sampled in a row's symbol, grouped by binary: calls
 * fn once per binary with its path, build id and hits (rounded weights in
 * samples). */
struct perf_hit {
	uint64_t file_offset; /* of the sampled instruction in the binary */
	int64_t value;        /* samples on it */
};
typedef void (*perf_hits_fn)(const char *path, const char *build_id, const struct perf_hit *hits,
			    size_t n, void *arg);
void perf_hist_hits(struct perf_hist *h, uint32_t frame, perf_hits_fn fn, void *arg);

#endif
