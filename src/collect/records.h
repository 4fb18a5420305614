/* Decoding perf_event records for the sample_type kiln asks for. Decoded
 * structs point into the record: valid as long as the record is. */
#ifndef KILN_COLLECT_RECORDS_H
#define KILN_COLLECT_RECORDS_H

#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdint.h>

/* The fields every kiln event samples; CALLCHAIN and the user stack/regs
 * are added per recording. */
#define REC_SAMPLE_BASE (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID | \
			 PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD)

struct rec_sample {
	uint64_t id, ip, time, period;
	uint32_t pid, tid, cpu;
	uint64_t nr;            /* callchain entries, 0 without CALLCHAIN */
	const uint64_t *ips;    /* callchain, PERF_CONTEXT_* markers included */
	uint64_t abi;           /* REGS_USER: PERF_SAMPLE_REGS_ABI_*, 0 = none */
	const uint64_t *regs;   /* one per bit set in sample_regs_user */
	uint64_t stack_size;    /* STACK_USER: bytes copied */
	const unsigned char *stack;
	uint64_t stack_dyn_size;/* bytes actually valid in stack */
	/* Decoded by rec_parse_sample_attr() only (perf.data's events). */
	uint64_t addr, stream_id, weight, data_src, transaction, phys_addr, cgroup;
	uint32_t raw_size;      /* RAW: tracepoint payload */
	const unsigned char *raw;
	uint64_t n_branches;    /* BRANCH_STACK entries (skipped) */
};

/* The sample_id_all trailer of non-sample records. */
struct rec_id {
	uint32_t pid, tid, cpu;
	uint64_t time, id;
};

/* Both return 0, or -EINVAL when the record is shorter than its fields. */
int rec_parse_sample(const struct perf_event_header *h, uint64_t sample_type,
		     uint64_t regs_mask, struct rec_sample *s);
/* Every sample_type bit, with what the attr says of their layout
 * (read_format, branch_sample_type, sample_regs_user/intr): for samples
 * written by another tool (perf.data). Same returns. */
int rec_parse_sample_attr(const struct perf_event_header *h, const struct perf_event_attr *attr,
			  struct rec_sample *s);
int rec_parse_id(const struct perf_event_header *h, uint64_t sample_type, struct rec_id *id);
/* Timestamp of any record (sample or not); 0 when it carries none. */
uint64_t rec_time(const struct perf_event_header *h, uint64_t sample_type);

/* Record bodies we read (kernel ABI layouts, fixed parts). */
struct rec_mmap2 {
	struct perf_event_header h;
	uint32_t pid, tid;
	uint64_t addr, len, pgoff;
	union {
		struct { uint32_t maj, min; uint64_t ino, ino_generation; };
		struct { uint8_t build_id_size, reserved1; uint16_t reserved2;
			 uint8_t build_id[20]; };
	};
	uint32_t prot, flags;
	char filename[];
};

struct rec_comm {
	struct perf_event_header h;
	uint32_t pid, tid;
	char comm[];
};

struct rec_fork {
	struct perf_event_header h;
	uint32_t pid, ppid, tid, ptid;
	uint64_t time;
};

struct rec_lost {
	struct perf_event_header h;
	uint64_t id, lost;
};

struct rec_throttle {
	struct perf_event_header h;
	uint64_t time, id, stream_id;
};

#endif
