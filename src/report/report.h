/* pprof-compatible text reports on a Profile: top, traces, tree, peek, list,
 * raw, tags, comments and proto, with go tool pprof's options, defaults,
 * order of operations and output format (internal/driver, internal/report of
 * the pprof vendored in Go 1.19). The caller has already merged sources,
 * applied a base profile and the profile's drop_frames (see cmd-report.c);
 * this module filters, aggregates and renders.
 *
 * Renderers write into a kbuf, so reports are testable without stdout.
 * Remarks pprof prints on stderr ("Focus expression matched no samples",
 * label unit conflicts) go to a separate kbuf, one line each. */
#ifndef KILN_REPORT_REPORT_H
#define KILN_REPORT_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../profile/profile.h"

enum report_format {
	REPORT_TOP,       /* -top / -text (default) */
	REPORT_TRACES,
	REPORT_TREE,
	REPORT_PEEK,      /* needs symbol */
	REPORT_LIST,      /* needs symbol */
	REPORT_RAW,
	REPORT_TAGS,
	REPORT_COMMENTS,
	REPORT_PROTO,     /* gzip profile.proto bytes */
};

enum report_granularity {
	REPORT_G_DEFAULT = 0, /* functions unless the format forces one */
	REPORT_G_FUNCTIONS,
	REPORT_G_FILEFUNCTIONS,
	REPORT_G_FILES,
	REPORT_G_LINES,
	REPORT_G_ADDRESSES,
};

struct report_opts {
	enum report_format format;
	const char *symbol;            /* regex of -peek / -list */
	bool cum;                      /* sort by cum (-cum) instead of flat */
	enum report_granularity granularity;
	bool noinlines;
	int nodecount;                 /* -1: pprof's default for the format */
	double nodefraction;           /* 0.005 */
	double edgefraction;           /* 0.001 */
	bool trim;                     /* true */
	const char *focus, *ignore, *hide, *show, *show_from, *prune_from;
	const char *tagfocus, *tagignore, *tagshow, *taghide;
	const char *sample_index;      /* NULL: default_sample_type, else last */
	bool mean;
	double divide_by;              /* 1 */
	const char *unit;              /* "minimum" */
	bool relative_percentages;
	bool compact_labels;
	bool drop_negative;
	const char *source_path;       /* -list: where to look for sources; NULL = cwd */
	const char *trim_path;
};

/* pprof's defaults. */
void report_opts_init(struct report_opts *o);

/* Filters, aggregates and renders p into out (p is modified). Returns 0, or
 * -EINVAL for bad options/regexes and "no matches found for regexp"; out
 * may then hold a partial report, which pprof would not print. */
int report_generate(struct profile *p, const struct report_opts *o, struct kbuf *out,
		    struct kbuf *notes, struct kerr *err);

#endif
