/* Walking perf.data's records in time order. perf writes each CPU's ring
 * in turn (FINISHED_ROUND marks the rounds), so a file is sorted the way
 * perf report's ordered events sort it: by the time each record carries
 * (the sample's, or the sample_id_all trailer's), records without one
 * keeping the time of the record before them. One 16-byte entry per
 * record; records are copied out only when the file misaligns them. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../collect/records.h"
#include "internal.h"

static const char *const kernel_names[] = {
	[PERF_RECORD_MMAP] = "MMAP", [PERF_RECORD_LOST] = "LOST", [PERF_RECORD_COMM] = "COMM",
	[PERF_RECORD_EXIT] = "EXIT", [PERF_RECORD_THROTTLE] = "THROTTLE",
	[PERF_RECORD_UNTHROTTLE] = "UNTHROTTLE", [PERF_RECORD_FORK] = "FORK",
	[PERF_RECORD_READ] = "READ", [PERF_RECORD_SAMPLE] = "SAMPLE",
	[PERF_RECORD_MMAP2] = "MMAP2", [PERF_RECORD_AUX] = "AUX",
	[PERF_RECORD_ITRACE_START] = "ITRACE_START", [PERF_RECORD_LOST_SAMPLES] = "LOST_SAMPLES",
	[PERF_RECORD_SWITCH] = "SWITCH", [PERF_RECORD_SWITCH_CPU_WIDE] = "SWITCH_CPU_WIDE",
	[PERF_RECORD_NAMESPACES] = "NAMESPACES", [PERF_RECORD_KSYMBOL] = "KSYMBOL",
	[PERF_RECORD_BPF_EVENT] = "BPF_EVENT", [PERF_RECORD_CGROUP] = "CGROUP",
	[PERF_RECORD_TEXT_POKE] = "TEXT_POKE", [21] = "AUX_OUTPUT_HW_ID",
};

static const char *const user_names[] = {
	"HEADER_ATTR", "HEADER_EVENT_TYPE", "HEADER_TRACING_DATA", "HEADER_BUILD_ID",
	"FINISHED_ROUND", "ID_INDEX", "AUXTRACE_INFO", "AUXTRACE", "AUXTRACE_ERROR",
	"THREAD_MAP", "CPU_MAP", "STAT_CONFIG", "STAT", "STAT_ROUND", "EVENT_UPDATE",
	"TIME_CONV", "HEADER_FEATURE", "COMPRESSED", "FINISHED_INIT",
};

const char *perfdata_record_name(uint32_t type)
{
	if (type < sizeof(kernel_names) / sizeof(kernel_names[0]))
		return kernel_names[type] ? kernel_names[type] : "unknown";
	if (type >= 64 && type - 64 < sizeof(user_names) / sizeof(user_names[0]))
		return user_names[type - 64];
	return "unknown";
}

int64_t pd_record_extent(const struct perfdata *pd, uint64_t off, uint64_t end,
			 struct kerr *err)
{
	struct perf_event_header h;
	uint64_t extra = 0;

	if (end - off < sizeof(h))
		return kerr_set(err, -EBADMSG, "perf.data: truncated record header at offset %"
				PRIu64, off);
	memcpy(&h, pd->data + off, sizeof(h));
	if (h.size < sizeof(h) || h.size > end - off)
		return kerr_set(err, -EBADMSG, "perf.data: record %s at offset %" PRIu64 " has size "
				"%u, past the end of the data at %" PRIu64 " (truncated?)",
				perfdata_record_name(h.type), off, h.size, end);
	/* These two carry a payload after the record, outside h.size. */
	if (h.type == PD_REC_AUXTRACE && h.size >= 16)
		memcpy(&extra, pd->data + off + 8, 8);
	if (h.type == PD_REC_HEADER_TRACING_DATA && pd->pipe && h.size >= 12) {
		uint32_t sz;
		memcpy(&sz, pd->data + off + 8, 4);
		extra = ((uint64_t)sz + 7) & ~(uint64_t)7;
	}
	if (extra > end - off - h.size)
		return kerr_set(err, -EBADMSG, "perf.data: record %s at offset %" PRIu64 " says %"
				PRIu64 " bytes follow, past the end of the data (truncated?)",
				perfdata_record_name(h.type), off, extra);
	return (int64_t)(h.size + extra);
}

