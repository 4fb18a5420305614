/* A POSIX ustar writer: regular files copied from disk and symbolic
 * links, appended to a file descriptor, for kiln archive. Names longer
 * than ustar's 100 bytes are split into its 155-byte prefix at a '/';
 * longer ones are refused (-ENAMETOOLONG). Owns nothing: the caller opens
 * and closes the descriptor. */
#ifndef KILN_BASE_TAR_H
#define KILN_BASE_TAR_H

#include "err.h"

/* Appends the file at `src` under `name` (mode and mtime from src).
 * Returns 0 or -errno with err naming the file. */
int tar_add_file(int fd, const char *name, const char *src, struct kerr *err);
/* Appends a symlink `name` → `target`. */
int tar_add_symlink(int fd, const char *name, const char *target, struct kerr *err);
/* Writes the two zero blocks that end an archive. */
int tar_finish(int fd, struct kerr *err);

#endif
