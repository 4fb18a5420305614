/* profile.proto encoder. Field order and conventions follow pprof's own
 * writer so files compare byte-for-byte in spirit: labels sorted by key with
 * strings first, default_sample_type always present, repeated scalars
 * packed. Also the one writer of output files (see write_file_atomic() in
 * encode.h): atomic for regular files, in place for devices, FIFOs and
 * sockets, which a rename would destroy. */
#include "encode.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <zlib.h>

#include "../base/alloc.h"
#include "pbwire.h"

static void put_msg(struct kbuf *out, unsigned field, const struct kbuf *msg)
{
	pb_put_bytes(out, field, msg->buf, msg->len);
}

static void put_packed(struct kbuf *out, struct kbuf *tmp, unsigned field,
		       const uint64_t *v, size_t n)
{
	if (!n)
		return;
	kbuf_reset(tmp);
	for (size_t i = 0; i < n; i++)
		pb_put_varint(tmp, v[i]);
	put_msg(out, field, tmp);
}

static void put_value_type(struct kbuf *out, struct kbuf *tmp, unsigned field,
			   const struct pf_value_type *vt)
{
	kbuf_reset(tmp);
	pb_put_int(tmp, 1, (uint64_t)vt->type);
	pb_put_int(tmp, 2, (uint64_t)vt->unit);
	put_msg(out, field, tmp);
}

static int label_cmp(const void *a, const void *b, void *arg)
{
	const struct pf_label *x = a, *y = b;
	const struct profile *p = arg;
	int c = strcmp(profile_get_str(p, x->key), profile_get_str(p, y->key));

	if (c)
		return c;
	/* string labels before numeric ones */
	return (x->str == 0) - (y->str == 0);
}

static void put_sample(const struct profile *p, const struct pf_sample *s,
		       struct kbuf *out, struct kbuf *msg, struct kbuf *tmp)
{
	const int64_t *vals = pf_sample_values(p, s);
	struct pf_label labs[16], *lp = labs;

	kbuf_reset(msg);
	put_packed(msg, tmp, 1, pf_sample_locs(p, s), s->n_loc);
	if (s->n_val) {
		kbuf_reset(tmp);
		for (size_t i = 0; i < s->n_val; i++)
			pb_put_varint(tmp, (uint64_t)vals[i]);
		put_msg(msg, 2, tmp);
	}
	if (s->n_lab > 16)
		lp = xmalloc(s->n_lab * sizeof(*lp));
	if (s->n_lab) /* the pool may still be NULL */
		memcpy(lp, pf_sample_labels(p, s), s->n_lab * sizeof(*lp));
	qsort_r(lp, s->n_lab, sizeof(*lp), label_cmp, (void *)p);
	for (size_t i = 0; i < s->n_lab; i++) {
		kbuf_reset(tmp);
		pb_put_int(tmp, 1, (uint64_t)lp[i].key);
		pb_put_int(tmp, 2, (uint64_t)lp[i].str);
		pb_put_int(tmp, 3, (uint64_t)lp[i].num);
		pb_put_int(tmp, 4, (uint64_t)lp[i].num_unit);
		put_msg(msg, 3, tmp);
	}
	if (lp != labs)
		free(lp);
	put_msg(out, 2, msg);
}

static void put_mapping(const struct pf_mapping *m, struct kbuf *out, struct kbuf *tmp)
{
	kbuf_reset(tmp);
	pb_put_int(tmp, 1, m->id);
	pb_put_int(tmp, 2, m->memory_start);
	pb_put_int(tmp, 3, m->memory_limit);
	pb_put_int(tmp, 4, m->file_offset);
	pb_put_int(tmp, 5, (uint64_t)m->filename);
	pb_put_int(tmp, 6, (uint64_t)m->build_id);
	pb_put_int(tmp, 7, m->has_functions);
	pb_put_int(tmp, 8, m->has_filenames);
	pb_put_int(tmp, 9, m->has_line_numbers);
	pb_put_int(tmp, 10, m->has_inline_frames);
	put_msg(out, 3, tmp);
}

static void put_location(const struct profile *p, const struct pf_location *l,
			 struct kbuf *out, struct kbuf *msg, struct kbuf *tmp)
{
	const struct pf_line *ln = pf_location_lines(p, l);

	kbuf_reset(msg);
	pb_put_int(msg, 1, l->id);
	pb_put_int(msg, 2, l->mapping_id);
	pb_put_int(msg, 3, l->address);
	for (size_t i = 0; i < l->n_line; i++) {
		kbuf_reset(tmp);
		pb_put_int(tmp, 1, ln[i].function_id);
		pb_put_int(tmp, 2, (uint64_t)ln[i].line);
		pb_put_int(tmp, 3, (uint64_t)ln[i].column);
		put_msg(msg, 4, tmp);
	}
	pb_put_int(msg, 5, l->is_folded);
	put_msg(out, 4, msg);
}

