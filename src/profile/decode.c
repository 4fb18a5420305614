/* profile.proto decoder (see decode.h). The input is a stream of top-level
 * fields, each small except in pathological files; we inflate (or read)
 * into a window, make sure one whole top-level field is in it, and decode
 * that field's message straight into the profile's pools. Sub-messages are
 * decoded from memory with bounds checks on every read, so corrupt input
 * can only produce an error, never a read out of bounds or a loop that does
 * not advance. */
#include "decode.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../base/alloc.h"
#include "legacy.h"
#include "pbwire.h"
#include "sniff.h"
#include "textdec.h"

#define WINDOW_MIN (256u * 1024)
#define INPUT_CHUNK (256u * 1024)

/* ---- the input stream ------------------------------------------------- */

struct src {
	const unsigned char *buf; /* window; [pos, len) not consumed yet */
	size_t pos, len;
	uint64_t base;            /* stream offset of buf[0] */
	uint64_t max;             /* cap on the uncompressed size */
	uint64_t max_memory;      /* cap on the decoded profile; 0 = none */
	bool eof;                 /* nothing beyond buf[len] */

	unsigned char *win;       /* owned window (stream inputs) */
	size_t win_cap;

	int fd;                   /* -1 for memory input */
	bool gz;
	z_stream zs;
	bool zs_ready;
	unsigned char *in;        /* compressed bytes read from fd */
	size_t in_cap;
	bool in_eof;
	uint64_t in_consumed;     /* compressed bytes before zs.next_in's buffer */
};

static uint64_t gz_offset(const struct src *s)
{
	return s->in_consumed + (s->zs.next_in ? (uint64_t)(s->zs.next_in - s->in) : 0);
}

/* Reads the next chunk of compressed input from the fd; sets in_eof. */
static int read_input(struct src *s, struct kerr *err)
{
	ssize_t n;

	if (s->fd < 0) {
		s->in_eof = true;
		return 0;
	}
	s->in_consumed += (uint64_t)(s->zs.next_in - s->in);
	for (;;) {
		n = read(s->fd, s->in, s->in_cap);
		if (n >= 0)
			break;
		if (errno != EINTR)
			return kerr_set(err, -errno, "read error: %s", strerror(errno));
	}
	s->zs.next_in = s->in;
	s->zs.avail_in = (uInt)n;
	if (n == 0)
		s->in_eof = true;
	return 0;
}

static int inflate_more(struct src *s, struct kerr *err)
{
	int zr, r;

	if (s->zs.avail_in == 0 && !s->in_eof && (r = read_input(s, err)) < 0)
		return r;
	s->zs.next_out = s->win + s->len;
	s->zs.avail_out = (uInt)(s->win_cap - s->len < UINT32_MAX ? s->win_cap - s->len : UINT32_MAX);
	zr = inflate(&s->zs, Z_NO_FLUSH);
	s->len = (size_t)(s->zs.next_out - s->win);
	switch (zr) {
	case Z_OK:
		return 0;
	case Z_STREAM_END:
		/* Go's gzip reader is multistream: another member may follow. */
		if (s->zs.avail_in == 0 && !s->in_eof && (r = read_input(s, err)) < 0)
			return r;
		if (s->zs.avail_in == 0) {
			s->eof = true;
			return 0;
		}
		inflateReset(&s->zs);
		return 0;
	case Z_BUF_ERROR:
		if (s->zs.avail_in == 0 && s->in_eof)
			return kerr_set(err, -EBADMSG,
					"truncated gzip data at byte %llu of the compressed input",
					(unsigned long long)gz_offset(s));
		return 0;
	default:
		return kerr_set(err, -EBADMSG, "corrupt gzip data at byte %llu of the compressed input: %s",
				(unsigned long long)gz_offset(s), s->zs.msg ? s->zs.msg : "zlib error");
	}
}

static int read_raw(struct src *s, struct kerr *err)
{
	for (;;) {
		ssize_t n = read(s->fd, s->win + s->len, s->win_cap - s->len);
		if (n > 0) {
			s->len += (size_t)n;
			return 0;
		}
		if (n == 0) {
			s->eof = true;
			return 0;
		}
		if (errno != EINTR)
			return kerr_set(err, -errno, "read error: %s", strerror(errno));
	}
}

/* Makes at least `need` unconsumed bytes available, unless the stream ends
 * first. May move the window: callers re-derive pointers afterwards. */
static int fill(struct src *s, size_t need, struct kerr *err)
{
	int r;

	if (s->len - s->pos >= need || s->eof)
		return 0;
	if (s->pos) {
		memmove(s->win, s->win + s->pos, s->len - s->pos);
		s->base += s->pos;
		s->len -= s->pos;
		s->pos = 0;
	}
	if (need > s->win_cap) {
		size_t cap = s->win_cap * 2;
		if (cap < need)
			cap = need;
		s->win = xrealloc(s->win, cap);
		s->win_cap = cap;
	}
	s->buf = s->win;
	/* Each read or inflate call fills as much of the window as it can,
	 * so small messages are not paid for with one call each. */
	while (s->len < need && !s->eof) {
		r = s->gz ? inflate_more(s, err) : read_raw(s, err);
		if (r < 0)
			return r;
		if (s->base + s->len > s->max)
			return kerr_set(err, -EFBIG, "profile is larger than %llu bytes uncompressed",
					(unsigned long long)s->max);
	}
	return 0;
}

