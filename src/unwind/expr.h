/* A small DWARF expression evaluator for CFI rules: registers come from a
 * regset, memory only from the copied user stack. */
#ifndef KILN_UNWIND_EXPR_H
#define KILN_UNWIND_EXPR_H

#include <elfutils/libdw.h>
#include <stddef.h>
#include <stdint.h>

#include "regs.h"

/* The user stack bytes a sample carries: [base, base + size). */
struct stack_mem {
	uint64_t base;
	const unsigned char *data;
	size_t size;
};

/* Reads 8 bytes at addr; returns false when outside the copy. */
bool stack_read(const struct stack_mem *m, uint64_t addr, uint64_t *out);

enum expr_kind { EXPR_MEMORY, EXPR_VALUE, EXPR_REGISTER };

struct expr_out {
	enum expr_kind kind;
	uint64_t v; /* address, value or DWARF register number */
};

enum { EXPR_OK = 0, EXPR_UNSUPPORTED = -1, EXPR_NO_REG = -2, EXPR_OFF_STACK = -3 };

/* Evaluates `ops`. A trailing DW_OP_stack_value makes the result a value, a
 * lone DW_OP_regN a register, anything else a memory location. `cfa` is
 * what DW_OP_call_frame_cfa pushes. Returns EXPR_OK or a negative EXPR_*. */
int expr_eval(const Dwarf_Op *ops, size_t n, const struct regset *regs, uint64_t cfa,
	      const struct stack_mem *mem, struct expr_out *out);

#endif
