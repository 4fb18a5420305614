/* build_profile(): a recording of collect (tasks + aggregated stacks)
 * through the builder, with perf's labels (comm, pid, tid; time and cpu
 * per sample) and the kernel mapping's range widened to its text. */
#include <string.h>

#include "internal.h"

/* The builder's index of collect's map `map_id`, cached by id. */
static uint32_t mapping_of(struct builder *b, struct tasks *t, uint32_t map_id)
{
	const struct cmap *m;

	while (b->cmap_to_mstate.n <= map_id)
		vec_push(&b->cmap_to_mstate, -1);
	if (b->cmap_to_mstate.v[map_id] < 0) {
		m = tasks_map(t, map_id);
		struct build_mapping bm = { m->start, m->end, m->pgoff, m->filename, m->build_id,
					    (int)m->pid, m->kernel };
		b->cmap_to_mstate.v[map_id] = builder_mapping(b, &bm);
	}
	return (uint32_t)b->cmap_to_mstate.v[map_id];
}

static uint64_t frame_location(struct builder *b, struct tasks *t, const struct stack_frame *f)
{
	uint32_t ix = f->map == STACK_NO_MAP ? BUILD_NO_MAPPING : mapping_of(b, t, f->map);

	return builder_location(b, ix, f->addr);
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
	if (builder_ksyms(b)) {
		uint64_t ks, ke;
		ksyms_text_range(b->ksyms, &ks, &ke);
		if (ks && ks < lo)
			lo = ks;
		if (ke > hi)
			hi = ke;
	}
	for (size_t i = 0; i < b->mstates.n; i++) {
		struct pf_mapping *pm = &b->p->mappings[b->mstates.v[i].pf_id - 1];
		if (b->mstates.v[i].src.kind == SRC_KERNEL ||
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
		mapping_of(b, t, m->id);
}

/* A JIT's jitdump (jit-PID.dump) is mmapped by it so that a recording
 * knows the file: its mapping goes into the profile, sampled or not, for
 * `kiln inject --jit` to find. */
static void jitdump_mappings(struct builder *b, struct tasks *t)
{
	for (size_t i = 0, n = tasks_n_maps(t); i < n; i++) {
		const struct cmap *m = tasks_map(t, (uint32_t)i);
		int pid;

		if (m && !m->kernel && jitdump_name(m->filename, &pid))
			mapping_of(b, t, m->id);
	}
}

void builder_warm(struct builder *b, struct recorder *r, struct tasks *t)
{
	const struct stacks *st = &r->stacks;

	main_mapping_first(b, t, st);
	for (; b->warm_entries < st->n_entries; b->warm_entries++) {
		const struct stack_entry *e = &st->entries[b->warm_entries];
		const struct stack_frame *fr = stack_frames(st, e);

		for (size_t k = 0; k < e->n_frames; k++)
			frame_location(b, t, &fr[k]);
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
			vec_push(&b->loc_scratch, frame_location(b, t, &fr[k]));
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
		if (m->labels) {
			size_t n = 0;
			const struct pf_label *x = m->labels(m->labels_ctx, i, &n);
			for (size_t k = 0; k < n; k++)
				vec_push(&b->lab_scratch, x[k]);
		}
		profile_add_sample(p, b->loc_scratch.v, b->loc_scratch.n, stack_values(st, e),
				   st->n_values, b->lab_scratch.v, b->lab_scratch.n);
	}
	jitdump_mappings(b, t);
	set_kernel_range(b, t, r);
	profile_index(p);
	return p;
}