static void src_release(struct src *s)
{
	if (s->zs_ready)
		inflateEnd(&s->zs);
	free(s->win);
	free(s->in);
}

static int src_init_gz(struct src *s, struct kerr *err)
{
	memset(&s->zs, 0, sizeof(s->zs));
	if (inflateInit2(&s->zs, 15 + 16) != Z_OK)
		return kerr_set(err, -ENOMEM, "cannot initialise gzip decompression");
	s->zs_ready = true;
	s->gz = true;
	s->win_cap = WINDOW_MIN;
	s->win = xmalloc(s->win_cap);
	s->buf = s->win;
	return 0;
}

/* ---- reading protobuf from memory -------------------------------------- */

struct rd {
	const unsigned char *p, *end, *start;
	uint64_t base; /* stream offset of start */
};

static uint64_t rd_off(const struct rd *r)
{
	return r->base + (uint64_t)(r->p - r->start);
}

static int rd_fail(const struct rd *r, struct kerr *err, const char *what)
{
	return kerr_set(err, -EBADMSG, "corrupt profile at byte %llu: %s",
			(unsigned long long)rd_off(r), what);
}

static inline bool rd_varint(struct rd *r, uint64_t *v)
{
	const unsigned char *p = r->p;
	uint64_t x = 0;

	if (p < r->end && !(*p & 0x80)) {
		*v = *p;
		r->p = p + 1;
		return true;
	}
	for (unsigned i = 0; i < 10; i++) {
		if (p + i >= r->end)
			return false;
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			r->p = p + i + 1;
			*v = x;
			return true;
		}
	}
	return false;
}

/* One field header and its payload: a scalar for varint/fixed wire types,
 * a sub-range for length-delimited ones. */
struct field {
	unsigned num;
	unsigned wt;
	uint64_t v;
	struct rd sub;
};

static int rd_field(struct rd *r, struct field *f, struct kerr *err)
{
	const unsigned char *start = r->p; /* errors point at the field */
	uint64_t tag, n;

	if (!rd_varint(r, &tag))
		return rd_fail(r, err, "bad or truncated field tag");
	f->num = tag >> 3 > UINT32_MAX ? 0 : (unsigned)(tag >> 3);
	f->wt = (unsigned)(tag & 7);
	switch (f->wt) {
	case PB_VARINT:
		if (!rd_varint(r, &f->v)) {
			r->p = start;
			return rd_fail(r, err, "bad or truncated varint");
		}
		return 0;
	case PB_FIXED64:
		if (r->end - r->p < 8)
			return rd_fail(r, err, "truncated fixed64");
		memcpy(&f->v, r->p, 8);
		r->p += 8;
		return 0;
	case PB_FIXED32: {
		uint32_t w;
		if (r->end - r->p < 4)
			return rd_fail(r, err, "truncated fixed32");
		memcpy(&w, r->p, 4);
		f->v = w;
		r->p += 4;
		return 0;
	}
	case PB_LEN:
		if (!rd_varint(r, &n))
			return rd_fail(r, err, "bad or truncated length");
		if (n > (uint64_t)(r->end - r->p)) {
			r->p = start;
			return rd_fail(r, err, "length runs past the end of its message");
		}
		f->sub.start = f->sub.p = r->p;
		f->sub.end = r->p + n;
		f->sub.base = rd_off(r);
		r->p += n;
		return 0;
	default:
		r->p = start;
		return rd_fail(r, err, "unknown wire type");
	}
}

/* A known scalar field must be a varint (pprof: "type mismatch"). */
static int want_varint(const struct rd *r, const struct field *f, struct kerr *err)
{
	return f->wt == PB_VARINT ? 0 : rd_fail(r, err, "wire type mismatch");
}

/* Decoder state across top-level fields. */
struct dec {
	struct profile *p;
	size_t n_file_strings;
	bool have_time;
	uint64_t max_memory; /* 0 = no bound */
};

/* The part of a profile that takes the most memory, for the message that
 * says why a profile was refused. */
