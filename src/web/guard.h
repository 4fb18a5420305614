/* The web server's access rules as pure functions, so they are unit-tested
 * apart from the server (tests/web/test-guard.c):
 *
 * - Host names: while kiln listens on loopback, a page from another origin
 *   can reach it through a DNS name of its own that resolves to 127.0.0.1
 *   (DNS rebinding). Only literal loopback forms are names of this server:
 *   a dotted quad in 127.0.0.0/8, "[::1]", "localhost", each with an
 *   optional ":PORT", or exactly the name the user gave to --http.
 * - The per-run token: a request proves it comes from someone who saw the
 *   printed URL by carrying the token in ?token= or in the cookie that the
 *   first such request sets. Compared in constant time.
 * - Source roots: a source file is served only if it is a regular file
 *   whose real path (symlinks resolved) lies under one of the roots (the
 *   -source_path folders, the current folder, the compilation folders of
 *   the profile's binaries), each itself resolved when added.
 *
 * Ownership: struct web_roots owns its strings; the other functions keep
 * nothing. */
#ifndef KILN_WEB_GUARD_H
#define KILN_WEB_GUARD_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/err.h"

#define WEB_TOKEN_BYTES 16   /* 128 bits, printed as 32 hex digits */

/* True when `host` (a Host header value) is a literal loopback name, or
 * equals `bound` (the host part the user listened on; may be NULL),
 * either with an optional ":PORT". Case-insensitive for names. */
bool web_host_ok(const char *host, const char *bound);

/* Fills hex[2 * WEB_TOKEN_BYTES + 1] with a fresh random token
 * (getrandom). Returns 0 or -errno with err set. */
int web_token_new(char *hex, struct kerr *err);
/* Constant-time comparison of a client's value with the token; false for
 * NULL or any other length. */
bool web_token_eq(const char *given, const char *token);

struct web_roots {
	char **dirs;   /* real paths, no trailing slash except for "/" */
	size_t n, cap;
};

#define WEB_ROOTS_INIT { NULL, 0, 0 }

/* Adds realpath(dir) if it is a folder not yet listed. Returns 0, or
 * -errno when it cannot be resolved (the caller may ignore that: a
 * compilation folder of another machine simply does not exist here). */
int web_roots_add(struct web_roots *r, const char *dir);
/* Adds each folder of a ':'-separated list (-source_path). */
void web_roots_add_list(struct web_roots *r, const char *list);
void web_roots_release(struct web_roots *r);

/* Resolves path and checks it: 0 and *real (malloc'd, the caller frees;
 * real may be NULL) when it is a regular file under a root; -EACCES with
 * "not under the source path (add -source_path DIR)" or "not a regular
 * file"; -errno from realpath() when it does not resolve. */
int web_roots_check(const struct web_roots *r, const char *path, char **real,
		    struct kerr *err);

#endif
