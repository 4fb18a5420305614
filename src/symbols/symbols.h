/* Symbols: turning addresses in binaries into function names, source files,
 * lines and inline chains. ELF .symtab/.dynsym via libelf, separate debug
 * files (build-id under /usr/lib/debug/.build-id, .gnu_debuglink), DWARF
 * lines and inlined subroutines via libdw, kernel symbols from
 * /proc/kallsyms, JIT maps from /tmp/perf-PID.map (jitdumps: jitdump.h),
 * debuginfod (debuginfod.h), C++/Rust demangling.
 *
 * A symbolizer caches every opened file; all strings it returns (names,
 * files, build ids) stay valid until symbolizer_free(). Opening is cheap (a
 * mmap and one pass over the section headers); symbol tables and DWARF are
 * read on the first lookup in a file, so a library never asked about costs
 * nothing more. Not thread-safe: one symbolizer per thread.
 *
 * Binaries are untrusted input: a corrupt or truncated file gives an error
 * or zero frames, never a crash. Files are mapped read-only, so a binary
 * truncated on disk while open can still raise SIGBUS (as in perf and
 * libdwfl); replaced files (the usual upgrade) are safe. */
#ifndef KILN_SYMBOLS_SYMBOLS_H
#define KILN_SYMBOLS_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

/* One frame at an address: innermost inlined function first. As in pprof's
 * Location.line: each frame's line is where execution is in that function
 * (for an inlined callee's caller, the line of the call). */
struct sym_frame {
	const char *name;        /* demangled name; never NULL when returned */
	const char *system_name; /* symbol as in the binary (mangled) */
	const char *file;        /* source file, NULL when unknown */
	int64_t line, column;    /* 0 when unknown */
	int64_t start_line;      /* first line of the function, 0 when unknown */
};

/* What a file can tell, from the sections present when it was opened (DWARF
 * is parsed only on the first lookup). */
struct sym_file_info {
	const char *path;        /* the path it was opened with */
	const char *build_id;    /* lowercase hex, "" when none */
	const char *debug_path;  /* separate debug file used, NULL when none */
	bool has_functions;      /* .symtab, or a .dynsym defining functions */
	bool has_filenames;      /* DWARF line info */
	bool has_line_numbers;
	bool has_inline_frames;  /* DWARF .debug_info: inlined calls are reported
				  * wherever the compiler recorded them */
};

struct symbolizer;
struct sym_file;

struct symbolizer *symbolizer_new(void);
void symbolizer_free(struct symbolizer *s); /* NULL-tolerant */

/* Sets the global debug directory searched for separate debug files
 * (default "/usr/lib/debug"): DIR/.build-id/xx/yyyy.debug and
 * DIR/<binary's dir>/<debuglink>. NULL disables both; a debuglink next to
 * the binary or in its .debug/ subdirectory is still found. Affects files
 * opened afterwards. */
void symbolizer_set_debug_dir(struct symbolizer *s, const char *dir);

/* Where debug files missing locally come from (debuginfod, see
 * debuginfod.h). debuginfo() is asked once per file with a build id whose
 * DWARF and symbol table were found neither in it nor in a local debug
 * file; it returns 0 with *path set to a local copy (malloc'd, the caller
 * frees it), -ENOENT when there is none, or another -errno. What it cannot
 * do it keeps to itself (its owner reports it): the symbolizer carries on
 * without. */
struct sym_fetcher {
	int (*debuginfo)(void *ctx, const char *build_id, char **path);
	void *ctx;
};

/* Sets (NULL: clears) the fetcher for files opened afterwards; f is copied,
 * its ctx must outlive the symbolizer. */
void symbolizer_set_fetcher(struct symbolizer *s, const struct sym_fetcher *f);

/* Opens a binary, or returns the cached one. `path` may be /proc/PID/root/...
 * for binaries in other mount namespaces (debug files are then looked up
 * under the same root). Returns 0 and *out, -ENOENT when missing, -ENOEXEC
 * when not ELF; err says which file and why. A failed open is cached too,
 * so a missing file costs one attempt. *out lives until symbolizer_free(). */
int sym_file_open(struct symbolizer *s, const char *path, struct sym_file **out,
		  struct kerr *err);
/* Opens the vdso image of this process (identical in all processes of the
 * same kernel) under the name "[vdso]". */
int sym_file_open_vdso(struct symbolizer *s, struct sym_file **out, struct kerr *err);
/* Opens an ELF image held in memory under `name` (copied; the caller keeps
 * `data`), or returns the file cached under that name. Separate debug files
 * are looked up by build id only. */
