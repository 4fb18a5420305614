/* Threads, processes and their address spaces as a recording sees them, so
 * every sampled address resolves to the binary mapped there *at that time*.
 *
 * Fed in time order with COMM/MMAP2/FORK/EXIT records (and with the state of
 * already running processes read from /proc). Mappings are never freed while
 * the table lives: a sample keeps a mapping's index (`struct cmap` id), and
 * an unmapped or replaced region keeps its old entry for samples taken
 * before. Processes that exited are kept until tasks_free() so late samples
 * still resolve; `tasks_evict_exited()` drops them when memory matters. */
#ifndef KILN_COLLECT_TASKS_H
#define KILN_COLLECT_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../base/err.h"

/* One mapping instance: a file (or pseudo file) at an address range. */
struct cmap {
	uint32_t id;          /* index in tasks.maps, stable */
	uint64_t start, end;  /* [start, end) */
	uint64_t pgoff;       /* file offset of start */
	uint32_t maj, min;    /* device, 0 when unknown */
	uint64_t ino;
	const char *filename; /* owned by the tasks table; "[vdso]", "//anon", ... */
	const char *build_id; /* hex from MMAP2 build-id records, "" when none */
	pid_t pid;            /* the process it was mapped into */
	bool kernel;          /* the kernel's own text */
};

struct tasks;

struct tasks *tasks_new(void);
void tasks_free(struct tasks *t); /* NULL-tolerant */

/* Record handlers. Names are copied. */
void tasks_comm(struct tasks *t, pid_t pid, pid_t tid, const char *comm, bool exec);
void tasks_mmap(struct tasks *t, pid_t pid, uint64_t start, uint64_t len, uint64_t pgoff,
		uint32_t maj, uint32_t min, uint64_t ino, const char *filename,
		const char *build_id);
void tasks_fork(struct tasks *t, pid_t ppid, pid_t ptid, pid_t pid, pid_t tid);
void tasks_exit(struct tasks *t, pid_t pid, pid_t tid);

/* Reads /proc/PID/{comm,maps,task/} of a running process into the table
 * (perf's "synthesized" events). Returns 0, or -ESRCH when it is gone. */
int tasks_synthesize_pid(struct tasks *t, pid_t pid, struct kerr *err);
/* The same from `proc` instead of /proc: a copy of its files (tests, the
 * fuzz target tests/fuzz/fuzz-procmaps.c). */
int tasks_synthesize_pid_at(struct tasks *t, const char *proc, pid_t pid, struct kerr *err);
/* The same for every process on the system (for -a). */
int tasks_synthesize_all(struct tasks *t, struct kerr *err);

/* The functions returning a struct cmap * below point into the table:
 * valid until the next call that adds mappings (tasks_mmap,
 * tasks_kernel_map); an id stays valid, and so do its strings. */

/* The mapping containing addr in process pid at present, or NULL. */
const struct cmap *tasks_find_map(struct tasks *t, pid_t pid, uint64_t addr);
/* The process's main executable as mapped now: its lowest file-backed
 * mapping that is not a shared library. NULL when none is known. */
const struct cmap *tasks_main_map(struct tasks *t, pid_t pid);
/* The kernel's text mapping; created on first use with the given range. */
const struct cmap *tasks_kernel_map(struct tasks *t, uint64_t start, uint64_t end);
/* Mapping by id; NULL when out of range. */
const struct cmap *tasks_map(const struct tasks *t, uint32_t id);
size_t tasks_n_maps(const struct tasks *t);
/* The thread's current name: "swapper" for the idle task (tid 0), "" when
 * unknown. Valid until tasks_free(). */
const char *tasks_comm_of(struct tasks *t, pid_t tid);
/* The process a thread belongs to, or tid itself when unknown. */
pid_t tasks_pid_of(struct tasks *t, pid_t tid);

#endif
