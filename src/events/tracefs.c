/* Tracepoints as tracefs lists them: <root>/events/<subsystem>/<event>/id.
 * Finds (and if needed mounts) tracefs, reads one id, or expands globs
 * like "sched:*" over the ~2,000 tracepoints of a typical kernel. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "../base/alloc.h"
#include "../base/vec.h"
#include "internal.h"

#define TRACEFS_PATH "/sys/kernel/tracing"
#define DEBUGFS_TRACING_PATH "/sys/kernel/debug/tracing"

static bool has_events_dir(const char *root)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/events", root);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int events_tracefs_root(const char **root, struct kerr *err)
{
	if (has_events_dir(TRACEFS_PATH)) {
		*root = TRACEFS_PATH;
		return 0;
	}
	if (has_events_dir(DEBUGFS_TRACING_PATH)) {
		*root = DEBUGFS_TRACING_PATH;
		return 0;
	}
	/* Not mounted (the default on many systems): mount it, as perf would
	 * need someone to. Only root may. */
	if (mount("nodev", TRACEFS_PATH, "tracefs", 0, NULL) < 0 && errno != EBUSY) {
		int e = errno;
		return kerr_set(err, -e, "tracefs is not mounted and mounting it failed: %s; "
				"as root run: mount -t tracefs nodev %s", strerror(e),
				TRACEFS_PATH);
	}
	if (!has_events_dir(TRACEFS_PATH))
		return kerr_set(err, -ENOENT, "tracefs mounted on %s has no events/ folder "
				"(kernel built without tracepoints?)", TRACEFS_PATH);
	*root = TRACEFS_PATH;
	return 0;
}

static bool safe_component(const char *s)
{
	return *s && strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/');
}

bool tracefs_has_system(const char *root, const char *sys)
{
	struct kbuf path = KBUF_INIT;
	struct stat st;
	bool ok;

	if (!safe_component(sys))
		return false;
	kbuf_addf(&path, "%s/events/%s", root, sys);
	ok = stat(path.buf, &st) == 0 && S_ISDIR(st.st_mode);
	kbuf_release(&path);
	return ok;
}

int tracefs_event_id(const char *root, const char *sys, const char *name, uint64_t *id)
{
	struct kbuf path = KBUF_INIT, text = KBUF_INIT;
	char *end;
	int ret;

	if (!safe_component(sys) || !safe_component(name))
		return -ENOENT;
	kbuf_addf(&path, "%s/events/%s/%s/id", root, sys, name);
	ret = kbuf_read_file(&text, path.buf, 64);
	if (ret == 0) {
		*id = strtoull(text.buf, &end, 10);
		if (end == text.buf)
			ret = -EINVAL;
	}
	kbuf_release(&text);
	kbuf_release(&path);
	return ret;
}

/* Character i of the string "sys:name" without building it. */
static unsigned char tp_char(const struct tp_name *t, size_t i, size_t syslen)
{
	if (i < syslen)
		return (unsigned char)t->sys[i];
	if (i == syslen)
		return ':';
	return (unsigned char)t->name[i - syslen - 1];
}

/* Orders as the strings "sys:name" would (perf list's order): "fib6:x"
 * sorts before "fib:x" because '6' < ':'. */
static int cmp_tp(const void *a, const void *b)
{
	const struct tp_name *x = a, *y = b;
	size_t xl = strlen(x->sys), yl = strlen(y->sys);

	for (size_t i = 0;; i++) {
		unsigned char c = tp_char(x, i, xl), d = tp_char(y, i, yl);

		if (c != d)
			return c < d ? -1 : 1;
		if (!c)
			return 0;
	}
}

static int scan_dir(const char *path, const char *glob, char ***out, size_t *n)
{
	VEC(char *) v = VEC_INIT;
	struct dirent *d;
	DIR *dp = opendir(path);

	if (!dp)
		return -errno;
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.' || d->d_type == DT_REG)
			continue;
		if (fnmatch(glob, d->d_name, 0) == 0)
			vec_push(&v, xstrdup(d->d_name));
	}
	closedir(dp);
	*out = v.v;
	*n = v.n;
	return 0;
}

int tracefs_glob(const char *root, const char *sys_glob, const char *name_glob,
		 struct tp_name **out, size_t *n, struct kerr *err)
{
	struct kbuf path = KBUF_INIT;
	VEC(struct tp_name) v = VEC_INIT;
	char **systems = NULL;
	size_t nsys = 0;
	int ret;

	kbuf_addf(&path, "%s/events", root);
	ret = scan_dir(path.buf, sys_glob, &systems, &nsys);
	if (ret < 0) {
		kerr_set(err, ret, "cannot list %s: %s", path.buf, strerror(-ret));
		goto out_path;
	}
	for (size_t i = 0; i < nsys; i++) {
		char **names = NULL;
		size_t nn = 0;

		kbuf_reset(&path);
		kbuf_addf(&path, "%s/events/%s", root, systems[i]);
		if (scan_dir(path.buf, name_glob, &names, &nn) < 0)
			continue;
		for (size_t j = 0; j < nn; j++) {
			uint64_t id;

			/* Only folders with an id are events (skips "enable", "filter"). */
			if (tracefs_event_id(root, systems[i], names[j], &id) == 0) {
				struct tp_name t = { xstrdup(systems[i]), names[j], id };
				vec_push(&v, t);
			} else {
				free(names[j]);
			}
		}
		free(names);
	}
	if (v.n)
		qsort(v.v, v.n, sizeof(*v.v), cmp_tp);
	*out = v.v;
	*n = v.n;
	ret = 0;
	for (size_t i = 0; i < nsys; i++)
		free(systems[i]);
	free(systems);
out_path:
	kbuf_release(&path);
	return ret;
}

void tracefs_names_free(struct tp_name *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].sys);
		free(v[i].name);
	}
	free(v);
}
