/* The UI's data endpoints. Each turns a view into JSON (or text, or SVG)
 * that the page inserts as text: names from the profile are escaped by
 * esc_json, never interpreted. The flame graph is sent pruned: a subtree
 * request returns frames down to 1/FLAME_RESOLUTION of its root's value,
 * marking frames whose children were left out so the page can ask for
 * them when the user zooms in. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/hashmap.h"
#include "../base/units.h"
#include "../base/vec.h"
#include "../profile/encode.h"
#include "../profile/filter.h"
#include "../render/escape.h"
#include "../render/render.h"
#include "internal.h"

#define FLAME_RESOLUTION 6000   /* ~0.2 px on a 1200 px wide graph */
#define FLAME_MAX_NODES 200000
#define SOURCE_MAX ((size_t)16 << 20)

void api_error(struct web_reply *r, int status, const char *msg)
{
	r->status = status;
	r->type = "text/plain; charset=utf-8";
	kbuf_reset(&r->body);
	kbuf_addstr(&r->body, msg);
	kbuf_addch(&r->body, '\n');
}

static void json_type(struct web_reply *r)
{
	r->type = "application/json; charset=utf-8";
}

void api_meta(struct web_server *s, struct web_reply *r)
{
	const struct profile *p = s->p;
	struct kerr err = KERR_INIT;
	int dflt = profile_sample_index(p, s->dflt.sample_index, &err);
	struct kbuf *b = &r->body;

	json_type(r);
	kbuf_addstr(b, "{\"title\":");
	esc_json_str(b, s->title ? s->title : "");
	kbuf_addstr(b, ",\"sampleTypes\":[");
	for (size_t i = 0; i < p->n_sample_type; i++) {
		kbuf_addstr(b, i ? ",{\"type\":" : "{\"type\":");
		esc_json_str(b, profile_get_str(p, p->sample_type[i].type));
		kbuf_addstr(b, ",\"unit\":");
		esc_json_str(b, profile_get_str(p, p->sample_type[i].unit));
		kbuf_addch(b, '}');
	}
	kbuf_addf(b, "],\"defaultIndex\":%d,\"comments\":[", dflt < 0 ? 0 : dflt);
	for (size_t i = 0; i < p->n_comments; i++) {
		if (i)
			kbuf_addch(b, ',');
		esc_json_str(b, profile_get_str(p, p->comments[i]));
	}
	kbuf_addstr(b, "],\"defaults\":{");
	{
		const struct report_opts *o = &s->dflt;
		const char *names[] = { "f", "i", "h", "s", "si" };
		const char *vals[] = { o->focus, o->ignore, o->hide, o->show, o->sample_index };
		bool first = true;
		for (size_t i = 0; i < 5; i++) {
			if (!vals[i] || !vals[i][0])
				continue;
			kbuf_addf(b, "%s\"%s\":", first ? "" : ",", names[i]);
			esc_json_str(b, vals[i]);
			first = false;
		}
	}
	kbuf_addf(b, "},\"samples\":%zu}", p->n_samples);
}

static void add_notes(struct kbuf *b, const struct rview *v)
{
	const char *p = v->notes.buf;
	bool first = true;

	kbuf_addstr(b, "\"notes\":[");
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);
		kbuf_addstr(b, first ? "" : ",");
		esc_json_str(b, line);
		free(line);
		first = false;
		p += n + (nl ? 1 : 0);
	}
	kbuf_addch(b, ']');
}

static void view_error(struct web_reply *r, const struct kerr *err)
{
	api_error(r, err->code == -EBUSY ? 503 : 400, err->msg[0] ? err->msg : "bad parameters");
}

