/* perf's histogram: the stack and address tables of kiln report's perf
 * view and kiln top (see perfhist.h). Stacks are deduplicated by a hash of their frame ids and labels (probing on
 * collision); decaying rebuilds the tables with the survivors, and, when
 * the string table has grown well past what survivors use, rebuilds it
 * too, so neither stacks nor names accumulate. */
#include "perfhist.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/hashmap.h"
#include "../base/num.h"
#include "../base/strtab.h"
#include "../base/textsafe.h"
#include "../base/vec.h"
#include "paths.h"
#include "perfkeys.h"

#define MIN_SAMPLES 0.05 /* a sample decayed over ~22 refreshes */
#define NONE UINT32_MAX

struct frame {
	uint32_t dso, sym; /* strings */
	bool kernel;
};

struct stack {
	uint64_t hash;
	uint32_t comm;     /* 0 unless a key */
	int64_t pid, tid;  /* 0 unless keys */
	uint32_t off, n;   /* frames in the pool, leaf first */
	double w, s;       /* weight (period) and samples */
};

struct addr {
	uint64_t hash;
	uint32_t frame, file, build_id;
	uint64_t off;
	double w, s;
};

struct perf_hist {
	struct perf_keys keys;
	bool callchain;
	int frame_flags;
	double unplaced;         /* weight of samples without a stack */
	struct strtab strs;
	VEC(struct frame) frames;
	struct u64map frame_ix;  /* "k\tdso\tsym" string → frame id */
	VEC(struct stack) stacks;
	VEC(uint32_t) pool;
	struct u64map stack_ix;  /* hash (+ probe) → stack index */
	VEC(struct addr) addrs;
	struct u64map addr_ix;
	uint64_t gen;            /* profile generation the location cache is for */
	VEC(uint32_t) loc_frame; /* per location index; NONE = not named yet */
	VEC(uint32_t) loc_file, loc_bid;
	VEC(uint64_t) loc_off;
	VEC(uint32_t) scratch;
};

int perf_hist_new(const struct perf_hist_opts *o, struct perf_hist **out, struct kerr *err)
{
	struct perf_hist *h = xcalloc(1, sizeof(*h));
	int ret;

	strtab_init(&h->strs);
	h->callchain = o->callchain;
	h->frame_flags = o->frame_flags;
	if ((ret = perf_keys_parse(&h->keys, o->sort ? o->sort : "dso,sym", err)) < 0) {
		perf_hist_free(h);
		return ret;
	}
	*out = h;
	return 0;
}

static void release_tables(struct perf_hist *h)
{
	strtab_release(&h->strs);
	vec_free(&h->frames);
	u64map_release(&h->frame_ix);
	vec_free(&h->stacks);
	vec_free(&h->pool);
	u64map_release(&h->stack_ix);
	vec_free(&h->addrs);
	u64map_release(&h->addr_ix);
	vec_free(&h->loc_frame);
	vec_free(&h->loc_file);
	vec_free(&h->loc_bid);
	vec_free(&h->loc_off);
	vec_free(&h->scratch);
}

void perf_hist_free(struct perf_hist *h)
{
	if (!h)
		return;
	release_tables(h);
	free(h);
}

const char *perf_hist_str(const struct perf_hist *h, uint32_t idx)
{
	return strtab_get(&h->strs, idx);
}

uint32_t perf_hist_find_str(const struct perf_hist *h, const char *s)
{
	for (size_t i = 1; i < h->strs.n; i++)
		if (!strcmp(strtab_get(&h->strs, i), s))
			return (uint32_t)i;
	return 0;
}

size_t perf_hist_keys(const struct perf_hist *h, enum perf_key keys[PERF_MAX_KEYS])
{
	memcpy(keys, h->keys.v, h->keys.n * sizeof(*keys));
	return h->keys.n;
}

size_t perf_hist_n_stacks(const struct perf_hist *h) { return h->stacks.n; }
size_t perf_hist_n_addrs(const struct perf_hist *h) { return h->addrs.n; }
size_t perf_hist_n_strings(const struct perf_hist *h) { return h->strs.n; }

