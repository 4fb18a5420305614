/* perf's build-id cache layout (bidcache.h): entries are directories
 * DIR/P/B holding elf (and perf's probes), found through the symlinks
 * DIR/.build-id/xx/yyyy. Files are copied (not hard-linked: the cache
 * must outlive a rebuilt binary) through a temporary name and rename(),
 * so a reader never sees half a file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "bidcache.h"
#include "symbols.h"

static char *fmt(const char *f, const char *a, const char *b)
{
	struct kbuf p = KBUF_INIT;

	kbuf_addf(&p, f, a, b);
	return kbuf_detach(&p, NULL);
}

char *bidcache_link_name(const char *bid)
{
	return fmt("%.2s/%s", bid, strlen(bid) > 2 ? bid + 2 : "");
}

char *bidcache_entry_dir(const char *abs_path, const char *bid)
{
	return fmt("%s/%s", abs_path + (abs_path[0] == '/'), bid);
}

static char *link_path(const char *dir, const char *bid)
{
	char *name = bidcache_link_name(bid);
	char *p = fmt("%s/.build-id/%s", dir, name);

	free(name);
	return p;
}

int bidcache_lookup(const char *dir, const char *bid, char **out)
{
	static const char *const kinds[] = { "elf", "debug" };
	char *l = link_path(dir, bid);
	struct stat st;

	*out = NULL;
	for (size_t i = 0; i < 2 && !*out; i++) {
		char *f = fmt("%s/%s", l, kinds[i]);
		if (stat(f, &st) == 0 && S_ISREG(st.st_mode))
			*out = f;
		else
			free(f);
	}
	if (!*out && stat(l, &st) == 0 && S_ISREG(st.st_mode)) {
		*out = l;
		return 0;
	}
	free(l);
	return *out ? 0 : -ENOENT;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
	char *p = xstrdup(path);
	int ret = 0;

	for (char *s = p + 1; ret == 0; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			ret = -errno;
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return ret;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in, outfd, ret = 0;
	struct stat st;
	ssize_t n;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(in, &st) < 0 ||
	    (outfd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st.st_mode & 0777)) < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(outfd, buf, (size_t)n) != n) {
			ret = errno ? -errno : -EIO;
			break;
		}
	if (n < 0)
		ret = -errno;
	if (close(outfd) < 0 && !ret)
		ret = -errno;
	close(in);
	return ret;
}

/* The build id of an ELF file: -ENOEXEC when not ELF, -ENODATA without. */
static int file_build_id(const char *path, char **bid, struct kerr *err)
{
	struct symbolizer *s = symbolizer_new();
	struct sym_file *f;
	int ret;

	*bid = NULL;
	if ((ret = sym_file_open(s, path, &f, err)) == 0) {
		if (*sym_file_info(f)->build_id)
			*bid = xstrdup(sym_file_info(f)->build_id);
		else
			ret = kerr_set(err, -ENODATA, "%s has no build id", path);
	}
	symbolizer_free(s);
	return ret;
}

int bidcache_add(const char *dir, const char *path, char **bid, bool *added, struct kerr *err)
{
	char abs[PATH_MAX], *entry = NULL, *ed = NULL, *elf = NULL, *tmp = NULL, *probes = NULL;
	char *lnk = NULL, *target = NULL, *slash;
	struct stat st;
	int ret, fd;

	*added = false;
	if (!realpath(path, abs))
		return kerr_set(err, -errno, "%s: %s", path, strerror(errno));
	if ((ret = file_build_id(abs, bid, err)) < 0)
		return ret;
	entry = bidcache_entry_dir(abs, *bid);
	ed = fmt("%s/%s", dir, entry);
	elf = fmt("%s/%s", ed, "elf");
	tmp = fmt("%s/%s", ed, ".elf.tmp");
	probes = fmt("%s/%s", ed, "probes");
	lnk = link_path(dir, *bid);
	target = fmt("../../%s%s", entry, "");
	if ((ret = make_dirs(ed)) < 0) {
		kerr_set(err, ret, "cannot create %s: %s", ed, strerror(-ret));
		goto out;
	}
	if (stat(elf, &st) < 0) {
		if ((ret = copy_file(abs, tmp)) < 0 || (rename(tmp, elf) < 0 && (ret = -errno))) {
			unlink(tmp);
			kerr_set(err, ret, "cannot copy %s to %s: %s", abs, elf, strerror(-ret));
			goto out;
		}
		*added = true;
	}
	if ((fd = open(probes, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) >= 0)
		close(fd);
	slash = strrchr(lnk, '/');
	*slash = '\0';
	ret = make_dirs(lnk);
	*slash = '/';
	if (ret < 0) {
		kerr_set(err, ret, "cannot create the folder of %s: %s", lnk, strerror(-ret));
		goto out;
	}
	unlink(lnk);
	if (symlink(target, lnk) < 0) {
		ret = kerr_set(err, -errno, "cannot link %s: %s", lnk, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(entry);
	free(ed);
	free(elf);
	free(tmp);
	free(probes);
	free(lnk);
	free(target);
	if (ret < 0) {
		free(*bid);
		*bid = NULL;
	}
	return ret;
}

/* Removes DIR/ENTRY's files (elf, debug, probes; perf's kallsyms, vdso
 * and others), the folder, and the link of bid. */
static int remove_entry(const char *dir, const char *entry, const char *bid)
{
	char *ed = fmt("%s/%s", dir, entry), *lnk = link_path(dir, bid);
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if ((d = opendir(ed))) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.' && (!de->d_name[1] || !strcmp(de->d_name, "..")))
				continue;
			char *f = fmt("%s/%s", ed, de->d_name);
			unlink(f);
			free(f);
		}
		closedir(d);
	}
	if (rmdir(ed) < 0 && errno != ENOENT)
		ret = -errno;
	if (unlink(lnk) < 0 && errno == ENOENT && ret == 0)
		ret = -ENOENT;
	free(ed);
	free(lnk);
	return ret;
}

int bidcache_remove(const char *dir, const char *path, struct kerr *err)
{
	char abs[PATH_MAX], *bid, *entry;
	int ret;

	if (!realpath(path, abs))
		return kerr_set(err, -errno, "%s: %s", path, strerror(errno));
	if ((ret = file_build_id(abs, &bid, err)) < 0)
		return ret;
	entry = bidcache_entry_dir(abs, bid);
	if ((ret = remove_entry(dir, entry, bid)) < 0)
		kerr_set(err, ret, "%s (build id %s) is not in %s", abs, bid, dir);
	free(entry);
	free(bid);
	return ret;
}

static bool is_build_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");

	return n >= 16 && !s[n];
}

