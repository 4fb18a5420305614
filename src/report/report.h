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
#include "../profile/filter.h"
#include "../profile/profile.h"
#include "../profile/rx.h"

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
	/* -list inside a server (kiln web): a source file that exists is read
	 * only if source_check(source_check_ctx, path, err) returns 0 for the
	 * path about to be opened; otherwise "open PATH: <err>" is shown in
	 * its place. NULL: every file may be read. */
	int (*source_check)(void *ctx, const char *path, struct kerr *err);
	void *source_check_ctx;
};

/* pprof's defaults. */
void report_opts_init(struct report_opts *o);

/* What report_prepare() leaves for a renderer: the value selected, pprof's
 * report total, and the effective granularity the profile was aggregated at.
 * Strings point into the profile or into this struct; the struct owns
 * `units` and `symbol` (report_prepared_release() frees them). */
struct report_prepared {
	struct pf_label_units units;   /* numeric label units, for tag filters and labels */
	int value_index;               /* -sample_index, into each sample's values */
	bool mean;                     /* -mean: values are per value[0] */
	char sample_type[256];         /* "cpu", "mean_alloc_space" */
	const char *sample_unit;       /* unit of the value; interned in the profile */
	double ratio;                  /* 1 / -divide_by */
	int64_t total;                 /* pprof's computeTotal (the base's, with -diff_base) */
	bool diff;                     /* some samples carry pprof::base=true (-diff_base) */
	enum report_granularity granularity; /* after pprof's per-format overrides */
	bool noinlines;                /* likewise */
	struct krx symbol;             /* the -peek/-list regex; unset for other formats */
};

/* Everything a report does before rendering, in pprof's order
 * (generateRawReport): label units (their conflicts become notes), the
 * focus/ignore/hide/show/show_from/tag filters and prune_from (before the
 * total with -relative_percentages, else after it), the sample value,
 * -divide_by, the -peek/-list regex, the total, then aggregation at the
 * granularity o and its format ask for. pprof's remarks ("Focus expression
 * matched no samples", …) are appended to notes, one line each, when notes
 * is not NULL.
 *
 * p is filtered and aggregated in place; rp keeps pointers into it, so p
 * must outlive rp. o is not kept. Returns 0, or -EINVAL with err set for a
 * bad regex, sample index or divisor; rp is then released already (releasing
 * it again is harmless) and p may be partly filtered. */
int report_prepare(struct profile *p, const struct report_opts *o, struct report_prepared *rp,
		   struct kbuf *notes, struct kerr *err);
/* Frees what rp owns and zeroes it; NULL-tolerant. Does not touch the profile. */
void report_prepared_release(struct report_prepared *rp);

struct rgraph;

/* pprof's selectOutputUnit (-unit=minimum): when unit holds "minimum" and g
 * has nodes, replaces it with the one unit every value of the report is
 * printed in, chosen from the smallest nonzero node value and total (both
 * times ratio, 1 / -divide_by, unless ratio is 0 or 1). Any other unit is
 * left as asked. sample_unit is the unit of g's values. */
void report_output_unit(const struct rgraph *g, int64_t total, double ratio,
			const char *sample_unit, char unit[64]);

/* Appends a profile time (ns since the epoch) the way pprof's legends print
 * it: Go's "Jan 2, 2006 at 3:04pm (MST)" in the local time zone. */
void report_add_time(struct kbuf *out, int64_t ns);

/* Filters, aggregates and renders p into out (p is modified). Returns 0, or
 * -EINVAL for bad options/regexes and "no matches found for regexp"; out
 * may then hold a partial report, which pprof would not print. */
int report_generate(struct profile *p, const struct report_opts *o, struct kbuf *out,
		    struct kbuf *notes, struct kerr *err);

#endif
