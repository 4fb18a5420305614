/* Annotated disassembly of one function of a binary (kiln annotate, the
 * `a` key of kiln top): the function's bytes are read from the ELF file,
 * decoded with capstone, and each instruction gets the samples whose
 * address falls on it; with DWARF line information the source lines are
 * interleaved where they change, as perf annotate prints them.
 *
 * Input is a list of hits in file offsets (a profile mapping's
 * file_offset + address - memory_start), so callers need no knowledge of
 * the ELF layout. The function is chosen by name (as the profile shows it,
 * demangled, or its system name) among the ELF symbol tables; when several
 * symbols share the name (static functions), the one holding most hits
 * wins.
 *
 * Ownership: a struct dis_func owns its lines and their text;
 * dis_func_release() frees them. File name strings in lines belong to the
 * symbolizer and live as long as it does. */
#ifndef KILN_DISASM_DISASM_H
#define KILN_DISASM_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "../symbols/symbols.h"

struct dis_hit {
	uint64_t file_offset; /* of the sampled instruction in the binary */
	int64_t value;        /* samples (or period) on it */
};

enum dis_kind {
	DIS_INSN,   /* an instruction: vaddr, size, value, text */
	DIS_SOURCE, /* a source line: file, line, text (NULL when unreadable) */
};

struct dis_line {
	enum dis_kind kind;
	uint64_t vaddr;     /* ELF virtual address of the instruction */
	uint32_t size;      /* bytes */
	int64_t value;      /* sum of the hits on this instruction */
	char *text;         /* "mnemonic operands" or source text; owned, may be NULL */
	const char *file;   /* DIS_SOURCE: source file (symbolizer's string) */
	int64_t line;       /* DIS_SOURCE: line number */
};

struct dis_func {
	char *name;            /* symbol as found in the binary (demangled); owned */
	uint64_t start, size;  /* ELF virtual address range */
	struct dis_line *lines;
	size_t n_lines, cap_lines;
	int64_t total;         /* sum of hits inside the function */
	int64_t outside;       /* sum of hits outside it (other symbols of that name) */
	size_t n_insns;
};

struct dis_opts {
	bool intel;   /* Intel syntax on x86 (default AT&T, as objdump/perf) */
	bool source;  /* interleave source lines (DWARF) */
};

/* Annotates `name` in the binary at `path` (opened through the symbolizer).
 * build_id, when non-empty, must match the file's: -ESTALE otherwise.
 * Errors: -ENOENT (file or symbol missing), -ESTALE, -ENOEXEC (not ELF or
 * no code bytes for the symbol, e.g. a debug-only file), -ENOTSUP (machine
 * capstone cannot decode here). err gets one line. */
int dis_annotate(struct symbolizer *s, const char *path, const char *build_id,
		 const char *name, const struct dis_hit *hits, size_t n_hits,
		 const struct dis_opts *o, struct dis_func *out, struct kerr *err);
/* The same for code held in memory (a JIT's, from its jitdump): `size`
 * bytes loaded at `start`, for ELF machine `elf_machine` (EM_X86_64 ...);
 * a hit's file_offset is its address here. No source lines. Errors:
 * -ENOTSUP (machine). */
int dis_annotate_code(const char *name, int elf_machine, uint64_t start, const uint8_t *code,
		      uint64_t size, const struct dis_hit *hits, size_t n_hits,
		      const struct dis_opts *o, struct dis_func *out, struct kerr *err);
/* dis_annotate_code() over the JIT code of a jitdump (jit-PID.dump) that
 * holds the hits (their file_offset: addresses): the load holding most of
 * them. -ENOENT when path is no readable jitdump or holds none of them. */
int dis_annotate_jitdump(const char *path, const struct dis_hit *hits, size_t n,
			 const struct dis_opts *o, struct dis_func *out, struct kerr *err);
void dis_func_release(struct dis_func *f); /* tolerates a zeroed struct */

/* Where byte `file_offset` of the binary at `path` lies: its ELF virtual
 * address, and the start of the function symbol covering it (for perf's
 * "sym+0x1f"), or *sym_start = UINT64_MAX when none does. Returns 0, or
 * -ENOENT when the file cannot be read or does not load that offset. */
int dis_locate(struct symbolizer *s, const char *path, uint64_t file_offset, uint64_t *vaddr,
	       uint64_t *sym_start);

#endif
