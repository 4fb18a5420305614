/* Counting mode (perf stat): one counter per event per CPU or per thread,
 * groups opened together, read with TOTAL_TIME_ENABLED/RUNNING so
 * multiplexed counts can be scaled. No ring buffers, no sampling.
 *
 * Ownership: struct counters owns its fds and arrays (counters_close()
 * frees them, and is safe on COUNTERS_INIT); it borrows the event list,
 * which must outlive it. */
#ifndef KILN_EVENTS_COUNTERS_H
#define KILN_EVENTS_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../base/err.h"
#include "events.h"

/* A count with the times the kernel reports for it. `val` is already
 * scaled for multiplexing (val * ena / run per CPU or thread); run == 0
 * means the counter never ran (perf's <not counted>). */
struct counter_value {
	uint64_t val, ena, run;
};

/* Where counters go: per CPU (pid -1) when ncpus > 0, else per thread. */
struct counters_target {
	const int *cpus;
	size_t ncpus;
	const pid_t *pids;   /* threads, or the one launched child */
	size_t npids;
	bool inherit;        /* count children created after opening */
	bool enable_on_exec; /* start counting at the child's exec */
};

enum counter_state {
	COUNTER_OPEN = 0,         /* opened on at least one CPU/thread */
	COUNTER_TOOL,             /* a tool event: the caller computes it */
	COUNTER_NOT_SUPPORTED,    /* the kernel refused it (no such PMU/event here) */
	COUNTER_NOT_COUNTED,      /* never opened: its group leader failed */
};

struct counters {
	const struct event_list *events; /* borrowed */
	size_t nslots;                   /* CPUs or threads */
	int *fds;                        /* [event * nslots + slot], -1 when not open */
	struct counter_value *prev;      /* last raw reading per fd, for deltas */
	enum counter_state *state;       /* per event */
	int *open_err;                   /* per event: -errno of the failed open, or 0 */
	bool *user_only;                 /* per event: fell back to :u (paranoid) */
};

#define COUNTERS_INIT { NULL, 0, NULL, NULL, NULL, NULL, NULL }

/* Opens every event on every CPU/thread of t, disabled unless
 * t->enable_on_exec (then the exec enables them). Events the kernel does
 * not support are marked, not fatal; as perf does, an event refused for
 * permission with kernel counting on is retried as user-only. Other
 * failures (permissions, file limits, vanished targets) return -errno with
 * a message. */
int counters_open(struct counters *c, const struct event_list *evs,
		  const struct counters_target *t, struct kerr *err);
/* Starts/stops every open counter (ioctl ENABLE/DISABLE). */
void counters_enable(struct counters *c);
void counters_disable(struct counters *c);
/* Reads every event into out[nev]: totals since opening, or with `delta`
 * the change since the previous delta read. Returns 0 or -errno. */
int counters_read(struct counters *c, struct counter_value *out, bool delta, struct kerr *err);
void counters_close(struct counters *c);

/* perf's scaling of a multiplexed reading: val * ena / run when the
 * counter ran part of the enabled time (truncated), 0 when it never ran. */
void counter_value_scale(struct counter_value *v);

#endif