int sym_file_open_memory(struct symbolizer *s, const char *name, const void *data,
			 size_t size, struct sym_file **out, struct kerr *err);
const struct sym_file_info *sym_file_info(const struct sym_file *f);

/* Symbolizes the instruction at byte `file_offset` of the file (the offset
 * into the ELF file, as a mapping's pgoff + (addr - start) gives it).
 * Writes up to `max` frames, innermost first; returns how many (0 when no
 * symbol covers the address). When the inline chain is longer than `max`,
 * the innermost frames are dropped: the last frame is always the real
 * (outermost) function. */
int sym_file_lookup(struct sym_file *f, uint64_t file_offset,
		    struct sym_frame *frames, int max);
/* The same for an ELF virtual address (as symbol tables and DWARF use). */
int sym_file_lookup_vaddr(struct sym_file *f, uint64_t vaddr,
			  struct sym_frame *frames, int max);
/* Translates a file offset to the ELF virtual address through the PT_LOAD
 * program headers (an executable segment wins over others covering the same
 * bytes). Returns 0, or -ENOENT when no segment holds the offset. */
int sym_file_vaddr(const struct sym_file *f, uint64_t file_offset, uint64_t *vaddr);

/* The libelf handles of the file and of its separate debug file (NULL when
 * none was found or the open failed), for readers of other sections such
 * as the unwinder's .eh_frame/.debug_frame. Owned by the symbolizer. */
typedef struct Elf Elf;
Elf *sym_file_elf(const struct sym_file *f);
Elf *sym_file_debug_elf(const struct sym_file *f);

/* Calls fn once per folder the file's DWARF says it was compiled in: each
 * compile unit's DW_AT_comp_dir and the folder of its primary source file
 * (absolute paths only; dir is valid during the call). Reads the separate
 * debug file when there is one. Returns 0, or -ENODATA without DWARF. */
int sym_file_comp_dirs(struct sym_file *f, void (*fn)(void *ctx, const char *dir), void *ctx);

/* Kernel symbols from /proc/kallsyms (needs kptr_restrict permitting, as
 * root it is): text symbols (t, T, w, W) only. -EPERM when every address
 * reads as zero. The strings live until ksyms_free(). With a cache_dir
 * (created if missing, its parent too; NULL for none), a copy keyed on the
 * boot and the loaded modules is kept there and read instead next time. */
struct ksyms;
int ksyms_load(const char *cache_dir, struct ksyms **out, struct kerr *err);
/* The same from another file in kallsyms format (a saved copy, tests). */
int ksyms_load_file(const char *path, struct ksyms **out, struct kerr *err);
void ksyms_free(struct ksyms *k);
/* Returns 1 and fills f->name/system_name (module symbols as "name [mod]"),
 * or 0 when the address is outside every symbol. A symbol ends where the
 * next one starts; the last of the kernel or of a module covers at most
 * 64 KiB, and nothing resolves past _etext to it. */
int ksyms_lookup(const struct ksyms *k, uint64_t addr, struct sym_frame *f);
/* Lowest and highest kernel text address (_text/_stext .. _etext or the
 * last symbol), for the kernel mapping; modules lie outside it. Both 0 when
 * no kernel symbol was read. */
void ksyms_text_range(const struct ksyms *k, uint64_t *start, uint64_t *end);

/* The running kernel's build id from its notes (`notes`: NULL for
 * /sys/kernel/notes), as lowercase hex into out. Returns 0, -errno when
 * the file cannot be read, -ENODATA without a GNU build-id note. */
int sym_kernel_build_id(const char *notes, char out[129], struct kerr *err);

/* JIT symbol maps, /tmp/perf-PID.map ("START SIZE name" per line, hex).
 * Where entries overlap, the later line wins (JITs reuse code memory). The
 * strings live until perfmap_free(). */
struct perfmap;
int perfmap_load(int pid, struct perfmap **out, struct kerr *err); /* -ENOENT if absent */
int perfmap_load_file(const char *path, struct perfmap **out, struct kerr *err);
void perfmap_free(struct perfmap *m);
/* Returns 1 and fills f->name (demangled) and f->system_name, or 0. */
int perfmap_lookup(const struct perfmap *m, uint64_t addr, struct sym_frame *f);

/* Demangles C++ (_Z) and Rust (_R, legacy _ZN..17h<hash>E, the hash
 * dropped) names. Returns a malloc'd string, or NULL when `name` is not
 * mangled. */
char *sym_demangle(const char *name);

#endif
