/* Protocol buffer wire primitives shared by the profile encoder and decoder. */
#ifndef KILN_PROFILE_PBWIRE_H
#define KILN_PROFILE_PBWIRE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"

enum pb_wire { PB_VARINT = 0, PB_FIXED64 = 1, PB_LEN = 2, PB_FIXED32 = 5 };

static inline void pb_put_varint(struct kbuf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	kbuf_add(b, tmp, n);
}

static inline void pb_put_tag(struct kbuf *b, unsigned field, enum pb_wire w)
{
	pb_put_varint(b, ((uint64_t)field << 3) | w);
}

/* field = v, omitted when v is 0 (proto3 default). */
static inline void pb_put_int(struct kbuf *b, unsigned field, uint64_t v)
{
	if (!v)
		return;
	pb_put_tag(b, field, PB_VARINT);
	pb_put_varint(b, v);
}

static inline void pb_put_bytes(struct kbuf *b, unsigned field,
				const void *data, size_t n)
{
	pb_put_tag(b, field, PB_LEN);
	pb_put_varint(b, n);
	kbuf_add(b, data, n);
}

#endif
