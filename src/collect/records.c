/* Field-by-field decoding of PERF_RECORD_SAMPLE and the sample_id trailer,
 * in the order perf_event_open(2) documents. Bounds are checked on every
 * field: a record from the kernel is trusted, one from a file is not. */
#include "records.h"

#include <errno.h>
#include <stdbool.h>
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

/* How many u64 a PERF_SAMPLE_READ body holds (perf_event_open(2)'s
 * read_format); 0 when the record cannot hold the group's count. */
static int skip_read(struct cur *c, uint64_t read_format)
{
	uint64_t per = 1 + !!(read_format & PERF_FORMAT_ID) + !!(read_format & PERF_FORMAT_LOST);
	uint64_t fixed = !!(read_format & PERF_FORMAT_TOTAL_TIME_ENABLED) +
			 !!(read_format & PERF_FORMAT_TOTAL_TIME_RUNNING);
	uint64_t nr = 1;

	if ((read_format & PERF_FORMAT_GROUP) && take_u64(c, &nr))
		return -EINVAL;
	if (!(read_format & PERF_FORMAT_GROUP))
		fixed += per, per = 0, nr = 0;
	if (nr > (uint64_t)(c->end - c->p) / 8 / (per ? per : 1))
		return -EINVAL;
	return take(c, NULL, (size_t)((fixed + nr * per) * 8));
}

static int take_regs(struct cur *c, uint64_t mask, uint64_t *abi, const uint64_t **regs)
{
	size_t n = (size_t)__builtin_popcountll(mask);

	if (take_u64(c, abi))
		return -EINVAL;
	if (!*abi)
		return 0;
	if ((size_t)(c->end - c->p) < n * 8)
		return -EINVAL;
	if (regs)
		*regs = (const uint64_t *)c->p;
	c->p += n * 8;
	return 0;
}

/* The layout of the sample's fields beyond sample_type. */
struct sample_layout {
	uint64_t st, regs_user, regs_intr, read_format, branch_type;
	bool full; /* decode the fields kiln's own rings never carry */
};

static int parse_sample(const struct perf_event_header *h, const struct sample_layout *l,
			struct rec_sample *s)
{
	struct cur c = { (const unsigned char *)(h + 1), (const unsigned char *)h + h->size };
	uint64_t st = l->st, abi;

	memset(s, 0, sizeof(*s));
	if (h->size < sizeof(*h))
		return -EINVAL;
	if ((st & PERF_SAMPLE_IDENTIFIER) && take_u64(&c, &s->id))
		return -EINVAL;
	if ((st & PERF_SAMPLE_IP) && take_u64(&c, &s->ip))
		return -EINVAL;
	if ((st & PERF_SAMPLE_TID) && take_pair(&c, &s->pid, &s->tid))
		return -EINVAL;
	if ((st & PERF_SAMPLE_TIME) && take_u64(&c, &s->time))
		return -EINVAL;
	if ((st & PERF_SAMPLE_ADDR) && take_u64(&c, &s->addr))
		return -EINVAL;
	if ((st & PERF_SAMPLE_ID) && take_u64(&c, &s->id))
		return -EINVAL;
	if ((st & PERF_SAMPLE_STREAM_ID) && take_u64(&c, &s->stream_id))
		return -EINVAL;
	if ((st & PERF_SAMPLE_CPU) && take_pair(&c, &s->cpu, NULL))
		return -EINVAL;
	if ((st & PERF_SAMPLE_PERIOD) && take_u64(&c, &s->period))
		return -EINVAL;
	if (st & PERF_SAMPLE_READ) {
		if (!l->full || skip_read(&c, l->read_format))
			return -EINVAL; /* kiln's rings never ask for it */
	}
	if (st & PERF_SAMPLE_CALLCHAIN) {
		if (take_u64(&c, &s->nr) || s->nr > (uint64_t)(c.end - c.p) / 8)
			return -EINVAL;
		s->ips = (const uint64_t *)c.p;
		c.p += s->nr * 8;
	}
	if (st & PERF_SAMPLE_RAW) {
		/* The kernel pads raw data so that the fields after it stay
		 * 8-byte aligned (regs are read in place); a size that does not
		 * comes from a corrupt file. */
		if (take(&c, &s->raw_size, 4) || ((uint64_t)s->raw_size + 4) % 8)
			return -EINVAL;
		s->raw = c.p;
		if (take(&c, NULL, s->raw_size))
			return -EINVAL;
	}
	if (st & PERF_SAMPLE_BRANCH_STACK) {
		uint64_t per = 3; /* from, to, flags */
		if (!l->full || take_u64(&c, &s->n_branches))
			return -EINVAL;
		if ((l->branch_type & PERF_SAMPLE_BRANCH_HW_INDEX) && take(&c, NULL, 8))
			return -EINVAL;
		if (s->n_branches > (uint64_t)(c.end - c.p) / 8 / per)
			return -EINVAL;
		c.p += s->n_branches * per * 8;
	}
	if ((st & PERF_SAMPLE_REGS_USER) && take_regs(&c, l->regs_user, &s->abi, &s->regs))
		return -EINVAL;
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
	if (!l->full)
		return 0;
	if ((st & (PERF_SAMPLE_WEIGHT | PERF_SAMPLE_WEIGHT_STRUCT)) && take_u64(&c, &s->weight))
		return -EINVAL;
	if ((st & PERF_SAMPLE_DATA_SRC) && take_u64(&c, &s->data_src))
		return -EINVAL;
	if ((st & PERF_SAMPLE_TRANSACTION) && take_u64(&c, &s->transaction))
		return -EINVAL;
	if ((st & PERF_SAMPLE_REGS_INTR) && take_regs(&c, l->regs_intr, &abi, NULL))
		return -EINVAL;
	if ((st & PERF_SAMPLE_PHYS_ADDR) && take_u64(&c, &s->phys_addr))
		return -EINVAL;
	if ((st & PERF_SAMPLE_CGROUP) && take_u64(&c, &s->cgroup))
		return -EINVAL;
	if ((st & PERF_SAMPLE_DATA_PAGE_SIZE) && take(&c, NULL, 8))
		return -EINVAL;
	if ((st & PERF_SAMPLE_CODE_PAGE_SIZE) && take(&c, NULL, 8))
		return -EINVAL;
	if (st & PERF_SAMPLE_AUX) {
		uint64_t n;
		if (take_u64(&c, &n) || n > (uint64_t)(c.end - c.p))
			return -EINVAL;
		c.p += n;
	}
	return 0;
}

int rec_parse_sample(const struct perf_event_header *h, uint64_t st, uint64_t regs_mask,
		     struct rec_sample *s)
{
	struct sample_layout l = { .st = st, .regs_user = regs_mask };

	return parse_sample(h, &l, s);
}

int rec_parse_sample_attr(const struct perf_event_header *h, const struct perf_event_attr *a,
			  struct rec_sample *s)
{
	struct sample_layout l = { a->sample_type, a->sample_regs_user, a->sample_regs_intr,
				   a->read_format, a->branch_sample_type, true };

	return parse_sample(h, &l, s);
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