static const char *largest_part(const struct profile *p, size_t *count)
{
	struct { const char *name; size_t bytes, n; } parts[] = {
		{ "samples", p->cap_samples * sizeof(*p->samples), p->n_samples },
		{ "sample locations", p->cap_sample_locs * sizeof(*p->sample_locs), p->n_sample_locs },
		{ "sample values", p->cap_sample_values * sizeof(*p->sample_values), p->n_sample_values },
		{ "labels", p->cap_sample_labels * sizeof(*p->sample_labels), p->n_sample_labels },
		{ "mappings", p->cap_mappings * sizeof(*p->mappings), p->n_mappings },
		{ "locations", p->cap_locations * sizeof(*p->locations), p->n_locations },
		{ "lines", p->cap_lines * sizeof(*p->lines), p->n_lines },
		{ "functions", p->cap_functions * sizeof(*p->functions), p->n_functions },
		{ "strings", p->strings.arena.total + p->strings.cap * sizeof(*p->strings.v),
		  p->strings.n },
	};
	size_t best = 0;

	for (size_t i = 1; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (parts[i].bytes > parts[best].bytes)
			best = i;
	*count = parts[best].n;
	return parts[best].name;
}

/* Fails when `extra` more bytes would take the profile past max_memory. */
static int dec_room(const struct dec *d, size_t extra, struct kerr *err)
{
	size_t n;
	const char *what;

	if (!d->max_memory || profile_memory(d->p) + extra <= d->max_memory)
		return 0;
	what = largest_part(d->p, &n);
	return kerr_set(err, -E2BIG,
			"the profile needs more than %llu MiB of memory to load (%zu %s so far); "
			"--max-memory SIZE raises the limit",
			(unsigned long long)(d->max_memory >> 20), n, what);
}

/* dec_room() for growing a pool of `elem`-byte entries from `cap` to hold
 * `need`, with the capacity xgrow() will pick. */
static int dec_room_grow(const struct dec *d, size_t cap, size_t need, size_t elem,
			 struct kerr *err)
{
	size_t c = cap < 8 ? 8 : cap;

	if (need <= cap || !d->max_memory)
		return 0;
	while (c < need)
		c *= 2;
	return dec_room(d, (c - cap) * elem, err);
}

/* Repeated 64-bit integers, packed or not, appended to a pool (`n`/`cap`
 * updated). Pool offsets are 32-bit, so pools stop at UINT32_MAX entries.
 * A macro because the pools are uint64_t or int64_t. */
#define DEFINE_REPEATED(name, T)                                                  \
static int name(const struct dec *d, struct rd *r, const struct field *f,        \
		T **pool, size_t *n, size_t *cap, struct kerr *err)               \
{                                                                                 \
	struct rd sub = f->sub;                                                   \
	size_t most;                                                              \
	T *out;                                                                   \
									          \
	if (f->wt == PB_VARINT) {                                                 \
		if (*n >= UINT32_MAX)                                             \
			return rd_fail(r, err, "profile too large (more than 2^32 entries in a pool)"); \
		if (dec_room_grow(d, *cap, *n + 1, sizeof(**pool), err) < 0)      \
			return -E2BIG;                                            \
		*pool = xgrow(*pool, cap, *n + 1, sizeof(**pool));                \
		(*pool)[(*n)++] = (T)f->v;                                        \
		return 0;                                                         \
	}                                                                         \
	if (f->wt != PB_LEN)                                                      \
		return rd_fail(r, err, "wire type mismatch");                     \
	most = (size_t)(sub.end - sub.p); /* each varint is >= 1 byte */          \
	if (most == 0)                                                            \
		return 0;                                                         \
	if (*n + most > UINT32_MAX)                                               \
		return rd_fail(&sub, err, "profile too large (more than 2^32 entries in a pool)"); \
	if (dec_room_grow(d, *cap, *n + most, sizeof(**pool), err) < 0)           \
		return -E2BIG;                                                    \
	*pool = xgrow(*pool, cap, *n + most, sizeof(**pool));                     \
	out = *pool + *n;                                                         \
	while (sub.p < sub.end) {                                                 \
		uint64_t v_;                                                      \
		if (!rd_varint(&sub, &v_))                                        \
			return rd_fail(&sub, err, "bad varint in packed field");  \
		*out++ = (T)v_;                                                   \
	}                                                                         \
	*n = (size_t)(out - *pool);                                               \
	return 0;                                                                 \
}

DEFINE_REPEATED(repeated_u64, uint64_t)
DEFINE_REPEATED(repeated_i64, int64_t)

static int dec_value_type(struct rd *r, struct pf_value_type *vt, struct kerr *err)
{
	struct field f;
	int ret;

	while (r->p < r->end) {
		if ((ret = rd_field(r, &f, err)) < 0)
			return ret;
		if (f.num == 1 || f.num == 2) {
			if ((ret = want_varint(r, &f, err)) < 0)
				return ret;
			if (f.num == 1)
				vt->type = (int64_t)f.v;
			else
				vt->unit = (int64_t)f.v;
		}
	}
	return 0;
}

static int dec_label(struct rd *r, struct pf_label *l, struct kerr *err)
{
	struct field f;
	int ret;

	memset(l, 0, sizeof(*l));
	while (r->p < r->end) {
		if ((ret = rd_field(r, &f, err)) < 0)
			return ret;
		if (f.num < 1 || f.num > 4)
			continue;
		if ((ret = want_varint(r, &f, err)) < 0)
			return ret;
		switch (f.num) {
		case 1: l->key = (int64_t)f.v; break;
		case 2: l->str = (int64_t)f.v; break;
		case 3: l->num = (int64_t)f.v; break;
		case 4: l->num_unit = (int64_t)f.v; break;
		}
	}
	return 0;
}

static int dec_sample(struct dec *d, struct rd *r, struct kerr *err)
{
	struct profile *p = d->p;
	struct pf_sample *s;
	size_t loc0 = p->n_sample_locs, val0 = p->n_sample_values, lab0 = p->n_sample_labels;
	struct field f;
	int ret;

	while (r->p < r->end) {
		if ((ret = rd_field(r, &f, err)) < 0)
			return ret;
		switch (f.num) {
		case 1:
			ret = repeated_u64(d, r, &f, &p->sample_locs, &p->n_sample_locs,
					   &p->cap_sample_locs, err);
			break;
		case 2:
			ret = repeated_i64(d, r, &f, &p->sample_values, &p->n_sample_values,
					   &p->cap_sample_values, err);
			break;
		case 3: {
			struct pf_label l;
			if (f.wt != PB_LEN) {
				ret = rd_fail(r, err, "wire type mismatch");
				break;
			}
			ret = dec_label(&f.sub, &l, err);
			/* pprof drops labels that carry nothing. */
			if (ret == 0 && (l.str || l.num || l.num_unit)) {
				if (p->n_sample_labels >= UINT32_MAX) {
					ret = rd_fail(r, err, "profile too large (more than 2^32 labels)");
					break;
				}
				if ((ret = dec_room_grow(d, p->cap_sample_labels,
							 p->n_sample_labels + 1, sizeof(l), err)) < 0)
					break;
				p->sample_labels = xgrow(p->sample_labels, &p->cap_sample_labels,
							 p->n_sample_labels + 1, sizeof(l));
				p->sample_labels[p->n_sample_labels++] = l;
			}
			break;
		}
		default:
			ret = 0;
		}
		if (ret < 0)
			return ret;
	}
	if (p->n_samples >= UINT32_MAX)
		return rd_fail(r, err, "profile too large (more than 2^32 samples)");
	if ((ret = dec_room_grow(d, p->cap_samples, p->n_samples + 1, sizeof(*s), err)) < 0)
		return ret;
	p->samples = xgrow(p->samples, &p->cap_samples, p->n_samples + 1, sizeof(*s));
	s = &p->samples[p->n_samples++];
	s->loc_off = (uint32_t)loc0;
	s->n_loc = (uint32_t)(p->n_sample_locs - loc0);
	s->val_off = (uint32_t)val0;
	s->n_val = (uint32_t)(p->n_sample_values - val0);
	s->lab_off = (uint32_t)lab0;
	s->n_lab = (uint32_t)(p->n_sample_labels - lab0);
	return 0;
}

static int dec_mapping(struct dec *d, struct rd *r, struct kerr *err)
{
	struct pf_mapping m;
	struct field f;
	int ret;

	memset(&m, 0, sizeof(m));
	while (r->p < r->end) {
		if ((ret = rd_field(r, &f, err)) < 0)
			return ret;
		if (f.num < 1 || f.num > 10)
			continue;
		if ((ret = want_varint(r, &f, err)) < 0)
			return ret;
		switch (f.num) {
		case 1: m.id = f.v; break;
		case 2: m.memory_start = f.v; break;
		case 3: m.memory_limit = f.v; break;
		case 4: m.file_offset = f.v; break;
		case 5: m.filename = (int64_t)f.v; break;
		case 6: m.build_id = (int64_t)f.v; break;
		case 7: m.has_functions = f.v != 0; break;
		case 8: m.has_filenames = f.v != 0; break;
		case 9: m.has_line_numbers = f.v != 0; break;
		case 10: m.has_inline_frames = f.v != 0; break;
		}
	}
	if ((ret = dec_room_grow(d, d->p->cap_mappings, d->p->n_mappings + 1, sizeof(m), err)) < 0)
		return ret;
	d->p->mappings = xgrow(d->p->mappings, &d->p->cap_mappings, d->p->n_mappings + 1, sizeof(m));
	d->p->mappings[d->p->n_mappings++] = m;
	return 0;
}

static int dec_line(struct rd *r, struct pf_line *ln, struct kerr *err)
{
	struct field f;
	int ret;

	memset(ln, 0, sizeof(*ln));
	while (r->p < r->end) {
		if ((ret = rd_field(r, &f, err)) < 0)
			return ret;
		if (f.num < 1 || f.num > 3)
			continue;
		if ((ret = want_varint(r, &f, err)) < 0)
			return ret;
		switch (f.num) {
		case 1: ln->function_id = f.v; break;
		case 2: ln->line = (int64_t)f.v; break;
		case 3: ln->column = (int64_t)f.v; break;
		}
	}
	return 0;
}

static int dec_location(struct dec *d, struct rd *r, struct kerr *err)
{
	struct profile *p = d->p;
	struct pf_location l;
	size_t line0 = p->n_lines;
	struct field f;
	int ret;

	memset(&l, 0, sizeof(l));
	while (r->p < r->end) {
		if ((ret = rd_field(r, &f, err)) < 0)
			return ret;
		if (f.num == 4) {
			struct pf_line ln;
			if (f.wt != PB_LEN)
				return rd_fail(r, err, "wire type mismatch");
			if ((ret = dec_line(&f.sub, &ln, err)) < 0)
				return ret;
			if (p->n_lines >= UINT32_MAX)
				return rd_fail(r, err, "profile too large (more than 2^32 lines)");
			if ((ret = dec_room_grow(d, p->cap_lines, p->n_lines + 1, sizeof(ln), err)) < 0)
				return ret;
			p->lines = xgrow(p->lines, &p->cap_lines, p->n_lines + 1, sizeof(ln));
			p->lines[p->n_lines++] = ln;
			continue;
		}
		if (f.num < 1 || f.num > 5)
			continue;
		if ((ret = want_varint(r, &f, err)) < 0)
			return ret;
		switch (f.num) {
		case 1: l.id = f.v; break;
		case 2: l.mapping_id = f.v; break;
		case 3: l.address = f.v; break;
		case 5: l.is_folded = f.v != 0; break;
		}
	}
	l.line_off = (uint32_t)line0;
	l.n_line = (uint32_t)(p->n_lines - line0);
	if ((ret = dec_room_grow(d, p->cap_locations, p->n_locations + 1, sizeof(l), err)) < 0)
		return ret;
	p->locations = xgrow(p->locations, &p->cap_locations, p->n_locations + 1, sizeof(l));
	p->locations[p->n_locations++] = l;
	return 0;
}

static int dec_function(struct dec *d, struct rd *r, struct kerr *err)
{
	struct pf_function fn;
	struct field f;
	int ret;

	memset(&fn, 0, sizeof(fn));
	while (r->p < r->end) {
		if ((ret = rd_field(r, &f, err)) < 0)
			return ret;
		if (f.num < 1 || f.num > 5)
			continue;
		if ((ret = want_varint(r, &f, err)) < 0)
			return ret;
		switch (f.num) {
		case 1: fn.id = f.v; break;
		case 2: fn.name = (int64_t)f.v; break;
		case 3: fn.system_name = (int64_t)f.v; break;
		case 4: fn.filename = (int64_t)f.v; break;
		case 5: fn.start_line = (int64_t)f.v; break;
		}
	}
	if ((ret = dec_room_grow(d, d->p->cap_functions, d->p->n_functions + 1, sizeof(fn),
				 err)) < 0)
		return ret;
	d->p->functions = xgrow(d->p->functions, &d->p->cap_functions, d->p->n_functions + 1,
				sizeof(fn));
	d->p->functions[d->p->n_functions++] = fn;
	return 0;
}

/* One top-level field of Profile. `r` spans the whole field's bytes in the
 * window (header included) for error offsets; `f` is the parsed field. */
static int dec_top(struct dec *d, struct rd *r, struct field *f, struct kerr *err)
{
	struct profile *p = d->p;
	int ret;

	switch (f->num) {
	case 1:
		if (f->wt != PB_LEN)
			return rd_fail(r, err, "wire type mismatch in sample_type");
		if ((ret = dec_room_grow(d, p->cap_sample_type, p->n_sample_type + 1,
					 sizeof(*p->sample_type), err)) < 0)
			return ret;
		p->sample_type = xgrow(p->sample_type, &p->cap_sample_type, p->n_sample_type + 1,
				       sizeof(*p->sample_type));
		memset(&p->sample_type[p->n_sample_type], 0, sizeof(*p->sample_type));
		return dec_value_type(&f->sub, &p->sample_type[p->n_sample_type++], err);
	case 2: case 3: case 4: case 5:
		if (f->wt != PB_LEN)
			return rd_fail(r, err, "wire type mismatch");
		if (f->num == 2)
			return dec_sample(d, &f->sub, err);
		if (f->num == 3)
			return dec_mapping(d, &f->sub, err);
		if (f->num == 4)
			return dec_location(d, &f->sub, err);
		return dec_function(d, &f->sub, err);
	case 6: {
		size_t n;
		if (f->wt != PB_LEN)
			return rd_fail(r, err, "wire type mismatch in string_table");
		n = (size_t)(f->sub.end - f->sub.p);
		if (d->n_file_strings++ == 0) {
			/* Index 0 is already "" in a new profile's table. */
			if (n != 0)
				return rd_fail(r, err, "string_table[0] must be ''");
			return 0;
		}
		if (n > UINT32_MAX || p->strings.n >= UINT32_MAX)
			return rd_fail(r, err, "string table too large");
		/* The table grows by doubling too: a check per string would cost
		 * a sum per string, so long strings are checked each and short
		 * ones every 4096 (each costs < 64 bytes more than it reads). */
		if ((n >= 4096 || (p->strings.n & 4095) == 0) &&
		    (ret = dec_room(d, n + 4096 * 64, err)) < 0)
			return ret;
		strtab_append(&p->strings, (const char *)f->sub.p, n);
		return 0;
	}
	case 11:
		if (f->wt != PB_LEN)
			return rd_fail(r, err, "wire type mismatch in period_type");
		memset(&p->period_type, 0, sizeof(p->period_type));
		return dec_value_type(&f->sub, &p->period_type, err);
	case 13:
		return repeated_i64(d, r, f, &p->comments, &p->n_comments,
				    &p->cap_comments, err);
	case 7: case 8: case 9: case 10: case 12: case 14: case 15:
		if ((ret = want_varint(r, f, err)) < 0)
			return ret;
		switch (f->num) {
		case 7: p->drop_frames = (int64_t)f->v; break;
		case 8: p->keep_frames = (int64_t)f->v; break;
		case 9:
			/* A second time_nanos means two profiles were
			 * concatenated (`cat a.pb b.pb`); pprof refuses too. */
			if (p->time_nanos != 0)
				return kerr_set(err, -EBADMSG,
						"concatenated profiles detected (second time_nanos at byte %llu)",
						(unsigned long long)rd_off(r));
			p->time_nanos = (int64_t)f->v;
			break;
		case 10: p->duration_nanos = (int64_t)f->v; break;
		case 12: p->period = (int64_t)f->v; break;
		case 14: p->default_sample_type = (int64_t)f->v; break;
		case 15: p->doc_url = (int64_t)f->v; break;
		}
		return 0;
	default:
		return 0; /* unknown: skipped for forward compatibility */
	}
}

/* Bytes needed to hold any field header (tag + length varints). */
#define HEADER_MAX 20

static int decode_stream(struct src *s, struct profile *p, struct kerr *err)
{
	struct dec d = { p, 0, false, s->max_memory };
	int ret;

	for (;;) {
		struct rd r;
		struct field f;
		size_t hdr;

		if ((ret = fill(s, HEADER_MAX, err)) < 0)
			return ret;
		if (s->pos == s->len)
			break;
		r.start = r.p = s->buf + s->pos;
		r.end = s->buf + s->len;
		r.base = s->base + s->pos;
		{
			/* Peek at the header to learn how much to load. */
			uint64_t tag, n = 0;
			if (!rd_varint(&r, &tag))
				return rd_fail(&r, err, "bad or truncated field tag");
			if ((tag & 7) == PB_LEN) {
				if (!rd_varint(&r, &n))
					return rd_fail(&r, err, "bad or truncated length");
			} else if ((tag & 7) == PB_FIXED64) {
				n = 8;
			} else if ((tag & 7) == PB_FIXED32) {
				n = 4;
			} else if ((tag & 7) == PB_VARINT) {
				n = 0; /* the value is inside HEADER_MAX */
			}
			hdr = (size_t)(r.p - r.start);
			/* The window holds one whole top-level field. */
			if ((ret = dec_room(&d, hdr + n, err)) < 0)
				return ret;
			if (n > s->max || r.base + hdr + n > s->max)
				return kerr_set(err, -EBADMSG,
						"corrupt profile at byte %llu: field length %llu exceeds the size limit",
						(unsigned long long)r.base, (unsigned long long)n);
			if ((ret = fill(s, hdr + (size_t)n, err)) < 0)
				return ret;
			if (s->len - s->pos < hdr + n)
				return kerr_set(err, -EBADMSG,
						"truncated profile: field %llu at byte %llu needs %llu bytes, only %zu remain",
						(unsigned long long)(tag >> 3), (unsigned long long)r.base,
						(unsigned long long)(hdr + n), s->len - s->pos);
		}
		r.start = r.p = s->buf + s->pos;
		r.end = s->buf + s->len;
		r.base = s->base + s->pos;
		if ((ret = rd_field(&r, &f, err)) < 0)
			return ret;
		{
			/* Field 0 is skipped like any unknown field, as pprof does. */
			struct rd whole = { r.start, r.p, r.start, r.base };
			if ((ret = dec_top(&d, &whole, &f, err)) < 0)
				return ret;
		}
		s->pos += (size_t)(r.p - r.start);
	}
	if (s->base + s->len == 0)
		return kerr_set(err, -EBADMSG, "empty profile");
	if (d.n_file_strings == 0)
		return kerr_set(err, -EBADMSG, "malformed profile: no string table");
	return 0;
}

/* ---- validation --------------------------------------------------------- */

#define STR_OK(p, idx) ((idx) >= 0 && (uint64_t)(idx) < (p)->strings.n)

static int check_str(const struct profile *p, int64_t idx, const char *what, struct kerr *err)
{
	if (STR_OK(p, idx))
		return 0;
	return kerr_set(err, -EBADMSG, "malformed profile: %s refers to string %lld of %zu",
			what, (long long)idx, p->strings.n);
}

static int check_nonzero_id(uint64_t id, const char *what, struct kerr *err)
{
	if (id == 0)
		return kerr_set(err, -EBADMSG, "malformed profile: found %s with reserved id 0", what);
	/* ~0 is the hash map's empty marker. */
	if (id == UINT64_MAX)
		return kerr_set(err, -EBADMSG, "malformed profile: %s id %llu is too large", what,
				(unsigned long long)id);
	return 0;
}

/* profile_index() fills a map only for non-dense ids; a map holding fewer
 * keys than there are elements means duplicates, which we then name. */
#define CHECK_UNIQUE(p, arr, cnt, map, what) do {                                 \
	if (u64map_size(&(p)->map) && u64map_size(&(p)->map) != (p)->cnt) {                               \
		struct u64map seen_ = U64MAP_INIT;                              \
		for (size_t i_ = 0; i_ < (p)->cnt; i_++) {                      \
			bool added_;                                            \
			u64map_slot(&seen_, (p)->arr[i_].id, 0, &added_);       \
			if (!added_) {                                          \
				u64map_release(&seen_);                         \
				return kerr_set(err, -EBADMSG, "malformed profile: multiple " \
						what "s with id %llu",          \
						(unsigned long long)(p)->arr[i_].id); \
			}                                                       \
		}                                                               \
		u64map_release(&seen_);                                         \
	}                                                                       \
} while (0)

