/* State shared by the web server's files: the profile, the cached views
 * (one filtered copy per set of view parameters, a few kept), and the
 * endpoint functions. Private to src/web. */
#ifndef KILN_WEB_INTERNAL_H
#define KILN_WEB_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include "../base/buf.h"
#include "../render/stacks.h"
#include "../render/view.h"
#include "params.h"
#include "web.h"

#define WEB_CACHE 4

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
	uint64_t used;          /* LRU clock */
};

struct web_server {
	struct MHD_Daemon *d;
	struct profile *p;          /* as loaded; never modified */
	struct report_opts dflt;
	char *title;
	char url[160];
	bool loopback;
	unsigned port;
	pthread_mutex_t lock;       /* views, download, clock */
	struct web_view *views[WEB_CACHE];
	uint64_t clock;
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
};

/* Returns the view for these parameters (building it if needed), or NULL
 * with err set (bad regex or sample index). Call with the lock held. */
struct web_view *web_view_get(struct web_server *s, const struct web_params *wp,
			      struct kerr *err);
void web_view_free(struct web_view *v);
/* The view's flame tree, built on first use. */
struct ftree *web_view_tree(struct web_view *v);

/* Endpoints (api.c). Each fills r; called with the lock held except
 * where noted. */
void api_meta(struct web_server *s, struct web_reply *r);
void api_top(struct web_server *s, const struct web_params *wp, struct web_reply *r);
void api_flame(struct web_server *s, const struct web_params *wp, struct web_reply *r);
/* Produces DOT under the lock, then runs Graphviz without it. */
void api_graph(struct web_server *s, const struct web_params *wp, struct web_reply *r);
void api_peek(struct web_server *s, const struct web_params *wp, struct web_reply *r);
void api_source(struct web_server *s, const struct web_params *wp, struct web_reply *r);
void api_files(struct web_server *s, struct web_reply *r);
void api_download(struct web_server *s, struct web_reply *r);
void api_error(struct web_reply *r, int status, const char *msg);

#endif