static uint32_t intern_frame(struct perf_hist *h, bool kernel, const char *dso, const char *sym)
{
	struct kbuf k = KBUF_INIT;
	uint32_t key;
	uint64_t *slot;
	bool added;
	struct frame *f;

	kbuf_addf(&k, "%c\t%s\t%s", kernel ? 'k' : 'u', dso, sym);
	key = strtab_intern(&h->strs, k.buf, k.len);
	kbuf_release(&k);
	slot = u64map_slot(&h->frame_ix, key, h->frames.n, &added);
	if (!added)
		return (uint32_t)*slot;
	f = vec_add(&h->frames);
	f->dso = strtab_intern_cstr(&h->strs, dso);
	f->sym = strtab_intern_cstr(&h->strs, sym);
	f->kernel = kernel;
	return (uint32_t)(h->frames.n - 1);
}

/* Names the profile's locations not named yet for this generation. */
static void name_locations(struct perf_hist *h, const struct profile *p, uint64_t gen)
{
	struct kbuf dso = KBUF_INIT, sym = KBUF_INIT;

	if (gen != h->gen) {
		h->gen = gen;
		h->loc_frame.n = h->loc_file.n = h->loc_bid.n = h->loc_off.n = 0;
	}
	for (size_t i = h->loc_frame.n; i < p->n_locations; i++) {
		const struct pf_location *l = &p->locations[i];
		const struct pf_mapping *m = l->mapping_id ? profile_mapping(p, l->mapping_id) : NULL;
		bool k;

		kbuf_reset(&dso);
		kbuf_reset(&sym);
		k = perf_frame_names(p, l, h->frame_flags, &dso, &sym);
		vec_push(&h->loc_frame, intern_frame(h, k, dso.buf, sym.buf));
		vec_push(&h->loc_file, m ? strtab_intern_cstr(&h->strs, profile_get_str(p, m->filename)) : 0);
		vec_push(&h->loc_bid, m ? strtab_intern_cstr(&h->strs, profile_get_str(p, m->build_id)) : 0);
		vec_push(&h->loc_off, m ? l->address - m->memory_start + m->file_offset : l->address);
	}
	kbuf_release(&dso);
	kbuf_release(&sym);
}

static uint64_t stack_hash(uint32_t comm, int64_t pid, int64_t tid, const uint32_t *fr, size_t n)
{
	uint64_t h = hash_bytes(fr, n * sizeof(*fr), 0x5eed);

	return hash_u64(h ^ hash_u64(comm ^ hash_u64((uint64_t)pid ^ hash_u64((uint64_t)tid))));
}

static void add_stack(struct perf_hist *h, uint32_t comm, int64_t pid, int64_t tid,
		      const uint32_t *fr, size_t n, double w, double s)
{
	uint64_t hash = stack_hash(comm, pid, tid, fr, n), key = hash, ix;
	struct stack *st;

	while (u64map_get(&h->stack_ix, key, &ix)) {
		st = &h->stacks.v[ix];
		if (st->hash == hash && st->comm == comm && st->pid == pid && st->tid == tid &&
		    st->n == n && !memcmp(h->pool.v + st->off, fr, n * sizeof(*fr))) {
			st->w += w;
			st->s += s;
			return;
		}
		key++;
	}
	u64map_put(&h->stack_ix, key, h->stacks.n);
	st = vec_add(&h->stacks);
	st->hash = hash;
	st->comm = comm;
	st->pid = pid;
	st->tid = tid;
	st->off = (uint32_t)h->pool.n;
	st->n = (uint32_t)n;
	st->w = w;
	st->s = s;
	for (size_t i = 0; i < n; i++)
		vec_push(&h->pool, fr[i]);
}

