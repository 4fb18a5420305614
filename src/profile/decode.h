/* Reading a profile (gzip-compressed or raw, detected by the 1f 8b magic)
 * into a Profile: profile.proto, with the checks `go tool pprof` applies on load.
 *
 * Every field of profile.proto is kept (sample labels with num_unit,
 * several lines per location, is_folded, line columns, comments, drop and
 * keep frames, default_sample_type, doc_url); unknown fields are skipped;
 * repeated scalars may be packed or not. Like pprof, a label with neither
 * str, num nor num_unit set is dropped, a second time_nanos is reported as
 * concatenated profiles, and string_table[0] must be "". Unlike pprof, a
 * location naming a mapping id that does not exist is an error (pprof
 * silently drops the mapping).
 *
 * Input is decoded as a stream: gzip is inflated into a window that only
 * has to hold the largest top-level message, and messages are decoded
 * straight into the profile's columnar pools, so memory is the profile
 * itself. Truncated or corrupt input returns -EBADMSG with one line naming
 * the byte offset (in the uncompressed stream, or in the compressed input
 * for gzip errors); decompressed data beyond the cap returns -EFBIG, a
 * profile needing more memory than opts->max_memory -E2BIG.
 *
 * Input that is not profile.proto is recognised by content (sniff.h, on
 * the uncompressed bytes) and read whole: pprof's legacy formats
 * (legacy.h), folded stacks and perf script text (textdec.h), within the
 * same max_size and max_memory. What kiln can name but not read (perf.data,
 * an ELF binary, empty input, other text or binary) gets one line saying
 * what it is and what to do (-EBADMSG, or -EPROTONOSUPPORT for perf.data
 * and ELF); a truncated or corrupt protobuf still gets its byte offset.
 *
 * The returned profile is indexed (profile_index() done) and owned by the
 * caller (profile_free()). On error *out is left NULL. */
#ifndef KILN_PROFILE_DECODE_H
#define KILN_PROFILE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "profile.h"

/* Default cap on the uncompressed size: well above the largest profile we
 * expect (the 50x benchmark profile is under 1 GiB) and below what the
 * 32-bit pool offsets can address, while stopping gzip bombs early. */
#define PROFILE_DECODE_MAX_DEFAULT ((uint64_t)4 << 30)

/* max_memory bounds what decoding may allocate: the profile's arrays,
 * strings and indexes (profile_memory()) and the read window. A small
 * compressed file can describe billions of empty samples, each of which
 * takes more room decoded than encoded; past the bound decoding stops with
 * -E2BIG and one line naming the largest part ("samples", "strings", …).
 * Where the bound comes from (a share of RAM, an option) is the caller's
 * policy. */
struct profile_decode_opts {
	uint64_t max_size;   /* cap on uncompressed bytes; 0 = the default */
	uint64_t max_memory; /* cap on memory, in bytes; 0 = none */
};

/* Decodes `n` bytes at `data`. opts may be NULL. */
int profile_decode(const void *data, size_t n, const struct profile_decode_opts *opts,
		   struct profile **out, struct kerr *err);
/* Decodes everything readable from fd (not closed). */
int profile_decode_fd(int fd, const struct profile_decode_opts *opts,
		      struct profile **out, struct kerr *err);
/* Opens and decodes a file; "-" reads standard input. Error messages are
 * prefixed with the path. */
int profile_read_file(const char *path, const struct profile_decode_opts *opts,
		      struct profile **out, struct kerr *err);

/* pprof's CheckValid on an in-memory profile: sample value counts, ids
 * nonzero and unique, no dangling references, string indices in range.
 * Builds the id indexes as a side effect. */
int profile_check(struct profile *p, struct kerr *err);

#endif
