/* The recorder on hand-made perf records: side-band records build the
 * address space, samples resolve against it at their time, callchains are
 * split at context markers and return addresses are moved into the call. */
#include <stdlib.h>

#include "check.h"
#include "collect/recorder.h"

#define ST (REC_SAMPLE_BASE | PERF_SAMPLE_CALLCHAIN)

static unsigned char buf[4096];

static const struct perf_event_header *mmap2(uint32_t pid, uint64_t addr, uint64_t len,
					     uint64_t pgoff, const char *file)
{
	struct rec_mmap2 *m = (void *)buf;
	size_t n = strlen(file) + 1;

	memset(buf, 0, sizeof(buf));
	m->h.type = PERF_RECORD_MMAP2;
	m->pid = m->tid = pid;
	m->addr = addr;
	m->len = len;
	m->pgoff = pgoff;
	memcpy(m->filename, file, n);
	/* sample_id trailer: pid/tid, time, cpu, identifier (40 bytes) */
	m->h.size = (uint16_t)(offsetof(struct rec_mmap2, filename) + ((n + 7) & ~7u) + 32);
	return &m->h;
}

static const struct perf_event_header *comm(uint32_t pid, const char *name, bool exec)
{
	struct rec_comm *c = (void *)buf;
	size_t n = strlen(name) + 1;

	memset(buf, 0, sizeof(buf));
	c->h.type = PERF_RECORD_COMM;
	c->h.misc = exec ? PERF_RECORD_MISC_COMM_EXEC : 0;
	c->pid = c->tid = pid;
	memcpy(c->comm, name, n);
	c->h.size = (uint16_t)(offsetof(struct rec_comm, comm) + ((n + 7) & ~7u) + 32);
	return &c->h;
}

static const struct perf_event_header *sample(uint32_t pid, uint64_t period, bool kernel,
					      const uint64_t *chain, size_t nr)
{
	struct perf_event_header *h = (void *)buf;
	uint64_t *p = (uint64_t *)(h + 1);

	memset(buf, 0, sizeof(buf));
	h->type = PERF_RECORD_SAMPLE;
	h->misc = kernel ? PERF_RECORD_MISC_KERNEL : PERF_RECORD_MISC_USER;
	*p++ = 7;                                   /* identifier */
	*p++ = chain[nr > 1 ? 1 : 0];               /* ip */
	*p++ = (uint64_t)pid | ((uint64_t)pid << 32); /* pid, tid */
	*p++ = 1000;                                /* time */
	*p++ = 1;                                   /* cpu */
	*p++ = period;
	*p++ = nr;
	memcpy(p, chain, nr * 8);
	p += nr;
	h->size = (uint16_t)((unsigned char *)p - buf);
	return h;
}

int main(void)
{
	struct tasks *t = tasks_new();
	struct recorder r;
	const struct stack_entry *e;
	const struct stack_frame *f;
	const struct cmap *app;
	uint64_t chain[] = {
		(uint64_t)PERF_CONTEXT_KERNEL, 0xffffffff81000100ULL, 0xffffffff81000200ULL,
		(uint64_t)PERF_CONTEXT_USER, 0x401000, 0x401100, 0x7f0000001000,
	};
	struct rec_sample s;

	recorder_init(&r, t, 1, ST, 0, false);
	recorder_record(comm(10, "app", true), &r);
	recorder_record(mmap2(10, 0x400000, 0x10000, 0, "/bin/app"), &r);
	recorder_record(mmap2(10, 0x7f0000000000, 0x10000, 0x2000, "/lib/libc.so.6"), &r);

	CHECK_EQ(rec_parse_sample(sample(10, 500, true, chain, 7), ST, 0, &s), 0);
	CHECK_EQ(s.nr, 7);
	CHECK_EQ(s.period, 500);
	CHECK_EQ(s.pid, 10);
	CHECK_EQ(s.time, 1000);

	recorder_record(sample(10, 500, true, chain, 7), &r);
	recorder_record(sample(10, 300, true, chain, 7), &r);
	CHECK_EQ(r.stats.samples, 2);
	CHECK_EQ(r.stacks.n_entries, 1);
	e = &r.stacks.entries[0];
	CHECK_EQ(stack_values(&r.stacks, e)[0], 2);
	CHECK_EQ(stack_values(&r.stacks, e)[1], 800);
	CHECK_STR(strtab_get(&r.stacks.strings, e->comm), "app");
	CHECK_EQ(e->n_frames, 5);
	f = stack_frames(&r.stacks, e);
	CHECK_EQ(f[0].addr, 0xffffffff81000100ULL); /* leaf exact */
	CHECK(tasks_map(t, f[0].map)->kernel);
	CHECK_EQ(f[1].addr, 0xffffffff81000200ULL - 1);
	CHECK_EQ(f[2].addr, 0x401000 - 1);
	app = tasks_map(t, f[2].map);
	CHECK_STR(app->filename, "/bin/app");
	CHECK_STR(tasks_map(t, f[4].map)->filename, "/lib/libc.so.6");

	/* After exec the same address belongs to the new image. */
	recorder_record(comm(10, "new", true), &r);
	recorder_record(mmap2(10, 0x400000, 0x10000, 0, "/bin/new"), &r);
	recorder_record(sample(10, 100, false, chain + 4, 1), &r);
	CHECK_EQ(r.stacks.n_entries, 2);
	e = &r.stacks.entries[1];
	CHECK_STR(tasks_map(t, stack_frames(&r.stacks, e)[0].map)->filename, "/bin/new");
	CHECK_STR(strtab_get(&r.stacks.strings, e->comm), "new");

	/* A truncated record is counted, not trusted. */
	struct perf_event_header *h = (void *)sample(10, 1, false, chain, 7);
	h->size = 24;
	recorder_record(h, &r);
	CHECK_EQ(r.stats.bad, 1);

	/* Lost records are summed. */
	struct rec_lost lost = { { PERF_RECORD_LOST, 0, sizeof(lost) }, 7, 42 };
	recorder_record(&lost.h, &r);
	CHECK_EQ(r.stats.lost, 42);

	recorder_release(&r);
	tasks_free(t);
	return CHECK_DONE();
}
