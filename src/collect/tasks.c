/* Thread/process/address-space table (see tasks.h). A process holds a
 * vector of mapping ids sorted by start address without overlaps; a new
 * mapping trims or splits what it covers, as mmap(2) does. Lookups are a
 * binary search; a one-entry cache per process catches the common run of
 * samples in the same binary. */
#include "tasks.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/hashmap.h"
#include "../base/strtab.h"
#include "../base/vec.h"

struct process {
	pid_t pid;
	VEC(uint32_t) maps; /* ids, sorted by start */
	uint32_t last;      /* cached index into maps for lookups */
	bool exited;
};

struct thread {
	pid_t pid;
	uint32_t comm; /* strtab index */
};

struct tasks {
	struct strtab strings;
	VEC(struct cmap) maps;
	VEC(struct process) procs;
	VEC(struct thread) threads;
	struct u64map proc_ix, thread_ix;
	int32_t kernel_map; /* -1 until created */
};

struct tasks *tasks_new(void)
{
	struct tasks *t = xcalloc(1, sizeof(*t));

	strtab_init(&t->strings);
	t->kernel_map = -1;
	return t;
}

void tasks_free(struct tasks *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->procs.n; i++)
		vec_free(&t->procs.v[i].maps);
	vec_free(&t->procs);
	vec_free(&t->maps);
	vec_free(&t->threads);
	u64map_release(&t->proc_ix);
	u64map_release(&t->thread_ix);
	strtab_release(&t->strings);
	free(t);
}

static struct process *get_proc(struct tasks *t, pid_t pid)
{
	bool added;
	uint64_t *slot = u64map_slot(&t->proc_ix, (uint64_t)pid, t->procs.n, &added);
	struct process *p;

	if (!added)
		return &t->procs.v[*slot];
	p = vec_add(&t->procs);
	p->pid = pid;
	return p;
}

static struct thread *get_thread(struct tasks *t, pid_t tid, pid_t pid)
{
	bool added;
	uint64_t *slot = u64map_slot(&t->thread_ix, (uint64_t)tid, t->threads.n, &added);
	struct thread *th;

	if (!added) {
		th = &t->threads.v[*slot];
		if (pid > 0)
			th->pid = pid;
		return th;
	}
	th = vec_add(&t->threads);
	th->pid = pid > 0 ? pid : tid;
	/* The idle task has no COMM record nor /proc entry; perf names it so. */
	if (tid == 0)
		th->comm = strtab_intern_cstr(&t->strings, "swapper");
	return th;
}

void tasks_comm(struct tasks *t, pid_t pid, pid_t tid, const char *comm, bool exec)
{
	struct thread *th = get_thread(t, tid, pid);

	th->comm = strtab_intern_cstr(&t->strings, comm);
	if (exec) {
		struct process *p = get_proc(t, pid);
		/* The old image is gone; the new one's MMAP2 records follow. */
		p->maps.n = 0;
		p->last = 0;
	}
}

static uint32_t new_map(struct tasks *t, pid_t pid, uint64_t start, uint64_t end,
			uint64_t pgoff, uint32_t maj, uint32_t min, uint64_t ino,
			const char *filename, const char *build_id)
{
	struct cmap *m = vec_add(&t->maps);

	m->id = (uint32_t)(t->maps.n - 1);
	m->start = start;
	m->end = end;
	m->pgoff = pgoff;
	m->maj = maj;
	m->min = min;
	m->ino = ino;
	m->filename = strtab_get(&t->strings, strtab_intern_cstr(&t->strings, filename));
	m->build_id = strtab_get(&t->strings,
				 strtab_intern_cstr(&t->strings, build_id ? build_id : ""));
	m->pid = pid;
	return m->id;
}

/* A copy of map `id` restricted to [start, end), as left over after an
 * overlapping mmap. */
