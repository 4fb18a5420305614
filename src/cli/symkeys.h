/* perf's names for the frames of a profile: the "Shared Object" (base name
 * of the location's mapping, "[kernel.kallsyms]" — or "[kernel]" as perf
 * top says — for the kernel, "[unknown]" without a mapping) and the
 * "Symbol" (the address's outermost, non-inlined function, as perf shows it
 * without --inline; "0x%016x" of the address when unsymbolized), with the
 * [k]/[.] marker separate. Shared by kiln top, diff and script so they name
 * frames the same way as kiln report's perf view. */
#ifndef KILN_CLI_SYMKEYS_H
#define KILN_CLI_SYMKEYS_H

#include <stdbool.h>

#include "../base/buf.h"
#include "../profile/profile.h"

enum { SYMKEY_PERF_TOP = 1 << 0 }; /* "[kernel]" instead of "[kernel.kallsyms]" */

/* Appends the shared object and symbol names of location l (p indexed) to
 * dso and sym (either may be NULL); returns true for kernel frames. */
bool symkey_names(const struct profile *p, const struct pf_location *l, int flags,
		  struct kbuf *dso, struct kbuf *sym);

/* True when the mapping file names kernel text. */
bool symkey_is_kernel_file(const char *file);

#endif
