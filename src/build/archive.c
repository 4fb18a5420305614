/* profile_archive() (resym.h): the profile's files by build id, into a
 * tar that unpacks to a build-id cache, as perf archive's does. One file
 * per build id, however many mappings share it. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/tar.h"
#include "../base/vec.h"
#include "../symbols/bidcache.h"
#include "build.h"
#include "resym.h"

static bool seen(const char **v, size_t n, const char *bid)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], bid))
			return true;
	return false;
}

/* Adds the entry of one file: P/B/elf, P/B/debug, the link. */
static int add_entry(int fd, const char *recorded, const char *bid, const struct sym_file_info *fi,
		     struct kerr *err)
{
	char *entry = bidcache_entry_dir(recorded, bid), *lnk = bidcache_link_name(bid);
	struct kbuf name = KBUF_INIT, target = KBUF_INIT;
	int ret;

	kbuf_addf(&name, "%s/elf", entry);
	if ((ret = tar_add_file(fd, name.buf, fi->path, err)) < 0)
		goto out;
	if (fi->debug_path) {
		kbuf_reset(&name);
		kbuf_addf(&name, "%s/debug", entry);
		if ((ret = tar_add_file(fd, name.buf, fi->debug_path, err)) < 0)
			goto out;
	}
	kbuf_reset(&name);
	kbuf_addf(&name, ".build-id/%s", lnk);
	kbuf_addf(&target, "../../%s", entry);
	ret = tar_add_symlink(fd, name.buf, target.buf, err);
out:
	kbuf_release(&name);
	kbuf_release(&target);
	free(entry);
	free(lnk);
	return ret;
}

int profile_archive(const struct profile *p, const struct sym_locate_opts *lo, int fd,
		    size_t *n_files, struct kbuf *warnings, struct kerr *err)
{
	struct symbolizer *s = symbolizer_new();
	VEC(const char *) done = VEC_INIT;
	int ret = 0;

	*n_files = 0;
	for (size_t i = 0; i < p->n_mappings && ret == 0; i++) {
		const struct pf_mapping *m = &p->mappings[i];
		const char *file = profile_get_str(p, m->filename);
		const char *bid = profile_get_str(p, m->build_id);
		char *found = NULL, abs[PATH_MAX];
		struct sym_file *f;

		if (resym_unsymbolizable(file))
			continue;
		if (sym_locate(s, lo, file, bid, &found, warnings) < 0) {
			if (warnings)
				kbuf_addf(warnings, "no file found for %s%s%s\n", file,
					  *bid ? ", build id " : "", bid);
			continue;
		}
		sym_file_open(s, found, &f, NULL);
		const struct sym_file_info *fi = sym_file_info(f);
		if (!*bid)
			bid = fi->build_id;
		if (!*bid) {
			if (warnings)
				kbuf_addf(warnings, "%s has no build id: not archived\n", found);
		} else if (!seen(done.v, done.n, bid)) {
			/* entries are named by the recorded path, as the cache has them */
			const char *rec = file[0] == '/' ? file : realpath(found, abs) ? abs : found;
			if ((ret = add_entry(fd, rec, bid, fi, err)) == 0) {
				vec_push(&done, bid);
				(*n_files)++;
			}
		}
		free(found);
	}
	if (ret == 0)
		ret = tar_finish(fd, err);
	vec_free(&done);
	symbolizer_free(s);
	return ret;
}
