/* DWARF lines and inline chains through libdw. A file's DWARF is opened on
 * its first lookup; then the address ranges of all compile units are read
 * once into a sorted table (not relying on .debug_aranges, which clang
 * omits), so each address finds its CU by binary search. libdw reads a CU's
 * line table the first time one of its addresses is asked and keeps it, so
 * only the CUs a profile touches are ever decoded. */
#include "internal.h"

#include <dwarf.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "../base/hashmap.h"
#include "../base/vec.h"
#include "../base/search.h"

/* Caps against corrupt data: ranges per CU, how far a lookup walks back for
 * an enclosing CU range, how deep scopes nest and how many DIEs one lookup
 * may visit (a sibling cycle must not hang us). */
#define MAX_CU_RANGES 65536
#define ENCLOSING_SCAN 64
#define MAX_SCOPE_DEPTH 256
#define MAX_DIE_VISITS (4u << 20)

struct cu_range {
	uint64_t lo, hi;
	Dwarf_Off die; /* offset of the CU DIE */
};

struct sym_dwarf {
	Dwarf *dbg;
	struct { struct cu_range *v; size_t n, cap; } cus;
	struct { struct dw_frame *v; size_t n, cap; } frames;
	struct { Dwarf_Die *v; size_t n, cap; } chain; /* scopes, outermost first */
	size_t visits;        /* DIEs visited by the current lookup */
	struct u64map paths;  /* libdw file name pointer → full path */
	struct arena arena;   /* the full paths */
};

static int cu_cmp(const void *pa, const void *pb)
{
	const struct cu_range *a = pa, *b = pb;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return a->hi < b->hi ? -1 : a->hi > b->hi;
}

static void read_cu_ranges(struct sym_dwarf *d)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	Dwarf_Half version;
	uint8_t unit_type;

	/* No sub DIE asked: for split units libdw would open every .dwo now,
	 * rather than those of the CUs a lookup lands in. */
	while (dwarf_get_units(d->dbg, cu, &cu, &version, &unit_type, &cudie, NULL) == 0) {
		Dwarf_Addr base, lo, hi;
		ptrdiff_t off = 0;
		int n = 0;

		if (unit_type != DW_UT_compile && unit_type != DW_UT_partial &&
		    unit_type != DW_UT_skeleton)
			continue; /* type units hold no code */
		while (n++ < MAX_CU_RANGES &&
		       (off = dwarf_ranges(&cudie, off, &base, &lo, &hi)) > 0) {
			if (lo < hi)
				vec_push(&d->cus, ((struct cu_range){ lo, hi, dwarf_dieoffset(&cudie) }));
		}
	}
	if (d->cus.n)
		qsort(d->cus.v, d->cus.n, sizeof(d->cus.v[0]), cu_cmp);
}

struct sym_dwarf *sym_dwarf_open(Elf *elf)
{
	struct sym_dwarf *d;
	Dwarf *dbg = dwarf_begin_elf(elf, DWARF_C_READ, NULL);

	if (!dbg)
		return NULL;
	d = xcalloc(1, sizeof(*d));
	d->dbg = dbg;
	read_cu_ranges(d);
	return d;
}

void sym_dwarf_free(struct sym_dwarf *d)
{
	if (!d)
		return;
	dwarf_end(d->dbg);
	u64map_release(&d->paths);
	arena_release(&d->arena);
	vec_free(&d->cus);
	vec_free(&d->frames);
	vec_free(&d->chain);
	free(d);
}

static bool find_cu(struct sym_dwarf *d, uint64_t vaddr, Dwarf_Die *cudie)
{
	size_t lo = upper_bound_u64(d->cus.v, d->cus.n, sizeof(*d->cus.v),
				    offsetof(__typeof__(*d->cus.v), lo), vaddr);

	for (size_t i = lo, steps = 0; i > 0 && steps < ENCLOSING_SCAN; i--, steps++) {
		if (vaddr < d->cus.v[i - 1].hi)
			return dwarf_offdie(d->dbg, d->cus.v[i - 1].die, cudie) != NULL;
	}
	return false;
}

