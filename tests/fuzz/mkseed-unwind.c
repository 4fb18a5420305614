/* Writes seeds for fuzz-unwind.c (layout in fuzz-unwind.h): a real DWARF
 * sample of this very program, as the kernel would copy it -- the
 * registers at a leaf four calls deep, 8 KiB of its stack, and this
 * binary's own CFI (.eh_frame, or .debug_frame when built without unwind
 * tables) -- so the seed unwinds through real compiler-made rules before
 * it is mutated; plus a few DWARF expressions for the expression mode
 * (glibc's PLT rule among them). Not run by the tests: rebuild the seeds
 * with (in a build folder without sanitizers)
 *   ninja -C BUILD tests/fuzz/mkseed-unwind tests/fuzz/mkseed-unwind-debug-frame
 *   BUILD/tests/fuzz/mkseed-unwind tests/fuzz/seeds/unwind
 *   BUILD/tests/fuzz/mkseed-unwind-debug-frame tests/fuzz/seeds/unwind */
#include <dwarf.h>
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "fuzz-unwind.h"

extern const Elf64_Ehdr __ehdr_start;

static const char *out_dir;
static unsigned char stack_copy[8192];
static size_t stack_len;
static uint64_t regs[FU_PERF_REGS];

/* perf's x86_64 registers that kiln asks for (unwind/regs.c). */
#define REGS_MASK 0xff01ffull

/* The end of the mapping holding `addr` (the stack), from /proc/self/maps. */
static uint64_t mapping_end(uint64_t addr)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long long lo, hi;
	char line[512];
	uint64_t end = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx", &lo, &hi) == 2 && addr >= lo && addr < hi)
			end = hi;
	fclose(f);
	return end;
}

/* Copies the stack above rsp byte by byte: it spans other frames, which a
 * sanitizer would call overflows, and ends at the mapping's end. */
__attribute__((no_sanitize_address, noinline)) static void copy_stack(uint64_t rsp)
{
	uint64_t end = mapping_end(rsp);
	const volatile unsigned char *p = (const volatile unsigned char *)(uintptr_t)rsp;

	stack_len = end > rsp ? (size_t)(end - rsp) : 0;
	if (stack_len > sizeof(stack_copy))
		stack_len = sizeof(stack_copy);
	for (size_t i = 0; i < stack_len; i++)
		stack_copy[i] = p[i];
}

/* Captures the registers the unwinder starts from, all at one instruction
 * (so RIP's CFI row matches RSP), then the stack. */
__attribute__((noinline)) static void leaf(void)
{
	uint64_t r[9];

	__asm__ volatile("lea 0(%%rip), %%rax\n\t"
			 "mov %%rax, 0(%0)\n\t"
			 "mov %%rsp, 8(%0)\n\t"
			 "mov %%rbp, 16(%0)\n\t"
			 "mov %%rbx, 24(%0)\n\t"
			 "mov %%r12, 32(%0)\n\t"
			 "mov %%r13, 40(%0)\n\t"
			 "mov %%r14, 48(%0)\n\t"
			 "mov %%r15, 56(%0)\n\t"
			 : : "r"(r) : "rax", "memory");
	regs[8] = r[0];  /* IP */
	regs[7] = r[1];  /* SP */
	regs[6] = r[2];  /* BP */
	regs[1] = r[3];  /* BX */
	regs[20] = r[4]; /* R12 */
	regs[21] = r[5];
	regs[22] = r[6];
	regs[23] = r[7];
	copy_stack(r[1]);
}

/* A call chain with frames of different shapes, so the CFI has rules for
 * pushed registers and stack adjustments. */
__attribute__((noinline)) static int c(int n)
{
	volatile char buf[40];

	buf[n % 40] = (char)n;
	leaf();
	return buf[n % 40] + 1;
}

__attribute__((noinline)) static int b(int n)
{
	volatile long big[64];

	big[n % 64] = n;
	return c(n + 1) + (int)big[n % 64];
}