int bidcache_purge(const char *dir, const char *path, struct kerr *err)
{
	char abs[PATH_MAX], *pd;
	struct dirent *de;
	int ret = -ENOENT;
	DIR *d;

	/* The path need not exist any more: purge is how old builds go. */
	if (!realpath(path, abs)) {
		if (path[0] != '/')
			return kerr_set(err, -errno, "%s: %s", path, strerror(errno));
		snprintf(abs, sizeof(abs), "%s", path);
	}
	pd = fmt("%s/%s", dir, abs + 1);
	if ((d = opendir(pd))) {
		while ((de = readdir(d))) {
			if (!is_build_id(de->d_name))
				continue;
			char *entry = bidcache_entry_dir(abs, de->d_name);
			if (remove_entry(dir, entry, de->d_name) == 0 || ret == -ENOENT)
				ret = 0;
			free(entry);
		}
		closedir(d);
	}
	if (ret < 0)
		kerr_set(err, ret, "%s is not in %s", abs, dir);
	free(pd);
	return ret;
}

/* Calls fn for each link DIR/.build-id/xx/yyyy with its build id and the
 * entry it points to (relative to DIR), in readdir order. */
static int each_link(const char *dir, void (*fn)(void *ctx, const char *bid, const char *entry),
		     void *ctx, struct kerr *err)
{
	char *top = fmt("%s/%s", dir, ".build-id");
	struct dirent *de, *le;
	DIR *d, *sub;

	if (!(d = opendir(top))) {
		int ret = errno == ENOENT ? 0 : kerr_set(err, -errno, "%s: %s", top, strerror(errno));
		free(top);
		return ret;
	}
	while ((de = readdir(d))) {
		if (strlen(de->d_name) != 2 || strspn(de->d_name, "0123456789abcdef") != 2)
			continue;
		char *sd = fmt("%s/%s", top, de->d_name);
		if ((sub = opendir(sd))) {
			while ((le = readdir(sub))) {
				char bid[256], target[PATH_MAX], *lp;
				ssize_t n;

				if (le->d_name[0] == '.' || strlen(le->d_name) > 200)
					continue;
				snprintf(bid, sizeof(bid), "%s%s", de->d_name, le->d_name);
				lp = fmt("%s/%s", sd, le->d_name);
				n = readlink(lp, target, sizeof(target) - 1);
				free(lp);
				if (n <= 6 || strncmp(target, "../../", 6) != 0)
					continue;
				target[n] = '\0';
				fn(ctx, bid, target + 6);
			}
			closedir(sub);
		}
		free(sd);
	}
	closedir(d);
	free(top);
	return 0;
}

static void list_one(void *ctx, const char *bid, const char *entry)
{
	struct kbuf *b = ctx;
	const char *slash = strrchr(entry, '/');

	/* the entry is P/B: the path is /P */
	if (slash && !strcmp(slash + 1, bid))
		kbuf_addf(b, "%s /%.*s\n", bid, (int)(slash - entry), entry);
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int bidcache_list(const char *dir, struct kbuf *out, struct kerr *err)
{
	struct kbuf all = KBUF_INIT;
	char **lines = NULL;
	size_t n = 0, cap = 0;
	int ret;

	if ((ret = each_link(dir, list_one, &all, err)) < 0)
		goto out;
	for (char *s = all.buf, *nl; s && *s; s = nl + 1) {
		nl = strchr(s, '\n');
		*nl = '\0';
		lines = xgrow(lines, &cap, n + 1, sizeof(*lines));
		lines[n++] = s;
	}
	if (n)
		qsort(lines, n, sizeof(*lines), cmp_line);
	for (size_t i = 0; i < n; i++)
		kbuf_addf(out, "%s\n", lines[i]);
out:
	free(lines);
	kbuf_release(&all);
	return ret;
}

struct purging {
	const char *dir;
	int ret;
};

static void purge_one(void *ctx, const char *bid, const char *entry)
{
	struct purging *pg = ctx;
	int r = remove_entry(pg->dir, entry, bid);

	if (r < 0 && r != -ENOENT && pg->ret == 0)
		pg->ret = r;
}

int bidcache_purge_all(const char *dir, struct kerr *err)
{
	struct purging pg = { dir, 0 };
	int ret = each_link(dir, purge_one, &pg, err);

	if (ret == 0 && pg.ret < 0)
		ret = kerr_set(err, pg.ret, "cannot purge %s: %s", dir, strerror(-pg.ret));
	return ret;
}
