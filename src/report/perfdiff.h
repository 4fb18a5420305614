/* kiln diff's engine: perf diff's table for pprof profiles. For every
 * symbol (sort keys dso,sym by default) its share of the baseline, and for
 * each newer profile the change: Delta (new% - old%), Delta Abs (the same,
 * ordered by size), Ratio (new period / old period) or Weighted diff
 * (new * w2 - old * w1). Self overhead: the leaf frame's symbol, as perf
 * diff compares. */
#ifndef KILN_REPORT_PERFDIFF_H
#define KILN_REPORT_PERFDIFF_H

#include <stddef.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../profile/profile.h"

struct perf_diff_opts {
	const char *compute;      /* delta, delta-abs (NULL: the default), ratio, wdiff:W1,W2 */
	const char *sort;         /* keys among comm, dso, sym; NULL: "dso,sym" */
	const char *sample_index; /* value compared; NULL: the profiles' default */
	double percent_limit;     /* hide rows under this share in every profile */
};

/* Checks the options alone (before any profile is read). Returns 0, or
 * -EINVAL with err set. */
int perf_diff_check(const struct perf_diff_opts *o, struct kerr *err);

/* Appends the table comparing ps[0] (the baseline) with ps[1..n-1] to
 * out; names[] are the profiles' names for the header. The profiles are
 * read, not changed. Returns 0, or -EINVAL (bad options, fewer than two
 * profiles, a bad sample index) or the merge's error, with err set. */
int perf_diff(struct profile *const *ps, size_t n, const char *const *names,
	      const struct perf_diff_opts *o, struct kbuf *out, struct kerr *err);

#endif
