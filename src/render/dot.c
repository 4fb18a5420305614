/* pprof's call graph in Graphviz DOT (internal/graph/dotgraph.go and
 * report.go's newTrimmedGraph in visual mode), on the report module's
 * graph: the node cut by cum, the entropy order that picks the nodecount
 * most informative nodes, the edge cut, and removal of residual edges that
 * another path already explains. Output follows pprof's attributes (font
 * size from flat, colours from cum, edge weight and pen width from the edge
 * value) so the node and edge sets can be compared with `go tool pprof -dot`.
 * Not drawn: label "nodelets" (pprof's per-node tag boxes). */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/hashmap.h"
#include "../base/num.h"
#include "../base/units.h"
#include "../base/vec.h"
#include "escape.h"
#include "render.h"

/* ---- entropy order (graph.go: entropyScore, Nodes.Sort(EntropyOrder)) ---- */

static double edge_entropy(const struct rgraph *g, const uint32_t *list, uint32_t cnt, int64_t self)
{
	double score = 0;
	int64_t total = self;

	for (uint32_t i = 0; i < cnt; i++) {
		int64_t w = g->edges[list[i]].weight;
		if (w > 0)
			total = go_add64(total, w);
	}
	if (total == 0)
		return 0;
	for (uint32_t i = 0; i < cnt; i++) {
		double frac = (double)go_abs64(g->edges[list[i]].weight) / (double)total;
		if (frac > 0)
			score += -frac * log2(frac);
	}
	if (self > 0) {
		double frac = (double)go_abs64(self) / (double)total;
		score += -frac * log2(frac);
	}
	return score;
}

struct esort {
	struct rgraph *g;
	int64_t *score;
};

static int entropy_cmp(const void *a, const void *b, void *arg)
{
	const struct esort *c = arg;
	uint32_t l = *(const uint32_t *)a, r = *(const uint32_t *)b;
	int64_t x = go_abs64(c->score[l]), y = go_abs64(c->score[r]);
	int s;

	if (x != y)
		return x > y ? -1 : 1;
	s = strcmp(rtable_name(c->g->t, l), rtable_name(c->g->t, r));
	if (s)
		return s;
	x = go_abs64(c->g->flat[l]);
	y = go_abs64(c->g->flat[r]);
	if (x != y)
		return x > y ? -1 : 1;
	return l < r ? -1 : l > r;
}

/* Needs rgraph_link() done over the edges that count. */
static void sort_entropy(struct rgraph *g)
{
	struct esort c = { g, xcalloc(g->t->n + 1, sizeof(int64_t)) };

	for (size_t i = 0; i < g->n_nodes; i++) {
		uint32_t n = g->nodes[i];
		double score = 0;

		if (g->in_cnt[n] == 0)
			score++;
		else
			score += edge_entropy(g, g->adj + g->in_off[n], g->in_cnt[n], 0);
		if (g->out_cnt[n] == 0)
			score++;
		else
			score += edge_entropy(g, g->adj + g->out_off[n], g->out_cnt[n], g->flat[n]);
		c.score[n] = go_add64(f64_to_i64(score * (double)g->cum[n]), g->flat[n]);
	}
	qsort_r(g->nodes, g->n_nodes, sizeof(*g->nodes), entropy_cmp, &c);
	free(c.score);
}

/* ---- redundant residual edges (graph.go: RemoveRedundantEdges) ---- */

static bool is_redundant(struct rgraph *g, uint32_t ei, uint8_t *seen, uint32_t *queue)
{
	const struct redge *e = &g->edges[ei];
	size_t head = 0, tail = 0;
	bool found = false;

	memset(seen, 0, g->t->n + 1);
	seen[e->dst] = 1;
	queue[tail++] = e->dst;
	while (head < tail && !found) {
		uint32_t n = queue[head++];
		for (uint32_t k = 0; k < g->in_cnt[n]; k++) {
			uint32_t j = g->adj[g->in_off[n] + k];
			const struct redge *ie = &g->edges[j];
			if (ie->removed || j == ei || seen[ie->src])
				continue;
			if (ie->src == e->src) {
				found = true;
				break;
			}
			seen[ie->src] = 1;
			queue[tail++] = ie->src;
		}
	}
	return found;
}

