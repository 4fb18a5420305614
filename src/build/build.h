/* build: raw addresses, mappings and tasks → a symbolized Profile, the one
 * pass every source of samples goes through (kiln record and top now;
 * libkiln's in-process profiles; perf.data import and re-symbolization
 * next).
 *
 * A builder keeps one Profile whose mappings, locations and functions only
 * grow: each address is symbolized once, whatever the number of profiles
 * built from it (top rebuilds every refresh, record at checkpoints). Which
 * symbol source serves a mapping (the ELF file and its DWARF, the kernel's
 * kallsyms, a JIT's perf map, the vDSO) is chosen once per mapping, when
 * it is first met (source.c).
 *
 * Two ways in:
 *   - builder_mapping() + builder_location(): a source that knows its
 *     mappings and addresses adds them one by one and then the samples
 *     with profile_add_sample() on builder_profile();
 *   - build_profile(): a recording of collect (its tasks' mappings and its
 *     aggregated stacks), samples and header replaced on each call.
 *
 * Ownership: the builder owns its profile, symbolizer and every string;
 * pointers it returns are valid until builder_free() (a profile until the
 * next build_profile()). Nothing here fails: what cannot be symbolized
 * stays an address, with a warning (builder_warnings). */
#ifndef KILN_BUILD_BUILD_H
#define KILN_BUILD_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/vec.h"
#include "../collect/recorder.h"
#include "../collect/tasks.h"
#include "../profile/profile.h"
#include "../symbols/symbols.h"

struct builder;

struct build_opts {
	/* Folder for the kallsyms cache (see ksyms_load); NULL for none. */
	const char *kallsyms_cache;
	/* Where files' symbols come from. NULL: the builder's own symbolizer.
	 * Otherwise called once, when the first file mapping needs one: it
	 * returns a symbolizer its caller keeps (shared across builders, so
	 * parsed files stay cached), or NULL for addresses only, which pprof
	 * names later. libkiln's loads libdw only then. */
	struct symbolizer *(*symbolizer)(void *ctx);
	void *ctx;
	/* A file mapping with an address its symbols do not name gets
	 * has_functions (and the other has_* flags) false, so that pprof
	 * completes it from debug files kiln did not read. */
	bool mark_unnamed;
	/* Debug files missing locally come from here (debuginfod), for the
	 * builder's own symbolizer; NULL for none. Copied; its ctx must
	 * outlive the builder. */
	const struct sym_fetcher *fetch;
};

/* o may be NULL (the defaults). *out is set as soon as the builder
 * exists, before its other allocations: a caller whose allocation
 * failures unwind (libkiln) frees a half-made one with builder_free(). */
void builder_new(struct builder **out, const struct build_opts *o);
void builder_free(struct builder *b); /* NULL-tolerant */
/* Frees the builder and returns its profile, which the caller owns. */
struct profile *builder_finish(struct builder *b);

/* A mapping as its source knows it. */
struct build_mapping {
	uint64_t start, end;  /* [start, end) in the process */
	uint64_t pgoff;       /* file offset of start */
	const char *filename; /* absolute path, "[vdso]", "//anon", "[kernel.kallsyms]" ... */
	const char *build_id; /* hex, "" or NULL when unknown */
	int pid;              /* the process (for a JIT's /tmp/perf-PID.map) */
	bool kernel;          /* the kernel's own text */
	/* No symbol source is opened: its locations come with their frames
	 * (builder_location_frames), as a re-symbolized profile keeps the
	 * mappings it does not redo. */
	bool no_source;
};

#define BUILD_NO_MAPPING UINT32_MAX

/* The builder's index of the mapping: one per distinct (range, offset,
 * file), added (and its symbol source opened) the first time. */
uint32_t builder_mapping(struct builder *b, const struct build_mapping *m);
/* The location id of `addr` in mapping `ix` (BUILD_NO_MAPPING: an address
 * outside every mapping), symbolized the first time it is met. */
uint64_t builder_location(struct builder *b, uint32_t ix, uint64_t addr);
/* A location whose frames the caller already has (innermost first, n of
 * them, strings copied): the same (ix, addr) returns the same id, as in
 * builder_location(). With lookup, the mapping's source is asked first
 * and fr only stands in when it names nothing (pprof keeps a location's
 * old lines then). */
uint64_t builder_location_frames(struct builder *b, uint32_t ix, uint64_t addr,
				 const struct sym_frame *fr, size_t n, bool lookup);
