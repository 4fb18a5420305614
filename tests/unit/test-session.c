/* The sampling session's life cycle, against the real kernel: session.c is
 * compiled into this test so that it can hold the reader thread's lock and
 * look at the rings. Checks that session_close() stops the reader before it
 * unmaps the rings the reader walks, that a session_open() failing half-way
 * (a later event refused after a ring was mapped) leaves no descriptor
 * behind, and the rings' wake-up policy. Needs perf_event_open for
 * software events (root, or perf_event_paranoid <= 1): else exit 77. */
#include "../../src/collect/session.c"

#include <dirent.h>
#include <sys/syscall.h>
#include <time.h>

#include "check.h"

static size_t open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Waits until the one other thread of this process sleeps in futex(2),
 * i.e. the reader is blocked on the lock this thread holds. */
static bool reader_blocked_on_lock(void)
{
	pid_t self = (pid_t)syscall(SYS_gettid);

	for (int tries = 0; tries < 2000; tries++) {
		DIR *d = opendir("/proc/self/task");
		struct dirent *e;
		bool blocked = false;

		if (!d)
			return false;
		while ((e = readdir(d)) != NULL) {
			char path[300];
			long nr = -1;
			FILE *f;

			if (e->d_name[0] == '.' || atoi(e->d_name) == self)
				continue;
			snprintf(path, sizeof(path), "/proc/self/task/%s/syscall", e->d_name);
			if ((f = fopen(path, "re")) != NULL) {
				if (fscanf(f, "%ld", &nr) != 1)
					nr = -1;
				fclose(f);
			}
			if (nr == SYS_futex)
				blocked = true;
		}
		closedir(d);
		if (blocked)
			return true;
		sleep_ms(5);
	}
	return false;
}

static void *closer(void *arg)
{
	session_close(arg);
	return NULL;
}

/* Opens cpu-clock on this thread; exits 77 when the kernel refuses. */
static struct session *open_self(struct event_list *evs, pid_t *tid)
{
	struct session_opts o;
	struct session *s = NULL;
	struct kerr err = KERR_INIT;
	int ret;

	*tid = (pid_t)syscall(SYS_gettid);
	memset(&o, 0, sizeof(o));
	o.events = evs;
	o.tids = tid;
	o.n_tids = 1;
	o.freq = 1000;
	ret = session_open(&o, &s, &err);
	if (ret == -EACCES || ret == -EPERM || ret == -ENOSYS) {
		fprintf(stderr, "SKIP: perf_event_open refused: %s\n", err.msg);
		exit(77);
	}
	CHECK_EQ(ret, 0);
	if (ret)
		fprintf(stderr, "session_open: %s\n", err.msg);
	return s;
}

/* The reader is parked on its lock (as if in the middle of a drain) when
 * session_close() starts: close must wait for it before it unmaps
 * anything, so the rings are still there while it waits. */
static void test_close_stops_reader_first(struct event_list *evs)
{
	struct kerr err = KERR_INIT;
	struct session *s;
	pthread_t t;
	size_t rings;
	pid_t tid;

	s = open_self(evs, &tid);
	if (!s)
		return;
	rings = s->rings.n;
	CHECK(rings > 0);
	CHECK_EQ(session_start_reader(s, &err), 0);
	pthread_mutex_lock(&s->lock);
	/* Past its poll, the reader waits for the lock, as if it were in the
	 * middle of a drain. Without that, close would simply free s. */
	if (!reader_blocked_on_lock()) {
		CHECK(!"the reader thread never blocked on the session lock");
		pthread_mutex_unlock(&s->lock);
		session_close(s);
		return;
	}
	CHECK_EQ(pthread_create(&t, NULL, closer, s), 0);
	/* Long enough for a close that does not wait for the reader to
	 * unmap the rings. */
	sleep_ms(300);
	CHECK_EQ(__atomic_load_n(&s->rings.n, __ATOMIC_ACQUIRE), rings);
	CHECK(__atomic_load_n(&s->rings.v, __ATOMIC_ACQUIRE) != NULL);
	if (__atomic_load_n(&s->rings.v, __ATOMIC_ACQUIRE))
		CHECK(__atomic_load_n(&s->rings.v[0].base, __ATOMIC_ACQUIRE) != NULL);
	pthread_mutex_unlock(&s->lock);
	pthread_join(t, NULL);
}

/* A second event the kernel refuses, after the first mapped its ring:
 * the error comes back and every descriptor is closed. Repeated, so a
 * leak or a bad teardown of the partial state shows under ASan. */
static void test_open_fails_half_way(void)
{
	struct event_list evs = EVENT_LIST_INIT;
	struct kerr err = KERR_INIT;
	size_t before = open_fds();

	CHECK_EQ(events_parse("cpu-clock,task-clock", &evs, &err), 0);
	if (evs.n != 2)
		return;
	evs.v[1].attr.type = 0x7fff0000; /* no such PMU */
	for (int i = 0; i < 50; i++) {
		struct session_opts o;
		struct session *s = NULL;
		pid_t tid = (pid_t)syscall(SYS_gettid);

		memset(&o, 0, sizeof(o));
		o.events = &evs;
		o.tids = &tid;
		o.n_tids = 1;
		o.freq = 1000;
		err = (struct kerr)KERR_INIT;
		CHECK(session_open(&o, &s, &err) < 0);
		CHECK(s == NULL);
		CHECK(err.msg[0] != '\0');
	}
	CHECK_EQ(open_fds(), before);
	event_list_release(&evs);
}

/* Nothing opened at all: every target thread is gone. */
static void test_open_no_target(struct event_list *evs)
{
	struct session_opts o;
	struct session *s = NULL;
	struct kerr err = KERR_INIT;
	pid_t gone = 0x3ffffff0; /* above pid_max */

	memset(&o, 0, sizeof(o));
	o.events = evs;
	o.tids = &gone;
	o.n_tids = 1;
	o.freq = 1000;
	CHECK_EQ(session_open(&o, &s, &err), -ESRCH);
	CHECK(s == NULL);
}

int main(void)
{
	struct event_list evs = EVENT_LIST_INIT;
	struct kerr err = KERR_INIT;

	CHECK_EQ(events_parse("cpu-clock", &evs, &err), 0);
	if (evs.n != 1)
		return CHECK_DONE();
	test_close_stops_reader_first(&evs);
	test_open_fails_half_way();
	test_open_no_target(&evs);
	event_list_release(&evs);
	session_close(NULL);
	return CHECK_DONE();
}
