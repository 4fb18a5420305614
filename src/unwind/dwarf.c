/* The DWARF CFI unwinder (see unwind.h). Per sample: start from the user
 * registers, and for each frame find the binary mapped at the PC, its CFI
 * rules for that PC (cached per binary and PC), compute the CFA and the
 * caller's registers from the copied stack, and continue at the return
 * address until the CFI marks it undefined (the outermost frame) or
 * something is missing (truncated). */
#include "unwind.h"

#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/hashmap.h"
#include "../base/vec.h"
#include "cficheck.h"
#include "expr.h"
#include "regs.h"

/* Frames cached before the cache is dropped and refilled: bounds memory
 * on long system-wide recordings. */
#define MAX_CACHED_FRAMES (1u << 16)

struct ubin {
	struct sym_file *file; /* NULL when it could not be opened */
	Dwarf_CFI *eh;         /* .eh_frame of the file, dwarf_cfi_end'ed */
	Dwarf *dw_main;        /* for .debug_frame of the file itself */
	Dwarf *dw_debug;       /* for .debug_frame of its debug file */
	int main_ok, debug_ok; /* their .debug_frame: 0 unchecked, 1 bounded, -1 not (cficheck.h) */
};

struct unwinder {
	struct symbolizer *sym;
	VEC(struct ubin) bins;
	struct u64map bin_of;   /* interned filename pointer → bins index */
	struct u64map frames;   /* (bin, vaddr) → Dwarf_Frame *, 0 = no CFI */
	struct unwind_stats stats;
};

struct unwinder *unwinder_new(struct symbolizer *sym)
{
	struct unwinder *u;

	if (!regs_perf_mask())
		return NULL;
	u = xcalloc(1, sizeof(*u));
	u->sym = sym;
	return u;
}

static void drop_frames(struct unwinder *u)
{
	uint64_t key, frame;

	for (size_t i = 0; u64map_next(&u->frames, &i, &key, &frame);)
		if (frame)
			free((void *)(uintptr_t)frame);
	u64map_release(&u->frames);
}

void unwinder_free(struct unwinder *u)
{
	if (!u)
		return;
	drop_frames(u);
	for (size_t i = 0; i < u->bins.n; i++) {
		if (u->bins.v[i].eh)
			dwarf_cfi_end(u->bins.v[i].eh);
		if (u->bins.v[i].dw_main)
			dwarf_end(u->bins.v[i].dw_main);
		if (u->bins.v[i].dw_debug)
			dwarf_end(u->bins.v[i].dw_debug);
	}
	vec_free(&u->bins);
	u64map_release(&u->bin_of);
	free(u);
}

uint64_t unwind_regs_mask(void)
{
	return regs_perf_mask();
}

const struct unwind_stats *unwind_stats(const struct unwinder *u)
{
	return &u->stats;
}

static size_t bin_of(struct unwinder *u, const struct cmap *m)
{
	bool added;
	uint64_t *slot = u64map_slot(&u->bin_of, (uintptr_t)m->filename, u->bins.n, &added);
	struct ubin *b;
	Elf *elf;

	if (!added)
		return (size_t)*slot;
	b = vec_add(&u->bins);
	if (strcmp(m->filename, "[vdso]") == 0) {
		if (sym_file_open_vdso(u->sym, &b->file, NULL) < 0)
			b->file = NULL;
	} else if (m->filename[0] != '/' || sym_file_open(u->sym, m->filename, &b->file, NULL) < 0) {
		b->file = NULL;
	}
	if (b->file && (elf = sym_file_elf(b->file)) && cfi_regs_bounded(elf, ".eh_frame"))
		b->eh = dwarf_getcfi_elf(elf);
	return u->bins.n - 1;
}

static Dwarf_CFI *debug_frame_cfi(Dwarf **dw, Elf *elf, int *ok)
{
	if (!elf)
		return NULL;
	if (!*ok)
		*ok = cfi_regs_bounded(elf, ".debug_frame") ? 1 : -1;
	if (*ok < 0)
		return NULL;
	if (!*dw)
		*dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	return *dw ? dwarf_getcfi(*dw) : NULL;
}

/* The CFI frame for vaddr in binary `bi`, or NULL. */
static Dwarf_Frame *frame_at(struct unwinder *u, size_t bi, uint64_t vaddr)
{
	struct ubin *b = &u->bins.v[bi];
	uint64_t key = vaddr ^ ((uint64_t)(bi + 1) << 48), *slot;
	Dwarf_Frame *f = NULL;
	Dwarf_CFI *cfi;
	bool added;

	if (u64map_size(&u->frames) >= MAX_CACHED_FRAMES)
		drop_frames(u);
	slot = u64map_slot(&u->frames, key, 0, &added);
	if (!added)
		return (Dwarf_Frame *)(uintptr_t)*slot;
	if (b->eh && dwarf_cfi_addrframe(b->eh, vaddr, &f) == 0)
		goto found;
	f = NULL;
	cfi = debug_frame_cfi(&b->dw_main, sym_file_elf(b->file), &b->main_ok);
	if (cfi && dwarf_cfi_addrframe(cfi, vaddr, &f) == 0)
		goto found;
	f = NULL;
	cfi = debug_frame_cfi(&b->dw_debug, sym_file_debug_elf(b->file), &b->debug_ok);
	if (cfi && dwarf_cfi_addrframe(cfi, vaddr, &f) == 0)
		goto found;
	f = NULL;
found:
	*slot = (uint64_t)(uintptr_t)f;
	return f;
}