static void add_addr(struct perf_hist *h, uint32_t frame, uint32_t file, uint32_t bid,
		     uint64_t off, double w, double s)
{
	uint64_t hash = hash_u64(off ^ hash_u64(((uint64_t)frame << 32) | file)), key = hash, ix;
	struct addr *a;

	while (u64map_get(&h->addr_ix, key, &ix)) {
		a = &h->addrs.v[ix];
		if (a->frame == frame && a->file == file && a->off == off) {
			a->w += w;
			a->s += s;
			return;
		}
		key++;
	}
	u64map_put(&h->addr_ix, key, h->addrs.n);
	a = vec_add(&h->addrs);
	a->hash = hash;
	a->frame = frame;
	a->file = file;
	a->build_id = bid;
	a->off = off;
	a->w = w;
	a->s = s;
}

/* A sample's comm without a "comm" label: the main binary's name. */
static uint32_t default_comm(struct perf_hist *h, const struct profile *p)
{
	struct kbuf b = KBUF_INIT;
	uint32_t s;

	if (!p->n_mappings || !profile_get_str(p, p->mappings[0].filename)[0])
		return strtab_intern_cstr(&h->strs, "[unknown]");
	path_base(&b, profile_get_str(p, p->mappings[0].filename));
	s = strtab_intern(&h->strs, b.buf, b.len);
	kbuf_release(&b);
	return s;
}

void perf_hist_add(struct perf_hist *h, const struct profile *p, uint64_t generation, int vi,
		  int ci)
{
	int64_t k_comm = -1, k_pid = -1, k_tid = -1;
	bool want_comm = h->keys.use[PERF_KEY_COMM] || h->keys.use[PERF_KEY_PID];
	uint32_t no_comm = 0;

	name_locations(h, p, generation);
	for (size_t i = 1; i < p->strings.n; i++) {
		const char *s = profile_get_str(p, (int64_t)i);
		if (!strcmp(s, "comm"))
			k_comm = (int64_t)i;
		else if (!strcmp(s, "pid"))
			k_pid = (int64_t)i;
		else if (!strcmp(s, "tid"))
			k_tid = (int64_t)i;
	}
	for (size_t si = 0; si < p->n_samples; si++) {
		const struct pf_sample *s = &p->samples[si];
		const uint64_t *locs = pf_sample_locs(p, s);
		const int64_t *v = pf_sample_values(p, s);
		const struct pf_label *lab = pf_sample_labels(p, s);
		double w = (double)v[vi], cnt = ci >= 0 ? (double)v[ci] : 1;
		uint32_t comm = 0;
		int64_t pid = h->keys.use[PERF_KEY_PID] ? -1 : 0;
		int64_t tid = h->keys.use[PERF_KEY_TID] ? -1 : 0;
		size_t n = h->callchain ? s->n_loc : (s->n_loc ? 1 : 0), li;

		if (!n) {
			h->unplaced += w;
			continue;
		}
		if (!w && !cnt)
			continue;
		for (uint32_t j = 0; j < s->n_lab; j++) {
			if (lab[j].key == k_comm && lab[j].str && want_comm)
				comm = strtab_intern_cstr(&h->strs, profile_get_str(p, lab[j].str));
			else if (lab[j].key == k_pid && !lab[j].str && h->keys.use[PERF_KEY_PID])
				pid = lab[j].num;
			else if (lab[j].key == k_tid && !lab[j].str && h->keys.use[PERF_KEY_TID])
				tid = lab[j].num;
		}
		if (want_comm && !comm)
			comm = no_comm ? no_comm : (no_comm = default_comm(h, p));
		h->scratch.n = 0;
		for (size_t k = 0; k < n; k++) {
			li = profile_location_index(p, locs[k]);
			if (li != SIZE_MAX)
				vec_push(&h->scratch, h->loc_frame.v[li]);
		}
		if (!h->scratch.n)
			continue;
		add_stack(h, comm, pid, tid, h->scratch.v, h->scratch.n, w, cnt);
		li = profile_location_index(p, locs[0]);
		if (li != SIZE_MAX && h->loc_file.v[li])
			add_addr(h, h->loc_frame.v[li], h->loc_file.v[li], h->loc_bid.v[li],
				 h->loc_off.v[li], w, cnt);
	}
}

/* Rebuilds the string and frame tables from what survives, when they have
 * grown far past it (processes and libraries come and go). */
