/* pprof's legacy profile formats, read into a Profile as go tool pprof's
 * own parser (profile/legacy_profile.go, legacy_java_profile.go) builds
 * it: gperftools/profilez binary CPU profiles (32- or 64-bit words, either
 * endianness, C++ or Java), heap (heapz_v2, heap_v2, heap, heapprofile),
 * growthz and fragmentationz text, Go count profiles (threadcreate,
 * goroutine debug=1), threadz, contention/mutex text, and the Java heapz
 * and contentionz text. Sample types, units, period, the Poisson scaling
 * of heap samples, the -1 on return addresses, the signal-frame stripping
 * of CPU profiles, mappings from the /proc/self/maps text (pprof's merging
 * of split mappings and its guess of the main binary, a fake mapping for
 * orphan addresses) and the drop_frames/keep_frames pprof sets are all
 * pprof's.
 *
 * The parsers are tried in pprof's order; the first that recognises the
 * data decides. Errors: -EBADMSG with one line (a malformed sample names
 * its line), -ENOMSG when no parser recognises the data, -E2BIG past
 * max_memory (0 = no bound), which counts the input text (held while
 * parsing) and what is built from it. On success *out is a checked, indexed
 * profile owned by the caller; on error NULL. */
#ifndef KILN_PROFILE_LEGACY_H
#define KILN_PROFILE_LEGACY_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "profile.h"

int profile_parse_legacy(const char *data, size_t n, uint64_t max_memory,
			 struct profile **out, struct kerr *err);

#endif
