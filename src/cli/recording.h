/* The recording setup shared by kiln record and kiln top: default events,
 * --call-graph parsing, and opening a session on a target (launching the
 * command stopped, or reading /proc for -p/-t/-a so existing processes'
 * mappings are known). What follows — recorder, builder, the loop — stays
 * with each command. */
#ifndef KILN_CLI_RECORDING_H
#define KILN_CLI_RECORDING_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../build/build.h"
#include "../collect/launch.h"
#include "../collect/session.h"
#include "../collect/target.h"
#include "../collect/tasks.h"
#include "../events/events.h"
#include "../opts/options.h"

/* cpu-clock or task-clock: values are nanoseconds. */
bool recording_is_clock_event(const struct kevent *e);

/* Seconds on the monotonic clock. */
double recording_now(void);
/* The recorder's event_of: which event of the session a sample id is. */
int recording_event_of(const void *session, uint64_t id);
/* -e EVENT, which may be given several times: the events accumulate in the
 * kbuf the option's value points to, comma-separated. */
int recording_opt_event(const struct option_def *o, const char *arg, struct kerr *err);

/* The profile header's value types for the first n events of evs
 * (build_header_init); evs must outlive h. */
void recording_header_init(struct build_header *h, const struct event_list *evs, size_t n,
			   bool per_sample);

/* Without -e: cycles where the hardware counts them, else cpu-clock (as
 * perf does), saying so on stderr unless quiet. */
int recording_default_events(struct event_list *evs, bool quiet, struct kerr *err);

/* --call-graph fp | dwarf[,SIZE] | lbr: sets *callchain or *stack_user.
 * Prints the error as "<cmd>: ..." and returns -1 on a bad mode. */
int recording_parse_call_graph(const char *cmd, const char *mode, bool *callchain,
			       uint32_t *stack_user);

struct recording_params {
	int freq;              /* samples per second, unless period */
	int64_t period;
	bool callchain;
	uint32_t stack_user;   /* DWARF: bytes of user stack per sample */
	bool inherit;
	size_t mmap_pages;     /* 0 = the session's default */
};

/* Opens the events on the target. A command is forked and waits in *l
 * until recording_start(); for -p/-t/-a the processes' current mappings
 * are read into tasks. With -p/-t/-a/-C a command only sets how long to
 * record (it is recorded itself only system-wide). Nothing counts until
 * recording_start(). On failure the caller still releases *l. */
int recording_open(const struct target *t, const struct event_list *evs,
		   const struct recording_params *rp, struct tasks *tasks, struct launch *l,
		   struct session **out, struct kerr *err);

/* Starts counting: enables the events, then lets the command (if any)
 * exec; a command alone is enabled by its exec. Returns 0 or -errno with
 * err set; *exec_failed tells that the command could not be run (err then
 * says "cannot run 'X': ..."; -ENOENT means it was not found). */
int recording_start(const struct target *t, struct session *s, struct launch *l,
		    bool *exec_failed, struct kerr *err);

/* Set by the handlers recording_block_signals() installs: the signal
 * that asked to stop (SIGINT/SIGTERM/SIGHUP), and that a child changed
 * state (SIGCHLD). The loops poll them. */
extern volatile sig_atomic_t recording_stop_signal, recording_child_changed;

/* Installs those handlers and blocks the signals; *block gets them and
 * *waitmask the mask to wait with (ppoll), so none is lost between a
 * check and a wait. Restore with sigprocmask(SIG_UNBLOCK, block, NULL). */
void recording_block_signals(sigset_t *block, sigset_t *waitmask);

#endif
