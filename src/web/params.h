/* The web UI's URL parameters: pprof's short names (si, f, i, h, s, sf,
 * prunefrom, tf, ti, g, n, nf, ef, trim, noinlines, mean, rel, unit) plus
 * the UI's own (node: a flame graph subtree; re: the regex of peek and
 * source; file: a source file). Query strings are untrusted input: each
 * value is URL-decoded, capped at WEB_PARAM_MAX bytes, checked (numbers,
 * enumerations), and copied, so a struct web_params owns its strings.
 *
 * web_params_view_opts() turns them into struct report_opts for the render
 * pipeline, starting from the defaults the server was started with;
 * web_params_key() is a canonical string of everything that changes the
 * view (not node/re/file), used to cache one view per set of filters. */
#ifndef KILN_WEB_PARAMS_H
#define KILN_WEB_PARAMS_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../report/report.h"

#define WEB_PARAM_MAX 4096

enum web_param {
	WP_SI, WP_FOCUS, WP_IGNORE, WP_HIDE, WP_SHOW, WP_SHOW_FROM, WP_PRUNE_FROM,
	WP_TAGFOCUS, WP_TAGIGNORE, WP_G, WP_N, WP_NF, WP_EF, WP_TRIM, WP_NOINLINES,
	WP_MEAN, WP_REL, WP_UNIT, WP_NODE, WP_RE, WP_FILE,
	WP_COUNT
};

struct web_params {
	char *v[WP_COUNT];  /* NULL = not given; owned */
};

/* Sets one decoded key/value. Unknown keys are ignored (as pprof does);
 * bad values give -EINVAL with a message naming the key. */
int web_params_set(struct web_params *wp, const char *key, const char *value, struct kerr *err);
/* Parses a raw query string ("a=1&b=%2F+x", no leading '?'). */
int web_params_parse_query(struct web_params *wp, const char *query, struct kerr *err);
void web_params_release(struct web_params *wp);

/* Report options: `dflt` (the command line's) overridden by wp. String
 * fields of *o point into wp or dflt: keep both alive while o is used. */
void web_params_view_opts(const struct web_params *wp, const struct report_opts *dflt,
			  struct report_opts *o);
/* Canonical cache key of the view-changing parameters. */
void web_params_key(const struct web_params *wp, struct kbuf *out);

/* URL-decodes `n` bytes of s ('+' is a space); returns -EINVAL for bad
 * escapes or an embedded NUL. */
int web_url_decode(const char *s, size_t n, struct kbuf *out);

/* The source view's path policy: a path is served only if it contains no
 * ".." component, no NUL, and equals (byte for byte) a file name of one of
 * the profile's functions. Returns 0, or -EACCES with the reason. */
int web_source_path_ok(const char *path, const char *const *allowed, size_t n_allowed,
		       struct kerr *err);

#endif
