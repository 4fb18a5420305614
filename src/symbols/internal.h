/* Private to src/symbols: the ELF image, symbol table, debug file search
 * and DWARF pieces that symbolizer.c puts together per file. */
#ifndef KILN_SYMBOLS_INTERNAL_H
#define KILN_SYMBOLS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <elfutils/libdw.h>
#include <gelf.h>

#include "../base/arena.h"
#include "../base/err.h"
#include "symbols.h"

/* Longest build id we keep (GNU ld writes 20 bytes; 64 is generous). */
#define BUILD_ID_MAX 64

/* One ELF image kept open for the file's lifetime: a read-only mmap of a
 * file (its descriptor already closed) or a private copy in memory. What
 * the one scan of its section headers found is kept beside it. Pointers
 * into the image (section names, debuglink) live until elf_image_close(). */
struct elf_image {
	Elf *elf;               /* NULL when not open */
	void *mem;              /* malloc'd image behind elf_memory(), else NULL */
	dev_t dev;              /* of the file, to avoid taking it for its own */
	ino_t ino;              /* debug file; 0 for memory images */
	Elf_Scn *symtab;        /* SHT_SYMTAB with data, NULL when stripped */
	Elf_Scn *dynsym;        /* SHT_DYNSYM with data */
	bool dynsym_has_funcs;  /* .dynsym defines at least one function */
	bool has_debug_info;    /* .debug_info or .zdebug_info with data */
	bool has_debug_line;
	const char *debuglink;  /* .gnu_debuglink file name, NULL when none */
	uint32_t debuglink_crc;
	char build_id[2 * BUILD_ID_MAX + 1]; /* lowercase hex, "" when none */
};

/* Opens a file: 0, -errno from open(), or -ENOEXEC when not ELF. */
int elf_image_open_file(struct elf_image *im, const char *path, struct kerr *err);
/* Takes ownership of `mem` (malloc'd), also on failure. */
int elf_image_open_memory(struct elf_image *im, const char *name, void *mem,
			  size_t size, struct kerr *err);
void elf_image_close(struct elf_image *im); /* tolerates a closed image */

/* A PT_LOAD program header: file bytes [offset, offset+filesz) are loaded
 * at vaddr. */
struct segment {
	uint64_t offset, filesz, vaddr;
	bool exec;
};
struct segvec { struct segment *v; size_t n, cap; };

void elf_image_segments(const struct elf_image *im, struct segvec *out);
bool segments_to_vaddr(const struct segvec *s, uint64_t offset, uint64_t *vaddr);

/* A function symbol covering [addr, end). The name points into the ELF
 * string table of the image it came from. */
struct elf_sym {
	uint64_t addr, end;
	const char *name;
	uint32_t rank;          /* preference among aliases; build time only */
};
struct symvec { struct elf_sym *v; size_t n, cap; };

/* Orders symbols by address, and aliases at one address by preference:
 * higher rank first, then the shorter name, then by name. Shared by the
 * ELF and kallsyms tables. */
int sym_alias_cmp(uint64_t a_addr, uint32_t a_rank, const char *a_name,
		  uint64_t b_addr, uint32_t b_rank, const char *b_name);

/* Adds the function symbols of a symbol table section; call for each
 * table, then elf_symtab_finish() once. */
void elf_symtab_add(struct symvec *t, const struct elf_image *im, Elf_Scn *scn);
/* Sorts, keeps one symbol per address and gives zero-size symbols an end. */
void elf_symtab_finish(struct symvec *t);
const struct elf_sym *elf_symtab_find(const struct symvec *t, uint64_t vaddr);

/* Finds and opens the separate debug file of `main` (see symbols.h for the
 * places searched). `path` is the main file's path (NULL for a memory
 * image: build id only); `debug_dir` may be NULL. Returns 0 with `dbg` open
 * and *found set to its path (in `a`), or -ENOENT. */
int debug_file_find(const struct elf_image *main, const char *path,
		    const char *debug_dir, struct elf_image *dbg,
		    const char **found, struct arena *a);
/* Opens `path` as the debug file of `main` when it has the same build id
 * and holds a symbol table or DWARF: 0, else -ENOENT with dbg closed. */
int debug_file_try(const struct elf_image *main, const char *path, struct elf_image *dbg);
/* The CRC-32 .gnu_debuglink uses (zlib's polynomial), for tests. */
uint32_t debuglink_crc32(uint32_t crc, const void *data, size_t n);

/* DWARF of one image, opened on first use. Strings returned point into
 * libdw's data and live until sym_dwarf_free(). */
struct sym_dwarf;

struct dw_frame {
	const char *name;       /* DW_AT_name, NULL when absent */
	const char *linkage;    /* DW_AT_linkage_name, NULL when absent */
	const char *file;
	int64_t line, column, decl_line;
};

/* NULL when libdw cannot read the image's DWARF. */
struct sym_dwarf *sym_dwarf_open(Elf *elf);
void sym_dwarf_free(struct sym_dwarf *d);
/* Looks up vaddr. Fills *line with the line table row (file NULL when no
 * row covers it) and returns the function chain, innermost first, through
 * *frames (valid until the next call); returns its length, 0 when no
 * function DIE covers vaddr. */
int sym_dwarf_lookup(struct sym_dwarf *d, uint64_t vaddr, struct dw_frame *line,
		     const struct dw_frame **frames);

#endif
