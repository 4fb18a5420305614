/* Location → (shared object, symbol) names, perf's way (see symkeys.h). */
#include "symkeys.h"

#include <inttypes.h>
#include <string.h>

bool symkey_is_kernel_file(const char *file)
{
	return !strncmp(file, "[kernel.kallsyms]", 17);
}

bool symkey_names(const struct profile *p, const struct pf_location *l, int flags,
		  struct kbuf *dso, struct kbuf *sym)
{
	const struct pf_mapping *m = l->mapping_id ? profile_mapping(p, l->mapping_id) : NULL;
	const char *file = m ? profile_get_str(p, m->filename) : "";
	bool kernel = symkey_is_kernel_file(file);

	if (dso) {
		if (kernel) {
			kbuf_addstr(dso, flags & SYMKEY_PERF_TOP ? "[kernel]" : "[kernel.kallsyms]");
		} else if (file[0]) {
			const char *slash = strrchr(file, '/');
			kbuf_addstr(dso, slash && slash[1] ? slash + 1 : file);
		} else {
			kbuf_addstr(dso, "[unknown]");
		}
	}
	if (sym) {
		const char *name = "";
		if (l->n_line) {
			const struct pf_line *ln = pf_location_lines(p, l) + l->n_line - 1;
			const struct pf_function *f = profile_function(p, ln->function_id);
			name = f ? profile_get_str(p, f->name) : "";
		}
		if (name[0])
			kbuf_addstr(sym, name);
		else
			kbuf_addf(sym, "0x%016" PRIx64, l->address);
	}
	return kernel;
}
