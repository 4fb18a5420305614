/* Opening a recording's events and reading their rings in time order (see
 * session.h). A recording of N CPUs × T threads × E events has N rings; the
 * first fd opened on a CPU owns the ring and later ones SET_OUTPUT into it.
 *
 * With a reader thread, rings are drained by that thread alone (a light
 * memcpy loop, like perf record's), so slow work in the consumer (loading
 * DWARF, writing a checkpoint) cannot let rings overflow. It drains into
 * its own `pending` list without any lock, then hands the list over to
 * `incoming` only if the lock is free: a consumer preempted while holding
 * the lock never keeps the reader from the rings. */
#include "session.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/hashmap.h"
#include "../base/vec.h"
#include "records.h"
#include "ring.h"
#include "target.h"

struct queued {
	uint64_t time;
	uint64_t seq;
	struct perf_event_header *rec; /* malloc'd copy */
};

struct session {
	VEC(int) fds;
	VEC(struct ring) rings;
	struct pollfd *pfds;
	size_t n_pfds, n_hung;
	struct u64map id_to_event;
	uint64_t sample_type, regs_mask;
	/* Drained by the reader (or the consumer without one), not yet
	 * handed over; only the draining thread touches these. */
	VEC(struct queued) pending;
	uint64_t pending_max;
	uint64_t seq;
	/* Handed over, not yet delivered, and the newest timestamp handed
	 * over so far and as of the hand-over before (records up to that one
	 * are safe to order); guarded by `lock` with a reader. */
	VEC(struct queued) incoming;
	uint64_t round_max, safe_max;
	/* Consumer side: records held back for ordering. */
	VEC(struct queued) queue;
	uint64_t last_delivered;
	uint64_t misordered;
	/* Reader thread. */
	pthread_t reader;
	bool reader_on;
	pthread_mutex_t lock;
	volatile int stop_reader;  /* __atomic accesses */
	int hung_all;              /* __atomic: every ring hung up */
};

static size_t ring_pages(const struct session_opts *o)
{
	return o->mmap_pages ? o->mmap_pages : SESSION_DEFAULT_PAGES;
}

/* The kernel wakes the reader each time this much more was written (it
 * caps the watermark at the ring's size: a larger one means "wake when
 * full", when records are already being lost). A quarter of the ring
 * leaves the reader three quarters of it as time to answer, more than
 * perf's default of half; past 256 KiB rings, every 64 KiB is often
 * enough. */
uint32_t session_wakeup_bytes(size_t ring_bytes)
{
	size_t w = ring_bytes / 4;

	if (w > 64 * 1024)
		w = 64 * 1024;
	return w ? (uint32_t)w : 1;
}

static void setup_attr(struct perf_event_attr *a, const struct session_opts *o,
		       bool first, bool child)
{
	a->size = sizeof(*a);
	a->sample_type = REC_SAMPLE_BASE;
	if (o->callchain || o->stack_user)
		a->sample_type |= PERF_SAMPLE_CALLCHAIN;
	if (o->stack_user) {
		a->sample_type |= PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
		a->sample_regs_user = o->regs_user;
		a->sample_stack_user = o->stack_user;
		/* The user part comes from unwinding the copy, the kernel's
		 * callchain gives only the kernel part. */
		a->exclude_callchain_user = 1;
	}
	if (a->sample_period == 0 && !a->freq) {
		if (o->freq) {
			a->freq = 1;
			a->sample_freq = o->freq;
		} else {
			a->sample_period = o->period;
		}
	}
	a->sample_id_all = 1;
	a->inherit = o->inherit;
	a->disabled = 1;
	a->enable_on_exec = child;
	/* Side-band records once per ring is enough: on the first event. */
	if (first) {
		a->mmap = 1;
		a->mmap2 = 1;
		a->comm = 1;
		a->comm_exec = 1;
		a->task = 1;
	}
	a->watermark = 1;
	a->wakeup_watermark = session_wakeup_bytes(ring_pages(o) * (size_t)sysconf(_SC_PAGESIZE));
}

