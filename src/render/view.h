/* A view of a profile, ready to draw: pprof's report pipeline (sample value
 * selection, report total, focus/ignore/hide/show and tag filters, then
 * aggregation at a granularity) followed by the node table of the report
 * module, which names every frame at that granularity.
 *
 * The pipeline is report_prepare() of src/report, the one report_generate()
 * runs: options come in the same struct report_opts, so a flame graph and a
 * -top of the same command line agree on what is shown, what 100% is and
 * which remarks are printed.
 *
 * Ownership: rview_prepare() takes a profile it may modify (filters work in
 * place) and keeps a pointer to it; the caller still owns the profile and
 * frees it after rview_release(). render_profile_copy() gives a private copy when
 * the original must survive (the web server filters per request). */
#ifndef KILN_RENDER_VIEW_H
#define KILN_RENDER_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../profile/profile.h"
#include "../report/graph.h"
#include "../report/report.h"

struct rview {
	struct profile *p;          /* filtered and aggregated; not owned */
	const struct report_opts *o; /* not owned; must outlive the view */
	struct report_prepared prep; /* value, unit, total, diff, granularity; owned */
	struct rtable t;            /* frame names at the granularity */
	struct kbuf notes;          /* "Focus expression matched no samples", one per line */
};

/* Runs the pipeline on p with o. `dflt` is the granularity used when
 * o->granularity is REPORT_G_DEFAULT; o->format is ignored (a drawing is
 * not a text report). Returns 0 or -EINVAL (bad regex, bad sample_index,
 * zero -divide_by) with err set; v is then released already. */
int rview_prepare(struct rview *v, struct profile *p, const struct report_opts *o,
		  enum report_granularity dflt, struct kerr *err);
/* NULL-tolerant; does not free the profile. */
void rview_release(struct rview *v);

/* The sample's value for the view, and whether it belongs to a diff base
 * (label pprof::base=true; its values are negated). */
int64_t rview_value(const struct rview *v, const struct pf_sample *s);
bool rview_is_base(const struct rview *v, const struct pf_sample *s);

/* Formats a value in the view's unit ("1.50s", "4MB", "1234"): pprof's
 * ScaledLabel with automatic scaling. buf needs 64 bytes. */
const char *rview_label(const struct rview *v, int64_t value, char buf[64]);

/* pprof's selectOutputUnit (-unit=minimum) over a graph's nodes, or the
 * -unit asked for: the one unit every value of a report is printed in. */
void rview_select_unit(const struct rview *v, const struct rgraph *g, char unit[64]);

/* A deep copy of p (indexed). Never NULL. */
struct profile *render_profile_copy(const struct profile *p);

#endif
