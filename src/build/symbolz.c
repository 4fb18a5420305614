/* pprof's remote symbolization (-symbolize=remote, see resym.h): the
 * addresses of a fetched profile's unsymbolized locations are POSTed to
 * its server's symbol endpoint ("0xADDR+0xADDR...", the protocol of Go's
 * net/http/pprof, gperftools' and libkiln's /symbol) and each answer line
 * "0xADDR name" names that location, one function per distinct name. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/hashmap.h"
#include "resym.h"

bool symbolz_url(const char *source, struct kbuf *out)
{
	const char *host, *path, *q, *dbg;

	if (!source || (strncmp(source, "http://", 7) && strncmp(source, "https://", 8) &&
			strncmp(source, "https+insecure://", 17)))
		return false;
	host = strstr(source, "://") + 3;
	path = host + strcspn(host, "/?");
	q = path + strcspn(path, "?");
	if (path == host)
		return false;
	kbuf_add(out, source, (size_t)(path - source));
	/* pprof: path.Clean(path + "/../symbol") under /debug/pprof/, else
	 * /symbolz. */
	dbg = strstr(path, "/debug/pprof/");
	if (dbg && dbg < q) {
		const char *end = q;
		while (end > path && end[-1] == '/')
			end--;
		while (end > path && end[-1] != '/')
			end--;
		kbuf_add(out, path, (size_t)(end - path));
		kbuf_addstr(out, "symbol");
	} else {
		kbuf_addstr(out, "/symbolz");
	}
	return true;
}

static bool wanted(const struct profile *p, const struct pf_location *l, bool force)
{
	const struct pf_mapping *m = l->mapping_id ? profile_mapping(p, l->mapping_id) : NULL;

	if (!m || !l->address || l->n_line)
		return false;
	if (m->has_functions && !force)
		return false;
	return !resym_unsymbolizable(profile_get_str(p, m->filename));
}

/* Names location l with function fid: one line, appended to the pool. */
static void set_line(struct profile *p, struct pf_location *l, uint64_t fid)
{
	p->lines = xgrow(p->lines, &p->cap_lines, p->n_lines + 1, sizeof(*p->lines));
	p->lines[p->n_lines] = (struct pf_line){ fid, 0, 0 };
	l->line_off = (uint32_t)p->n_lines++;
	l->n_line = 1;
}

static void apply(struct profile *p, const char *reply, bool force, size_t *named)
{
	struct u64map by_addr = U64MAP_INIT, fn_of = U64MAP_INIT;
	uint64_t ix, next_id = 1;

	/* New functions take ids past every present one (ids need not be
	 * dense in a decoded profile). */
	for (size_t i = 0; i < p->n_functions; i++)
		if (p->functions[i].id >= next_id)
			next_id = p->functions[i].id + 1;

	for (const char *s = reply; *s;) {
		size_t len = strcspn(s, "\n");
		const char *e = s + len, *name;
		char *end;
		uint64_t addr;

		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			addr = strtoull(s, &end, 16);
			name = end;
			while (name < e && (*name == ' ' || *name == '\t'))
				name++;
			if (end > s + 2 && name > end && name < e) {
				size_t n = (size_t)(e - name);
				while (n && (name[n - 1] == '\r' || name[n - 1] == ' '))
					n--;
				if (n) {
					char *nm = xstrndup(name, n);
					int64_t str = profile_str(p, nm);
					free(nm);
					if (!u64map_get(&fn_of, (uint64_t)str, &ix)) {
						struct pf_function *f = profile_add_function(p);
						f->id = ix = next_id++;
						f->name = f->system_name = str;
						u64map_put(&fn_of, (uint64_t)str, ix);
					}
					u64map_put(&by_addr, addr, ix);
				}
			}
		}
		s = *e ? e + 1 : e;
	}
	for (size_t i = 0; i < p->n_locations; i++) {
		struct pf_location *l = &p->locations[i];
		if (wanted(p, l, force) && u64map_get(&by_addr, l->address, &ix)) {
			set_line(p, l, ix);
			(*named)++;
		}
	}
	u64map_release(&by_addr);
	u64map_release(&fn_of);
	profile_index(p); /* the new functions */
}

int profile_symbolize_remote(struct profile *p, bool force, symbolz_post_fn post, void *ctx,
			     size_t *named, struct kerr *err)
{
	struct kbuf body = KBUF_INIT, reply = KBUF_INIT;
	int ret = 0;

	*named = 0;
	profile_index(p);
	for (size_t i = 0; i < p->n_locations; i++) {
		const struct pf_location *l = &p->locations[i];
		if (wanted(p, l, force))
			kbuf_addf(&body, "%s%#" PRIx64, body.len ? "+" : "", l->address);
	}
	if (body.len) {
		if ((ret = post(ctx, body.buf, body.len, &reply, err)) < 0)
			goto out;
		kbuf_grow(&reply, 0); /* NUL-terminated even when empty */
		apply(p, reply.buf, force, named);
	}
	/* As pprof: a mapping the server was asked about has functions now. */
	for (size_t i = 0; i < p->n_mappings; i++)
		if (!resym_unsymbolizable(profile_get_str(p, p->mappings[i].filename)))
			p->mappings[i].has_functions = true;
out:
	kbuf_release(&body);
	kbuf_release(&reply);
	return ret;
}
