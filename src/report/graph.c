/* Node table, graph accumulation, sorting and trimming (see graph.h).
 *
 * The hot loop is rgraph_build(): one walk over every sample's frames,
 * root to leaf. A frame costs an array lookup for its nodes, a stamp
 * compare for "counted once per sample", and, when edges are wanted, one
 * hash probe for the caller→callee pair. Everything is arrays indexed by
 * node id; nothing is allocated per sample. */
#include "graph.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/num.h"
#include "../base/dedup.h"
#include "edgemap.h"
#include "paths.h"

/* ---- node table ---- */

struct table_build {
	struct rtable *t;
	struct dedup d;
	uint32_t *fn_name, *fn_orig, *fn_file; /* per function index, interned */
	uint32_t *map_obj;                     /* per mapping index */
};

static bool info_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct rinfo *x = &((struct rtable *)ctx)->info[a];
	const struct rinfo *y = &((struct rtable *)ctx)->info[b];

	return x->name == y->name && x->orig_name == y->orig_name && x->file == y->file &&
	       x->objfile == y->objfile && x->address == y->address &&
	       x->start_line == y->start_line && x->lineno == y->lineno;
}

static uint32_t intern(struct rtable *t, const char *s)
{
	return strtab_intern_cstr(&t->strs, s);
}

/* Returns the node with that info, adding it (t->info has room for one
 * more, see the caller). */
static uint32_t find_or_add(struct table_build *b, const struct rinfo *ri)
{
	struct rtable *t = b->t;
	uint64_t h = 7;
	uint32_t got;

	h = dedup_mix(h, ri->name);
	h = dedup_mix(h, ri->orig_name);
	h = dedup_mix(h, ri->file);
	h = dedup_mix(h, ri->objfile);
	h = dedup_mix(h, ri->address);
	h = dedup_mix(h, (uint64_t)ri->start_line);
	h = dedup_mix(h, (uint64_t)ri->lineno);
	t->info[t->n] = *ri;
	got = dedup_insert(&b->d, h, (uint32_t)t->n, info_eq, t);
	if (got == t->n)
		t->n++;
	return got;
}

