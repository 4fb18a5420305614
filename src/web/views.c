/* The view cache: building a view means copying the profile and running
 * the filter pipeline, which for a 100,000-stack profile takes a good part
 * of a second, while switching between Top, Flame graph and Graph with the
 * same filters should be instant. So the last WEB_CACHE views are kept,
 * keyed by the canonical string of their parameters, evicted least
 * recently used.
 *
 * Concurrency: the server lock guards only the cache slots, reference
 * counts and the heavy-work slots, and is never held while a view is
 * built or used. A view is built in a heavy slot (at most WEB_HEAVY at
 * once); each request then holds the view's own lock while it reads it
 * (the node table caches printable names as it goes). An evicted view is
 * freed by whoever drops its last reference. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	pthread_mutex_destroy(&v->lock);
	free(v->key);
	free(v);
}

int web_heavy_enter(struct web_server *s, struct kerr *err)
{
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WEB_HEAVY_WAIT;
	pthread_mutex_lock(&s->lock);
	while (s->heavy_busy >= WEB_HEAVY && rc == 0)
		rc = pthread_cond_timedwait(&s->heavy_cv, &s->lock, &until);
	if (s->heavy_busy < WEB_HEAVY) {
		s->heavy_busy++;
		rc = 0;
	}
	pthread_mutex_unlock(&s->lock);
	if (rc)
		return kerr_set(err, -EBUSY, "the server is busy with other reports; try again");
	return 0;
}

void web_heavy_leave(struct web_server *s)
{
	pthread_mutex_lock(&s->lock);
	s->heavy_busy--;
	pthread_cond_signal(&s->heavy_cv);
	pthread_mutex_unlock(&s->lock);
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

/* The cached view of this key, referenced; NULL if none. Lock held. */
static struct web_view *cache_find(struct web_server *s, const char *key)
{
	for (size_t i = 0; i < WEB_CACHE; i++) {
		if (s->views[i] && !strcmp(s->views[i]->key, key)) {
			s->views[i]->used = ++s->clock;
			s->views[i]->refs++;
			return s->views[i];
		}
	}
	return NULL;
}

int web_view_get(struct web_server *s, const struct web_params *wp, struct web_view **out,
		 struct kerr *err)
{
	struct kbuf key = KBUF_INIT;
	struct web_view *v, *evicted = NULL, *other;
	size_t slot = 0;
	int ret;

	*out = NULL;
	web_params_key(wp, &key);
	pthread_mutex_lock(&s->lock);
	v = cache_find(s, key.buf);
	pthread_mutex_unlock(&s->lock);
	if (v) {
		kbuf_release(&key);
		goto found;
	}
	if ((ret = web_heavy_enter(s, err)) < 0) {
		kbuf_release(&key);
		return ret;
	}
	v = xcalloc(1, sizeof(*v));
	pthread_mutex_init(&v->lock, NULL);
	v->key = kbuf_detach(&key, NULL);
	copy_view_params(&v->wp, wp);
	web_params_view_opts(&v->wp, &s->dflt, &v->o);
	v->p = render_profile_copy(s->p);
	ret = rview_prepare(&v->v, v->p, &v->o, REPORT_G_FUNCTIONS, err);
	web_heavy_leave(s);
	if (ret < 0) {
		web_view_free(v);
		return ret;
	}
	pthread_mutex_lock(&s->lock);
	/* Another request may have built the same view meanwhile. */
	if ((other = cache_find(s, v->key))) {
		pthread_mutex_unlock(&s->lock);
		web_view_free(v);
		v = other;
		goto found;
	}
	for (size_t i = 0; i < WEB_CACHE; i++) {
		if (!s->views[i]) {
			slot = i;
			break;
		}
		if (s->views[i]->used < s->views[slot]->used)
			slot = i;
	}
	if (s->views[slot] && --s->views[slot]->refs == 0)
		evicted = s->views[slot];
	s->views[slot] = v;
	v->refs = 2; /* the cache's and ours */
	v->used = ++s->clock;
	pthread_mutex_unlock(&s->lock);
	web_view_free(evicted);
found:
	pthread_mutex_lock(&v->lock);
	*out = v;
	return 0;
}

void web_view_put(struct web_server *s, struct web_view *v)
{
	bool last;

	if (!v)
		return;
	pthread_mutex_unlock(&v->lock);
	pthread_mutex_lock(&s->lock);
	last = --v->refs == 0;
	pthread_mutex_unlock(&s->lock);
	if (last)
		web_view_free(v);
}
