/* Target selection for stat/record/top/trace: parses -p/-t id lists and -C
 * CPU lists (the kernel's "0-3,8" format, also used by sysfs), checks the
 * combination, and expands processes into threads through /proc. Inputs
 * are a few short strings and small sysfs files; nothing here is hot. */
#include "target.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/buf.h"
#include "../base/textsafe.h"
#include "../base/vec.h"

#define CPU_ONLINE_PATH "/sys/devices/system/cpu/online"
#define CPU_POSSIBLE_PATH "/sys/devices/system/cpu/possible"

static bool pid_list_has(const struct pid_list *l, pid_t p)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == p)
			return true;
	return false;
}

static bool cpu_list_has(const struct cpu_list *l, int c)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == c)
			return true;
	return false;
}

/* Parses one decimal number at *p (no sign), advancing *p. */
static int parse_uint(const char **p, long *out)
{
	const char *s = *p;
	long v = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	while (isdigit((unsigned char)*s)) {
		if (v > (INT_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (*s++ - '0');
	}
	*p = s;
	*out = v;
	return 0;
}

static int add_ids(struct pid_list *l, const char *list, const char *what, struct kerr *err)
{
	const char *p = list;
	size_t before = l->n;

	for (;;) {
		long v;
		const char *start;

		while (*p == ',' || *p == ' ')
			p++;
		if (!*p)
			break;
		start = p;
		if (parse_uint(&p, &v) < 0 || v <= 0 || (*p && *p != ',' && *p != ' '))
			return kerr_set(err, -EINVAL, "invalid %s '%.*s' in '%s': expected "
					"positive numbers separated by commas", what,
					(int)strcspn(start, ", "), start, list);
		if (!pid_list_has(l, (pid_t)v))
			vec_push(l, (pid_t)v);
	}
	if (l->n == before)
		return kerr_set(err, -EINVAL, "empty %s list '%s'", what, list);
	return 0;
}

int target_add_pids(struct target *t, const char *list, struct kerr *err)
{
	return add_ids(&t->pids, list, "process id", err);
}

int target_add_tids(struct target *t, const char *list, struct kerr *err)
{
	return add_ids(&t->tids, list, "thread id", err);
}

int cpu_list_parse(const char *s, struct cpu_list *out, struct kerr *err)
{
	const char *p = s;

	for (;;) {
		long lo, hi;
		const char *start;

		while (*p == ',' || *p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		start = p;
		if (parse_uint(&p, &lo) < 0)
			goto bad;
		hi = lo;
		if (*p == '-') {
			p++;
			if (parse_uint(&p, &hi) < 0 || hi < lo)
				goto bad;
		}
		if (*p && *p != ',' && *p != ' ' && *p != '\n')
			goto bad;
		for (long c = lo; c <= hi; c++)
			if (!cpu_list_has(out, (int)c))
				vec_push(out, (int)c);
		continue;
bad:
		return kerr_set(err, -EINVAL, "invalid CPU list '%s' at '%.*s': expected "
				"numbers and ranges like 0-3,6", s,
				(int)strcspn(start, ", \n"), start);
	}
	return 0;
}

int cpu_list_read(const char *path, struct cpu_list *out, struct kerr *err)
{
	struct kbuf b = KBUF_INIT;
	int ret = kbuf_read_file(&b, path, 1 << 16);

	if (ret < 0) {
		kerr_set(err, ret, "cannot read %s: %s", path, strerror(-ret));
		goto out_buf;
	}
	ret = cpu_list_parse(b.buf, out, err);
	if (ret < 0)
		kerr_prefix(err, "%s", path);
out_buf:
	kbuf_release(&b);
	return ret;
}

int cpus_online(struct cpu_list *out, struct kerr *err)
{
	return cpu_list_read(CPU_ONLINE_PATH, out, err);
}

int cpus_possible_count(void)
{
	struct cpu_list l = CPU_LIST_INIT;
	int ret = cpu_list_read(CPU_POSSIBLE_PATH, &l, NULL);
	int max = -1;

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i] > max)
			max = l.v[i];
	vec_free(&l);
	return max < 0 ? -ENOENT : max + 1;
}

int target_add_cpus(struct target *t, const char *list, struct kerr *err)
{
	size_t before = t->cpus.n;
	int possible, ret;

	ret = cpu_list_parse(list, &t->cpus, err);
	if (ret < 0)
		return ret;
	if (t->cpus.n == before)
		return kerr_set(err, -EINVAL, "empty CPU list '%s'", list);
	possible = cpus_possible_count();
	if (possible < 0)
		return kerr_set(err, possible, "cannot read %s: %s", CPU_POSSIBLE_PATH,
				strerror(-possible));
	for (size_t i = before; i < t->cpus.n; i++)
		if (t->cpus.v[i] >= possible)
			return kerr_set(err, -EINVAL, "CPU %d in '%s' does not exist "
					"(this machine has CPUs 0-%d)", t->cpus.v[i], list,
					possible - 1);
	t->cpus_given = true;
	return 0;
}

int target_finish(struct target *t, int argc, const char **argv, int flags,
		  struct kerr *err)
{
	bool threads = t->pids.n || t->tids.n;

	t->argc = argc;
	t->argv = argc > 0 ? argv : NULL;
	if (threads && (t->all_cpus || t->cpus_given))
		return kerr_set(err, -EINVAL, "-p/-t cannot be combined with -a/-C");
	if (threads && argc > 0 && !(flags & TARGET_COMMAND_AS_TIMER))
		return kerr_set(err, -EINVAL, "-p/-t cannot be combined with a command "
				"('%s')", argv[0]);
	if (!threads && argc == 0 && !t->all_cpus && !t->cpus_given) {
		if (!(flags & TARGET_DEFAULT_ALL_CPUS))
			return kerr_set(err, -EINVAL, "nothing to watch: give a command "
					"after --, or -p PID, -t TID, -a or -C CPUS");
		t->all_cpus = true;
	}
	if (t->all_cpus && !t->cpus_given) {
		int ret = cpus_online(&t->cpus, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

bool target_has_cpus(const struct target *t)
{
	return t->all_cpus || t->cpus_given;
}

bool target_has_command(const struct target *t)
{
	return t->argc > 0;
}

static int add_tasks_of(pid_t pid, struct pid_list *out, struct kerr *err)
{
	char path[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir) {
		int e = errno;
		if (e == ENOENT)
			return kerr_set(err, -ESRCH, "no process with id %d", (int)pid);
		return kerr_set(err, -e, "cannot list threads of process %d: %s", (int)pid,
				strerror(e));
	}
	while ((d = readdir(dir)) != NULL) {
		char *end;
		long tid = strtol(d->d_name, &end, 10);

		if (*end || tid <= 0)
			continue;
		if (!pid_list_has(out, (pid_t)tid))
			vec_push(out, (pid_t)tid);
	}
	closedir(dir);
	return 0;
}

int target_threads(const struct target *t, struct pid_list *out, struct kerr *err)
{
	for (size_t i = 0; i < t->pids.n; i++) {
		int ret = add_tasks_of(t->pids.v[i], out, err);
		if (ret < 0)
			return ret;
	}
	for (size_t i = 0; i < t->tids.n; i++)
		if (!pid_list_has(out, t->tids.v[i]))
			vec_push(out, t->tids.v[i]);
	return 0;
}

void target_release(struct target *t)
{
	vec_free(&t->pids);
	vec_free(&t->tids);
	vec_free(&t->cpus);
	t->all_cpus = t->cpus_given = false;
	t->argc = 0;
	t->argv = NULL;
}

bool target_alive(const struct target *t)
{
	for (size_t i = 0; i < t->pids.n; i++)
		if (kill(t->pids.v[i], 0) == 0 || errno != ESRCH)
			return true;
	for (size_t i = 0; i < t->tids.n; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d", (int)t->tids.v[i]);
		if (access(path, F_OK) == 0)
			return true;
	}
	return false;
}

static void add_id_list(struct kbuf *b, const pid_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kbuf_addf(b, "%s%d", i ? "," : "", (int)v[i]);
}

static void add_cpu_list(struct kbuf *b, const int *v, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && v[j + 1] == v[j] + 1)
			j++;
		kbuf_addf(b, "%s%d", i ? "," : "", v[i]);
		if (j > i)
			kbuf_addf(b, "-%d", v[j]);
		i = j + 1;
	}
}

void target_describe(const struct target *t, struct kbuf *b)
{
	if (t->all_cpus) {
		kbuf_addstr(b, "'system wide'");
	} else if (t->cpus_given) {
		kbuf_addstr(b, "'CPU(s) ");
		add_cpu_list(b, t->cpus.v, t->cpus.n);
		kbuf_addch(b, '\'');
	} else if (!t->pids.n && !t->tids.n) {
		kbuf_addch(b, '\'');
		for (int i = 0; i < t->argc; i++) {
			if (i)
				kbuf_addch(b, ' ');
			text_escape(b, t->argv[i], strlen(t->argv[i]), 0);
		}
		kbuf_addch(b, '\'');
	} else if (t->pids.n) {
		kbuf_addstr(b, "process id '");
		add_id_list(b, t->pids.v, t->pids.n);
		kbuf_addch(b, '\'');
	} else {
		kbuf_addstr(b, "thread id '");
		add_id_list(b, t->tids.v, t->tids.n);
		kbuf_addch(b, '\'');
	}
}