__attribute__((noinline)) static int a(int n)
{
	return b(n * 2) + 1;
}

/* The bytes and address of this binary's CFI section. */
static unsigned char *read_cfi(int *mode, uint64_t *addr, size_t *len)
{
	FILE *f = fopen("/proc/self/exe", "rb");
	unsigned char *img = NULL, *cfi = NULL;
	long size;
	const Elf64_Ehdr *eh;
	const Elf64_Shdr *sh;
	const char *names;

	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET))
		goto out;
	img = malloc((size_t)size);
	if (!img || fread(img, 1, (size_t)size, f) != (size_t)size)
		goto out;
	eh = (const Elf64_Ehdr *)img;
	sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	names = (const char *)img + sh[eh->e_shstrndx].sh_offset;
	for (int want = 0; want < 2 && !cfi; want++) {
		for (unsigned i = 0; i < eh->e_shnum; i++) {
			const char *nm = names + sh[i].sh_name;

			if (strcmp(nm, want == 0 ? ".debug_frame" : ".eh_frame") != 0)
				continue;
			*mode = want == 0 ? FU_MODE_DEBUG_FRAME : FU_MODE_EH_FRAME;
			*addr = sh[i].sh_addr;
			*len = sh[i].sh_size;
			cfi = malloc(*len);
			memcpy(cfi, img + sh[i].sh_offset, *len);
			break;
		}
	}
out:
	free(img);
	if (f)
		fclose(f);
	return cfi;
}

/* The offset of a function in this process's vdso image, or 0. */
static uint64_t vdso_function(const char *name)
{
	const unsigned char *img = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	const Elf64_Shdr *sh;

	if (!img)
		return 0;
	sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		const Elf64_Sym *sym = (const Elf64_Sym *)(img + sh[i].sh_offset);
		const char *str = (const char *)img + sh[sh[i].sh_link].sh_offset;

		if (sh[i].sh_type != SHT_DYNSYM)
			continue;
		for (size_t k = 0; k < sh[i].sh_size / sizeof(*sym); k++)
			if (!strcmp(str + sym[k].st_name, name))
				return sym[k].st_value;
	}
	return 0;
}

static void write_seed(const char *name, const struct fu_hdr *h, const void *stack,
		       size_t slen, const void *rest, size_t rlen)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(h, sizeof(*h), 1, f) != 1 || fwrite(stack, 1, slen, f) != slen ||
	    fwrite(rest, 1, rlen, f) != rlen || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	printf("%s\n", path);
}

/* DWARF operations for mode 2. */
struct op {
	uint8_t atom;
	uint64_t n1, n2;
};

static void write_expr(const char *name, const struct op *ops, size_t n)
{
	unsigned char buf[FU_OP_SIZE * 16];
	uint64_t stack[4] = { 0x7ffe00001000, 0x401136, 0, 0x7ffe00001100 };
	struct fu_hdr h = { 0 };

	h.mode = FU_MODE_EXPR;
	h.stack_len = sizeof(stack);
	h.cfa = 0x7ffe00001010;
	h.regs_mask = REGS_MASK;
	h.regs[FU_PERF_RSP] = 0x7ffe00000ff8;
	h.regs[FU_PERF_RIP] = 0x401020;
	h.regs[6] = 0x7ffe00001000;
	for (size_t i = 0; i < n; i++) {
		buf[i * FU_OP_SIZE] = ops[i].atom;
		memcpy(buf + i * FU_OP_SIZE + 1, &ops[i].n1, 8);
		memcpy(buf + i * FU_OP_SIZE + 9, &ops[i].n2, 8);
	}
	write_seed(name, &h, stack, sizeof(stack), buf, n * FU_OP_SIZE);
}

