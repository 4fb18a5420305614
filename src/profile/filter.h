/* Filtering and coarsening a Profile in place, with pprof's semantics
 * (profile/filter.go, prune.go, Profile.Aggregate, driver_focus.go):
 *
 *  - by frame name: -focus, -ignore, -hide, -show, -show_from, -prune_from,
 *    and the profile's own drop_frames/keep_frames (pprof's Prune);
 *  - by label: -tagfocus/-tagignore (regex lists or numeric ranges such as
 *    "64kb:", "key=1:10") and -tagshow/-taghide on label keys;
 *  - aggregation at a granularity (functions, files, lines, addresses, with
 *    or without inline frames).
 *
 * Names are matched against each line's function name and file name and
 * the location's mapping file (see rx.h for the regex dialect). Functions
 * here remove samples, locations from samples, and lines from locations;
 * removed pool entries simply become unreferenced. The profile must be
 * indexed (profile_index()) and stays indexed. */
#ifndef KILN_PROFILE_FILTER_H
#define KILN_PROFILE_FILTER_H

#include <stdbool.h>

#include "../base/err.h"
#include "profile.h"
#include "rx.h"

/* Which filters matched anything, for pprof's "… expression matched no
 * samples" warnings. */
struct pf_name_matches {
	bool focus, ignore, hide, show;
};

/* pprof's FilterSamplesByName: keeps samples with a frame matching focus
 * (any, when focus is NULL) and none matching ignore; removes lines matching
 * hide and lines not matching show, then locations left without lines, then
 * samples left without locations. Any regex may be NULL. Note that, as in
 * pprof, samples without any location are always dropped. */
void profile_filter_by_name(struct profile *p, const struct krx *focus, const struct krx *ignore,
			    const struct krx *hide, const struct krx *show,
			    struct pf_name_matches *m);
/* -show_from: drops frames rootward of the rootmost match; samples without
 * a match are dropped. Returns whether anything matched. */
bool profile_show_from(struct profile *p, const struct krx *rx);
/* -prune_from: drops frames leafward of the leafmost match (kept). */
void profile_prune_from(struct profile *p, const struct krx *rx);
/* pprof's Prune: frames whose simplified function name fully matches drop
 * (and not keep) are removed with everything beneath them (leafward), but
 * only below the first non-matching frame from the root. drop must be
 * compiled with full = true. */
void profile_prune(struct profile *p, const struct krx *drop, const struct krx *keep);
/* Applies the profile's drop_frames/keep_frames, if any. -EINVAL when
 * they do not compile (nothing is pruned then). */
int profile_remove_uninteresting(struct profile *p, struct kerr *err);
/* pprof's simplifyFunc: a C++-style name without its argument list. Writes
 * into buf (size n); returns buf. */
char *profile_simplify_func(const char *name, char *buf, size_t n);

/* ---- labels ---- */

/* Units of numeric labels by key (pprof's NumLabelUnits): the first unit
 * seen for the key, else "bytes" for "request"/"alignment", else the key. */
struct pf_label_units {
	char **keys, **units;
	size_t n;
	char **conflicts; /* one "For tag K used unit U, also encountered unit(s) …" per key */
	size_t n_conflicts;
};

void profile_label_units(const struct profile *p, struct pf_label_units *u);
void pf_label_units_release(struct pf_label_units *u);
/* The unit of a numeric label key ("" when unknown). Valid while u lives. */
const char *pf_label_unit(const struct pf_label_units *u, const char *key);

struct pf_tag_filter;

/* Compiles a -tagfocus/-tagignore value. *is_range tells whether it was
 * read as a numeric range (pprof prints that). The filter keeps a pointer to
 * `units`, which must outlive it. */
int pf_tag_filter_compile(const char *spec, const struct pf_label_units *units,
			  struct pf_tag_filter **out, bool *is_range, struct kerr *err);
bool pf_tag_filter_match(const struct pf_tag_filter *f, const struct profile *p,
			 const struct pf_sample *s);
void pf_tag_filter_free(struct pf_tag_filter *f);

/* Keeps samples matching focus (when set) and not matching ignore. *fm and
 * *im tell whether each matched any sample. */
void profile_filter_by_tag(struct profile *p, const struct pf_tag_filter *focus,
			   const struct pf_tag_filter *ignore, bool *fm, bool *im);
/* -tagshow/-taghide: removes labels whose key does not match show (when
 * set) or matches hide. */
void profile_filter_tags_by_name(struct profile *p, const struct krx *show,
				 const struct krx *hide, bool *sm, bool *hm);

/* ---- granularity ---- */

/* pprof's Aggregate: clears what the granularity does not use. inline_frames
 * false keeps only each location's outermost line; function false clears
 * names, filename false file names, linenumber false line numbers (and
 * columns), address false addresses. */
void profile_aggregate(struct profile *p, bool inline_frames, bool function, bool filename,
		       bool linenumber, bool address);

/* pprof's SampleIndexByName: "" picks default_sample_type, else the last
 * type; a number is an index; a name matches a type (also without an
 * "inuse_" prefix). Returns the index or -EINVAL with pprof's message. */
int profile_sample_index(const struct profile *p, const char *name, struct kerr *err);

#endif