static uint32_t clip_map(struct tasks *t, uint32_t id, uint64_t start, uint64_t end)
{
	struct cmap old = t->maps.v[id];

	return new_map(t, old.pid, start, end, old.pgoff + (start - old.start), old.maj,
		       old.min, old.ino, old.filename, old.build_id);
}

void tasks_mmap(struct tasks *t, pid_t pid, uint64_t start, uint64_t len, uint64_t pgoff,
		uint32_t maj, uint32_t min, uint64_t ino, const char *filename,
		const char *build_id)
{
	struct process *p = get_proc(t, pid);
	uint64_t end = start + len;
	uint32_t id = new_map(t, pid, start, end, pgoff, maj, min, ino, filename, build_id);
	VEC(uint32_t) out = VEC_INIT;
	bool placed = false;

	/* Rebuild the sorted list: keep what does not overlap, keep the parts
	 * of overlapped mappings outside [start, end), insert the new one. */
	for (size_t i = 0; i < p->maps.n; i++) {
		uint32_t mid = p->maps.v[i];
		uint64_t ms = t->maps.v[mid].start, me = t->maps.v[mid].end;

		if (me <= start || ms >= end) {
			if (!placed && ms >= end) {
				vec_push(&out, id);
				placed = true;
			}
			vec_push(&out, mid);
			continue;
		}
		if (ms < start)
			vec_push(&out, clip_map(t, mid, ms, start));
		if (!placed) {
			vec_push(&out, id);
			placed = true;
		}
		if (me > end)
			vec_push(&out, clip_map(t, mid, end, me));
	}
	if (!placed)
		vec_push(&out, id);
	vec_free(&p->maps);
	p->maps.v = out.v;
	p->maps.n = out.n;
	p->maps.cap = out.cap;
	p->last = 0;
}

void tasks_fork(struct tasks *t, pid_t ppid, pid_t ptid, pid_t pid, pid_t tid)
{
	struct thread *parent = get_thread(t, ptid, ppid);
	uint32_t comm = parent->comm;
	struct thread *th = get_thread(t, tid, pid);

	th->comm = comm;
	if (pid != ppid) {
		struct process *pp = get_proc(t, ppid);
		size_t n = pp->maps.n;
		uint32_t *copy = n ? xmalloc(n * sizeof(*copy)) : NULL;
		struct process *c;

		if (n)
			memcpy(copy, pp->maps.v, n * sizeof(*copy));
		c = get_proc(t, pid); /* may move pp */
		vec_free(&c->maps);
		c->maps.v = copy;
		c->maps.n = c->maps.cap = n;
		c->exited = false;
	}
}

void tasks_exit(struct tasks *t, pid_t pid, pid_t tid)
{
	/* Kept for late samples; only marked. */
	if (pid == tid) {
		uint64_t ix;
		if (u64map_get(&t->proc_ix, (uint64_t)pid, &ix))
			t->procs.v[ix].exited = true;
	}
}

const struct cmap *tasks_find_map(struct tasks *t, pid_t pid, uint64_t addr)
{
	uint64_t ix;
	struct process *p;
	size_t lo, hi;

	if (!u64map_get(&t->proc_ix, (uint64_t)pid, &ix))
		return NULL;
	p = &t->procs.v[ix];
	if (p->last < p->maps.n) {
		const struct cmap *m = &t->maps.v[p->maps.v[p->last]];
		if (addr >= m->start && addr < m->end)
			return m;
	}
	lo = 0;
	hi = p->maps.n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct cmap *m = &t->maps.v[p->maps.v[mid]];

		if (addr < m->start)
			hi = mid;
		else if (addr >= m->end)
			lo = mid + 1;
		else {
			p->last = (uint32_t)mid;
			return m;
		}
	}
	return NULL;
}