/* The id of a record by the layout of the first event (perf requires
 * every event of a file to put its id at the same place). */
static bool record_id(const struct perfdata *pd, const struct perf_event_header *h,
		      uint64_t *id)
{
	const struct perf_event_attr *a = &pd->events.v[0].attr;
	uint64_t st = a->sample_type;

	if (h->type == PERF_RECORD_SAMPLE) {
		const unsigned char *p = (const unsigned char *)(h + 1);
		size_t pos = 0;
		if (st & PERF_SAMPLE_IDENTIFIER)
			pos = 0;
		else if (st & PERF_SAMPLE_ID)
			pos = !!(st & PERF_SAMPLE_IP) + !!(st & PERF_SAMPLE_TID) +
			      !!(st & PERF_SAMPLE_TIME) + !!(st & PERF_SAMPLE_ADDR);
		else
			return false;
		if ((pos + 1) * 8 > h->size - sizeof(*h))
			return false;
		memcpy(id, p + pos * 8, 8);
		return true;
	}
	if (!a->sample_id_all || !(st & (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_ID)) ||
	    h->type >= 64) {
		return false;
	} else {
		struct rec_id rid;
		if (rec_parse_id(h, st, &rid))
			return false;
		*id = rid.id;
		return true;
	}
}

int perfdata_event_of(const struct perfdata *pd, const struct perf_event_header *h)
{
	uint64_t id;

	if (pd->events.n == 1)
		return 0;
	if (!record_id(pd, h, &id))
		return h->type == PERF_RECORD_SAMPLE ? -1 : 0;
	return pd_event_by_id(pd, id);
}

static uint64_t record_time(const struct perfdata *pd, const struct perf_event_header *h,
			    bool *has)
{
	int ev = perfdata_event_of(pd, h);
	const struct perf_event_attr *a;

	*has = false;
	if (ev < 0 || h->type >= 64)
		return 0;
	a = &pd->events.v[ev].attr;
	if (!(a->sample_type & PERF_SAMPLE_TIME))
		return 0;
	if (h->type != PERF_RECORD_SAMPLE && !a->sample_id_all)
		return 0;
	*has = true;
	return rec_time(h, a->sample_type);
}

struct order {
	uint64_t time, off;
};

static int cmp_order(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* An 8-byte aligned view of the record at off. */
static const struct perf_event_header *aligned(const struct perfdata *pd, uint64_t off,
					       uint64_t **scratch, size_t *cap)
{
	const unsigned char *p = pd->data + off;
	struct perf_event_header h;

	if (!((uintptr_t)p & 7))
		return (const void *)p;
	memcpy(&h, p, sizeof(h));
	if (*cap < h.size) {
		free(*scratch);
		*cap = h.size;
		*scratch = xmalloc((*cap + 7) / 8 * 8);
	}
	memcpy(*scratch, p, h.size);
	return (const void *)*scratch;
}

int perfdata_records(const struct perfdata *pd, perfdata_record_fn fn, void *arg,
		     struct kerr *err)
{
	VEC(struct order) ord = VEC_INIT;
	uint64_t off = pd->data_off, end = pd->data_off + pd->data_size, last = 0;
	uint64_t *scratch = NULL;
	size_t cap = 0;
	int ret = 0;

	while (off < end) {
		int64_t ext = pd_record_extent(pd, off, end, err);
		const struct perf_event_header *h;
		struct order *o;
		bool has;
		uint64_t t;

		if (ext < 0) {
			ret = (int)ext;
			goto out;
		}
		h = aligned(pd, off, &scratch, &cap);
		if (h->type == PD_REC_COMPRESSED) {
			/* pd_inflate() left none but one nested in the stream */
			ret = kerr_set(err, -EBADMSG, "perf.data: a compressed record inside "
				       "the compressed records at offset %" PRIu64 "; not read", off);
			goto out;
		}
		t = record_time(pd, h, &has);
		if (has)
			last = t;
		o = vec_add(&ord);
		o->time = has ? t : last;
		o->off = off;
		off += (uint64_t)ext;
	}
	if (ord.n)
		qsort(ord.v, ord.n, sizeof(*ord.v), cmp_order);
	for (size_t i = 0; i < ord.n && !ret; i++)
		ret = fn(aligned(pd, ord.v[i].off, &scratch, &cap), arg);
out:
	free(scratch);
	vec_free(&ord);
	return ret;
}
