/* ELF images and their function symbols. An image is opened once per file,
 * mapped read-only with its descriptor closed at once (dozens of libraries
 * cost no descriptors), and one pass over its section headers records what
 * it offers: symbol tables, DWARF, debuglink, build id. Function symbols
 * are collected on a file's first lookup, sorted once and binary searched
 * for each of the thousands of addresses a recording asks about. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/vec.h"
#include "../base/search.h"

/* How far lookups walk back over later-starting symbols for one that
 * encloses the address (assembly with nested FUNC symbols); corrupt files
 * must not make a lookup linear. */
#define ENCLOSING_SCAN 16

/* In elf_sym.rank: the symbol has a size of its own. */
#define RANK_SIZED (1u << 20)

static void hex_encode(char *out, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Finds an NT_GNU_BUILD_ID note in note data. */
static bool build_id_from_notes(Elf_Data *d, char *out)
{
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nh;

	if (!d || !d->d_buf)
		return false;
	while (off < d->d_size &&
	       (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp((const char *)d->d_buf + name_off, "GNU", 4) == 0 &&
		    nh.n_descsz > 0 && nh.n_descsz <= BUILD_ID_MAX) {
			hex_encode(out, (const unsigned char *)d->d_buf + desc_off, nh.n_descsz);
			return true;
		}
		off = next;
	}
	return false;
}

/* Stripped-of-sections files still carry PT_NOTE. */
static void build_id_from_phdrs(struct elf_image *im)
{
	size_t n;

	if (elf_getphdrnum(im->elf, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		Elf_Data *d;

		if (!gelf_getphdr(im->elf, (int)i, &ph) || ph.p_type != PT_NOTE)
			continue;
		d = elf_getdata_rawchunk(im->elf, (int64_t)ph.p_offset, ph.p_filesz,
					 ph.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
		if (build_id_from_notes(d, im->build_id))
			return;
	}
}

/* .gnu_debuglink: NUL-terminated name, padding to 4, CRC-32 in the file's
 * byte order. */
static void parse_debuglink(struct elf_image *im, Elf_Scn *scn)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	const unsigned char *p, *c;
	size_t len, crc_off;
	const char *ident;

	if (!d || !d->d_buf || d->d_size < 6)
		return;
	p = d->d_buf;
	len = strnlen((const char *)p, d->d_size);
	crc_off = (len + 4) & ~(size_t)3;
	if (len == 0 || len == d->d_size || crc_off + 4 > d->d_size ||
	    memchr(p, '/', len))
		return;
	c = p + crc_off;
	ident = elf_getident(im->elf, NULL);
	if (ident && ident[EI_DATA] == ELFDATA2MSB)
		im->debuglink_crc = (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 |
				    (uint32_t)c[2] << 8 | c[3];
	else
		im->debuglink_crc = (uint32_t)c[3] << 24 | (uint32_t)c[2] << 16 |
				    (uint32_t)c[1] << 8 | c[0];
	im->debuglink = (const char *)p;
}

static bool dynsym_defines_functions(Elf *elf, Elf_Scn *scn)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t symsz = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);

	if (!d || !d->d_buf || !symsz)
		return false;
	for (size_t i = 1; i < d->d_size / symsz; i++) {
		GElf_Sym sym;
		int type;

		if (!gelf_getsym(d, (int)i, &sym))
			break;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type == STT_FUNC || type == STT_GNU_IFUNC) && sym.st_shndx != SHN_UNDEF)
			return true;
	}
	return false;
}

static void elf_image_scan(struct elf_image *im)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	bool have_shstr = elf_getshdrstrndx(im->elf, &shstrndx) == 0;

	while ((scn = elf_nextscn(im->elf, scn))) {
		const char *name;
		GElf_Shdr sh;

		/* Debug files keep SHT_NOBITS stubs of everything they dropped. */
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS || sh.sh_size == 0)
			continue;
		if (sh.sh_type == SHT_SYMTAB && !im->symtab)
			im->symtab = scn;
		else if (sh.sh_type == SHT_DYNSYM && !im->dynsym)
			im->dynsym = scn;
		else if (sh.sh_type == SHT_NOTE && !*im->build_id)
			build_id_from_notes(elf_getdata(scn, NULL), im->build_id);
		name = have_shstr ? elf_strptr(im->elf, shstrndx, sh.sh_name) : NULL;
		if (!name)
			continue;
		if (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info"))
			im->has_debug_info = true;
		else if (!strcmp(name, ".debug_line") || !strcmp(name, ".zdebug_line"))
			im->has_debug_line = true;
		else if (!strcmp(name, ".gnu_debuglink") && !im->debuglink)
			parse_debuglink(im, scn);
	}
	if (im->dynsym)
		im->dynsym_has_funcs = dynsym_defines_functions(im->elf, im->dynsym);
	if (!*im->build_id)
		build_id_from_phdrs(im);
}

