/* sym_locate(): the candidates of one mapping's file, tried in order (see
 * locate.h). Go pprof's order for its search path (driver/fetch.go's
 * locateBinaries, as in Go 1.19), with perf's symfs and build-id cache
 * around it. Each candidate costs one open, cached by the symbolizer. */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/vec.h"
#include "bidcache.h"
#include "locate.h"

typedef VEC(char *) strvec;

static void add(strvec *c, const char *fmt, const char *a, const char *b, const char *d)
{
	struct kbuf p = KBUF_INIT;

	kbuf_addf(&p, fmt, a, b, d);
	vec_push(c, kbuf_detach(&p, NULL));
}

/* The names matching the pattern fmt(a, b), sorted (glob's order). */
static void add_glob(strvec *c, const char *fmt, const char *a, const char *b)
{
	struct kbuf pat = KBUF_INIT;
	glob_t g;

	kbuf_addf(&pat, fmt, a, b);
	if (glob(pat.buf, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			vec_push(c, xstrdup(g.gl_pathv[i]));
		globfree(&g);
	}
	kbuf_release(&pat);
}

static void add_search_dir(strvec *c, const char *dir, const char *path, const char *base,
			   const char *bid)
{
	const char *rel = path + (path[0] == '/'); /* joined as filepath.Join does */

	if (bid && *bid) {
		add(c, "%s/%s/%s", dir, bid, base);
		add_glob(c, "%s/%s/*", dir, bid);
		add(c, "%s/%s/%s", dir, rel, bid);
	}
	if (*path) {
		if (*base)
			add(c, "%s/%s%s", dir, base, "");
		add(c, "%s/%s%s", dir, rel, "");
	}
}

/* A build-id cache's entries of the recorded path, DIR/P/<bid>/elf: for
 * a mapping that recorded no build id (gperftools), any build will do. */
static void add_cache_builds(strvec *c, const char *dir, const char *path)
{
	if (path[0] == '/')
		add_glob(c, "%s%s/*/elf", dir, path);
}

/* A build-id cache's candidates: by build id, else by path. */
static void add_cache(strvec *c, const char *dir, const char *path, const char *bid)
{
	char *cached;

	if (*bid && bidcache_lookup(dir, bid, &cached) == 0)
		vec_push(c, cached);
	else if (!*bid)
		add_cache_builds(c, dir, path);
}

int sym_locate(struct symbolizer *s, const struct sym_locate_opts *o, const char *path,
	       const char *bid, char **out, struct kbuf *warn)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	strvec c = { 0 };
	int ret = -ENOENT;

	*out = NULL;
	if (!bid)
		bid = "";
	if (o->symfs && *path)
		add(&c, "%s/%s%s", o->symfs, path[0] == '/' ? path + 1 : path, "");
	if (o->symfs) /* an unpacked kiln or perf archive */
		add_cache(&c, o->symfs, path, bid);
	for (size_t i = 0; i < o->n_search; i++)
		add_search_dir(&c, o->search[i], path, base, bid);
	if (o->buildid_dir)
		add_cache(&c, o->buildid_dir, path, bid);
	if (*path && !o->no_own_path)
		vec_push(&c, xstrdup(path));
	for (size_t i = 0; i < c.n && ret < 0; i++) {
		struct sym_file *f;
		const char *fbid;

		if (sym_file_open(s, c.v[i], &f, NULL) < 0)
			continue;
		fbid = sym_file_info(f)->build_id;
		if (*bid && *fbid && strcmp(bid, fbid) != 0) {
			if (warn)
				kbuf_addf(warn, "ignoring local file %s: build-id mismatch (%s != %s)\n",
					  c.v[i], bid, fbid);
			continue;
		}
		*out = c.v[i];
		c.v[i] = NULL;
		ret = 0;
	}
	for (size_t i = 0; i < c.n; i++)
		free(c.v[i]);
	vec_free(&c);
	return ret;
}

bool sym_locate_in_cache(const char *path)
{
	const char *slash = strrchr(path, '/'), *dir;
	size_t n;

	if (!slash || (strcmp(slash + 1, "elf") != 0 && strcmp(slash + 1, "debug") != 0))
		return false;
	for (dir = slash; dir > path && dir[-1] != '/'; dir--)
		;
	n = (size_t)(slash - dir);
	return n >= 16 && strspn(dir, "0123456789abcdef") == n;
}