static void remove_redundant(struct rgraph *g)
{
	uint8_t *seen = xmalloc(g->t->n + 1);
	uint32_t *queue = xmalloc((g->t->n + 1) * sizeof(uint32_t));

	for (size_t i = g->n_nodes; i-- > 0;) {
		size_t cnt;
		uint32_t *in = rgraph_in_edges(g, g->nodes[i], &cnt);
		for (size_t j = cnt; j-- > 0;) {
			if (!g->edges[in[j]].residual)
				break;
			if (is_redundant(g, in[j], seen, queue))
				g->edges[in[j]].removed = true;
		}
		free(in);
	}
	free(seen);
	free(queue);
}

/* ---- label tags (graph.go: addSample, countTags) ---- */

/* pprof draws a node's sample labels as "nodelets" and, when choosing the
 * nodecount nodes to show, counts each node as 1 + its tags (at most 4).
 * A string tag is a sample's whole sorted label set; a numeric tag is a
 * "bytes" label value (newGraph drops other numeric labels). kiln does not
 * draw nodelets, but counts them the same way so the same nodes are kept. */
struct tag_entry {
	uint32_t node;
	int64_t flat, cum;
};

static uint64_t label_set_hash(const struct profile *p, const struct pf_sample *s)
{
	const struct pf_label *l = pf_sample_labels(p, s);
	uint64_t h = 0;

	/* order-independent: a sum of per-label hashes */
	for (uint32_t i = 0; i < s->n_lab; i++) {
		const char *k = profile_get_str(p, l[i].key), *v;
		uint64_t x;
		if (!l[i].str || !strcmp(k, "pprof::base"))
			continue;
		v = profile_get_str(p, l[i].str);
		x = hash_bytes(k, strlen(k), 1);
		x = hash_bytes(v, strlen(v), x);
		h += hash_u64(x);
	}
	return h;
}

/* Number of tags (capped at 4) with flat value whose flat or cum reaches
 * cutoff, per node id. Caller frees. */
