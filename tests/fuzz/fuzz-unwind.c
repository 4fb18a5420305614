/* libFuzzer target for the unwind module (src/unwind): DWARF CFI and the
 * DWARF expressions in it, evaluated over a synthetic register set and a
 * copied user stack, as unwind_sample() does for every DWARF-mode sample.
 *
 * The input is a struct fu_hdr (below), `stack_len` bytes of user stack
 * (copied from address RSP up, as the kernel copies it), then the rest:
 *  - mode 0 / 1: the contents of .eh_frame / .debug_frame. They are wrapped
 *    here into a minimal x86_64 ELF image (one executable PT_LOAD with file
 *    offset = vaddr, the CFI section at `cfi_addr`) that the symbolizer
 *    holds in memory under the name of a mapping of a fake process, so
 *    unwind_sample() finds it through its own bin_of()/frame_at() and
 *    libdw's CFI reader; the sample carries the header's registers and the
 *    stack. With flag 1 the process also maps this machine's vdso.
 *  - mode 2: an array of (atom, number, number2) DWARF operations given to
 *    expr_eval() directly, with operands libdw would never produce.
 * Every frame returned is checked against the mapping table.
 * seeds/unwind/ holds real samples made by mkseed-unwind.c (see there). */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collect/records.h"
#include "collect/stacks.h"
#include "collect/tasks.h"
#include "symbols/symbols.h"
#include "unwind/expr.h"
#include "unwind/regs.h"
#include "unwind/unwind.h"

#include "fuzz-unwind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FU_PID 1000
#define MAX_STACK (64u << 10)
#define MAX_OPS 80

/* Sections of the image: null, the CFI section, .shstrtab. */
static const char shstrtab[] = "\0.eh_frame\0.debug_frame\0.shstrtab";
#define NAME_EH 1
#define NAME_DEBUG 11
#define NAME_SHSTRTAB 24

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* A minimal ELF image around `cfi`; returns its size, the image in *out
 * (caller frees). */
static size_t make_elf(const uint8_t *cfi, size_t n, int debug_frame, uint64_t cfi_addr,
		       unsigned char **out)
{
	size_t cfi_off = align8(sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr));
	size_t str_off = align8(cfi_off + n);
	size_t sh_off = align8(str_off + sizeof(shstrtab));
	size_t total = sh_off + 3 * sizeof(Elf64_Shdr);
	unsigned char *img = calloc(1, total);
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph = { 0 };
	Elf64_Shdr sh[3];

	if (!img)
		abort();
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_DYN;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_shoff = sh_off;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = 1;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 3;
	eh.e_shstrndx = 2;
	/* File offset = vaddr over the whole address range a mapping may
	 * reach, so any PC resolves to a vaddr the CFI may cover. */
	ph.p_type = PT_LOAD;
	ph.p_flags = PF_R | PF_X;
	ph.p_filesz = ph.p_memsz = 1ull << 47;
	ph.p_align = 0x1000;
	memset(sh, 0, sizeof(sh));
	sh[1].sh_name = debug_frame ? NAME_DEBUG : NAME_EH;
	sh[1].sh_type = SHT_PROGBITS;
	sh[1].sh_flags = debug_frame ? 0 : SHF_ALLOC;
	sh[1].sh_addr = debug_frame ? 0 : cfi_addr;
	sh[1].sh_offset = cfi_off;
	sh[1].sh_size = n;
	sh[1].sh_addralign = 8;
	sh[2].sh_name = NAME_SHSTRTAB;
	sh[2].sh_type = SHT_STRTAB;
	sh[2].sh_offset = str_off;
	sh[2].sh_size = sizeof(shstrtab);
	sh[2].sh_addralign = 1;
	memcpy(img, &eh, sizeof(eh));
	memcpy(img + sizeof(eh), &ph, sizeof(ph));
	if (n)
		memcpy(img + cfi_off, cfi, n);
	memcpy(img + str_off, shstrtab, sizeof(shstrtab));
	memcpy(img + sh_off, sh, sizeof(sh));
	*out = img;
	return total;
}

/* The registers of the header packed as a sample carries them: one value
 * per bit of the mask, in ascending bit order. */
