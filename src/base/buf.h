/* A growable byte buffer (after git's strbuf). Invariants: `buf` is never
 * NULL and always NUL-terminated at `len`, so it can be printed at any time;
 * an empty KBUF_INIT points at a shared "" and allocates nothing. The owner
 * releases with kbuf_release() or takes the bytes with kbuf_detach(). */
#ifndef KILN_BASE_BUF_H
#define KILN_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern char kbuf_empty[];

struct kbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define KBUF_INIT { kbuf_empty, 0, 0 }

void kbuf_init(struct kbuf *b);
void kbuf_release(struct kbuf *b);
/* Returns the buffer (caller frees) and leaves `b` empty. Never NULL. */
char *kbuf_detach(struct kbuf *b, size_t *len);
void kbuf_grow(struct kbuf *b, size_t extra);
void kbuf_reset(struct kbuf *b);
void kbuf_add(struct kbuf *b, const void *data, size_t n);
void kbuf_addstr(struct kbuf *b, const char *s);
void kbuf_addch(struct kbuf *b, char c);
void kbuf_addf(struct kbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kbuf_vaddf(struct kbuf *b, const char *fmt, va_list ap);
/* Reads a whole file. Returns 0, or -errno; refuses files over `max` bytes
 * with -EFBIG (max 0 = no cap). */
int kbuf_read_file(struct kbuf *b, const char *path, size_t max);
/* Reads an fd to EOF with the same cap. */
int kbuf_read_fd(struct kbuf *b, int fd, size_t max);

#endif