static uint8_t *count_tags(struct rview *v, const uint8_t *kept, int64_t cutoff)
{
	const struct profile *p = v->p;
	const struct rtable *t = &v->t;
	struct u64map ix = U64MAP_INIT;
	VEC(struct tag_entry) tags = VEC_INIT;
	uint32_t *stamp = xcalloc(t->n + 1, sizeof(uint32_t));
	uint8_t *count = xcalloc(t->n + 1, 1);
	int64_t bytes_key = -1;

	for (size_t i = 1; i < p->strings.n; i++)
		if (!strcmp(strtab_get(&p->strings, i), "bytes")) {
			bytes_key = (int64_t)i;
			break;
		}
	for (size_t si = 0; si < p->n_samples; si++) {
		const struct pf_sample *s = &p->samples[si];
		const struct pf_label *l = pf_sample_labels(p, s);
		const uint64_t *locs = pf_sample_locs(p, s);
		int64_t w = rview_value(v, s);
		uint64_t lh, keys[8];
		size_t nk = 0;
		uint32_t leaf = UINT32_MAX, mark = (uint32_t)si + 1;

		if (!s->n_lab || w == 0)
			continue;
		lh = label_set_hash(p, s);
		if (lh)
			keys[nk++] = lh;
		for (uint32_t i = 0; i < s->n_lab && nk < 8; i++)
			if (!l[i].str && (int64_t)l[i].key == bytes_key)
				keys[nk++] = hash_u64(lh ^ hash_u64((uint64_t)l[i].num) ^ 0x6e756d);
		if (!nk)
			continue;
		for (uint32_t i = s->n_loc; i-- > 0;) {
			size_t li = profile_location_index(p, locs[i]);
			if (li == SIZE_MAX)
				continue;
			for (uint32_t k = t->loc_cnt[li]; k-- > 0;) {
				uint32_t n = t->loc_nodes[t->loc_off[li] + k];
				bool is_leaf = i == 0 && k == 0;
				if (kept && !kept[n])
					continue;
				if (is_leaf)
					leaf = n;
				if (stamp[n] == mark)
					continue;
				stamp[n] = mark;
				for (size_t j = 0; j < nk; j++) {
					bool added;
					uint64_t *slot = u64map_slot(&ix, hash_u64(keys[j] ^ ((uint64_t)n << 1)) | 1,
								     tags.n, &added);
					if (added) {
						struct tag_entry *e = vec_add(&tags);
						e->node = n;
					}
					tags.v[*slot].cum += w;
				}
			}
		}
		if (leaf == UINT32_MAX)
			continue;
		for (size_t j = 0; j < nk; j++) {
			bool added;
			uint64_t *slot = u64map_slot(&ix, hash_u64(keys[j] ^ ((uint64_t)leaf << 1)) | 1,
						     tags.n, &added);
			if (added) {
				struct tag_entry *e = vec_add(&tags);
				e->node = leaf;
			}
			tags.v[*slot].flat += w;
		}
	}
	for (size_t i = 0; i < tags.n; i++) {
		const struct tag_entry *e = &tags.v[i];
		if (e->flat != 0 && (go_abs64(e->flat) >= cutoff || go_abs64(e->cum) >= cutoff) &&
		    count[e->node] < 4)
			count[e->node]++;
	}
	vec_free(&tags);
	u64map_release(&ix);
	free(stamp);
	return count;
}

/* ---- trimming (report.go: newTrimmedGraph, visual mode) ---- */

struct trimmed {
	size_t orig_count, dropped_nodes, dropped_edges;
};

static void build_graph(struct rview *v, const struct dot_opts *o, struct rgraph *g,
			struct trimmed *res)
{
	struct rgraph_opts go;
	int64_t total = 0, node_cut, edge_cut;
	uint8_t *kept = xcalloc(v->t.n + 1, 1);
	double nf = o->trim ? o->nodefraction : 0, ef = o->trim ? o->edgefraction : 0;
	int nodecount = !o->trim ? 0 : o->nodecount < 0 ? 80 : o->nodecount;

	memset(res, 0, sizeof(*res));
	memset(&go, 0, sizeof(go));
	go.value_index = v->prep.value_index;
	go.mean = v->prep.mean;
	go.drop_negative = v->o->drop_negative;
	go.edges = true;
	rgraph_build(g, &v->t, &go, NULL);
	for (size_t i = 0; i < g->n_nodes; i++)
		total = go_add64(total, g->flat[g->nodes[i]]);
	node_cut = go_abs64(f64_to_i64((double)total * nf));
	edge_cut = go_abs64(f64_to_i64((double)total * ef));
	if (node_cut > 0) {
		size_t n_kept = 0;
		for (size_t i = 0; i < g->n_nodes; i++)
			if (go_abs64(g->cum[g->nodes[i]]) >= node_cut) {
				kept[g->nodes[i]] = 1;
				n_kept++;
			}
		if (n_kept != g->n_nodes) {
			res->dropped_nodes = g->n_nodes - n_kept;
			rgraph_release(g);
			rgraph_build(g, &v->t, &go, kept);
		}
	}
	res->orig_count = g->n_nodes;
	rgraph_link(g);
	sort_entropy(g);
	if (nodecount > 0) {
		rgraph_trim_edges(g, edge_cut);
		/* selectTopNodes in visual mode: tags count as nodes */
		uint8_t *tags = count_tags(v, node_cut > 0 && res->dropped_nodes ? kept : NULL, node_cut);
		size_t max_nodes = (size_t)nodecount, count = 0;
		for (size_t i = 0; i < g->n_nodes; i++) {
			count += tags[g->nodes[i]] + 1u;
			if (count >= (size_t)nodecount) {
				max_nodes = i + 1;
				break;
			}
		}
		free(tags);
		if (max_nodes < g->n_nodes) {
			memset(kept, 0, v->t.n + 1);
			for (size_t i = 0; i < max_nodes; i++)
				kept[g->nodes[i]] = 1;
			rgraph_release(g);
			rgraph_build(g, &v->t, &go, kept);
			rgraph_link(g);
			sort_entropy(g);
		}
	}
	res->dropped_edges = rgraph_trim_edges(g, edge_cut);
	rgraph_link(g);
	remove_redundant(g);
	rgraph_link(g);
	free(kept);
}

