/* libFuzzer target for the events module (src/events): perf's -e event
 * syntax together with what it resolves names against, sysfs PMUs
 * (type, format/<field> strings such as "config:0-7,32-35", alias files
 * "event=0x3c,umask=?" with .scale/.unit siblings) and tracefs
 * (events/<sys>/<name>/id, and the format file beside it).
 *
 * The input is a flags byte (bit 0: EVENTS_ALLOW_TOOL, as kiln stat
 * passes; bit 1: also build kiln list's catalog of PMU aliases and
 * tracepoints), then parts separated by NUL bytes. The first part is the
 * event string; each later one writes a file of a scratch sysfs/tracefs
 * tree under a temporary folder, which events_parse_env() and
 * events_catalog() take as their roots, as tests/events does with its
 * fixed fake-sysfs and fake-tracefs:
 *   P<pmu>               a PMU folder (its type file says 4 until T)
 *   T<text>              the current PMU's type file
 *   F<field>=<text>      its format/<field>
 *   E<alias>=<text>      its events/<alias> (also <alias>.scale, .unit)
 *   I<sys>/<event>=<text> tracefs events/<sys>/<event>/id
 *   R<sys>/<event>=<text> tracefs events/<sys>/<event>/format
 * Names with '/' or that are "." or ".." are skipped, and directives after
 * the 64th. Checked: a parse
 * that fails leaves the list as it was and points inside the string;
 * one that succeeds gives named events whose leaders precede them.
 * seeds/events/ is written by mkseeds-events.py from this machine's
 * tracefs format files, tests/events/fake-sysfs and real perf strings. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "events/events.h"
#include "scratch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_NAME 64
#define MAX_FILES 64

static char sysfs[300], tracefs[300]; /* the scratch roots */

/* mkdir -p, trying the folder itself first (most parents exist). */
static void mkdirs(const char *path)
{
	char parent[1024];
	char *slash;

	if (mkdir(path, 0700) == 0 || errno != ENOENT)
		return;
	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return;
	*slash = '\0';
	mkdirs(parent);
	mkdir(path, 0700);
}

static void write_file(const char *path, const char *text, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return; /* e.g. a folder of that name exists */
	if (n && write(fd, text, n) != (ssize_t)n)
		abort();
	close(fd);
}

static bool good_name(const char *s, size_t n)
{
	if (!n || n > MAX_NAME || (n == 1 && s[0] == '.') || (n == 2 && !memcmp(s, "..", 2)))
		return false;
	return !memchr(s, '/', n);
}