void api_top(struct web_server *s, const struct web_params *wp, struct web_reply *r)
{
	struct kerr err = KERR_INIT;
	struct web_view *wv;
	struct rgraph g;
	struct rgraph_opts go;
	struct rtrim_opts to;
	struct rtrim_result res;
	struct kbuf *b = &r->body;
	char unit[64], buf[128];

	if (web_view_get(s, wp, &wv, &err) < 0)
		return view_error(r, &err);
	memset(&go, 0, sizeof(go));
	go.value_index = wv->v.prep.value_index;
	go.mean = wv->v.prep.mean;
	go.drop_negative = wv->o.drop_negative;
	memset(&to, 0, sizeof(to));
	/* pprof's web Top: nodecount 500 unless given; trimming as set. */
	to.node_count = wv->o.trim ? (wv->o.nodecount < 0 ? 500 : wv->o.nodecount) : 0;
	to.node_fraction = wv->o.trim ? wv->o.nodefraction : 0;
	to.edge_fraction = wv->o.trim ? wv->o.edgefraction : 0;
	rgraph_build_trimmed(&g, &wv->v.t, &go, &to, &res);
	rview_select_unit(&wv->v, &g, unit);
	json_type(r);
	kbuf_addstr(b, "{\"sampleType\":");
	esc_json_str(b, wv->v.prep.sample_type);
	kbuf_addf(b, ",\"total\":%" PRId64 ",\"totalLabel\":", wv->v.prep.total);
	esc_json_str(b, units_label(buf, sizeof(buf), wv->v.prep.total, wv->v.prep.sample_unit, unit));
	kbuf_addf(b, ",\"shown\":%zu,\"of\":%zu,\"dropped\":%zu,", g.n_nodes, res.orig_count,
		  res.dropped_nodes);
	add_notes(b, &wv->v);
	kbuf_addstr(b, ",\"rows\":[");
	for (size_t i = 0; i < g.n_nodes; i++) {
		uint32_t n = g.nodes[i];
		int64_t flat = rnode_flat(&g, n), cum = rnode_cum(&g, n);

		kbuf_addstr(b, i ? ",[" : "[");
		esc_json_str(b, rtable_name(&wv->v.t, n));
		kbuf_addf(b, ",%" PRId64 ",%" PRId64 ",", flat, cum);
		esc_json_str(b, units_label(buf, sizeof(buf), flat, wv->v.prep.sample_unit, unit));
		kbuf_addch(b, ',');
		esc_json_str(b, units_label(buf, sizeof(buf), cum, wv->v.prep.sample_unit, unit));
		kbuf_addch(b, ']');
	}
	kbuf_addstr(b, "]}");
	rgraph_release(&g);
	web_view_put(s, wv);
}

/* Pre-order listing of a subtree, 8 numbers per frame:
 * id, parent (index in this listing, -1 for the first), name (index in
 * "names"), value, self, kind, truncated (children left out), base. */