const struct cmap *tasks_main_map(struct tasks *t, pid_t pid)
{
	uint64_t ix;
	const struct process *p;

	if (!u64map_get(&t->proc_ix, (uint64_t)pid, &ix))
		return NULL;
	p = &t->procs.v[ix];
	for (size_t i = 0; i < p->maps.n; i++) {
		const struct cmap *m = &t->maps.v[p->maps.v[i]];
		if (m->filename[0] == '/' && m->filename[1] != '/' &&
		    strncmp(m->filename, "/memfd:", 7) != 0 && !strstr(m->filename, ".so"))
			return m;
	}
	return NULL;
}

const struct cmap *tasks_kernel_map(struct tasks *t, uint64_t start, uint64_t end)
{
	if (t->kernel_map < 0) {
		t->kernel_map = (int32_t)new_map(t, -1, start, end, 0, 0, 0, 0,
						 "[kernel.kallsyms]", "");
		t->maps.v[t->kernel_map].kernel = true;
	}
	return &t->maps.v[t->kernel_map];
}

const struct cmap *tasks_map(const struct tasks *t, uint32_t id)
{
	return id < t->maps.n ? &t->maps.v[id] : NULL;
}

size_t tasks_n_maps(const struct tasks *t)
{
	return t->maps.n;
}

const char *tasks_comm_of(struct tasks *t, pid_t tid)
{
	uint64_t ix;

	if (!u64map_get(&t->thread_ix, (uint64_t)tid, &ix))
		return tid == 0 ? "swapper" : "";
	return strtab_get(&t->strings, t->threads.v[ix].comm);
}

pid_t tasks_pid_of(struct tasks *t, pid_t tid)
{
	uint64_t ix;

	if (!u64map_get(&t->thread_ix, (uint64_t)tid, &ix))
		return tid;
	return t->threads.v[ix].pid;
}

/* --- /proc synthesis --- */

static void read_comm(const char *proc, pid_t pid, pid_t tid, char *buf, size_t n)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/task/%d/comm", proc, (int)pid, (int)tid);
	buf[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)n, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static int synth_maps(struct tasks *t, const char *proc, pid_t pid)
{
	char path[PATH_MAX], line[4096 + 256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d/maps", proc, (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end, off, ino;
		unsigned maj, min;
		char perms[8] = ""; /* a short field ("r") leaves perms[2] set */
		int name_at = 0;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %" SCNu64 " %n",
			   &start, &end, perms, &off, &maj, &min, &ino, &name_at) < 7)
			continue;
		if (perms[2] != 'x')
			continue; /* like perf: only executable mappings matter */
		char *name = line + name_at;
		name[strcspn(name, "\n")] = '\0';
		if (!*name)
			name = "//anon";
		tasks_mmap(t, pid, start, end - start, off, maj, min, ino, name, NULL);
	}
	fclose(f);
	return 0;
}

int tasks_synthesize_pid_at(struct tasks *t, const char *proc, pid_t pid, struct kerr *err)
{
	char path[PATH_MAX], comm[64];
	DIR *d;
	struct dirent *de;
	int ret;

	ret = synth_maps(t, proc, pid);
	if (ret)
		return kerr_set(err, -ESRCH, "process %d does not exist", (int)pid);
	snprintf(path, sizeof(path), "%s/%d/task", proc, (int)pid);
	d = opendir(path);
	if (!d)
		return kerr_set(err, -ESRCH, "process %d does not exist", (int)pid);
	while ((de = readdir(d))) {
		pid_t tid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		tid = (pid_t)atoi(de->d_name);
		read_comm(proc, pid, tid, comm, sizeof(comm));
		tasks_comm(t, pid, tid, comm, false);
	}
	closedir(d);
	return 0;
}

int tasks_synthesize_pid(struct tasks *t, pid_t pid, struct kerr *err)
{
	return tasks_synthesize_pid_at(t, "/proc", pid, err);
}

int tasks_synthesize_all(struct tasks *t, struct kerr *err)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return kerr_set(err, -errno, "cannot read /proc: %s", strerror(errno));
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		/* Processes may vanish while we read: not an error. */
		tasks_synthesize_pid(t, (pid_t)atoi(de->d_name), NULL);
	}
	closedir(d);
	return 0;
}
