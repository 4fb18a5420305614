/* What a counting or sampling session watches: processes (-p), threads (-t),
 * CPUs (-a, -C) and/or a command to launch (-- CMD ARGS). One parser for
 * these options, shared by stat, record, top and trace.
 *
 * Ownership: a struct target owns its pid/tid/cpu arrays (freed by
 * target_release()); `argv` points into the caller's argv and is never
 * freed here, so it is valid as long as main()'s argv is.
 *
 * Typical use (cli layer):
 *	struct target t = TARGET_INIT;
 *	options: -p → target_add_pids(&t, arg, err), -t → target_add_tids(),
 *	         -C → target_add_cpus(), -a → t.all_cpus = true
 *	n = options_parse(...);  target_finish(&t, n, argv, TARGET_DEFAULT_ALL_CPUS, err);
 *	if (target_has_cpus(&t)) open one counter per t.cpus.v[i] with pid -1
 *	else open per thread of target_threads() (or the launched child) with cpu -1
 */
#ifndef KILN_COLLECT_TARGET_H
#define KILN_COLLECT_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../base/buf.h"
#include "../base/err.h"

/* Growable arrays; usable with base/vec.h's vec_push()/vec_free(). */
struct cpu_list {
	int *v;
	size_t n, cap;
};

struct pid_list {
	pid_t *v;
	size_t n, cap;
};

#define CPU_LIST_INIT { NULL, 0, 0 }
#define PID_LIST_INIT { NULL, 0, 0 }

struct target {
	struct pid_list pids;  /* -p, in the order given, duplicates removed */
	struct pid_list tids;  /* -t */
	struct cpu_list cpus;  /* -C list; after target_finish() with -a: online CPUs */
	bool all_cpus;         /* -a (set by the caller's option table) */
	bool cpus_given;       /* -C was used */
	int argc;              /* command after options; 0 when none */
	const char **argv;     /* NULL-terminated, borrowed from the caller; NULL when none */
};

#define TARGET_INIT { PID_LIST_INIT, PID_LIST_INIT, CPU_LIST_INIT, false, false, 0, NULL }

/* "1234,5678" (commas or spaces) → appended to t->pids / t->tids. Rejects
 * anything but positive decimal ids, with the offending text in err. */
int target_add_pids(struct target *t, const char *list, struct kerr *err);
int target_add_tids(struct target *t, const char *list, struct kerr *err);
/* "0-3,6" → appended to t->cpus; each CPU must be in
 * /sys/devices/system/cpu/possible. Sets cpus_given. */
int target_add_cpus(struct target *t, const char *list, struct kerr *err);

enum {
	/* No command and no -p/-t means system-wide (perf stat, perf record);
	 * without this flag it is an error (commands that need a target). */
	TARGET_DEFAULT_ALL_CPUS = 1 << 0,
	/* Allow -p/-t with a command, which then only sets how long to watch
	 * (perf stat -p PID -- sleep 5); without it that is an error. */
	TARGET_COMMAND_AS_TIMER = 1 << 1,
};

/* Records the command (argv[0..argc-1], argv[argc] must be NULL) and
 * checks the combination: -p/-t exclude -a/-C, and a command unless
 * TARGET_COMMAND_AS_TIMER. With -a (or
 * the default above) and no -C, fills cpus with the online CPUs. */
int target_finish(struct target *t, int argc, const char **argv, int flags,
		  struct kerr *err);

/* True when counters are opened per CPU (pid -1): -a or -C. */
bool target_has_cpus(const struct target *t);
/* True when a command is to be launched. */
bool target_has_command(const struct target *t);

/* Every thread to attach to: each -p process's /proc/PID/task entries,
 * then the -t threads, duplicates removed. Appends to out (caller frees
 * with vec_free). -ESRCH with the pid in err when a process is gone. */
int target_threads(const struct target *t, struct pid_list *out, struct kerr *err);

void target_release(struct target *t);
/* perf stat's words for the target, appended to b: 'system wide',
 * 'CPU(s) 0-3', 'CMD ARGS' (escaped for the terminal), process id '1,2',
 * thread id '3'. */
void target_describe(const struct target *t, struct kbuf *b);

/* Whether any -p process or -t thread still exists (a process we may not
 * signal counts as alive; a thread is looked up in /proc, since kill()
 * cannot name one). record and top stop once none is left. */
bool target_alive(const struct target *t);

/* CPU list parsing, exposed for sysfs readers and tests. Parses the
 * kernel's list format ("0-3,8-11\n"); appends to out. -EINVAL on
 * malformed text. */
int cpu_list_parse(const char *s, struct cpu_list *out, struct kerr *err);
/* Reads a sysfs CPU list file such as /sys/devices/system/cpu/online. */
int cpu_list_read(const char *path, struct cpu_list *out, struct kerr *err);
/* The online CPUs, and the number of possible CPUs (highest possible id +
 * 1: size per-CPU arrays with this, never with a compile-time cap).
 * Both read sysfs on each call; -errno when it cannot be read. */
int cpus_online(struct cpu_list *out, struct kerr *err);
int cpus_possible_count(void);

#endif
