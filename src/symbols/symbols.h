/* Symbols: turning addresses in binaries into function names, source files,
 * lines and inline chains. ELF .symtab/.dynsym via libelf, separate debug
 * files (build-id under /usr/lib/debug/.build-id, .gnu_debuglink), DWARF
 * lines and inlined subroutines via libdw, kernel symbols from
 * /proc/kallsyms, JIT maps from /tmp/perf-PID.map, C++/Rust demangling.
 *
 * A symbolizer caches every opened file; all strings it returns (names,
 * files, build ids) stay valid until symbolizer_free(). Not thread-safe. */
#ifndef KILN_SYMBOLS_SYMBOLS_H
#define KILN_SYMBOLS_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

/* One frame at an address: innermost inlined function first. */
struct sym_frame {
	const char *name;        /* demangled name; never NULL when returned */
	const char *system_name; /* symbol as in the binary (mangled) */
	const char *file;        /* source file, NULL when unknown */
	int64_t line, column;    /* 0 when unknown */
	int64_t start_line;      /* first line of the function, 0 when unknown */
};

struct sym_file_info {
	const char *path;        /* the path it was opened with */
	const char *build_id;    /* lowercase hex, "" when none */
	const char *debug_path;  /* separate debug file used, NULL when none */
	bool has_functions;      /* any symbol table */
	bool has_filenames;      /* DWARF line info */
	bool has_line_numbers;
	bool has_inline_frames;
};

struct symbolizer;
struct sym_file;

struct symbolizer *symbolizer_new(void);
void symbolizer_free(struct symbolizer *s); /* NULL-tolerant */

/* Opens a binary, or returns the cached one. `path` may be /proc/PID/root/...
 * for binaries in other mount namespaces. Returns 0 and *out, -ENOENT when
 * missing, -ENOEXEC when not ELF; err says which file and why. A failed open
 * is cached too, so a missing file costs one attempt. */
int sym_file_open(struct symbolizer *s, const char *path, struct sym_file **out,
		  struct kerr *err);
/* Opens the vdso image of this process (identical in all processes of the
 * same kernel) under the name "[vdso]". */
int sym_file_open_vdso(struct symbolizer *s, struct sym_file **out, struct kerr *err);
const struct sym_file_info *sym_file_info(const struct sym_file *f);

/* Symbolizes the instruction at byte `file_offset` of the file (the offset
 * into the ELF file, as a mapping's pgoff + (addr - start) gives it).
 * Writes up to `max` frames, innermost first; returns how many (0 when no
 * symbol covers the address). */
int sym_file_lookup(struct sym_file *f, uint64_t file_offset,
		    struct sym_frame *frames, int max);

/* Kernel symbols from /proc/kallsyms (needs kptr_restrict permitting, as
 * root it is). */
struct ksyms;
int ksyms_load(struct ksyms **out, struct kerr *err);
void ksyms_free(struct ksyms *k);
/* Returns 1 and fills f->name/system_name (module symbols as "name [mod]"),
 * or 0 when the address is outside every symbol. */
int ksyms_lookup(const struct ksyms *k, uint64_t addr, struct sym_frame *f);
/* Lowest and highest kernel text address (_text/_stext .. _etext or the
 * last symbol), for the kernel mapping. */
void ksyms_text_range(const struct ksyms *k, uint64_t *start, uint64_t *end);

/* JIT symbol maps, /tmp/perf-PID.map ("START SIZE name" per line, hex). */
struct perfmap;
int perfmap_load(int pid, struct perfmap **out, struct kerr *err); /* -ENOENT if absent */
void perfmap_free(struct perfmap *m);
int perfmap_lookup(const struct perfmap *m, uint64_t addr, struct sym_frame *f);

/* Demangles C++ (_Z) and Rust (_R, legacy _ZN..17h<hash>E) names. Returns a
 * malloc'd string, or NULL when `name` is not mangled. */
char *sym_demangle(const char *name);

#endif
