/* Debug files by build id from debuginfod servers, through elfutils'
 * libdebuginfod, as a sym_fetcher (symbols.h) for a symbolizer.
 *
 * Its own static library (kiln_symbols_debuginfod): only the kiln program
 * links it, so libkiln.so, which links the rest of src/symbols, never
 * needs libdebuginfod. libdebuginfod itself reads its settings from the
 * environment (DEBUGINFOD_URLS, DEBUGINFOD_CACHE_PATH, ...) when it
 * queries: the caller decides whether to make a client at all.
 *
 * Network waits are bounded: a query is cancelled after `timeout_ms`
 * without a byte, and after the first failure that is not "the server has
 * no such file" (unreachable server, timeout, HTTP error) the client asks
 * no more, so a dead server costs one wait per run, not one per binary.
 * Not thread-safe. */
#ifndef KILN_SYMBOLS_DEBUGINFOD_H
#define KILN_SYMBOLS_DEBUGINFOD_H

#include <stddef.h>

#include "../base/err.h"
#include "symbols.h"

struct sym_debuginfod;

/* Returns 0 and *out, or -ENOMEM when libdebuginfod cannot make a client.
 * `servers` names them in messages (copied; the caller's DEBUGINFOD_URLS);
 * timeout_ms <= 0 means 15 s. */
int sym_debuginfod_new(const char *servers, int timeout_ms, struct sym_debuginfod **out,
		       struct kerr *err);
void sym_debuginfod_free(struct sym_debuginfod *d); /* NULL-tolerant */

/* The fetcher to give symbolizer_set_fetcher(); valid while d lives. */
struct sym_fetcher sym_debuginfod_fetcher(struct sym_debuginfod *d);

/* How many debug files were fetched (or found in its cache) so far. */
size_t sym_debuginfod_fetched(const struct sym_debuginfod *d);
/* The first failure met, one line naming the server and the reason, or
 * NULL when none; valid until the next query or sym_debuginfod_free(). */
const char *sym_debuginfod_error(const struct sym_debuginfod *d);

#endif
