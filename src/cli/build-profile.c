/* Recording → Profile (see build-profile.h). Work is proportional to what
 * is new since the last build: locations are looked up per mapping in a
 * hash of addresses, and only unseen addresses reach the symbolizer. */
#include "build-profile.h"

#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/hashmap.h"
#include "../base/vec.h"
#include "../symbols/symbols.h"

#define MAX_INLINE 64

enum source_kind { SRC_UNTRIED, SRC_NONE, SRC_ELF, SRC_KERNEL, SRC_PERFMAP };

/* One profile mapping and where its symbols come from. */
struct mstate {
	uint64_t pf_id;
	enum source_kind kind;
	struct sym_file *file;
	struct perfmap *perfmap;
};

struct builder {
	struct profile *p;
	struct symbolizer *sym;
	struct ksyms *ksyms;
	bool ksyms_tried;
	VEC(int64_t) cmap_to_mstate;   /* cmap id → index in mstates, -1 unset */
	VEC(struct mstate) mstates;
	struct u64map mapping_key;      /* hash(start,end,pgoff,file) → mstate index */
	VEC(struct u64map) locs;        /* per mstate: address → location id */
	struct u64map noloc;            /* addresses outside any mapping */
	struct u64map funcs;            /* hash(name,sys,file,start) → function id */
	VEC(char *) warnings;
	VEC(uint64_t) loc_scratch;
	VEC(struct pf_label) lab_scratch;
	size_t warm_entries;            /* stack entries builder_warm() has seen */
};

struct builder *builder_new(void)
{
	struct builder *b = xcalloc(1, sizeof(*b));

	b->p = profile_new();
	b->sym = symbolizer_new();
	return b;
}

void builder_free(struct builder *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->mstates.n; i++)
		perfmap_free(b->mstates.v[i].perfmap);
	for (size_t i = 0; i < b->locs.n; i++)
		u64map_release(&b->locs.v[i]);
	for (size_t i = 0; i < b->warnings.n; i++)
		free(b->warnings.v[i]);
	vec_free(&b->warnings);
	vec_free(&b->locs);
	vec_free(&b->mstates);
	vec_free(&b->cmap_to_mstate);
	vec_free(&b->loc_scratch);
	vec_free(&b->lab_scratch);
	u64map_release(&b->mapping_key);
	u64map_release(&b->noloc);
	u64map_release(&b->funcs);
	ksyms_free(b->ksyms);
	symbolizer_free(b->sym);
	profile_free(b->p);
	free(b);
}

struct symbolizer *builder_symbolizer(struct builder *b)
{
	return b->sym;
}

size_t builder_warnings(const struct builder *b, const char ***out)
{
	*out = (const char **)b->warnings.v;
	return b->warnings.n;
}

static void warn(struct builder *b, const char *msg)
{
	vec_push(&b->warnings, xstrdup(msg));
}

static bool is_anon(const char *name)
{
	return strcmp(name, "//anon") == 0 || strncmp(name, "[anon", 5) == 0 ||
	       strncmp(name, "/memfd:", 7) == 0 || strncmp(name, "[stack", 6) == 0 ||
	       strcmp(name, "[heap]") == 0;
}

static struct ksyms *kernel_symbols(struct builder *b)
{
	struct kerr err = KERR_INIT;

	if (!b->ksyms_tried) {
		b->ksyms_tried = true;
		if (ksyms_load(&b->ksyms, &err) < 0)
			warn(b, err.msg);
	}
	return b->ksyms;
}

/* Opens the symbol source of a new mapping and sets its has_* flags. */
static void open_source(struct builder *b, struct mstate *ms, const struct cmap *m)
{
	struct pf_mapping *pm = &b->p->mappings[ms->pf_id - 1];
	struct kerr err = KERR_INIT;

	ms->kind = SRC_NONE;
	if (m->kernel) {
		if (kernel_symbols(b)) {
			ms->kind = SRC_KERNEL;
			pm->has_functions = true;
		}
		return;
	}
	if (is_anon(m->filename)) {
		if (perfmap_load(m->pid, &ms->perfmap, NULL) == 0) {
			ms->kind = SRC_PERFMAP;
			pm->has_functions = true;
		}
		return;
	}
	if (strcmp(m->filename, "[vdso]") == 0) {
		if (sym_file_open_vdso(b->sym, &ms->file, &err) < 0)
			return;
	} else if (m->filename[0] != '/' ||
		   sym_file_open(b->sym, m->filename, &ms->file, &err) < 0) {
		if (m->filename[0] == '/')
			warn(b, err.msg);
		return;
	}
	const struct sym_file_info *fi = sym_file_info(ms->file);
	if (*m->build_id && *fi->build_id && strcmp(m->build_id, fi->build_id) != 0) {
		struct kbuf w = KBUF_INIT;
		kbuf_addf(&w, "%s changed on disk since it was mapped (build id %s, now %s); "
			  "not symbolized", m->filename, m->build_id, fi->build_id);
		warn(b, w.buf);
		kbuf_release(&w);
		ms->file = NULL;
		return;
	}
	ms->kind = SRC_ELF;
	if (!pm->build_id && *fi->build_id)
		pm->build_id = profile_str(b->p, fi->build_id);
	pm->has_functions = fi->has_functions;
	pm->has_filenames = fi->has_filenames;
	pm->has_line_numbers = fi->has_line_numbers;
	pm->has_inline_frames = fi->has_inline_frames;
}

