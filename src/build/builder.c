/* The builder (see build.h). Work is proportional to what is new: a
 * mapping's source is opened once, locations are looked up per mapping in
 * a hash of addresses, and only unseen addresses reach the symbolizer. */
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "internal.h"

void builder_new(struct builder **out, const struct build_opts *o)
{
	struct builder *b = xcalloc(1, sizeof(*b));

	*out = b;
	if (o) {
		b->get_sym = o->symbolizer;
		b->get_sym_ctx = o->ctx;
		b->mark_unnamed = o->mark_unnamed;
	}
	/* profile_new() in two steps, so that builder_free() releases what
	 * profile_init() got if it fails half-way */
	b->p = xcalloc(1, sizeof(*b->p));
	profile_init(b->p);
	if (!b->get_sym) {
		b->own_sym = true;
		b->sym = symbolizer_new();
		if (o && o->fetch)
			symbolizer_set_fetcher(b->sym, o->fetch);
	}
	if (o && o->kallsyms_cache)
		b->kallsyms_cache = xstrdup(o->kallsyms_cache);
}

static void builder_release(struct builder *b)
{
	for (size_t i = 0; i < b->mstates.n; i++)
		source_release(&b->mstates.v[i].src);
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
	if (b->own_sym)
		symbolizer_free(b->sym);
	free(b->kallsyms_cache);
	free(b);
}

void builder_free(struct builder *b)
{
	if (!b)
		return;
	profile_free(b->p);
	builder_release(b);
}

struct profile *builder_finish(struct builder *b)
{
	struct profile *p = b->p;

	builder_release(b);
	return p;
}

struct symbolizer *builder_sym(struct builder *b)
{
	if (b->get_sym) {
		b->sym = b->get_sym(b->get_sym_ctx);
		b->get_sym = NULL;
	}
	return b->sym;
}

struct profile *builder_profile(struct builder *b)
{
	return b->p;
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

void builder_warn(struct builder *b, const char *msg)
{
	vec_push(&b->warnings, xstrdup(msg));
}

struct ksyms *builder_ksyms(struct builder *b)
{
	struct kerr err = KERR_INIT;

	if (!b->ksyms_tried) {
		b->ksyms_tried = true;
		if (ksyms_load(b->kallsyms_cache, &b->ksyms, &err) < 0)
			builder_warn(b, err.msg);
	}
	return b->ksyms;
}

static bool same_mapping(const struct profile *p, const struct pf_mapping *pm,
			 const struct build_mapping *m)
{
	return pm->memory_start == m->start && pm->memory_limit == m->end &&
	       pm->file_offset == m->pgoff && !strcmp(profile_get_str(p, pm->filename), m->filename);
}

uint32_t builder_mapping(struct builder *b, const struct build_mapping *m)
{
	struct pf_mapping *pm;
	struct mstate *ms;
	uint64_t key, ix;

	/* One profile mapping per distinct (range, offset, file): a forked
	 * child shares its parent's. Probe past hash collisions. */
	key = hash_u64(m->start ^ hash_u64(m->end ^ hash_u64(m->pgoff ^
			hash_bytes(m->filename, strlen(m->filename), 0))));
	while (u64map_get(&b->mapping_key, key, &ix)) {
		if (same_mapping(b->p, &b->p->mappings[b->mstates.v[ix].pf_id - 1], m))
			return (uint32_t)ix;
		key++;
	}
	pm = profile_add_mapping(b->p);
	pm->memory_start = m->start;
	pm->memory_limit = m->end;
	pm->file_offset = m->pgoff;
	pm->filename = profile_str(b->p, m->filename);
	if (m->build_id && *m->build_id)
		pm->build_id = profile_str(b->p, m->build_id);
	ms = vec_add(&b->mstates);
	ms->pf_id = pm->id;
	vec_add(&b->locs);
	source_open(b, &ms->src, pm, m);
	u64map_put(&b->mapping_key, key, b->mstates.n - 1);
	return (uint32_t)(b->mstates.n - 1);
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

struct pf_mapping *builder_pf_mapping(struct builder *b, uint32_t ix)
{
	return &b->p->mappings[b->mstates.v[ix].pf_id - 1];
}

/* Adds the location of addr at *slot: its frames looked up (lookup) or
 * given; given ones also stand in when the lookup names nothing. */
static uint64_t add_location(struct builder *b, uint32_t ix, uint64_t addr, uint64_t *slot,
			     bool lookup, const struct sym_frame *given, size_t n_given)
{
	struct sym_frame found[MAX_INLINE];
	const struct sym_frame *fr = found;
	struct pf_line lines[MAX_INLINE];
	struct mstate *ms = ix == BUILD_NO_MAPPING ? NULL : &b->mstates.v[ix];
	size_t n = 0;

	if (ms && lookup)
		n = source_lookup(b, &ms->src, addr, found);
	if (!n && given) {
		fr = given, n = n_given;
		if (n > MAX_INLINE) /* keep the outermost, as sym_file_lookup() does */
			fr += n - MAX_INLINE, n = MAX_INLINE;
	}
	if (ms && !n && b->mark_unnamed && ms->src.kind == SRC_ELF && !ms->unnamed) {
		struct pf_mapping *pm = &b->p->mappings[ms->pf_id - 1];
		ms->unnamed = true;
		pm->has_functions = pm->has_filenames = false;
		pm->has_line_numbers = pm->has_inline_frames = false;
	}
	for (size_t i = 0; i < n; i++) {
		lines[i].function_id = function_id(b, &fr[i]);
		lines[i].line = fr[i].line;
		lines[i].column = fr[i].column;
	}
	/* function_id() may have grown the arrays; the slot pointer is still
	 * valid since nothing was inserted into `locs` meanwhile. */
	*slot = profile_add_location(b->p, ms ? ms->pf_id : 0, addr, lines, n)->id;
	return *slot;
}

static uint64_t *location_slot(struct builder *b, uint32_t ix, uint64_t addr, bool *added)
{
	return u64map_slot(ix == BUILD_NO_MAPPING ? &b->noloc : &b->locs.v[ix], addr, 0, added);
}

uint64_t builder_location(struct builder *b, uint32_t ix, uint64_t addr)
{
	bool added;
	uint64_t *slot = location_slot(b, ix, addr, &added);

	return added ? add_location(b, ix, addr, slot, true, NULL, 0) : *slot;
}

uint64_t builder_location_frames(struct builder *b, uint32_t ix, uint64_t addr,
				 const struct sym_frame *fr, size_t n, bool lookup)
{
	static const struct sym_frame none;
	bool added;
	uint64_t *slot = location_slot(b, ix, addr, &added);

	return added ? add_location(b, ix, addr, slot, lookup, fr ? fr : &none, fr ? n : 0) : *slot;
}
