/* Demangling of C++ and Rust symbol names, once per distinct name (the
 * symbolizer caches the results). With libiberty, its Rust and C++ (v3)
 * demanglers are called directly rather than through cplus_demangle():
 * that one lives in cplus-dem.o, which pulls in libiberty's xmalloc() and
 * xstrdup() and would clash with base's allocators of the same names.
 * Without libiberty, __cxa_demangle from the C++ runtime does C++ and
 * legacy Rust (as C++), with the Rust hash stripped here. */
#include "symbols.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_LIBIBERTY
#include <libiberty/demangle.h>
#else
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);
#endif

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* Legacy Rust: _ZN...17h<16 hex>E, the hash of the crate that pprof and
 * perf drop (shown as a last "::h<hash>" component by C++ demanglers). */
static bool is_rust_legacy(const char *name)
{
	size_t n = strlen(name);

	return n > 24 && strncmp(name, "_ZN", 3) == 0 && name[n - 1] == 'E' &&
	       strncmp(name + n - 20, "17h", 3) == 0 && all_hex(name + n - 17, 16);
}

static void strip_rust_hash(char *s)
{
	size_t n = strlen(s);
	char *h;

	if (n < 19)
		return;
	h = s + n - 19;
	if (strncmp(h, "::h", 3) == 0 && all_hex(h + 3, 16))
		*h = '\0';
}

char *sym_demangle(const char *name)
{
	char *r = NULL;

	if (!name || name[0] != '_' || (name[1] != 'Z' && name[1] != 'R'))
		return NULL;
#ifdef HAVE_LIBIBERTY
	/* Legacy Rust names are valid C++ names too: Rust first. */
	r = rust_demangle(name, DMGL_PARAMS | DMGL_ANSI);
	if (!r && name[1] == 'Z')
		r = cplus_demangle_v3(name, DMGL_PARAMS | DMGL_ANSI);
#else
	int status = 0;

	if (name[1] == 'Z')
		r = __cxa_demangle(name, NULL, NULL, &status);
	if (status != 0) {
		free(r);
		r = NULL;
	}
#endif
	if (r && is_rust_legacy(name))
		strip_rust_hash(r);
	return r;
}
