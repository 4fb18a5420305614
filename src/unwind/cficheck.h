/* Private to src/unwind: refusing CFI that would make libdw allocate
 * without bound (cficheck.c). */
#ifndef KILN_UNWIND_CFICHECK_H
#define KILN_UNWIND_CFICHECK_H

#include <stdbool.h>

#include <elfutils/libdw.h>

/* False when the CFI in `section` of elf (".eh_frame" or ".debug_frame")
 * names a register number no architecture has: libdw must not run it.
 * True when it is bounded, or absent, or unreadable (libdw finds nothing
 * to run either). Allocates only a small table; never fails. */
bool cfi_regs_bounded(Elf *elf, const char *section);

#endif