void rtable_build(struct rtable *t, const struct profile *p, const struct rtable_opts *o)
{
	struct table_build b;
	struct kbuf tmp = KBUF_INIT, clean = KBUF_INIT;
	size_t total = 0, cap_info;

	memset(t, 0, sizeof(*t));
	memset(&b, 0, sizeof(b));
	t->p = p;
	strtab_init(&t->strs);
	b.t = t;
	/* Per function: name, original name, cleaned and trimmed file name. */
	b.fn_name = xcalloc(p->n_functions + 1, sizeof(uint32_t));
	b.fn_orig = xcalloc(p->n_functions + 1, sizeof(uint32_t));
	b.fn_file = xcalloc(p->n_functions + 1, sizeof(uint32_t));
	for (size_t i = 0; i < p->n_functions; i++) {
		const struct pf_function *f = &p->functions[i];
		const char *file = profile_get_str(p, f->filename);

		b.fn_name[i] = intern(t, profile_get_str(p, f->name));
		if (o->orig_fn_names)
			b.fn_orig[i] = intern(t, profile_get_str(p, f->system_name));
		if (file[0]) {
			kbuf_reset(&tmp);
			kbuf_reset(&clean);
			if (o->no_trim)
				kbuf_addstr(&tmp, file);
			else
				path_trim(&tmp, file, o->trim_path, o->source_path);
			if (tmp.len) {
				path_clean(&clean, tmp.buf);
				b.fn_file[i] = intern(t, clean.buf);
			}
		}
	}
	b.map_obj = xcalloc(p->n_mappings + 1, sizeof(uint32_t));
	for (size_t i = 0; i < p->n_mappings; i++)
		b.map_obj[i] = intern(t, profile_get_str(p, p->mappings[i].filename));

	t->loc_off = xmalloc((p->n_locations + 1) * sizeof(uint32_t));
	t->loc_cnt = xmalloc((p->n_locations + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < p->n_locations; i++) {
		uint32_t c = p->locations[i].n_line ? p->locations[i].n_line : 1;
		t->loc_off[i] = (uint32_t)total;
		t->loc_cnt[i] = c;
		total += c;
	}
	t->loc_nodes = xmalloc((total + 1) * sizeof(uint32_t));
	cap_info = 64;
	t->info = xmalloc(cap_info * sizeof(*t->info));
	for (size_t i = 0; i < p->n_locations; i++) {
		const struct pf_location *l = &p->locations[i];
		const struct pf_line *ln = pf_location_lines(p, l);
		const struct pf_mapping *m = l->mapping_id ? profile_mapping(p, l->mapping_id) : NULL;
		uint32_t obj = m ? b.map_obj[m - p->mappings] : 0;

		for (uint32_t k = 0; k < t->loc_cnt[i]; k++) {
			struct rinfo ri;

			memset(&ri, 0, sizeof(ri));
			ri.address = l->address;
			if (l->n_line == 0) {
				ri.objfile = obj;
			} else {
				const struct pf_function *f = profile_function(p, ln[k].function_id);
				size_t fi = (size_t)(f - p->functions);
				ri.lineno = ln[k].line;
				ri.name = b.fn_name[fi];
				ri.file = b.fn_file[fi];
				ri.orig_name = b.fn_orig[fi];
				if (o->obj_names || (ri.name == 0 && ri.orig_name == 0)) {
					ri.objfile = obj;
					ri.start_line = f->start_line;
				}
			}
			t->info = xgrow(t->info, &cap_info, t->n + 1, sizeof(*t->info));
			t->loc_nodes[t->loc_off[i] + k] = find_or_add(&b, &ri);
		}
	}
	t->printable = xcalloc(t->n + 1, sizeof(char *));
	free(b.fn_name);
	free(b.fn_orig);
	free(b.fn_file);
	free(b.map_obj);
	dedup_release(&b.d);
	kbuf_release(&tmp);
	kbuf_release(&clean);
}

void rtable_release(struct rtable *t)
{
	strtab_release(&t->strs);
	arena_release(&t->arena);
	free(t->info);
	free(t->loc_off);
	free(t->loc_cnt);
	free(t->loc_nodes);
	free(t->printable);
	memset(t, 0, sizeof(*t));
}

const char *rtable_str(const struct rtable *t, uint32_t idx)
{
	return strtab_get(&t->strs, idx);
}

const char *rtable_name(struct rtable *t, uint32_t node)
{
	const struct rinfo *i = &t->info[node];
	struct kbuf b = KBUF_INIT;
	bool any = false;

	if (t->printable[node])
		return t->printable[node];
	if (i->address) {
		kbuf_addf(&b, "%016" PRIx64, i->address);
		any = true;
	}
	if (i->name) {
		kbuf_addf(&b, "%s%s", any ? " " : "", rtable_str(t, i->name));
		any = true;
	}
	if (i->lineno)
		kbuf_addf(&b, "%s%s:%" PRId64, any ? " " : "", rtable_str(t, i->file), i->lineno);
	else if (i->file)
		kbuf_addf(&b, "%s%s", any ? " " : "", rtable_str(t, i->file));
	else if (i->name)
		;
	else if (i->objfile) {
		struct kbuf base = KBUF_INIT;
		path_base(&base, rtable_str(t, i->objfile));
		kbuf_addf(&b, "%s[%s]", any ? " " : "", base.buf);
		kbuf_release(&base);
	} else
		kbuf_addf(&b, "%s<unknown>", any ? " " : "");
	t->printable[node] = arena_strndup(&t->arena, b.buf, b.len);
	kbuf_release(&b);
	return t->printable[node];
}

/* fmt.Sprint(NodeInfo), pprof's last-resort tie breaker. */
static void info_sprint(const struct rtable *t, uint32_t n, struct kbuf *b)
{
	const struct rinfo *i = &t->info[n];

	kbuf_reset(b);
	kbuf_addf(b, "{%s %s %" PRIu64 " %s %" PRId64 " %" PRId64 " %s}", rtable_str(t, i->name),
		  rtable_str(t, i->orig_name), i->address, rtable_str(t, i->file), i->start_line,
		  i->lineno, rtable_str(t, i->objfile));
}

/* ---- graph ---- */

/* Moves the accumulated pairs into g->edges. */
static void edge_map_finish(struct edge_map *m, struct rgraph *g)
{
	const int64_t *div = edge_divs(m);

	g->edges = xmalloc((m->t.n + 1) * sizeof(*g->edges));
	g->cap_edges = m->t.n + 1;
	for (size_t i = 0; i < m->t.cap; i++) {
		const struct eslot *s = &edge_slots(m)[i];
		struct redge *e;
		if (!s->key)
			continue;
		e = &g->edges[g->n_edges++];
		memset(e, 0, sizeof(*e));
		e->src = edge_src(s);
		e->dst = edge_dst(s);
		e->weight = s->weight;
		e->weight_div = div ? div[i] : 0;
		e->residual = s->residual;
		e->inline_ = s->inline_;
	}
	edge_map_release(m);
}

/* profile_location_index() with the dense-id case inlined. */
static inline size_t loc_index(const struct profile *p, uint64_t id)
{
	if (!u64map_size(&p->location_ix) && id - 1 < p->n_locations)
		return (size_t)(id - 1);
	return profile_location_index(p, id);
}

void rgraph_build(struct rgraph *g, struct rtable *t, const struct rgraph_opts *o,
		  const uint8_t *kept)
{
	const struct profile *p = t->p;
	struct edge_map ed;
	uint32_t *stamp;
	size_t nn = t->n;

	memset(g, 0, sizeof(*g));
	edge_map_init(&ed, o->mean);
	g->t = t;
	g->flat = xcalloc(nn + 1, sizeof(int64_t));
	g->flat_div = xcalloc(nn + 1, sizeof(int64_t));
	g->cum = xcalloc(nn + 1, sizeof(int64_t));
	g->cum_div = xcalloc(nn + 1, sizeof(int64_t));
	stamp = xcalloc(nn + 1, sizeof(uint32_t));

	for (size_t si = 0; si < p->n_samples; si++) {
		const struct pf_sample *s = &p->samples[si];
		const uint64_t *locs = pf_sample_locs(p, s);
		const int64_t *v = pf_sample_values(p, s);
		int64_t w = v[o->value_index], dw = o->mean ? v[0] : 0;
		uint32_t mark = (uint32_t)si + 1, parent = UINT32_MAX;
		bool residual = false;

		if (w == 0 && dw == 0)
			continue;
		for (uint32_t i = s->n_loc; i-- > 0;) {
			size_t li = loc_index(p, locs[i]);
			const uint32_t *nodes = t->loc_nodes + t->loc_off[li];
			uint32_t cnt = t->loc_cnt[li];

			for (uint32_t k = cnt; k-- > 0;) {
				uint32_t n = nodes[k];

				if (kept && !kept[n]) {
					residual = true;
					continue;
				}
				if (stamp[n] != mark) {
					stamp[n] = mark;
					g->cum[n] = go_add64(g->cum[n], w); /* Go wraps */
					g->cum_div[n] = go_add64(g->cum_div[n], dw);
				}
				if (o->edges && parent != UINT32_MAX && n != parent) {
					size_t ei = edge_get(&ed, parent, n);
					struct eslot *e = &edge_slots(&ed)[ei];
					if (e->stamp != mark) {
						e->stamp = mark;
						e->weight = go_add64(e->weight, w);
						if (edge_divs(&ed))
							edge_divs(&ed)[ei] = go_add64(edge_divs(&ed)[ei], dw);
						if (residual)
							e->residual = true;
						if (k == cnt - 1)
							e->inline_ = false;
					}
				}
				parent = n;
				residual = false;
			}
		}
		if (parent != UINT32_MAX && !residual) {
			g->flat[parent] = go_add64(g->flat[parent], w);
			g->flat_div[parent] = go_add64(g->flat_div[parent], dw);
		}
	}
	g->nodes = xmalloc((nn + 1) * sizeof(uint32_t));
	for (uint32_t n = 0; n < nn; n++) {
		if (g->cum[n] == 0 && g->flat[n] == 0)
			continue;
		if (o->drop_negative && (g->flat[n] < 0 || (g->flat[n] == 0 && g->cum[n] < 0)))
			continue;
		g->nodes[g->n_nodes++] = n;
	}
	free(stamp);
	edge_map_finish(&ed, g);
}

void rgraph_release(struct rgraph *g)
{
	free(g->flat);
	free(g->flat_div);
	free(g->cum);
	free(g->cum_div);
	free(g->nodes);
	free(g->edges);
	free(g->in_off);
	free(g->in_cnt);
	free(g->out_off);
	free(g->out_cnt);
	free(g->adj);
	memset(g, 0, sizeof(*g));
}

/* ---- sorting ---- */

struct sort_ctx {
	struct rgraph *g;
	bool cum;
	struct kbuf a, b;
};

static int node_cmp(const void *x, const void *y, void *arg)
{
	struct sort_ctx *c = arg;
	struct rgraph *g = c->g;
	uint32_t l = *(const uint32_t *)x, r = *(const uint32_t *)y;
	int64_t lv, rv;
	int s;

	/* pprof compares the raw Flat/Cum fields, not the mean values. */
	lv = go_abs64(c->cum ? g->cum[l] : g->flat[l]);
	rv = go_abs64(c->cum ? g->cum[r] : g->flat[r]);
	if (lv != rv)
		return lv > rv ? -1 : 1;
	s = strcmp(rtable_name(g->t, l), rtable_name(g->t, r));
	if (s)
		return s;
	lv = go_abs64(c->cum ? g->flat[l] : g->cum[l]);
	rv = go_abs64(c->cum ? g->flat[r] : g->cum[r]);
	if (lv != rv)
		return lv > rv ? -1 : 1;
	info_sprint(g->t, l, &c->a);
	info_sprint(g->t, r, &c->b);
	return strcmp(c->a.buf, c->b.buf);
}

void rgraph_sort(struct rgraph *g, bool cum)
{
	struct sort_ctx c = { g, cum, KBUF_INIT, KBUF_INIT };

	qsort_r(g->nodes, g->n_nodes, sizeof(*g->nodes), node_cmp, &c);
	kbuf_release(&c.a);
	kbuf_release(&c.b);
}

/* ---- edges ---- */

size_t rgraph_trim_edges(struct rgraph *g, int64_t cutoff)
{
	uint8_t *in_graph;
	size_t dropped = 0;

	if (cutoff <= 0)
		return 0;
	in_graph = xcalloc(g->t->n + 1, 1);
	for (size_t i = 0; i < g->n_nodes; i++)
		in_graph[g->nodes[i]] = 1;
	/* pprof walks the in-edges of the graph's nodes only. */
	for (size_t i = 0; i < g->n_edges; i++) {
		struct redge *e = &g->edges[i];
		if (!e->removed && in_graph[e->dst] && go_abs64(e->weight) < cutoff) {
			e->removed = true;
			dropped++;
		}
	}
	free(in_graph);
	return dropped;
}

void rgraph_link(struct rgraph *g)
{
	size_t nn = g->t->n, pos = 0;

	free(g->in_off);
	free(g->in_cnt);
	free(g->out_off);
	free(g->out_cnt);
	free(g->adj);
	g->in_off = xcalloc(nn + 1, sizeof(uint32_t));
	g->in_cnt = xcalloc(nn + 1, sizeof(uint32_t));
	g->out_off = xcalloc(nn + 1, sizeof(uint32_t));
	g->out_cnt = xcalloc(nn + 1, sizeof(uint32_t));
	g->adj = xmalloc((2 * g->n_edges + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < g->n_edges; i++) {
		if (g->edges[i].removed)
			continue;
		g->in_cnt[g->edges[i].dst]++;
		g->out_cnt[g->edges[i].src]++;
	}
	for (size_t n = 0; n < nn; n++) {
		g->in_off[n] = (uint32_t)pos;
		pos += g->in_cnt[n];
		g->out_off[n] = (uint32_t)pos;
		pos += g->out_cnt[n];
		g->in_cnt[n] = g->out_cnt[n] = 0;
	}
	for (size_t i = 0; i < g->n_edges; i++) {
		const struct redge *e = &g->edges[i];
		if (e->removed)
			continue;
		g->adj[g->in_off[e->dst] + g->in_cnt[e->dst]++] = (uint32_t)i;
		g->adj[g->out_off[e->src] + g->out_cnt[e->src]++] = (uint32_t)i;
	}
}

static int edge_cmp(const void *x, const void *y, void *arg)
{
	struct rgraph *g = arg;
	const struct redge *l = &g->edges[*(const uint32_t *)x], *r = &g->edges[*(const uint32_t *)y];
	int s;

	if (l->weight != r->weight) {
		int64_t a = go_abs64(l->weight), b = go_abs64(r->weight);
		if (a != b)
			return a > b ? -1 : 1;
	}
	s = strcmp(rtable_name(g->t, l->src), rtable_name(g->t, r->src));
	if (s)
		return s;
	return strcmp(rtable_name(g->t, l->dst), rtable_name(g->t, r->dst));
}

static uint32_t *sorted_edges(struct rgraph *g, uint32_t off, uint32_t cnt, size_t *count)
{
	uint32_t *v = xmalloc((cnt + 1) * sizeof(uint32_t));

	memcpy(v, g->adj + off, cnt * sizeof(uint32_t));
	qsort_r(v, cnt, sizeof(uint32_t), edge_cmp, g);
	*count = cnt;
	return v;
}

uint32_t *rgraph_in_edges(struct rgraph *g, uint32_t n, size_t *count)
{
	return sorted_edges(g, g->in_off[n], g->in_cnt[n], count);
}

uint32_t *rgraph_out_edges(struct rgraph *g, uint32_t n, size_t *count)
{
	return sorted_edges(g, g->out_off[n], g->out_cnt[n], count);
}

/* ---- trimming ---- */

void rgraph_build_trimmed(struct rgraph *g, struct rtable *t, const struct rgraph_opts *go,
			  const struct rtrim_opts *to, struct rtrim_result *res)
{
	struct rgraph_opts nodes_only = *go;
	int64_t total = 0, node_cutoff, edge_cutoff;
	uint8_t *kept = NULL;
	bool have_edges = false;

	/* Intermediate graphs only choose nodes; edges matter in the final
	 * one alone, so only that build pays for them (pprof rebuilds the
	 * whole graph each time; the nodes and values come out the same). */
	nodes_only.edges = false;
	memset(res, 0, sizeof(*res));
	rgraph_build(g, t, &nodes_only, NULL);
	for (size_t i = 0; i < g->n_nodes; i++)
		total = go_add64(total, g->flat[g->nodes[i]]);
	node_cutoff = go_abs64(f64_to_i64((double)total * to->node_fraction));
	edge_cutoff = go_abs64(f64_to_i64((double)total * to->edge_fraction));
	if (node_cutoff > 0) {
		size_t n_kept = 0;
		kept = xcalloc(t->n + 1, 1);
		for (size_t i = 0; i < g->n_nodes; i++) {
			uint32_t n = g->nodes[i];
			if (go_abs64(g->cum[n]) >= node_cutoff) {
				kept[n] = 1;
				n_kept++;
			}
		}
		if (n_kept != g->n_nodes) {
			res->dropped_nodes = g->n_nodes - n_kept;
			rgraph_release(g);
			/* Without a later cut this is the final graph. */
			have_edges = !(to->node_count > 0 && (size_t)to->node_count < n_kept);
			rgraph_build(g, t, have_edges ? go : &nodes_only, kept);
		} else {
			free(kept);
			kept = NULL;
		}
	}
	res->orig_count = g->n_nodes;
	rgraph_sort(g, to->cum_sort);
	if (to->node_count > 0 && (size_t)to->node_count < g->n_nodes) {
		if (!kept)
			kept = xcalloc(t->n + 1, 1);
		memset(kept, 0, t->n + 1);
		for (size_t i = 0; i < (size_t)to->node_count; i++)
			kept[g->nodes[i]] = 1;
		rgraph_release(g);
		rgraph_build(g, t, go, kept);
		rgraph_sort(g, to->cum_sort);
		have_edges = true;
	}
	if (!have_edges && go->edges) {
		rgraph_release(g);
		rgraph_build(g, t, go, kept);
		rgraph_sort(g, to->cum_sort);
	}
	res->dropped_edges = rgraph_trim_edges(g, edge_cutoff);
	rgraph_link(g);
	free(kept);
}