/* EdgeMap.Sort: |weight| descending, then source and destination names. */
static int edge_cmp(const void *x, const void *y, void *arg)
{
	struct rgraph *g = arg;
	const struct redge *a = &g->edges[*(const uint32_t *)x], *b = &g->edges[*(const uint32_t *)y];
	int64_t wa = go_abs64(a->weight), wb = go_abs64(b->weight);
	int s;

	if (wa != wb)
		return wa > wb ? -1 : 1;
	s = strcmp(rtable_name(g->t, a->src), rtable_name(g->t, b->src));
	if (s)
		return s;
	return strcmp(rtable_name(g->t, a->dst), rtable_name(g->t, b->dst));
}

/* ---- output ---- */

struct dotctx {
	struct rview *v;
	struct rgraph *g;
	char unit[64];
};

static void value_label(const struct dotctx *c, int64_t v, struct kbuf *out)
{
	units_add_label(out, v, c->v->prep.sample_unit, c->unit);
}

static void pct(struct kbuf *out, int64_t v, int64_t total)
{
	char buf[32];
	const char *p = units_percent(buf, v, total);

	while (*p == ' ')
		p++;
	kbuf_addstr(out, p);
}

static void select_unit(struct dotctx *c)
{
	rview_select_unit(c->v, c->g, c->unit);
}

/* pprof's dotColor: grey at 0, red towards +1, green towards -1. */
static void dot_color(struct kbuf *out, double score, bool bg)
{
	const double shift = 0.7;
	double sat = bg ? 0.1 : 1.0, val = bg ? 0.93 : 0.7, r, g, b;

	score = fmax(-1.0, fmin(1.0, score));
	if (fabs(score) < 0.2)
		sat *= fabs(score) / 0.2;
	if (score > 0.0)
		score = pow(score, 1.0 - shift);
	if (score < 0.0)
		score = -pow(-score, 1.0 - shift);
	if (score < 0.0) {
		g = val;
		r = val * (1 + sat * score);
	} else {
		r = val;
		g = val * (1 - sat * score);
	}
	b = val * (1 - sat);
	kbuf_addf(out, "#%02x%02x%02x", (unsigned)(uint8_t)(r * 255.0), (unsigned)(uint8_t)(g * 255.0),
		  (unsigned)(uint8_t)(b * 255.0));
}

/* ShortenFunctionName, partially: Go package paths and C++'s anonymous
 * namespace prefix are removed (Java and C++ class shortening is not). */
static const char *shorten(const char *name)
{
	const char *s = name, *after = NULL;

	if (!strncmp(s, "(anonymous namespace)::", 23))
		s += 23;
	for (const char *p = s;;) {
		const char *q = p;
		while (isalnum((unsigned char)*q) || *q == '_' || *q == '-' || *q == '.')
			q++;
		if (q == p || *q != '/')
			break;
		after = p = q + 1;
	}
	return after && *after ? after : s;
}

