/* kiln mounts tracefs itself when it is missing, and says how to do it
 * when it cannot. Runs in a private mount namespace (root only), where
 * unmounting or hiding tracefs affects nobody else. */
#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "events/events.h"

static int skip(const char *why)
{
	printf("SKIP: %s\n", why);
	return 77;
}

int main(void)
{
	struct event_list l = EVENT_LIST_INIT;
	struct events_env env = EVENTS_ENV_INIT;
	struct kerr err = KERR_INIT;
	struct stat st;
	const char *root = NULL;

	if (geteuid() != 0)
		return skip("needs root to mount");
	/* As root, only a sandbox (a container without CAP_SYS_ADMIN) refuses. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		printf("SKIP: machine lacks private mount namespaces (%s)\n", strerror(errno));
		return 77;
	}
	if (stat("/sys/kernel/tracing", &st) < 0)
		return skip("machine lacks tracefs (no /sys/kernel/tracing)");

	/* Hide debugfs's tracing folder and unmount tracefs: kiln must mount. */
	if (stat("/sys/kernel/debug", &st) == 0)
		mount("none", "/sys/kernel/debug", "tmpfs", 0, NULL);
	while (umount2("/sys/kernel/tracing", MNT_DETACH) == 0)
		;
	CHECK(stat("/sys/kernel/tracing/events", &st) < 0);
	CHECK_EQ(events_tracefs_root(&root, &err), 0);
	CHECK_STR(root, "/sys/kernel/tracing");
	CHECK(stat("/sys/kernel/tracing/events", &st) == 0);
	CHECK_EQ(events_parse("sched:sched_switch", &l, &err), 0);
	CHECK_EQ(l.n, 1);
	event_list_release(&l);

	/* No mount point at all: the message says what to run. */
	while (umount2("/sys/kernel/tracing", MNT_DETACH) == 0)
		;
	CHECK_EQ(mount("none", "/sys/kernel", "tmpfs", 0, NULL), 0);
	CHECK(events_tracefs_root(&root, &err) < 0);
	CHECK(strstr(err.msg, "tracefs is not mounted and mounting it failed") != NULL);
	CHECK(strstr(err.msg, "mount -t tracefs nodev /sys/kernel/tracing") != NULL);
	CHECK(events_parse_env("cs,sched:sched_switch", &env, &l, &err) < 0);
	CHECK(strstr(err.msg, "tracepoints need tracefs") != NULL);
	CHECK_EQ(env.err_pos, 3);
	CHECK_EQ(l.n, 0);
	/* Events that need no tracefs still parse. */
	CHECK_EQ(events_parse("cs,cycles:u", &l, &err), 0);
	event_list_release(&l);
	return CHECK_DONE();
}
