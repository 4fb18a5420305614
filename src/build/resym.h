/* Re-symbolizing a profile later, elsewhere: pprof's local symbolization
 * of an address-only profile (gperftools' CPUPROFILE files, libkiln with
 * KILN_SYMBOLIZE=none, a profile recorded on another machine), through
 * the one builder (build.h).
 *
 * Which mappings are redone is pprof's -symbolize mode: LOCAL redoes those
 * without symbol information (no has_functions, has_filenames nor
 * has_line_numbers), FORCE every file mapping; pseudo-mappings ([vdso],
 * [kernel.kallsyms], //anon, /memfd:, …) are never redone. The file of a
 * mapping is searched for by resym_locate(): the BINARY given for the main
 * mapping, then --symfs, the search path (PPROF_BINARY_PATH), the build-id
 * cache (~/.debug) and the mapping's own path; a file whose build id
 * differs from the mapping's is skipped with a warning.
 *
 * The result keeps every sample, value and label, the header (types,
 * period, time, comments, drop/keep frames); mappings keep their ranges
 * and build ids; redone ones get the file found as their filename and the
 * has_* flags of what it holds; locations and functions are new. The
 * folders come from the caller (the cli reads the environment). */
#ifndef KILN_BUILD_RESYM_H
#define KILN_BUILD_RESYM_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../profile/profile.h"
#include "../symbols/locate.h"

enum resym_mode {
	RESYM_NONE,  /* leave the profile as it is */
	RESYM_LOCAL, /* mappings without symbol information */
	RESYM_FORCE, /* every file mapping, named or not */
};

struct resym_opts {
	enum resym_mode mode;
	/* pprof's BINARY PROFILE: the file of the mapping whose build id is
	 * the binary's, else of the first mapping (the main one). NULL: none. */
	const char *binary;
	struct sym_locate_opts locate; /* where files are searched for */
};

/* Warnings (files skipped for their build id, mappings with no file
 * found) are appended to `warnings` as lines, which may be NULL.
 * Returns 0 and replaces *pp with the re-symbolized profile (the old one
 * freed; unchanged when nothing was to be done). Errors, *pp unchanged:
 * -ENOENT (BINARY missing), -ENOEXEC (BINARY not ELF), -EINVAL (BINARY's
 * build id matches no mapping and differs from the main one's), with err
 * saying which file and why. */
int profile_resymbolize(struct profile **pp, const struct resym_opts *o, struct kbuf *warnings,
			struct kerr *err);

/* pprof's remote symbolization. symbolz_url: the symbol endpoint of a
 * profile fetched from `source` (pprof's rule: "symbol" beside the
 * profile under /debug/pprof/, else /symbolz), appended to out; false when
 * source is not an http(s) URL. */
bool symbolz_url(const char *source, struct kbuf *out);
/* Sends body (len bytes), appends the reply to *reply. 0 or -errno. */
typedef int (*symbolz_post_fn)(void *ctx, const char *body, size_t len, struct kbuf *reply,
			       struct kerr *err);
/* Names p's locations without lines in mappings without functions (all
 * mappings with force), pseudo-mappings aside, from what post's server
 * answers; *named counts them. Returns 0, or post's error. */
int profile_symbolize_remote(struct profile *p, bool force, symbolz_post_fn post, void *ctx,
			     size_t *named, struct kerr *err);

/* pprof's pseudo-mappings, never symbolized from a file: "", [vdso] and
 * other [names], linux-vdso..., /dev/dri/..., //anon, /memfd:..., URLs. */
bool resym_unsymbolizable(const char *file);

/* kiln archive: writes to fd a tar of every file p's mappings name (found
 * as resymbolization finds them, by build id: the recorded one, else the
 * file's), laid out as perf's build-id cache (symbols/bidcache.h): the
 * file as P/B/elf, its separate debug file as P/B/debug, the link
 * .build-id/xx/yyyy → ../../P/B. Mappings without a file found or a build
 * id are skipped with a line in warnings (may be NULL). *n_files gets the
 * number of files archived. Returns 0 or -errno with err set. */
int profile_archive(const struct profile *p, const struct sym_locate_opts *lo, int fd,
		    size_t *n_files, struct kbuf *warnings, struct kerr *err);

#endif
