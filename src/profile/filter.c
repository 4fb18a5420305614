/* Name-based filters on a Profile (see filter.h): focus/ignore/hide/show,
 * show_from, prune_from and drop_frames pruning. Regexes are evaluated once
 * per function and per mapping (cached), then decisions are made per
 * location and finally per sample, so the cost is dominated by one pass over
 * the samples' location lists. */
#include "filter.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"

/* Cached answers of one regex: 0 unknown, 1 no, 2 yes. */
struct namecache {
	const struct profile *p;
	const struct krx *rx;
	uint8_t *fn, *map;
};

static void nc_init(struct namecache *c, const struct profile *p, const struct krx *rx)
{
	c->p = p;
	c->rx = rx;
	c->fn = rx ? xcalloc(p->n_functions + 1, 1) : NULL;
	c->map = rx ? xcalloc(p->n_mappings + 1, 1) : NULL;
}

static void nc_release(struct namecache *c)
{
	free(c->fn);
	free(c->map);
}

/* Function name or file name matches. */
static bool nc_fn(struct namecache *c, uint64_t function_id)
{
	const struct pf_function *f = profile_function(c->p, function_id);
	size_t i;

	if (!f)
		return false;
	i = (size_t)(f - c->p->functions);
	if (!c->fn[i])
		c->fn[i] = (krx_match(c->rx, profile_get_str(c->p, f->name)) ||
			    krx_match(c->rx, profile_get_str(c->p, f->filename))) ? 2 : 1;
	return c->fn[i] == 2;
}

static bool nc_map(struct namecache *c, uint64_t mapping_id)
{
	const struct pf_mapping *m = mapping_id ? profile_mapping(c->p, mapping_id) : NULL;
	size_t i;

	if (!m)
		return false;
	i = (size_t)(m - c->p->mappings);
	if (!c->map[i])
		c->map[i] = krx_match(c->rx, profile_get_str(c->p, m->filename)) ? 2 : 1;
	return c->map[i] == 2;
}

static bool nc_loc(struct namecache *c, const struct pf_location *l)
{
	const struct pf_line *ln = pf_location_lines(c->p, l);

	for (uint32_t i = 0; i < l->n_line; i++)
		if (nc_fn(c, ln[i].function_id))
			return true;
	return nc_map(c, l->mapping_id);
}

/* Keeps the lines of l for which keep(line) holds, in order. */
static void filter_lines(struct profile *p, struct pf_location *l, struct namecache *c,
			 bool keep_matching)
{
	struct pf_line *ln;
	uint32_t k = 0;

	if (!l->n_line)
		return;
	ln = p->lines + l->line_off;

	for (uint32_t i = 0; i < l->n_line; i++)
		if (nc_fn(c, ln[i].function_id) == keep_matching)
			ln[k++] = ln[i];
	l->n_line = k;
}

enum { FOCUS_NONE = 0, FOCUS_YES = 1, FOCUS_IGNORED = 2 };

void profile_filter_by_name(struct profile *p, const struct krx *focus, const struct krx *ignore,
			    const struct krx *hide, const struct krx *show,
			    struct pf_name_matches *m)
{
	struct namecache cf, ci, ch, cs;
	uint8_t *mark = xcalloc(p->n_locations + 1, 1);
	uint8_t *hidden = xcalloc(p->n_locations + 1, 1);
	bool any_hidden = false;
	size_t fill = 0;

