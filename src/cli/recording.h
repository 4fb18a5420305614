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
#include "../collect/launch.h"
#include "../collect/session.h"
#include "../collect/target.h"
#include "../collect/tasks.h"
#include "../events/events.h"

/* cpu-clock or task-clock: values are nanoseconds. */
bool recording_is_clock_event(const struct kevent *e);

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

/* Installs the handlers for SIGINT/SIGTERM/SIGHUP (on_stop) and SIGCHLD
 * (on_child) and blocks those signals; *block gets them and *waitmask the
 * mask to wait with (ppoll), so none is lost between a check and a wait.
 * Restore with sigprocmask(SIG_UNBLOCK, block, NULL). */
void recording_block_signals(void (*on_stop)(int), void (*on_child)(int), sigset_t *block,
			     sigset_t *waitmask);

#endif
