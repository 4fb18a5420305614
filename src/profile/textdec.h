/* Stack text as profile sources.
 *
 * Folded stacks (Brendan Gregg's stackcollapse output): lines
 * "root;caller;leaf COUNT", one sample each, sample type samples/count;
 * frames are functions by name (one location per distinct name, no
 * address or mapping). Blank lines are skipped; a line without a count
 * is an error naming it.
 *
 * `perf script` default text: a header "comm [pid/]tid [cpu] time: [period]
 * event:" then one "\taddr sym+off (dso)" line per frame (leaf first) and
 * a blank line. One sample per event with labels comm (string), pid and
 * tid (numbers); values samples/count and, when the header has a period,
 * the event's period (cpu-clock and task-clock in nanoseconds, others as
 * counts), one such value per event when several were recorded. A frame is a location by address, function and dso; a dso is a
 * mapping by name, the main binary first (pprof's guess for legacy
 * profiles: the first that is not a shared library or a [bracketed] name);
 * "[unknown]" symbols leave the location without a line.
 *
 * Both return 0 with *out a checked, indexed profile owned by the caller,
 * or -EBADMSG (one line naming the line number), or -E2BIG past
 * max_memory (0 = no bound; it counts the input text too); *out is NULL on error. */
#ifndef KILN_PROFILE_TEXTDEC_H
#define KILN_PROFILE_TEXTDEC_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "profile.h"

int profile_parse_folded(const char *data, size_t n, uint64_t max_memory,
			 struct profile **out, struct kerr *err);
int profile_parse_perf_script(const char *data, size_t n, uint64_t max_memory,
			      struct profile **out, struct kerr *err);

#endif