int profile_check(struct profile *p, struct kerr *err)
{
	int ret;

	for (size_t i = 0; i < p->n_mappings; i++)
		if ((ret = check_nonzero_id(p->mappings[i].id, "mapping", err)))
			return ret;
	for (size_t i = 0; i < p->n_functions; i++)
		if ((ret = check_nonzero_id(p->functions[i].id, "function", err)))
			return ret;
	for (size_t i = 0; i < p->n_locations; i++)
		if ((ret = check_nonzero_id(p->locations[i].id, "location", err)))
			return ret;
	profile_index(p);
	CHECK_UNIQUE(p, mappings, n_mappings, mapping_ix, "mapping");
	CHECK_UNIQUE(p, functions, n_functions, function_ix, "function");
	CHECK_UNIQUE(p, locations, n_locations, location_ix, "location");

	if (p->n_sample_type == 0 && p->n_samples)
		return kerr_set(err, -EBADMSG, "malformed profile: missing sample type information");
	for (size_t i = 0; i < p->n_sample_type; i++) {
		if ((ret = check_str(p, p->sample_type[i].type, "a sample type", err)) ||
		    (ret = check_str(p, p->sample_type[i].unit, "a sample unit", err)))
			return ret;
	}
	for (size_t i = 0; i < p->n_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		const uint64_t *locs = pf_sample_locs(p, s);
		const struct pf_label *labs = pf_sample_labels(p, s);

		if (s->n_val != p->n_sample_type)
			return kerr_set(err, -EBADMSG,
					"malformed profile: sample %zu has %u values vs. %zu types",
					i, s->n_val, p->n_sample_type);
		for (uint32_t k = 0; k < s->n_loc; k++)
			if (profile_location_index(p, locs[k]) == SIZE_MAX)
				return kerr_set(err, -EBADMSG,
						"malformed profile: sample %zu refers to unknown location id %llu",
						i, (unsigned long long)locs[k]);
		for (uint32_t k = 0; k < s->n_lab; k++)
			if ((ret = check_str(p, labs[k].key, "a label key", err)) ||
			    (ret = check_str(p, labs[k].str, "a label value", err)) ||
			    (ret = check_str(p, labs[k].num_unit, "a label unit", err)))
				return ret;
	}
	for (size_t i = 0; i < p->n_mappings; i++)
		if ((ret = check_str(p, p->mappings[i].filename, "a mapping file name", err)) ||
		    (ret = check_str(p, p->mappings[i].build_id, "a mapping build id", err)))
			return ret;
	for (size_t i = 0; i < p->n_functions; i++)
		if ((ret = check_str(p, p->functions[i].name, "a function name", err)) ||
		    (ret = check_str(p, p->functions[i].system_name, "a function system name", err)) ||
		    (ret = check_str(p, p->functions[i].filename, "a function file name", err)))
			return ret;
	for (size_t i = 0; i < p->n_locations; i++) {
		const struct pf_location *l = &p->locations[i];
		const struct pf_line *ln = pf_location_lines(p, l);

		if (l->mapping_id && !profile_mapping(p, l->mapping_id))
			return kerr_set(err, -EBADMSG,
					"malformed profile: location %llu refers to unknown mapping id %llu",
					(unsigned long long)l->id, (unsigned long long)l->mapping_id);
		for (uint32_t k = 0; k < l->n_line; k++)
			if (!profile_function(p, ln[k].function_id))
				return kerr_set(err, -EBADMSG,
						"malformed profile: location %llu has a line with unknown function id %llu",
						(unsigned long long)l->id,
						(unsigned long long)ln[k].function_id);
	}
	for (size_t i = 0; i < p->n_comments; i++)
		if ((ret = check_str(p, p->comments[i], "a comment", err)))
			return ret;
	if ((ret = check_str(p, p->drop_frames, "drop_frames", err)) ||
	    (ret = check_str(p, p->keep_frames, "keep_frames", err)) ||
	    (ret = check_str(p, p->period_type.type, "the period type", err)) ||
	    (ret = check_str(p, p->period_type.unit, "the period unit", err)) ||
	    (ret = check_str(p, p->default_sample_type, "default_sample_type", err)) ||
	    (ret = check_str(p, p->doc_url, "doc_url", err)))
		return ret;
	return 0;
}

