/* Launching the measured command so that counting starts exactly at its
 * exec: fork a child that blocks on a pipe, let the caller open counters on
 * the child's pid (attr.disabled = 1, attr.enable_on_exec = 1), then let it
 * go; the child execvp()s. An exec failure travels back through a second,
 * close-on-exec pipe, so the caller learns "cannot run 'X': <reason>"
 * before it starts waiting.
 *
 *	struct launch l = LAUNCH_INIT;
 *	if (launch_prepare(&l, argv, &err) < 0) fail;
 *	open counters on l.pid ...            (on failure: launch_release(&l))
 *	if (launch_start(&l, &err) < 0) { print err.msg; exit 127; }
 *	launch_wait(&l, &status, &rusage);
 *	return launch_exit_code(status);
 *	launch_release(&l);
 *
 * Signals: the child unblocks every signal before exec; exec itself resets
 * caught signals to their defaults but keeps ignored ones ignored. So a
 * caller that wants Ctrl-C to reach the command while it survives to print
 * (stat, as perf does) installs a handler for SIGINT rather than SIG_IGN. */
#ifndef KILN_COLLECT_LAUNCH_H
#define KILN_COLLECT_LAUNCH_H

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "../base/err.h"

struct launch {
	pid_t pid;        /* the child; -1 before launch_prepare() and after it is reaped */
	int go_fd;        /* write end of the go pipe; -1 once used */
	int exec_err_fd;  /* read end of the exec-error pipe; -1 once used */
	const char *file; /* argv[0], borrowed from the caller, for messages */
	bool started;     /* launch_start() let it exec */
};

#define LAUNCH_INIT { -1, -1, -1, NULL, false }

/* Forks the child, which waits. argv is NULL-terminated and must stay
 * valid until launch_start() returns. Returns 0 or -errno with err set. */
int launch_prepare(struct launch *l, const char *const *argv, struct kerr *err);

/* Lets the child exec and waits until exec either succeeded or failed.
 * On failure the child is reaped, err says "cannot run 'X': <strerror>" and
 * the return is the exec's -errno (-ENOENT for a missing command: callers
 * exit 127 then, as shells do; 126 for other exec failures). */
int launch_start(struct launch *l, struct kerr *err);

/* Waits for the child to end (retrying on EINTR unless `interruptible`,
 * in which case -EINTR is returned so a caller can react to a signal).
 * Fills *status (waitpid format) and, if ru is not NULL, its resource
 * usage. Returns 0 or -errno. */
int launch_wait(struct launch *l, int *status, struct rusage *ru, bool interruptible);

/* The exit status a shell would report: the child's code, or 128+signal. */
int launch_exit_code(int status);

/* Kills (SIGKILL) and reaps a child that has not been reaped, closes the
 * pipes. Safe on LAUNCH_INIT and after launch_wait(); call it on every
 * path. */
void launch_release(struct launch *l);

#endif