	memset(m, 0, sizeof(*m));
	nc_init(&cf, p, focus);
	nc_init(&ci, p, ignore);
	nc_init(&ch, p, hide);
	nc_init(&cs, p, show);
	for (size_t i = 0; i < p->n_locations; i++) {
		struct pf_location *l = &p->locations[i];

		if (ignore && nc_loc(&ci, l)) {
			m->ignore = true;
			mark[i] = FOCUS_IGNORED;
		} else if (!focus || nc_loc(&cf, l)) {
			m->focus = true;
			mark[i] = FOCUS_YES;
		}
		if (hide && nc_loc(&ch, l)) {
			m->hide = true;
			if (nc_map(&ch, l->mapping_id))
				l->n_line = 0;
			else
				filter_lines(p, l, &ch, false);
			if (l->n_line == 0)
				hidden[i] = any_hidden = true;
		}
		if (show) {
			if (!nc_map(&cs, l->mapping_id))
				filter_lines(p, l, &cs, true);
			if (l->n_line == 0)
				hidden[i] = any_hidden = true;
			else
				m->show = true;
		}
	}
	for (size_t i = 0; i < p->n_samples; i++) {
		struct pf_sample *s = &p->samples[i];
		uint64_t *locs = (uint64_t *)pf_sample_locs(p, s);
		bool focused = false, ignored = false;
		uint32_t k = 0;

		for (uint32_t j = 0; j < s->n_loc && !ignored; j++) {
			size_t li = profile_location_index(p, locs[j]);
			if (mark[li] == FOCUS_IGNORED)
				ignored = true;
			else if (mark[li] == FOCUS_YES)
				focused = true;
		}
		if (ignored || !focused)
			continue;
		if (any_hidden) {
			for (uint32_t j = 0; j < s->n_loc; j++)
				if (!hidden[profile_location_index(p, locs[j])])
					locs[k++] = locs[j];
			if (k == 0)
				continue;
			s->n_loc = k;
		}
		p->samples[fill++] = *s;
	}
	p->n_samples = fill;
	nc_release(&cf);
	nc_release(&ci);
	nc_release(&ch);
	nc_release(&cs);
	free(mark);
	free(hidden);
}

bool profile_show_from(struct profile *p, const struct krx *rx)
{
	struct namecache c;
	uint8_t *hit;
	bool matched = false;
	size_t fill = 0;

	if (!rx)
		return false;
	nc_init(&c, p, rx);
	hit = xcalloc(p->n_locations + 1, 1);
	for (size_t i = 0; i < p->n_locations; i++) {
		struct pf_location *l = &p->locations[i];
		const struct pf_line *ln = pf_location_lines(p, l);

		if (nc_map(&c, l->mapping_id)) {
			hit[i] = matched = true;
			continue;
		}
		/* Keep lines up to the outermost matching one. */
		for (uint32_t k = l->n_line; k-- > 0;) {
			if (nc_fn(&c, ln[k].function_id)) {
				l->n_line = k + 1;
				hit[i] = matched = true;
				break;
			}
		}
	}
	for (size_t i = 0; i < p->n_samples; i++) {
		struct pf_sample *s = &p->samples[i];
		const uint64_t *locs = pf_sample_locs(p, s);

		for (uint32_t j = s->n_loc; j-- > 0;) {
			if (hit[profile_location_index(p, locs[j])]) {
				s->n_loc = j + 1;
				p->samples[fill++] = *s;
				break;
			}
		}
	}
	p->n_samples = fill;
	free(hit);
	nc_release(&c);
	return matched;
}

char *profile_simplify_func(const char *name, char *buf, size_t n)
{
	static const char *const reserved[] = { "(anonymous namespace)", "operator()" };
	size_t len, cut;

	if (name[0] == '.')
		name++;
	len = strlen(name);
	cut = len;
	for (size_t i = 0; i < len;) {
		size_t skip = 0;
		for (size_t r = 0; r < 2 && !skip; r++)
			if (strncmp(name + i, reserved[r], strlen(reserved[r])) == 0)
				skip = strlen(reserved[r]);
		if (skip) {
			i += skip;
			continue;
		}
		if (name[i] == '(') {
			cut = i;
			break;
		}
		i++;
	}
	if (cut >= n)
		cut = n - 1;
	memcpy(buf, name, cut);
	buf[cut] = '\0';
	return buf;
}

/* Whether the simplified name of a function matches; cached per function. */
static bool simplified_match(const struct profile *p, const struct pf_function *f,
			     const struct krx *rx, struct kbuf *tmp)
{
	const char *name = profile_get_str(p, f->name);

	kbuf_reset(tmp);
	kbuf_grow(tmp, strlen(name) + 1);
	profile_simplify_func(name, tmp->buf, tmp->alloc);
	return krx_match(rx, tmp->buf);
}

enum { PRUNE_NO = 1, PRUNE_YES = 2 };