static void compact_strings(struct perf_hist *h)
{
	struct perf_hist n;
	uint8_t *used = xcalloc(h->frames.n + 1, 1);
	size_t live = h->stacks.n + h->addrs.n * 2;

	/* Frames only grow between compactions: count those still in use. */
	for (size_t i = 0; i < h->pool.n; i++)
		used[h->pool.v[i]] = 1;
	for (size_t i = 0; i < h->addrs.n; i++)
		used[h->addrs.v[i].frame] = 1;
	for (size_t i = 0; i < h->frames.n; i++)
		live += used[i] * 3u;
	free(used);
	if (h->strs.n < 4096 || h->strs.n < 4 * live)
		return;
	memset(&n, 0, sizeof(n));
	n.keys = h->keys;
	n.callchain = h->callchain;
	n.frame_flags = h->frame_flags;
	n.unplaced = h->unplaced;
	strtab_init(&n.strs);
	for (size_t i = 0; i < h->stacks.n; i++) {
		const struct stack *st = &h->stacks.v[i];
		n.scratch.n = 0;
		for (uint32_t k = 0; k < st->n; k++) {
			const struct frame *f = &h->frames.v[h->pool.v[st->off + k]];
			vec_push(&n.scratch, intern_frame(&n, f->kernel, strtab_get(&h->strs, f->dso),
							  strtab_get(&h->strs, f->sym)));
		}
		add_stack(&n, st->comm ? strtab_intern_cstr(&n.strs, strtab_get(&h->strs, st->comm)) : 0,
			  st->pid, st->tid, n.scratch.v, n.scratch.n, st->w, st->s);
	}
	for (size_t i = 0; i < h->addrs.n; i++) {
		const struct addr *a = &h->addrs.v[i];
		const struct frame *f = &h->frames.v[a->frame];
		add_addr(&n, intern_frame(&n, f->kernel, strtab_get(&h->strs, f->dso),
					  strtab_get(&h->strs, f->sym)),
			 strtab_intern_cstr(&n.strs, strtab_get(&h->strs, a->file)),
			 strtab_intern_cstr(&n.strs, strtab_get(&h->strs, a->build_id)), a->off, a->w,
			 a->s);
	}
	release_tables(h);
	*h = n; /* the location cache starts over: gen 0 matches no builder */
}

void perf_hist_decay(struct perf_hist *h, double factor)
{
	size_t ns = 0, np = 0, na = 0;

	u64map_release(&h->stack_ix);
	u64map_release(&h->addr_ix);
	h->unplaced *= factor;
	for (size_t i = 0; i < h->stacks.n; i++) {
		struct stack st = h->stacks.v[i];
		uint64_t key;
		st.w *= factor;
		st.s *= factor;
		if (st.s < MIN_SAMPLES)
			continue;
		memmove(h->pool.v + np, h->pool.v + st.off, st.n * sizeof(*h->pool.v));
		st.off = (uint32_t)np;
		np += st.n;
		for (key = st.hash; u64map_get(&h->stack_ix, key, &(uint64_t){ 0 }); key++)
			;
		u64map_put(&h->stack_ix, key, ns);
		h->stacks.v[ns++] = st;
	}
	h->stacks.n = ns;
	h->pool.n = np;
	for (size_t i = 0; i < h->addrs.n; i++) {
		struct addr a = h->addrs.v[i];
		uint64_t key;
		a.w *= factor;
		a.s *= factor;
		if (a.s < MIN_SAMPLES)
			continue;
		for (key = a.hash; u64map_get(&h->addr_ix, key, &(uint64_t){ 0 }); key++)
			;
		u64map_put(&h->addr_ix, key, na);
		h->addrs.v[na++] = a;
	}
	h->addrs.n = na;
	compact_strings(h);
}

/* ---- view ---- */

struct ekey {
	uint32_t comm, dso, sym;
	int64_t pid, tid;
};

