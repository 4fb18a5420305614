/* Private to src/disasm: finding a function's symbol and bytes in an ELF
 * file, and reading source files line by line. */
#ifndef KILN_DISASM_INTERNAL_H
#define KILN_DISASM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"
#include "disasm.h"

/* A function symbol candidate: [start, start + size). name is malloc'd. */
struct func_sym {
	char *name;
	uint64_t start, size;
};

/* Every function symbol called `name` (raw or demangled) in the file's
 * symbol tables and in its debug file's. Returns how many (the caller
 * frees each name and the array). */
size_t elfsym_find_by_name(const struct sym_file *f, const char *name, struct func_sym **out);
/* The function symbol covering vaddr; 0 when found, -ENOENT otherwise. */
int elfsym_find_at(const struct sym_file *f, uint64_t vaddr, struct func_sym *out);
/* Copies `size` bytes loaded at vaddr from the file's sections into buf
 * (malloc'd). -ENOEXEC when no section with file contents covers them. */
int elfsym_read(const struct sym_file *f, uint64_t vaddr, uint64_t size, uint8_t **buf,
		struct kerr *err);
/* The ELF machine (EM_*) of the file, 0 when unknown. */
int elfsym_machine(const struct sym_file *f);

/* Source files read once each; lines are looked up by number. */
struct src_cache;
struct src_cache *src_cache_new(void);
void src_cache_free(struct src_cache *c); /* NULL-tolerant */
/* The text of line `line` (1-based) of `file`, without its newline; NULL
 * when the file cannot be read or is shorter. Valid until src_cache_free. */
const char *src_cache_line(struct src_cache *c, const char *file, int64_t line);

#endif
