/* perf-report-style histogram (see perfview.h). One pass over the samples
 * computes, per sort-key tuple, the Self value (leaf frame) and the
 * Children value (any frame, once per sample); with -g a second pass
 * builds, for each displayed entry, a trie of call paths that is printed
 * in perf's graph layout. Key strings are interned so tuples compare as
 * integers. */
#include "perfview.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/num.h"
#include "../base/strtab.h"
#include "../base/textsafe.h"
#include "../base/dedup.h"
#include "../profile/filter.h"
#include "paths.h"
#include "perfkeys.h"


struct entry {
	uint32_t comm, dso, sym;  /* interned */
	int64_t pid, tid;
	int64_t self, children;
	uint32_t stamp;
	uint32_t trie;            /* root trie node, 0 = none (node 0 is a sentinel) */
	bool shown;
};

struct trie {
	uint32_t name, child, next; /* child/next: trie indices, 0 = none */
	int64_t value;
};

struct pv {
	const struct profile *p;
	const struct perfview_opts *o;
	struct perf_keys keys;
	struct strtab strs;
	uint32_t *loc_dso, *loc_sym;   /* per location index */
	bool *loc_kernel;
	struct entry *e;
	size_t n, cap;
	struct dedup d;
	struct trie *t;
	size_t nt, capt;
	int64_t total;
	int vi;
};

void perfview_opts_init(struct perfview_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sort = "comm,dso,sym";
}

static void locations(struct pv *v)
{
	const struct profile *p = v->p;
	struct kbuf dso = KBUF_INIT, sym = KBUF_INIT;

	v->loc_dso = xcalloc(p->n_locations + 1, sizeof(uint32_t));
	v->loc_sym = xcalloc(p->n_locations + 1, sizeof(uint32_t));
	v->loc_kernel = xcalloc(p->n_locations + 1, sizeof(bool));
	for (size_t i = 0; i < p->n_locations; i++) {
		kbuf_reset(&dso);
		kbuf_reset(&sym);
		v->loc_kernel[i] = perf_frame_names(p, &p->locations[i], 0, &dso, NULL);
		kbuf_addstr(&sym, v->loc_kernel[i] ? "[k] " : "[.] ");
		perf_frame_names(p, &p->locations[i], 0, NULL, &sym);
		v->loc_dso[i] = strtab_intern(&v->strs, dso.buf, dso.len);
		v->loc_sym[i] = strtab_intern(&v->strs, sym.buf, sym.len);
	}
	kbuf_release(&dso);
	kbuf_release(&sym);
}

static bool entry_eq(void *ctx, uint32_t a, uint32_t b)
{
	const struct pv *v = ctx;
	const struct entry *x = &v->e[a], *y = &v->e[b];

	return x->comm == y->comm && x->dso == y->dso && x->sym == y->sym && x->pid == y->pid &&
	       x->tid == y->tid;
}

/* The entry for a sample's key fields at location li; keys not sorted on
 * are left out of the tuple so that they merge. */
static uint32_t entry_for(struct pv *v, uint32_t comm, int64_t pid, int64_t tid, size_t li)
{
	struct entry *e;
	uint32_t got;
	uint64_t h = 11;

	v->e = xgrow(v->e, &v->cap, v->n + 1, sizeof(*v->e));
	e = &v->e[v->n];
	memset(e, 0, sizeof(*e));
	e->comm = v->keys.use[PERF_KEY_COMM] || v->keys.use[PERF_KEY_PID] ? comm : 0;
	e->pid = v->keys.use[PERF_KEY_PID] ? pid : 0;
	e->tid = v->keys.use[PERF_KEY_TID] ? tid : 0;
	e->dso = v->keys.use[PERF_KEY_DSO] ? v->loc_dso[li] : 0;
	e->sym = v->keys.use[PERF_KEY_SYM] ? v->loc_sym[li] : 0;
	h = dedup_mix(dedup_mix(dedup_mix(dedup_mix(dedup_mix(h, e->comm), (uint64_t)e->pid),
					  (uint64_t)e->tid), e->dso), e->sym);
	got = dedup_insert(&v->d, h, (uint32_t)v->n, entry_eq, v);
	if (got == v->n)
		v->n++;
	return got;
}

