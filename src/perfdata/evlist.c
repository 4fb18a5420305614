/* perf evlist's text for a perf.data: names, or with -v every non-zero
 * attr field in perf_event_attr__fprintf's order and spelling, or with
 * -F the sample frequency or period. */
#include <inttypes.h>
#include <string.h>

#include "../base/buf.h"
#include "internal.h"

struct flag {
	uint64_t bit;
	const char *name;
};

/* In perf's order (__p_sample_type), which is not the bits' order. */
static const struct flag sample_flags[] = {
	{ PERF_SAMPLE_IP, "IP" }, { PERF_SAMPLE_TID, "TID" }, { PERF_SAMPLE_TIME, "TIME" },
	{ PERF_SAMPLE_ADDR, "ADDR" }, { PERF_SAMPLE_READ, "READ" },
	{ PERF_SAMPLE_CALLCHAIN, "CALLCHAIN" }, { PERF_SAMPLE_ID, "ID" },
	{ PERF_SAMPLE_CPU, "CPU" }, { PERF_SAMPLE_PERIOD, "PERIOD" },
	{ PERF_SAMPLE_STREAM_ID, "STREAM_ID" }, { PERF_SAMPLE_RAW, "RAW" },
	{ PERF_SAMPLE_BRANCH_STACK, "BRANCH_STACK" }, { PERF_SAMPLE_REGS_USER, "REGS_USER" },
	{ PERF_SAMPLE_STACK_USER, "STACK_USER" }, { PERF_SAMPLE_IDENTIFIER, "IDENTIFIER" },
	{ PERF_SAMPLE_REGS_INTR, "REGS_INTR" }, { PERF_SAMPLE_DATA_SRC, "DATA_SRC" },
	{ PERF_SAMPLE_WEIGHT, "WEIGHT" }, { PERF_SAMPLE_PHYS_ADDR, "PHYS_ADDR" },
	{ PERF_SAMPLE_AUX, "AUX" }, { PERF_SAMPLE_CGROUP, "CGROUP" },
	{ PERF_SAMPLE_DATA_PAGE_SIZE, "DATA_PAGE_SIZE" },
	{ PERF_SAMPLE_CODE_PAGE_SIZE, "CODE_PAGE_SIZE" },
	{ PERF_SAMPLE_WEIGHT_STRUCT, "WEIGHT_STRUCT" },
	{ PERF_SAMPLE_TRANSACTION, "TRANSACTION" }, { 0, NULL },
};

static const struct flag read_flags[] = {
	{ PERF_FORMAT_TOTAL_TIME_ENABLED, "TOTAL_TIME_ENABLED" },
	{ PERF_FORMAT_TOTAL_TIME_RUNNING, "TOTAL_TIME_RUNNING" }, { PERF_FORMAT_ID, "ID" },
	{ PERF_FORMAT_GROUP, "GROUP" }, { PERF_FORMAT_LOST, "LOST" }, { 0, NULL },
};

static void flags(struct kbuf *b, const char *key, uint64_t v, const struct flag *f)
{
	const char *sep = "";

	if (!v)
		return;
	kbuf_addf(b, ", %s: ", key);
	for (; f->name; f++)
		if (v & f->bit) {
			kbuf_addf(b, "%s%s", sep, f->name);
			sep = "|";
			v &= ~f->bit;
		}
	if (v)
		kbuf_addf(b, "%s%#" PRIx64, sep, v);
}

static void num(struct kbuf *b, const char *key, uint64_t v)
{
	if (v)
		kbuf_addf(b, ", %s: %" PRIu64, key, v);
}

static void hex(struct kbuf *b, const char *key, uint64_t v)
{
	if (v)
		kbuf_addf(b, ", %s: %#" PRIx64, key, v);
}

static void attr_fields(struct kbuf *b, const struct perf_event_attr *a)
{
	kbuf_addf(b, "type: %u, size: %u", a->type, a->size);
	hex(b, "config", a->config);
	num(b, "{ sample_period, sample_freq }", a->sample_period);
	flags(b, "sample_type", a->sample_type, sample_flags);
	flags(b, "read_format", a->read_format, read_flags);
#define BIT(f) num(b, #f, a->f)
	BIT(disabled); BIT(inherit); BIT(pinned); BIT(exclusive); BIT(exclude_user);
	BIT(exclude_kernel); BIT(exclude_hv); BIT(exclude_idle); BIT(mmap); BIT(comm);
	BIT(freq); BIT(inherit_stat); BIT(enable_on_exec); BIT(task); BIT(watermark);
	BIT(precise_ip); BIT(mmap_data); BIT(sample_id_all); BIT(exclude_host);
	BIT(exclude_guest); BIT(exclude_callchain_kernel); BIT(exclude_callchain_user);
	BIT(mmap2); BIT(comm_exec); BIT(use_clockid); BIT(context_switch);
	BIT(write_backward); BIT(namespaces); BIT(ksymbol); BIT(bpf_event); BIT(aux_output);
	BIT(cgroup); BIT(text_poke); BIT(build_id); BIT(inherit_thread); BIT(remove_on_exec);
	BIT(sigtrap);
#undef BIT
	num(b, "{ wakeup_events, wakeup_watermark }", a->wakeup_events);
	hex(b, "bp_type", a->bp_type);
	hex(b, "{ bp_addr, config1 }", a->bp_addr);
	hex(b, "{ bp_len, config2 }", a->bp_len);
	hex(b, "branch_sample_type", a->branch_sample_type);
	hex(b, "sample_regs_user", a->sample_regs_user);
	num(b, "sample_stack_user", a->sample_stack_user);
	num(b, "clockid", (uint64_t)a->clockid);
	hex(b, "sample_regs_intr", a->sample_regs_intr);
	num(b, "aux_watermark", a->aux_watermark);
	num(b, "sample_max_stack", a->sample_max_stack);
	num(b, "aux_sample_size", a->aux_sample_size);
	num(b, "sig_data", a->sig_data);
}

/* The group event i leads or belongs to, or NULL. */
static const struct perfdata_group *group_of(const struct perfdata *pd, size_t i)
{
	for (size_t k = 0; k < pd->groups.n; k++) {
		const struct perfdata_group *g = &pd->groups.v[k];
		if (i >= g->leader && i - g->leader < g->n_members)
			return g;
	}
	return NULL;
}

void perfdata_evlist(const struct perfdata *pd, bool verbose, bool freq, bool group,
		     struct kbuf *text)
{
	for (size_t i = 0; i < pd->events.n; i++) {
		const struct perfdata_event *e = &pd->events.v[i];
		const struct perfdata_group *g = group ? group_of(pd, i) : NULL;
		/* perf shows the attr's own size, which pd_add_event overwrote. */
		struct perf_event_attr a = e->attr;

		if (g && g->n_members > 1) {
			/* The leader's line names the whole group. */
			if (i != g->leader)
				continue;
			kbuf_addf(text, "%s{%s", g->name ? g->name : "", e->name);
			for (uint32_t m = 1; m < g->n_members; m++)
				kbuf_addf(text, ",%s", pd->events.v[i + m].name);
			kbuf_addstr(text, "}\n");
			continue;
		}
		kbuf_addstr(text, e->name);
		if (verbose) {
			a.size = e->file_attr_size;
			kbuf_addstr(text, ": ");
			attr_fields(text, &a);
		} else if (freq) {
			kbuf_addf(text, ": sample_%s=%" PRIu64, a.freq ? "freq" : "period",
				  (uint64_t)a.sample_period);
		}
		kbuf_addch(text, '\n');
	}
}