void api_flame(struct web_server *s, const struct web_params *wp, struct web_reply *r)
{
	struct kerr err = KERR_INIT;
	struct web_view *wv;
	struct ftree *t;
	struct kbuf *b = &r->body, names = KBUF_INIT;
	struct u64map name_ix = U64MAP_INIT;
	VEC(uint32_t) stack = VEC_INIT;
	VEC(int64_t) parent_pos = VEC_INIT;
	uint32_t root = 0, n_names = 0;
	int64_t cut;
	size_t count = 0;
	char buf[64];

	if (web_view_get(s, wp, &wv, &err) < 0)
		return view_error(r, &err);
	t = web_view_tree(wv);
	if (wp->v[WP_NODE]) {
		root = (uint32_t)strtoul(wp->v[WP_NODE], NULL, 10);
		if (root >= t->count) {
			web_view_put(s, wv);
			return api_error(r, 404, "no such frame (the view changed?)");
		}
	}
	cut = t->n[root].value / FLAME_RESOLUTION;
	json_type(r);
	kbuf_addstr(b, "{\"sampleType\":");
	esc_json_str(b, wv->v.prep.sample_type);
	kbuf_addstr(b, ",\"unit\":");
	esc_json_str(b, wv->v.prep.sample_unit);
	kbuf_addf(b, ",\"total\":%" PRId64 ",\"rootValue\":%" PRId64 ",\"totalLabel\":",
		  wv->v.prep.total, t->n[0].value);
	esc_json_str(b, rview_label(&wv->v, t->n[0].value, buf));
	kbuf_addf(b, ",\"diff\":%s,", wv->v.prep.diff ? "true" : "false");
	add_notes(b, &wv->v);
	kbuf_addstr(b, ",\"nodes\":[");
	vec_push(&stack, root);
	vec_push(&parent_pos, -1);
	while (stack.n) {
		uint32_t i = stack.v[--stack.n];
		int64_t parent = parent_pos.v[--parent_pos.n];
		const struct fnode *n = &t->n[i];
		uint64_t name_key = (uint64_t)n->name, nm;
		bool added, trunc = false;
		uint64_t *slot = u64map_slot(&name_ix, name_key, n_names, &added);
		size_t first_child = stack.n;

		if (added) {
			esc_json_str(&names, ftree_name(t, i));
			kbuf_addch(&names, ',');
			n_names++;
		}
		nm = *slot;
		for (uint32_t c = n->child; c != UINT32_MAX; c = t->n[c].next) {
			if (t->n[c].value <= cut || t->n[c].value <= 0 || count + stack.n >= FLAME_MAX_NODES) {
				trunc = true;
				continue;
			}
			vec_push(&stack, c);
			vec_push(&parent_pos, (int64_t)count);
		}
		/* children were pushed in list order; reverse so they pop in it */
		for (size_t a = first_child, z = stack.n; a + 1 < z; a++, z--) {
			uint32_t tmp = stack.v[a];
			int64_t tp = parent_pos.v[a];
			stack.v[a] = stack.v[z - 1];
			parent_pos.v[a] = parent_pos.v[z - 1];
			stack.v[z - 1] = tmp;
			parent_pos.v[z - 1] = tp;
		}
		kbuf_addf(b, "%s%" PRIu32 ",%" PRId64 ",%" PRIu64 ",%" PRId64 ",%" PRId64 ",%d,%d,%" PRId64,
			  count ? "," : "", i, parent, nm, n->value, n->self, n->kind, trunc ? 1 : 0,
			  n->base);
		count++;
	}
	if (names.len)
		names.buf[--names.len] = 0; /* trailing comma */
	kbuf_addstr(b, "],\"names\":[");
	kbuf_add(b, names.buf, names.len);
	kbuf_addstr(b, "]}");
	kbuf_release(&names);
	u64map_release(&name_ix);
	vec_free(&stack);
	vec_free(&parent_pos);
	web_view_put(s, wv);
}

void api_graph(struct web_server *s, const struct web_params *wp, struct web_reply *r)
{
	struct kerr err = KERR_INIT;
	struct web_view *wv;
	struct dot_opts o;
	struct kbuf dot = KBUF_INIT;
	int ret;

	if (web_view_get(s, wp, &wv, &err) < 0)
		return view_error(r, &err);
	memset(&o, 0, sizeof(o));
	o.nodecount = wv->o.nodecount;
	o.nodefraction = wv->o.nodefraction;
	o.edgefraction = wv->o.edgefraction;
	o.trim = wv->o.trim;
	render_dot(&wv->v, &o, &dot);
	web_view_put(s, wv);
	if ((ret = web_heavy_enter(s, &err)) == 0) {
		ret = render_graphviz(&dot, "svg", &r->body, &err);
		web_heavy_leave(s);
	} else {
		kbuf_release(&dot);
		return view_error(r, &err);
	}
	kbuf_release(&dot);
	if (ret < 0)
		return api_error(r, ret == -ENOENT ? 501 : 500, err.msg);
	r->type = "image/svg+xml";
}

/* -list's reader asks before opening a source file. */
static int source_check(void *ctx, const char *path, struct kerr *err)
{
	const struct web_server *s = ctx;

	return web_roots_check(&s->roots, path, NULL, err);
}

