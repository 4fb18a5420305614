/* Turning raw stacks of this process into a Profile: locations deduplicated
 * by address, mappings from /proc/self/maps (executable ones; the main
 * binary first as it is mapped lowest), each location symbolized with the
 * symbols module (names, files, lines, inline frames) from the file offset
 * of its mapping, and the profile written atomically.
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
 * symbol tables across profiles. rt_write_lock serialises its users.
 *
 * Most processes of a profiled tree (every exec'd `true` of a shell loop)
 * sample nothing: their profiles are written without reading
 * /proc/self/maps or opening a binary, stored uncompressed inside the gzip
 * framing (no zlib to load for a few hundred bytes), and without fsync.
 *
 * An allocation failure (nomem.c) releases a builder's profile, the lock
 * and the maps, and discards the symbolizer, which may have been half-way
 * through adding a file; the next profile opens the files again. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "../base/alloc.h"
#include "../base/buf.h"
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
	uint64_t mapping_id; /* 0 until used */
	struct sym_file *file; /* NULL: not opened or unreadable */
	bool tried;
	bool unresolved; /* some address in it got no name */
};

struct maps {
	struct kbuf text;
	struct map_ent *v;
	size_t n, cap;
};

static void maps_load(struct maps *m)
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

static struct map_ent *maps_find(struct maps *m, uint64_t addr)
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

static void maps_release(struct maps *m)
{
	kbuf_release(&m->text);
	free(m->v);
}

static struct sym_file *open_file(struct map_ent *e)
{
	struct kerr err = KERR_INIT;

	if (e->tried)
		return e->file;
	e->tried = true;
	if (rt_env_symbolize() == RT_SYMBOLIZE_NONE || rt_lib_need(RT_LIB_DW, NULL))
		return NULL; /* without libdw: addresses, for pprof to name */
	if (!symz) {
		symz = symbolizer_new();
		if (symz && rt_env_symbolize() != RT_SYMBOLIZE_FULL)
			symbolizer_set_debug_dir(symz, NULL);
	}
	if (!symz)
		return NULL;
	if (e->path[0] == '/')
		sym_file_open(symz, e->path, &e->file, &err);
	else if (strcmp(e->path, "[vdso]") == 0)
		sym_file_open_vdso(symz, &e->file, &err);
	return e->file;
}

static void builder_failed(void *b)
{
	rt_builder_release(b);
}

void rt_builder_init(struct rt_builder *b)
{
	b->p = NULL;
	b->loc_of_addr = (struct u64map)U64MAP_INIT;
	rt_cleanup_push(&b->undo, builder_failed, b);
	/* profile_new() in two steps: the cleanup frees what the second
	 * allocates */
	b->p = xcalloc(1, sizeof(*b->p));
	profile_init(b->p);
	b->p->time_nanos = (int64_t)rt_now_ns(CLOCK_REALTIME);
}

void rt_builder_release(struct rt_builder *b)
{
	rt_cleanup_pop(&b->undo);
	profile_free(b->p);
	b->p = NULL;
	u64map_release(&b->loc_of_addr);
}

static uint64_t location_for(struct rt_builder *b, uint64_t addr)
{
	bool added;
	uint64_t *slot = u64map_slot(&b->loc_of_addr, addr, 0, &added);

	if (added)
		*slot = profile_add_location(b->p, 0, addr, NULL, 0)->id;
	return *slot;
}

