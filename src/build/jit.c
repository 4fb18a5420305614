/* kiln inject --jit (see build.h): the JIT frames of a recorded profile
 * named from the jitdumps its processes wrote. A run has one jitdump per
 * JIT process and thousands of JIT locations; each dump is read once and
 * each unnamed location looked up in its process's dump (by the samples'
 * pid label), or in the only dump when there is one. */
#include <errno.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/hashmap.h"
#include "../base/vec.h"
#include "internal.h"

struct dump {
	int pid;
	struct jitdump *j;
};

/* Location id → pid of the first sample holding it. */
static void location_pids(struct profile *p, struct u64map *out)
{
	int64_t k_pid = profile_str(p, "pid");

	for (size_t i = 0; i < p->n_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		const struct pf_label *l = pf_sample_labels(p, s);
		const uint64_t *locs = pf_sample_locs(p, s);
		uint64_t v;

		for (uint32_t k = 0; k < s->n_lab; k++) {
			if (l[k].key != k_pid || l[k].str)
				continue;
			for (uint32_t n = 0; n < s->n_loc; n++)
				if (!u64map_get(out, locs[n], &v))
					u64map_put(out, locs[n], (uint64_t)l[k].num);
			break;
		}
	}
}

static const struct jitdump *dump_for(const struct dump *d, size_t n, const struct u64map *pids,
				      uint64_t loc_id)
{
	uint64_t pid;

	if (n == 1)
		return d[0].j;
	if (!u64map_get(pids, loc_id, &pid))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((uint64_t)d[i].pid == pid)
			return d[i].j;
	return NULL;
}

static uint64_t function_of(struct profile *p, struct u64map *funcs, const struct sym_frame *f)
{
	int64_t name = profile_str(p, f->name), file = f->file ? profile_str(p, f->file) : 0;
	uint64_t key = hash_u64((uint64_t)name ^ hash_u64((uint64_t)file)), id;
	struct pf_function *fn;

	if (u64map_get(funcs, key, &id)) {
		const struct pf_function *have = &p->functions[id - 1];
		if (have->name == name && have->filename == file)
			return have->id;
	}
	fn = profile_add_function(p);
	fn->name = fn->system_name = name;
	fn->filename = file;
	/* Keyed by array index + 1, so that a collision only costs a
	 * duplicate function. */
	u64map_put(funcs, key, (uint64_t)(fn - p->functions) + 1);
	return fn->id;
}

static void name_location(struct profile *p, size_t li, uint64_t fid, int64_t line)
{
	struct pf_location *l = &p->locations[li];

	p->lines = xgrow(p->lines, &p->cap_lines, p->n_lines + 1, sizeof(*p->lines));
	p->lines[p->n_lines] = (struct pf_line){ .function_id = fid, .line = line };
	l->line_off = (uint32_t)p->n_lines++;
	l->n_line = 1;
}

int build_inject_jit(struct profile *p, const struct build_jit_opts *o,
		     struct build_jit_stats *st, struct kerr *err)
{
	VEC(struct dump) dumps = VEC_INIT;
	struct u64map pids = { 0 }, funcs = { 0 }, named_maps = { 0 };
	struct kbuf w = KBUF_INIT;
	size_t named_dumps = 0;
	uint64_t v;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	profile_index(p);
	for (size_t i = 0; i < p->n_mappings; i++) {
		const char *path = profile_get_str(p, p->mappings[i].filename);
		struct kerr e = KERR_INIT;
		struct dump d;

		if (!jitdump_name(path, &d.pid))
			continue;
		named_dumps++;
		if (jitdump_load(path, o->max_size, &d.j, &e) < 0) {
			o->warn(o->ctx, e.msg);
			continue;
		}
		if (d.j->truncated) {
			kbuf_reset(&w);
			kbuf_addf(&w, "%s: cut short or corrupt at byte %llu; the code loaded "
				  "before is used", path, (unsigned long long)d.j->bad_offset);
			o->warn(o->ctx, w.buf);
			st->truncated++;
		}
		vec_push(&dumps, d);
		st->dumps++;
	}
	st->named_dumps = named_dumps;
	if (!dumps.n && named_dumps) {
		ret = kerr_set(err, -ENOENT, "no jitdump could be read (of the %zu the profile "
			       "names)", named_dumps);
		goto out;
	}
	if (!dumps.n)
		goto out; /* nothing to do, as perf inject --jit without dumps */
	location_pids(p, &pids);
	for (size_t i = 0; i < p->n_locations; i++) {
		const struct pf_location *l = &p->locations[i];
		const struct jitdump *j;
		struct sym_frame f;

		if (l->n_line || !(j = dump_for(dumps.v, dumps.n, &pids, l->id)) ||
		    !jitdump_lookup(j, l->address, &f))
			continue;
		name_location(p, i, function_of(p, &funcs, &f), f.line);
		st->named++;
		if (l->mapping_id)
			u64map_put(&named_maps, l->mapping_id, 1);
	}
	/* pprof leaves mappings that have function names alone. */
	for (size_t i = 0; i < p->n_mappings; i++)
		if (u64map_get(&named_maps, p->mappings[i].id, &v))
			p->mappings[i].has_functions = true;
	profile_index(p);
out:
	for (size_t i = 0; i < dumps.n; i++)
		jitdump_free(dumps.v[i].j);
	vec_free(&dumps);
	u64map_release(&pids);
	u64map_release(&funcs);
	u64map_release(&named_maps);
	kbuf_release(&w);
	return ret;
}