static int open_one(struct session *s, const struct session_opts *o, int ev_ix,
		    pid_t pid, int cpu, int *ring_fd_for_cpu, struct kerr *err)
{
	struct perf_event_attr attr = o->events->v[ev_ix].attr;
	bool first = (*ring_fd_for_cpu < 0);
	uint64_t id;
	int fd;

	setup_attr(&attr, o, first, o->child > 0);
	fd = events_open(&attr, pid, cpu, -1, 0);
	if (fd < 0) {
		/* Threads of an attached process may exit while we open. */
		if (fd == -ESRCH && !o->system_wide && o->child <= 0 && pid > 0)
			return 1;
		events_explain_open_error(o->events->v[ev_ix].name, fd, err);
		return fd;
	}
	vec_push(&s->fds, fd);
	if (ioctl(fd, PERF_EVENT_IOC_ID, &id) == 0)
		u64map_put(&s->id_to_event, id, (uint64_t)ev_ix);
	s->sample_type = attr.sample_type;
	s->regs_mask = attr.sample_regs_user;
	if (first) {
		struct ring *r = vec_add(&s->rings);
		int ret = ring_open(r, fd, ring_pages(o), err);
		if (ret) {
			s->rings.n--;
			return ret;
		}
		*ring_fd_for_cpu = fd;
	} else if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, *ring_fd_for_cpu) < 0) {
		return kerr_set(err, -errno, "cannot share a ring buffer: %s", strerror(errno));
	}
	return 0;
}

int session_open(const struct session_opts *o, struct session **out, struct kerr *err)
{
	struct session *s = xcalloc(1, sizeof(*s));
	struct cpu_list online = CPU_LIST_INIT;
	const int *cpus = o->cpus;
	size_t n_cpus = o->n_cpus;
	VEC(pid_t) targets = VEC_INIT;
	int ret = 0;

	/* First, so that session_close() can destroy it on any failure. */
	pthread_mutex_init(&s->lock, NULL);
	if (!cpus) {
		ret = cpus_online(&online, err);
		if (ret)
			goto out_fail;
		cpus = online.v;
		n_cpus = online.n;
	}
	if (o->system_wide)
		vec_push(&targets, -1);
	else if (o->child > 0)
		vec_push(&targets, o->child);
	else
		for (size_t i = 0; i < o->n_tids; i++)
			vec_push(&targets, o->tids[i]);
	for (size_t c = 0; c < n_cpus; c++) {
		int ring_fd = -1;

		for (size_t t = 0; t < targets.n; t++) {
			for (size_t e = 0; e < o->events->n; e++) {
				ret = open_one(s, o, (int)e, targets.v[t], cpus[c], &ring_fd, err);
				if (ret < 0)
					goto out_fail;
				ret = 0;
			}
		}
	}
	if (!s->fds.n) {
		ret = kerr_set(err, -ESRCH, "nothing to record: every target thread has exited");
		goto out_fail;
	}
	s->pfds = xcalloc(s->rings.n, sizeof(*s->pfds));
	s->n_pfds = s->rings.n;
	for (size_t i = 0; i < s->rings.n; i++) {
		s->pfds[i].fd = s->rings.v[i].fd;
		s->pfds[i].events = POLLIN;
	}
	vec_free(&online);
	vec_free(&targets);
	*out = s;
	return 0;
out_fail:
	vec_free(&online);
	vec_free(&targets);
	session_close(s);
	return ret;
}

