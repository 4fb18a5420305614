/* DWARF CFI unwinding of user stacks copied by the kernel with each sample
 * (PERF_SAMPLE_REGS_USER + PERF_SAMPLE_STACK_USER), done while recording so
 * profiles hold addresses, never stack bytes.
 *
 * Each binary's CFI (.eh_frame, else .debug_frame of its debug file) is
 * loaded once through the symbolizer; the rules for each PC are cached.
 * The unwinder borrows the symbolizer and must be freed before it. */
#ifndef KILN_UNWIND_UNWIND_H
#define KILN_UNWIND_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../collect/records.h"
#include "../collect/stacks.h"
#include "../collect/tasks.h"
#include "../symbols/symbols.h"

struct unwinder;

struct unwind_stats {
	uint64_t samples;      /* samples unwound */
	uint64_t frames;       /* frames produced */
	uint64_t no_cfi;       /* stops at a PC without CFI */
	uint64_t no_map;       /* stops at a PC outside any mapping */
	uint64_t off_stack;    /* stops reading beyond the copied stack */
};

/* Returns NULL when this architecture is not supported (x86_64 only). */
struct unwinder *unwinder_new(struct symbolizer *sym);
void unwinder_free(struct unwinder *u); /* NULL-tolerant */

/* The PERF_SAMPLE_REGS_USER mask the unwinder needs. */
uint64_t unwind_regs_mask(void);

/* A recorder_unwind_fn (ctx = the unwinder): unwinds the sample's user
 * stack into `out` (leaf first; non-leaf addresses moved into the call
 * instruction), at most `max` frames. *truncated is set when unwinding
 * stopped before the outermost frame (no CFI, stack copy too small). */
size_t unwind_sample(void *ctx, struct tasks *t, const struct rec_sample *s,
		     uint64_t regs_mask, struct stack_frame *out, size_t max, bool *truncated);

const struct unwind_stats *unwind_stats(const struct unwinder *u);

#endif
