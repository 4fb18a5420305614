/* Events: perf's event syntax ↔ struct perf_event_attr, and the one place
 * kiln calls perf_event_open (a test seam, see events_open()).
 *
 * Owner of this module's internals: the events parser (issue "kiln list and
 * kiln stat"). The functions below are the contract record/stat/top use. */
#ifndef KILN_EVENTS_EVENTS_H
#define KILN_EVENTS_EVENTS_H

#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../base/err.h"

struct kevent {
	struct perf_event_attr attr;
	char *name;     /* as written by the user, modifiers included; owned */
	int leader;     /* index of the group leader in the list; own index if none */
	bool sample_read; /* group modifier :S */
};

struct event_list {
	struct kevent *v;
	size_t n, cap;
};

#define EVENT_LIST_INIT { NULL, 0, 0 }

/* Parses a perf event string ("cycles,{a,b}:u,sched:sched_switch") and
 * appends its events to `out`. attr.size/type/config/exclude_* are set;
 * sampling fields are left to the caller. Returns 0, or -EINVAL / -ENOENT
 * with a message in err naming the offending text and its position. */
int events_parse(const char *spec, struct event_list *out, struct kerr *err);
void event_list_release(struct event_list *l);

/* The only caller of perf_event_open(2). Returns an fd or -errno.
 * When the environment variable KILN_TEST_ATTR_FILE names a file, the attr
 * and arguments are appended to it as "key=value" lines (one block per
 * call, ending with a blank line) before the call is made, so tests can
 * check option → attr translation. */
int events_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
		unsigned long flags);

/* Explains an events_open() failure for `ev` in one line: unsupported
 * event (suggests `kiln list`), permissions (perf_event_paranoid), etc. */
void events_explain_open_error(const char *ev_name, int err_code, struct kerr *err);

#endif
