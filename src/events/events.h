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

#include "../base/buf.h"
#include "../base/err.h"

/* Events kiln computes itself instead of asking the kernel (perf's "tool
 * events"); only commands that pass EVENTS_ALLOW_TOOL get them. */
enum kevent_tool {
	KEVENT_TOOL_NONE = 0,
	KEVENT_TOOL_DURATION,    /* duration_time: wall-clock ns */
	KEVENT_TOOL_USER,        /* user_time: user CPU ns of the command */
	KEVENT_TOOL_SYSTEM,      /* system_time: system CPU ns of the command */
};

struct kevent {
	struct perf_event_attr attr;
	char *name;     /* as written by the user, modifiers included; owned */
	int leader;     /* index of the group leader in the list; own index if none */
	bool sample_read; /* group modifier :S */
	/* Filled by the parser; zero in an event built by hand. */
	enum kevent_tool tool; /* not KEVENT_TOOL_NONE: never opened, attr unused */
	char *pmu;      /* PMU name for pmu/terms/ and PMU aliases, NULL otherwise; owned */
	char *unit;     /* unit from sysfs (<alias>.unit, e.g. "Joules"), NULL if none; owned */
	double scale;   /* multiplier from sysfs (<alias>.scale); 0 means 1 */
};

struct event_list {
	struct kevent *v;
	size_t n, cap;
};

#define EVENT_LIST_INIT { NULL, 0, 0 }

/* Parses a perf event string ("cycles,{a,b}:u,sched:sched_switch") and
 * appends its events to `out`. attr.size/type/config/config1/config2,
 * exclude_*, precise_ip, pinned/exclusive (:D/:e, leaders only) are set;
 * exclude_guest is 1 unless :G is given, as in perf. Sampling fields are
 * left to the caller, except what the user wrote in terms
 * (`cpu-clock/period=1000/`, `freq=`) and sample_period = 1 for
 * tracepoints and breakpoints (every hit; override it to sample less).
 * Returns 0, or -EINVAL / -ENOENT with a message in err naming the
 * offending text and its position. Tool events are refused. On error `out`
 * keeps what it held before the call. */
int events_parse(const char *spec, struct event_list *out, struct kerr *err);
void event_list_release(struct event_list *l);

/* Where the parser looks, for tests and for callers with options. */
struct events_env {
	const char *sysfs_root;   /* NULL: "/sys" (PMUs in bus/event_source/devices) */
	const char *tracefs_root; /* NULL: the system's tracefs, mounted on first use */
	unsigned flags;           /* EVENTS_ALLOW_TOOL */
	int err_pos;              /* out: byte offset of the error in spec, or -1 */
};

#define EVENTS_ALLOW_TOOL (1u << 0)
#define EVENTS_ENV_INIT { NULL, NULL, 0, -1 }

/* events_parse() with explicit roots and flags; sets env->err_pos. */
int events_parse_env(const char *spec, struct events_env *env, struct event_list *out,
		     struct kerr *err);

/* Two lines showing where an events_parse_env() error is:
 * "  <spec>\n  <spaces>^\n", appended to out (nothing when pos < 0). */
void events_caret(const char *spec, int pos, struct kbuf *out);

/* The tracefs mount point ("/sys/kernel/tracing" or the debugfs one).
 * When none is mounted it mounts tracefs on /sys/kernel/tracing (needs
 * root); -errno with a message saying how to do it when it cannot. The
 * returned string is static. */
int events_tracefs_root(const char **root, struct kerr *err);

/* ---- The catalog of events this machine offers (kiln list) ---------- */

enum event_class {
	EVENT_CLASS_HW,          /* "Hardware event" */
	EVENT_CLASS_SW,          /* "Software event" */
	EVENT_CLASS_TOOL,        /* "Tool event" */
	EVENT_CLASS_CACHE,       /* "Hardware cache event" */
	EVENT_CLASS_PMU,         /* "Kernel PMU event": sysfs aliases */
	EVENT_CLASS_RAW,         /* "Raw hardware event descriptor": syntax reminders */
	EVENT_CLASS_BREAKPOINT,  /* "Hardware breakpoint": syntax reminder */
	EVENT_CLASS_TRACEPOINT,  /* "Tracepoint event" */
	EVENT_CLASS_COUNT
};

#define EVENT_CLASS_BIT(c) (1u << (c))
#define EVENT_CLASS_ALL ((1u << EVENT_CLASS_COUNT) - 1)

struct event_desc {
	enum event_class cls;
	char *name;      /* "cpu-cycles", "msr/tsc/", "sched:sched_switch", "rNNN"; owned */
	char *alias;     /* "cycles", or NULL; owned */
	char *encoding;  /* "type=1,config=0x3", "msr/event=0x00/"; NULL for descriptors; owned */
	bool openable;   /* attr describes a real event (false: descriptors, tool events) */
	struct perf_event_attr attr;
};

struct event_catalog {
	struct event_desc *v;
	size_t n, cap;
};

#define EVENT_CATALOG_INIT { NULL, 0, 0 }

/* Appends the events of the classes in `mask` (EVENT_CLASS_BIT()s), each
 * class sorted by name, classes in perf list's order. Tracepoints need
 * tracefs (mounted on demand): when it cannot be had the other classes are
 * still appended and the error is returned. env may be NULL. */
int events_catalog(struct events_env *env, unsigned mask, struct event_catalog *out,
		   struct kerr *err);
void event_catalog_release(struct event_catalog *c);
/* "Hardware event", "Software event", ... as perf list prints them. */
const char *event_class_label(enum event_class c);

/* Tries to open the event here (this process, then CPU-wide for PMUs that
 * only count per CPU) and closes it. 0 when this machine can count it,
 * else the -errno of the first attempt. */
int events_probe(const struct perf_event_attr *attr);


/* True for PERF_TYPE_SOFTWARE task-clock and cpu-clock (perf's "clock"
 * events, which stat shows in msec). */
bool kevent_is_clock(const struct kevent *ev);

/* The only caller of perf_event_open(2). Returns an fd or -errno.
 * When the environment variable KILN_TEST_ATTR_FILE names a file, the attr
 * and arguments are appended to it as "key=value" lines (one block per
 * call, ending with a blank line) before the call is made, so tests can
 * check option → attr translation. */
int events_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
		unsigned long flags);

/* events_open() with perf's retry for picky PMUs: when the kernel answers
 * EINVAL and the attr excludes guest or host (perf's default), it tries
 * again without those bits, which PMUs such as msr and power refuse.
 * attr is left as finally passed. Returns an fd or -errno. */
int events_open_fallback(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
			 unsigned long flags);

/* Explains an events_open() failure for `ev` in one line: unsupported
 * event (suggests `kiln list`), permissions (perf_event_paranoid), etc. */
void events_explain_open_error(const char *ev_name, int err_code, struct kerr *err);

#endif
