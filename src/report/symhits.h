/* Where a symbol's samples lie, for annotate: its leaf hits (file offset
 * of the sampled instruction and its value) grouped by the binary
 * (mapping) they were in. The symbol is named as perf names frames
 * (perfkeys.h), or by its mangled name. */
#ifndef KILN_REPORT_SYMHITS_H
#define KILN_REPORT_SYMHITS_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../base/vec.h"
#include "../profile/profile.h"
#include "perfhist.h"

struct sym_bin {
	uint64_t mapping_id;          /* 0: no mapping */
	VEC(struct perf_hit) hits;    /* file_offset: in the mapping's file (address if none) */
	int64_t total;
};

struct sym_bins {
	struct sym_bin *v;
	size_t n, cap;
};

/* The value annotate counts: `want` (pprof's -sample_index), else the
 * sample count when the profile has one, else the default. Returns the
 * index, or -EINVAL with err set. */
int symhits_value_index(const struct profile *p, const char *want, struct kerr *err);
/* Adds the leaf hits of `name` on value vi to bins (the caller's; release
 * with symhits_release()); *in_stacks sums the samples where it appears
 * anywhere, to tell "no samples of its own" from "not in the profile". */
void symhits_collect(const struct profile *p, int vi, const char *name, struct sym_bins *bins,
		     int64_t *in_stacks);
void symhits_release(struct sym_bins *bins);
/* Up to `max` distinct names of symbols containing `name`, each followed
 * by '\n', appended to out (raw: the caller escapes them). */
void symhits_suggest(const struct profile *p, const char *name, int max, struct kbuf *out);

#endif
