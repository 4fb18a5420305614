/* Private to src/build: the builder's state and its symbol sources. */
#ifndef KILN_BUILD_INTERNAL_H
#define KILN_BUILD_INTERNAL_H

#include "../base/hashmap.h"
#include "../base/vec.h"
#include "../symbols/jitdump.h"
#include "../symbols/symbols.h"
#include "build.h"

#define MAX_INLINE 64

enum source_kind { SRC_UNTRIED, SRC_NONE, SRC_ELF, SRC_KERNEL, SRC_PERFMAP };

/* Where a mapping's symbols come from (source.c). */
struct source {
	enum source_kind kind;
	struct sym_file *file;
	struct perfmap *perfmap;
	uint64_t start, pgoff; /* to turn addresses into file offsets */
};

/* One profile mapping and its source. */
struct mstate {
	uint64_t pf_id;
	struct source src;
	bool unnamed; /* marked so (build_opts.mark_unnamed) */
};

struct builder {
	struct profile *p;
	struct symbolizer *sym;
	bool own_sym;                   /* else borrowed from opts.symbolizer */
	struct symbolizer *(*get_sym)(void *ctx);
	void *get_sym_ctx;
	bool mark_unnamed;
	struct ksyms *ksyms;
	bool ksyms_tried;
	char *kallsyms_cache;
	VEC(struct mstate) mstates;
	struct u64map mapping_key;      /* hash(start,end,pgoff,file) → mstate index */
	VEC(struct u64map) locs;        /* per mstate: address → location id */
	struct u64map noloc;            /* addresses outside any mapping */
	struct u64map funcs;            /* hash(name,sys,file,start) → function id */
	VEC(char *) warnings;
	/* build_profile()'s: collect's map ids → mstate index (-1 unset) */
	VEC(int64_t) cmap_to_mstate;
	VEC(uint64_t) loc_scratch;
	VEC(struct pf_label) lab_scratch;
	size_t warm_entries;            /* stack entries builder_warm() has seen */
};

void builder_warn(struct builder *b, const char *msg);
/* The symbolizer for files, asking build_opts.symbolizer the first time;
 * NULL: addresses only. */
struct symbolizer *builder_sym(struct builder *b);
/* The kernel's symbols, loaded on first use (NULL when unreadable). */
struct ksyms *builder_ksyms(struct builder *b);

/* Chooses and opens the source of a new mapping and sets the profile
 * mapping's has_* flags (and its build id, when the file has one). */
void source_open(struct builder *b, struct source *s, struct pf_mapping *pm,
		 const struct build_mapping *m);
/* The frames of addr (innermost first), at most MAX_INLINE; 0 when the
 * source has no name for it. */
size_t source_lookup(struct builder *b, const struct source *s, uint64_t addr,
		     struct sym_frame *fr);
void source_release(struct source *s);

#endif