/* multilinePrintableName: name split at "::" and ".", then file:line. */
static void node_label(const struct rtable *t, uint32_t n, struct kbuf *out)
{
	const struct rinfo *i = &t->info[n];
	const char *name = rtable_str(t, i->name), *file = rtable_str(t, i->file);
	struct kbuf esc = KBUF_INIT;

	if (i->address)
		kbuf_addf(out, "%016" PRIx64 "\\n", i->address);
	if (name[0]) {
		esc_dot(&esc, shorten(name));
		for (const char *p = esc.buf; *p; p++) {
			if (p[0] == ':' && p[1] == ':') {
				kbuf_addstr(out, "\\n");
				p++;
			} else if (*p == '.') {
				kbuf_addstr(out, "\\n");
			} else {
				kbuf_addch(out, *p);
			}
		}
		kbuf_addstr(out, "\\n");
	}
	if (file[0]) {
		const char *base = strrchr(file, '/');
		kbuf_reset(&esc);
		esc_dot(&esc, base ? base + 1 : file);
		if (i->lineno)
			kbuf_addf(out, "%s:%" PRId64 "\\n", esc.buf, i->lineno);
		else
			kbuf_addf(out, "%s\\n", esc.buf);
	} else if (!name[0]) {
		const char *obj = rtable_str(t, i->objfile), *base = strrchr(obj, '/');
		if (obj[0]) {
			kbuf_addch(out, '[');
			esc_dot(out, base ? base + 1 : obj);
			kbuf_addstr(out, "]\\n");
		} else {
			kbuf_addstr(out, "<unknown>\\n");
		}
	}
	kbuf_release(&esc);
}

static void legend(struct dotctx *c, const struct trimmed *tr, const char *title,
		   struct kbuf *out)
{
	const struct profile *p = c->v->p;
	struct kbuf lines = KBUF_INIT, first = KBUF_INIT;
	int64_t flat_sum = 0;

	/* Each legend line is escaped and ended by \l (left-justified). */
#define LINE(...) do { kbuf_reset(&first); kbuf_addf(&first, __VA_ARGS__); \
		esc_dot(&lines, first.buf); \
		kbuf_addstr(&lines, "\\l"); } while (0)
	if (title[0])
		LINE("File: %s", title);
	for (size_t i = 0; i < p->n_comments; i++) {
		const char *cm = profile_get_str(p, p->comments[i]);
		if (cm[0] != '#')
			LINE("%s", cm);
	}
	if (p->n_mappings > 0 && profile_get_str(p, p->mappings[0].build_id)[0])
		LINE("Build ID: %s", profile_get_str(p, p->mappings[0].build_id));
	LINE("Type: %s", c->v->prep.sample_type);
	if (p->time_nanos) {
		struct kbuf tb = KBUF_INIT;
		report_add_time(&tb, p->time_nanos);
		LINE("Time: %s", tb.buf);
		kbuf_release(&tb);
	}
	if (p->duration_nanos) {
		struct kbuf a = KBUF_INIT, pc = KBUF_INIT;
		const char *tu;
		double tn = units_scale(c->v->prep.total, c->v->prep.sample_unit, "nanoseconds", &tu);
		char dur[64], pcb[32];
		units_label(dur, sizeof(dur), p->duration_nanos, "nanoseconds", "auto");
		value_label(c, c->v->prep.total, &a);
		if (!strcmp(tu, "ns") && tn != 0)
			kbuf_addf(&pc, "(%s)", units_percent(pcb, f64_to_i64(tn), p->duration_nanos));
		LINE("Duration: %s, Total samples = %s %s", dur, a.buf, pc.buf);
		kbuf_release(&a);
		kbuf_release(&pc);
	}
	for (size_t i = 0; i < c->g->n_nodes; i++)
		flat_sum = go_add64(flat_sum, rnode_flat(c->g, c->g->nodes[i]));
	{
		struct kbuf a = KBUF_INIT, b = KBUF_INIT, pc = KBUF_INIT;
		value_label(c, flat_sum, &a);
		value_label(c, c->v->prep.total, &b);
		pct(&pc, flat_sum, c->v->prep.total);
		LINE("Showing nodes accounting for %s, %s of %s total", a.buf, pc.buf, b.buf);
		if (c->v->prep.total != 0) {
			if (tr->dropped_nodes) {
				kbuf_reset(&a);
				value_label(c, go_abs64(f64_to_i64((double)c->v->prep.total * c->v->o->nodefraction)), &a);
				LINE("Dropped %zu node%s (cum <= %s)", tr->dropped_nodes,
				     tr->dropped_nodes > 1 ? "s" : "", a.buf);
			}
			if (tr->dropped_edges) {
				kbuf_reset(&a);
				value_label(c, go_abs64(f64_to_i64((double)c->v->prep.total * c->v->o->edgefraction)), &a);
				LINE("Dropped %zu edge%s (freq <= %s)", tr->dropped_edges,
				     tr->dropped_edges > 1 ? "s" : "", a.buf);
			}
			if (c->g->n_nodes > 0 && c->g->n_nodes < tr->orig_count)
				LINE("Showing top %zu nodes out of %zu", c->g->n_nodes, tr->orig_count);
		}
		kbuf_release(&a);
		kbuf_release(&b);
		kbuf_release(&pc);
	}
	kbuf_addstr(&lines, "\\lSee https://git.io/JfYMW for how to read the graph\\l");
