/* State shared by the web server's files: the profile, the cached views
 * (one filtered copy per set of view parameters, a few kept), the access
 * rules' state (token, roots, connection count), and the endpoint
 * functions. Private to src/web.
 *
 * Locks: s->lock guards the cache slots, view reference counts, the clock
 * and the heavy-work count, and is held only for those few lines; a view's
 * own lock is held by the request reading it; s->download_lock guards the
 * encoded profile. Nothing else is shared between requests: s->p is read
 * only. */
#ifndef KILN_WEB_INTERNAL_H
#define KILN_WEB_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "../base/buf.h"
#include "../render/stacks.h"
#include "../render/view.h"
#include "guard.h"
#include "params.h"
#include "web.h"

#define WEB_CACHE 4
/* At most this many heavy jobs (a view built, a text report, Graphviz) at
 * once, on a 2-core machine too: others wait up to WEB_HEAVY_WAIT seconds
 * for a slot, then get 503; light requests never wait for them. */
#define WEB_HEAVY 2
#define WEB_HEAVY_WAIT 30

/* One prepared view: a filtered copy of the profile and what was derived
 * from it. Owned by the cache; used under the server lock. */
struct web_view {
	char *key;
	struct web_params wp;   /* view parameters (strings for o) */
	struct report_opts o;
	struct profile *p;      /* private copy, filtered */
	struct rview v;
	struct ftree tree;
	bool have_tree;
	uint64_t used;          /* LRU clock; under the server lock */
	unsigned refs;          /* the cache's and each request's; under the server lock */
	pthread_mutex_t lock;   /* held while a request reads the view */
};

struct web_server {
	struct MHD_Daemon *d;
	struct profile *p;          /* as loaded; never modified */
	struct report_opts dflt;
	char *title;
	char url[160];              /* "http://127.0.0.1:PORT/" */
	char token_url[224];        /* the same with "?token=...": what is printed */
	char token[2 * WEB_TOKEN_BYTES + 1];
	char cookie[32];            /* "kiln_token_PORT": cookies ignore ports */
	char *bound;                /* host part of the address listened on, or NULL */
	bool loopback;
	unsigned port;
	struct web_roots roots;     /* where source files may be read */
	atomic_uint active;         /* open connections */
	unsigned max_active;        /* past it, requests get 503 */
	pthread_mutex_t lock;       /* views[], refs, clock, heavy_busy */
	pthread_cond_t heavy_cv;
	unsigned heavy_busy;
	struct web_view *views[WEB_CACHE];
	uint64_t clock;
	pthread_mutex_t download_lock;
	struct kbuf download;       /* gzip profile, built on first request */
	char **files;               /* sorted distinct function file names */
	size_t n_files;
};

/* A response body and its type; status 200 unless set. */
struct web_reply {
	int status;
	const char *type;
	struct kbuf body;
	const char *disposition;   /* Content-Disposition, or NULL */
	char *location;            /* Location of a redirect, owned, or NULL */
	bool set_cookie;           /* sets the token cookie */
	bool close;                /* Connection: close */
};

/* Returns 0 and *out, the view for these parameters (built if needed, in a
 * heavy slot), referenced and with its own lock held: give it back with
 * web_view_put(). Errors: -EINVAL (bad regex or sample index) or -EBUSY
 * (no heavy slot in time), with err set. Call without any lock held. */
int web_view_get(struct web_server *s, const struct web_params *wp, struct web_view **out,
		 struct kerr *err);
/* Unlocks and unreferences; NULL-tolerant. */
void web_view_put(struct web_server *s, struct web_view *v);
void web_view_free(struct web_view *v);
/* The view's flame tree, built on first use (view lock held). */
struct ftree *web_view_tree(struct web_view *v);
/* Takes a heavy-work slot, waiting up to WEB_HEAVY_WAIT s: 0, or -EBUSY
 * with err set. Each success is paired with web_heavy_leave(). */
int web_heavy_enter(struct web_server *s, struct kerr *err);
void web_heavy_leave(struct web_server *s);

/* Endpoints (api.c). Each fills r; called without locks (each takes the
 * views it needs). */
void api_meta(struct web_server *s, struct web_reply *r);
void api_top(struct web_server *s, const struct web_params *wp, struct web_reply *r);
void api_flame(struct web_server *s, const struct web_params *wp, struct web_reply *r);
/* Produces DOT under the view's lock, then runs Graphviz without it. */
void api_graph(struct web_server *s, const struct web_params *wp, struct web_reply *r);
void api_peek(struct web_server *s, const struct web_params *wp, struct web_reply *r);
void api_source(struct web_server *s, const struct web_params *wp, struct web_reply *r);
void api_files(struct web_server *s, struct web_reply *r);
void api_download(struct web_server *s, struct web_reply *r);
void api_error(struct web_reply *r, int status, const char *msg);

#endif
