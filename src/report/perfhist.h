/* kiln top's memory of what it sampled: a decayed table of distinct
 * stacks, each frame named perf's way (shared object + symbol, see
 * perfkeys.h), plus a table of leaf addresses per symbol for annotation.
 *
 * Each refresh adds the interval's profile (built from the recorder's
 * stacks, which are then reset), the view is computed from the tables,
 * and everything is multiplied by 7/8 as perf top decays its histogram,
 * so the view follows the present; rows whose weight fell below a twentieth
 * of a sample are dropped. Memory is therefore bounded by what was sampled
 * in the last ~20 refreshes, whatever the uptime. Frames are interned by
 * name, so a table outlives the profiles (and builders) that fed it.
 *
 * Ownership: the table owns every string; pointers from top_hist_str()
 * stay valid until the next top_hist_add(), top_hist_decay() or
 * top_hist_free(). Views (struct top_view) are computed copies. */
#ifndef KILN_REPORT_PERFHIST_H
#define KILN_REPORT_PERFHIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../profile/profile.h"
#include "perfkeys.h"

struct top_hist;

/* sort: perf's -s keys (comm, pid, tid, dso, sym); callchain keeps whole
 * stacks (else only leaf frames). -EINVAL for unknown keys. */
int top_hist_new(const char *sort, bool callchain, struct top_hist **out, struct kerr *err);
void top_hist_free(struct top_hist *h); /* NULL-tolerant */

/* Adds an indexed profile's samples, weighted by value `vi` (the event's
 * period), counting value `ci` as samples (-1: one per sample).
 * `generation` identifies the profile's location table: profiles of one
 * builder share it and only grow, so locations are named once each. */
void top_hist_add(struct top_hist *h, const struct profile *p, uint64_t generation, int vi,
		  int ci);
/* Multiplies every weight by `factor` and drops what fell under a
 * twentieth of a sample. factor 0 empties the tables (perf top's z). */
void top_hist_decay(struct top_hist *h, double factor);

/* Sizes, for tests and memory checks. */
size_t top_hist_n_stacks(const struct top_hist *h);
size_t top_hist_n_addrs(const struct top_hist *h);
size_t top_hist_n_strings(const struct top_hist *h);

/* ---- the view ---- */

struct top_row {
	uint32_t comm, dso, sym;  /* strings (top_hist_str); 0 when not a key */
	int64_t pid, tid;
	bool kernel;
	double self, children;    /* weights (period) */
	double samples;           /* samples with this row as leaf */
	uint32_t frame;           /* frame id of the row's symbol, UINT32_MAX if none */
};

struct top_view_opts {
	bool children;            /* sort by Children (call graph mode) */
	bool hide_kernel, hide_user;
	uint32_t dso_filter;      /* string index of a shared object, 0 = all */
	double percent_limit;
};

struct top_view {
	struct top_row *rows;     /* sorted, hottest first */
	size_t n_rows;
	double total;             /* sum of all weights (100%) */
	double total_samples, kernel_samples;
};

void top_view_build(struct top_hist *h, const struct top_view_opts *o, struct top_view *v);
void top_view_release(struct top_view *v);

const char *top_hist_str(const struct top_hist *h, uint32_t idx);
/* The string index of a shared object name, 0 when unknown. */
uint32_t top_hist_find_str(const struct top_hist *h, const char *s);
/* Which keys the table sorts on, in order; returns how many. */
size_t top_hist_keys(const struct top_hist *h, enum perf_key keys[PERF_MAX_KEYS]);

/* The call graph under a row, in perf's text layout, appended to out (one
 * line per '\n'): callees of the row with `children`, else its callers.
 * Branches under `min_pct` percent of the total are left out. */
void top_hist_callgraph(struct top_hist *h, const struct top_row *r, bool children,
			double total, double min_pct, struct kbuf *out);

/* The leaf addresses sampled in a row's symbol, grouped by binary: calls
 * fn once per binary with its path, build id and hits (rounded weights in
 * samples). */
struct top_hit {
	uint64_t file_offset; /* of the sampled instruction in the binary */
	int64_t value;        /* samples on it */
};
typedef void (*top_hits_fn)(const char *path, const char *build_id, const struct top_hit *hits,
			    size_t n, void *arg);
void top_hist_hits(struct top_hist *h, uint32_t frame, top_hits_fn fn, void *arg);

#endif