/* ---- entry points -------------------------------------------------------- */

static uint64_t cap_of(const struct profile_decode_opts *o)
{
	return o && o->max_size ? o->max_size : PROFILE_DECODE_MAX_DEFAULT;
}

/* Reads the rest of the input into the window, for the formats that are
 * parsed whole (legacy and text ones). */
static int slurp(struct src *s, struct kerr *err)
{
	int ret;

	while (!s->eof) {
		size_t want = (s->len - s->pos) * 2 + WINDOW_MIN;
		if (s->max_memory && want > s->max_memory && s->len - s->pos + 1 <= s->max_memory)
			want = s->len - s->pos + 1;
		if (s->max_memory && want > s->max_memory)
			return kerr_set(err, -E2BIG,
					"the profile needs more than %llu MiB of memory to load (its text alone); "
					"--max-memory SIZE raises the limit",
					(unsigned long long)(s->max_memory >> 20));
		if ((ret = fill(s, want, err)) < 0)
			return ret;
	}
	return 0;
}

/* One line for what kiln cannot read, naming what it is. */
static int refuse(enum profile_kind k, bool gz, const unsigned char *d, size_t n,
		  struct kerr *err)
{
	switch (k) {
	case PROFILE_KIND_EMPTY:
		return kerr_set(err, -EBADMSG, gz ? "empty profile: the gzip data holds nothing"
						  : "empty profile: the file is 0 bytes");
	case PROFILE_KIND_PERF_DATA:
		return kerr_set(err, -EPROTONOSUPPORT,
				"a perf.data file%s: kiln's commands read perf.data from a file or "
				"standard input, not from here%s; or run `perf script -i FILE | "
				"kiln report -`", gz ? " (gzip-compressed)" : "",
				gz ? " and not compressed: gunzip it first" : "");
	case PROFILE_KIND_ELF:
		return kerr_set(err, -EPROTONOSUPPORT,
				"an ELF binary%s, not a profile: give the profile after it "
				"(kiln report BINARY PROFILE)", gz ? " (gzip-compressed)" : "");
	case PROFILE_KIND_GZIP:
		return kerr_set(err, -EBADMSG, "gzip data inside gzip data: not a profile kiln knows");
	case PROFILE_KIND_TEXT: {
		size_t l = 0;
		while (l < n && l < 60 && d[l] != '\n' && d[l] != '\r')
			l++;
		return kerr_set(err, -EBADMSG,
				"%stext that is not a profile kiln knows (profile.proto, pprof's legacy "
				"heap/growth/contention/threadz/Java text, folded stacks `a;b;c 12`, or "
				"perf script output); it starts \"%.*s\"",
				gz ? "gzip-compressed " : "", (int)l, (const char *)d);
	}
	default: {
		char hex[3 * 8 + 1] = "";
		size_t at = 0;
		for (size_t i = 0; i < n && i < 8; i++)
			at += (size_t)snprintf(hex + at, sizeof(hex) - at, "%s%02x", i ? " " : "", d[i]);
		return kerr_set(err, -EBADMSG,
				"%snot a profile: binary data that is neither profile.proto nor a gperftools "
				"CPU profile (it starts %s)", gz ? "gzip-compressed data, " : "", hex);
	}
	}
}