static int check_elf(struct elf_image *im, const char *name, struct kerr *err)
{
	if (!im->elf || elf_kind(im->elf) != ELF_K_ELF) {
		elf_image_close(im);
		return kerr_set(err, -ENOEXEC, "%s: not an ELF file", name);
	}
	elf_image_scan(im);
	return 0;
}

int elf_image_open_file(struct elf_image *im, const char *path, struct kerr *err)
{
	struct stat st;
	int fd, ret;

	memset(im, 0, sizeof(*im));
	/* O_NONBLOCK: a FIFO under a mapped path must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		return kerr_set(err, ret, "%s: %s", path, strerror(-ret));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		ret = kerr_set(err, -ENOEXEC, "%s: not a regular file", path);
		goto close_fd;
	}
	im->dev = st.st_dev;
	im->ino = st.st_ino;
	elf_version(EV_CURRENT);
	im->elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	/* Read everything now (a no-op when mapped) so the descriptor can go. */
	if (im->elf && elf_cntl(im->elf, ELF_C_FDREAD) != 0) {
		ret = kerr_set(err, -EIO, "%s: %s", path, elf_errmsg(-1));
		goto end_elf;
	}
	close(fd);
	return check_elf(im, path, err);

end_elf:
	elf_end(im->elf);
	im->elf = NULL;
close_fd:
	close(fd);
	return ret;
}

int elf_image_open_memory(struct elf_image *im, const char *name, void *mem,
			  size_t size, struct kerr *err)
{
	memset(im, 0, sizeof(*im));
	im->mem = mem;
	elf_version(EV_CURRENT);
	im->elf = elf_memory(mem, size);
	return check_elf(im, name, err);
}

void elf_image_close(struct elf_image *im)
{
	elf_end(im->elf);
	free(im->mem);
	memset(im, 0, sizeof(*im));
}

void elf_image_segments(const struct elf_image *im, struct segvec *out)
{
	size_t n;

	if (elf_getphdrnum(im->elf, &n) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(im->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		vec_push(out, ((struct segment){ ph.p_offset, ph.p_filesz, ph.p_vaddr,
						 (ph.p_flags & PF_X) != 0 }));
	}
}

bool segments_to_vaddr(const struct segvec *s, uint64_t offset, uint64_t *vaddr)
{
	bool found = false;

	for (size_t i = 0; i < s->n; i++) {
		const struct segment *g = &s->v[i];

		if (offset < g->offset || offset - g->offset >= g->filesz)
			continue;
		if (g->exec || !found) {
			*vaddr = offset - g->offset + g->vaddr;
			found = true;
		}
		if (g->exec)
			break;
	}
	return found;
}

/* Address ranges of allocated sections by index, to end zero-size symbols
 * at their section's end. */
struct secrange { uint64_t lo, hi; };

static struct secrange *section_ranges(Elf *elf, size_t *n)
{
	struct secrange *r;

	if (elf_getshdrnum(elf, n) != 0 || *n == 0)
		return NULL;
	r = xcalloc(*n, sizeof(*r));
	for (size_t i = 1; i < *n; i++) {
		Elf_Scn *scn = elf_getscn(elf, i);
		GElf_Shdr sh;

		if (scn && gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_ALLOC)) {
			r[i].lo = sh.sh_addr;
			r[i].hi = sh.sh_addr + sh.sh_size < sh.sh_addr ? UINT64_MAX
								      : sh.sh_addr + sh.sh_size;
		}
	}
	return r;
}

static unsigned leading_underscores(const char *s)
{
	unsigned n = 0;

	while (s[n] == '_')
		n++;
	return n;
}

