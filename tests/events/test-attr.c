/* The attr-dump seam of events_open(): with KILN_TEST_ATTR_FILE set, every
 * attr is written out before the syscall, so what the parser built can be
 * checked as perf's tests/attr does, even for events this machine cannot
 * open (hardware counters in a VM). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "base/buf.h"
#include "events/events.h"

/* Value of `key=` in the n-th block (blocks end with a blank line). */
static const char *field(const char *dump, int block, const char *key, char *out, size_t n)
{
	const char *p = dump;
	size_t klen = strlen(key);

	for (int b = 0; b < block && p; b++) {
		p = strstr(p, "\n\n");
		if (p)
			p += 2;
	}
	while (p && *p && *p != '\n') {
		const char *eol = strchr(p, '\n');
		if (!eol)
			break;
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			snprintf(out, n, "%.*s", (int)(eol - p - klen - 1), p + klen + 1);
			return out;
		}
		p = eol + 1;
	}
	return "(missing)";
}

int main(void)
{
	char path[] = "/tmp/kiln-attr-XXXXXX";
	char v[64];
	struct event_list l = EVENT_LIST_INIT;
	struct kerr err = KERR_INIT;
	struct kbuf dump = KBUF_INIT;
	int fds[3] = { -1, -1, -1 }, fd = mkstemp(path);

	if (fd < 0)
		return 99;
	close(fd);
	setenv("KILN_TEST_ATTR_FILE", path, 1);

	CHECK_EQ(events_parse("{task-clock,page-faults}:u,cycles:k", &l, &err), 0);
	CHECK_EQ(l.n, 3);
	for (size_t i = 0; i < l.n && i < 3; i++) {
		int group = l.v[i].leader == (int)i ? -1 : fds[l.v[i].leader];
		l.v[i].attr.disabled = 1;
		l.v[i].attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
					  PERF_FORMAT_TOTAL_TIME_RUNNING;
		fds[i] = events_open(&l.v[i].attr, 0, -1, group, 0);
	}
	/* Software events open anywhere; cycles may not (a VM), which is the
	 * point: its attr is in the dump either way. */
	CHECK(fds[0] >= 0);
	CHECK(fds[1] >= 0);
	CHECK_EQ(kbuf_read_file(&dump, path, 0), 0);

	CHECK_STR(field(dump.buf, 0, "type", v, sizeof(v)), "1");
	CHECK_STR(field(dump.buf, 0, "config", v, sizeof(v)), "0x1");
	CHECK_STR(field(dump.buf, 0, "pid", v, sizeof(v)), "0");
	CHECK_STR(field(dump.buf, 0, "cpu", v, sizeof(v)), "-1");
	CHECK_STR(field(dump.buf, 0, "group_fd", v, sizeof(v)), "-1");
	CHECK_STR(field(dump.buf, 0, "exclude_user", v, sizeof(v)), "0");
	CHECK_STR(field(dump.buf, 0, "exclude_kernel", v, sizeof(v)), "1");
	CHECK_STR(field(dump.buf, 0, "exclude_hv", v, sizeof(v)), "1");
	CHECK_STR(field(dump.buf, 0, "exclude_guest", v, sizeof(v)), "1");
	CHECK_STR(field(dump.buf, 0, "disabled", v, sizeof(v)), "1");
	CHECK_STR(field(dump.buf, 0, "read_format", v, sizeof(v)), "0x3");

	CHECK_STR(field(dump.buf, 1, "type", v, sizeof(v)), "1");
	CHECK_STR(field(dump.buf, 1, "config", v, sizeof(v)), "0x2");
	snprintf(path, sizeof(path), "%d", fds[0]);
	CHECK_STR(field(dump.buf, 1, "group_fd", v, sizeof(v)), path);
	CHECK_STR(field(dump.buf, 1, "exclude_kernel", v, sizeof(v)), "1");

	CHECK_STR(field(dump.buf, 2, "type", v, sizeof(v)), "0");
	CHECK_STR(field(dump.buf, 2, "config", v, sizeof(v)), "0");
	CHECK_STR(field(dump.buf, 2, "exclude_user", v, sizeof(v)), "1");
	CHECK_STR(field(dump.buf, 2, "exclude_kernel", v, sizeof(v)), "0");
	CHECK_STR(field(dump.buf, 2, "exclude_hv", v, sizeof(v)), "1");
	snprintf(path, sizeof(path), "%zu", sizeof(struct perf_event_attr));
	CHECK_STR(field(dump.buf, 2, "size", v, sizeof(v)), path);

	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	unlink(getenv("KILN_TEST_ATTR_FILE")); /* path[] was reused above */
	kbuf_release(&dump);
	event_list_release(&l);
	return CHECK_DONE();
}