static void sample_keys(struct pv *v, const struct pf_sample *s, uint32_t *comm, int64_t *pid,
			int64_t *tid)
{
	const struct profile *p = v->p;
	const struct pf_label *l = pf_sample_labels(p, s);
	const char *c = NULL;

	*pid = *tid = -1;
	for (uint32_t j = 0; j < s->n_lab; j++) {
		const char *key = profile_get_str(p, l[j].key);
		if (l[j].str && !strcmp(key, "comm"))
			c = profile_get_str(p, l[j].str);
		else if (!l[j].str && !strcmp(key, "pid"))
			*pid = l[j].num;
		else if (!l[j].str && !strcmp(key, "tid"))
			*tid = l[j].num;
	}
	if (c) {
		*comm = strtab_intern_cstr(&v->strs, c);
	} else if (p->n_mappings && profile_get_str(p, p->mappings[0].filename)[0]) {
		struct kbuf b = KBUF_INIT;
		path_base(&b, profile_get_str(p, p->mappings[0].filename));
		*comm = strtab_intern(&v->strs, b.buf, b.len);
		kbuf_release(&b);
	} else {
		*comm = strtab_intern_cstr(&v->strs, "[unknown]");
	}
}

/* ---- call graph tries ---- */

static uint32_t trie_new(struct pv *v, uint32_t name)
{
	struct trie *t;

	v->t = xgrow(v->t, &v->capt, v->nt + 1, sizeof(*v->t));
	t = &v->t[v->nt];
	memset(t, 0, sizeof(*t));
	t->name = name;
	return (uint32_t)v->nt++;
}

static uint32_t trie_child(struct pv *v, uint32_t parent, uint32_t name)
{
	uint32_t c, n;

	for (c = v->t[parent].child; c; c = v->t[c].next)
		if (v->t[c].name == name)
			return c;
	n = trie_new(v, name);
	v->t[n].next = v->t[parent].child;
	v->t[parent].child = n;
	return n;
}

static int trie_cmp(const void *a, const void *b, void *arg)
{
	const struct pv *v = arg;
	const struct trie *x = &v->t[*(const uint32_t *)a], *y = &v->t[*(const uint32_t *)b];

	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return strcmp(strtab_get(&v->strs, x->name), strtab_get(&v->strs, y->name));
}

static uint32_t *sorted_children(const struct pv *v, uint32_t node, size_t *n, int64_t min)
{
	uint32_t *c = NULL;
	size_t cap = 0;

	*n = 0;
	for (uint32_t k = v->t[node].child; k; k = v->t[k].next) {
		if (v->t[k].value < min)
			continue;
		c = xgrow(c, &cap, *n + 1, sizeof(*c));
		c[(*n)++] = k;
	}
	if (*n > 1) /* c is NULL for a leaf */
		qsort_r(c, *n, sizeof(*c), trie_cmp, (void *)v);
	return c;
}

/* The symbol without its "[.] " marker, as perf prints callchain names. */
static const char *chain_name(const struct pv *v, uint32_t name)
{
	return strtab_get(&v->strs, name) + 4;
}

static void render(const struct pv *v, uint32_t node, const char *prefix, struct kbuf *out,
		   int64_t min);

/* Prints node's chain of single children, then its branches. */
static void render_chain(const struct pv *v, uint32_t node, const char *prefix, struct kbuf *out,
			 int64_t min)
{
	size_t n;
	uint32_t *c = sorted_children(v, node, &n, min);

	while (n == 1 && v->t[c[0]].value == v->t[node].value) {
		node = c[0];
		kbuf_addf(out, "%s%s\n", prefix, chain_name(v, v->t[node].name));
		free(c);
		c = sorted_children(v, node, &n, min);
	}
	free(c);
	render(v, node, prefix, out, min);
}