void rt_builder_add(struct rt_builder *b, const uintptr_t *pcs, int n, bool exact_leaf,
		    const int64_t *vals, size_t n_val, const struct pf_label *labs, size_t n_lab)
{
	uint64_t locs[RT_MAX_FRAMES + 8];

	if (n > (int)(sizeof(locs) / sizeof(locs[0])))
		n = sizeof(locs) / sizeof(locs[0]);
	for (int i = 0; i < n; i++)
		locs[i] = location_for(b, (i == 0 && exact_leaf) ? pcs[i] : pcs[i] - 1);
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

/* Functions deduplicated by (name, system name, file, start line). */
static uint64_t function_for(struct profile *p, struct u64map *fns, const struct sym_frame *fr)
{
	int64_t name = profile_str(p, fr->name);
	int64_t sys = profile_str(p, fr->system_name ? fr->system_name : fr->name);
	int64_t file = profile_str(p, fr->file ? fr->file : "");
	uint64_t key = hash_u64((uint64_t)name * 0x9e3779b97f4a7c15ULL ^ (uint64_t)sys << 21 ^
				(uint64_t)file << 42 ^ (uint64_t)fr->start_line);
	bool added;
	uint64_t *slot = u64map_slot(fns, key, 0, &added);

	if (added) {
		struct pf_function *f = profile_add_function(p);
		f->name = name;
		f->system_name = sys;
		f->filename = file;
		f->start_line = fr->start_line;
		*slot = f->id;
	}
	return *slot;
}

static void release_map(void *m)
{
	u64map_release(m);
}

static void symbolize_locations(struct profile *p, struct maps *m)
{
	struct u64map fns = U64MAP_INIT;
	struct sym_frame frames[MAX_INLINE];
	struct pf_line lines[MAX_INLINE];
	size_t n_loc = p->n_locations;
	struct rt_cleanup undo;

	rt_cleanup_push(&undo, release_map, &fns);

	for (size_t i = 0; i < n_loc; i++) {
		struct pf_location *l = &p->locations[i];
		struct map_ent *e;
		struct sym_file *f;
		int nf;

		if (l->n_line || !(e = maps_find(m, l->address)) || !e->exec)
			continue;
		if (!e->mapping_id) {
			struct pf_mapping *pm = profile_add_mapping(p);
			pm->memory_start = e->start;
			pm->memory_limit = e->end;
			pm->file_offset = e->offset;
			pm->filename = profile_str(p, e->path);
			if ((f = open_file(e))) {
				const struct sym_file_info *info = sym_file_info(f);
				pm->build_id = profile_str(p, info->build_id);
				pm->has_functions = info->has_functions;
				pm->has_filenames = info->has_filenames;
				pm->has_line_numbers = info->has_line_numbers;
				pm->has_inline_frames = info->has_inline_frames;
			}
			e->mapping_id = pm->id;
			l = &p->locations[i]; /* mappings do not move locations */
		}
		l->mapping_id = e->mapping_id;
		if (!(f = open_file(e)))
			continue;
		nf = sym_file_lookup(f, l->address - e->start + e->offset, frames, MAX_INLINE);
		if (nf <= 0 && !e->unresolved) {
			/* Let pprof finish this mapping (from debug files). */
			struct pf_mapping *pm = &p->mappings[e->mapping_id - 1];
			e->unresolved = true;
			pm->has_functions = pm->has_filenames = false;
			pm->has_line_numbers = pm->has_inline_frames = false;
		}
		for (int j = 0; j < nf; j++) {
			lines[j].function_id = function_for(p, &fns, &frames[j]);
			lines[j].line = frames[j].line;
			lines[j].column = 0;
		}
		if (nf > 0) {
			/* Lines are appended to the pool; point the location at them. */
			size_t off = p->n_lines;
			p->lines = xgrow(p->lines, &p->cap_lines, p->n_lines + nf, sizeof(*p->lines));
			memcpy(p->lines + off, lines, nf * sizeof(*lines));
			p->n_lines += nf;
			l = &p->locations[i];
			l->line_off = (uint32_t)off;
			l->n_line = (uint32_t)nf;
		}
	}
	rt_cleanup_pop(&undo);
	u64map_release(&fns);
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

static void maps_init(struct maps *m)
{
	kbuf_init(&m->text);
	m->v = NULL;
	m->n = m->cap = 0;
}

struct profile *rt_builder_finish(struct rt_builder *b)
{
	struct maps m;
	struct profile *p = b->p;
	struct u64map remap = U64MAP_INIT;
	struct rt_cleanup undo;

	if (p->n_locations) { /* nothing to map or name in an empty profile */
		maps_init(&m);
		rt_lock_acquire(&rt_write_lock);
		rt_cleanup_push(&undo, symbolizing_failed, &m);
		maps_load(&m);
		symbolize_locations(p, &m);
		rt_cleanup_pop(&undo);
		rt_lock_release(&rt_write_lock);
		maps_release(&m);
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
	u64map_release(&b->loc_of_addr);
	b->p = NULL;
	return p;
}

int rt_symbolize_name(uintptr_t addr, struct kbuf *out, bool with_line)
{
	struct maps m; /* reloaded per call: libraries come and go */
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