/* The text reports run on a fresh copy: report_generate() filters and
 * aggregates in place, with its own per-format granularity. They are heavy
 * work (seconds on a large profile), done in a heavy slot and no lock. */
static int text_report(struct web_server *s, const struct web_params *wp,
		       enum report_format fmt, struct web_reply *r)
{
	struct report_opts o;
	struct profile *p;
	struct kbuf notes = KBUF_INIT;
	struct kerr err = KERR_INIT;
	int ret;

	if (!wp->v[WP_RE] || !wp->v[WP_RE][0]) {
		api_error(r, 400, "give a regular expression (re=)");
		return -EINVAL;
	}
	web_params_view_opts(wp, &s->dflt, &o);
	o.format = fmt;
	o.symbol = wp->v[WP_RE];
	o.source_path = s->dflt.source_path;
	/* Only regular files under the source roots, whatever a profile names. */
	o.source_check = source_check;
	o.source_check_ctx = s;
	if ((ret = web_heavy_enter(s, &err)) < 0) {
		view_error(r, &err);
		return ret;
	}
	p = render_profile_copy(s->p);
	ret = report_generate(p, &o, &r->body, &notes, &err);
	profile_free(p);
	web_heavy_leave(s);
	if (notes.len) {
		kbuf_addch(&r->body, '\n');
		kbuf_add(&r->body, notes.buf, notes.len);
	}
	kbuf_release(&notes);
	r->type = "text/plain; charset=utf-8";
	if (ret < 0 && r->body.len == 0)
		api_error(r, 400, err.msg);
	else if (ret < 0)
		kbuf_addf(&r->body, "\n%s\n", err.msg);
	return ret;
}

void api_peek(struct web_server *s, const struct web_params *wp, struct web_reply *r)
{
	text_report(s, wp, REPORT_PEEK, r);
}

void api_files(struct web_server *s, struct web_reply *r)
{
	json_type(r);
	kbuf_addstr(&r->body, "{\"files\":[");
	for (size_t i = 0; i < s->n_files; i++) {
		if (i)
			kbuf_addch(&r->body, ',');
		esc_json_str(&r->body, s->files[i]);
	}
	kbuf_addstr(&r->body, "]}");
}

/* Where a profile's file name is on this machine: an absolute name as it
 * is, a relative one under the first root that has it. Then the roots'
 * rule: 0 and *real, or -EACCES / -ENOENT with err set. */
static int resolve_source(const struct web_server *s, const char *path, char **real,
			  struct kerr *err)
{
	struct kbuf b = KBUF_INIT;
	int ret;

	for (size_t i = 0; path[0] != '/' && i < s->roots.n; i++) {
		kbuf_reset(&b);
		kbuf_addf(&b, "%s/%s", s->roots.dirs[i], path);
		if (access(b.buf, F_OK) == 0)
			path = b.buf;
	}
	ret = web_roots_check(&s->roots, path, real, err);
	kbuf_release(&b);
	return ret;
}

/* One source file with flat and cum per line, from the view at line
 * granularity. */