int main(int argc, char **argv)
{
	/* glibc's (and ld's) CFA rule for PLT entries. */
	static const struct op plt[] = {
		{ DW_OP_breg7, 8, 0 }, { DW_OP_breg16, 0, 0 }, { DW_OP_lit15, 0, 0 },
		{ DW_OP_and, 0, 0 }, { DW_OP_lit11, 0, 0 }, { DW_OP_ge, 0, 0 },
		{ DW_OP_lit3, 0, 0 }, { DW_OP_shl, 0, 0 }, { DW_OP_plus, 0, 0 },
	};
	/* A saved register at CFA-16, read through the stack. */
	static const struct op saved[] = {
		{ DW_OP_call_frame_cfa, 0, 0 }, { DW_OP_consts, (uint64_t)-16, 0 },
		{ DW_OP_plus, 0, 0 }, { DW_OP_deref, 0, 0 },
	};
	/* A value rule: rbp + 16, with DW_OP_stack_value. */
	static const struct op value[] = {
		{ DW_OP_bregx, 6, 16 }, { DW_OP_stack_value, 0, 0 },
	};
	static const struct op reg[] = { { DW_OP_regx, 3, 0 } };
	struct fu_hdr h = { 0 };
	unsigned char *cfi;
	const Elf64_Phdr *ph;
	uint64_t base = (uint64_t)(uintptr_t)&__ehdr_start, end = 0;
	size_t cfi_len = 0;
	uint64_t fn;
	int mode = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s SEED_DIR\n", argv[0]);
		return 2;
	}
	out_dir = argv[1];
	if (a(argc) < 0)
		return 1;
	cfi = read_cfi(&mode, &h.cfi_addr, &cfi_len);
	if (!cfi) {
		fprintf(stderr, "no .eh_frame or .debug_frame in /proc/self/exe\n");
		return 1;
	}
	/* The binary as mapped: file offset = vaddr for a PIE (as ld lays
	 * it out), so one mapping of the whole image at the load base. */
	ph = (const Elf64_Phdr *)((const unsigned char *)&__ehdr_start + __ehdr_start.e_phoff);
	for (unsigned i = 0; i < __ehdr_start.e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr + ph[i].p_memsz > end)
			end = ph[i].p_vaddr + ph[i].p_memsz;
	h.mode = (uint8_t)mode;
	h.max_frames = 64;
	h.stack_len = (uint32_t)stack_len;
	h.map_start = base;
	h.map_len = (end + 0xfff) & ~0xfffull;
	h.regs_mask = REGS_MASK;
	memcpy(h.regs, regs, sizeof(regs));
	write_seed(mode == FU_MODE_EH_FRAME ? "sample-eh-frame" : "sample-debug-frame", &h,
		   stack_copy, stack_len, cfi, cfi_len);
	if (mode == FU_MODE_EH_FRAME && (fn = vdso_function("__vdso_clock_gettime"))) {
		/* At the vdso function's first instruction, called from the
		 * leaf: the return address on top of the leaf's stack. */
		unsigned char deeper[sizeof(stack_copy) + 8];

		memcpy(deeper, &regs[FU_PERF_RIP], 8);
		memcpy(deeper + 8, stack_copy, stack_len);
		h.flags = FU_FLAG_VDSO;
		h.stack_len = (uint32_t)stack_len + 8;
		h.regs[FU_PERF_RIP] = FU_VDSO_START + fn;
		h.regs[FU_PERF_RSP] = regs[FU_PERF_RSP] - 8;
		write_seed("sample-vdso", &h, deeper, stack_len + 8, cfi, cfi_len);
	}
	free(cfi);
	if (mode == FU_MODE_EH_FRAME) {
		write_expr("expr-plt", plt, sizeof(plt) / sizeof(*plt));
		write_expr("expr-saved-reg", saved, sizeof(saved) / sizeof(*saved));
		write_expr("expr-value", value, sizeof(value) / sizeof(*value));
		write_expr("expr-regx", reg, 1);
	}
	return 0;
}
