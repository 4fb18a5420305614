/* JIT dumps, jit-PID.dump: the file a JIT (node --perf-prof, the JVM's
 * perf agent, wasmtime ...) writes as it compiles, in perf's jitdump format
 * (tools/perf/Documentation/jitdump-specification.txt): a header, then
 * records of code loaded (name, address, the code bytes), code moved,
 * source lines of a function's code (before its load) and unwinding info.
 * The JIT mmaps the file executable, so a recording sees a MMAP of it.
 *
 * Outside input: a short or corrupt record ends the reading with what came
 * before kept and `truncated` set (a JIT still writing, or killed, leaves
 * one); a file that is not a jitdump is an error. Records are trusted for
 * nothing: sizes are checked against the file before any read.
 *
 * Ownership: everything a jitdump returns (names, files, code bytes) lives
 * until jitdump_free(). Not thread-safe. */
#ifndef KILN_SYMBOLS_JITDUMP_H
#define KILN_SYMBOLS_JITDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "symbols.h"

/* A source position from JIT_CODE_DEBUG_INFO: from `addr` on (until the
 * next entry) the code is `file`:`line`. */
struct jitdump_line {
	uint64_t addr;
	const char *file;
	int64_t line;
};

/* One function's code where it lies now (after any JIT_CODE_MOVE). */
struct jitdump_code {
	uint64_t addr, size;
	const char *name;
	const unsigned char *code;         /* size bytes as loaded */
	const struct jitdump_line *lines;  /* by address; n_lines may be 0 */
	size_t n_lines;
	size_t seq;                        /* record order: later code wins */
};

struct jitdump {
	uint32_t pid, elf_mach;            /* from the header */
	uint64_t flags;
	size_t n_code;                     /* loads kept */
	size_t n_moves;
	bool truncated;                    /* a record was short or corrupt */
	uint64_t bad_offset;               /* where, when truncated */
};

/* Reads a jitdump from memory (copied). Returns 0 and *out (a file with no
 * record is fine), or -EINVAL with err when it has no jitdump header. */
int jitdump_parse(const void *data, size_t size, struct jitdump **out, struct kerr *err);
/* The same from a file: also -errno from open/read, -EFBIG for a file
 * over `max_size` bytes (0: 1 GiB). */
int jitdump_load(const char *path, size_t max_size, struct jitdump **out, struct kerr *err);
void jitdump_free(struct jitdump *j); /* NULL-tolerant */

/* The code covering addr (of the loads enclosing it, the latest), or NULL. */
const struct jitdump_code *jitdump_find(const struct jitdump *j, uint64_t addr);
/* Returns 1 and fills f (name; file and line where debug info has them),
 * or 0. */
int jitdump_lookup(const struct jitdump *j, uint64_t addr, struct sym_frame *f);

/* True when the last component of path is jit-PID.dump; sets *pid. */
bool jitdump_name(const char *path, int *pid);

#endif
