/* Stack aggregation: an open-addressing table of entry indices keyed by a
 * hash of (pid, tid, comm, frames); entries and frames live in flat arrays. */
#include "stacks.h"

#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/hashmap.h"

void stacks_init(struct stacks *s, size_t n_values, int per_sample)
{
	memset(s, 0, sizeof(*s));
	s->n_values = n_values;
	s->per_sample = per_sample;
	strtab_init(&s->strings);
}

void stacks_release(struct stacks *s)
{
	strtab_release(&s->strings);
	free(s->entries);
	free(s->frames);
	free(s->values);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

static uint64_t entry_hash(pid_t pid, pid_t tid, uint32_t comm, uint32_t ev,
			   const struct stack_frame *f, size_t n)
{
	uint64_t h = hash_u64(((uint64_t)(uint32_t)pid << 32) ^ (uint32_t)tid ^
			      ((uint64_t)comm << 17) ^ ((uint64_t)ev << 52));

	for (size_t i = 0; i < n; i++)
		h = hash_u64(h ^ f[i].addr ^ ((uint64_t)f[i].map << 40));
	return h;
}

static bool entry_eq(const struct stacks *s, const struct stack_entry *e, pid_t pid,
		     pid_t tid, uint32_t comm, uint32_t ev, const struct stack_frame *f, size_t n)
{
	const struct stack_frame *ef = s->frames + e->frame_off;

	if (e->pid != pid || e->tid != tid || e->comm != comm || e->event != ev ||
	    e->n_frames != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ef[i].addr != f[i].addr || ef[i].map != f[i].map)
			return false;
	return true;
}

static void rehash(struct stacks *s)
{
	size_t n = s->n_slots ? s->n_slots * 2 : 1024;

	free(s->slots);
	s->slots = xcalloc(n, sizeof(*s->slots));
	s->n_slots = n;
	for (size_t i = 0; i < s->n_entries; i++) {
		const struct stack_entry *e = &s->entries[i];
		size_t j = entry_hash(e->pid, e->tid, e->comm, e->event, s->frames + e->frame_off,
				      e->n_frames) & (n - 1);
		while (s->slots[j])
			j = (j + 1) & (n - 1);
		s->slots[j] = (uint32_t)i + 1;
	}
}

struct stack_entry *stacks_add(struct stacks *s, pid_t pid, pid_t tid, const char *comm,
			       const struct stack_frame *frames, size_t n_frames,
			       const int64_t *vals, uint64_t time, uint32_t cpu)
{
	return stacks_add_event(s, pid, tid, comm, 0, frames, n_frames, vals, time, cpu);
}

struct stack_entry *stacks_add_event(struct stacks *s, pid_t pid, pid_t tid, const char *comm,
				     uint32_t ev, const struct stack_frame *frames,
				     size_t n_frames, const int64_t *vals, uint64_t time,
				     uint32_t cpu)
{
	uint32_t c = strtab_intern_cstr(&s->strings, comm ? comm : "");
	struct stack_entry *e;
	size_t j = 0;

	if (!s->per_sample) {
		if ((s->n_entries + 1) * 2 > s->n_slots)
			rehash(s);
		j = entry_hash(pid, tid, c, ev, frames, n_frames) & (s->n_slots - 1);
		while (s->slots[j]) {
			e = &s->entries[s->slots[j] - 1];
			if (entry_eq(s, e, pid, tid, c, ev, frames, n_frames)) {
				int64_t *v = s->values + e->value_off;
				/* Saturated: periods from a file can be anything. */
				for (size_t k = 0; k < s->n_values; k++)
					if (__builtin_add_overflow(v[k], vals[k], &v[k]))
						v[k] = vals[k] < 0 ? INT64_MIN : INT64_MAX;
				return e;
			}
			j = (j + 1) & (s->n_slots - 1);
		}
	}
	s->entries = xgrow(s->entries, &s->cap_entries, s->n_entries + 1, sizeof(*s->entries));
	s->frames = xgrow(s->frames, &s->cap_frames, s->n_frames + n_frames, sizeof(*s->frames));
	s->values = xgrow(s->values, &s->cap_vals, s->n_vals + s->n_values, sizeof(*s->values));
	e = &s->entries[s->n_entries];
	e->pid = pid;
	e->tid = tid;
	e->comm = c;
	e->n_frames = (uint32_t)n_frames;
	e->frame_off = s->n_frames;
	e->value_off = s->n_vals;
	e->time = time;
	e->cpu = cpu;
	e->event = ev;
	if (n_frames)
		memcpy(s->frames + s->n_frames, frames, n_frames * sizeof(*frames));
	memcpy(s->values + s->n_vals, vals, s->n_values * sizeof(*vals));
	s->n_frames += n_frames;
	s->n_vals += s->n_values;
	if (!s->per_sample)
		s->slots[j] = (uint32_t)s->n_entries + 1;
	s->n_entries++;
	return e;
}
