/* perfdata's shared pieces: perf's user record types and feature bits
 * (tools/perf/util/event.h, header.h: not in the kernel's uapi header),
 * and the helpers the files of the module share. */
#ifndef KILN_PERFDATA_INTERNAL_H
#define KILN_PERFDATA_INTERNAL_H

#include "../collect/records.h"
#include "perfdata.h"

/* Records perf itself writes (type >= PERF_RECORD_USER_TYPE_START). */
enum {
	PD_REC_HEADER_ATTR = 64,
	PD_REC_HEADER_EVENT_TYPE = 65,
	PD_REC_HEADER_TRACING_DATA = 66,
	PD_REC_HEADER_BUILD_ID = 67,
	PD_REC_FINISHED_ROUND = 68,
	PD_REC_ID_INDEX = 69,
	PD_REC_AUXTRACE_INFO = 70,
	PD_REC_AUXTRACE = 71,
	PD_REC_AUXTRACE_ERROR = 72,
	PD_REC_THREAD_MAP = 73,
	PD_REC_CPU_MAP = 74,
	PD_REC_STAT_CONFIG = 75,
	PD_REC_STAT = 76,
	PD_REC_STAT_ROUND = 77,
	PD_REC_EVENT_UPDATE = 78,
	PD_REC_TIME_CONV = 79,
	PD_REC_HEADER_FEATURE = 80,
	PD_REC_COMPRESSED = 81,
	PD_REC_FINISHED_INIT = 82,
};

enum {
	PD_FEAT_TRACING_DATA = 1,
	PD_FEAT_BUILD_ID = 2,
	PD_FEAT_HOSTNAME = 3,
	PD_FEAT_OSRELEASE = 4,
	PD_FEAT_VERSION = 5,
	PD_FEAT_ARCH = 6,
	PD_FEAT_NRCPUS = 7,
	PD_FEAT_CPUDESC = 8,
	PD_FEAT_CPUID = 9,
	PD_FEAT_TOTAL_MEM = 10,
	PD_FEAT_CMDLINE = 11,
	PD_FEAT_EVENT_DESC = 12,
	PD_FEAT_GROUP_DESC = 17,
	PD_FEAT_AUXTRACE = 18,
	PD_FEAT_SAMPLE_TIME = 21,
	PD_FEAT_CLOCKID = 23,
	PD_FEAT_COMPRESSED = 27,
	PD_FEAT_CLOCK_DATA = 29,
	PD_FEAT_BITS = 256,
};

/* perf's header.misc bit: the build-id record says its id's size. */
#define PD_MISC_BUILD_ID_SIZE (1 << 15)

/* Parses feature `feat`'s body (n bytes at p) into pd. 0 or -EBADMSG. */
int pd_feature(struct perfdata *pd, unsigned feat, const unsigned char *p, size_t n,
	       struct kerr *err);
const char *pd_feature_name(unsigned feat);
/* One build-id record at p (n bytes left): returns its size or -EBADMSG. */
int pd_build_id_record(struct perfdata *pd, const unsigned char *p, size_t n);
/* Adds (filename, hex id) once; "" ids are ignored. */
void pd_add_buildid(struct perfdata *pd, const char *hexid, const char *filename, int pid,
		    bool kernel);
/* The build id the file gives for filename (HEADER_BUILD_ID), or NULL. */
const char *pd_buildid_of(const struct perfdata *pd, const char *filename);
/* The event whose ids include id, or -1. */
int pd_event_by_id(const struct perfdata *pd, uint64_t id);
/* Adds an event from an attr of `size` bytes and its ids. */
struct perfdata_event *pd_add_event(struct perfdata *pd, const void *attr, size_t size,
				    const uint64_t *ids, size_t n_ids);

/* The extent of the record at off in [off, end): its header size plus the
 * payload perf writes after some records (AUXTRACE data, pipe-mode tracing
 * data). Returns the total, or -EBADMSG with a message. */
int64_t pd_record_extent(const struct perfdata *pd, uint64_t off, uint64_t end,
			 struct kerr *err);

/* perf record -z: when the data holds PERF_RECORD_COMPRESSED records,
 * points pd's data at the section inflated (pd->inflated, pd's own).
 * Returns 0, or -EBADMSG / -EFBIG / -ENOMEM with a message. */
int pd_inflate(struct perfdata *pd, struct kerr *err);

/* Tracepoint samples as event-profile labels (tracepoint.c): the event's
 * name and each field of its format, decoded with libtraceevent from the
 * TRACING_DATA feature. pd_trace_new() sets *out NULL when the file has
 * no tracepoint event; strings are interned in p (the builder's). */
struct pd_trace;
bool pd_has_tracepoints(const struct perfdata *pd);
int pd_trace_new(const struct perfdata *pd, struct profile *p, struct pd_trace **out,
		 struct kerr *err);
void pd_trace_free(struct pd_trace *t); /* NULL-tolerant */
/* Records sample s of event ev's labels, in the order samples are added. */
void pd_trace_sample(struct pd_trace *t, int ev, const struct rec_sample *s);
/* A profile_meta.labels callback (ctx = the pd_trace). */
const struct pf_label *pd_trace_labels(void *ctx, size_t entry, size_t *n);

#endif
