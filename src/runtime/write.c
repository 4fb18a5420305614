/* Turning raw stacks of this process into a Profile with src/build's
 * builder: mappings from /proc/self/maps (executable ones), read when the
 * first stack arrives, each address symbolized by the builder once (names,
 * files, lines, inline frames), mappings in address order (the main binary
 * first, as pprof expects), and the profile written atomically.
 *
 * How far symbolization goes is KILN_SYMBOLIZE's choice (env.c):
 *   fast (default): each file's own symbol tables and DWARF, which covers
 *     the program and its libraries as built; separate debug files (the
 *     system's /usr/lib/debug, often compressed: reading libc's costs more
 *     than 50 ms) are not read, and a mapping with addresses left unnamed
 *     is marked has_functions=false so pprof completes it from them;
 *   full: separate debug files too;
 *   none: addresses and mappings only (pprof symbolizes, like gperftools).
 *
 * Runs only in writer context (API calls, the HTTP server, exit), inside
 * rt_enter() so its own allocations are not profiled. One symbolizer is
 * kept for the process, since the files rarely change: it caches parsed
 * symbol tables across profiles. rt_write_lock serialises its users, from
 * a builder's first stack to its end.
 *
 * Most processes of a profiled tree (every exec'd `true` of a shell loop)
 * sample nothing: their profiles are written without reading
 * /proc/self/maps or opening a binary, stored uncompressed inside the gzip
 * framing (no zlib to load for a few hundred bytes), and without fsync.
 *
 * An allocation failure (nomem.c) releases a builder and its profile, the
 * lock and the maps, and discards the symbolizer, which may have been
 * half-way through adding a file; the next profile opens the files again. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../build/build.h"
#include "../profile/encode.h"
#include "../symbols/symbols.h"
#include "rt.h"

rt_lock rt_write_lock;
static struct symbolizer *symz; /* under rt_write_lock */

#define MAX_INLINE 16

struct map_ent {
	uint64_t start, end, offset;
	const char *path; /* into the maps buffer; "" for anonymous */
	bool exec;
	bool added;            /* to the builder, as mapping ix */
	uint32_t ix;
	struct sym_file *file; /* rt_symbolize_name's; NULL: not opened or unreadable */
	bool tried;
};

struct rt_maps {
	struct kbuf text;
	struct map_ent *v;
	size_t n, cap;
};

static void maps_load(struct rt_maps *m)
{
	char *line, *save = NULL;

	kbuf_init(&m->text);
	m->v = NULL;
	m->n = m->cap = 0;
	if (rt_read_file(&m->text, "/proc/self/maps", 0) < 0)
		return;
	for (line = strtok_r(m->text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long start, end, off;
		char perms[8];
		int pos = 0;

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &off, &pos) < 4)
			continue;
		m->v = xgrow(m->v, &m->cap, m->n + 1, sizeof(*m->v));
		struct map_ent *e = &m->v[m->n++];
		memset(e, 0, sizeof(*e));
		e->start = start;
		e->end = end;
		e->offset = off;
		e->exec = perms[2] == 'x';
		e->path = pos ? line + pos : "";
	}
}

static struct map_ent *maps_find(struct rt_maps *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (addr < m->v[mid].start)
			hi = mid;
		else if (addr >= m->v[mid].end)
			lo = mid + 1;
		else
			return &m->v[mid];
	}
	return NULL;
}

static void maps_release(struct rt_maps *m)
{
	kbuf_release(&m->text);
	free(m->v);
}

/* The process's symbolizer, made when first needed; NULL without libdw.
 * Under rt_write_lock. */
static struct symbolizer *names_symbolizer(void)
{
	if (rt_lib_need(RT_LIB_DW, NULL))
		return NULL; /* without libdw: addresses, for pprof to name */
	if (!symz) {
		symz = symbolizer_new();
		if (symz && rt_env_symbolize() != RT_SYMBOLIZE_FULL)
			symbolizer_set_debug_dir(symz, NULL);
	}
	return symz;
}

/* The profiles' (build_opts.symbolizer): none with KILN_SYMBOLIZE=none,
 * whose profiles pprof names, from the binaries or from /symbol. */
static struct symbolizer *shared_symbolizer(void *ctx)
{
	(void)ctx;
	return rt_env_symbolize() == RT_SYMBOLIZE_NONE ? NULL : names_symbolizer();
}

static struct sym_file *open_file(struct map_ent *e)
{
	struct kerr err = KERR_INIT;

	if (e->tried)
		return e->file;
	e->tried = true;
	if (!names_symbolizer())
		return NULL;
	if (e->path[0] == '/')
		sym_file_open(symz, e->path, &e->file, &err);
	else if (strcmp(e->path, "[vdso]") == 0)
		sym_file_open_vdso(symz, &e->file, &err);
	return e->file;
}

