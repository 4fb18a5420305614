/* libFuzzer target for collect's decoding of perf records
 * (src/collect/ring.c, records.c, recorder.c): what record and top do
 * with every record a perf mmap ring hands them.
 *
 * The input is a struct fr_hdr (fuzz-records.h) choosing the session's
 * sample_type (any of the 64 bits, so every PERF_SAMPLE_* field and the
 * ones the decoder refuses are reached), the user register mask, the
 * number of events and whether a DWARF unwinder is attached, then a
 * stream of records. The stream is written into a fake mmap ring (a
 * metadata page and a power-of-two data area, starting at `tail` so
 * records wrap around its end) and read with ring_read(); each record goes
 * through rec_time(), rec_parse_sample() or rec_parse_id(), then the
 * recorder (MMAP2 names and build ids, COMM, FORK, EXIT, LOST, samples
 * into stacks). Record sizes are rounded down to multiples of 8, as the
 * kernel writes them, so every record starts aligned.
 * A stand-in unwinder reads the sample's registers with the unwind
 * module's regs_from_perf() and its whole stack copy, as the real one
 * may. Decoded pointers are checked to stay inside their record.
 * seeds/records/ holds rings recorded on this machine by mkseed-records.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/records.h"
#include "collect/recorder.h"
#include "collect/ring.h"
#include "collect/stacks.h"
#include "collect/tasks.h"
#include "unwind/regs.h"

#include "fuzz-records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define META_SIZE 4096

struct ctx {
	struct recorder rec;
	struct fr_hdr h;
	size_t n_events;
	volatile uint64_t sink;
};

static void check_inside(const struct perf_event_header *h, const void *p, uint64_t n)
{
	const unsigned char *lo = (const unsigned char *)h, *hi = lo + h->size;
	const unsigned char *q = p;

	if (n && (q < lo || q > hi || n > (uint64_t)(hi - q)))
		abort(); /* a decoded field reaches outside its record */
}

/* A stand-in for unwind_sample(): reads what the real one reads. */
static size_t fake_unwind(void *arg, struct tasks *t, const struct rec_sample *s,
			  uint64_t regs_mask, struct stack_frame *out, size_t max,
			  bool *truncated)
{
	struct ctx *c = arg;
	struct regset rs;
	uint64_t sum = 0, v;
	size_t n = 0;

	if (s->regs && s->abi && regs_from_perf(s->regs, regs_mask, &rs)) {
		for (unsigned r = 0; r < DW_NREGS; r++)
			if (reg_get(&rs, r, &v))
				sum += v;
	}
	for (uint64_t i = 0; i < s->stack_dyn_size; i++)
		sum += s->stack[i];
	c->sink += sum;
	while (n < max && n < 3) {
		const struct cmap *m = tasks_find_map(t, (pid_t)s->pid, s->ip + n);

		out[n].addr = s->ip + n;
		out[n].map = m ? m->id : STACK_NO_MAP;
		n++;
	}
	*truncated = sum & 1;
	return n;
}

static int event_of(const void *session, uint64_t id)
{
	const struct ctx *c = session;

	return (int)(id % (c->n_events + 1)) - 1; /* -1: an id no event has */
}

static void on_record(const struct perf_event_header *h, void *arg)
{
	struct ctx *c = arg;
	uint64_t st = c->h.sample_type;

	c->sink += rec_time(h, st);
	if (h->type == PERF_RECORD_SAMPLE) {
		struct rec_sample s;

		if (rec_parse_sample(h, st, c->h.regs_mask, &s) == 0) {
			check_inside(h, s.ips, s.nr * 8);
			for (uint64_t i = 0; i < s.nr; i++)
				c->sink += s.ips[i];
			if (s.abi && s.regs) {
				uint64_t n = (uint64_t)__builtin_popcountll(c->h.regs_mask);

				check_inside(h, s.regs, n * 8);
				for (uint64_t i = 0; i < n; i++)
					c->sink += s.regs[i];
			}
			check_inside(h, s.stack, s.stack_size);
			if (s.stack_dyn_size > s.stack_size)
				abort();
		}
	} else {
		struct rec_id id;

		if (rec_parse_id(h, st, &id) == 0)
			c->sink += id.time + id.pid;
	}
	recorder_record(h, &c->rec);
}

/* The smallest power of two >= n, at least 64. */
static size_t ring_size_for(size_t n)
{
	size_t s = 64;

	while (s < n)
		s *= 2;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c;
	struct tasks *t;
	struct ring r;
	struct perf_event_mmap_page *meta;
	unsigned char *mem, *stream;
	size_t len, data_size, mask, got;
	uint64_t tail;

	if (size < sizeof(c.h) || size > (1u << 20))
		return 0;
	memcpy(&c.h, data, sizeof(c.h));
	data += sizeof(c.h);
	len = size - sizeof(c.h);
	c.n_events = 1 + c.h.n_events % 4;
	c.sink = 0;

	/* The kernel's framing: records are 8-byte multiples. */
	stream = malloc(len ? len : 1);
	if (!stream)
		abort();
	memcpy(stream, data, len);
	for (size_t off = 0; off + sizeof(struct perf_event_header) <= len;) {
		struct perf_event_header h;

		memcpy(&h, stream + off, sizeof(h));
		if (h.size >= 8)
			h.size &= ~7;
		memcpy(stream + off, &h, sizeof(h));
		if (h.size < sizeof(h))
			break;
		off += h.size;
	}

	data_size = ring_size_for(len);
	mask = data_size - 1;
	mem = calloc(1, META_SIZE + data_size); /* 16-byte aligned, as records need */
	if (!mem)
		abort();
	meta = (struct perf_event_mmap_page *)mem;
	meta->data_offset = META_SIZE;
	meta->data_size = data_size;
	tail = (c.h.tail % (1ull << 40)) & ~7ull;
	for (size_t i = 0; i < len; i++)
		mem[META_SIZE + ((tail + i) & mask)] = stream[i];
	meta->data_tail = tail;
	meta->data_head = tail + len;
	free(stream);

	t = tasks_new();
	recorder_init(&c.rec, t, c.n_events, c.h.sample_type, c.h.regs_mask,
		      (c.h.flags & FR_FLAG_PER_SAMPLE) != 0);
	c.rec.session = &c;
	c.rec.event_of = event_of;
	if (c.h.flags & FR_FLAG_UNWIND) {
		c.rec.unwind = fake_unwind;
		c.rec.unwind_ctx = &c;
	}
	memset(&r, 0, sizeof(r));
	r.fd = -1;
	r.base = mem;
	r.data_size = data_size;
	got = ring_read(&r, on_record, &c);
	if (got > len || meta->data_tail != tail + got)
		abort();

	/* What a profile is built from: every stack, its frames' mappings
	 * and its thread's name. */
	for (size_t i = 0; i < c.rec.stacks.n_entries; i++) {
		const struct stack_entry *e = &c.rec.stacks.entries[i];
		const struct stack_frame *f = stack_frames(&c.rec.stacks, e);

		c.sink += (uint64_t)stack_values(&c.rec.stacks, e)[0];
		c.sink += strlen(strtab_get(&c.rec.stacks.strings, e->comm));
		for (uint32_t k = 0; k < e->n_frames; k++) {
			const struct cmap *m = f[k].map == STACK_NO_MAP ? NULL : tasks_map(t, f[k].map);

			if (f[k].map != STACK_NO_MAP && !m)
				abort();
			if (m)
				c.sink += strlen(m->filename) + strlen(m->build_id);
		}
	}
	recorder_release(&c.rec);
	tasks_free(t);
	free(r.scratch);
	free(mem);
	return 0;
}
