/* The recording state machine: records from a session (in time order) in,
 * thread/mapping state and aggregated stacks out. Knows nothing of symbols
 * or profiles; the cli turns its stacks into a Profile. */
#ifndef KILN_COLLECT_RECORDER_H
#define KILN_COLLECT_RECORDER_H

#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"
#include "stacks.h"
#include "tasks.h"

struct recorder_stats {
	uint64_t samples;     /* samples kept */
	uint64_t lost;        /* samples the kernel dropped (PERF_RECORD_LOST*) */
	uint64_t throttled;   /* THROTTLE records: the kernel lowered the rate */
	uint64_t bad;         /* records too short to decode */
	uint64_t truncated;   /* stacks cut short (unwinder gave up) */
};

/* Optional user-stack unwinder for samples carrying REGS_USER/STACK_USER.
 * Writes up to `max` user frames (leaf first, addresses already adjusted to
 * the call instruction except the leaf), returns how many; sets *truncated
 * when it stopped before reaching the outermost frame. */
typedef size_t (*recorder_unwind_fn)(void *ctx, struct tasks *t, const struct rec_sample *s,
				     uint64_t regs_mask, struct stack_frame *out, size_t max,
				     bool *truncated);

struct recorder {
	struct tasks *tasks;         /* borrowed */
	struct stacks stacks;
	struct recorder_stats stats;
	uint64_t sample_type, regs_mask;
	size_t n_events;
	const void *session;         /* for sample id → event; borrowed */
	int (*event_of)(const void *session, uint64_t id);
	size_t max_frames;
	recorder_unwind_fn unwind;
	void *unwind_ctx;
	bool split_events;           /* keep each event's samples apart */
	/* The build id (hex) of a file an MMAP2 record names without one,
	 * or NULL: a perf.data's HEADER_BUILD_ID. Optional. */
	const char *(*build_id_of)(void *ctx, const char *filename);
	void *build_id_ctx;
	uint64_t first_time, last_time;
	struct stack_frame *scratch; /* max_frames + 1 */
	int64_t *vals;               /* 1 + n_events */
};

/* Values per stack: [0] = number of samples, [1 + i] = summed period of
 * event i. `per_sample` keeps every sample apart, with its time and CPU. */
void recorder_init(struct recorder *r, struct tasks *t, size_t n_events,
		   uint64_t sample_type, uint64_t regs_mask, bool per_sample);
void recorder_release(struct recorder *r);

/* Adds one decoded sample of event `ev` (out of range: event 0), for a
 * source that decodes samples itself (perf.data, whose events each have
 * their own layout). h is the record s was decoded from. */
void recorder_sample(struct recorder *r, const struct perf_event_header *h,
		     const struct rec_sample *s, int ev);

/* A session_record_fn: pass the recorder as `arg`. */
void recorder_record(const struct perf_event_header *h, void *arg);

#endif