static const char *attr_string(Dwarf_Die *die, unsigned name)
{
	Dwarf_Attribute mem;

	/* _integrate follows DW_AT_abstract_origin and DW_AT_specification:
	 * inlined instances and out-of-class definitions keep their names
	 * on the DIE they point to. */
	return dwarf_formstring(dwarf_attr_integrate(die, name, &mem));
}

/* Joins dir and file, dropping "." and resolving ".." lexically. */
static const char *join_clean(struct arena *a, const char *dir, const char *file)
{
	struct { size_t *v; size_t n, cap; } marks = VEC_INIT;
	struct kbuf in = KBUF_INIT, out = KBUF_INIT;
	const char *p, *r;

	kbuf_addf(&in, "%s/%s", dir, file);
	for (p = in.buf; *p;) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (marks.n) {
				out.len = marks.v[--marks.n];
				out.buf[out.len] = '\0';
			}
		} else if (n && !(n == 1 && p[0] == '.')) {
			vec_push(&marks, out.len);
			kbuf_addch(&out, '/');
			kbuf_add(&out, p, n);
		}
		p += n;
	}
	r = arena_strdup(a, out.len ? out.buf : "/");
	vec_free(&marks);
	kbuf_release(&out);
	kbuf_release(&in);
	return r;
}

/* Compilers record source paths as given on their command line, and
 * meson's are relative to the build directory: join them with the CU's
 * DW_AT_comp_dir, once per distinct name, so reports and pprof -list get
 * paths that name the file. */
static const char *full_path(struct sym_dwarf *d, Dwarf_Die *cudie, const char *file)
{
	Dwarf_Attribute mem;
	const char *comp, *r;
	uint64_t v;

	if (!file || file[0] == '/')
		return file;
	if (u64map_get(&d->paths, (uintptr_t)file, &v))
		return (const char *)(uintptr_t)v;
	comp = dwarf_formstring(dwarf_attr(cudie, DW_AT_comp_dir, &mem));
	r = comp && comp[0] == '/' ? join_clean(&d->arena, comp, file) : file;
	u64map_put(&d->paths, (uintptr_t)file, (uintptr_t)r);
	return r;
}

static const char *call_file(Dwarf_Die *cudie, Dwarf_Die *inl)
{
	Dwarf_Attribute mem;
	Dwarf_Files *files;
	Dwarf_Word idx;
	size_t nfiles;

	if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_file, &mem), &idx) != 0 ||
	    dwarf_getsrcfiles(cudie, &files, &nfiles) != 0 || idx >= nfiles)
		return NULL;
	return dwarf_filesrc(files, idx, NULL, NULL);
}

static int64_t attr_udata(Dwarf_Die *die, unsigned name)
{
	Dwarf_Attribute mem;
	Dwarf_Word v;

	if (dwarf_formudata(dwarf_attr(die, name, &mem), &v) != 0 || v > INT64_MAX)
		return 0;
	return (int64_t)v;
}

enum scope_kind { SCOPE_IGNORE, SCOPE_MATCH, SCOPE_WALK, SCOPE_IMPORTED };

/* As libdw's own scope walker classifies DIEs. */
static enum scope_kind classify(Dwarf_Die *die)
{
	switch (dwarf_tag(die)) {
	case DW_TAG_module:
	case DW_TAG_lexical_block:
	case DW_TAG_with_stmt:
	case DW_TAG_catch_block:
	case DW_TAG_try_block:
	case DW_TAG_entry_point:
	case DW_TAG_inlined_subroutine:
	case DW_TAG_subprogram:
		return SCOPE_MATCH;   /* has addresses: descend only if it holds pc */
	case DW_TAG_namespace:
	case DW_TAG_class_type:
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		return SCOPE_WALK;    /* no addresses, but functions inside (Rust, C++) */
	case DW_TAG_imported_unit:
		return SCOPE_IMPORTED; /* dwz: a partial unit's DIEs belong here */
	default:
		return SCOPE_IGNORE;
	}
}

