/* Consumer side of the perf mmap ring (see ring.h and perf_event_open(2),
 * "MMAP layout"): read data_head with acquire order, walk records up to it,
 * publish data_tail with release order so the kernel may reuse the space. */
#include "ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../base/alloc.h"

int ring_open(struct ring *r, int fd, size_t pages, struct kerr *err)
{
	long psz = sysconf(_SC_PAGESIZE);
	size_t len = (pages + 1) * (size_t)psz;
	void *base;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		int e = errno;
		if (e == EPERM || e == ENOMEM)
			return kerr_set(err, -e,
					"cannot map a %zu KiB ring buffer: %s (see "
					"/proc/sys/kernel/perf_event_mlock_kb, or use fewer pages)",
					pages * (size_t)psz / 1024, strerror(e));
		return kerr_set(err, -e, "cannot map the ring buffer: %s", strerror(e));
	}
	r->fd = fd;
	r->base = base;
	r->data_size = pages * (size_t)psz;
	return 0;
}

void ring_close(struct ring *r)
{
	if (r->base)
		munmap(r->base, r->data_size + (size_t)sysconf(_SC_PAGESIZE));
	free(r->scratch);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

size_t ring_read(struct ring *r, ring_record_fn fn, void *arg)
{
	struct perf_event_mmap_page *meta = r->base;
	unsigned char *data;
	uint64_t head, tail, start;
	size_t mask;

	if (!r->base)
		return 0;
	data = (unsigned char *)r->base + meta->data_offset;
	mask = r->data_size - 1;
	head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	tail = meta->data_tail;
	start = tail;
	while (tail < head) {
		struct perf_event_header hdr;
		size_t off = tail & mask;

		/* The header itself may straddle the end. */
		if (off + sizeof(hdr) <= r->data_size) {
			memcpy(&hdr, data + off, sizeof(hdr));
		} else {
			size_t first = r->data_size - off;
			memcpy(&hdr, data + off, first);
			memcpy((unsigned char *)&hdr + first, data, sizeof(hdr) - first);
		}
		if (hdr.size < sizeof(hdr) || tail + hdr.size > head)
			break; /* corrupt or incomplete: stop here */
		if (off + hdr.size <= r->data_size) {
			fn((const struct perf_event_header *)(data + off), arg);
		} else {
			size_t first = r->data_size - off;
			if (r->scratch_size < hdr.size) {
				r->scratch = xrealloc(r->scratch, hdr.size);
				r->scratch_size = hdr.size;
			}
			memcpy(r->scratch, data + off, first);
			memcpy(r->scratch + first, data, hdr.size - first);
			fn((const struct perf_event_header *)r->scratch, arg);
		}
		tail += hdr.size;
	}
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	return (size_t)(tail - start);
}
