/* perf.data's feature sections (tools/perf/Documentation/perf.data-file-
 * format.txt): in file mode one section per bit of the header's feature
 * bitmap, after the data; in pipe mode the same bodies inside
 * PERF_RECORD_HEADER_FEATURE records. What kiln uses is parsed (names,
 * host, command line, build ids, times, tracing data); the rest is
 * skipped by its size. Every length is checked against the section. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "internal.h"

struct sec {
	const unsigned char *p, *end;
};

static int get(struct sec *s, void *out, size_t n)
{
	if ((size_t)(s->end - s->p) < n)
		return -EBADMSG;
	memcpy(out, s->p, n);
	s->p += n;
	return 0;
}

/* struct perf_header_string: u32 len, then len bytes, NUL-padded. */
static int get_string(struct sec *s, char **out)
{
	uint32_t len;

	if (get(s, &len, 4) || len > (size_t)(s->end - s->p))
		return -EBADMSG;
	free(*out);
	*out = xstrndup((const char *)s->p, len);
	s->p += len;
	return 0;
}

/* GROUP_DESC: u32 count, then per group its name ("{anon_group}" when
 * it has none), leader index and member count. */
static int group_desc(struct perfdata *pd, struct sec *s)
{
	uint32_t n;

	if (get(s, &n, 4))
		return -EBADMSG;
	for (uint32_t i = 0; i < n; i++) {
		struct perfdata_group g = { NULL, 0, 0 };

		if (get_string(s, &g.name) || get(s, &g.leader, 4) || get(s, &g.n_members, 4) ||
		    g.leader >= pd->events.n || g.n_members > pd->events.n - g.leader) {
			free(g.name);
			return -EBADMSG;
		}
		if (!strcmp(g.name, "{anon_group}")) {
			free(g.name);
			g.name = NULL;
		}
		vec_push(&pd->groups, g);
	}
	return 0;
}

static int event_desc(struct perfdata *pd, struct sec *s)
{
	uint32_t nre, sz;

	if (get(s, &nre, 4) || get(s, &sz, 4) || sz < PERF_ATTR_SIZE_VER0)
		return -EBADMSG;
	for (uint32_t i = 0; i < nre; i++) {
		struct perf_event_attr attr;
		uint32_t nr;
		char *name = NULL;
		uint64_t id = 0;
		int ev = -1;

		if ((size_t)(s->end - s->p) < sz)
			return -EBADMSG;
		memset(&attr, 0, sizeof(attr));
		memcpy(&attr, s->p, sz < sizeof(attr) ? sz : sizeof(attr));
		s->p += sz;
		if (get(s, &nr, 4) || get_string(s, &name))
			goto bad;
		if (nr > (size_t)(s->end - s->p) / 8)
			goto bad;
		if (nr)
			memcpy(&id, s->p, 8);
		s->p += (size_t)nr * 8;
		/* The descriptions follow the attrs' order; ids confirm it. */
		ev = nr ? pd_event_by_id(pd, id) : -1;
		if (ev < 0 && i < pd->events.n)
			ev = (int)i;
		if (ev >= 0) {
			free(pd->events.v[ev].name);
			pd->events.v[ev].name = name;
			name = NULL;
		}
		free(name);
		continue;
bad:
		free(name);
		return -EBADMSG;
	}
	return 0;
}

static char *hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	out[2 * n] = '\0';
	return out;
}

void pd_add_buildid(struct perfdata *pd, const char *hexid, const char *filename, int pid,
		    bool kernel)
{
	struct perfdata_buildid *b;

	uint64_t hn = hash_bytes(filename, strlen(filename), 1) & ~(uint64_t)1;
	uint64_t h = hash_bytes(hexid, strlen(hexid), hn) & ~(uint64_t)1, ix;

	if (!*hexid)
		return;
	/* Hashed, since a hostile file may hold millions; a collision of
	 * two different pairs only costs the second its place in the map. */
	if (u64map_get(&pd->buildid_of, h, &ix) && !strcmp(pd->buildids.v[ix].build_id, hexid) &&
	    !strcmp(pd->buildids.v[ix].filename, filename))
		return;
	u64map_put(&pd->buildid_of, h, pd->buildids.n);
	if (!u64map_get(&pd->buildid_name, hn, &ix))
		u64map_put(&pd->buildid_name, hn, pd->buildids.n);
	b = vec_add(&pd->buildids);
	snprintf(b->build_id, sizeof(b->build_id), "%s", hexid);
	b->filename = xstrdup(filename);
	b->pid = pid;
	b->kernel = kernel;
}

