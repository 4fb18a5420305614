/* Reading jit-PID.dump (see jitdump.h). A node run of a second writes a
 * few thousand loads, a few MiB; the file is read whole, its records
 * walked once, and the loads sorted by address (later first at equal
 * addresses) for binary search, as perf maps are. Code bytes and names
 * point into the one copy of the file. */
#include "jitdump.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/search.h"
#include "../base/textsafe.h"
#include "../base/vec.h"

#define JIT_MAGIC 0x4A695444u        /* "JiTD" in the writer's byte order */
#define JIT_MAGIC_SWAPPED 0x4454694Au
#define HEADER_SIZE 40
#define REC_HEADER 16
#define DEFAULT_MAX_SIZE ((size_t)1 << 30)
/* How far a lookup walks back for an older load enclosing the address. */
#define ENCLOSING_SCAN 16

enum { JIT_CODE_LOAD, JIT_CODE_MOVE, JIT_CODE_DEBUG_INFO, JIT_CODE_CLOSE,
       JIT_CODE_UNWINDING_INFO };

struct jd {
	struct jitdump pub;
	unsigned char *data;
	size_t size;
	struct arena arena;
	VEC(struct jitdump_code) code;
	/* The last JIT_CODE_DEBUG_INFO, for the load of the same address
	 * that follows it. */
	uint64_t pending_addr;
	struct jitdump_line *pending;
	size_t n_pending;
};

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* Length of the NUL-terminated string at p within [p, end), or -1. */
static ssize_t str_len(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *z = memchr(p, 0, (size_t)(end - p));

	return z ? z - p : -1;
}

static bool rec_load(struct jd *j, const unsigned char *p, const unsigned char *end, size_t seq)
{
	struct jitdump_code *c;
	uint64_t addr, size;
	ssize_t n;

	/* header, pid, tid, vma, code_addr, code_size, code_index, name */
	if (end - p < 56)
		return false;
	addr = rd64(p + 32);
	size = rd64(p + 40);
	p += 56;
	if ((n = str_len(p, end)) < 0 || size > (uint64_t)(end - p - n - 1) ||
	    addr + size < addr)
		return false;
	c = vec_add(&j->code);
	*c = (struct jitdump_code){ .addr = addr, .size = size, .name = (const char *)p,
				    .code = p + n + 1, .seq = seq };
	if (j->pending && j->pending_addr == addr) {
		c->lines = j->pending;
		c->n_lines = j->n_pending;
		j->pending = NULL;
	}
	return true;
}

static bool rec_move(struct jd *j, const unsigned char *p, const unsigned char *end, size_t seq)
{
	uint64_t old_addr, new_addr;
	struct jitdump_code *c = NULL;
	struct jitdump_line *lines;

	/* header, pid, tid, vma, old_code_addr, new_code_addr, size, index */
	if (end - p < 64)
		return false;
	old_addr = rd64(p + 32);
	new_addr = rd64(p + 40);
	/* The latest load at the old address is the one moved. */
	for (size_t i = j->code.n; i > 0 && !c; i--)
		if (j->code.v[i - 1].addr == old_addr)
			c = &j->code.v[i - 1];
	j->pub.n_moves++;
	if (!c || new_addr + c->size < new_addr)
		return true; /* a move of code we never saw loaded */
	struct jitdump_code moved = *c;
	moved.addr = new_addr;
	moved.seq = seq;
	if (moved.n_lines) {
		lines = arena_alloc(&j->arena, moved.n_lines * sizeof(*lines));
		for (size_t i = 0; i < moved.n_lines; i++) {
			lines[i] = moved.lines[i];
			lines[i].addr = lines[i].addr - old_addr + new_addr;
		}
		moved.lines = lines;
	}
	vec_push(&j->code, moved);
	return true;
}