void elf_symtab_add(struct symvec *t, const struct elf_image *im, Elf_Scn *scn)
{
	size_t symsz = gelf_fsize(im->elf, ELF_T_SYM, 1, EV_CURRENT);
	struct secrange *secs;
	size_t nsecs = 0;
	GElf_Ehdr eh;
	Elf_Data *d;
	GElf_Shdr sh;

	if (!scn || !symsz || !gelf_getshdr(scn, &sh) || !gelf_getehdr(im->elf, &eh))
		return;
	d = elf_getdata(scn, NULL);
	if (!d || !d->d_buf)
		return;
	secs = section_ranges(im->elf, &nsecs);
	for (size_t i = 1; i < d->d_size / symsz; i++) {
		struct elf_sym *s;
		const char *name;
		uint64_t addr;
		GElf_Sym sym;
		int type, bind;

		if (!gelf_getsym(d, (int)i, &sym))
			break;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_shndx == SHN_UNDEF ||
		    sym.st_shndx == SHN_ABS)
			continue;
		name = elf_strptr(im->elf, sh.sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		addr = sym.st_value;
		if (eh.e_machine == EM_ARM)
			addr &= ~(uint64_t)1; /* the Thumb bit */
		s = vec_add(t);
		s->addr = addr;
		s->name = name;
		if (sym.st_size) {
			s->end = addr + sym.st_size < addr ? UINT64_MAX : addr + sym.st_size;
		} else if (sym.st_shndx < nsecs && secs[sym.st_shndx].lo <= addr &&
			   addr < secs[sym.st_shndx].hi) {
			/* Zero size: the next symbol or the section end, whichever
			 * comes first (elf_symtab_finish). */
			s->end = secs[sym.st_shndx].hi;
		}
		bind = GELF_ST_BIND(sym.st_info);
		/* Aliases at one address: sized first, then global over weak
		 * over local, then fewer leading underscores (malloc over
		 * __libc_malloc). */
		s->rank = (sym.st_size ? RANK_SIZED : 0) |
			  (bind == STB_GLOBAL ? 3u : bind == STB_WEAK ? 2u : 1u) << 16 |
			  (255u - (leading_underscores(name) > 255 ? 255 : leading_underscores(name)));
	}
	free(secs);
}

int sym_alias_cmp(uint64_t a_addr, uint32_t a_rank, const char *a_name,
		  uint64_t b_addr, uint32_t b_rank, const char *b_name)
{
	size_t la, lb;

	if (a_addr != b_addr)
		return a_addr < b_addr ? -1 : 1;
	if (a_rank != b_rank)
		return a_rank > b_rank ? -1 : 1;
	la = strlen(a_name);
	lb = strlen(b_name);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a_name, b_name);
}

static int sym_cmp(const void *pa, const void *pb)
{
	const struct elf_sym *a = pa, *b = pb;

	return sym_alias_cmp(a->addr, a->rank, a->name, b->addr, b->rank, b->name);
}

void elf_symtab_finish(struct symvec *t)
{
	size_t n = 0;

	if (!t->n)
		return;
	qsort(t->v, t->n, sizeof(t->v[0]), sym_cmp);
	for (size_t i = 0; i < t->n; i++) {
		if (n && t->v[n - 1].addr == t->v[i].addr) {
			/* Keep the preferred alias, but the longest known extent. */
			if (t->v[i].end > t->v[n - 1].end && !(t->v[n - 1].rank & RANK_SIZED))
				t->v[n - 1].end = t->v[i].end;
			continue;
		}
		t->v[n++] = t->v[i];
	}
	t->n = n;
	for (size_t i = 0; i < n; i++) {
		struct elf_sym *s = &t->v[i];

		if (s->rank & RANK_SIZED)
			continue; /* sized: its own extent */
		if (i + 1 < n && (s->end == 0 || t->v[i + 1].addr < s->end))
			s->end = t->v[i + 1].addr;
		else if (s->end == 0)
			s->end = s->addr + 1; /* last, section unknown: exact hits only */
	}
}

const struct elf_sym *elf_symtab_find(const struct symvec *t, uint64_t vaddr)
{
	/* From the first symbol starting after vaddr, look back. */
	size_t lo = upper_bound_u64(t->v, t->n, sizeof(*t->v), offsetof(struct elf_sym, addr), vaddr);

	for (size_t i = lo, steps = 0; i > 0 && steps < ENCLOSING_SCAN; i--, steps++) {
		if (vaddr < t->v[i - 1].end)
			return &t->v[i - 1];
	}
	return NULL;
}