/* Safe on any state session_open() leaves behind, complete or not. */
void session_close(struct session *s)
{
	if (!s)
		return;
	/* The reader walks the rings and polls the fds: it goes first. */
	session_stop_reader(s);
	for (size_t i = 0; i < s->rings.n; i++)
		ring_close(&s->rings.v[i]);
	vec_free(&s->rings);
	for (size_t i = 0; i < s->fds.n; i++)
		close(s->fds.v[i]);
	vec_free(&s->fds);
	for (size_t i = 0; i < s->queue.n; i++)
		free(s->queue.v[i].rec);
	vec_free(&s->queue);
	for (size_t i = 0; i < s->incoming.n; i++)
		free(s->incoming.v[i].rec);
	vec_free(&s->incoming);
	for (size_t i = 0; i < s->pending.n; i++)
		free(s->pending.v[i].rec);
	vec_free(&s->pending);
	pthread_mutex_destroy(&s->lock);
	free(s->pfds);
	u64map_release(&s->id_to_event);
	free(s);
}

static int ioctl_all(struct session *s, unsigned long req)
{
	int ret = 0;

	for (size_t i = 0; i < s->fds.n; i++)
		if (ioctl(s->fds.v[i], req, 0) < 0)
			ret = -errno;
	return ret;
}

int session_enable(struct session *s)
{
	return ioctl_all(s, PERF_EVENT_IOC_ENABLE);
}

int session_disable(struct session *s)
{
	return ioctl_all(s, PERF_EVENT_IOC_DISABLE);
}

/* Marks rings whose tasks all exited: they report POLLHUP forever. Their
 * data is still read by the drains. */
static void note_hangups(struct session *s)
{
	for (size_t i = 0; i < s->n_pfds; i++) {
		if (s->pfds[i].fd >= 0 && (s->pfds[i].revents & (POLLHUP | POLLERR))) {
			s->pfds[i].fd = -1;
			s->n_hung++;
		}
	}
	if (s->n_hung == s->n_pfds)
		__atomic_store_n(&s->hung_all, 1, __ATOMIC_RELEASE);
}

int session_poll(struct session *s, int timeout_ms, const sigset_t *sigmask)
{
	struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };
	int n;

	/* With a reader thread the rings are its business: just wait. */
	if (s->reader_on)
		n = ppoll(NULL, 0, timeout_ms < 0 ? NULL : &ts, sigmask);
	else
		n = ppoll(s->pfds, s->n_pfds, timeout_ms < 0 ? NULL : &ts, sigmask);
	if (n < 0)
		return -errno;
	if (n > 0 && !s->reader_on)
		note_hangups(s);
	return n;
}

bool session_ended(const struct session *s)
{
	return __atomic_load_n(&s->hung_all, __ATOMIC_ACQUIRE) != 0;
}

static void enqueue(const struct perf_event_header *h, void *arg)
{
	struct session *s = arg;
	struct queued *q = vec_add(&s->pending);

	q->rec = xmalloc(h->size);
	memcpy(q->rec, h, h->size);
	q->time = rec_time(h, s->sample_type);
	q->seq = s->seq++;
	if (q->time > s->pending_max)
		s->pending_max = q->time;
}

/* One round: every ring read up to its current head, into `pending`.
 * Returns the bytes read. */
static size_t drain_rings(struct session *s)
{
	size_t n = 0;

	for (size_t r = 0; r < s->rings.n; r++)
		n += ring_read(&s->rings.v[r], enqueue, s);
	return n;
}

/* Moves `pending` to `incoming`, after a round (drain_rings()) that
 * followed the previous hand-over; the caller holds the lock or there is
 * no reader. Every ring was then read past the previous hand-over's
 * newest timestamp, so records up to it are safe to order (perf's
 * "finished round" rule), even when this round found nothing. */
static void hand_over(struct session *s)
{
	s->safe_max = s->round_max;
	if (!s->pending.n)
		return;
	if (!s->incoming.n) {
		/* The usual case: swap the arrays rather than copy. */
		struct queued *v = s->incoming.v;
		size_t cap = s->incoming.cap;

		s->incoming.v = s->pending.v;
		s->incoming.cap = s->pending.cap;
		s->incoming.n = s->pending.n;
		s->pending.v = v;
		s->pending.cap = cap;
	} else {
		vec_reserve(&s->incoming, s->incoming.n + s->pending.n);
		memcpy(s->incoming.v + s->incoming.n, s->pending.v,
		       s->pending.n * sizeof(*s->pending.v));
		s->incoming.n += s->pending.n;
	}
	s->pending.n = 0;
	if (s->pending_max > s->round_max)
		s->round_max = s->pending_max;
}

