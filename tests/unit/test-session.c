/* The sampling session's life cycle, against the real kernel. ring.c and
 * session.c are compiled into this test, ring_close() wrapped, so that it
 * can see what session_close() does in which order. Checks the rings'
 * wake-up policy; that session_close() stops the reader thread before it
 * unmaps the rings the reader drains without a lock; that the reader keeps
 * draining while the consumer holds the lock; that a session_open()
 * failing half-way (a later event refused after a ring was mapped) leaves
 * no descriptor behind. Needs perf_event_open for software events (root,
 * or perf_event_paranoid <= 1): else exit 77. */
#define ring_close real_ring_close
#include "../../src/collect/ring.c"
#undef ring_close
void ring_close(struct ring *r);
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

/* The session under test: the wrapper below checks its reader is gone
 * whenever a ring is unmapped. */
static struct session *watched;
static int rings_closed, rings_closed_with_reader;

void ring_close(struct ring *r)
{
	if (watched) {
		rings_closed++;
		if (watched->reader_on)
			rings_closed_with_reader++;
	}
	real_ring_close(r);
}

/* Opens cpu-clock on this thread at `freq` Hz with rings of `pages`
 * pages (0: the default); exits 77 when the kernel refuses. */
static struct session *open_self(struct event_list *evs, pid_t *tid, uint64_t freq,
				 size_t pages)
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
	o.freq = freq;
	o.mmap_pages = pages;
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

/* Closing a session whose reader thread runs (and has data to drain:
 * this thread spins meanwhile): the reader is joined before the first ring
 * is unmapped. */
static void test_close_stops_reader_first(struct event_list *evs)
{
	struct kerr err = KERR_INIT;
	struct session *s;
	size_t rings;
	pid_t tid;

	s = open_self(evs, &tid, 1000, 0);
	if (!s)
		return;
	rings = s->rings.n;
	CHECK(rings > 0);
	CHECK_EQ(session_enable(s), 0);
	CHECK_EQ(session_start_reader(s, &err), 0);
	CHECK(s->reader_on);
	for (volatile unsigned long i = 0; i < 20000000UL; i++)
		;
	watched = s;
	session_close(s);
	watched = NULL;
	CHECK_EQ(rings_closed, rings);
	CHECK_EQ(rings_closed_with_reader, 0);
}

static void spin_s(double secs)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9 < secs);
}

struct counts {
	uint64_t samples, sample_bytes, lost;
};

static void count(const struct perf_event_header *h, void *arg)
{
	struct counts *c = arg;

	if (h->type == PERF_RECORD_SAMPLE) {
		c->samples++;
		c->sample_bytes += h->size;
	} else if (h->type == PERF_RECORD_LOST)
		c->lost += ((const struct rec_lost *)h)->lost;
}

/* A consumer that holds the lock for long (preempted, or busy) must not
 * keep the reader from the rings: 1.5 s of samples at 20 kHz is many
 * times what a 16-page ring holds, and all of it must come through. */
static void test_reader_drains_while_consumer_holds_lock(struct event_list *evs)
{
	struct kerr err = KERR_INIT;
	struct counts c = { 0, 0, 0 };
	struct session *s;
	pid_t tid;

	s = open_self(evs, &tid, 20000, 16);
	if (!s)
		return;
	CHECK_EQ(session_start_reader(s, &err), 0);
	CHECK_EQ(session_enable(s), 0);
	pthread_mutex_lock(&s->lock);
	spin_s(1.5);
	pthread_mutex_unlock(&s->lock);
	session_disable(s);
	session_read(s, true, count, &c);
	/* The kernel reports a loss only with its next record, after the
	 * drop: so what must have come through is several rings' worth. */
	CHECK(c.sample_bytes > 3 * s->rings.v[0].data_size);
	CHECK_EQ(c.lost, 0);
	session_close(s);
}

/* The kernel wakes the reader a quarter of the way into a small ring
 * (perf waits for half), every 64 KiB in large ones; setup_attr() asks for
 * that, for -m and the default size. */
static void test_wakeup_policy(const struct event_list *evs)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	struct session_opts o;

	for (size_t pages = 1; pages <= 4096; pages *= 2) {
		size_t ring = pages * psz;
		uint32_t w = session_wakeup_bytes(ring);

		CHECK(w > 0);
		CHECK(w <= ring / 4);
		CHECK(w <= 64 * 1024);
		CHECK(w >= (ring / 4 < 64 * 1024 ? ring / 4 : 64 * 1024));
	}
	memset(&o, 0, sizeof(o));
	o.events = evs;
	o.freq = 1000;
	for (size_t pages = 0; pages <= 8; pages = pages ? pages * 2 : 1) {
		struct perf_event_attr a = evs->v[0].attr;
		size_t ring = (pages ? pages : SESSION_DEFAULT_PAGES) * psz;

		o.mmap_pages = pages;
		setup_attr(&a, &o, true, false);
		CHECK_EQ(a.watermark, 1);
		CHECK_EQ(a.wakeup_watermark, session_wakeup_bytes(ring));
		CHECK(a.wakeup_watermark <= ring / 2);
	}
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
	test_wakeup_policy(&evs);
	test_close_stops_reader_first(&evs);
	test_reader_drains_while_consumer_holds_lock(&evs);
	test_open_fails_half_way();
	test_open_no_target(&evs);
	event_list_release(&evs);
	session_close(NULL);
	return CHECK_DONE();
}
