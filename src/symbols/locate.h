/* Finding the file of a mapping on this machine, by its recorded path and
 * build id: pprof's PPROF_BINARY_PATH search, perf's --symfs and build-id
 * cache, and the path itself. Used by re-symbolization (build/resym.h)
 * and kiln archive. Folders come from the caller; nothing here reads the
 * environment. */
#ifndef KILN_SYMBOLS_LOCATE_H
#define KILN_SYMBOLS_LOCATE_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "symbols.h"

struct sym_locate_opts {
	const char *symfs;          /* perf's --symfs DIR, looked at first; NULL: none */
	const char *const *search;  /* pprof's search path folders, in order */
	size_t n_search;
	const char *buildid_dir;    /* perf's build-id cache (~/.debug); NULL: none */
	bool no_own_path;           /* do not try the recorded path itself */
};

/* Candidates, in order: SYMFS/<path> and SYMFS as a build-id cache (an
 * unpacked archive); for each search folder D pprof's
 * D/<bid>/<basename>, every D/<bid>/ entry (sorted), D/<path>/<bid> (perf's layout),
 * D/<basename>, D/<path>; the build-id cache's entry (by build id, or
 * without one every cached build of the path); the path itself.
 * The first that opens as ELF with s and, when both are known, has build
 * id `bid` wins; one that differs is skipped with a line in warn (may be
 * NULL). path may be "" and bid NULL or "". Returns 0 and *out (malloc'd;
 * the caller frees it), or -ENOENT when no candidate fits. */
int sym_locate(struct symbolizer *s, const struct sym_locate_opts *o, const char *path,
	       const char *bid, char **out, struct kbuf *warn);

/* True for a path sym_locate() found in a build-id cache (…/<bid>/elf or
 * …/<bid>/debug): a profile keeps calling such a file by its recorded name. */
bool sym_locate_in_cache(const char *path);

#endif
