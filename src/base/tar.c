/* ustar headers (POSIX.1-1988) and 512-byte blocks; see tar.h. */
#include "tar.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Fills name and prefix; -ENAMETOOLONG when no split fits. */
static int set_name(char *h, const char *name)
{
	size_t n = strlen(name);

	if (n <= 100) {
		memcpy(h, name, n);
		return 0;
	}
	for (size_t i = n - 1; i > 0; i--) {
		if (name[i] != '/' || n - i - 1 > 100 || n - i - 1 == 0)
			continue;
		if (i > 155)
			continue;
		memcpy(h + 345, name, i);
		memcpy(h, name + i + 1, n - i - 1);
		return 0;
	}
	return -ENAMETOOLONG;
}

/* A w-byte octal field: w-1 digits and a NUL (values are checked to fit). */
static void octal(char *dst, size_t w, unsigned long long v)
{
	char t[32];
	int n = snprintf(t, sizeof(t), "%0*llo", (int)(w - 1), v);

	memcpy(dst, t + n - (int)(w - 1), w - 1);
}

static int header(int fd, const char *name, char type, unsigned mode, unsigned long long size,
		  long long mtime, const char *link, struct kerr *err)
{
	char h[512];
	unsigned sum = 0;
	int ret;

	memset(h, 0, sizeof(h));
	if (set_name(h, name) < 0 || (link && strlen(link) > 100))
		return kerr_set(err, -ENAMETOOLONG, "%s: name too long for a tar archive", name);
	if (size >= 1ULL << 33)
		return kerr_set(err, -EFBIG, "%s: too large for a ustar archive", name);
	octal(h + 100, 8, mode & 07777);
	octal(h + 108, 8, 0);
	octal(h + 116, 8, 0);
	octal(h + 124, 12, size);
	octal(h + 136, 12, (unsigned long long)(mtime > 0 ? mtime : 0) & 077777777777ULL);
	memset(h + 148, ' ', 8);
	h[156] = type;
	if (link)
		memcpy(h + 157, link, strlen(link));
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (size_t i = 0; i < sizeof(h); i++)
		sum += (unsigned char)h[i];
	octal(h + 148, 7, sum);
	h[154] = '\0';
	if ((ret = write_all(fd, h, sizeof(h))) < 0)
		return kerr_set(err, ret, "writing the archive: %s", strerror(-ret));
	return 0;
}

int tar_add_file(int fd, const char *name, const char *src, struct kerr *err)
{
	char buf[65536];
	unsigned long long left;
	struct stat st;
	int in, ret;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return kerr_set(err, -errno, "%s: %s", src, strerror(errno));
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode)) {
		ret = kerr_set(err, -EINVAL, "%s: not a regular file", src);
		goto out;
	}
	if ((ret = header(fd, name, '0', st.st_mode, (unsigned long long)st.st_size, st.st_mtime,
			  NULL, err)) < 0)
		goto out;
	/* exactly the size in the header, even if the file changes meanwhile */
	for (left = (unsigned long long)st.st_size; left;) {
		size_t want = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		ssize_t n = read(in, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = kerr_set(err, -EIO, "%s: shorter than it was", src);
			goto out;
		}
		if ((ret = write_all(fd, buf, (size_t)n)) < 0) {
			kerr_set(err, ret, "writing the archive: %s", strerror(-ret));
			goto out;
		}
		left -= (unsigned long long)n;
	}
	memset(buf, 0, 512);
	if ((ret = write_all(fd, buf, (512 - st.st_size % 512) % 512)) < 0)
		kerr_set(err, ret, "writing the archive: %s", strerror(-ret));
out:
	close(in);
	return ret;
}

int tar_add_symlink(int fd, const char *name, const char *target, struct kerr *err)
{
	return header(fd, name, '2', 0777, 0, 0, target, err);
}

int tar_finish(int fd, struct kerr *err)
{
	static const char zero[1024];
	int ret = write_all(fd, zero, sizeof(zero));

	return ret < 0 ? kerr_set(err, ret, "writing the archive: %s", strerror(-ret)) : 0;
}
