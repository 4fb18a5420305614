/* dis_annotate(): pick the function, check the binary is the one that was
 * profiled (build id), decode its bytes with capstone, and spread the
 * hits over the instructions. Work is one pass over the function's
 * instructions plus a binary search per hit. */
#include <capstone/capstone.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "internal.h"

void dis_func_release(struct dis_func *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_lines; i++)
		free(f->lines[i].text);
	free(f->lines);
	free(f->name);
	memset(f, 0, sizeof(*f));
}

static struct dis_line *add_line(struct dis_func *f, enum dis_kind kind)
{
	struct dis_line *l;

	f->lines = xgrow(f->lines, &f->cap_lines, f->n_lines + 1, sizeof(*f->lines));
	l = &f->lines[f->n_lines++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	return l;
}

static int capstone_mode(int machine, cs_arch *arch, cs_mode *mode)
{
	switch (machine) {
	case EM_X86_64: *arch = CS_ARCH_X86; *mode = CS_MODE_64; return 0;
	case EM_386: *arch = CS_ARCH_X86; *mode = CS_MODE_32; return 0;
	case EM_AARCH64: *arch = CS_ARCH_ARM64; *mode = CS_MODE_ARM; return 0;
	default: return -ENOTSUP;
	}
}

/* Hits as ELF virtual addresses; those the file cannot place are dropped. */
static uint64_t *hit_vaddrs(const struct sym_file *f, const struct dis_hit *hits, size_t n)
{
	uint64_t *va = xcalloc(n + 1, sizeof(*va));

	for (size_t i = 0; i < n; i++)
		if (sym_file_vaddr(f, hits[i].file_offset, &va[i]) < 0)
			va[i] = UINT64_MAX;
	return va;
}

/* Among symbols of that name, the one holding most of the hits (several
 * static functions may share a name); without hits, the first. */
static int choose(const struct sym_file *f, const char *name, const uint64_t *va,
		  const struct dis_hit *hits, size_t n_hits, struct func_sym *out,
		  struct kerr *err)
{
	struct func_sym *c = NULL;
	size_t n = elfsym_find_by_name(f, name, &c), best = 0;
	int64_t best_v = -1;

	for (size_t i = 0; i < n; i++) {
		int64_t v = 0;
		for (size_t k = 0; k < n_hits; k++)
			if (va[k] >= c[i].start && va[k] < c[i].start + c[i].size)
				v += hits[k].value;
		if (v > best_v) {
			best_v = v;
			best = i;
		}
	}
	if (n) {
		*out = c[best];
		for (size_t i = 0; i < n; i++)
			if (i != best)
				free(c[i].name);
		free(c);
		return 0;
	}
	free(c);
	/* The profile's name may differ from the binary's spelling (a
	 * demangler's choices, a version suffix): the symbol under the
	 * hottest hit is the function the samples were in. */
	for (size_t k = 0, hot = SIZE_MAX; k <= n_hits; k++) {
		if (k < n_hits) {
			if (va[k] != UINT64_MAX && (hot == SIZE_MAX || hits[k].value > hits[hot].value))
				hot = k;
			continue;
		}
		if (hot != SIZE_MAX && elfsym_find_at(f, va[hot], out) == 0)
			return 0;
	}
	return kerr_set(err, -ENOENT, "no function '%s' in the symbol tables of %s", name,
			sym_file_info(f)->path);
}

static void add_source(struct dis_func *out, struct sym_file *f, struct src_cache *sc,
		       uint64_t vaddr, const char **last_file, int64_t *last_line)
{
	struct sym_frame fr[16];
	int n = sym_file_lookup_vaddr(f, vaddr, fr, 16);
	const char *text;
	struct dis_line *l;

	/* The innermost frame: inlined code shows its own source line. */
	if (n <= 0 || !fr[0].file || fr[0].line <= 0)
		return;
	if (*last_file && fr[0].line == *last_line && !strcmp(*last_file, fr[0].file))
		return;
	*last_file = fr[0].file;
	*last_line = fr[0].line;
	l = add_line(out, DIS_SOURCE);
	l->vaddr = vaddr;
	l->file = fr[0].file;
	l->line = fr[0].line;
	text = src_cache_line(sc, fr[0].file, fr[0].line);
	l->text = text ? xstrdup(text) : NULL;
}

static size_t insn_at(const struct dis_func *f, const size_t *insn, size_t n, uint64_t va)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct dis_line *l = &f->lines[insn[mid]];
		if (va < l->vaddr)
			hi = mid;
		else if (va >= l->vaddr + l->size)
			lo = mid + 1;
		else
			return insn[mid];
	}
	return SIZE_MAX;
}

/* Disassembles size bytes of code loaded at start and adds the hits (at
 * va[k]: UINT64_MAX for none) to its instructions; source lines from f's
 * DWARF when f and o->source. */
