/* What every text report shares (see internal.h): pprof's value
 * formatting and output unit, the header lines (ProfileLabels and the graph
 * reports' labels), the table and graph options of a report, the trimmed
 * graph that -top, -tree and -peek start from, and the notes. The format
 * files call only this, never report.c, which calls them. */
#include "internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../base/num.h"
#include "../base/units.h"
#include "paths.h"

/* One remark a line; a NULL notes drops it (tests and callers that do not
 * print pprof's stderr). */
void report_vnote(struct kbuf *notes, const char *fmt, va_list ap)
{
	if (!notes)
		return;
	kbuf_vaddf(notes, fmt, ap);
	kbuf_addch(notes, '\n');
}

void report_note(struct report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_vnote(r->notes, fmt, ap);
	va_end(ap);
}

/* ---- values and units ---- */

void report_value(const struct report *r, int64_t v, struct kbuf *out)
{
	if (r->prep.ratio > 0 && r->prep.ratio != 1)
		v = f64_to_i64((double)v * r->prep.ratio);
	units_add_label(out, v, r->prep.sample_unit, r->output_unit);
}

const char *report_value_str(const struct report *r, int64_t v, char buf[128])
{
	if (r->prep.ratio > 0 && r->prep.ratio != 1)
		v = f64_to_i64((double)v * r->prep.ratio);
	return units_label(buf, 128, v, r->prep.sample_unit, r->output_unit);
}

void report_output_unit(const struct rgraph *g, int64_t total, double ratio,
			const char *sample_unit, char unit[64])
{
	int64_t minv = 0, maxv;
	const char *min_unit, *max_unit, *pick;

	if (strcmp(unit, "minimum") != 0 || g->n_nodes == 0)
		return;
	for (size_t i = 0; i < g->n_nodes; i++) {
		int64_t v = go_abs64(rnode_flat(g, g->nodes[i]));
		if (v == 0)
			v = go_abs64(rnode_cum(g, g->nodes[i]));
		if (v > 0 && (minv == 0 || v < minv))
			minv = v;
	}
	maxv = total;
	if (minv == 0)
		minv = maxv;
	if (ratio > 0 && ratio != 1) {
		minv = f64_to_i64((double)minv * ratio);
		maxv = f64_to_i64((double)maxv * ratio);
	}
	units_scale(minv, sample_unit, "minimum", &min_unit);
	units_scale(maxv, sample_unit, "minimum", &max_unit);
	pick = min_unit;
	if (strcmp(min_unit, max_unit) != 0 && go_mul64(minv, 100) < maxv)
		units_scale(go_mul64(minv, 100), sample_unit, "minimum", &pick);
	snprintf(unit, 64, "%s", pick[0] ? pick : sample_unit);
}

void report_select_unit(struct report *r, const struct rgraph *g)
{
	report_output_unit(g, r->prep.total, r->prep.ratio, r->prep.sample_unit, r->output_unit);
}

/* ---- header lines ---- */

void report_add_time(struct kbuf *out, int64_t ns)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t sec = (time_t)(ns / 1000000000);
	struct tm tm;
	int h;

	if (ns % 1000000000 < 0)
		sec--;
	if (!localtime_r(&sec, &tm)) {
		kbuf_addf(out, "%" PRId64, ns);
		return;
	}
	h = tm.tm_hour % 12;
	if (h == 0)
		h = 12;
	kbuf_addf(out, "%s %d, %d at %d:%02d%s (%s)", mon[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900,
		  h, tm.tm_min, tm.tm_hour >= 12 ? "pm" : "am", tm.tm_zone ? tm.tm_zone : "UTC");
}