/* struct perf_record_header_build_id: header, pid, build_id[24] (20
 * bytes + size with PERF_RECORD_MISC_BUILD_ID_SIZE), filename. */
int pd_build_id_record(struct perfdata *pd, const unsigned char *p, size_t n)
{
	struct perf_event_header h;
	int32_t pid;
	size_t idlen = 20;
	char id[41];
	const size_t fixed = sizeof(h) + 4 + 24;

	if (n < fixed)
		return -EBADMSG;
	memcpy(&h, p, sizeof(h));
	if (h.size < fixed || h.size > n)
		return -EBADMSG;
	memcpy(&pid, p + 8, 4);
	if (h.misc & PD_MISC_BUILD_ID_SIZE) {
		idlen = p[12 + 20];
		if (idlen > 20)
			return -EBADMSG;
	}
	hex(p + 12, idlen, id);
	if (!(h.misc & PD_MISC_BUILD_ID_SIZE)) {
		/* Old files pad short ids with zeros. */
		size_t l = strlen(id);
		while (l > 2 && !strcmp(id + l - 2, "00"))
			id[l -= 2] = '\0';
	}
	{
		char *name = xstrndup((const char *)p + fixed, h.size - fixed);
		pd_add_buildid(pd, id, name, pid,
			       (h.misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL);
		free(name);
	}
	return (int)h.size;
}

const char *pd_buildid_of(const struct perfdata *pd, const char *filename)
{
	uint64_t hn = hash_bytes(filename, strlen(filename), 1) & ~(uint64_t)1, ix;

	if (u64map_get(&pd->buildid_name, hn, &ix) && !strcmp(pd->buildids.v[ix].filename, filename))
		return pd->buildids.v[ix].build_id;
	return NULL;
}

static int build_ids(struct perfdata *pd, struct sec *s)
{
	while (s->p < s->end) {
		int n = pd_build_id_record(pd, s->p, (size_t)(s->end - s->p));
		if (n < 0)
			return n;
		s->p += n;
	}
	return 0;
}

static int cmdline(struct perfdata *pd, struct sec *s)
{
	uint32_t nr;
	char *arg = NULL;
	size_t len = 0;

	if (get(s, &nr, 4) || nr > (size_t)(s->end - s->p) / 4)
		return -EBADMSG;
	free(pd->cmdline);
	pd->cmdline = xstrdup("");
	for (uint32_t i = 0; i < nr; i++) {
		size_t l;
		if (get_string(s, &arg))
			goto bad;
		l = strlen(arg);
		pd->cmdline = xrealloc(pd->cmdline, len + l + 2);
		if (len)
			pd->cmdline[len++] = ' ';
		memcpy(pd->cmdline + len, arg, l + 1);
		len += l;
	}
	free(arg);
	return 0;
bad:
	free(arg);
	return -EBADMSG;
}

static const char *const feature_names[PD_FEAT_BITS] = {
	[1] = "TRACING_DATA", [2] = "BUILD_ID", [3] = "HOSTNAME", [4] = "OSRELEASE",
	[5] = "VERSION", [6] = "ARCH", [7] = "NRCPUS", [8] = "CPUDESC", [9] = "CPUID",
	[10] = "TOTAL_MEM", [11] = "CMDLINE", [12] = "EVENT_DESC", [13] = "CPU_TOPOLOGY",
	[14] = "NUMA_TOPOLOGY", [15] = "BRANCH_STACK", [16] = "PMU_MAPPINGS",
	[17] = "GROUP_DESC", [18] = "AUXTRACE", [19] = "STAT", [20] = "CACHE",
	[21] = "SAMPLE_TIME", [22] = "MEM_TOPOLOGY", [23] = "CLOCKID", [24] = "DIR_FORMAT",
	[25] = "BPF_PROG_INFO", [26] = "BPF_BTF", [27] = "COMPRESSED", [28] = "CPU_PMU_CAPS",
	[29] = "CLOCK_DATA", [30] = "HYBRID_TOPOLOGY", [31] = "PMU_CAPS",
};

const char *pd_feature_name(unsigned feat)
{
	return feat < PD_FEAT_BITS && feature_names[feat] ? feature_names[feat] : "unknown";
}

int pd_feature(struct perfdata *pd, unsigned feat, const unsigned char *p, size_t n,
	       struct kerr *err)
{
	struct sec s = { p, p + n };
	int ret = 0;
	uint32_t v32[2];
	uint64_t v64[2];

	switch (feat) {
	case PD_FEAT_TRACING_DATA:
		pd->tracing = p;
		pd->tracing_size = n;
		break;
	case PD_FEAT_BUILD_ID:
		ret = build_ids(pd, &s);
		break;
	case PD_FEAT_HOSTNAME:
		ret = get_string(&s, &pd->hostname);
		break;
	case PD_FEAT_OSRELEASE:
		ret = get_string(&s, &pd->osrelease);
		break;
	case PD_FEAT_VERSION:
		ret = get_string(&s, &pd->version);
		break;
	case PD_FEAT_ARCH:
		ret = get_string(&s, &pd->arch);
		break;
	case PD_FEAT_NRCPUS:
		if (!(ret = get(&s, v32, 8))) {
			pd->nr_cpus_avail = v32[0];
			pd->nr_cpus_online = v32[1];
		}
		break;
	case PD_FEAT_CPUDESC:
		ret = get_string(&s, &pd->cpudesc);
		break;
	case PD_FEAT_CPUID:
		ret = get_string(&s, &pd->cpuid);
		break;
	case PD_FEAT_TOTAL_MEM:
		ret = get(&s, &pd->total_mem_kb, 8);
		break;
	case PD_FEAT_CMDLINE:
		ret = cmdline(pd, &s);
		break;
	case PD_FEAT_EVENT_DESC:
		ret = event_desc(pd, &s);
		break;
	case PD_FEAT_AUXTRACE:
		pd->auxtrace = true;
		break;
	case PD_FEAT_GROUP_DESC:
		ret = group_desc(pd, &s);
		break;
	case PD_FEAT_SAMPLE_TIME:
		if (!(ret = get(&s, v64, 16))) {
			pd->first_sample = v64[0];
			pd->last_sample = v64[1];
		}
		break;
	case PD_FEAT_CLOCKID:
		if (!(ret = get(&s, &pd->clockid, 8)))
			pd->has_clockid = true;
		break;
	case PD_FEAT_CLOCK_DATA: {
		/* u32 version, u32 clockid, u64 tod_ns, u64 clockid_ns */
		if (!(ret = get(&s, v32, 8)) && !(ret = get(&s, v64, 16))) {
			pd->clock_tod_ns = v64[0];
			pd->clock_ref_ns = v64[1];
			pd->has_clock_data = true;
		}
		break;
	}
	default:
		/* CPU_TOPOLOGY, NUMA_TOPOLOGY, PMU_MAPPINGS, STAT,
		 * CACHE, MEM_TOPOLOGY, DIR_FORMAT, BPF_*, COMPRESSED,
		 * CPU_PMU_CAPS, HYBRID_TOPOLOGY, ...: nothing kiln shows. */
		break;
	}
	if (ret < 0)
		return kerr_set(err, -EBADMSG, "perf.data: feature section %s (%zu bytes) is corrupt",
				pd_feature_name(feat), n);
	return 0;
}
