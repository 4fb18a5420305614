/* Writing a Profile as profile.proto, raw or gzip-compressed, to memory or
 * atomically to a file. */
#ifndef KILN_PROFILE_ENCODE_H
#define KILN_PROFILE_ENCODE_H

#include <stdbool.h>

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
/* Writes the gzip encoding to `path` with write_file_atomic(). */
int profile_write_file(const struct profile *p, const char *path, struct kerr *err);
/* Writes `n` bytes to `path`, by what `path` names:
 *  - a regular file or nothing: atomically, through a temporary file in the
 *    same folder, fsync and rename; on failure the old file is untouched
 *    and no temporary is left behind;
 *  - a character device (/dev/null), a FIFO or a Unix stream socket: in
 *    place (opened, or connected to, and written), as perf and a shell
 *    redirection do; the node itself is never replaced. A FIFO's open
 *    waits for a reader;
 *  - a symbolic link is followed: what it points to is written by these
 *    rules and the link stays a link (a dangling link creates the file
 *    it names, as open(O_CREAT) would);
 *  - a block device or a folder: refused.
 * Returns 0 or -errno with err set. */
int write_file_atomic(const char *path, const void *data, size_t n, struct kerr *err);
/* The same, with the fsync before the rename only when `sync`: atomic for
 * readers, but not durable across a system crash (libkiln's many small
 * profiles at process exit, where an fsync each costs more than the run). */
int write_file_atomic_sync(const char *path, const void *data, size_t n, bool sync,
			   struct kerr *err);

#endif
