/* The view cache: building a view means copying the profile and running
 * the filter pipeline, which for a 100,000-stack profile takes a good part
 * of a second, while switching between Top, Flame graph and Graph with the
 * same filters should be instant. So the last WEB_CACHE views are kept,
 * keyed by the canonical string of their parameters, evicted least
 * recently used. */
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "internal.h"

void web_view_free(struct web_view *v)
{
	if (!v)
		return;
	if (v->have_tree)
		ftree_release(&v->tree);
	rview_release(&v->v);
	profile_free(v->p);
	web_params_release(&v->wp);
	free(v->key);
	free(v);
}

struct ftree *web_view_tree(struct web_view *v)
{
	if (!v->have_tree) {
		ftree_build(&v->tree, &v->v);
		v->have_tree = true;
	}
	return &v->tree;
}

static void copy_view_params(struct web_params *dst, const struct web_params *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t k = 0; k < WP_COUNT; k++)
		if (src->v[k] && k != WP_NODE && k != WP_RE && k != WP_FILE)
			dst->v[k] = xstrdup(src->v[k]);
}

struct web_view *web_view_get(struct web_server *s, const struct web_params *wp,
			      struct kerr *err)
{
	struct kbuf key = KBUF_INIT;
	struct web_view *v;
	size_t slot = 0;

	web_params_key(wp, &key);
	for (size_t i = 0; i < WEB_CACHE; i++) {
		if (s->views[i] && !strcmp(s->views[i]->key, key.buf)) {
			s->views[i]->used = ++s->clock;
			kbuf_release(&key);
			return s->views[i];
		}
	}
	v = xcalloc(1, sizeof(*v));
	v->key = kbuf_detach(&key, NULL);
	copy_view_params(&v->wp, wp);
	web_params_view_opts(&v->wp, &s->dflt, &v->o);
	v->p = render_profile_copy(s->p);
	if (rview_prepare(&v->v, v->p, &v->o, REPORT_G_FUNCTIONS, err) < 0) {
		web_view_free(v);
		return NULL;
	}
	for (size_t i = 0; i < WEB_CACHE; i++) {
		if (!s->views[i]) {
			slot = i;
			break;
		}
		if (s->views[i]->used < s->views[slot]->used)
			slot = i;
	}
	web_view_free(s->views[slot]);
	s->views[slot] = v;
	v->used = ++s->clock;
	return v;
}