static size_t pack_regs(const struct fu_hdr *h, uint64_t *vals)
{
	size_t n = 0;

	for (int bit = 0; bit < FU_PERF_REGS; bit++)
		if (h->regs_mask & (1ull << bit))
			vals[n++] = h->regs[bit];
	return n;
}

static void fuzz_expr(const struct fu_hdr *h, const uint8_t *p, size_t n,
		      const struct stack_mem *mem)
{
	uint64_t vals[FU_PERF_REGS], v;
	Dwarf_Op ops[MAX_OPS];
	size_t nops = 0;
	struct regset regs;
	struct expr_out out;

	pack_regs(h, vals);
	regs_from_perf(vals, h->regs_mask & ((1ull << FU_PERF_REGS) - 1), &regs);
	for (; n >= FU_OP_SIZE && nops < MAX_OPS; p += FU_OP_SIZE, n -= FU_OP_SIZE) {
		memset(&ops[nops], 0, sizeof(ops[nops]));
		ops[nops].atom = p[0];
		memcpy(&ops[nops].number, p + 1, 8);
		memcpy(&ops[nops].number2, p + 9, 8);
		ops[nops].offset = nops;
		nops++;
	}
	if (expr_eval(ops, nops, &regs, h->cfa, mem, &out) == EXPR_OK &&
	    out.kind == EXPR_MEMORY)
		stack_read(mem, out.v, &v);
}

static void fuzz_unwind(const struct fu_hdr *h, const uint8_t *cfi, size_t n,
			const struct stack_mem *mem)
{
	static const char binary[] = "/fuzz/unwind.bin";
	struct symbolizer *sym = symbolizer_new();
	struct tasks *t = tasks_new();
	struct unwinder *u;
	struct sym_file *f;
	unsigned char *img;
	size_t img_size = make_elf(cfi, n, h->mode == FU_MODE_DEBUG_FRAME, h->cfi_addr, &img);
	uint64_t vals[FU_PERF_REGS];
	struct stack_frame frames[FU_MAX_FRAMES];
	struct rec_sample s;
	size_t max = 1 + h->max_frames % FU_MAX_FRAMES, got;
	bool truncated;

	symbolizer_set_debug_dir(sym, NULL); /* the input is the only file */
	sym_file_open_memory(sym, binary, img, img_size, &f, NULL);
	free(img);
	tasks_mmap(t, FU_PID, h->map_start, h->map_len, h->map_pgoff, 0, 0, 0, binary, NULL);
	if (h->flags & FU_FLAG_VDSO)
		tasks_mmap(t, FU_PID, FU_VDSO_START, 0x2000, 0, 0, 0, 0, "[vdso]", NULL);
	u = unwinder_new(sym);
	if (!u)
		goto out; /* not x86_64 */
	memset(&s, 0, sizeof(s));
	s.pid = s.tid = FU_PID;
	s.abi = PERF_SAMPLE_REGS_ABI_64;
	s.regs = vals;
	s.stack = mem->data;
	s.stack_size = s.stack_dyn_size = mem->size;
	pack_regs(h, vals);
	got = unwind_sample(u, t, &s, h->regs_mask & ((1ull << FU_PERF_REGS) - 1), frames, max,
			    &truncated);
	if (got > max)
		abort();
	for (size_t i = 0; i < got; i++)
		if (frames[i].map != STACK_NO_MAP && !tasks_map(t, frames[i].map))
			abort(); /* a frame must name a real mapping or none */
	unwinder_free(u);
out:
	tasks_free(t);
	symbolizer_free(sym);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fu_hdr h;
	struct stack_mem mem;
	size_t stack_len;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	data += sizeof(h);
	size -= sizeof(h);
	stack_len = h.stack_len;
	if (stack_len > size)
		stack_len = size;
	if (stack_len > MAX_STACK)
		stack_len = MAX_STACK;
	/* The stack starts at RSP, as the kernel copies it. */
	mem.base = h.regs[FU_PERF_RSP];
	mem.data = data;
	mem.size = stack_len;
	data += stack_len;
	size -= stack_len;
	switch (h.mode % 3) {
	case FU_MODE_EH_FRAME:
	case FU_MODE_DEBUG_FRAME:
		h.mode %= 3;
		fuzz_unwind(&h, data, size, &mem);
		break;
	default:
		fuzz_expr(&h, data, size, &mem);
		break;
	}
	return 0;
}