static void put_function(const struct pf_function *f, struct kbuf *out, struct kbuf *tmp)
{
	kbuf_reset(tmp);
	pb_put_int(tmp, 1, f->id);
	pb_put_int(tmp, 2, (uint64_t)f->name);
	pb_put_int(tmp, 3, (uint64_t)f->system_name);
	pb_put_int(tmp, 4, (uint64_t)f->filename);
	pb_put_int(tmp, 5, (uint64_t)f->start_line);
	put_msg(out, 5, tmp);
}

void profile_encode(const struct profile *p, struct kbuf *out)
{
	struct kbuf msg = KBUF_INIT, tmp = KBUF_INIT;

	for (size_t i = 0; i < p->n_sample_type; i++)
		put_value_type(out, &tmp, 1, &p->sample_type[i]);
	for (size_t i = 0; i < p->n_samples; i++)
		put_sample(p, &p->samples[i], out, &msg, &tmp);
	for (size_t i = 0; i < p->n_mappings; i++)
		put_mapping(&p->mappings[i], out, &tmp);
	for (size_t i = 0; i < p->n_locations; i++)
		put_location(p, &p->locations[i], out, &msg, &tmp);
	for (size_t i = 0; i < p->n_functions; i++)
		put_function(&p->functions[i], out, &tmp);
	for (size_t i = 0; i < p->strings.n; i++)
		pb_put_bytes(out, 6, strtab_get(&p->strings, i),
			     strtab_len(&p->strings, i));
	pb_put_int(out, 7, (uint64_t)p->drop_frames);
	pb_put_int(out, 8, (uint64_t)p->keep_frames);
	pb_put_int(out, 9, (uint64_t)p->time_nanos);
	pb_put_int(out, 10, (uint64_t)p->duration_nanos);
	if (p->period_type.type || p->period_type.unit)
		put_value_type(out, &tmp, 11, &p->period_type);
	pb_put_int(out, 12, (uint64_t)p->period);
	put_packed(out, &tmp, 13, (const uint64_t *)p->comments, p->n_comments);
	/* pprof always writes default_sample_type, even when 0. */
	pb_put_tag(out, 14, PB_VARINT);
	pb_put_varint(out, (uint64_t)p->default_sample_type);
	pb_put_int(out, 15, (uint64_t)p->doc_url);
	kbuf_release(&msg);
	kbuf_release(&tmp);
}

int gzip_compress(const void *data, size_t n, int level, struct kbuf *out,
		  struct kerr *err)
{
	z_stream zs;
	int zr;

	memset(&zs, 0, sizeof(zs));
	/* windowBits 15 + 16 selects the gzip wrapper. */
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return kerr_set(err, -ENOMEM, "cannot initialise gzip compression");
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (uInt)n;
	kbuf_grow(out, deflateBound(&zs, (uLong)n));
	do {
		kbuf_grow(out, 65536);
		zs.next_out = (unsigned char *)out->buf + out->len;
		zs.avail_out = (uInt)(out->alloc - out->len - 1);
		zr = deflate(&zs, Z_FINISH);
		out->len = (size_t)((char *)zs.next_out - out->buf);
	} while (zr == Z_OK || zr == Z_BUF_ERROR);
	out->buf[out->len] = '\0';
	deflateEnd(&zs);
	if (zr != Z_STREAM_END)
		return kerr_set(err, -EIO, "gzip compression failed (zlib error %d)", zr);
	return 0;
}

int profile_encode_gzip(const struct profile *p, struct kbuf *out, struct kerr *err)
{
	struct kbuf raw = KBUF_INIT;
	int ret;

	profile_encode(p, &raw);
	ret = gzip_compress(raw.buf, raw.len, Z_DEFAULT_COMPRESSION, out, err);
	kbuf_release(&raw);
	return ret;
}