static int finish(struct src *s, struct profile **out, struct kerr *err)
{
	struct profile *p;
	enum profile_kind kind;
	int ret;

	if ((ret = fill(s, PROFILE_SNIFF_BYTES, err)) < 0)
		return ret;
	kind = profile_sniff(s->buf + s->pos, s->len - s->pos);
	if (kind != PROFILE_KIND_PROTO) {
		const char *d;
		size_t n;
		if (kind == PROFILE_KIND_EMPTY || kind == PROFILE_KIND_PERF_DATA ||
		    kind == PROFILE_KIND_ELF || kind == PROFILE_KIND_GZIP ||
		    kind == PROFILE_KIND_TEXT || kind == PROFILE_KIND_BINARY)
			return refuse(kind, s->gz, s->buf + s->pos, s->len - s->pos, err);
		if ((ret = slurp(s, err)) < 0)
			return ret;
		d = (const char *)s->buf + s->pos;
		n = s->len - s->pos;
		if (kind == PROFILE_KIND_FOLDED)
			return profile_parse_folded(d, n, s->max_memory, out, err);
		if (kind == PROFILE_KIND_PERF_SCRIPT)
			return profile_parse_perf_script(d, n, s->max_memory, out, err);
		ret = profile_parse_legacy(d, n, s->max_memory, out, err);
		if (ret == -ENOMSG)
			return kerr_set(err, -EBADMSG,
					"looks like %s, but no legacy parser of pprof's recognises it",
					profile_kind_name(kind));
		return ret;
	}
	p = profile_new();
	ret = decode_stream(s, p, err);
	if (!ret)
		ret = profile_check(p, err);
	if (ret) {
		profile_free(p);
		return ret;
	}
	*out = p;
	return 0;
}