static void *reader_main(void *arg)
{
	struct session *s = arg;
	bool more = false;

	while (!__atomic_load_n(&s->stop_reader, __ATOMIC_ACQUIRE)) {
		/* Data in the last round: look again at once, as perf record
		 * does; else sleep until a ring passes its watermark. */
		int n = poll(s->pfds, s->n_pfds, more ? 0 : 50);

		if (n > 0)
			note_hangups(s);
		more = drain_rings(s) > 0;
		if (pthread_mutex_trylock(&s->lock) == 0) {
			hand_over(s);
			pthread_mutex_unlock(&s->lock);
		}
	}
	return NULL;
}

int session_start_reader(struct session *s, struct kerr *err)
{
	sigset_t all, old;
	int ret;

	if (s->reader_on)
		return 0;
	/* Signals are for the main thread: the reader blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(&s->reader, NULL, reader_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return kerr_set(err, -ret, "cannot start the ring reader thread: %s", strerror(ret));
	s->reader_on = true;
	return 0;
}

void session_stop_reader(struct session *s)
{
	if (!s->reader_on)
		return;
	__atomic_store_n(&s->stop_reader, 1, __ATOMIC_RELEASE);
	pthread_join(s->reader, NULL);
	s->reader_on = false;
	/* What the reader could not hand over, after a round of our own. */
	drain_rings(s);
	hand_over(s);
}

static int queued_cmp(const void *a, const void *b)
{
	const struct queued *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Moves what was drained so far behind the records held back. Returns the
 * newest timestamp that is safe to deliver. */
static uint64_t take_incoming(struct session *s)
{
	uint64_t limit;

	if (s->reader_on) {
		pthread_mutex_lock(&s->lock);
	} else {
		drain_rings(s);
		hand_over(s);
	}
	limit = s->safe_max;
	vec_reserve(&s->queue, s->queue.n + s->incoming.n);
	if (s->incoming.n)
		memcpy(s->queue.v + s->queue.n, s->incoming.v, s->incoming.n * sizeof(*s->queue.v));
	s->queue.n += s->incoming.n;
	s->incoming.n = 0;
	if (s->reader_on)
		pthread_mutex_unlock(&s->lock);
	return limit;
}

void session_read(struct session *s, bool final, session_record_fn fn, void *arg)
{
	uint64_t limit;
	size_t i, kept = 0;

	if (final) {
		/* Nothing races with the last drain. */
		session_stop_reader(s);
		take_incoming(s);
		limit = UINT64_MAX;
	} else {
		limit = take_incoming(s);
	}
	if (!s->queue.n)
		return;
	qsort(s->queue.v, s->queue.n, sizeof(*s->queue.v), queued_cmp);
	for (i = 0; i < s->queue.n; i++) {
		struct queued *q = &s->queue.v[i];

		if (q->time > limit) {
			s->queue.v[kept++] = *q;
			continue;
		}
		if (q->time < s->last_delivered)
			s->misordered++;
		else
			s->last_delivered = q->time;
		fn(q->rec, arg);
		free(q->rec);
	}
	s->queue.n = kept;
}

uint64_t session_sample_type(const struct session *s)
{
	return s->sample_type;
}

uint64_t session_regs_mask(const struct session *s)
{
	return s->regs_mask;
}

int session_event_of(const struct session *s, uint64_t id)
{
	uint64_t ev;

	return u64map_get(&s->id_to_event, id, &ev) ? (int)ev : -1;
}

uint64_t session_misordered(const struct session *s)
{
	return s->misordered;
}
