/* The build ids a perf.data names, for buildid-list: the HEADER_BUILD_ID
 * feature (perf record writes the ids of the files hit by samples) and
 * MMAP2 records that carry an id (perf record --buildid-mmap). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "internal.h"

static int mmap2_ids(const struct perf_event_header *h, void *arg)
{
	const struct rec_mmap2 *m = (const void *)h;
	struct perfdata *pd = arg;
	size_t fixed = offsetof(struct rec_mmap2, filename);
	char id[41];

	if (h->type != PERF_RECORD_MMAP2 || !(h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID) ||
	    h->size <= fixed || m->build_id_size > 20 || !memchr(m->filename, '\0', h->size - fixed))
		return 0;
	for (unsigned i = 0; i < m->build_id_size; i++) {
		static const char hx[] = "0123456789abcdef";
		id[2 * i] = hx[m->build_id[i] >> 4];
		id[2 * i + 1] = hx[m->build_id[i] & 15];
	}
	id[2 * m->build_id_size] = '\0';
	/* The kernel's text is "[kernel.kallsyms]_text" here, as perf names
	 * the mapping, and "[kernel.kallsyms]" in the feature: one name. */
	pd_add_buildid(pd, id, strncmp(m->filename, "[kernel.kallsyms]", 17) ? m->filename :
		       "[kernel.kallsyms]", (int)m->pid, m->pid == UINT32_MAX);
	return 0;
}

int perfdata_buildids(const void *data, size_t size, struct perfdata_buildid **out, size_t *n,
		      struct kerr *err)
{
	struct perfdata *pd;
	int ret;

	*out = NULL;
	*n = 0;
	if ((ret = perfdata_open(data, size, &pd, err)) < 0)
		return ret;
	if ((ret = perfdata_records(pd, mmap2_ids, pd, err)) < 0) {
		perfdata_free(pd);
		return ret;
	}
	*out = pd->buildids.v;
	*n = pd->buildids.n;
	pd->buildids.v = NULL;
	pd->buildids.n = pd->buildids.cap = 0;
	perfdata_free(pd);
	return 0;
}

void perfdata_buildids_free(struct perfdata_buildid *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].filename);
	free(v);
}

/* perf's MMAP record: MMAP2's first fields, then the file name. */
struct mmap1 {
	struct perf_event_header h;
	uint32_t pid, tid;
	uint64_t addr, len, pgoff;
	char filename[];
};

struct kmaps {
	struct perfdata *pd;
	VEC(struct perfdata_kmap) v;
};

static int kernel_map(const struct perf_event_header *h, void *arg)
{
	struct kmaps *k = arg;
	const char *name;
	struct perfdata_kmap *m;
	uint64_t addr, len;
	size_t fixed;
	uint32_t pid;

	if (h->type == PERF_RECORD_MMAP) {
		const struct mmap1 *r = (const void *)h;
		fixed = offsetof(struct mmap1, filename);
		if (h->size <= fixed)
			return 0;
		pid = r->pid, addr = r->addr, len = r->len, name = r->filename;
	} else if (h->type == PERF_RECORD_MMAP2) {
		const struct rec_mmap2 *r = (const void *)h;
		fixed = offsetof(struct rec_mmap2, filename);
		if (h->size <= fixed)
			return 0;
		pid = r->pid, addr = r->addr, len = r->len, name = r->filename;
	} else {
		return 0;
	}
	if (pid != UINT32_MAX || !memchr(name, '\0', h->size - fixed))
		return 0;
	m = vec_add(&k->v);
	m->start = addr;
	m->end = addr + len;
	m->name = xstrdup(strncmp(name, "[kernel.kallsyms]", 17) ? name : "[kernel.kallsyms]");
	name = pd_buildid_of(k->pd, m->name);
	snprintf(m->build_id, sizeof(m->build_id), "%s", name ? name : "");
	return 0;
}

int perfdata_kernel_maps(const void *data, size_t size, struct perfdata_kmap **out, size_t *n,
			 struct kerr *err)
{
	struct kmaps k = { NULL, VEC_INIT };
	int ret;

	*out = NULL;
	*n = 0;
	if ((ret = perfdata_open(data, size, &k.pd, err)) < 0)
		return ret;
	ret = perfdata_records(k.pd, kernel_map, &k, err);
	perfdata_free(k.pd);
	if (ret < 0) {
		perfdata_kmaps_free(k.v.v, k.v.n);
		return ret;
	}
	*out = k.v.v;
	*n = k.v.n;
	return 0;
}

void perfdata_kmaps_free(struct perfdata_kmap *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}
