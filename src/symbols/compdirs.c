/* The folders a binary was compiled in, from its DWARF: each compile
 * unit's DW_AT_comp_dir and the folder of its primary source file
 * (DW_AT_name, joined to comp_dir when relative). kiln web serves source
 * files only from such folders and the ones the user names. Only CU
 * headers are read (no line tables); each folder is reported once. */
#include "internal.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/strtab.h"

/* Caps against corrupt or enormous DWARF. */
#define MAX_CUS (1u << 20)

static void report(struct strtab *seen, const char *dir, size_t len,
		   void (*fn)(void *ctx, const char *dir), void *ctx)
{
	size_t before = seen->n;

	if (!len || dir[0] != '/')
		return;
	strtab_intern(seen, dir, len);
	if (seen->n != before)
		fn(ctx, strtab_get(seen, seen->n - 1));
}

int sym_file_comp_dirs(struct sym_file *f, void (*fn)(void *ctx, const char *dir), void *ctx)
{
	Elf *elf = sym_file_debug_elf(f) ? sym_file_debug_elf(f) : sym_file_elf(f);
	struct strtab seen;
	struct kbuf path = KBUF_INIT;
	Dwarf *dbg;
	Dwarf_Off off = 0, next;
	size_t hsize;
	unsigned n = 0;

	if (!elf || !(dbg = dwarf_begin_elf(elf, DWARF_C_READ, NULL)))
		return -ENODATA;
	strtab_init(&seen);
	while (n++ < MAX_CUS && dwarf_nextcu(dbg, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		Dwarf_Attribute mem;
		const char *comp, *name, *slash;

		if (dwarf_offdie(dbg, off + hsize, &cu)) {
			comp = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &mem));
			name = dwarf_formstring(dwarf_attr(&cu, DW_AT_name, &mem));
			if (comp)
				report(&seen, comp, strlen(comp), fn, ctx);
			if (name) {
				kbuf_reset(&path);
				if (name[0] != '/' && comp)
					kbuf_addf(&path, "%s/", comp);
				kbuf_addstr(&path, name);
				slash = strrchr(path.buf, '/');
				if (slash)
					report(&seen, path.buf, (size_t)(slash - path.buf), fn, ctx);
			}
		}
		off = next;
	}
	kbuf_release(&path);
	strtab_release(&seen);
	dwarf_end(dbg);
	return 0;
}
