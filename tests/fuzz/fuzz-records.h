/* The input layout of fuzz-records.c, shared with mkseed-records.c which
 * writes its seeds: a struct fr_hdr, then records as the kernel writes
 * them into a perf mmap ring. Little-endian, no padding. */
#ifndef KILN_TESTS_FUZZ_RECORDS_H
#define KILN_TESTS_FUZZ_RECORDS_H

#include <stdint.h>

#define FR_FLAG_UNWIND 1     /* the recorder has an unwinder (DWARF mode) */
#define FR_FLAG_PER_SAMPLE 2 /* keep every sample apart (--timestamps) */

struct fr_hdr {
	uint64_t sample_type;  /* perf_event_attr.sample_type, any bits */
	uint64_t regs_mask;    /* perf_event_attr.sample_regs_user */
	uint32_t flags;        /* FR_FLAG_* */
	uint32_t n_events;     /* events in the session: 1 + n_events % 4 */
	uint64_t tail;         /* ring position of the first record (so records wrap) */
};

#endif
