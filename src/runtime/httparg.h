/* What /debug/pprof (http.c) reads from a request besides what
 * libmicrohttpd parses itself: integer query arguments (?seconds=, ?debug=)
 * and the body of POST /debug/pprof/symbol. Header-only, without the rest
 * of libkiln, so the fuzz target tests/fuzz/fuzz-rthttp.c compiles exactly
 * this code. */
#ifndef KILN_RUNTIME_HTTPARG_H
#define KILN_RUNTIME_HTTPARG_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "../base/buf.h"

/* An integer query argument's value `s` (NULL when absent): `dflt` when
 * absent or empty, -1 when malformed or negative. */
static inline long rt_http_arg_value(const char *s, long dflt)
{
	char *end;
	long v;

	if (!s || !*s)
		return dflt;
	errno = 0;
	v = strtol(s, &end, 10);
	return (errno || *end || v < 0) ? -1 : v;
}

/* Appends a name for `addr` to `out` and returns true, or returns false
 * leaving `out` as it was (rt_symbolize_name() in libkiln). */
typedef int (*rt_http_symbolize_fn)(uintptr_t addr, struct kbuf *out, bool with_line);

/* pprof's remote symbolization: `body` is "0xADDR+0xADDR..." (NUL-
 * terminated); appends the reply, "num_symbols: 1" then "0xADDR name" for
 * each address that has a name, to `out`. */
static inline void rt_http_symbol_reply(const char *body, rt_http_symbolize_fn symbolize,
					struct kbuf *out)
{
	const char *s = body;
	char *end;

	kbuf_addstr(out, "num_symbols: 1\n");
	while (*s) {
		unsigned long long a = strtoull(s, &end, 0);
		size_t mark;

		if (end == s)
			break;
		mark = out->len;
		kbuf_addf(out, "%#llx ", a);
		if (!symbolize((uintptr_t)a, out, false))
			out->len = mark, out->buf[mark] = '\0';
		else
			kbuf_addch(out, '\n');
		s = end;
		while (*s == '+' || *s == ' ')
			s++;
	}
}

#endif
