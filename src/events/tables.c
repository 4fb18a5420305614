/* perf's built-in event names: the hardware and software symbols with their
 * aliases, kiln's tool events, and the hardware cache matrix (type × op ×
 * result, each with perf's alternative spellings). Static data and small
 * lookups; parse.c and catalog.c read it. */
#include <errno.h>
#include <strings.h>
#include <string.h>

#include "internal.h"

const struct sym_event events_hw_table[] = {
	{ "cpu-cycles", "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branch-instructions", "branches", PERF_TYPE_HARDWARE,
	  PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus-cycles", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES },
	{ "stalled-cycles-frontend", "idle-cycles-frontend", PERF_TYPE_HARDWARE,
	  PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "stalled-cycles-backend", "idle-cycles-backend", PERF_TYPE_HARDWARE,
	  PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
	{ "ref-cycles", NULL, PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES },
};
const size_t events_hw_count = sizeof(events_hw_table) / sizeof(events_hw_table[0]);

const struct sym_event events_sw_table[] = {
	{ "cpu-clock", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "task-clock", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "page-faults", "faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "context-switches", "cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations", "migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "minor-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "major-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "alignment-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS },
	{ "emulation-faults", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS },
	{ "dummy", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY },
	{ "bpf-output", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT },
	{ "cgroup-switches", NULL, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CGROUP_SWITCHES },
};
const size_t events_sw_count = sizeof(events_sw_table) / sizeof(events_sw_table[0]);

const char *const events_tool_names[] = { "duration_time", "user_time", "system_time" };
const size_t events_tool_count = sizeof(events_tool_names) / sizeof(events_tool_names[0]);

static bool same(const char *s, size_t len, const char *name)
{
	return name && strlen(name) == len && memcmp(s, name, len) == 0;
}

const struct sym_event *events_find_symbol(const char *name, size_t len)
{
	for (size_t i = 0; i < events_hw_count; i++)
		if (same(name, len, events_hw_table[i].name) ||
		    same(name, len, events_hw_table[i].alias))
			return &events_hw_table[i];
	for (size_t i = 0; i < events_sw_count; i++)
		if (same(name, len, events_sw_table[i].name) ||
		    same(name, len, events_sw_table[i].alias))
			return &events_sw_table[i];
	return NULL;
}

enum kevent_tool events_find_tool(const char *name, size_t len)
{
	for (size_t i = 0; i < events_tool_count; i++)
		if (same(name, len, events_tool_names[i]))
			return (enum kevent_tool)(i + 1);
	return KEVENT_TOOL_NONE;
}

/* Rows: PERF_COUNT_HW_CACHE_{L1D,L1I,LL,DTLB,ITLB,BPU,NODE}. */
const char *const events_cache_type_names[CACHE_TYPES][6] = {
	{ "L1-dcache", "l1-d", "l1d", "L1-data", NULL },
	{ "L1-icache", "l1-i", "l1i", "L1-instruction", NULL },
	{ "LLC", "L2", NULL },
	{ "dTLB", "d-tlb", "Data-TLB", NULL },
	{ "iTLB", "i-tlb", "Instruction-TLB", NULL },
	{ "branch", "branches", "bpu", "btb", "bpc", NULL },
	{ "node", NULL },
};

/* Rows: OP_READ, OP_WRITE, OP_PREFETCH; [1] is the plural used in names. */
const char *const events_cache_op_names[CACHE_OPS][5] = {
	{ "load", "loads", "read", NULL },
	{ "store", "stores", "write", NULL },
	{ "prefetch", "prefetches", "speculative-read", "speculative-load", NULL },
};

/* Rows: RESULT_ACCESS, RESULT_MISS. */
const char *const events_cache_result_names[CACHE_RESULTS][5] = {
	{ "refs", "Reference", "ops", "access", NULL },
	{ "misses", "miss", NULL },
};

#define OPBIT(op) (1u << (op))
static const unsigned cache_ops_valid[CACHE_TYPES] = {
	OPBIT(0) | OPBIT(1) | OPBIT(2), /* L1D */
	OPBIT(0) | OPBIT(2),            /* L1I */
	OPBIT(0) | OPBIT(1) | OPBIT(2), /* LL */
	OPBIT(0) | OPBIT(1) | OPBIT(2), /* DTLB */
	OPBIT(0),                       /* ITLB */
	OPBIT(0),                       /* BPU */
	OPBIT(0) | OPBIT(1) | OPBIT(2), /* NODE */
};

bool events_cache_op_valid(unsigned type, unsigned op)
{
	return type < CACHE_TYPES && op < CACHE_OPS && (cache_ops_valid[type] & OPBIT(op));
}

/* Longest spelling in `names` that prefixes s[0..len) and ends at len or at
 * a '-'; returns its length (0 if none) and the row in *row. */
static size_t match_part(const char *s, size_t len, const char *const *names, size_t rows,
			 size_t cols, unsigned *row)
{
	size_t best = 0;

	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < cols && names[r * cols + c]; c++) {
			const char *n = names[r * cols + c];
			size_t nl = strlen(n);

			if (nl > len || nl <= best || strncasecmp(s, n, nl) != 0)
				continue;
			if (nl < len && s[nl] != '-')
				continue;
			best = nl;
			*row = (unsigned)r;
		}
	}
	return best;
}

int events_parse_cache(const char *name, size_t len, uint64_t *config, struct kerr *err)
{
	unsigned type = 0, op = 0, result = 0, row = 0;
	bool have_op = false, have_result = false;
	size_t pos, n;

	n = match_part(name, len, &events_cache_type_names[0][0], CACHE_TYPES, 6, &type);
	if (!n)
		return 0;
	pos = n;
	/* Up to two more parts: an op and/or a result, in either order. */
	while (pos < len) {
		const char *s = name + pos + 1; /* skip '-' */
		size_t rest = len - pos - 1;

		if (!have_op &&
		    (n = match_part(s, rest, &events_cache_op_names[0][0], CACHE_OPS, 5, &row))) {
			op = row;
			have_op = true;
		} else if (!have_result &&
			   (n = match_part(s, rest, &events_cache_result_names[0][0],
					   CACHE_RESULTS, 5, &row))) {
			result = row;
			have_result = true;
		} else {
			return 0;
		}
		pos += 1 + n;
	}
	if (!events_cache_op_valid(type, op))
		return kerr_set(err, -EINVAL, "the %s cache cannot count %s operations",
				events_cache_type_names[type][0], events_cache_op_names[op][0]);
	*config = type | (op << 8) | ((uint64_t)result << 16);
	return 1;
}

void events_cache_name(uint64_t config, struct kbuf *out)
{
	unsigned type = config & 0xff, op = (config >> 8) & 0xff, result = (config >> 16) & 0xff;

	if (type >= CACHE_TYPES || op >= CACHE_OPS || result >= CACHE_RESULTS) {
		kbuf_addf(out, "cache-%#llx", (unsigned long long)config);
		return;
	}
	/* perf's spelling: "-loads" for accesses, "-load-misses" for misses. */
	if (result)
		kbuf_addf(out, "%s-%s-%s", events_cache_type_names[type][0],
			  events_cache_op_names[op][0], events_cache_result_names[result][0]);
	else
		kbuf_addf(out, "%s-%s", events_cache_type_names[type][0],
			  events_cache_op_names[op][1]);
}
