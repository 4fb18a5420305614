/* Function symbols and code bytes straight from a binary's ELF sections,
 * for the disassembler: the symbolizer answers "which function is at this
 * address" but annotate also needs "where does this function start, how
 * long is it, and what are its bytes". A stripped binary's symbols come
 * from its debug file, its bytes always from the binary itself. */
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "internal.h"

static bool is_func(const GElf_Sym *s)
{
	int t = GELF_ST_TYPE(s->st_info);

	return (t == STT_FUNC || t == STT_GNU_IFUNC) && s->st_shndx != SHN_UNDEF && s->st_value;
}

/* perf and pprof show "name@VERSION"-less names; compare without it. */
static bool name_matches(const char *sym, const char *want)
{
	size_t n = strlen(want);
	char *d;
	bool ok;

	if (!strncmp(sym, want, n) && (sym[n] == '\0' || sym[n] == '@'))
		return true;
	if (sym[0] != '_')
		return false;
	d = sym_demangle(sym);
	ok = d && !strcmp(d, want);
	free(d);
	return ok;
}

typedef bool (*sym_visit)(const GElf_Sym *s, const char *name, void *arg);

static void visit_elf(Elf *elf, sym_visit fn, void *arg)
{
	Elf_Scn *scn = NULL;

	if (!elf)
		return;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		if (!sh.sh_entsize || !(d = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *name;
			if (!gelf_getsym(d, (int)i, &s) || !is_func(&s))
				continue;
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (name && *name && fn(&s, name, arg))
				return;
		}
	}
}

static void visit(const struct sym_file *f, sym_visit fn, void *arg)
{
	visit_elf(sym_file_elf(f), fn, arg);
	visit_elf(sym_file_debug_elf(f), fn, arg);
}

struct by_name {
	const char *want;
	struct func_sym *v;
	size_t n, cap;
};

static bool collect(const GElf_Sym *s, const char *name, void *arg)
{
	struct by_name *b = arg;
	char *d;

	if (!name_matches(name, b->want))
		return false;
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].start == s->st_value)
			return false; /* the same function in .symtab and .dynsym */
	b->v = xgrow(b->v, &b->cap, b->n + 1, sizeof(*b->v));
	d = sym_demangle(name);
	b->v[b->n].name = d ? d : xstrdup(name);
	b->v[b->n].start = s->st_value;
	b->v[b->n].size = s->st_size;
	b->n++;
	return false;
}

size_t elfsym_find_by_name(const struct sym_file *f, const char *name, struct func_sym **out)
{
	struct by_name b = { name, NULL, 0, 0 };

	visit(f, collect, &b);
	*out = b.v;
	return b.n;
}

struct at {
	uint64_t vaddr;
	struct func_sym best;
	bool found;
};

static bool covers(const GElf_Sym *s, const char *name, void *arg)
{
	struct at *a = arg;

	if (a->vaddr < s->st_value || a->vaddr >= s->st_value + (s->st_size ? s->st_size : 1))
		return false;
	/* Prefer a sized symbol, then the one starting closest. */
	if (a->found && (a->best.size && !s->st_size))
		return false;
	if (a->found && a->best.start >= s->st_value && (a->best.size || !s->st_size))
		return false;
	free(a->best.name);
	a->best.name = xstrdup(name);
	a->best.start = s->st_value;
	a->best.size = s->st_size;
	a->found = true;
	return false;
}

int elfsym_find_at(const struct sym_file *f, uint64_t vaddr, struct func_sym *out)
{
	struct at a;
	char *d;

	memset(&a, 0, sizeof(a));
	a.vaddr = vaddr;
	visit(f, covers, &a);
	if (!a.found)
		return -ENOENT;
	d = sym_demangle(a.best.name);
	if (d) {
		free(a.best.name);
		a.best.name = d;
	}
	*out = a.best;
	return 0;
}

int elfsym_read(const struct sym_file *f, uint64_t vaddr, uint64_t size, uint8_t **buf,
		struct kerr *err)
{
	Elf *elf = sym_file_elf(f);
	Elf_Scn *scn = NULL;

	*buf = NULL;
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_ALLOC))
			continue;
		if (vaddr < sh.sh_addr || vaddr + size > sh.sh_addr + sh.sh_size)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || d->d_size < vaddr - sh.sh_addr + size)
			break;
		*buf = xmalloc(size ? size : 1);
		memcpy(*buf, (const uint8_t *)d->d_buf + (vaddr - sh.sh_addr), size);
		return 0;
	}
	return kerr_set(err, -ENOEXEC, "%s: no code bytes at 0x%llx (a debug-only or corrupt file?)",
			sym_file_info(f)->path, (unsigned long long)vaddr);
}

int elfsym_machine(const struct sym_file *f)
{
	GElf_Ehdr eh;
	Elf *elf = sym_file_elf(f);

	if (!elf || !gelf_getehdr(elf, &eh))
		return 0;
	return eh.e_machine;
}

int dis_locate(struct symbolizer *s, const char *path, uint64_t file_offset, uint64_t *vaddr,
	       uint64_t *sym_start)
{
	struct sym_file *f;
	struct func_sym fs;

	*sym_start = UINT64_MAX;
	if (sym_file_open(s, path, &f, NULL) < 0 || sym_file_vaddr(f, file_offset, vaddr) < 0)
		return -ENOENT;
	if (elfsym_find_at(f, *vaddr, &fs) == 0) {
		*sym_start = fs.start;
		free(fs.name);
	}
	return 0;
}