static void row_key(const struct perf_hist *h, const struct stack *st, const struct frame *f,
		    struct ekey *k)
{
	k->comm = h->keys.use[PERF_KEY_COMM] || h->keys.use[PERF_KEY_PID] ? st->comm : 0;
	k->pid = st->pid;
	k->tid = st->tid;
	k->dso = h->keys.use[PERF_KEY_DSO] ? f->dso : 0;
	k->sym = h->keys.use[PERF_KEY_SYM] ? f->sym : 0;
}

static bool row_matches(const struct perf_row *r, const struct ekey *k)
{
	return r->comm == k->comm && r->dso == k->dso && r->sym == k->sym && r->pid == k->pid &&
	       r->tid == k->tid;
}

struct view_build {
	VEC(struct perf_row) rows;
	VEC(uint32_t) stamp;
	struct u64map ix;
};

static uint32_t row_for(struct view_build *b, const struct ekey *k, const struct frame *f,
			uint32_t frame)
{
	uint64_t hash = hash_u64(k->comm ^ hash_u64(k->dso ^ hash_u64(k->sym ^
			hash_u64((uint64_t)k->pid ^ hash_u64((uint64_t)k->tid))))), ix;
	struct perf_row *r;

	while (u64map_get(&b->ix, hash, &ix)) {
		if (row_matches(&b->rows.v[ix], k))
			return (uint32_t)ix;
		hash++;
	}
	u64map_put(&b->ix, hash, b->rows.n);
	r = vec_add(&b->rows);
	r->comm = k->comm;
	r->dso = k->dso;
	r->sym = k->sym;
	r->pid = k->pid;
	r->tid = k->tid;
	r->kernel = f->kernel;
	r->frame = frame;
	vec_push(&b->stamp, 0);
	return (uint32_t)(b->rows.n - 1);
}

struct row_order {
	const struct perf_hist *h;
	bool children;
};

/* A symbol as perf sorts it: its marker first ("[.] " before "[k] "). */
static int sym_cmp(const struct perf_hist *h, uint32_t xs, bool xk, uint32_t ys, bool yk)
{
	if (xk != yk)
		return xk ? 1 : -1;
	return strcmp(strtab_get(&h->strs, xs), strtab_get(&h->strs, ys));
}

/* Hottest first; ties in the order of the sort keys, as perf's. */
static int row_cmp(const void *a, const void *b, void *arg)
{
	const struct perf_row *x = a, *y = b;
	const struct row_order *o = arg;
	const struct perf_hist *h = o->h;
	double xv = o->children ? x->children : x->self;
	double yv = o->children ? y->children : y->self;
	int c;

	if (xv != yv)
		return xv > yv ? -1 : 1;
	if (x->self != y->self)
		return x->self > y->self ? -1 : 1;
	for (size_t k = 0; k < h->keys.n; k++) {
		switch (h->keys.v[k]) {
		case PERF_KEY_COMM: c = strcmp(strtab_get(&h->strs, x->comm), strtab_get(&h->strs, y->comm)); break;
		case PERF_KEY_PID: c = (x->pid > y->pid) - (x->pid < y->pid); break;
		case PERF_KEY_TID: c = (x->tid > y->tid) - (x->tid < y->tid); break;
		case PERF_KEY_DSO: c = strcmp(strtab_get(&h->strs, x->dso), strtab_get(&h->strs, y->dso)); break;
		default: c = sym_cmp(h, x->sym, x->kernel, y->sym, y->kernel); break;
		}
		if (c)
			return c;
	}
	return 0;
}

