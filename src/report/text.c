/* The -top report (pprof's printText): a trimmed graph sorted by flat or
 * cum, one row per node with flat, flat%, running sum%, cum, cum% and the
 * node name, "(inline)" when every caller edge is an inline one. */
#include "internal.h"

#include "../base/num.h"
#include "../base/units.h"

int report_top(struct report *r, struct kbuf *out, struct kerr *err)
{
	struct rtable t;
	struct rgraph g;
	int64_t flat_sum = 0;

	(void)err;
	report_trimmed_graph(r, &t, &g, out);
	kbuf_addf(out, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum");
	for (size_t i = 0; i < g.n_nodes; i++) {
		uint32_t n = g.nodes[i];
		int64_t flat = rnode_flat(&g, n), cum = rnode_cum(&g, n);
		bool inl = false, noinl = false;
		char fv[128], cv[128], p1[32], p2[32], p3[32];

		for (uint32_t k = 0; k < g.in_cnt[n]; k++) {
			if (g.edges[g.adj[g.in_off[n] + k]].inline_)
				inl = true;
			else
				noinl = true;
		}
		flat_sum = go_add64(flat_sum, flat);
		kbuf_addf(out, "%10s %s %s %10s %s  %s%s\n", report_value_str(r, flat, fv),
			  units_percent(p1, flat, r->prep.total), units_percent(p2, flat_sum, r->prep.total),
			  report_value_str(r, cum, cv), units_percent(p3, cum, r->prep.total),
			  rtable_name(&t, n), inl ? (noinl ? " (partial-inline)" : " (inline)") : "");
	}
	rgraph_release(&g);
	rtable_release(&t);
	return 0;
}
