/* A perf_event mmap ring buffer: one metadata page plus 2^n data pages that
 * the kernel fills with records and we consume.
 *
 * ring_read() hands out pointers to records; a record that wraps around the
 * end of the buffer is copied into the ring's scratch buffer first. Record
 * pointers are valid only until the callback returns. */
#ifndef KILN_COLLECT_RING_H
#define KILN_COLLECT_RING_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/err.h"

struct ring {
	int fd;
	void *base;        /* metadata page; data follows */
	size_t data_size;  /* power of two */
	unsigned char *scratch;
	size_t scratch_size;
};

/* Maps `pages` (a power of two) data pages of the event fd. Returns 0 or
 * -errno (-EPERM: over the perf_event_mlock_kb limit). */
int ring_open(struct ring *r, int fd, size_t pages, struct kerr *err);
void ring_close(struct ring *r);

typedef void (*ring_record_fn)(const struct perf_event_header *h, void *arg);

/* Consumes every record available now; returns how many bytes were read. */
size_t ring_read(struct ring *r, ring_record_fn fn, void *arg);

#endif