void perf_view_build(struct perf_hist *h, const struct perf_view_opts *o, struct perf_view *v)
{
	struct view_build b;
	struct row_order order = { h, o->children };
	size_t kept = 0;

	memset(&b, 0, sizeof(b));
	memset(v, 0, sizeof(*v));
	v->total = h->unplaced;
	for (size_t i = 0; i < h->stacks.n; i++) {
		const struct stack *st = &h->stacks.v[i];
		const uint32_t *fr = h->pool.v + st->off;

		v->total += st->w;
		v->total_samples += st->s;
		if (h->frames.v[fr[0]].kernel)
			v->kernel_samples += st->s;
		for (uint32_t k = 0; k < (h->callchain ? st->n : 1); k++) {
			const struct frame *f = &h->frames.v[fr[k]];
			struct ekey key;
			uint32_t r;

			row_key(h, st, f, &key);
			r = row_for(&b, &key, f, fr[k]);
			if (k == 0) {
				b.rows.v[r].self += st->w;
				b.rows.v[r].samples += st->s;
			}
			if (b.stamp.v[r] != i + 1) {
				b.stamp.v[r] = (uint32_t)i + 1;
				b.rows.v[r].children += st->w;
			}
		}
	}
	for (size_t i = 0; i < b.rows.n; i++) {
		struct perf_row *r = &b.rows.v[i];
		double val = o->children ? r->children : r->self;
		if (val == 0 || (o->hide_kernel && r->kernel) || (o->hide_user && !r->kernel))
			continue;
		if (o->dso_filter && r->dso != o->dso_filter)
			continue;
		if (v->total > 0 && 100.0 * val / v->total < o->percent_limit)
			continue;
		b.rows.v[kept++] = *r;
	}
	if (kept > 1) /* b.rows.v is NULL before the first sample */
		qsort_r(b.rows.v, kept, sizeof(*b.rows.v), row_cmp, &order);
	v->rows = b.rows.v;
	v->n_rows = kept;
	vec_free(&b.stamp);
	u64map_release(&b.ix);
}

void perf_view_release(struct perf_view *v)
{
	free(v->rows);
	memset(v, 0, sizeof(*v));
}

/* ---- call graph ---- */

struct tnode {
	uint32_t name, child, next; /* name: sym * 2 + kernel; child/next: node indices, 0 = none */
	double value;
};

struct trie {
	const struct perf_hist *h;
	VEC(struct tnode) n;
};

static uint32_t frame_name(const struct frame *f)
{
	return f->sym * 2 + f->kernel;
}

static uint32_t trie_child(struct trie *t, uint32_t parent, uint32_t name)
{
	struct tnode *c;

	for (uint32_t k = t->n.v[parent].child; k; k = t->n.v[k].next)
		if (t->n.v[k].name == name)
			return k;
	c = vec_add(&t->n);
	c->name = name;
	c->next = t->n.v[parent].child;
	t->n.v[parent].child = (uint32_t)(t->n.n - 1);
	return (uint32_t)(t->n.n - 1);
}

static int node_cmp(const void *a, const void *b, void *arg)
{
	const struct trie *t = arg;
	const struct tnode *x = &t->n.v[*(const uint32_t *)a];
	const struct tnode *y = &t->n.v[*(const uint32_t *)b];

	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return sym_cmp(t->h, x->name / 2, x->name & 1, y->name / 2, y->name & 1);
}

static uint32_t *children_of(const struct trie *t, uint32_t node, size_t *n, double min)
{
	uint32_t *c = NULL;
	size_t cap = 0;

	*n = 0;
	for (uint32_t k = t->n.v[node].child; k; k = t->n.v[k].next) {
		if (t->n.v[k].value < min)
			continue;
		c = xgrow(c, &cap, *n + 1, sizeof(*c));
		c[(*n)++] = k;
	}
	if (*n > 1)
		qsort_r(c, *n, sizeof(*c), node_cmp, (void *)t);
	return c;
}

struct cg {
	const struct perf_hist *h;
	const struct trie *t;
	double total, min;
	struct kbuf *out;
};

static void render(const struct cg *g, uint32_t node, const char *prefix);

static void add_name(const struct cg *g, uint32_t name)
{
	const char *s = strtab_get(&g->h->strs, name / 2);

	text_escape(g->out, s, strlen(s), 0);
}

static void render_chain(const struct cg *g, uint32_t node, const char *prefix)
{
	size_t n;
	uint32_t *c = children_of(g->t, node, &n, g->min);

	while (n == 1 && g->t->n.v[c[0]].value >= g->t->n.v[node].value) {
		node = c[0];
		kbuf_addstr(g->out, prefix);
		add_name(g, g->t->n.v[node].name);
		kbuf_addch(g->out, '\n');
		free(c);
		c = children_of(g->t, node, &n, g->min);
	}
	free(c);
	render(g, node, prefix);
}