/* Searches the children of `parent` for the scope holding pc, pushing each
 * matching scope on d->chain, outermost first. Returns true when found.
 * Our own walk rather than dwarf_getscopes(): that one continues into the
 * abstract origin's scopes (wanted by debuggers, not here) and leaks its
 * array when corrupt DWARF makes it fail half way. */
static bool search_scopes(struct sym_dwarf *d, Dwarf_Die *parent, uint64_t pc, int depth)
{
	Dwarf_Die child, unit;
	Dwarf_Attribute mem;

	if (depth > MAX_SCOPE_DEPTH || dwarf_child(parent, &child) != 0)
		return false;
	do {
		if (++d->visits > MAX_DIE_VISITS)
			return false;
		switch (classify(&child)) {
		case SCOPE_MATCH:
			if (dwarf_haspc(&child, pc) > 0) {
				vec_push(&d->chain, child);
				search_scopes(d, &child, pc, depth + 1);
				return true;
			}
			break;
		case SCOPE_WALK:
			if (search_scopes(d, &child, pc, depth + 1))
				return true;
			break;
		case SCOPE_IMPORTED:
			if (dwarf_formref_die(dwarf_attr(&child, DW_AT_import, &mem), &unit) &&
			    search_scopes(d, &unit, pc, depth + 1))
				return true;
			break;
		case SCOPE_IGNORE:
			break;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

int sym_dwarf_lookup(struct sym_dwarf *d, uint64_t vaddr, struct dw_frame *line,
		     const struct dw_frame **frames)
{
	Dwarf_Die cudie, unit, split, *prev_inlined = NULL;
	Dwarf_Line *row;
	uint8_t unit_type;

	*line = (struct dw_frame){ 0 };
	d->frames.n = 0;
	d->chain.n = 0;
	d->visits = 0;
	*frames = NULL;
	if (!find_cu(d, vaddr, &cudie))
		return 0;
	row = dwarf_getsrc_die(&cudie, vaddr);
	if (row) {
		int lineno = 0, col = 0;

		line->file = full_path(d, &cudie, dwarf_linesrc(row, NULL, NULL));
		dwarf_lineno(row, &lineno);
		dwarf_linecol(row, &col);
		line->line = lineno > 0 ? lineno : 0;
		line->column = col > 0 ? col : 0;
	}
	/* Split DWARF: ranges and lines stay with the skeleton unit in the
	 * binary; the DIEs are in the .dwo/.dwp libdw finds for it. */
	unit = cudie;
	if (dwarf_cu_info(cudie.cu, NULL, &unit_type, NULL, &split, NULL, NULL, NULL) == 0 &&
	    unit_type == DW_UT_skeleton && split.cu)
		unit = split;
	search_scopes(d, &unit, vaddr, 0);
	/* From the innermost scope out to the first real function. */
	for (size_t i = d->chain.n; i > 0; i--) {
		Dwarf_Die *die = &d->chain.v[i - 1];
		int tag = dwarf_tag(die), decl = 0;
		struct dw_frame *f;

		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram &&
		    tag != DW_TAG_entry_point)
			continue;
		f = vec_add(&d->frames);
		f->name = attr_string(die, DW_AT_name);
		f->linkage = attr_string(die, DW_AT_linkage_name);
		if (!f->linkage)
			f->linkage = attr_string(die, DW_AT_MIPS_linkage_name);
		if (dwarf_decl_line(die, &decl) == 0 && decl > 0)
			f->decl_line = decl;
		if (!prev_inlined) {
			f->file = line->file;
			f->line = line->line;
			f->column = line->column;
		} else {
			/* Where the callee below was inlined into this one. */
			f->file = full_path(d, &cudie, call_file(&unit, prev_inlined));
			f->line = attr_udata(prev_inlined, DW_AT_call_line);
			f->column = attr_udata(prev_inlined, DW_AT_call_column);
		}
		if (tag != DW_TAG_inlined_subroutine)
			break; /* the real function: the chain ends */
		prev_inlined = die;
	}
	*frames = d->frames.v;
	return (int)d->frames.n;
}
