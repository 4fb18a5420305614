/* Growable byte buffer; see buf.h for the invariants. */
#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"

char kbuf_empty[1];

void kbuf_init(struct kbuf *b)
{
	b->buf = kbuf_empty;
	b->len = 0;
	b->alloc = 0;
}

void kbuf_release(struct kbuf *b)
{
	if (b->alloc)
		free(b->buf);
	kbuf_init(b);
}

char *kbuf_detach(struct kbuf *b, size_t *len)
{
	char *r;

	if (len)
		*len = b->len;
	r = b->alloc ? b->buf : xstrdup("");
	kbuf_init(b);
	return r;
}

void kbuf_grow(struct kbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t cap;

	if (need <= b->alloc)
		return;
	cap = b->alloc < 64 ? 64 : b->alloc;
	while (cap < need)
		cap *= 2;
	if (b->alloc) {
		b->buf = xrealloc(b->buf, cap);
	} else {
		b->buf = xmalloc(cap);
		b->buf[0] = '\0';
	}
	b->alloc = cap;
}

void kbuf_reset(struct kbuf *b)
{
	b->len = 0;
	if (b->alloc)
		b->buf[0] = '\0';
}

void kbuf_add(struct kbuf *b, const void *data, size_t n)
{
	kbuf_grow(b, n);
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void kbuf_addstr(struct kbuf *b, const char *s)
{
	kbuf_add(b, s, strlen(s));
}

void kbuf_addch(struct kbuf *b, char c)
{
	kbuf_grow(b, 1);
	b->buf[b->len++] = c;
	b->buf[b->len] = '\0';
}

void kbuf_vaddf(struct kbuf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	kbuf_grow(b, 64);
	n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= b->alloc - b->len) {
		kbuf_grow(b, (size_t)n);
		n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void kbuf_addf(struct kbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kbuf_vaddf(b, fmt, ap);
	va_end(ap);
}

int kbuf_read_fd(struct kbuf *b, int fd, size_t max)
{
	for (;;) {
		ssize_t n;

		/* Small at first: /proc and /sys files say size 0 and hold a
		 * line, and 128 KiB is past malloc's mmap threshold; one
		 * allocation for such a file. */
		if (!b->alloc || b->alloc - b->len - 1 < 1024)
			kbuf_grow(b, b->alloc < 65536 ? 4095 : 65536);
		n = read(fd, b->buf + b->len, b->alloc - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
		b->buf[b->len] = '\0';
		if (max && b->len > max)
			return -EFBIG;
	}
	return 0;
}

int kbuf_read_file(struct kbuf *b, const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = kbuf_read_fd(b, fd, max);
	close(fd);
	return ret;
}