static void render(const struct cg *g, uint32_t node, const char *prefix)
{
	size_t n;
	uint32_t *c = children_of(g->t, node, &n, g->min);
	struct kbuf sub = KBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		bool last = i + 1 == n;
		const struct tnode *x = &g->t->n.v[c[i]];
		kbuf_addf(g->out, "%s|          \n", prefix);
		kbuf_addf(g->out, "%s%s%.2f%%--", prefix, last ? " --" : "|--",
			  g->total ? 100.0 * x->value / g->total : 0.0);
		add_name(g, x->name);
		kbuf_addch(g->out, '\n');
		kbuf_reset(&sub);
		kbuf_addf(&sub, "%s%s", prefix, last ? "           " : "|          ");
		render_chain(g, c[i], sub.buf);
	}
	kbuf_release(&sub);
	free(c);
}

void perf_hist_callgraph(struct perf_hist *h, const struct perf_row *r, bool children,
			double total, double min_pct, struct kbuf *out)
{
	struct trie t = { h, VEC_INIT };
	struct cg g = { h, &t, total, floor(total * (min_pct / 100.0)), out };
	size_t n;
	uint32_t *c;

	if (!h->callchain)
		return;
	vec_add(&t.n); /* node 0: the "none" sentinel */
	vec_add(&t.n); /* node 1: the row itself */
	for (size_t i = 0; i < h->stacks.n; i++) {
		const struct stack *st = &h->stacks.v[i];
		const uint32_t *fr = h->pool.v + st->off;
		uint32_t cur = 1;
		size_t at;
		struct ekey key;

		for (at = 0; at < st->n; at++) {
			row_key(h, st, &h->frames.v[fr[at]], &key);
			if (row_matches(r, &key))
				break;
		}
		if (at == st->n || (!children && at != 0))
			continue;
		t.n.v[cur].value += st->w;
		if (children) {
			for (size_t k = at; k-- > 0;) {
				cur = trie_child(&t, cur, frame_name(&h->frames.v[fr[k]]));
				t.n.v[cur].value += st->w;
			}
		} else {
			for (size_t k = 1; k < st->n; k++) {
				cur = trie_child(&t, cur, frame_name(&h->frames.v[fr[k]]));
				t.n.v[cur].value += st->w;
			}
		}
	}
	c = children_of(&t, 1, &n, g.min);
	if (n == 1 && t.n.v[c[0]].value >= t.n.v[1].value) {
		kbuf_addstr(out, "            |\n            ---");
		add_name(&g, t.n.v[c[0]].name);
		kbuf_addch(out, '\n');
		render_chain(&g, c[0], "               ");
	} else if (n) {
		render(&g, 1, "            ");
	}
	free(c);
	vec_free(&t.n);
}

void perf_hist_hits(struct perf_hist *h, uint32_t frame, perf_hits_fn fn, void *arg)
{
	VEC(uint32_t) files = VEC_INIT;
	VEC(struct perf_hit) hits = VEC_INIT;

	for (size_t i = 0; i < h->addrs.n; i++) {
		const struct addr *a = &h->addrs.v[i];
		bool seen = false;
		if (a->frame != frame)
			continue;
		for (size_t k = 0; k < files.n; k++)
			seen |= files.v[k] == a->file;
		if (!seen)
			vec_push(&files, a->file);
	}
	for (size_t k = 0; k < files.n; k++) {
		const char *bid = "";
		hits.n = 0;
		for (size_t i = 0; i < h->addrs.n; i++) {
			const struct addr *a = &h->addrs.v[i];
			struct perf_hit x;
			if (a->frame != frame || a->file != files.v[k])
				continue;
			x.file_offset = a->off;
			x.value = f64_to_i64(a->s + 0.5);
			bid = strtab_get(&h->strs, a->build_id);
			vec_push(&hits, x);
		}
		fn(strtab_get(&h->strs, files.v[k]), bid, hits.v, hits.n, arg);
	}
	vec_free(&files);
	vec_free(&hits);
}