static int disassemble(struct dis_func *out, int machine, const uint8_t *code, uint64_t start,
		       uint64_t size, const uint64_t *va, const struct dis_hit *hits,
		       size_t n_hits, struct sym_file *f, const struct dis_opts *o,
		       struct kerr *err)
{
	struct src_cache *sc = NULL;
	size_t *insn = NULL, n_insn = 0, cap_insn = 0;
	const char *last_file = NULL;
	int64_t last_line = 0;
	cs_arch arch;
	cs_mode mode;
	csh cs = 0;
	cs_insn *ci = NULL;
	int ret;

	if (capstone_mode(machine, &arch, &mode) < 0)
		return kerr_set(err, -ENOTSUP, "cannot disassemble this machine type (%d)", machine);
	if (cs_open(arch, mode, &cs) != CS_ERR_OK)
		return kerr_set(err, -ENOTSUP, "capstone cannot open this architecture");
	if (arch == CS_ARCH_X86 && !o->intel)
		cs_option(cs, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	sc = o->source && f ? src_cache_new() : NULL;
	ci = cs_malloc(cs);
	{
		const uint8_t *p = code;
		size_t left = size;
		uint64_t addr = start;

		while (left) {
			struct dis_line *l;
			struct kbuf b = KBUF_INIT;
			if (sc)
				add_source(out, f, sc, addr, &last_file, &last_line);
			l = add_line(out, DIS_INSN);
			l->vaddr = addr;
			if (cs_disasm_iter(cs, &p, &left, &addr, ci)) {
				l->size = ci->size;
				kbuf_addf(&b, "%-6s %s", ci->mnemonic, ci->op_str);
				while (b.len && b.buf[b.len - 1] == ' ')
					b.buf[--b.len] = '\0';
			} else {
				/* Undecodable byte (data in text, padding): show it, go on. */
				l->size = 1;
				kbuf_addf(&b, "(bad)  .byte 0x%02x", *p);
				p++;
				left--;
				addr++;
			}
			l->text = kbuf_detach(&b, NULL);
			insn = xgrow(insn, &cap_insn, n_insn + 1, sizeof(*insn));
			insn[n_insn++] = out->n_lines - 1;
		}
	}
	for (size_t k = 0; k < n_hits; k++) {
		size_t li = va[k] == UINT64_MAX ? SIZE_MAX : insn_at(out, insn, n_insn, va[k]);
		if (li == SIZE_MAX) {
			out->outside += hits[k].value;
			continue;
		}
		out->lines[li].value += hits[k].value;
		out->total += hits[k].value;
	}
	out->start = start;
	out->size = size;
	out->n_insns = n_insn;
	ret = 0;
	if (ci)
		cs_free(ci, 1);
	cs_close(&cs);
	src_cache_free(sc);
	free(insn);
	return ret;
}

int dis_annotate(struct symbolizer *s, const char *path, const char *build_id,
		 const char *name, const struct dis_hit *hits, size_t n_hits,
		 const struct dis_opts *o, struct dis_func *out, struct kerr *err)
{
	struct sym_file *f;
	const struct sym_file_info *fi;
	struct func_sym fs = { NULL, 0, 0 };
	uint64_t *va = NULL;
	uint8_t *code = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = sym_file_open(s, path, &f, err)) < 0)
		return ret;
	fi = sym_file_info(f);
	if (build_id && *build_id && *fi->build_id && strcmp(build_id, fi->build_id) != 0)
		return kerr_set(err, -ESTALE, "%s changed since the profile was recorded "
				"(build id %s, now %s)", path, build_id, fi->build_id);
	if (capstone_mode(elfsym_machine(f), &(cs_arch){ 0 }, &(cs_mode){ 0 }) < 0)
		return kerr_set(err, -ENOTSUP, "%s: cannot disassemble this machine type (%d)", path,
				elfsym_machine(f));
	va = hit_vaddrs(f, hits, n_hits);
	if ((ret = choose(f, name, va, hits, n_hits, &fs, err)) < 0)
		goto out;
	if (!fs.size) {
		ret = kerr_set(err, -ENOEXEC, "%s: symbol %s has no size", path, fs.name);
		goto out;
	}
	if ((ret = elfsym_read(f, fs.start, fs.size, &code, err)) < 0)
		goto out;
	if ((ret = disassemble(out, elfsym_machine(f), code, fs.start, fs.size, va, hits, n_hits,
			       f, o, err)) < 0)
		goto out;
	out->name = fs.name;
	fs.name = NULL;
out:
	if (ret < 0)
		dis_func_release(out);
	free(code);
	free(va);
	free(fs.name);
	return ret;
}

int dis_annotate_code(const char *name, int elf_machine, uint64_t start, const uint8_t *code,
		      uint64_t size, const struct dis_hit *hits, size_t n_hits,
		      const struct dis_opts *o, struct dis_func *out, struct kerr *err)
{
	uint64_t *va = xcalloc(n_hits ? n_hits : 1, sizeof(*va));
	int ret;

	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < n_hits; k++)
		va[k] = hits[k].file_offset;
	ret = disassemble(out, elf_machine, code, start, size, va, hits, n_hits, NULL, o, err);
	if (ret == 0)
		out->name = xstrdup(name);
	else
		dis_func_release(out);
	free(va);
	return ret;
}
