/* libFuzzer target for collect's reading of running processes
 * (src/collect/tasks.c): /proc/PID/maps lines and /proc/PID/task/TID/comm
 * files, as record, top and stat -p read them before the first sample.
 *
 * The input is split at NUL bytes: the first part is the maps file, each
 * later part the comm file of one more thread (at most 8). They are
 * written into a scratch copy of /proc under a temporary folder, which
 * tasks_synthesize_pid_at() reads as it reads /proc. The table built is
 * then queried at every mapping's edges, forked, exec'd and remapped, and
 * every string it returns is read in full (ASan sees a dangling one).
 * seeds/procmaps/ holds maps and comm files of real processes. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/tasks.h"
#include "scratch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FP_PID 4242
#define FP_MAX_THREADS 8

static char root[256];    /* the scratch /proc */
static char pid_dir[300]; /* root/PID */

static void write_file(const char *path, const uint8_t *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		abort();
	if (n && write(fd, data, n) != (ssize_t)n)
		abort();
	close(fd);
}

static void setup(void)
{
	snprintf(root, sizeof(root), "%s", scratch_dir("fuzz-procmaps"));
	snprintf(pid_dir, sizeof(pid_dir), "%s/%d", root, FP_PID);
	if (mkdir(pid_dir, 0700))
		abort();
}

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static size_t touch_map(const struct cmap *m)
{
	return m ? touch(m->filename) + touch(m->build_id) + m->id : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size, *part = data, *nul;
	char path[400], task_dir[320];
	volatile size_t sink = 0;
	struct tasks *t;
	int threads = 0;

	if (!root[0])
		setup();
	/* A fresh task/ folder: the previous input's threads are gone. */
	snprintf(task_dir, sizeof(task_dir), "%s/task", pid_dir);
	scratch_remove(task_dir);
	if (mkdir(task_dir, 0700))
		abort();
	nul = memchr(part, '\0', (size_t)(end - part));
	snprintf(path, sizeof(path), "%s/maps", pid_dir);
	write_file(path, part, (size_t)((nul ? nul : end) - part));
	while (nul && threads < FP_MAX_THREADS) {
		part = nul + 1;
		nul = memchr(part, '\0', (size_t)(end - part));
		snprintf(path, sizeof(path), "%s/%d", task_dir, FP_PID + threads);
		if (mkdir(path, 0700))
			abort();
		snprintf(path, sizeof(path), "%s/%d/comm", task_dir, FP_PID + threads);
		write_file(path, part, (size_t)((nul ? nul : end) - part));
		threads++;
	}

	t = tasks_new();
	if (tasks_synthesize_pid_at(t, root, FP_PID, NULL) != 0)
		abort(); /* the folder exists: never "no such process" */
	for (int i = 0; i < threads; i++) {
		sink += touch(tasks_comm_of(t, FP_PID + i));
		if (tasks_pid_of(t, FP_PID + i) != FP_PID)
			abort();
	}
	sink += touch_map(tasks_main_map(t, FP_PID));
	/* A lookup at any mapping's edges gives a mapping holding the address
	 * (not always that one: later lines may have replaced it). */
	for (size_t i = 0, n = tasks_n_maps(t); i < n; i++) {
		const struct cmap *m = tasks_map(t, (uint32_t)i), *at;
		uint64_t edge[2] = { m->start, m->end - 1 };

		sink += touch_map(m);
		for (int k = 0; k < 2; k++) {
			at = tasks_find_map(t, FP_PID, edge[k]);
			if (at && (edge[k] < at->start || edge[k] >= at->end))
				abort();
			sink += touch_map(at);
		}
	}
	/* What a recording does next: a fork, a new mapping over the old
	 * ones in the child, an exec in the parent. */
	tasks_fork(t, FP_PID, FP_PID, FP_PID + 100, FP_PID + 100);
	if (tasks_n_maps(t)) {
		/* Copied: adding mappings moves the table (ids stay). */
		struct cmap m = *tasks_map(t, 0);
		uint64_t start = m.start + (m.end - m.start) / 2;

		tasks_mmap(t, FP_PID + 100, start, 0x10000, 0, 8, 1, 99, "/usr/lib/new.so", "ab12");
		sink += touch_map(tasks_find_map(t, FP_PID + 100, start));
		sink += touch_map(tasks_find_map(t, FP_PID + 100, m.start));
	}
	tasks_comm(t, FP_PID, FP_PID, "exec'd", true);
	sink += touch_map(tasks_main_map(t, FP_PID));
	sink += touch(tasks_comm_of(t, FP_PID + 100));
	tasks_free(t);
	(void)sink;
	return 0;
}
