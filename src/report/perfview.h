/* The perf-style view of a profile (`kiln report --sort comm,dso,sym
 * --stdio [-g]`): perf report's histogram of sort-key tuples with their
 * Overhead (or Children and Self), and optionally a call graph under each
 * entry.
 *
 * It is perf's histogram (perfhist.h), the one kiln top keeps, rendered once.
 *
 * Keys: comm (string label "comm", else the main binary's name), pid and
 * tid (numeric labels "pid"/"tid" as `kiln record` writes them; pid is shown
 * perf's way as "pid:comm"), dso (base name of the leaf frame's mapping;
 * "[kernel.kallsyms]" for kernel mappings) and sym ("[k] name" for kernel
 * mappings, "[.] name" otherwise; the symbol of an address is its
 * outermost, non-inlined function, as perf shows it without --inline).
 * Children count a sample once for every distinct key tuple on its stack.
 * Call graphs: with Children, the callees of the entry's frames; without,
 * the callers of the leaf; branches under 0.5% of the total are hidden. */
#ifndef KILN_REPORT_PERFVIEW_H
#define KILN_REPORT_PERFVIEW_H

#include <stdbool.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../profile/profile.h"

struct perfview_opts {
	const char *sort;          /* "comm,dso,sym" */
	bool children;             /* Children + Self columns */
	bool callgraph;            /* call graph under each entry */
	double percent_limit;      /* hide entries under this percentage */
	const char *sample_index;  /* as pprof's -sample_index; NULL = default */
};

void perfview_opts_init(struct perfview_opts *o);
/* Renders the table for p into out. -EINVAL for unknown sort keys. */
int perfview_generate(const struct profile *p, const struct perfview_opts *o, struct kbuf *out,
		      struct kerr *err);

#endif