static int64_t mstate_of(struct builder *b, struct tasks *t, uint32_t map_id)
{
	const struct cmap *m;
	struct pf_mapping *pm;
	struct mstate *ms;
	uint64_t key, *slot;
	bool added;

	while (b->cmap_to_mstate.n <= map_id)
		vec_push(&b->cmap_to_mstate, -1);
	if (b->cmap_to_mstate.v[map_id] >= 0)
		return b->cmap_to_mstate.v[map_id];
	m = tasks_map(t, map_id);
	/* One profile mapping per distinct (range, offset, file): a forked
	 * child shares its parent's. Filenames are interned, so the pointer
	 * identifies the file. */
	key = hash_u64(m->start ^ hash_u64(m->end ^ hash_u64(m->pgoff ^ (uintptr_t)m->filename)));
	slot = u64map_slot(&b->mapping_key, key, b->mstates.n, &added);
	if (!added) {
		b->cmap_to_mstate.v[map_id] = (int64_t)*slot;
		return (int64_t)*slot;
	}
	pm = profile_add_mapping(b->p);
	pm->memory_start = m->start;
	pm->memory_limit = m->end;
	pm->file_offset = m->pgoff;
	pm->filename = profile_str(b->p, m->filename);
	if (*m->build_id)
		pm->build_id = profile_str(b->p, m->build_id);
	ms = vec_add(&b->mstates);
	ms->pf_id = pm->id;
	vec_add(&b->locs);
	open_source(b, ms, m);
	b->cmap_to_mstate.v[map_id] = (int64_t)(b->mstates.n - 1);
	return (int64_t)(b->mstates.n - 1);
}

static uint64_t function_id(struct builder *b, const struct sym_frame *f)
{
	struct profile *p = b->p;
	int64_t name = profile_str(p, f->name);
	int64_t sys = profile_str(p, f->system_name ? f->system_name : f->name);
	int64_t file = profile_str(p, f->file);
	uint64_t key = hash_u64((uint64_t)name ^ hash_u64((uint64_t)sys ^
			hash_u64((uint64_t)file ^ hash_u64((uint64_t)f->start_line))));
	struct pf_function *fn;
	uint64_t id;

	/* Probe past (vanishingly rare) hash collisions. */
	while (u64map_get(&b->funcs, key, &id)) {
		fn = &p->functions[id - 1];
		if (fn->name == name && fn->system_name == sys && fn->filename == file &&
		    fn->start_line == f->start_line)
			return id;
		key++;
	}
	fn = profile_add_function(p);
	fn->name = name;
	fn->system_name = sys;
	fn->filename = file;
	fn->start_line = f->start_line;
	u64map_put(&b->funcs, key, fn->id);
	return fn->id;
}

static size_t lookup_frames(struct builder *b, struct mstate *ms, const struct cmap *m,
			    uint64_t addr, struct sym_frame *fr)
{
	switch (ms->kind) {
	case SRC_ELF:
		return (size_t)sym_file_lookup(ms->file, addr - m->start + m->pgoff, fr, MAX_INLINE);
	case SRC_KERNEL:
		return (size_t)ksyms_lookup(b->ksyms, addr, fr);
	case SRC_PERFMAP:
		return (size_t)perfmap_lookup(ms->perfmap, addr, fr);
	default:
		return 0;
	}
}

static uint64_t location_id(struct builder *b, struct tasks *t, const struct stack_frame *f)
{
	struct sym_frame fr[MAX_INLINE];
	struct pf_line lines[MAX_INLINE];
	struct u64map *locs = &b->noloc;
	struct mstate *ms = NULL;
	const struct cmap *m = NULL;
	uint64_t *slot;
	bool added;
	size_t n = 0;

	if (f->map != STACK_NO_MAP) {
		int64_t ix = mstate_of(b, t, f->map);
		ms = &b->mstates.v[ix];
		locs = &b->locs.v[ix];
		m = tasks_map(t, f->map);
	}
	slot = u64map_slot(locs, f->addr, 0, &added);
	if (!added)
		return *slot;
	if (ms)
		n = lookup_frames(b, ms, m, f->addr, fr);
	for (size_t i = 0; i < n; i++) {
		lines[i].function_id = function_id(b, &fr[i]);
		lines[i].line = fr[i].line;
		lines[i].column = fr[i].column;
	}
	/* function_id() may have grown the arrays; the slot pointer is still
	 * valid since nothing was inserted into `locs` meanwhile. */
	*slot = profile_add_location(b->p, ms ? ms->pf_id : 0, f->addr, lines, n)->id;
	return *slot;
}

