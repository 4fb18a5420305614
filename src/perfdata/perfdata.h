/* perfdata: reading perf.data as perf 6.1 writes it, in file mode (the
 * PERFILE2 header, attributes with their ids, the data section and the
 * feature sections after it) and in pipe mode (`perf record -o -`: the
 * same content as a stream of PERF_RECORD_HEADER_* records), and turning
 * it into a Profile through src/build. perf record -z's zstd-compressed
 * records are inflated at open (compressed.c).
 *
 * The whole file is in memory (the caller reads it): perf.data is not in
 * time order (perf writes each CPU's ring in turn), so records are sorted
 * by time before they are applied, as perf report's ordered events do.
 *
 * Every size and count comes from an untrusted file: each is checked
 * against what is left before it is used, and whatever cannot be read
 * returns -EBADMSG (corrupt, truncated) or -EPROTONOSUPPORT (valid but
 * not readable by kiln: other-endian, AUX-only) with one line
 * saying what and what to do. */
#ifndef KILN_PERFDATA_PERFDATA_H
#define KILN_PERFDATA_PERFDATA_H

#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../base/hashmap.h"
#include "../base/vec.h"
#include "../profile/profile.h"

/* One event (attr) of the file. */
struct perfdata_event {
	struct perf_event_attr attr; /* zero-extended or cut to this size */
	char *name;                  /* from EVENT_DESC / EVENT_UPDATE, else made up */
	uint64_t *ids;               /* the ids its samples carry */
	size_t n_ids;
	uint32_t file_attr_size;     /* attr.size as the file says it */
};

/* An event group (GROUP_DESC: perf record -e '{a,b}'): events leader ..
 * leader + n_members - 1. */
struct perfdata_group {
	char *name;                  /* NULL for an unnamed group */
	uint32_t leader, n_members;
};

/* A file named by the HEADER_BUILD_ID feature (or MMAP2 build-id records). */
struct perfdata_buildid {
	char build_id[41];           /* hex */
	char *filename;
	int pid;                     /* -1 for the kernel's */
	bool kernel;
};

/* What a file is and says about itself. Strings are owned by the struct;
 * `data` is borrowed from perfdata_open()'s caller and must outlive it. */
struct perfdata {
	const unsigned char *data;
	size_t size;
	bool pipe;                   /* pipe mode (`perf record -o -`) */
	uint64_t data_off, data_size;/* file mode: the records */
	uint64_t features[4];        /* file mode: HEADER_* bits present */
	VEC(struct perfdata_event) events;
	VEC(struct perfdata_buildid) buildids;
	VEC(struct perfdata_group) groups;
	char *hostname, *osrelease, *version, *arch, *cpudesc, *cpuid, *cmdline;
	uint32_t nr_cpus_online, nr_cpus_avail;
	uint64_t total_mem_kb;
	uint64_t first_sample, last_sample; /* SAMPLE_TIME, ns */
	uint64_t clockid;
	bool has_clockid;
	uint64_t clock_tod_ns, clock_ref_ns; /* CLOCK_DATA: wall time at ref time */
	bool has_clock_data;
	const unsigned char *tracing;  /* TRACING_DATA, into data */
	size_t tracing_size;
	bool auxtrace;               /* AUXTRACE data present (not decoded) */
	struct u64map buildid_of;    /* hash of (filename, id) → buildids index + 1 */
	struct u64map buildid_name;  /* hash of filename → buildids index */
	struct perfdata_id *index;   /* every event's ids, sorted, for lookups */
	size_t n_index;
	unsigned char *inflated;     /* perf record -z: the data section inflated */
	size_t inflated_size;
};

struct perfdata_id {
	uint64_t id;
	int ev;
};

/* Parses the header, attributes and features of the `size` bytes at
 * `data` (borrowed). Returns 0 and *out (free with perfdata_free()), or
 * -EBADMSG / -EPROTONOSUPPORT / -EFBIG with a message; *out NULL then. */
int perfdata_open(const void *data, size_t size, struct perfdata **out, struct kerr *err);
void perfdata_free(struct perfdata *pd); /* NULL-tolerant */

/* The index of the event a record belongs to (by its id, or the only
 * event), or -1 when its id names none. */
int perfdata_event_of(const struct perfdata *pd, const struct perf_event_header *h);

/* Called for each record of the data, in time order (records with equal
 * times in file order). The record is 8-byte aligned and at least
 * h->size bytes; valid during the call. A non-zero return stops the walk
 * and is returned. */
typedef int (*perfdata_record_fn)(const struct perf_event_header *h, void *arg);
/* Returns 0, what fn returned, or -EBADMSG / -EPROTONOSUPPORT with a
 * message (a record that overruns the data, a compressed record). */
int perfdata_records(const struct perfdata *pd, perfdata_record_fn fn, void *arg,
		     struct kerr *err);

/* The name perf gives a record type ("MMAP2", "SAMPLE", ...), or NULL. */
const char *perfdata_record_name(uint32_t type);

/* The files with build ids the perf.data names (HEADER_BUILD_ID, and
 * MMAP2 records carrying a build id), each (filename, build id) once, in
 * the order met. *out (n entries) is owned by the caller: free it with
 * perfdata_buildids_free(). Returns 0 or the errors of perfdata_open(). */
int perfdata_buildids(const void *data, size_t size, struct perfdata_buildid **out, size_t *n,
		      struct kerr *err);
void perfdata_buildids_free(struct perfdata_buildid *v, size_t n);

/* A kernel mapping (MMAP records of pid -1: the kernel, its modules), for
 * perf buildid-list -m: the build id the header gives it, or "". */
struct perfdata_kmap {
	char build_id[41];
	uint64_t start, end;
	char *name;                  /* "[kernel.kallsyms]" for the kernel */
};
/* Every kernel mapping in file order. *out (n entries) is the caller's:
 * free it with perfdata_kmaps_free(). Returns 0 or perfdata_open()'s and
 * perfdata_records()'s errors. */
int perfdata_kernel_maps(const void *data, size_t size, struct perfdata_kmap **out, size_t *n,
			 struct kerr *err);
void perfdata_kmaps_free(struct perfdata_kmap *v, size_t n);

/* perf evlist's lines for the file: one event name a line; with
 * `verbose`, each event's attr as perf evlist -v prints it; with `freq`,
 * the sample frequency after the name; with `group`, a group's events on
 * its leader's line as "{a,b}" (perf evlist -g). Appended to *text (a
 * kbuf). */
struct kbuf;
void perfdata_evlist(const struct perfdata *pd, bool verbose, bool freq, bool group,
		     struct kbuf *text);

/* Conversion to a Profile. */
struct perfdata_opts {
	const char *kallsyms_cache; /* build_opts.kallsyms_cache */
	bool per_sample;            /* one sample per event, with time and cpu */
	bool no_unwind;             /* keep DWARF-mode samples to their callchain */
	bool no_symbols;            /* addresses only: open no file the input names */
};

/* What the conversion met, for messages. */
struct perfdata_stats {
	uint64_t records, samples, lost, bad, unknown, unwound;
};

/* Reads the whole perf.data at data into a Profile (caller owns it,
 * profile_index() done): samples/count then one value per event (cpu
 * nanoseconds for cpu-clock and task-clock), labels comm/pid/tid (and
 * time/cpu with per_sample); tracepoint files become event profiles.
 * opts and stats may be NULL. Returns 0 or -errno with a message. */
int perfdata_to_profile(const void *data, size_t size, const struct perfdata_opts *opts,
			struct profile **out, struct perfdata_stats *stats, struct kerr *err);

#endif