#undef LINE
	/* The legend node is named after its first line, as in pprof. */
	{
		const char *end = strstr(lines.buf, "\\l");
		kbuf_addstr(out, "subgraph cluster_L { \"");
		kbuf_add(out, lines.buf, end ? (size_t)(end - lines.buf) : lines.len);
		kbuf_addf(out, "\" [shape=box fontsize=16 label=\"%s\"", lines.buf);
		if (title[0]) {
			kbuf_addstr(out, " tooltip=\"");
			esc_dot(out, title);
			kbuf_addch(out, '"');
		}
		kbuf_addstr(out, "] }\n");
	}
	kbuf_release(&lines);
	kbuf_release(&first);
}

void render_dot(struct rview *v, const struct dot_opts *o, struct kbuf *out)
{
	struct rgraph g;
	struct trimmed tr;
	struct dotctx c;
	uint32_t *id_of;
	double max_flat = 0;
	int64_t total = v->prep.total;
	struct kbuf title = KBUF_INIT, tmp = KBUF_INIT;
	const struct profile *p = v->p;

	build_graph(v, o, &g, &tr);
	c.v = v;
	c.g = &g;
	select_unit(&c);
	if (p->n_mappings > 0) {
		const char *f = profile_get_str(p, p->mappings[0].filename), *base = strrchr(f, '/');
		kbuf_addstr(&title, base ? base + 1 : f);
	}
	kbuf_addstr(out, "digraph \"");
	esc_dot(out, title.len ? title.buf : "unnamed");
	kbuf_addstr(out, "\" {\nnode [style=filled fillcolor=\"#f8f8f8\"]\n");
	legend(&c, &tr, title.buf, out);

	id_of = xcalloc(v->t.n + 1, sizeof(uint32_t));
	for (size_t i = 0; i < g.n_nodes; i++) {
		double f = (double)go_abs64(rnode_flat(&g, g.nodes[i]));
		id_of[g.nodes[i]] = (uint32_t)i + 1;
		if (f > max_flat)
			max_flat = f;
	}
	for (size_t i = 0; i < g.n_nodes; i++) {
		uint32_t n = g.nodes[i];
		int64_t flat = rnode_flat(&g, n), cum = rnode_cum(&g, n);
		int font = 8;
		double score = total ? (double)cum / (double)go_abs64(total) : 0;

		kbuf_addf(out, "N%zu [label=\"", i + 1);
		node_label(&v->t, n, out);
		kbuf_reset(&tmp);
		value_label(&c, flat, &tmp);
		if (flat != 0) {
			kbuf_addf(out, "%s (", tmp.buf);
			pct(out, flat, total);
			kbuf_addch(out, ')');
		} else {
			kbuf_addch(out, '0');
		}
		if (cum != flat) {
			kbuf_addstr(out, flat != 0 ? "\\n" : " ");
			kbuf_reset(&tmp);
			value_label(&c, cum, &tmp);
			kbuf_addf(out, "of %s (", tmp.buf);
			pct(out, cum, total);
			kbuf_addch(out, ')');
		}
		/* pprof's abs64(INT64_MIN) is negative, and the root NaN. */
		if (max_flat != 0 && flat != 0 && (double)go_abs64(flat) <= max_flat)
			font += (int)f64_to_i64(ceil(16.0 * sqrt((double)go_abs64(flat) / max_flat)));
		kbuf_addf(out, "\" id=\"node%zu\" fontsize=%d shape=box tooltip=\"", i + 1, font);
		esc_dot(out, rtable_name(&v->t, n));
		kbuf_addf(out, " (%s)\" color=\"", tmp.buf);
		dot_color(out, score, false);
		kbuf_addstr(out, "\" fillcolor=\"");
		dot_color(out, score, true);
		kbuf_addstr(out, "\"]\n");
	}
	{
		/* All live edges between drawn nodes, heaviest first (EdgeMap.Sort). */
		VEC(uint32_t) es = VEC_INIT;
		for (size_t i = 0; i < g.n_nodes; i++) {
			size_t cnt;
			uint32_t *outs = rgraph_out_edges(&g, g.nodes[i], &cnt);
			for (size_t k = 0; k < cnt; k++)
				if (id_of[g.edges[outs[k]].dst])
					vec_push(&es, outs[k]);
			free(outs);
		}
		if (es.n > 1) /* es.v is NULL without edges */
			qsort_r(es.v, es.n, sizeof(*es.v), edge_cmp, &g);
		for (size_t i = 0; i < es.n; i++) {
			const struct redge *e = &g.edges[es.v[i]];
			int64_t w = redge_weight(e);

			kbuf_reset(&tmp);
			value_label(&c, w, &tmp);
			kbuf_addf(out, "N%" PRIu32 " -> N%" PRIu32 " [label=\" %s%s\"", id_of[e->src],
				  id_of[e->dst], tmp.buf, e->inline_ ? "\\n (inline)" : "");
			if (total != 0) {
				int64_t w100 = go_abs64(go_div64(go_mul64(w, 100), total));
				int64_t w5 = go_abs64(go_div64(go_mul64(w, 5), total));
				int64_t wt = 1 + (w100 < 100 ? w100 : 100);
				int64_t pw = 1 + (w5 < 5 ? w5 : 5);
				if (wt > 1)
					kbuf_addf(out, " weight=%" PRId64, wt);
				if (pw > 1)
					kbuf_addf(out, " penwidth=%" PRId64, pw);
				kbuf_addstr(out, " color=\"");
				dot_color(out, (double)w / (double)go_abs64(total), false);
				kbuf_addch(out, '"');
			}
			for (int k = 0; k < 2; k++) {
				kbuf_addstr(out, k ? " labeltooltip=\"" : " tooltip=\"");
				esc_dot(out, rtable_name(&v->t, e->src));
				kbuf_addstr(out, e->residual ? " ... " : " -> ");
				esc_dot(out, rtable_name(&v->t, e->dst));
				kbuf_addf(out, " (%s)\"", tmp.buf);
			}
			if (e->residual)
				kbuf_addstr(out, " style=\"dotted\"");
			else if (e->inline_)
				kbuf_addstr(out, " style=\"dashed\"");
			kbuf_addstr(out, "]\n");
		}
		vec_free(&es);
	}
	kbuf_addstr(out, "}\n");
	free(id_of);
	kbuf_release(&title);
	kbuf_release(&tmp);
	rgraph_release(&g);
}