/* The profile mapping of index ix, valid until the next builder_mapping(). */
struct pf_mapping *builder_pf_mapping(struct builder *b, uint32_t ix);
/* The builder's profile. */
struct profile *builder_profile(struct builder *b);

/* The header and value types of a profile built from a recording. */
struct profile_meta {
	const char **value_types; /* n_values pairs: type, unit, type, unit ... */
	size_t n_values;          /* per sample, as the recorder's stacks */
	const char *period_type, *period_unit;
	int64_t period;
	int64_t time_nanos, duration_nanos;
	const char *const *comments;
	size_t n_comments;
	bool per_sample;          /* add time/cpu labels */
	/* More labels for stack entry i (an event profile's event and
	 * tracepoint fields), their strings already in the builder's
	 * profile; NULL for none. */
	const struct pf_label *(*labels)(void *ctx, size_t entry, size_t *n);
	void *labels_ctx;
};

/* The header of a recording's profiles, with the storage it points to. */
struct build_header {
	struct profile_meta meta;
	VEC(const char *) types;
	VEC(char *) comments;
};

/* Value types samples/count, then per event cpu/nanoseconds (clock[i]:
 * cpu-clock, task-clock) or names[i]/count; the period type is the first
 * event's. names must outlive h. */
void build_header_init(struct build_header *h, const char *const *names, const bool *clock,
		       size_t n, bool per_sample);

/* What a recording knows as it goes on. */
struct build_header_run {
	int64_t period;       /* -c, or 0 */
	int freq;             /* -F, with a clock event and no period */
	bool clock;           /* the first event counts nanoseconds */
	int64_t start_wall;   /* ns since the epoch */
	int64_t duration;     /* ns so far */
	const char *cmdline;  /* for the comment "kiln-record: ..." */
	const char *tool;     /* that comment's prefix; NULL: "kiln-record" */
};

/* Sets the period (given; from -F for a clock event; else the samples'
 * mean), time, duration and the comments: the command line, "samples: N,
 * lost: N, throttled: N", and truncated stacks if any. */
void build_header_update(struct build_header *h, const struct recorder *r,
			 const struct build_header_run *run);
void build_header_release(struct build_header *h);

/* Returns the profile of everything recorded so far: the recorder's stacks
 * as samples (labels comm, pid, tid; time and cpu per sample), the header
 * from m. Valid until the next build_profile() or builder_free(). */
struct profile *build_profile(struct builder *b, struct recorder *r, struct tasks *t,
			      const struct profile_meta *m);

/* Symbolizes the addresses of stacks recorded since the last call, so
 * that loading symbols and DWARF overlaps the recording instead of
 * delaying the end of it. Optional; build_profile() does the rest. */
void builder_warm(struct builder *b, struct recorder *r, struct tasks *t);

/* The builder's symbolizer, to share its file cache (the unwinder reads
 * CFI from the same files). Owned by the builder; NULL with a
 * build_opts.symbolizer that has not been asked or gave none. */
struct symbolizer *builder_symbolizer(struct builder *b);

/* kiln inject --jit: names the JIT frames of a recorded profile from the
 * jitdumps (symbols/jitdump.h) of its mappings named jit-PID.dump (kiln
 * record keeps the MMAP a JIT makes of its dump). Each location without a
 * name is looked up in the dump of its samples' pid (the only dump, when
 * there is one); names already there (a perf map's) stay. Where the dump
 * has JIT_CODE_DEBUG_INFO, the frame gets its file and line. Code moved
 * or reused is taken as the dump's last record for it left it: samples
 * are not matched to dump records by time. */
struct build_jit_opts {
	size_t max_size;      /* largest dump read; 0: 1 GiB */
	/* Problems that leave the rest working: a dump missing or cut short. */
	void (*warn)(void *ctx, const char *msg);
	void *ctx;
};
struct build_jit_stats {
	size_t named_dumps;   /* the profile names */
	size_t dumps;         /* read */
	size_t truncated;     /* of them, cut short or corrupt */
	size_t named;         /* locations given a name */
};
/* Returns 0 (also when the profile names no dump, or nothing got a name:
 * see st), or -ENOENT with err when it names dumps and none could be read.
 * p stays valid either way. */
int build_inject_jit(struct profile *p, const struct build_jit_opts *o,
		     struct build_jit_stats *st, struct kerr *err);

/* Problems met while symbolizing (missing files, ...), for -v output. */
size_t builder_warnings(const struct builder *b, const char ***out);

#endif