static int write_all(int fd, const char *data, size_t n)
{
	while (n) {
		ssize_t w = write(fd, data, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes to what is already there, for what is not a regular file: a
 * character device (/dev/null), a FIFO or a Unix stream socket. Renaming
 * over those would replace the node itself with a regular file. */
static int write_in_place(const char *path, mode_t mode, const void *data, size_t n,
			  struct kerr *err)
{
	int fd, ret;

	if (S_ISSOCK(mode)) {
		struct sockaddr_un sa;

		if (strlen(path) >= sizeof(sa.sun_path))
			return kerr_set(err, -ENAMETOOLONG, "cannot connect to socket '%s': %s",
					path, strerror(ENAMETOOLONG));
		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		strcpy(sa.sun_path, path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return kerr_set(err, -errno, "cannot create a socket: %s", strerror(errno));
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			ret = kerr_set(err, -errno, "cannot connect to socket '%s': %s", path,
				       strerror(errno));
			close(fd);
			return ret;
		}
	} else {
		/* No O_TRUNC: it means nothing for these, or something odd. A
		 * FIFO's open waits for a reader, as a shell redirection does. */
		do
			fd = open(path, O_WRONLY | O_CLOEXEC);
		while (fd < 0 && errno == EINTR);
		if (fd < 0)
			return kerr_set(err, -errno, "cannot open '%s': %s", path, strerror(errno));
	}
	ret = write_all(fd, data, n);
	if (close(fd) < 0 && !ret && errno != EINTR)
		ret = -errno;
	if (ret)
		kerr_set(err, ret, "cannot write '%s': %s", path, strerror(-ret));
	return ret;
}

/* Temporary file in the same folder (so rename() is atomic), fsync unless
 * told not to, rename over `path`, which is a regular file or missing. */
static int write_renamed(const char *path, const void *data, size_t n, bool sync,
			 struct kerr *err)
{
	struct kbuf tmp = KBUF_INIT;
	int fd, ret;

	/* pid-unique, so two writers of one path do not share a temporary. */
	kbuf_addf(&tmp, "%s.tmp.%d", path, (int)getpid());
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = kerr_set(err, -errno, "cannot create '%s': %s", tmp.buf, strerror(errno));
		goto out_buf;
	}
	ret = write_all(fd, data, n);
	if (!ret && sync && fsync(fd) < 0 && errno != EINVAL)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (ret) {
		kerr_set(err, ret, "cannot write '%s': %s", tmp.buf, strerror(-ret));
		goto out_unlink;
	}
	if (rename(tmp.buf, path) < 0) {
		ret = kerr_set(err, -errno, "cannot rename '%s' to '%s': %s",
			       tmp.buf, path, strerror(errno));
		goto out_unlink;
	}
	goto out_buf;
out_unlink:
	unlink(tmp.buf);
out_buf:
	kbuf_release(&tmp);
	return ret;
}

/* The name a dangling symbolic link points to, through a chain of links
 * (relative targets are relative to the link's folder). Caller frees.
 * Returns NULL with errno set (ELOOP past 40 links). */
static char *dangling_target(const char *path)
{
	char *cur = xstrdup(path);

	for (int depth = 0; depth < 40; depth++) {
		struct kbuf next = KBUF_INIT;
		struct stat st;
		char link[4096];
		ssize_t len;

		if (lstat(cur, &st) < 0) {
			if (errno == ENOENT)
				return cur;
			goto fail;
		}
		if (!S_ISLNK(st.st_mode))
			return cur;
		len = readlink(cur, link, sizeof(link) - 1);
		if (len < 0)
			goto fail;
		link[len] = '\0';
		if (link[0] != '/') {
			const char *slash = strrchr(cur, '/');
			if (slash)
				kbuf_add(&next, cur, (size_t)(slash - cur) + 1);
		}
		kbuf_addstr(&next, link);
		free(cur);
		cur = kbuf_detach(&next, NULL);
	}
	errno = ELOOP;
fail:
	free(cur);
	return NULL;
}

int write_file_atomic(const char *path, const void *data, size_t n, struct kerr *err)
{
	return write_file_atomic_sync(path, data, n, true, err);
}

int write_file_atomic_sync(const char *path, const void *data, size_t n, bool sync,
			   struct kerr *err)
{
	struct stat st, lst;
	char *real;
	int ret;

	if (lstat(path, &lst) < 0) {
		if (errno != ENOENT)
			return kerr_set(err, -errno, "cannot write '%s': %s", path, strerror(errno));
		return write_renamed(path, data, n, sync, err);
	}
	if (!S_ISLNK(lst.st_mode)) {
		st = lst;
	} else if (stat(path, &st) < 0) {
		/* A dangling link: create the file it names, as open() would. */
		if (errno != ENOENT || !(real = dangling_target(path)))
			return kerr_set(err, -errno, "cannot write '%s': %s", path, strerror(errno));
		ret = write_renamed(real, data, n, sync, err);
		free(real);
		return ret;
	}
	if (S_ISDIR(st.st_mode))
		return kerr_set(err, -EISDIR, "cannot write '%s': %s", path, strerror(EISDIR));
	if (S_ISBLK(st.st_mode))
		return kerr_set(err, -EINVAL, "not writing to '%s': it is a block device", path);
	if (!S_ISREG(st.st_mode))
		return write_in_place(path, st.st_mode, data, n, err);
	if (!S_ISLNK(lst.st_mode))
		return write_renamed(path, data, n, sync, err);
	/* A link to a regular file: the file is replaced, the link stays. */
	real = realpath(path, NULL);
	if (!real)
		return kerr_set(err, -errno, "cannot resolve '%s': %s", path, strerror(errno));
	ret = write_renamed(real, data, n, sync, err);
	free(real);
	return ret;
}

int profile_write_file(const struct profile *p, const char *path, struct kerr *err)
{
	struct kbuf gz = KBUF_INIT;
	int ret;

	ret = profile_encode_gzip(p, &gz, err);
	if (!ret)
		ret = write_file_atomic(path, gz.buf, gz.len, err);
	kbuf_release(&gz);
	return ret;
}
