/* The symbolizer: a cache of binaries keyed by path, each opened once
 * (failures too), and the lookup that joins a file's ELF symbols with its
 * DWARF. A recording asks about thousands of unique addresses across
 * dozens of files at its end; opening only maps a file and scans its
 * section headers, and a file's symbol table and DWARF are read on its
 * first lookup, so the cost follows the addresses asked, not the files. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/hashmap.h"
#include "../base/vec.h"

#define DEFAULT_DEBUG_DIR "/usr/lib/debug"
#define PATH_HASH_SEED 0x6b696c6e73796d73ull

struct sym_file {
	struct sym_file_info info;
	int err;                   /* cached open failure; 0 when open */
	const char *errmsg;
	int64_t hash_next;         /* next file with the same path hash, -1 */
	struct arena arena;        /* path, build id, messages, demangled names */
	struct elf_image main, debug; /* debug.elf NULL when none found */
	struct segvec segs;
	bool syms_loaded, dwarf_tried;
	struct symvec syms;
	struct sym_dwarf *dwarf;   /* NULL when not (yet) read or unreadable */
	struct u64map demangled;   /* name pointer → demangled name pointer */
};

struct symbolizer {
	struct { struct sym_file **v; size_t n, cap; } files;
	struct u64map by_path;     /* path hash → newest file index with it */
	char *debug_dir;           /* NULL: no global debug directory */
	struct sym_fetcher fetch;  /* debuginfo NULL: none */
};

struct symbolizer *symbolizer_new(void)
{
	struct symbolizer *s = xcalloc(1, sizeof(*s));

	s->debug_dir = xstrdup(DEFAULT_DEBUG_DIR);
	elf_version(EV_CURRENT);
	return s;
}

void symbolizer_set_debug_dir(struct symbolizer *s, const char *dir)
{
	free(s->debug_dir);
	s->debug_dir = dir ? xstrdup(dir) : NULL;
}

void symbolizer_set_fetcher(struct symbolizer *s, const struct sym_fetcher *f)
{
	s->fetch = f ? *f : (struct sym_fetcher){ NULL, NULL };
}

/* Asks the fetcher for the debug file of a file that has none here. */
static void fetch_debug_file(struct symbolizer *s, struct sym_file *f)
{
	char *path = NULL;

	if (!s->fetch.debuginfo || !*f->main.build_id)
		return;
	if (s->fetch.debuginfo(s->fetch.ctx, f->main.build_id, &path) == 0 &&
	    debug_file_try(&f->main, path, &f->debug) == 0)
		f->info.debug_path = arena_strdup(&f->arena, path);
	free(path);
}

static void file_free(struct sym_file *f)
{
	sym_dwarf_free(f->dwarf);
	elf_image_close(&f->debug);
	elf_image_close(&f->main);
	vec_free(&f->segs);
	vec_free(&f->syms);
	u64map_release(&f->demangled);
	arena_release(&f->arena);
	free(f);
}

void symbolizer_free(struct symbolizer *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->files.n; i++)
		file_free(s->files.v[i]);
	vec_free(&s->files);
	u64map_release(&s->by_path);
	free(s->debug_dir);
	free(s);
}

static uint64_t path_hash(const char *path)
{
	uint64_t h = hash_bytes(path, strlen(path), PATH_HASH_SEED);

	return h == U64MAP_EMPTY ? h - 1 : h;
}

static struct sym_file *cache_find(const struct symbolizer *s, const char *path, uint64_t h)
{
	uint64_t ix;
	int64_t i;

	if (!u64map_get(&s->by_path, h, &ix))
		return NULL;
	for (i = (int64_t)ix; i >= 0; i = s->files.v[i]->hash_next) {
		if (strcmp(s->files.v[i]->info.path, path) == 0)
			return s->files.v[i];
	}
	return NULL;
}

static struct sym_file *cache_add(struct symbolizer *s, const char *path, uint64_t h)
{
	struct sym_file *f;
	uint64_t prev;

	/* The file belongs to the cache before anything else is allocated
	 * for it, and is indexed last: an allocation failure that returns
	 * (base/alloc.h's hook) leaves nothing that symbolizer_free misses. */
	vec_reserve(&s->files, s->files.n + 1);
	f = xcalloc(1, sizeof(*f));
	s->files.v[s->files.n++] = f;
	f->hash_next = u64map_get(&s->by_path, h, &prev) ? (int64_t)prev : -1;
	f->info.path = arena_strdup(&f->arena, path);
	f->info.build_id = "";
	u64map_put(&s->by_path, h, s->files.n - 1);
	return f;
}

static int result(struct sym_file *f, struct sym_file **out, struct kerr *err)
{
	if (f->err) {
		*out = NULL;
		return kerr_set(err, f->err, "%s", f->errmsg);
	}
	*out = f;
	return 0;
}

static void remember_failure(struct sym_file *f, const struct kerr *e)
{
	f->err = e->code ? e->code : -EIO;
	f->errmsg = arena_strdup(&f->arena, e->msg);
}

/* After the main image is open: segments, debug file, what is on offer.
 * `path` is NULL for memory images (no debuglink next to them). */