static void maps_init(struct rt_maps *m)
{
	kbuf_init(&m->text);
	m->v = NULL;
	m->n = m->cap = 0;
}

/* An allocation failed: the builder, and what its stacks took. */
static void builder_failed(void *arg)
{
	struct rt_builder *b = arg;

	builder_free(b->bld);
	b->bld = NULL;
	b->p = NULL;
	if (b->maps) {
		/* the symbolizer may be half-way through adding a file */
		symbolizer_free(symz);
		symz = NULL;
		maps_release(b->maps);
		free(b->maps);
		b->maps = NULL;
		rt_lock_release(&rt_write_lock);
	}
}

void rt_builder_init(struct rt_builder *b)
{
	static const struct build_opts opts = { .symbolizer = shared_symbolizer,
						.mark_unnamed = true };

	b->bld = NULL;
	b->p = NULL;
	b->maps = NULL;
	rt_cleanup_push(&b->undo, builder_failed, b);
	builder_new(&b->bld, &opts);
	b->p = builder_profile(b->bld);
	b->p->time_nanos = (int64_t)rt_now_ns(CLOCK_REALTIME);
}

void rt_builder_release(struct rt_builder *b)
{
	rt_cleanup_pop(&b->undo);
	builder_failed(b);
}

/* The builder's mapping of addr: executable mappings only, each added the
 * first time one of its addresses is met. */
static uint32_t mapping_of(struct rt_builder *b, uint64_t addr)
{
	struct map_ent *e;

	if (!b->maps) { /* the first stack: read the maps and take the symbolizer */
		struct rt_maps *m = xmalloc(sizeof(*m));
		maps_init(m);
		rt_lock_acquire(&rt_write_lock);
		b->maps = m; /* from here builder_failed() releases the lock */
		maps_load(m);
	}
	if (!(e = maps_find(b->maps, addr)) || !e->exec)
		return BUILD_NO_MAPPING;
	if (!e->added) {
		struct build_mapping bm = { .start = e->start, .end = e->end, .pgoff = e->offset,
					    .filename = e->path, .pid = getpid() };
		e->ix = builder_mapping(b->bld, &bm);
		e->added = true;
	}
	return e->ix;
}

void rt_builder_add(struct rt_builder *b, const uintptr_t *pcs, int n, bool exact_leaf,
		    const int64_t *vals, size_t n_val, const struct pf_label *labs, size_t n_lab)
{
	uint64_t locs[RT_MAX_FRAMES + 8];

	if (n > (int)(sizeof(locs) / sizeof(locs[0])))
		n = sizeof(locs) / sizeof(locs[0]);
	for (int i = 0; i < n; i++) {
		uint64_t addr = (i == 0 && exact_leaf) ? pcs[i] : pcs[i] - 1;
		locs[i] = builder_location(b->bld, mapping_of(b, addr), addr);
	}
	profile_add_sample(b->p, locs, (size_t)n, vals, n_val, labs, n_lab);
}

void rt_builder_add_named(struct rt_builder *b, const char *name, const int64_t *vals,
			  size_t n_val, const struct pf_label *labs, size_t n_lab)
{
	struct pf_function *f = profile_add_function(b->p);
	struct pf_line line = { 0 };
	uint64_t loc;

	f->name = f->system_name = profile_str(b->p, name);
	line.function_id = f->id;
	loc = profile_add_location(b->p, 0, 0, &line, 1)->id;
	profile_add_sample(b->p, &loc, 1, vals, n_val, labs, n_lab);
}

static void release_map(void *m)
{
	u64map_release(m);
}

/* Mappings in address order, as pprof expects (the main binary first). */
static int mapping_cmp(const void *a, const void *b)
{
	const struct pf_mapping *x = a, *y = b;

	return x->memory_start < y->memory_start ? -1 : x->memory_start > y->memory_start;
}

/* An allocation failed under rt_write_lock. */
static void symbolizing_failed(void *m)
{
	symbolizer_free(symz);
	symz = NULL;
	maps_release(m);
	rt_lock_release(&rt_write_lock);
}

struct profile *rt_builder_finish(struct rt_builder *b)
{
	struct profile *p = b->p;
	struct u64map remap = U64MAP_INIT;
	struct rt_cleanup undo;

