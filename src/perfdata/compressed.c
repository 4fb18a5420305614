/* perf record -z: PERF_RECORD_COMPRESSED records carry one zstd stream,
 * cut at arbitrary points (a record may continue in the next one), of the
 * records perf read from the rings. Opening a file with any of them
 * inflates its data section once into a buffer pd owns, the other records
 * copied where they stand, so every later reader sees plain records. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "internal.h"

/* A hostile stream must not take all memory: perf's own ratio is ~5-10x. */
#define INFLATE_MAX ((uint64_t)4 << 30)
#define INFLATE_RATIO 200

static int has_compressed(const struct perfdata *pd, struct kerr *err)
{
	uint64_t off = pd->data_off, end = pd->data_off + pd->data_size;

	while (off < end) {
		struct perf_event_header h;
		int64_t ext = pd_record_extent(pd, off, end, err);

		if (ext < 0)
			return (int)ext;
		memcpy(&h, pd->data + off, sizeof(h));
		if (h.type == PD_REC_COMPRESSED)
			return 1;
		off += (uint64_t)ext;
	}
	return 0;
}

static int feed(ZSTD_DStream *z, struct kbuf *out, const void *src, size_t n, uint64_t limit,
		struct kerr *err)
{
	ZSTD_inBuffer in = { src, n, 0 };

	while (in.pos < in.size) {
		ZSTD_outBuffer o;
		size_t r;

		kbuf_grow(out, 1 << 16);
		o = (ZSTD_outBuffer){ out->buf + out->len, out->alloc - out->len - 1, 0 };
		r = ZSTD_decompressStream(z, &o, &in);
		if (ZSTD_isError(r))
			return kerr_set(err, -EBADMSG, "perf.data: compressed records (perf record "
					"-z) do not decompress: %s", ZSTD_getErrorName(r));
		out->len += o.pos;
		if (out->len > limit)
			return kerr_set(err, -EFBIG, "perf.data: compressed records expand past "
					"%" PRIu64 " MiB; not read", limit >> 20);
	}
	return 0;
}

int pd_inflate(struct perfdata *pd, struct kerr *err)
{
	uint64_t off = pd->data_off, end = pd->data_off + pd->data_size;
	uint64_t limit = pd->data_size * INFLATE_RATIO;
	struct kbuf out = KBUF_INIT;
	ZSTD_DStream *z;
	int ret = has_compressed(pd, err);

	if (ret <= 0)
		return ret;
	ret = 0;
	if (limit > INFLATE_MAX || limit / INFLATE_RATIO != pd->data_size)
		limit = INFLATE_MAX;
	if (!(z = ZSTD_createDStream()))
		return kerr_set(err, -ENOMEM, "perf.data: out of memory for zstd");
	ZSTD_initDStream(z);
	while (off < end && !ret) {
		struct perf_event_header h;
		int64_t ext = pd_record_extent(pd, off, end, err);

		if (ext < 0) {
			ret = (int)ext;
			break;
		}
		memcpy(&h, pd->data + off, sizeof(h));
		if (h.type == PD_REC_COMPRESSED) {
			ret = feed(z, &out, pd->data + off + sizeof(h), h.size - sizeof(h), limit, err);
		} else {
			kbuf_add(&out, pd->data + off, (size_t)ext);
			if (out.len > limit)
				ret = kerr_set(err, -EFBIG, "perf.data: too large");
		}
		off += (uint64_t)ext;
	}
	ZSTD_freeDStream(z);
	/* Records are 8-byte multiples: a stream cut mid-record is truncated. */
	if (!ret && out.len % 8)
		ret = kerr_set(err, -EBADMSG, "perf.data: the compressed records end inside a "
			       "record (truncated?)");
	if (ret) {
		kbuf_release(&out);
		return ret;
	}
	pd->inflated = (unsigned char *)kbuf_detach(&out, &pd->inflated_size);
	pd->data = pd->inflated;
	pd->size = pd->inflated_size;
	pd->data_off = 0;
	pd->data_size = pd->inflated_size;
	return 0;
}