int profile_decode(const void *data, size_t n, const struct profile_decode_opts *opts,
		   struct profile **out, struct kerr *err)
{
	struct src s;
	int ret;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	s.fd = -1;
	s.max = cap_of(opts);
	s.max_memory = opts ? opts->max_memory : 0;
	if (n >= 2 && ((const unsigned char *)data)[0] == 0x1f &&
	    ((const unsigned char *)data)[1] == 0x8b) {
		if ((ret = src_init_gz(&s, err)) < 0)
			goto out;
		s.in = NULL;
		s.zs.next_in = (unsigned char *)data;
		s.zs.avail_in = (uInt)(n < UINT32_MAX ? n : UINT32_MAX);
		s.in_eof = n < UINT32_MAX;
		/* Memory input larger than 4 GiB compressed is not a case we
		 * serve; zlib's avail_in is 32 bits. */
		if (!s.in_eof) {
			ret = kerr_set(err, -EFBIG, "compressed profile larger than 4 GiB");
			goto out;
		}
		s.in = (unsigned char *)data; /* for gz_offset() */
	} else {
		if (n > s.max) {
			ret = kerr_set(err, -EFBIG, "profile is larger than %llu bytes",
				       (unsigned long long)s.max);
			goto out;
		}
		s.buf = data;
		s.len = n;
		s.eof = true;
	}
	ret = finish(&s, out, err);
out:
	if (s.in == data)
		s.in = NULL; /* not ours */
	src_release(&s);
	return ret;
}