static void source_file(struct web_server *s, const struct web_params *wp, struct web_reply *r)
{
	const char *path = wp->v[WP_FILE];
	struct kerr err = KERR_INIT;
	struct kbuf text = KBUF_INIT, *b = &r->body;
	struct web_params lp;
	struct web_view *wv;
	struct rgraph g;
	struct rgraph_opts go;
	int64_t *flat = NULL, *cum = NULL;
	size_t nlines = 0;
	char unit[64], buf[128], *real = NULL;
	int ret;

	if (web_source_path_ok(path, (const char *const *)s->files, s->n_files, &err) < 0)
		return api_error(r, 403, err.msg);
	if ((ret = resolve_source(s, path, &real, &err)) < 0) {
		snprintf(buf, sizeof(buf), "%s: %s", path, err.msg);
		return api_error(r, ret == -EACCES ? 403 : 404, buf);
	}
	ret = kbuf_read_file(&text, real, SOURCE_MAX);
	free(real);
	if (ret < 0) {
		kbuf_release(&text);
		snprintf(buf, sizeof(buf), "cannot read the file: %s", strerror(-ret));
		return api_error(r, 404, buf);
	}
	for (size_t i = 0; i < text.len; i++)
		nlines += text.buf[i] == '\n';
	nlines += 2;
	memset(&lp, 0, sizeof(lp));
	for (size_t k = 0; k < WP_COUNT; k++)
		lp.v[k] = wp->v[k];
	lp.v[WP_G] = (char *)"lines";
	if (web_view_get(s, &lp, &wv, &err) < 0) {
		kbuf_release(&text);
		return view_error(r, &err);
	}
	memset(&go, 0, sizeof(go));
	go.value_index = wv->v.prep.value_index;
	go.mean = wv->v.prep.mean;
	rgraph_build(&g, &wv->v.t, &go, NULL);
	rview_select_unit(&wv->v, &g, unit);
	flat = xcalloc(nlines, sizeof(int64_t));
	cum = xcalloc(nlines, sizeof(int64_t));
	{
		/* The node table's file names are cleaned; compare on the end
		 * of the path so "./a.c" and "a.c" agree. */
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		for (size_t i = 0; i < g.n_nodes; i++) {
			const struct rinfo *ri = &wv->v.t.info[g.nodes[i]];
			const char *f = rtable_str(&wv->v.t, ri->file), *fb = strrchr(f, '/');
			fb = fb ? fb + 1 : f;
			if (strcmp(fb, base) || ri->lineno <= 0 || (size_t)ri->lineno >= nlines)
				continue;
			flat[ri->lineno] += rnode_flat(&g, g.nodes[i]);
			cum[ri->lineno] += rnode_cum(&g, g.nodes[i]);
		}
	}
	json_type(r);
	kbuf_addstr(b, "{\"file\":");
	esc_json_str(b, path);
	kbuf_addstr(b, ",\"lines\":[");
	{
		size_t ln = 1;
		char *p = text.buf;
		while (*p) {
			char *nl = strchr(p, '\n');
			if (nl)
				*nl = 0;
			kbuf_addstr(b, ln > 1 ? ",[" : "[");
			esc_json_str(b, flat[ln] ? units_label(buf, sizeof(buf), flat[ln], wv->v.prep.sample_unit, unit) : "");
			kbuf_addch(b, ',');
			esc_json_str(b, cum[ln] ? units_label(buf, sizeof(buf), cum[ln], wv->v.prep.sample_unit, unit) : "");
			kbuf_addch(b, ',');
			esc_json_str(b, p);
			kbuf_addch(b, ']');
			ln++;
			if (!nl || ln >= nlines)
				break;
			p = nl + 1;
		}
	}
	kbuf_addstr(b, "]}");
	free(flat);
	free(cum);
	rgraph_release(&g);
	web_view_put(s, wv);
	kbuf_release(&text);
}

void api_source(struct web_server *s, const struct web_params *wp, struct web_reply *r)
{
	if (wp->v[WP_FILE])
		source_file(s, wp, r);
	else
		text_report(s, wp, REPORT_LIST, r);
}

void api_download(struct web_server *s, struct web_reply *r)
{
	struct kerr err = KERR_INIT;
	int ret = 0;

	pthread_mutex_lock(&s->download_lock);
	if (!s->download.len && (ret = profile_encode_gzip(s->p, &s->download, &err)) < 0)
		kbuf_reset(&s->download);
	if (ret == 0)
		kbuf_add(&r->body, s->download.buf, s->download.len);
	pthread_mutex_unlock(&s->download_lock);
	if (ret < 0)
		return api_error(r, 500, err.msg);
	r->type = "application/vnd.google.protobuf+gzip";
	r->disposition = "attachment;filename=profile.pb.gz";
}
