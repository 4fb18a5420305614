/* State shared by the report renderers (one file per report kind): the
 * profile being reported, the effective options after pprof's per-format
 * overrides, the value selected, the report total and output unit, and the
 * helpers that format values and header lines the way pprof does.
 *
 * The layers, one way: report.c (report_prepare, report_generate) fills a
 * struct report and calls one format file (text.c, tree.c, traces.c,
 * raw.c, tags.c, list.c); the format files call common.c (the helpers
 * below) and graph.c, never report.c. Private to src/report. */
#ifndef KILN_REPORT_INTERNAL_H
#define KILN_REPORT_INTERNAL_H

#include <stdarg.h>

#include "../profile/filter.h"
#include "../profile/rx.h"
#include "graph.h"
#include "report.h"

struct report {
	struct profile *p;
	const struct report_opts *o;
	struct report_prepared prep;   /* value, total, granularity, units, symbol */
	char output_unit[64];          /* "minimum" until a graph report picks one */
	/* effective options */
	int nodecount;
	double nodefraction, edgefraction;
	struct kbuf filters;           /* "focus=…" lines for "Active filters:" */
	size_t n_filters;
	struct kbuf *notes;
};

/* ---- common.c ---- */

/* rpt.formatValue: divide_by applied, then scaled to the output unit. */
void report_value(const struct report *r, int64_t v, struct kbuf *out);
/* The same into a small buffer (truncated at 127 bytes). */
const char *report_value_str(const struct report *r, int64_t v, char buf[128]);
/* pprof's selectOutputUnit over a graph's nodes. */
void report_select_unit(struct report *r, const struct rgraph *g);
/* ProfileLabels: File/Build ID/comments/Type/Time/Duration lines. */
void report_profile_labels(const struct report *r, struct kbuf *out);
/* reportLabels: profile labels (unless compact) plus "Active filters",
 * "Showing nodes accounting for …", "Dropped …", "Showing top …". */
void report_graph_labels(struct report *r, const struct rgraph *g, size_t orig_count,
			 size_t dropped_nodes, struct kbuf *out);
/* The table/graph options for this report. */
void report_table_opts(const struct report *r, struct rtable_opts *to, bool obj_names);
void report_graph_opts(const struct report *r, struct rgraph_opts *go);
/* Adds one line to r->notes (pprof's stderr remarks); dropped when the
 * caller passed no notes buffer. report_vnote() takes the buffer itself. */
void report_note(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_vnote(struct kbuf *notes, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* The start of -top, -tree and -peek: the table and the trimmed graph of
 * the profile (the caller releases both, as after rtable_build and
 * rgraph_build_trimmed), the output unit chosen, the header labels written. */
void report_trimmed_graph(struct report *r, struct rtable *t, struct rgraph *g, struct kbuf *out);

/* ---- the format files, called by report_generate() only ---- */

int report_top(struct report *r, struct kbuf *out, struct kerr *err);
int report_tree(struct report *r, struct kbuf *out, struct kerr *err);
int report_traces(struct report *r, struct kbuf *out, struct kerr *err);
int report_raw(struct report *r, struct kbuf *out, struct kerr *err);
int report_tags(struct report *r, struct kbuf *out, struct kerr *err);
int report_list(struct report *r, struct kbuf *out, struct kerr *err);

#endif
