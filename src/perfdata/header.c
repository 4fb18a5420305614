/* perfdata_open(): the PERFILE2 header of file mode (attribute table,
 * data section, feature sections after the data) or of pipe mode (the
 * same facts as PERF_RECORD_HEADER_* records in the stream, collected in
 * one pass before the records are applied). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "internal.h"

struct file_section {
	uint64_t offset, size;
};

struct file_header {
	char magic[8];
	uint64_t size, attr_size;
	struct file_section attrs, data, event_types;
	uint64_t features[4];
};

static bool section_ok(const struct perfdata *pd, const struct file_section *s)
{
	return s->offset <= pd->size && s->size <= pd->size - s->offset;
}

static int cmp_id(const void *a, const void *b)
{
	const struct perfdata_id *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The sorted index of ids, once every event is known: records are many,
 * events may be too in a hostile file. */
static void build_index(struct perfdata *pd)
{
	size_t n = 0;

	for (size_t i = 0; i < pd->events.n; i++)
		n += pd->events.v[i].n_ids;
	pd->index = n ? xmalloc(n * sizeof(*pd->index)) : NULL;
	for (size_t i = 0; i < pd->events.n; i++)
		for (size_t k = 0; k < pd->events.v[i].n_ids; k++)
			pd->index[pd->n_index++] = (struct perfdata_id){ pd->events.v[i].ids[k],
									 (int)i };
	/* Equal ids: the first event's, as a linear search finds it. */
	if (n)
		qsort(pd->index, pd->n_index, sizeof(*pd->index), cmp_id);
}

int pd_event_by_id(const struct perfdata *pd, uint64_t id)
{
	if (pd->index) {
		size_t lo = 0, hi = pd->n_index;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (pd->index[mid].id < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < pd->n_index && pd->index[lo].id == id) {
			int ev = pd->index[lo].ev;
			for (; lo < pd->n_index && pd->index[lo].id == id; lo++)
				if (pd->index[lo].ev < ev)
					ev = pd->index[lo].ev;
			return ev;
		}
		return -1;
	}
	for (size_t i = 0; i < pd->events.n; i++)
		for (size_t k = 0; k < pd->events.v[i].n_ids; k++)
			if (pd->events.v[i].ids[k] == id)
				return (int)i;
	return -1;
}

struct perfdata_event *pd_add_event(struct perfdata *pd, const void *attr, size_t size,
				    const uint64_t *ids, size_t n_ids)
{
	struct perfdata_event *e = vec_add(&pd->events);

	memset(e, 0, sizeof(*e));
	memcpy(&e->attr, attr, size < sizeof(e->attr) ? size : sizeof(e->attr));
	e->file_attr_size = e->attr.size;
	e->attr.size = sizeof(e->attr);
	if (n_ids) {
		e->ids = xmalloc(n_ids * sizeof(*e->ids));
		memcpy(e->ids, ids, n_ids * sizeof(*e->ids));
	}
	e->n_ids = n_ids;
	return e;
}

void perfdata_free(struct perfdata *pd)
{
	if (!pd)
		return;
	for (size_t i = 0; i < pd->events.n; i++) {
		free(pd->events.v[i].name);
		free(pd->events.v[i].ids);
	}
	vec_free(&pd->events);
	for (size_t i = 0; i < pd->buildids.n; i++)
		free(pd->buildids.v[i].filename);
	vec_free(&pd->buildids);
	for (size_t i = 0; i < pd->groups.n; i++)
		free(pd->groups.v[i].name);
	vec_free(&pd->groups);
	u64map_release(&pd->buildid_of);
	u64map_release(&pd->buildid_name);
	free(pd->hostname);
	free(pd->osrelease);
	free(pd->version);
	free(pd->arch);
	free(pd->cpudesc);
	free(pd->cpuid);
	free(pd->cmdline);
	free(pd->inflated);
	free(pd->index);
	free(pd);
}

static int file_attrs(struct perfdata *pd, const struct file_header *fh, struct kerr *err)
{
	uint64_t n;

	if (fh->attr_size < sizeof(struct file_section) + PERF_ATTR_SIZE_VER0 ||
	    fh->attr_size > 1 << 16)
		return kerr_set(err, -EBADMSG, "perf.data: attribute size %" PRIu64 " is not valid",
				fh->attr_size);
	if (!section_ok(pd, &fh->attrs) || fh->attrs.size % fh->attr_size)
		return kerr_set(err, -EBADMSG, "perf.data: the attribute section lies outside "
				"the file (truncated?)");
	n = fh->attrs.size / fh->attr_size;
	if (!n)
		return kerr_set(err, -EBADMSG, "perf.data: the file names no event");
	for (uint64_t i = 0; i < n; i++) {
		const unsigned char *a = pd->data + fh->attrs.offset + i * fh->attr_size;
		size_t asz = (size_t)fh->attr_size - sizeof(struct file_section);
		struct file_section ids;

		memcpy(&ids, a + asz, sizeof(ids));
		if (!section_ok(pd, &ids) || ids.size % 8)
			return kerr_set(err, -EBADMSG, "perf.data: event %" PRIu64 "'s id list "
					"lies outside the file (truncated?)", i);
		/* The ids may sit anywhere: copy them out, never cast. */
		{
			uint64_t *v = ids.size ? xmalloc(ids.size) : NULL;
			if (v)
				memcpy(v, pd->data + ids.offset, ids.size);
			pd_add_event(pd, a, asz, v, ids.size / 8);
			free(v);
		}
	}
	return 0;
}