static void set_kernel_range(struct builder *b, struct tasks *t, struct recorder *r)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (size_t i = 0; i < r->stacks.n_frames; i++) {
		const struct stack_frame *f = &r->stacks.frames[i];
		const struct cmap *m;
		if (f->map == STACK_NO_MAP || !(m = tasks_map(t, f->map)) || !m->kernel)
			continue;
		if (f->addr < lo)
			lo = f->addr;
		if (f->addr > hi)
			hi = f->addr;
	}
	if (lo > hi)
		return;
	if (kernel_symbols(b)) {
		uint64_t ks, ke;
		ksyms_text_range(b->ksyms, &ks, &ke);
		if (ks && ks < lo)
			lo = ks;
		if (ke > hi)
			hi = ke;
	}
	for (size_t i = 0; i < b->mstates.n; i++) {
		struct pf_mapping *pm = &b->p->mappings[b->mstates.v[i].pf_id - 1];
		if (b->mstates.v[i].kind == SRC_KERNEL ||
		    strcmp(profile_get_str(b->p, pm->filename), "[kernel.kallsyms]") == 0) {
			pm->memory_start = lo;
			pm->memory_limit = hi + 1;
		}
	}
}

/* pprof treats mapping[0] as the main binary (the "File:" of reports):
 * create the first sampled process's executable first, sampled or not. */
static void main_mapping_first(struct builder *b, struct tasks *t, const struct stacks *st)
{
	const struct cmap *m;

	if (b->p->n_mappings || !st->n_entries)
		return;
	m = tasks_main_map(t, st->entries[0].pid);
	if (m)
		mstate_of(b, t, m->id);
}

void builder_warm(struct builder *b, struct recorder *r, struct tasks *t)
{
	const struct stacks *st = &r->stacks;

	main_mapping_first(b, t, st);
	for (; b->warm_entries < st->n_entries; b->warm_entries++) {
		const struct stack_entry *e = &st->entries[b->warm_entries];
		const struct stack_frame *fr = stack_frames(st, e);

		for (size_t k = 0; k < e->n_frames; k++)
			location_id(b, t, &fr[k]);
	}
}

static void reset_samples(struct profile *p)
{
	p->n_samples = p->n_sample_locs = p->n_sample_values = p->n_sample_labels = 0;
	p->n_sample_type = 0;
	p->n_comments = 0;
}

struct profile *build_profile(struct builder *b, struct recorder *r, struct tasks *t,
			      const struct profile_meta *m)
{
	struct profile *p = b->p;
	struct stacks *st = &r->stacks;
	int64_t k_comm = profile_str(p, "comm"), k_pid = profile_str(p, "pid");
	int64_t k_tid = profile_str(p, "tid"), k_time = profile_str(p, "time");
	int64_t k_cpu = profile_str(p, "cpu"), u_ns = profile_str(p, "nanoseconds");

	reset_samples(p);
	for (size_t i = 0; i < m->n_values; i++)
		profile_add_sample_type(p, m->value_types[2 * i], m->value_types[2 * i + 1]);
	p->default_sample_type = p->sample_type[m->n_values - 1].type;
	p->period_type.type = profile_str(p, m->period_type);
	p->period_type.unit = profile_str(p, m->period_unit);
	p->period = m->period;
	p->time_nanos = m->time_nanos;
	p->duration_nanos = m->duration_nanos;
	for (size_t i = 0; i < m->n_comments; i++)
		profile_add_comment(p, m->comments[i]);

	main_mapping_first(b, t, st);
	for (size_t i = 0; i < st->n_entries; i++) {
		const struct stack_entry *e = &st->entries[i];
		const struct stack_frame *fr = stack_frames(st, e);
		struct pf_label *l;

		b->loc_scratch.n = 0;
		for (size_t k = 0; k < e->n_frames; k++)
			vec_push(&b->loc_scratch, location_id(b, t, &fr[k]));
		b->lab_scratch.n = 0;
		l = vec_add(&b->lab_scratch);
		l->key = k_comm;
		l->str = profile_str(p, strtab_get(&st->strings, e->comm));
		l = vec_add(&b->lab_scratch);
		l->key = k_pid;
		l->num = e->pid;
		l = vec_add(&b->lab_scratch);
		l->key = k_tid;
		l->num = e->tid;
		if (m->per_sample) {
			l = vec_add(&b->lab_scratch);
			l->key = k_time;
			l->num = (int64_t)e->time;
			l->num_unit = u_ns;
			l = vec_add(&b->lab_scratch);
			l->key = k_cpu;
			l->num = e->cpu;
			/* with a unit, cpu 0 survives pprof's decoder */
			l->num_unit = k_cpu;
		}
		profile_add_sample(p, b->loc_scratch.v, b->loc_scratch.n, stack_values(st, e),
				   st->n_values, b->lab_scratch.v, b->lab_scratch.n);
	}
	set_kernel_range(b, t, r);
	profile_index(p);
	return p;
}
