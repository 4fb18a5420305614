/* perf's x86_64 register numbering → DWARF's (arch/x86/include/uapi/asm/
 * perf_regs.h vs the System V psABI DWARF register table). */
#include "regs.h"

#if defined(__x86_64__)
/* PERF_REG_X86_* index of each DWARF register. */
static const int perf_of_dwarf[DW_NREGS] = {
	[DW_RAX] = 0, [DW_RBX] = 1, [DW_RCX] = 2, [DW_RDX] = 3, [DW_RSI] = 4,
	[DW_RDI] = 5, [DW_RBP] = 6, [DW_RSP] = 7, [DW_RIP] = 8,
	[DW_R8] = 16, [DW_R9] = 17, [DW_R10] = 18, [DW_R11] = 19,
	[DW_R12] = 20, [DW_R13] = 21, [DW_R14] = 22, [DW_R15] = 23,
};

uint64_t regs_perf_mask(void)
{
	uint64_t m = 0;

	for (int i = 0; i < DW_NREGS; i++)
		m |= 1ULL << perf_of_dwarf[i];
	return m;
}

bool regs_from_perf(const uint64_t *vals, uint64_t mask, struct regset *out)
{
	out->valid = 0;
	for (int i = 0; i < DW_NREGS; i++) {
		int bit = perf_of_dwarf[i];
		if (!(mask & (1ULL << bit)))
			continue;
		/* Values come in ascending bit order of the mask. */
		int idx = __builtin_popcountll(mask & ((1ULL << bit) - 1));
		reg_set(out, (unsigned)i, vals[idx]);
	}
	return true;
}
#else
uint64_t regs_perf_mask(void)
{
	return 0;
}

bool regs_from_perf(const uint64_t *vals, uint64_t mask, struct regset *out)
{
	(void)vals;
	(void)mask;
	out->valid = 0;
	return false;
}
#endif