static void file_setup(struct symbolizer *s, struct sym_file *f, const char *path)
{
	const struct elf_image *dw;

	elf_image_segments(&f->main, &f->segs);
	f->info.build_id = arena_strdup(&f->arena, f->main.build_id);
	if ((!f->main.has_debug_info || !f->main.symtab) &&
	    debug_file_find(&f->main, path, s->debug_dir, &f->debug,
			    &f->info.debug_path, &f->arena) < 0 &&
	    !f->main.has_debug_info)
		fetch_debug_file(s, f);
	f->info.has_functions = f->main.symtab || f->main.dynsym_has_funcs ||
				f->debug.symtab;
	dw = f->main.has_debug_info ? &f->main : f->debug.has_debug_info ? &f->debug : NULL;
	if (dw) {
		f->info.has_inline_frames = true;
		f->info.has_filenames = f->info.has_line_numbers = dw->has_debug_line;
	}
}

int sym_file_open(struct symbolizer *s, const char *path, struct sym_file **out,
		  struct kerr *err)
{
	uint64_t h = path_hash(path);
	struct kerr e = KERR_INIT;
	struct sym_file *f = cache_find(s, path, h);

	if (f)
		return result(f, out, err);
	f = cache_add(s, path, h);
	if (elf_image_open_file(&f->main, path, &e) < 0)
		remember_failure(f, &e);
	else
		file_setup(s, f, path);
	return result(f, out, err);
}

int sym_file_open_memory(struct symbolizer *s, const char *name, const void *data,
			 size_t size, struct sym_file **out, struct kerr *err)
{
	uint64_t h = path_hash(name);
	struct kerr e = KERR_INIT;
	struct sym_file *f = cache_find(s, name, h);
	void *copy;

	if (f)
		return result(f, out, err);
	f = cache_add(s, name, h);
	copy = xmalloc(size ? size : 1);
	memcpy(copy, data, size);
	if (elf_image_open_memory(&f->main, name, copy, size, &e) < 0)
		remember_failure(f, &e);
	else
		file_setup(s, f, NULL);
	return result(f, out, err);
}

const struct sym_file_info *sym_file_info(const struct sym_file *f)
{
	return &f->info;
}

Elf *sym_file_elf(const struct sym_file *f)
{
	return f && !f->err ? f->main.elf : NULL;
}

Elf *sym_file_debug_elf(const struct sym_file *f)
{
	return f && !f->err ? f->debug.elf : NULL;
}

int sym_file_vaddr(const struct sym_file *f, uint64_t file_offset, uint64_t *vaddr)
{
	if (!f || f->err || !segments_to_vaddr(&f->segs, file_offset, vaddr))
		return -ENOENT;
	return 0;
}

/* Demangles once per distinct name; names not mangled come back as is. */
static const char *demangled(struct sym_file *f, const char *name)
{
	const char *r;
	uint64_t v;
	char *d;

	if (u64map_get(&f->demangled, (uintptr_t)name, &v))
		return (const char *)(uintptr_t)v;
	d = sym_demangle(name);
	r = d ? arena_strdup(&f->arena, d) : name;
	free(d);
	u64map_put(&f->demangled, (uintptr_t)name, (uintptr_t)r);
	return r;
}

static const struct elf_sym *elf_symbol(struct sym_file *f, uint64_t vaddr)
{
	if (!f->syms_loaded) {
		f->syms_loaded = true;
		/* A stripped binary's .symtab lives in its debug file. */
		if (f->main.symtab)
			elf_symtab_add(&f->syms, &f->main, f->main.symtab);
		else if (f->debug.symtab)
			elf_symtab_add(&f->syms, &f->debug, f->debug.symtab);
		if (f->main.dynsym_has_funcs)
			elf_symtab_add(&f->syms, &f->main, f->main.dynsym);
		elf_symtab_finish(&f->syms);
	}
	return elf_symtab_find(&f->syms, vaddr);
}

static struct sym_dwarf *dwarf_of(struct sym_file *f)
{
	if (!f->dwarf_tried) {
		f->dwarf_tried = true;
		if (f->main.has_debug_info)
			f->dwarf = sym_dwarf_open(f->main.elf);
		else if (f->debug.has_debug_info)
			f->dwarf = sym_dwarf_open(f->debug.elf);
	}
	return f->dwarf;
}

int sym_file_lookup_vaddr(struct sym_file *f, uint64_t vaddr,
			  struct sym_frame *frames, int max)
{
	const struct dw_frame *df = NULL;
	struct dw_frame row = { 0 };
	const struct elf_sym *sym;
	struct sym_dwarf *dw;
	int n = 0, skip;

	if (!f || f->err || max <= 0)
		return 0;
	sym = elf_symbol(f, vaddr);
	dw = dwarf_of(f);
	if (dw)
		n = sym_dwarf_lookup(dw, vaddr, &row, &df);
	if (n == 0) {
		if (!sym)
			return 0;
		frames[0] = (struct sym_frame){
			.name = demangled(f, sym->name), .system_name = sym->name,
			.file = row.file, .line = row.line, .column = row.column,
		};
		return 1;
	}
	/* Keep the outermost frames: the real function matters most. */
	skip = n > max ? n - max : 0;
	for (int i = skip; i < n; i++) {
		const char *sys = df[i].linkage ? df[i].linkage : df[i].name;

		if (!sys && i == n - 1 && sym)
			sys = sym->name;
		frames[i - skip] = (struct sym_frame){
			.name = sys ? demangled(f, sys) : "??", .system_name = sys ? sys : "??",
			.file = df[i].file, .line = df[i].line, .column = df[i].column,
			.start_line = df[i].decl_line,
		};
	}
	return n - skip;
}

int sym_file_lookup(struct sym_file *f, uint64_t file_offset,
		    struct sym_frame *frames, int max)
{
	uint64_t vaddr;

	if (sym_file_vaddr(f, file_offset, &vaddr) < 0)
		return 0;
	return sym_file_lookup_vaddr(f, vaddr, frames, max);
}
