/* perf's sort keys and frame names (see perfkeys.h). */
#include "perfkeys.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "paths.h"

int perf_keys_parse(struct perf_keys *k, const char *spec, struct kerr *err)
{
	static const char *const names[] = { "comm", "pid", "tid", "dso", "sym" };
	const char *s = spec;

	memset(k, 0, sizeof(*k));
	while (*s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		size_t i;

		for (i = 0; i < PERF_N_KEYS; i++)
			if (strlen(names[i]) == len && !strncmp(s, names[i], len))
				break;
		if (i == PERF_N_KEYS && len == 6 && !strncmp(s, "symbol", 6))
			i = PERF_KEY_SYM;
		if (i == PERF_N_KEYS)
			return kerr_set(err, -EINVAL,
					"unknown --sort key '%.*s' (keys: comm, pid, tid, dso, sym)",
					(int)len, s);
		if (k->n == PERF_MAX_KEYS)
			return kerr_set(err, -EINVAL, "too many --sort keys");
		k->v[k->n++] = (enum perf_key)i;
		k->use[i] = true;
		s = end ? end + 1 : s + len;
	}
	if (!k->n)
		return kerr_set(err, -EINVAL, "--sort needs at least one key");
	return 0;
}

const char *perf_key_header(enum perf_key k)
{
	static const char *const h[] = { "Command", "Pid:Command", "Tid", "Shared Object", "Symbol" };
	return h[k];
}

bool perf_is_kernel_file(const char *file)
{
	return !strncmp(file, "[kernel.kallsyms]", 17);
}

bool perf_frame_names(const struct profile *p, const struct pf_location *l, int flags,
		      struct kbuf *dso, struct kbuf *sym)
{
	const struct pf_mapping *m = l->mapping_id ? profile_mapping(p, l->mapping_id) : NULL;
	const char *file = m ? profile_get_str(p, m->filename) : "";
	bool kernel = perf_is_kernel_file(file);

	if (dso) {
		if (kernel)
			kbuf_addstr(dso, flags & PERF_FRAME_TOP ? "[kernel]" : "[kernel.kallsyms]");
		else if (file[0])
			path_base(dso, file);
		else
			kbuf_addstr(dso, "[unknown]");
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