static void render(const struct pv *v, uint32_t node, const char *prefix, struct kbuf *out,
		   int64_t min)
{
	size_t n;
	uint32_t *c = sorted_children(v, node, &n, min);
	struct kbuf sub = KBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		bool last = i + 1 == n;
		double pct = v->total ? 100.0 * (double)v->t[c[i]].value / (double)v->total : 0;

		kbuf_addf(out, "%s|          \n", prefix);
		kbuf_addf(out, "%s%s%.2f%%--%s\n", prefix, last ? " --" : "|--", pct,
			  chain_name(v, v->t[c[i]].name));
		kbuf_reset(&sub);
		kbuf_addf(&sub, "%s%s", prefix, last ? "           " : "|          ");
		render_chain(v, c[i], sub.buf, out, min);
	}
	kbuf_release(&sub);
	free(c);
}

static void print_graph(const struct pv *v, const struct entry *e, struct kbuf *out)
{
	int64_t min = (int64_t)((double)v->total * 0.005);
	size_t n;
	uint32_t *c;

	if (!e->trie)
		return;
	c = sorted_children(v, e->trie, &n, min);
	if (n == 0) {
		free(c);
		return;
	}
	if (n == 1 && v->t[c[0]].value == v->t[e->trie].value) {
		kbuf_addstr(out, "            |\n");
		kbuf_addf(out, "            ---%s\n", chain_name(v, v->t[c[0]].name));
		render_chain(v, c[0], "               ", out, min);
	} else {
		render(v, e->trie, "            ", out, min);
	}
	kbuf_addch(out, '\n');
	free(c);
}

/* ---- table ---- */

static int entry_cmp(const void *a, const void *b, void *arg)
{
	const struct pv *v = arg;
	const struct entry *x = &v->e[*(const uint32_t *)a], *y = &v->e[*(const uint32_t *)b];
	int64_t xv = v->o->children ? x->children : x->self;
	int64_t yv = v->o->children ? y->children : y->self;
	int c;

	if (xv != yv)
		return xv > yv ? -1 : 1;
	if (x->self != y->self)
		return x->self > y->self ? -1 : 1;
	for (size_t k = 0; k < v->keys.n; k++) {
		switch (v->keys.v[k]) {
		case PERF_KEY_COMM: c = strcmp(strtab_get(&v->strs, x->comm), strtab_get(&v->strs, y->comm)); break;
		case PERF_KEY_PID: c = (x->pid > y->pid) - (x->pid < y->pid); break;
		case PERF_KEY_TID: c = (x->tid > y->tid) - (x->tid < y->tid); break;
		case PERF_KEY_DSO: c = strcmp(strtab_get(&v->strs, x->dso), strtab_get(&v->strs, y->dso)); break;
		default: c = strcmp(strtab_get(&v->strs, x->sym), strtab_get(&v->strs, y->sym)); break;
		}
		if (c)
			return c;
	}
	return 0;
}

static void cell(const struct pv *v, const struct entry *e, enum perf_key k, struct kbuf *b)
{
	kbuf_reset(b);
	switch (k) {
	case PERF_KEY_COMM: kbuf_addstr(b, strtab_get(&v->strs, e->comm)); break;
	case PERF_KEY_PID: kbuf_addf(b, "%7" PRId64 ":%s", e->pid, strtab_get(&v->strs, e->comm)); break;
	case PERF_KEY_TID: kbuf_addf(b, "%7" PRId64, e->tid); break;
	case PERF_KEY_DSO: kbuf_addstr(b, strtab_get(&v->strs, e->dso)); break;
	default: kbuf_addstr(b, strtab_get(&v->strs, e->sym)); break;
	}
}

static void dots(struct kbuf *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kbuf_addch(out, '.');
}