int profile_decode_fd(int fd, const struct profile_decode_opts *opts,
		      struct profile **out, struct kerr *err)
{
	struct src s;
	unsigned char magic[8]; /* 2 used; roomier to keep -Warray-bounds calm */
	size_t got = 0;
	int ret;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	s.fd = fd;
	s.max = cap_of(opts);
	s.max_memory = opts ? opts->max_memory : 0;
	while (got < 2) {
		ssize_t r = read(fd, magic + got, 2 - got);
		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return kerr_set(err, -errno, "read error: %s", strerror(errno));
		}
		got += (size_t)r;
	}
	if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		if ((ret = src_init_gz(&s, err)) < 0)
			goto out;
		s.in_cap = INPUT_CHUNK;
		s.in = xmalloc(s.in_cap);
		memcpy(s.in, magic, 2);
		s.zs.next_in = s.in;
		s.zs.avail_in = 2;
	} else {
		s.win_cap = WINDOW_MIN;
		s.win = xmalloc(s.win_cap);
		memcpy(s.win, magic, got);
		s.buf = s.win;
		s.len = got;
		if (got < 2)
			s.eof = true;
	}
	ret = finish(&s, out, err);
out:
	src_release(&s);
	return ret;
}

int profile_read_file(const char *path, const struct profile_decode_opts *opts,
		      struct profile **out, struct kerr *err)
{
	int fd, ret;

	*out = NULL;
	if (strcmp(path, "-") == 0) {
		ret = profile_decode_fd(0, opts, out, err);
		if (ret)
			kerr_prefix(err, "standard input");
		return ret;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kerr_set(err, -errno, "%s: %s", path, strerror(errno));
	ret = profile_decode_fd(fd, opts, out, err);
	close(fd);
	if (ret)
		kerr_prefix(err, "%s", path);
	return ret;
}
