/* The int64 edges in the lower modules, where C leaves the arithmetic
 * undefined (these fail under -Db_sanitize=undefined if it comes back):
 * a multiplexed counter extrapolated past 2^64 (events) and DWARF's
 * DW_OP_neg of the most negative value (unwind). */
#include <dwarf.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "events/counters.h"
#include "unwind/expr.h"

static void test_counter_scale(void)
{
	/* Ran a millionth of the time it was enabled: 1e19 * 1e6 saturates. */
	struct counter_value v = { UINT64_C(10000000000000000000), 1000000, 1 };

	counter_value_scale(&v);
	CHECK(v.val == UINT64_MAX);
	v = (struct counter_value){ 1000, 300, 100 };
	counter_value_scale(&v);
	CHECK_EQ(v.val, 3000);
	v = (struct counter_value){ 1000, 300, 0 };
	counter_value_scale(&v);
	CHECK_EQ(v.val, 0); /* never ran */
}

static void test_expr_neg(void)
{
	Dwarf_Op ops[3];
	struct regset regs;
	struct expr_out out;

	memset(ops, 0, sizeof(ops));
	memset(&regs, 0, sizeof(regs));
	ops[0].atom = DW_OP_const8u;
	ops[0].number = UINT64_C(0x8000000000000000);
	ops[1].atom = DW_OP_neg;
	ops[2].atom = DW_OP_stack_value;
	CHECK_EQ(expr_eval(ops, 3, &regs, 0, NULL, &out), EXPR_OK);
	CHECK(out.kind == EXPR_VALUE && out.v == UINT64_C(0x8000000000000000));
	ops[0].number = 5;
	CHECK_EQ(expr_eval(ops, 3, &regs, 0, NULL, &out), EXPR_OK);
	CHECK(out.kind == EXPR_VALUE && out.v == (uint64_t)-5);
}

int main(void)
{
	test_counter_scale();
	test_expr_neg();
	return CHECK_DONE();
}
