/* Field-by-field decoding of PERF_RECORD_SAMPLE and the sample_id trailer,
 * in the order perf_event_open(2) documents. Bounds are checked on every
 * field: a record from the kernel is trusted, one from a file is not. */
#include "records.h"

#include <errno.h>
#include <string.h>

struct cur {
	const unsigned char *p, *end;
};

static int take(struct cur *c, void *out, size_t n)
{
	if ((size_t)(c->end - c->p) < n)
		return -EINVAL;
	if (out)
		memcpy(out, c->p, n);
	c->p += n;
	return 0;
}

static int take_u64(struct cur *c, uint64_t *v)
{
	return take(c, v, 8);
}

static int take_pair(struct cur *c, uint32_t *a, uint32_t *b)
{
	uint32_t v[2];

	if (take(c, v, 8))
		return -EINVAL;
	*a = v[0];
	if (b)
		*b = v[1];
	return 0;
}

int rec_parse_sample(const struct perf_event_header *h, uint64_t st, uint64_t regs_mask,
		     struct rec_sample *s)
{
	struct cur c = { (const unsigned char *)(h + 1), (const unsigned char *)h + h->size };
	uint64_t dummy;

	memset(s, 0, sizeof(*s));
	if ((st & PERF_SAMPLE_IDENTIFIER) && take_u64(&c, &s->id))
		return -EINVAL;
	if ((st & PERF_SAMPLE_IP) && take_u64(&c, &s->ip))
		return -EINVAL;
	if ((st & PERF_SAMPLE_TID) && take_pair(&c, &s->pid, &s->tid))
		return -EINVAL;
	if ((st & PERF_SAMPLE_TIME) && take_u64(&c, &s->time))
		return -EINVAL;
	if ((st & PERF_SAMPLE_ADDR) && take_u64(&c, &dummy))
		return -EINVAL;
	if ((st & PERF_SAMPLE_ID) && take_u64(&c, &s->id))
		return -EINVAL;
	if ((st & PERF_SAMPLE_STREAM_ID) && take_u64(&c, &dummy))
		return -EINVAL;
	if ((st & PERF_SAMPLE_CPU) && take_pair(&c, &s->cpu, NULL))
		return -EINVAL;
	if ((st & PERF_SAMPLE_PERIOD) && take_u64(&c, &s->period))
		return -EINVAL;
	if (st & PERF_SAMPLE_READ)
		return -EINVAL; /* never requested */
	if (st & PERF_SAMPLE_CALLCHAIN) {
		if (take_u64(&c, &s->nr) || s->nr > (uint64_t)(c.end - c.p) / 8)
			return -EINVAL;
		s->ips = (const uint64_t *)c.p;
		c.p += s->nr * 8;
	}
	if (st & PERF_SAMPLE_RAW) {
		uint32_t size;
		/* The kernel pads raw data so that the fields after it stay
		 * 8-byte aligned (regs are read in place); a size that does not
		 * comes from a corrupt file. */
		if (take(&c, &size, 4) || ((uint64_t)size + 4) % 8 || take(&c, NULL, size))
			return -EINVAL;
	}
	if (st & PERF_SAMPLE_BRANCH_STACK)
		return -EINVAL; /* never requested */
	if (st & PERF_SAMPLE_REGS_USER) {
		if (take_u64(&c, &s->abi))
			return -EINVAL;
		if (s->abi) {
			size_t n = (size_t)__builtin_popcountll(regs_mask);
			if ((size_t)(c.end - c.p) < n * 8)
				return -EINVAL;
			s->regs = (const uint64_t *)c.p;
			c.p += n * 8;
		}
	}
	if (st & PERF_SAMPLE_STACK_USER) {
		if (take_u64(&c, &s->stack_size) || s->stack_size > (uint64_t)(c.end - c.p))
			return -EINVAL;
		s->stack = c.p;
		c.p += s->stack_size;
		if (s->stack_size && take_u64(&c, &s->stack_dyn_size))
			return -EINVAL;
		if (s->stack_dyn_size > s->stack_size)
			s->stack_dyn_size = s->stack_size;
	}
	return 0;
}

int rec_parse_id(const struct perf_event_header *h, uint64_t st, struct rec_id *id)
{
	/* The trailer sits at the end of the record; walk it backwards. */
	const unsigned char *end = (const unsigned char *)h + h->size;
	const unsigned char *start = (const unsigned char *)(h + 1);
	uint64_t v;

	memset(id, 0, sizeof(*id));
#define BACK(out) do { if (end - start < 8) return -EINVAL; end -= 8; memcpy(&v, end, 8); \
		       out; } while (0)
	if (st & PERF_SAMPLE_IDENTIFIER)
		BACK(id->id = v);
	if (st & PERF_SAMPLE_CPU)
		BACK(id->cpu = (uint32_t)v);
	if (st & PERF_SAMPLE_STREAM_ID)
		BACK((void)v);
	if (st & PERF_SAMPLE_ID)
		BACK(id->id = v);
	if (st & PERF_SAMPLE_TIME)
		BACK(id->time = v);
	if (st & PERF_SAMPLE_TID)
		BACK((id->pid = (uint32_t)v, id->tid = (uint32_t)(v >> 32)));
#undef BACK
	return 0;
}

uint64_t rec_time(const struct perf_event_header *h, uint64_t st)
{
	if (h->type == PERF_RECORD_SAMPLE) {
		struct cur c = { (const unsigned char *)(h + 1),
				 (const unsigned char *)h + h->size };
		uint64_t t = 0;
		if (!(st & PERF_SAMPLE_TIME))
			return 0;
		if ((st & PERF_SAMPLE_IDENTIFIER) && take(&c, NULL, 8))
			return 0;
		if ((st & PERF_SAMPLE_IP) && take(&c, NULL, 8))
			return 0;
		if ((st & PERF_SAMPLE_TID) && take(&c, NULL, 8))
			return 0;
		take_u64(&c, &t);
		return t;
	} else {
		struct rec_id id;
		return rec_parse_id(h, st, &id) ? 0 : id.time;
	}
}