static int file_features(struct perfdata *pd, const struct file_header *fh, struct kerr *err)
{
	uint64_t table = fh->data.offset + fh->data.size, nfeat = 0;
	int ret;

	memcpy(pd->features, fh->features, sizeof(pd->features));
	for (unsigned f = 0; f < PD_FEAT_BITS; f++)
		nfeat += (fh->features[f / 64] >> (f % 64)) & 1;
	if (table > pd->size || nfeat * sizeof(struct file_section) > pd->size - table)
		return kerr_set(err, -EBADMSG, "perf.data: the feature table lies outside the file "
				"(truncated, or perf record did not finish)");
	for (unsigned f = 0, k = 0; f < PD_FEAT_BITS; f++) {
		struct file_section s;

		if (!((fh->features[f / 64] >> (f % 64)) & 1))
			continue;
		memcpy(&s, pd->data + table + (k++) * sizeof(s), sizeof(s));
		if (!section_ok(pd, &s))
			return kerr_set(err, -EBADMSG, "perf.data: feature section %s lies outside "
					"the file (truncated?)", pd_feature_name(f));
		if ((ret = pd_feature(pd, f, pd->data + s.offset, (size_t)s.size, err)) < 0)
			return ret;
	}
	return 0;
}

static int open_file_mode(struct perfdata *pd, struct kerr *err)
{
	struct file_header fh;
	int ret;

	if (pd->size < sizeof(fh))
		return kerr_set(err, -EBADMSG, "perf.data: truncated header (%zu bytes)", pd->size);
	memcpy(&fh, pd->data, sizeof(fh));
	if (fh.size < sizeof(fh) || fh.size > pd->size)
		return kerr_set(err, -EBADMSG, "perf.data: header size %" PRIu64 " is not valid",
				fh.size);
	if (!section_ok(pd, &fh.data))
		return kerr_set(err, -EBADMSG, "perf.data: the data section (%" PRIu64 " bytes at "
				"%" PRIu64 ") lies outside the file of %zu bytes (truncated?)",
				fh.data.size, fh.data.offset, pd->size);
	pd->data_off = fh.data.offset;
	pd->data_size = fh.data.size;
	if ((ret = file_attrs(pd, &fh, err)) < 0)
		return ret;
	return file_features(pd, &fh, err);
}

static int event_update(struct perfdata *pd, const unsigned char *p, size_t n)
{
	/* header, u64 type, u64 id, then the payload; type 1 = NAME. */
	uint64_t type, id;
	int ev;

	if (n < 24)
		return -EBADMSG;
	memcpy(&type, p + 8, 8);
	memcpy(&id, p + 16, 8);
	if (type != 1 || (ev = pd_event_by_id(pd, id)) < 0)
		return 0;
	free(pd->events.v[ev].name);
	pd->events.v[ev].name = xstrndup((const char *)p + 24, n - 24);
	return 0;
}

