/* DWARF expression evaluation for unwinding (DWARF 5 §2.5). Only what CFI
 * of real binaries uses: register-relative addresses, constants,
 * arithmetic, comparisons (glibc's PLT rules), dereference of stack
 * memory. Bounded: at most 64 operations and a 32-entry stack. */
#include "expr.h"

#include <dwarf.h>
#include <string.h>

#define MAX_STACK 32
#define MAX_OPS 64

bool stack_read(const struct stack_mem *m, uint64_t addr, uint64_t *out)
{
	if (addr < m->base || addr - m->base > m->size || m->size - (addr - m->base) < 8)
		return false;
	memcpy(out, m->data + (addr - m->base), 8);
	return true;
}

int expr_eval(const Dwarf_Op *ops, size_t n, const struct regset *regs, uint64_t cfa,
	      const struct stack_mem *mem, struct expr_out *out)
{
	uint64_t st[MAX_STACK], a, b;
	size_t sp = 0;

#define PUSH(x) do { if (sp == MAX_STACK) return EXPR_UNSUPPORTED; st[sp++] = (x); } while (0)
#define POP(x) do { if (!sp) return EXPR_UNSUPPORTED; (x) = st[--sp]; } while (0)

	if (n > MAX_OPS)
		return EXPR_UNSUPPORTED;
	out->kind = EXPR_MEMORY;
	if (n == 1 && ((ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31) ||
		       ops[0].atom == DW_OP_regx)) {
		out->kind = EXPR_REGISTER;
		out->v = ops[0].atom == DW_OP_regx ? ops[0].number : ops[0].atom - DW_OP_reg0;
		return EXPR_OK;
	}
	for (size_t i = 0; i < n; i++) {
		const Dwarf_Op *op = &ops[i];
		uint8_t atom = op->atom;

		if (atom >= DW_OP_lit0 && atom <= DW_OP_lit31) {
			PUSH((uint64_t)(atom - DW_OP_lit0));
			continue;
		}
		if ((atom >= DW_OP_breg0 && atom <= DW_OP_breg31) || atom == DW_OP_bregx) {
			unsigned r = atom == DW_OP_bregx ? (unsigned)op->number : atom - DW_OP_breg0;
			int64_t off = (int64_t)(atom == DW_OP_bregx ? op->number2 : op->number);
			if (!reg_get(regs, r, &a))
				return EXPR_NO_REG;
			PUSH(a + (uint64_t)off);
			continue;
		}
		switch (atom) {
		case DW_OP_nop:
			break;
		case DW_OP_call_frame_cfa:
			PUSH(cfa);
			break;
		case DW_OP_addr:
		case DW_OP_const1u: case DW_OP_const1s: case DW_OP_const2u: case DW_OP_const2s:
		case DW_OP_const4u: case DW_OP_const4s: case DW_OP_const8u: case DW_OP_const8s:
		case DW_OP_constu: case DW_OP_consts:
			PUSH(op->number);
			break;
		case DW_OP_plus_uconst:
			POP(a);
			PUSH(a + op->number);
			break;
		case DW_OP_deref:
			POP(a);
			if (!stack_read(mem, a, &b))
				return EXPR_OFF_STACK;
			PUSH(b);
			break;
		case DW_OP_dup:
			POP(a);
			PUSH(a);
			PUSH(a);
			break;
		case DW_OP_drop:
			POP(a);
			break;
		case DW_OP_over:
			if (sp < 2)
				return EXPR_UNSUPPORTED;
			a = st[sp - 2];
			PUSH(a);
			break;
		case DW_OP_swap:
			POP(a);
			POP(b);
			PUSH(a);
			PUSH(b);
			break;
		case DW_OP_neg:
			POP(a);
			PUSH(0 - a); /* two's complement, defined for INT64_MIN too */
			break;
		case DW_OP_not:
			POP(a);
			PUSH(~a);
			break;
#define BINOP(code, expr) case code: POP(b); POP(a); PUSH(expr); break
		BINOP(DW_OP_plus, a + b);
		BINOP(DW_OP_minus, a - b);
		BINOP(DW_OP_mul, a * b);
		BINOP(DW_OP_and, a & b);
		BINOP(DW_OP_or, a | b);
		BINOP(DW_OP_xor, a ^ b);
		BINOP(DW_OP_shl, b < 64 ? a << b : 0);
		BINOP(DW_OP_shr, b < 64 ? a >> b : 0);
		BINOP(DW_OP_shra, b < 64 ? (uint64_t)((int64_t)a >> b) : 0);
		BINOP(DW_OP_ge, (int64_t)a >= (int64_t)b);
		BINOP(DW_OP_gt, (int64_t)a > (int64_t)b);
		BINOP(DW_OP_le, (int64_t)a <= (int64_t)b);
		BINOP(DW_OP_lt, (int64_t)a < (int64_t)b);
		BINOP(DW_OP_eq, a == b);
		BINOP(DW_OP_ne, a != b);
#undef BINOP
		case DW_OP_stack_value:
			if (i + 1 != n)
				return EXPR_UNSUPPORTED;
			out->kind = EXPR_VALUE;
			break;
		default:
			return EXPR_UNSUPPORTED;
		}
	}
	if (!sp)
		return EXPR_UNSUPPORTED;
	out->v = st[sp - 1];
	return EXPR_OK;
#undef PUSH
#undef POP
}
