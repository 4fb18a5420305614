/* perf's build-id cache (~/.debug), in its own layout so that perf and
 * kiln share one cache: a file with build id B recorded at /P is copied to
 * DIR/P/B/elf (a debug file to DIR/P/B/debug), with an empty DIR/P/B/probes
 * as perf 6.1 writes, and DIR/.build-id/B[0:2]/B[2:] is a symlink to
 * ../../P/B. kiln archive lays its tar out the same way.
 *
 * DIR is given by the caller. Functions return 0 or -errno with err set to
 * one line naming the file. */
#ifndef KILN_SYMBOLS_BIDCACHE_H
#define KILN_SYMBOLS_BIDCACHE_H

#include <stdbool.h>

#include "../base/buf.h"
#include "../base/err.h"

/* "B[0:2]/B[2:]": the link's name under .build-id (malloc'd). */
char *bidcache_link_name(const char *bid);
/* The directory an entry lives in, relative to DIR: "P/B" with P the
 * file's absolute path without its leading '/' (malloc'd). */
char *bidcache_entry_dir(const char *abs_path, const char *bid);

/* The cached file of build id bid: DIR/.build-id/xx/yyyy/elf, else /debug,
 * else the link itself when it names a file (older perf). Returns 0 and
 * *out (malloc'd), or -ENOENT. */
int bidcache_lookup(const char *dir, const char *bid, char **out);

/* Adds the ELF file `path` (made absolute) under its build id. *bid gets
 * the build id (malloc'd; the caller frees it), also when the entry was
 * there already (*added false). -ENOEXEC for a non-ELF file, -ENODATA for
 * one without a build id. */
int bidcache_add(const char *dir, const char *path, char **bid, bool *added, struct kerr *err);
/* Removes the entry of `path`'s current build id (remove) or every entry
 * cached under its path (purge: old builds too). -ENOENT when none. */
int bidcache_remove(const char *dir, const char *path, struct kerr *err);
int bidcache_purge(const char *dir, const char *path, struct kerr *err);
/* Removes every entry: DIR/.build-id and what its links point to. */
int bidcache_purge_all(const char *dir, struct kerr *err);
/* "<bid> <path>" lines, one per entry of DIR/.build-id (sorted by build
 * id), as perf buildid-cache -l prints them. */
int bidcache_list(const char *dir, struct kbuf *out, struct kerr *err);

#endif