/* One pass over the stream for its HEADER_* records. */
static int open_pipe_mode(struct perfdata *pd, struct kerr *err)
{
	uint64_t off = 16, end = pd->size;

	pd->pipe = true;
	pd->data_off = 16;
	pd->data_size = pd->size - 16;
	while (off < end) {
		const unsigned char *p = pd->data + off;
		struct perf_event_header h;
		int64_t ext = pd_record_extent(pd, off, end, err);
		int ret = 0;

		if (ext < 0)
			return (int)ext;
		memcpy(&h, p, sizeof(h));
		switch (h.type) {
		case PD_REC_HEADER_ATTR: {
			uint32_t asz;
			if (h.size < 8 + PERF_ATTR_SIZE_VER0) {
				ret = -EBADMSG;
				break;
			}
			memcpy(&asz, p + 8 + 4, 4);
			if (!asz)
				asz = PERF_ATTR_SIZE_VER0;
			if (asz < PERF_ATTR_SIZE_VER0 || asz > h.size - 8u) {
				ret = -EBADMSG;
				break;
			}
			{
				size_t nids = (h.size - 8u - asz) / 8;
				uint64_t *v = nids ? xmalloc(nids * 8) : NULL;
				if (v)
					memcpy(v, p + 8 + asz, nids * 8);
				pd_add_event(pd, p + 8, asz, v, nids);
				free(v);
			}
			break;
		}
		case PD_REC_HEADER_TRACING_DATA:
			pd->tracing = p + h.size;
			pd->tracing_size = (size_t)ext - h.size;
			break;
		case PD_REC_HEADER_BUILD_ID:
			ret = pd_build_id_record(pd, p, h.size) < 0 ? -EBADMSG : 0;
			break;
		case PD_REC_HEADER_FEATURE: {
			uint64_t feat;
			if (h.size < 16) {
				ret = -EBADMSG;
				break;
			}
			memcpy(&feat, p + 8, 8);
			if (feat < PD_FEAT_BITS)
				pd->features[feat / 64] |= (uint64_t)1 << (feat % 64);
			if (feat < PD_FEAT_BITS &&
			    (ret = pd_feature(pd, (unsigned)feat, p + 16, h.size - 16u, err)) < 0)
				return ret;
			break;
		}
		case PD_REC_EVENT_UPDATE:
			ret = event_update(pd, p, h.size);
			break;
		case PD_REC_AUXTRACE:
			pd->auxtrace = true;
			break;
		default:
			break;
		}
		if (ret < 0)
			return kerr_set(err, -EBADMSG, "perf.data (pipe): record %s at offset %" PRIu64
					" is corrupt", perfdata_record_name(h.type), off);
		off += (uint64_t)ext;
	}
	if (!pd->events.n)
		return kerr_set(err, -EBADMSG, "perf.data (pipe): the stream names no event "
				"(no PERF_RECORD_HEADER_ATTR; truncated?)");
	return 0;
}

/* A name for events no EVENT_DESC named (pipe mode without it). */
static void default_names(struct perfdata *pd)
{
	static const char *const sw[] = { "cpu-clock", "task-clock", "page-faults",
					  "context-switches", "cpu-migrations", "minor-faults",
					  "major-faults", "alignment-faults", "emulation-faults",
					  "dummy", "bpf-output", "cgroup-switches" };
	static const char *const hw[] = { "cycles", "instructions", "cache-references",
					  "cache-misses", "branches", "branch-misses",
					  "bus-cycles", "stalled-cycles-frontend",
					  "stalled-cycles-backend", "ref-cycles" };
	char buf[64];

	for (size_t i = 0; i < pd->events.n; i++) {
		struct perfdata_event *e = &pd->events.v[i];
		if (e->name)
			continue;
		if (e->attr.type == PERF_TYPE_SOFTWARE && e->attr.config < 12)
			e->name = xstrdup(sw[e->attr.config]);
		else if (e->attr.type == PERF_TYPE_HARDWARE && e->attr.config < 10)
			e->name = xstrdup(hw[e->attr.config]);
		else {
			snprintf(buf, sizeof(buf), "%u:0x%" PRIx64, e->attr.type,
				 (uint64_t)e->attr.config);
			e->name = xstrdup(buf);
		}
	}
}

int perfdata_open(const void *data, size_t size, struct perfdata **out, struct kerr *err)
{
	struct perfdata *pd;
	uint64_t hsize;
	int ret;

	*out = NULL;
	if (size < 16 || memcmp(data, "PERFILE2", 8)) {
		if (size >= 8 && !memcmp(data, "2ELIFREP", 8))
			return kerr_set(err, -EPROTONOSUPPORT,
					"perf.data: written on a machine of the other byte order, "
					"which kiln does not read: run `perf script -i FILE > "
					"FILE.txt` there and give kiln the text");
		if (size >= 8 && !memcmp(data, "PERFFILE", 8))
			return kerr_set(err, -EPROTONOSUPPORT,
					"perf.data: version 1 of the format (perf before 2.6.39), "
					"which kiln does not read: convert it with `perf script`");
		return kerr_set(err, -EBADMSG, "perf.data: no PERFILE2 header (%zu bytes)", size);
	}
	if (size > (size_t)INT64_MAX)
		return kerr_set(err, -EFBIG, "perf.data: too large");
	pd = xcalloc(1, sizeof(*pd));
	pd->data = data;
	pd->size = size;
	memcpy(&hsize, (const unsigned char *)data + 8, 8);
	ret = hsize == 16 ? open_pipe_mode(pd, err) : open_file_mode(pd, err);
	if (ret >= 0)
		ret = pd_inflate(pd, err);
	if (ret < 0) {
		perfdata_free(pd);
		return ret;
	}
	default_names(pd);
	build_index(pd);
	*out = pd;
	return 0;
}