	if (b->maps) {
		maps_release(b->maps);
		free(b->maps);
		b->maps = NULL;
		rt_lock_release(&rt_write_lock);
	}
	if (p->n_mappings > 1) /* none at all: p->mappings is NULL, which qsort refuses */
		qsort(p->mappings, p->n_mappings, sizeof(*p->mappings), mapping_cmp);
	rt_cleanup_push(&undo, release_map, &remap);
	for (size_t i = 0; i < p->n_mappings; i++) {
		u64map_put(&remap, p->mappings[i].id, i + 1);
		p->mappings[i].id = i + 1;
	}
	for (size_t i = 0; i < p->n_locations; i++) {
		uint64_t id;
		if (p->locations[i].mapping_id && u64map_get(&remap, p->locations[i].mapping_id, &id))
			p->locations[i].mapping_id = id;
	}
	rt_cleanup_pop(&undo);
	u64map_release(&remap);
	rt_cleanup_pop(&b->undo);
	p = builder_finish(b->bld);
	b->bld = NULL;
	b->p = NULL;
	return p;
}

int rt_symbolize_name(uintptr_t addr, struct kbuf *out, bool with_line)
{
	struct rt_maps m; /* reloaded per call: libraries come and go */
	struct sym_frame frames[MAX_INLINE];
	struct map_ent *e;
	struct sym_file *f;
	struct rt_cleanup undo;
	int nf = 0;

	maps_init(&m);
	rt_lock_acquire(&rt_write_lock);
	rt_cleanup_push(&undo, symbolizing_failed, &m);
	maps_load(&m);
	e = maps_find(&m, addr);
	if (e && e->exec && (f = open_file(e)))
		nf = sym_file_lookup(f, addr - e->start + e->offset, frames, MAX_INLINE);
	if (nf > 0) {
		/* the outermost frame is the real function; inlined callees first */
		kbuf_addstr(out, frames[0].name);
		if (with_line && frames[0].file)
			kbuf_addf(out, "\t%s:%" PRId64, frames[0].file, frames[0].line);
	}
	rt_cleanup_pop(&undo);
	maps_release(&m);
	rt_lock_release(&rt_write_lock);
	return nf > 0;
}

/* gzip with deflate's stored blocks (RFC 1951 3.2.4, RFC 1952): for small
 * encodings, where compressing saves less than loading zlib costs. */
#define STORED_MAX 8192

static uint32_t crc32_of(const unsigned char *d, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= d[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void put_le(struct kbuf *out, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		kbuf_addch(out, (char)(v >> (8 * i) & 0xff));
}

static void gzip_stored(const struct kbuf *raw, struct kbuf *out)
{
	static const char header[10] = { 0x1f, (char)0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	size_t off = 0;

	kbuf_add(out, header, sizeof(header));
	do { /* at least one block, final, even for no bytes */
		size_t len = raw->len - off > 65535 ? 65535 : raw->len - off;
		kbuf_addch(out, off + len == raw->len ? 1 : 0);
		put_le(out, (uint32_t)len, 2);
		put_le(out, (uint32_t)len ^ 0xffffu, 2);
		kbuf_add(out, raw->buf + off, len);
		off += len;
	} while (off < raw->len);
	put_le(out, crc32_of((const unsigned char *)raw->buf, raw->len), 4);
	put_le(out, (uint32_t)raw->len, 4);
}

int rt_encode_profile(const struct profile *p, struct kbuf *out, struct kerr *err)
{
	struct kbuf raw = KBUF_INIT;
	struct rt_cleanup undo;
	int rc = 0;

	rt_cleanup_push(&undo, rt_release_kbuf, &raw);
	profile_encode(p, &raw);
	if (raw.len <= STORED_MAX) {
		gzip_stored(&raw, out);
	} else if (!(rc = rt_lib_need(RT_LIB_Z, err))) {
		/* Room for the whole gzip stream (deflateBound's gzip bound is
		 * compressBound + 12), so gzip_compress's growth of `out`
		 * allocates nothing while zlib's state lives. */
		kbuf_grow(out, compressBound((uLong)raw.len) + 64 + 65536);
		rc = gzip_compress(raw.buf, raw.len, Z_DEFAULT_COMPRESSION, out, err);
	}
	rt_cleanup_pop(&undo);
	kbuf_release(&raw);
	return rc;
}

int rt_write_profile(const struct profile *p, const char *path, struct kerr *err)
{
	struct kbuf gz = KBUF_INIT;
	struct rt_cleanup undo;
	int rc;

	/* Encoded before any file exists: a failure leaves none behind. No
	 * fsync: a tree of processes writes one profile each at exit. */
	rt_cleanup_push(&undo, rt_release_kbuf, &gz);
	rc = rt_encode_profile(p, &gz, err);
	if (!rc)
		rc = write_file_atomic_sync(path, gz.buf, gz.len, false, err);
	rt_cleanup_pop(&undo);
	kbuf_release(&gz);
	return rc;
}