/* Applies one directive (see the file comment). */
static void directive(const char *p, size_t n, struct kbuf *pmu)
{
	const char *eq = memchr(p, '=', n), *slash;
	struct kbuf path = KBUF_INIT;
	size_t name_len = eq ? (size_t)(eq - p - 1) : n - 1;
	const char *text = eq ? eq + 1 : "";
	size_t text_len = eq ? n - (size_t)(eq + 1 - p) : 0;

	switch (p[0]) {
	case 'P':
		if (!good_name(p + 1, n - 1))
			break;
		kbuf_reset(pmu);
		kbuf_addf(pmu, "%s/bus/event_source/devices/%.*s", sysfs, (int)(n - 1), p + 1);
		mkdirs(pmu->buf);
		kbuf_addf(&path, "%s/type", pmu->buf);
		write_file(path.buf, "4\n", 2);
		break;
	case 'T':
		if (!pmu->len)
			break;
		kbuf_addf(&path, "%s/type", pmu->buf);
		write_file(path.buf, p + 1, n - 1);
		break;
	case 'F':
	case 'E':
		if (!pmu->len || !eq || !good_name(p + 1, name_len))
			break;
		kbuf_addf(&path, "%s/%s", pmu->buf, p[0] == 'F' ? "format" : "events");
		mkdirs(path.buf);
		kbuf_addf(&path, "/%.*s", (int)name_len, p + 1);
		write_file(path.buf, text, text_len);
		break;
	case 'I':
	case 'R':
		if (!eq || !(slash = memchr(p + 1, '/', name_len)) ||
		    !good_name(p + 1, (size_t)(slash - p - 1)) ||
		    !good_name(slash + 1, (size_t)(eq - slash - 1)))
			break;
		kbuf_addf(&path, "%s/events/%.*s", tracefs, (int)name_len, p + 1);
		mkdirs(path.buf);
		kbuf_addstr(&path, p[0] == 'I' ? "/id" : "/format");
		write_file(path.buf, text, text_len);
		break;
	default:
		break;
	}
	kbuf_release(&path);
}

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static void check_list(const struct event_list *l, size_t first)
{
	for (size_t i = first; i < l->n; i++) {
		const struct kevent *ev = &l->v[i];

		if (!ev->name || ev->leader < (int)first || ev->leader > (int)i ||
		    ev->attr.size != sizeof(ev->attr))
			abort();
		touch(ev->pmu);
		touch(ev->unit);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct events_env env = EVENTS_ENV_INIT;
	struct event_list l = EVENT_LIST_INIT;
	struct kbuf pmu = KBUF_INIT, caret = KBUF_INIT;
	struct kerr err = KERR_INIT;
	char *in, *spec, *end, *p;
	unsigned flags;
	int ret, n;

	if (size < 1 || size > 65536)
		return 0;
	if (!sysfs[0]) {
		snprintf(sysfs, sizeof(sysfs), "%s/sys", scratch_dir("fuzz-events"));
		snprintf(tracefs, sizeof(tracefs), "%s/tracing", scratch_dir("fuzz-events"));
	}
	/* A fresh tree for every input. */
	scratch_remove(sysfs);
	scratch_remove(tracefs);
	mkdirs(sysfs);
	kbuf_addf(&pmu, "%s/events", tracefs);
	mkdirs(pmu.buf);
	kbuf_reset(&pmu);

	flags = data[0];
	in = malloc(size);
	if (!in)
		abort();
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	end = in + size - 1;
	spec = in;
	/* A bounded tree: kiln list re-reads a PMU per alias, and the
	 * fuzzer's time is better spent on varied trees than on huge ones. */
	for (p = in + strlen(in), n = 0; p < end && n < MAX_FILES; p += strlen(p)) {
		p++; /* past a NUL */
		if (*p)
			directive(p, strlen(p), &pmu), n++;
	}

	env.sysfs_root = sysfs;
	env.tracefs_root = tracefs;
	env.flags = flags & 1 ? EVENTS_ALLOW_TOOL : 0;
	/* One event parsed before: a failed parse must leave it alone. */
	if (events_parse_env("task-clock", &env, &l, NULL) != 0 || l.n != 1)
		abort();
	ret = events_parse_env(spec, &env, &l, &err);
	if (ret < 0) {
		if (l.n != 1 || strcmp(l.v[0].name, "task-clock") || !err.msg[0] ||
		    env.err_pos > (int)strlen(spec))
			abort();
		events_caret(spec, env.err_pos, &caret);
	} else {
		if (l.n < 2)
			abort(); /* success means at least one event */
		check_list(&l, 1);
	}
	if (flags & 2) {
		struct event_catalog c = EVENT_CATALOG_INIT;

		events_catalog(&env, EVENT_CLASS_BIT(EVENT_CLASS_PMU) |
			       EVENT_CLASS_BIT(EVENT_CLASS_TRACEPOINT), &c, NULL);
		for (size_t i = 0; i < c.n; i++)
			touch(c.v[i].name), touch(c.v[i].alias), touch(c.v[i].encoding);
		event_catalog_release(&c);
	}
	event_list_release(&l);
	kbuf_release(&pmu);
	kbuf_release(&caret);
	free(in);
	return 0;
}
