/* The -tree and -peek reports (pprof's printTree): for each node of the
 * trimmed graph, its callers, the node row and its callees, each edge with
 * its weight and its share of the node's cum. -peek keeps only nodes whose
 * name matches the regex, and never trims. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

#include "../base/num.h"
#include "../base/units.h"

static void edge_rows(struct report *r, struct rgraph *g, uint32_t *edges, size_t n,
		      int64_t cum, bool callers, struct kbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct redge *e = &g->edges[edges[i]];
		char v[128], pct[32];

		kbuf_addf(out, "%50s %s |   %s%s\n", report_value_str(r, e->weight, v),
			  units_percent(pct, e->weight, cum),
			  rtable_name(g->t, callers ? e->src : e->dst), e->inline_ ? " (inline)" : "");
	}
}

int report_tree(struct report *r, struct kbuf *out, struct kerr *err)
{
	static const char sep[] = "----------------------------------------------------------+-------------";
	struct rtable t;
	struct rgraph g;
	int64_t flat_sum = 0;
	size_t matched = 0;
	bool peek = r->o->format == REPORT_PEEK;
	int ret = 0;

	report_trimmed_graph(r, &t, &g, out);
	kbuf_addf(out, "%s\n", sep);
	kbuf_addstr(out, "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t \n");
	for (size_t i = 0; i < g.n_nodes; i++) {
		uint32_t n = g.nodes[i], *edges;
		int64_t flat = rnode_flat(&g, n), cum = rnode_cum(&g, n);
		const char *name = rtable_name(&t, n);
		char fv[128], cv[128], p1[32], p2[32], p3[32];
		size_t ne;

		if (peek && !krx_match(&r->prep.symbol, name))
			continue;
		matched++;
		kbuf_addf(out, "%s\n", sep);
		edges = rgraph_in_edges(&g, n, &ne);
		edge_rows(r, &g, edges, ne, cum, true, out);
		free(edges);
		flat_sum = go_add64(flat_sum, flat);
		kbuf_addf(out, "%10s %s %s %10s %s                | %s\n", report_value_str(r, flat, fv),
			  units_percent(p1, flat, r->prep.total), units_percent(p2, flat_sum, r->prep.total),
			  report_value_str(r, cum, cv), units_percent(p3, cum, r->prep.total), name);
		edges = rgraph_out_edges(&g, n, &ne);
		edge_rows(r, &g, edges, ne, cum, false, out);
		free(edges);
	}
	if (g.n_nodes > 0)
		kbuf_addf(out, "%s\n", sep);
	if (peek && matched == 0)
		ret = kerr_set(err, -EINVAL, "no matches found for regexp: %s", r->o->symbol);
	rgraph_release(&g);
	rtable_release(&t);
	return ret;
}