/* Registers the caller sees, besides RSP (= CFA) and RIP (= return). */
static const unsigned saved_regs[] = { DW_RBP, DW_RBX, DW_R12, DW_R13, DW_R14, DW_R15 };

/* Computes the caller's value of `regno` into *next; returns EXPR_OK (the
 * register may still be unknown: CFI says undefined) or a negative EXPR_*. */
static int caller_reg(Dwarf_Frame *f, unsigned regno, const struct regset *cur, uint64_t cfa,
		      const struct stack_mem *mem, struct regset *next)
{
	Dwarf_Op ops_mem[3], *ops;
	size_t nops;
	struct expr_out out;
	uint64_t v;
	int r;

	if (dwarf_frame_register(f, (int)regno, ops_mem, &ops, &nops) != 0)
		return EXPR_UNSUPPORTED;
	if (nops == 0) {
		if (ops == NULL && reg_get(cur, regno, &v)) /* same value */
			reg_set(next, regno, v);
		return EXPR_OK; /* undefined: stays unknown */
	}
	r = expr_eval(ops, nops, cur, cfa, mem, &out);
	if (r)
		return r;
	switch (out.kind) {
	case EXPR_VALUE:
		reg_set(next, regno, out.v);
		return EXPR_OK;
	case EXPR_REGISTER:
		if (reg_get(cur, (unsigned)out.v, &v))
			reg_set(next, regno, v);
		return EXPR_OK;
	case EXPR_MEMORY:
		if (!stack_read(mem, out.v, &v))
			return EXPR_OFF_STACK;
		reg_set(next, regno, v);
		return EXPR_OK;
	}
	return EXPR_UNSUPPORTED;
}

size_t unwind_sample(void *ctx, struct tasks *t, const struct rec_sample *s,
		     uint64_t regs_mask, struct stack_frame *out, size_t max, bool *truncated)
{
	struct unwinder *u = ctx;
	struct regset cur, next;
	struct stack_mem mem;
	uint64_t pc, sp;
	size_t n = 0;
	bool exact = true; /* the leaf PC, or the PC after a signal frame */

	*truncated = false;
	if (!s->regs || !s->abi || !regs_from_perf(s->regs, regs_mask, &cur) ||
	    !reg_get(&cur, DW_RIP, &pc) || !reg_get(&cur, DW_RSP, &sp))
		return 0;
	mem.base = sp;
	mem.data = s->stack;
	mem.size = (size_t)s->stack_dyn_size;
	u->stats.samples++;

	while (n < max) {
		uint64_t lookup = exact ? pc : pc - 1, vaddr, cfa, ra, new_sp;
		const struct cmap *m = tasks_find_map(t, (pid_t)s->pid, lookup);
		Dwarf_Op *ops;
		size_t nops;
		struct expr_out eo;
		Dwarf_Frame *f;
		bool signal_frame = false;
		int ra_col, r;

		out[n].addr = lookup;
		out[n].map = m ? m->id : STACK_NO_MAP;
		n++;
		u->stats.frames++;
		if (!m || m->kernel) {
			u->stats.no_map++;
			*truncated = true;
			break;
		}
		size_t bi = bin_of(u, m);
		if (!u->bins.v[bi].file ||
		    sym_file_vaddr(u->bins.v[bi].file, lookup - m->start + m->pgoff, &vaddr) < 0 ||
		    !(f = frame_at(u, bi, vaddr))) {
			u->stats.no_cfi++;
			*truncated = true;
			break;
		}
		ra_col = dwarf_frame_info(f, NULL, NULL, &signal_frame);
		if (dwarf_frame_cfa(f, &ops, &nops) != 0 || nops == 0 ||
		    expr_eval(ops, nops, &cur, 0, &mem, &eo) != EXPR_OK) {
			u->stats.no_cfi++;
			*truncated = true;
			break;
		}
		cfa = eo.v; /* a CFA rule is an expression: its value is the CFA */
		next.valid = 0;
		reg_set(&next, DW_RSP, cfa);
		for (size_t i = 0; i < sizeof(saved_regs) / sizeof(*saved_regs); i++)
			caller_reg(f, saved_regs[i], &cur, cfa, &mem, &next);
		next.valid &= ~(1u << DW_RIP);
		r = ra_col >= 0 ? caller_reg(f, (unsigned)ra_col, &cur, cfa, &mem, &next) : EXPR_UNSUPPORTED;
		if (ra_col >= 0 && (unsigned)ra_col != DW_RIP && reg_get(&next, (unsigned)ra_col, &ra))
			reg_set(&next, DW_RIP, ra);
		if (r == EXPR_OFF_STACK) {
			u->stats.off_stack++;
			*truncated = true;
			break;
		}
		if (!reg_get(&next, DW_RIP, &ra) || ra == 0)
			break; /* return address undefined: the outermost frame */
		new_sp = cfa;
		if (!signal_frame && new_sp <= sp) {
			*truncated = true; /* no progress: corrupt rules or stack */
			break;
		}
		cur = next;
		pc = ra;
		sp = new_sp;
		exact = signal_frame;
	}
	if (n == max)
		*truncated = true;
	return n;
}
