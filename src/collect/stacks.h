/* Aggregated samples of a recording: each distinct (thread, comm, stack)
 * once, with its values summed. This is what a recording keeps in memory
 * instead of every sample, and what a checkpoint or the final profile is
 * built from.
 *
 * A frame is an address plus the id of the mapping (struct cmap) it was in
 * when sampled, so it stays attributable after the mapping goes away.
 * Non-leaf addresses are expected already adjusted into the call
 * instruction (return address - 1), as pprof wants. */
#ifndef KILN_COLLECT_STACKS_H
#define KILN_COLLECT_STACKS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../base/strtab.h"

#define STACK_NO_MAP UINT32_MAX

struct stack_frame {
	uint64_t addr;
	uint32_t map; /* cmap id, STACK_NO_MAP when unknown */
};

struct stack_entry {
	pid_t pid, tid;
	uint32_t comm;      /* index in stacks.strings */
	uint32_t n_frames;  /* leaf first */
	size_t frame_off;   /* into stacks.frames */
	size_t value_off;   /* into stacks.values, n_values of them */
	uint64_t time;      /* with per-sample entries only: sample time */
	uint32_t cpu;
	uint32_t event;     /* stacks_add_event()'s, else 0 */
};

struct stacks {
	size_t n_values;             /* per entry */
	struct strtab strings;
	struct stack_entry *entries;
	size_t n_entries, cap_entries;
	struct stack_frame *frames;
	size_t n_frames, cap_frames;
	int64_t *values;
	size_t n_vals, cap_vals;
	uint32_t *slots;             /* hash table of entry index + 1 */
	size_t n_slots;
	int per_sample;              /* keep every sample apart (timestamps) */
};

void stacks_init(struct stacks *s, size_t n_values, int per_sample);
void stacks_release(struct stacks *s);

/* Adds `vals` (n_values of them) to the entry for this stack, creating it
 * if new; sums saturate at INT64_MIN/INT64_MAX. Returns the entry. */
struct stack_entry *stacks_add(struct stacks *s, pid_t pid, pid_t tid, const char *comm,
			       const struct stack_frame *frames, size_t n_frames,
			       const int64_t *vals, uint64_t time, uint32_t cpu);

/* The same, with samples of event `ev` kept apart from other events'
 * (a perf.data's events, so each event's sample count stays known). */
struct stack_entry *stacks_add_event(struct stacks *s, pid_t pid, pid_t tid, const char *comm,
				     uint32_t ev, const struct stack_frame *frames,
				     size_t n_frames, const int64_t *vals, uint64_t time,
				     uint32_t cpu);

static inline const struct stack_frame *stack_frames(const struct stacks *s,
						     const struct stack_entry *e)
{
	return s->frames + e->frame_off;
}
static inline const int64_t *stack_values(const struct stacks *s,
					  const struct stack_entry *e)
{
	return s->values + e->value_off;
}

#endif