static int line_cmp(const void *pa, const void *pb)
{
	const struct jitdump_line *a = pa, *b = pb;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static bool rec_debug(struct jd *j, const unsigned char *p, const unsigned char *end)
{
	const char *file = "";
	uint64_t nr;
	size_t n = 0;

	if (end - p < 32)
		return false;
	j->pending_addr = rd64(p + 16);
	nr = rd64(p + 24);
	p += 32;
	/* Each entry takes at least 17 bytes: a count beyond that lies. */
	if (nr > (uint64_t)(end - p) / 17)
		return false;
	j->pending = nr ? arena_alloc(&j->arena, nr * sizeof(*j->pending)) : NULL;
	for (; n < nr; n++) {
		ssize_t len;

		if (end - p < 16 || (len = str_len(p + 16, end)) < 0)
			return false;
		/* "\xff" alone repeats the previous entry's file. Some JITs
		 * write junk for a name (node 20 does for user scripts): a
		 * name that is not text is no file. */
		if (!(len == 1 && p[16] == 0xff))
			file = text_is_safe((const char *)p + 16, (size_t)len, 0) ?
				(const char *)p + 16 : "";
		j->pending[n] = (struct jitdump_line){ rd64(p), file, rd32(p + 8) };
		p += 16 + len + 1;
	}
	j->n_pending = n;
	if (n)
		qsort(j->pending, n, sizeof(*j->pending), line_cmp);
	else
		j->pending = NULL;
	return true;
}

static int code_cmp(const void *pa, const void *pb)
{
	const struct jitdump_code *a = pa, *b = pb;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return a->seq > b->seq ? -1 : a->seq < b->seq;
}

/* Walks the records; returns at the first that does not fit, setting
 * truncated. */
static void read_records(struct jd *j, size_t off)
{
	size_t seq = 0;

	while (off < j->size) {
		const unsigned char *p = j->data + off, *end;
		uint32_t id, total;
		bool ok = true;

		if (j->size - off < REC_HEADER)
			goto bad;
		id = rd32(p);
		total = rd32(p + 4);
		if (total < REC_HEADER || total > j->size - off)
			goto bad;
		end = p + total;
		switch (id) {
		case JIT_CODE_LOAD:
			ok = rec_load(j, p, end, ++seq);
			break;
		case JIT_CODE_MOVE:
			ok = rec_move(j, p, end, ++seq);
			break;
		case JIT_CODE_DEBUG_INFO:
			ok = rec_debug(j, p, end);
			break;
		case JIT_CODE_CLOSE:
			return;
		default: /* unwinding info, and records newer than this reader */
			break;
		}
		if (!ok)
			goto bad;
		off += total;
	}
	return;
bad:
	j->pub.truncated = true;
	j->pub.bad_offset = off;
}

int jitdump_parse(const void *data, size_t size, struct jitdump **out, struct kerr *err)
{
	struct jd *j;
	uint32_t magic, hsize;

	*out = NULL;
	if (size < HEADER_SIZE)
		return kerr_set(err, -EINVAL, "not a jitdump (%zu bytes, shorter than its header)",
				size);
	magic = rd32(data);
	if (magic == JIT_MAGIC_SWAPPED)
		return kerr_set(err, -EINVAL, "a jitdump of the other byte order (not supported)");
	if (magic != JIT_MAGIC)
		return kerr_set(err, -EINVAL, "not a jitdump (no JiTD magic)");
	hsize = rd32((const unsigned char *)data + 8);
	if (hsize < HEADER_SIZE || hsize > size)
		return kerr_set(err, -EINVAL, "corrupt jitdump header (size %u)", hsize);
	j = xcalloc(1, sizeof(*j));
	j->data = xmalloc(size);
	memcpy(j->data, data, size);
	j->size = size;
	j->pub.elf_mach = rd32(j->data + 12);
	j->pub.pid = rd32(j->data + 20);
	j->pub.flags = rd64(j->data + 32);
	read_records(j, hsize);
	if (j->code.n)
		qsort(j->code.v, j->code.n, sizeof(*j->code.v), code_cmp);
	j->pub.n_code = j->code.n;
	*out = &j->pub;
	return 0;
}

int jitdump_load(const char *path, size_t max_size, struct jitdump **out, struct kerr *err)
{
	struct kbuf b = KBUF_INIT;
	int ret;

	*out = NULL;
	if (!max_size)
		max_size = DEFAULT_MAX_SIZE;
	ret = kbuf_read_file(&b, path, max_size);
	if (ret == -EFBIG) {
		kerr_set(err, ret, "%s: larger than %zu bytes", path, max_size);
		goto out;
	}
	if (ret < 0) {
		kerr_set(err, ret, "%s: %s", path, strerror(-ret));
		goto out;
	}
	ret = jitdump_parse(b.buf, b.len, out, err);
	if (ret < 0)
		kerr_prefix(err, "%s", path);
out:
	kbuf_release(&b);
	return ret;
}

void jitdump_free(struct jitdump *pub)
{
	struct jd *j = (struct jd *)pub;

	if (!j)
		return;
	vec_free(&j->code);
	arena_release(&j->arena);
	free(j->data);
	free(j);
}

const struct jitdump_code *jitdump_find(const struct jitdump *pub, uint64_t addr)
{
	const struct jd *j = (const struct jd *)pub;
	const struct jitdump_code *best = NULL;
	size_t lo;

	if (!j)
		return NULL;
	lo = upper_bound_u64(j->code.v, j->code.n, sizeof(*j->code.v),
			     offsetof(struct jitdump_code, addr), addr);
	for (size_t i = lo, steps = 0; i > 0 && steps < ENCLOSING_SCAN; i--, steps++) {
		const struct jitdump_code *c = &j->code.v[i - 1];

		if (addr - c->addr < c->size && (!best || c->seq > best->seq))
			best = c;
	}
	return best;
}

int jitdump_lookup(const struct jitdump *j, uint64_t addr, struct sym_frame *f)
{
	const struct jitdump_code *c = jitdump_find(j, addr);
	size_t k;

	if (!c)
		return 0;
	*f = (struct sym_frame){ .name = c->name, .system_name = c->name };
	k = upper_bound_u64(c->lines, c->n_lines, sizeof(*c->lines),
			    offsetof(struct jitdump_line, addr), addr);
	if (k > 0 && *c->lines[k - 1].file) {
		f->file = c->lines[k - 1].file;
		f->line = c->lines[k - 1].line;
	}
	return 1;
}

bool jitdump_name(const char *path, int *pid)
{
	const char *base = strrchr(path, '/');
	char *end;
	long v;

	base = base ? base + 1 : path;
	if (strncmp(base, "jit-", 4) != 0 || base[4] < '0' || base[4] > '9')
		return false;
	v = strtol(base + 4, &end, 10);
	if (strcmp(end, ".dump") != 0 || v <= 0 || v > INT32_MAX)
		return false;
	*pid = (int)v;
	return true;
}
