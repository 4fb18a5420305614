/* pprof's load-time name simplification (its symbolizer's Demangle step,
 * default mode): a function whose name is empty or equal to its system
 * name gets a demangled name without parameters or template arguments.
 * Names that look like already demangled C++ lose their (...) and <...>;
 * mangled names go through the caller's demangler first. Runs once per
 * function, so its cost is that of the function table. */
#include "names.h"

#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"

static bool looks_like_demangled_cplusplus(const char *s)
{
	if (strstr(s, ".<")) /* Java's class.<init> */
		return false;
	return strpbrk(s, "<>[]") != NULL || strstr(s, "::") != NULL;
}

/* Removes every outermost open..close run, in place; leaves the name as it
 * was when the brackets do not match. */
static void remove_matching(char *s, char open, char close)
{
	size_t len = strlen(s), out = 0;
	char *copy = xmalloc(len + 1);
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == open) {
			depth++;
			continue;
		}
		if (s[i] == close) {
			if (--depth < 0)
				goto out_unchanged;
			continue;
		}
		if (!depth)
			copy[out++] = s[i];
	}
	/* An unclosed bracket keeps what follows it, as pprof does. */
	if (depth == 0) {
		copy[out] = '\0';
		memcpy(s, copy, out + 1);
	}
out_unchanged:
	free(copy);
}

void profile_simplify_names(struct profile *p, char *(*demangle)(const char *))
{
	for (size_t i = 0; i < p->n_functions; i++) {
		struct pf_function *f = &p->functions[i];
		const char *sys = profile_get_str(p, f->system_name);
		char *name, *d;

		if (f->name && f->name != f->system_name)
			continue; /* already demangled by its producer */
		d = demangle && *sys ? demangle(sys) : NULL;
		name = xstrdup(d ? d : sys);
		free(d);
		if (looks_like_demangled_cplusplus(name)) {
			remove_matching(name, '(', ')');
			remove_matching(name, '<', '>');
		}
		if (strcmp(name, profile_get_str(p, f->name)) != 0)
			f->name = profile_str(p, name);
		free(name);
	}
}