void report_profile_labels(const struct report *r, struct kbuf *out)
{
	const struct profile *p = r->p;
	char buf[128];

	if (p->n_mappings > 0) {
		const char *file = profile_get_str(p, p->mappings[0].filename);
		const char *bid = profile_get_str(p, p->mappings[0].build_id);
		if (file[0]) {
			kbuf_addstr(out, "File: ");
			path_base(out, file);
			kbuf_addch(out, '\n');
		}
		if (bid[0])
			kbuf_addf(out, "Build ID: %s\n", bid);
	}
	for (size_t i = 0; i < p->n_comments; i++) {
		const char *c = profile_get_str(p, p->comments[i]);
		if (c[0] != '#')
			kbuf_addf(out, "%s\n", c);
	}
	if (r->prep.sample_type[0])
		kbuf_addf(out, "Type: %s\n", r->prep.sample_type);
	if (p->time_nanos) {
		kbuf_addstr(out, "Time: ");
		report_add_time(out, p->time_nanos);
		kbuf_addch(out, '\n');
	}
	if (p->duration_nanos) {
		const char *tu;
		double tn = units_scale(r->prep.total, r->prep.sample_unit, "nanoseconds", &tu);
		char dur[128], pct[32];

		units_label(dur, sizeof(dur), p->duration_nanos, "nanoseconds", "auto");
		kbuf_addf(out, "Duration: %s, Total samples = %s ", dur, report_value_str(r, r->prep.total, buf));
		if (!strcmp(tu, "ns") && tn != 0)
			kbuf_addf(out, "(%s)", units_percent(pct, f64_to_i64(tn), p->duration_nanos));
		kbuf_addch(out, '\n');
	}
}

void report_trimmed_graph(struct report *r, struct rtable *t, struct rgraph *g, struct kbuf *out)
{
	struct rtable_opts to;
	struct rgraph_opts go;
	struct rtrim_opts tr = { r->nodefraction, r->edgefraction, r->nodecount, r->o->cum };
	struct rtrim_result res;

	report_table_opts(r, &to, false);
	rtable_build(t, r->p, &to);
	report_graph_opts(r, &go);
	rgraph_build_trimmed(g, t, &go, &tr, &res);
	report_select_unit(r, g);
	report_graph_labels(r, g, res.orig_count, res.dropped_nodes, out);
}

void report_graph_labels(struct report *r, const struct rgraph *g, size_t orig_count,
			 size_t dropped_nodes, struct kbuf *out)
{
	int64_t flat_sum = 0;
	char a[128], b[128], pct[32];
	const char *ps;

	if (!r->o->compact_labels)
		report_profile_labels(r, out);
	for (size_t i = 0; i < g->n_nodes; i++)
		flat_sum = go_add64(flat_sum, rnode_flat(g, g->nodes[i]));
	if (r->n_filters) {
		kbuf_addstr(out, "Active filters:\n");
		kbuf_add(out, r->filters.buf, r->filters.len);
	}
	units_percent(pct, flat_sum, r->prep.total);
	for (ps = pct; *ps == ' '; ps++)
		;
	kbuf_addf(out, "Showing nodes accounting for %s, %s of %s total\n",
		  report_value_str(r, flat_sum, a), ps, report_value_str(r, r->prep.total, b));
	if (r->prep.total != 0) {
		if (dropped_nodes > 0)
			kbuf_addf(out, "Dropped %zu node%s (cum <= %s)\n", dropped_nodes,
				  dropped_nodes > 1 ? "s" : "",
				  report_value_str(r, go_abs64(f64_to_i64((double)r->prep.total * r->nodefraction)), a));
		if (g->n_nodes > 0 && g->n_nodes < orig_count)
			kbuf_addf(out, "Showing top %zu nodes out of %zu\n", g->n_nodes, orig_count);
	}
}

void report_table_opts(const struct report *r, struct rtable_opts *to, bool obj_names)
{
	memset(to, 0, sizeof(*to));
	to->obj_names = obj_names;
	to->trim_path = r->o->trim_path;
	to->source_path = r->o->source_path;
}

void report_graph_opts(const struct report *r, struct rgraph_opts *go)
{
	memset(go, 0, sizeof(*go));
	go->value_index = r->prep.value_index;
	go->mean = r->prep.mean;
	go->drop_negative = r->o->drop_negative;
	go->edges = true;
}
