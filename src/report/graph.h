/* The call graph behind pprof's text reports (internal/graph/graph.go and
 * report.go's newTrimmedGraph), built straight from the columnar Profile.
 *
 * A node table maps every (location, line) of the profile to a node whose
 * identity is pprof's NodeInfo (name, original name, address, file, start
 * line, line number, object file) after aggregation; it is computed once.
 * A graph then accumulates, for a set of kept nodes, flat and cum values and
 * caller→callee edges over all samples: cum counts a node once per sample,
 * flat goes to the innermost line of the leaf location unless that node was
 * trimmed away, edges between lines of one location are inline edges and
 * edges over trimmed nodes are residual. Trimming rebuilds from the samples
 * as pprof does, so numbers match its output exactly.
 *
 * Ownership: the table keeps pointers into the profile's strings and must
 * not outlive the profile (or any change to it); graphs must not outlive
 * their table. All strings returned are owned by the table. */
#ifndef KILN_REPORT_GRAPH_H
#define KILN_REPORT_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/num.h"
#include "../base/strtab.h"
#include "../profile/profile.h"

struct rinfo {
	uint32_t name, orig_name, file, objfile; /* indices into the table's strings */
	uint64_t address;
	int64_t start_line, lineno;
};

struct rtable_opts {
	bool obj_names;       /* keep object files and start lines (list) */
	bool orig_fn_names;   /* keep system (mangled) names */
	const char *trim_path;   /* -trim_path: ':'-separated prefixes, or NULL */
	const char *source_path; /* -source_path, for the trim heuristic, or NULL */
	bool no_trim;         /* skip trimPath altogether (traces) */
};

struct rtable {
	const struct profile *p;
	struct strtab strs;     /* node strings, interned: equal index = equal text */
	struct rinfo *info;     /* node id -> info */
	size_t n;
	uint32_t *loc_off;      /* location index -> first entry in loc_nodes */
	uint32_t *loc_cnt;      /* location index -> entries (max(lines, 1)) */
	uint32_t *loc_nodes;    /* node ids, innermost line first like Location.line */
	char **printable;       /* lazily built PrintableName per node */
	struct arena arena;
};

/* Builds the node table of p (indexed). */
void rtable_build(struct rtable *t, const struct profile *p, const struct rtable_opts *o);
void rtable_release(struct rtable *t);
/* pprof's NodeInfo.PrintableName: "[%016x address] [name] [file:line |
 * file | [objfile] | <unknown>]". Cached; valid until rtable_release. */
const char *rtable_name(struct rtable *t, uint32_t node);
const char *rtable_str(const struct rtable *t, uint32_t idx);

struct redge {
	uint32_t src, dst;
	int64_t weight, weight_div;
	bool residual, inline_, removed;
	uint32_t stamp;
};

struct rgraph_opts {
	int value_index;      /* which sample value */
	bool mean;            /* divide by value[0] (pprof -mean) */
	bool drop_negative;
	bool edges;           /* compute edges (needed for inline markers and trees) */
};

struct rgraph {
	struct rtable *t;
	int64_t *flat, *flat_div, *cum, *cum_div; /* by node id */
	uint32_t *nodes;      /* nodes in the graph, in sorted order once sorted */
	size_t n_nodes;
	struct redge *edges;
	size_t n_edges, cap_edges;
	/* per-node edge lists, built by rgraph_link() over live edges */
	uint32_t *in_off, *in_cnt, *out_off, *out_cnt, *adj;
};

/* Accumulates the samples of t->p. kept (by node id, may be NULL for all)
 * restricts the nodes as pprof's KeptNodes. */
void rgraph_build(struct rgraph *g, struct rtable *t, const struct rgraph_opts *o,
		  const uint8_t *kept);
void rgraph_release(struct rgraph *g);

static inline int64_t rnode_flat(const struct rgraph *g, uint32_t n)
{
	return g->flat_div[n] ? go_div64(g->flat[n], g->flat_div[n]) : g->flat[n];
}
static inline int64_t rnode_cum(const struct rgraph *g, uint32_t n)
{
	return g->cum_div[n] ? go_div64(g->cum[n], g->cum_div[n]) : g->cum[n];
}
static inline int64_t redge_weight(const struct redge *e)
{
	return e->weight_div ? go_div64(e->weight, e->weight_div) : e->weight;
}

/* Sorts g->nodes: by flat (pprof FlatNameOrder) or cum (CumNameOrder). */
void rgraph_sort(struct rgraph *g, bool cum);
/* Removes in-edges of graph nodes lighter than cutoff; returns how many. */
size_t rgraph_trim_edges(struct rgraph *g, int64_t cutoff);
/* Builds per-node in/out lists of live edges (call after trimming). */
void rgraph_link(struct rgraph *g);
/* Live edges into / out of a node, sorted as pprof's EdgeMap.Sort(). The
 * array is owned by the caller (free()). */
uint32_t *rgraph_in_edges(struct rgraph *g, uint32_t n, size_t *count);
uint32_t *rgraph_out_edges(struct rgraph *g, uint32_t n, size_t *count);

struct rtrim_opts {
	double node_fraction, edge_fraction;
	int node_count;       /* 0 = no limit */
	bool cum_sort;
};

struct rtrim_result {
	size_t orig_count, dropped_nodes, dropped_edges;
};

/* pprof's newTrimmedGraph: build, drop nodes under the cum cutoff, sort,
 * keep the top node_count, trim light edges, link. */
void rgraph_build_trimmed(struct rgraph *g, struct rtable *t, const struct rgraph_opts *go,
			  const struct rtrim_opts *to, struct rtrim_result *res);

#endif
