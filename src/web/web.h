/* kiln's web UI: an HTTP server (libmicrohttpd, its own threads) that shows
 * one profile in the views pprof's -http UI has (Top, Flame graph, Graph,
 * Source, Peek), with the filters as URL parameters, and serves the profile
 * itself at /download. The UI (HTML/JS/CSS) is compiled into the binary.
 *
 * Security: it binds only the address it is given (127.0.0.1 and a free
 * port by default); while bound to a loopback address it refuses clients
 * from elsewhere and requests whose Host is not a literal loopback name or
 * the name it was bound to (DNS rebinding). Every request must carry the
 * per-run random token of the printed URL (?token=, which a page turns
 * into an HttpOnly SameSite=Strict cookie), else 403. Source files are
 * served only if a function of the profile names them, and only regular
 * files whose real path lies under a source root (-source_path folders,
 * the current folder, the compilation folders given in web_opts).
 * Everything from the profile reaches the page as JSON or text and is
 * inserted as text, under a Content-Security-Policy that forbids inline
 * scripts. Slow or many clients: idle connections time out, past a limit
 * requests get 503, and heavy reports run at most two at a time without
 * holding up light requests (see server.c).
 *
 * Ownership: web_start() takes the profile (freed by web_stop(); on failure
 * the caller keeps it); the
 * report options are copied, but their strings must outlive the server. */
#ifndef KILN_WEB_WEB_H
#define KILN_WEB_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/err.h"
#include "../profile/profile.h"
#include "../report/report.h"

struct web_opts {
	const char *addr;             /* "HOST:PORT", ":PORT", "HOST:" or NULL: 127.0.0.1, free port */
	const struct report_opts *dflt; /* the view before any URL parameter */
	const char *title;            /* shown in the page title (file names) */
	/* More folders sources may be read from (the compilation folders of
	 * the profile's binaries); copied, missing ones ignored. */
	const char *const *source_roots;
	size_t n_source_roots;
};

struct web_server;

/* Starts serving. On success *out is running and web_url() tells where;
 * *non_loopback is set when the address is reachable from other hosts
 * (the caller should warn). */
int web_start(struct profile *p, const struct web_opts *o, struct web_server **out,
	      bool *non_loopback, struct kerr *err);
/* The URL to print and open: "http://127.0.0.1:PORT/?token=HEX"; valid
 * until web_stop(). */
const char *web_url(const struct web_server *s);
/* Stops the server and frees everything, including the profile.
 * NULL-tolerant. */
void web_stop(struct web_server *s);

#endif