static void print_table(struct pv *v, uint32_t *order, size_t n, struct kbuf *out)
{
	const struct profile *p = v->p;
	const char *type = profile_get_str(p, p->sample_type[v->vi].type);
	size_t width[8], tlen = strlen(type);
	struct kbuf b = KBUF_INIT;
	uint64_t nsamples = 0;
	char unit = ' ';
	bool have_count = false;

	/* perf names the event; profiles converted from perf.data call the
	 * types <event>_sample and <event>_event. */
	if (tlen > 6 && !strcmp(type + tlen - 6, "_event"))
		tlen -= 6;
	else if (tlen > 7 && !strcmp(type + tlen - 7, "_sample"))
		tlen -= 7;
	for (size_t i = 0; i < p->n_sample_type && !have_count; i++) {
		const char *t = profile_get_str(p, p->sample_type[i].type);
		size_t l = strlen(t);
		if (!strcmp(t, "samples") || (l > 7 && !strcmp(t + l - 7, "_sample"))) {
			for (size_t s = 0; s < p->n_samples; s++)
				nsamples += (uint64_t)pf_sample_values(p, &p->samples[s])[i];
			have_count = true;
		}
	}
	if (!have_count)
		nsamples = p->n_samples;
	while (nsamples > 1000 && unit != 'G') {
		nsamples /= 1000;
		unit = unit == ' ' ? 'K' : unit == 'K' ? 'M' : 'G';
	}
	kbuf_addstr(out, "# kiln report, perf style. Show pprof's view with -top.\n#\n");
	kbuf_addf(out, "# Samples: %" PRIu64 "%c of event '", nsamples, unit);
	text_escape(out, type, tlen, 0);
	kbuf_addstr(out, "'\n");
	kbuf_addf(out, "# Event count (approx.): %" PRId64 "\n#\n", v->total);

	for (size_t k = 0; k < v->keys.n; k++) {
		width[k] = strlen(perf_key_header(v->keys.v[k]));
		for (size_t i = 0; i < v->n; i++) {
			if (!v->e[i].shown)
				continue;
			cell(v, &v->e[i], v->keys.v[k], &b);
			if (b.len > width[k])
				width[k] = b.len;
		}
	}
	kbuf_addstr(out, v->o->children ? "# Children      Self" : "# Overhead");
	for (size_t k = 0; k < v->keys.n; k++)
		kbuf_addf(out, "  %-*s", (int)width[k], perf_key_header(v->keys.v[k]));
	kbuf_addstr(out, "\n# ");
	dots(out, 8);
	if (v->o->children) {
		kbuf_addstr(out, "  ");
		dots(out, 8);
	}
	for (size_t k = 0; k < v->keys.n; k++) {
		kbuf_addstr(out, "  ");
		dots(out, width[k]);
	}
	kbuf_addstr(out, "\n#\n");
	for (size_t i = 0; i < n; i++) {
		const struct entry *e = &v->e[order[i]];
		double self = v->total ? 100.0 * (double)e->self / (double)v->total : 0;
		double ch = v->total ? 100.0 * (double)e->children / (double)v->total : 0;

		if (v->o->children)
			kbuf_addf(out, "  %7.2f%%  %7.2f%%", ch, self);
		else
			kbuf_addf(out, "  %7.2f%%", self);
		for (size_t k = 0; k < v->keys.n; k++) {
			cell(v, e, v->keys.v[k], &b);
			if (k + 1 == v->keys.n)
				kbuf_addf(out, "  %s", b.buf);
			else
				kbuf_addf(out, "  %-*s", (int)width[k], b.buf);
		}
		kbuf_addch(out, '\n');
		if (v->o->callgraph)
			print_graph(v, e, out);
	}
	kbuf_release(&b);
}

int perfview_generate(const struct profile *p, const struct perfview_opts *o, struct kbuf *out,
		      struct kerr *err)
{
	struct pv v;
	uint32_t *order = NULL, *comm_of = NULL;
	int64_t *pid_of = NULL, *tid_of = NULL;
	size_t n_shown = 0, *path = NULL, cap_path = 0;
	int ret;

