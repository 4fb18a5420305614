/* What perf's histograms (kiln report --stdio/--sort, kiln top) share:
 * the sort keys (-s comm,pid,tid,dso,sym) with their column headers, and
 * perf's names for a profile's frames: the "Shared Object" (base name of
 * the location's mapping, "[kernel.kallsyms]" — or "[kernel]" as perf top
 * says — for the kernel, "[unknown]" without a mapping) and the "Symbol"
 * (the address's outermost, non-inlined function, as perf shows it without
 * --inline; "0x%016x" of the address when unsymbolized), with the [k]/[.]
 * marker left to the caller. kiln script, diff and annotate name frames
 * the same way. */
#ifndef KILN_REPORT_PERFKEYS_H
#define KILN_REPORT_PERFKEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../profile/profile.h"

enum perf_key { PERF_KEY_COMM, PERF_KEY_PID, PERF_KEY_TID, PERF_KEY_DSO, PERF_KEY_SYM };
#define PERF_N_KEYS 5
#define PERF_MAX_KEYS 8

struct perf_keys {
	enum perf_key v[PERF_MAX_KEYS]; /* in the order given */
	size_t n;
	bool use[PERF_N_KEYS];          /* which keys appear */
};

/* Parses "comm,dso,sym" ("symbol" is sym's alias) into k. Returns 0, or
 * -EINVAL with err set for an unknown key, too many keys or none. */
int perf_keys_parse(struct perf_keys *k, const char *spec, struct kerr *err);
/* "Command", "Pid:Command", "Tid", "Shared Object", "Symbol". */
const char *perf_key_header(enum perf_key k);

enum { PERF_FRAME_TOP = 1 << 0 }; /* "[kernel]" instead of "[kernel.kallsyms]" */

/* Appends the shared object and symbol names of location l (p indexed) to
 * dso and sym (either may be NULL); returns true for kernel frames. */
bool perf_frame_names(const struct profile *p, const struct pf_location *l, int flags,
		      struct kbuf *dso, struct kbuf *sym);
/* True when the mapping file names kernel text. */
bool perf_is_kernel_file(const char *file);

#endif
