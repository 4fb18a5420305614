/* The registers the unwinder tracks, by DWARF number, and how they arrive
 * in a perf sample (x86_64: perf's PERF_REG_X86_* numbering differs from
 * DWARF's). */
#ifndef KILN_UNWIND_REGS_H
#define KILN_UNWIND_REGS_H

#include <stdbool.h>
#include <stdint.h>

/* DWARF register numbers on x86_64; 16 is the return address column. */
enum {
	DW_RAX = 0, DW_RDX, DW_RCX, DW_RBX, DW_RSI, DW_RDI, DW_RBP, DW_RSP,
	DW_R8, DW_R9, DW_R10, DW_R11, DW_R12, DW_R13, DW_R14, DW_R15,
	DW_RIP,
	DW_NREGS
};

struct regset {
	uint64_t v[DW_NREGS];
	uint32_t valid; /* bit per register */
};

static inline bool reg_get(const struct regset *r, unsigned n, uint64_t *out)
{
	if (n >= DW_NREGS || !(r->valid & (1u << n)))
		return false;
	*out = r->v[n];
	return true;
}

static inline void reg_set(struct regset *r, unsigned n, uint64_t v)
{
	if (n < DW_NREGS) {
		r->v[n] = v;
		r->valid |= 1u << n;
	}
}

/* perf_event_attr.sample_regs_user for the registers above. */
uint64_t regs_perf_mask(void);
/* Fills `out` from a sample's register dump taken with `mask`. Returns
 * false when the architecture is not supported. */
bool regs_from_perf(const uint64_t *vals, uint64_t mask, struct regset *out);

#endif
