/* A sampling session: the perf events of one recording opened on every
 * (CPU, thread) the target needs, one mmap ring per CPU (other fds on that
 * CPU redirected into it), and records handed out in time order.
 *
 * Ordering follows perf's "finished round" rule: after each drain of all
 * rings, records up to the newest timestamp of the *previous* drain are
 * safe to deliver, because every ring was read past that point. */
#ifndef KILN_COLLECT_SESSION_H
#define KILN_COLLECT_SESSION_H

#include <linux/perf_event.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../base/err.h"
#include "../events/events.h"

struct session_opts {
	const struct event_list *events; /* attrs as parsed; sampling set here */
	/* Target: exactly one of these shapes.
	 *  - child > 0: a command we forked; inherit, enabled on exec;
	 *  - tids: existing threads (target_threads() expands -p);
	 *  - system_wide: every task on `cpus`. */
	pid_t child;
	const pid_t *tids;
	size_t n_tids;
	bool system_wide;
	const int *cpus;       /* CPUs to open on; NULL = all online */
	size_t n_cpus;
	bool inherit;
	uint64_t freq;         /* samples per second, or 0 to use period */
	uint64_t period;
	bool callchain;        /* frame-pointer/kernel call chains */
	uint32_t stack_user;   /* bytes of user stack per sample (DWARF), 0 = none */
	uint64_t regs_user;    /* PERF_SAMPLE_REGS_USER mask with stack_user */
	size_t mmap_pages;     /* data pages per ring, power of two; 0 = default */
};

#define SESSION_DEFAULT_PAGES 128

/* How many bytes written to a ring of ring_bytes wake the reader
 * (attr.wakeup_watermark, with attr.watermark set). */
uint32_t session_wakeup_bytes(size_t ring_bytes);

struct session;

/* Opens every event; nothing counts until session_enable() (or, for a child,
 * its exec). Returns 0 or -errno with a message naming the event. */
int session_open(const struct session_opts *o, struct session **out, struct kerr *err);
/* Stops the reader thread, then unmaps and closes everything. NULL-tolerant. */
void session_close(struct session *s);

int session_enable(struct session *s);
int session_disable(struct session *s);

/* Starts a thread that only drains the rings into memory, so a slow
 * consumer cannot make them overflow. Optional; stopped by a final
 * session_read() or session_close(). Returns 0 or -errno. */
int session_start_reader(struct session *s, struct kerr *err);
void session_stop_reader(struct session *s);

/* Waits up to timeout_ms for data, with the signal mask `sigmask` in force
 * during the wait (ppoll; NULL keeps the current mask), so a caller that
 * blocks SIGCHLD/SIGINT elsewhere cannot miss one. Returns >0 when there
 * may be data, 0 on timeout, -EINTR when interrupted by a signal. With a
 * reader thread it only waits for the timeout or a signal. */
int session_poll(struct session *s, int timeout_ms, const sigset_t *sigmask);

/* True when every ring reported hang-up: all target tasks are gone. */
bool session_ended(const struct session *s);

typedef void (*session_record_fn)(const struct perf_event_header *h, void *arg);

/* Drains all rings and delivers the records that are safe to order (all of
 * them when `final`). Records are valid only during the callback. */
void session_read(struct session *s, bool final, session_record_fn fn, void *arg);

/* The sample_type/regs mask records are decoded with. */
uint64_t session_sample_type(const struct session *s);
uint64_t session_regs_mask(const struct session *s);
/* Index in the event list of a sample id, or -1. */
int session_event_of(const struct session *s, uint64_t id);
/* Records that arrived without a timestamp or out of order beyond repair. */
uint64_t session_misordered(const struct session *s);

#endif