void profile_prune(struct profile *p, const struct krx *drop, const struct krx *keep)
{
	uint8_t *fcache = xcalloc(p->n_functions + 1, 1);
	uint8_t *prune = xcalloc(p->n_locations + 1, 1);
	uint8_t *beneath = xcalloc(p->n_locations + 1, 1);
	struct kbuf tmp = KBUF_INIT;

	for (size_t i = 0; i < p->n_locations; i++) {
		struct pf_location *l = &p->locations[i];
		const struct pf_line *ln = pf_location_lines(p, l);
		int64_t k;

		for (k = (int64_t)l->n_line - 1; k >= 0; k--) {
			const struct pf_function *f = profile_function(p, ln[k].function_id);
			size_t fi;
			if (!f || !f->name || !profile_get_str(p, f->name)[0])
				continue;
			fi = (size_t)(f - p->functions);
			if (!fcache[fi]) {
				bool d = simplified_match(p, f, drop, &tmp);
				bool kp = keep && keep->set && simplified_match(p, f, keep, &tmp);
				fcache[fi] = d && !kp ? PRUNE_YES : PRUNE_NO;
			}
			if (fcache[fi] == PRUNE_YES)
				break;
		}
		if (k >= 0) {
			beneath[i] = 1;
			if (k == (int64_t)l->n_line - 1) {
				prune[i] = 1;
			} else {
				l->line_off += (uint32_t)k + 1;
				l->n_line -= (uint32_t)k + 1;
			}
		}
	}
	for (size_t i = 0; i < p->n_samples; i++) {
		struct pf_sample *s = &p->samples[i];
		const uint64_t *locs = pf_sample_locs(p, s);
		bool found_user = false;

		/* From the root, never prune before the first user frame. */
		for (uint32_t j = s->n_loc; j-- > 0;) {
			size_t li = profile_location_index(p, locs[j]);
			if (!prune[li] && !beneath[li]) {
				found_user = true;
				continue;
			}
			if (!found_user)
				continue;
			if (prune[li]) {
				s->loc_off += j + 1;
				s->n_loc -= j + 1;
			} else {
				s->loc_off += j;
				s->n_loc -= j;
			}
			break;
		}
	}
	kbuf_release(&tmp);
	free(fcache);
	free(prune);
	free(beneath);
}

int profile_remove_uninteresting(struct profile *p, struct kerr *err)
{
	struct krx drop = KRX_INIT, keep = KRX_INIT;
	const char *d = profile_get_str(p, p->drop_frames);
	const char *k = profile_get_str(p, p->keep_frames);
	int ret;

	if (!d[0])
		return 0;
	if ((ret = krx_compile(&drop, d, true, err)) < 0)
		return ret;
	if (k[0] && (ret = krx_compile(&keep, k, true, err)) < 0) {
		krx_free(&drop);
		return ret;
	}
	profile_prune(p, &drop, k[0] ? &keep : NULL);
	krx_free(&drop);
	krx_free(&keep);
	return 0;
}

void profile_prune_from(struct profile *p, const struct krx *rx)
{
	uint8_t *fcache = xcalloc(p->n_functions + 1, 1);
	uint8_t *beneath = xcalloc(p->n_locations + 1, 1);
	struct kbuf tmp = KBUF_INIT;

	for (size_t i = 0; i < p->n_locations; i++) {
		struct pf_location *l = &p->locations[i];
		const struct pf_line *ln = pf_location_lines(p, l);

		for (uint32_t k = 0; k < l->n_line; k++) {
			const struct pf_function *f = profile_function(p, ln[k].function_id);
			size_t fi;
			if (!f || !profile_get_str(p, f->name)[0])
				continue;
			fi = (size_t)(f - p->functions);
			if (!fcache[fi])
				fcache[fi] = simplified_match(p, f, rx, &tmp) ? PRUNE_YES : PRUNE_NO;
			if (fcache[fi] == PRUNE_YES) {
				beneath[i] = 1;
				l->line_off += k;
				l->n_line -= k;
				break;
			}
		}
	}
	for (size_t i = 0; i < p->n_samples; i++) {
		struct pf_sample *s = &p->samples[i];
		const uint64_t *locs = pf_sample_locs(p, s);

		for (uint32_t j = 0; j < s->n_loc; j++) {
			if (beneath[profile_location_index(p, locs[j])]) {
				s->loc_off += j;
				s->n_loc -= j;
				break;
			}
		}
	}
	kbuf_release(&tmp);
	free(fcache);
	free(beneath);
}
