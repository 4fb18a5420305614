/* The input layout of fuzz-unwind.c, shared with mkseed-unwind.c which
 * writes its seeds. All fields little-endian, no padding. */
#ifndef KILN_TESTS_FUZZ_UNWIND_H
#define KILN_TESTS_FUZZ_UNWIND_H

#include <stdint.h>

#define FU_PERF_REGS 24  /* PERF_REG_X86_* 0..23: AX..IP, R8..R15 */
#define FU_PERF_RSP 7    /* PERF_REG_X86_SP */
#define FU_PERF_RIP 8    /* PERF_REG_X86_IP */
#define FU_OP_SIZE 17    /* mode 2: atom (1 byte), number, number2 (8 each) */
#define FU_MAX_FRAMES 128

enum { FU_MODE_EH_FRAME, FU_MODE_DEBUG_FRAME, FU_MODE_EXPR };
#define FU_FLAG_VDSO 1   /* the process also maps this machine's vdso... */
#define FU_VDSO_START 0x7ffff7fc1000ull /* ...here */

struct fu_hdr {
	uint8_t mode;         /* FU_MODE_*, modulo 3 */
	uint8_t flags;        /* FU_FLAG_* */
	uint16_t max_frames;  /* frames asked for: 1 + max_frames % FU_MAX_FRAMES */
	uint32_t stack_len;   /* bytes of stack after the header */
	uint64_t cfi_addr;    /* sh_addr of .eh_frame (pc-relative pointers) */
	uint64_t map_start, map_len, map_pgoff; /* where the binary is mapped */
	uint64_t cfa;         /* mode 2: what DW_OP_call_frame_cfa pushes */
	uint64_t regs_mask;   /* sample_regs_user: which of regs[] are present */
	uint64_t regs[FU_PERF_REGS]; /* by PERF_REG_X86_* index */
};

#endif
