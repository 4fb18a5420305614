/* Writing a Profile as profile.proto, raw or gzip-compressed, to memory or
 * atomically to a file. */
#ifndef KILN_PROFILE_ENCODE_H
#define KILN_PROFILE_ENCODE_H

#include "../base/buf.h"
#include "../base/err.h"
#include "profile.h"

/* Appends the uncompressed protobuf encoding of p to out. */
void profile_encode(const struct profile *p, struct kbuf *out);
/* Appends the gzip-compressed encoding. Returns 0 or -ENOMEM/-EIO. */
int profile_encode_gzip(const struct profile *p, struct kbuf *out, struct kerr *err);
/* gzip-compresses `n` bytes of `data` onto out with the given zlib level. */
int gzip_compress(const void *data, size_t n, int level, struct kbuf *out,
		  struct kerr *err);
/* Writes the gzip encoding to `path` atomically: a temporary file in the same
 * folder, fsync, rename. On failure the old file (if any) is untouched and no
 * temporary is left behind. Returns 0 or -errno. */
int profile_write_file(const struct profile *p, const char *path, struct kerr *err);
/* The same atomic write for any bytes. */
int write_file_atomic(const char *path, const void *data, size_t n, struct kerr *err);

#endif