	memset(&v, 0, sizeof(v));
	v.p = p;
	v.o = o;
	strtab_init(&v.strs);
	if ((ret = perf_keys_parse(&v.keys, o->sort, err)) < 0)
		goto out;
	if ((ret = profile_sample_index(p, o->sample_index, err)) < 0)
		goto out;
	v.vi = ret;
	ret = 0;
	locations(&v);
	comm_of = xcalloc(p->n_samples + 1, sizeof(*comm_of));
	pid_of = xcalloc(p->n_samples + 1, sizeof(*pid_of));
	tid_of = xcalloc(p->n_samples + 1, sizeof(*tid_of));
	for (size_t si = 0; si < p->n_samples; si++) {
		const struct pf_sample *s = &p->samples[si];
		const uint64_t *locs = pf_sample_locs(p, s);
		int64_t w = pf_sample_values(p, s)[v.vi];

		v.total = go_add64(v.total, w); /* values are untrusted: wrap, as pprof does */
		if (!s->n_loc || !w)
			continue;
		sample_keys(&v, s, &comm_of[si], &pid_of[si], &tid_of[si]);
		for (uint32_t i = 0; i < s->n_loc; i++) {
			size_t li = profile_location_index(p, locs[i]);
			uint32_t e = entry_for(&v, comm_of[si], pid_of[si], tid_of[si], li);
			if (i == 0)
				v.e[e].self = go_add64(v.e[e].self, w);
			if (v.e[e].stamp != si + 1) {
				v.e[e].stamp = (uint32_t)si + 1;
				v.e[e].children = go_add64(v.e[e].children, w);
			}
		}
	}
	order = xmalloc((v.n + 1) * sizeof(*order));
	for (size_t i = 0; i < v.n; i++) {
		const struct entry *e = &v.e[i];
		int64_t val = o->children ? e->children : e->self;
		double pct = v.total ? 100.0 * (double)val / (double)v.total : 0;
		if (val == 0 || pct < o->percent_limit)
			continue;
		v.e[i].shown = true;
		order[n_shown++] = (uint32_t)i;
	}
	qsort_r(order, n_shown, sizeof(*order), entry_cmp, &v);
	if (o->callgraph) {
		trie_new(&v, 0); /* node 0: the "none" sentinel of child/next links */
		for (size_t i = 0; i < v.n; i++)
			v.e[i].stamp = 0;
		for (size_t i = 0; i < n_shown; i++)
			v.e[order[i]].trie = trie_new(&v, 0);
		for (size_t si = 0; si < p->n_samples; si++) {
			const struct pf_sample *s = &p->samples[si];
			const uint64_t *locs = pf_sample_locs(p, s);
			int64_t w = pf_sample_values(p, s)[v.vi];

			if (!s->n_loc || !w)
				continue;
			path = xgrow(path, &cap_path, s->n_loc + 1, sizeof(*path));
			for (uint32_t i = 0; i < s->n_loc; i++)
				path[i] = profile_location_index(p, locs[i]);
			for (uint32_t i = 0; i < s->n_loc; i++) {
				uint32_t ei, cur;

				if (!o->children && i != 0)
					break;
				ei = entry_for(&v, comm_of[si], pid_of[si], tid_of[si], path[i]);
				/* Each entry takes a sample once, at its leafmost frame. */
				if (!v.e[ei].shown || v.e[ei].stamp == si + 1)
					continue;
				v.e[ei].stamp = (uint32_t)si + 1;
				cur = v.e[ei].trie;
				v.t[cur].value = go_add64(v.t[cur].value, w);
				if (o->children) {
					/* callees: from this frame toward the leaf */
					for (uint32_t k = i; k-- > 0;) {
						cur = trie_child(&v, cur, v.loc_sym[path[k]]);
						v.t[cur].value = go_add64(v.t[cur].value, w);
					}
				} else {
					/* callers: from the leaf's caller toward the root */
					for (uint32_t k = 1; k < s->n_loc; k++) {
						cur = trie_child(&v, cur, v.loc_sym[path[k]]);
						v.t[cur].value = go_add64(v.t[cur].value, w);
					}
				}
			}
		}
	}
	/* Names reach a terminal: escape control bytes (textsafe.h). */
	strtab_escape_text(&v.strs);
	print_table(&v, order, n_shown, out);
out:
	free(path);
	free(order);
	free(comm_of);
	free(pid_of);
	free(tid_of);
	free(v.loc_dso);
	free(v.loc_sym);
	free(v.loc_kernel);
	free(v.e);
	free(v.t);
	dedup_release(&v.d);
	strtab_release(&v.strs);
	return ret;
}
