/* Table-driven tests of the event parser against the fake sysfs and tracefs
 * trees in this folder: every valid string is checked attr field by field,
 * every invalid one for its error code and the column it points at. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "events/events.h"
#include "events/internal.h"

#ifndef FAKE_ROOT
#error FAKE_ROOT must name tests/events
#endif
#define SYSFS FAKE_ROOT "/fake-sysfs"
#define TRACEFS FAKE_ROOT "/fake-tracefs"

/* Expected fields; zero-initialised means 0. `guest` is set when
 * exclude_guest must be 0 (it defaults to 1, as in perf). */
struct want {
	const char *name;
	uint32_t type;
	uint64_t config, config1, config2, period;
	unsigned eu, ek, eh, guest, eH, eI, precise, pinned, excl, freq;
	int leader;
	bool sread;
	const char *pmu, *unit;
	double scale;
	enum kevent_tool tool;
	unsigned bp_type;
	uint64_t bp_addr, bp_len;
};

struct valid_case {
	const char *spec;
	unsigned flags;
	size_t n;
	struct want w[4];
};

#define HW PERF_TYPE_HARDWARE
#define SW PERF_TYPE_SOFTWARE
#define HC PERF_TYPE_HW_CACHE
#define TP PERF_TYPE_TRACEPOINT
#define ONE(spec_, ...) { spec_, 0, 1, { { __VA_ARGS__ } } }

static const struct valid_case valid[] = {
	/* hardware symbols and aliases */
	ONE("cycles", .name = "cycles", .type = HW, .config = 0),
	ONE("cpu-cycles", .name = "cpu-cycles", .type = HW, .config = 0),
	ONE("instructions", .name = "instructions", .type = HW, .config = 1),
	ONE("cache-references", .name = "cache-references", .type = HW, .config = 2),
	ONE("cache-misses", .name = "cache-misses", .type = HW, .config = 3),
	ONE("branches", .name = "branches", .type = HW, .config = 4),
	ONE("branch-instructions", .name = "branch-instructions", .type = HW, .config = 4),
	ONE("branch-misses", .name = "branch-misses", .type = HW, .config = 5),
	ONE("bus-cycles", .name = "bus-cycles", .type = HW, .config = 6),
	ONE("stalled-cycles-frontend", .name = "stalled-cycles-frontend", .type = HW, .config = 7),
	ONE("idle-cycles-frontend", .name = "idle-cycles-frontend", .type = HW, .config = 7),
	ONE("stalled-cycles-backend", .name = "stalled-cycles-backend", .type = HW, .config = 8),
	ONE("idle-cycles-backend", .name = "idle-cycles-backend", .type = HW, .config = 8),
	ONE("ref-cycles", .name = "ref-cycles", .type = HW, .config = 9),
	/* software symbols and aliases */
	ONE("cpu-clock", .name = "cpu-clock", .type = SW, .config = 0),
	ONE("task-clock", .name = "task-clock", .type = SW, .config = 1),
	ONE("page-faults", .name = "page-faults", .type = SW, .config = 2),
	ONE("faults", .name = "faults", .type = SW, .config = 2),
	ONE("context-switches", .name = "context-switches", .type = SW, .config = 3),
	ONE("cs", .name = "cs", .type = SW, .config = 3),
	ONE("cpu-migrations", .name = "cpu-migrations", .type = SW, .config = 4),
	ONE("migrations", .name = "migrations", .type = SW, .config = 4),
	ONE("minor-faults", .name = "minor-faults", .type = SW, .config = 5),
	ONE("major-faults", .name = "major-faults", .type = SW, .config = 6),
	ONE("alignment-faults", .name = "alignment-faults", .type = SW, .config = 7),
	ONE("emulation-faults", .name = "emulation-faults", .type = SW, .config = 8),
	ONE("dummy", .name = "dummy", .type = SW, .config = 9),
	ONE("bpf-output", .name = "bpf-output", .type = SW, .config = 10),
	ONE("cgroup-switches", .name = "cgroup-switches", .type = SW, .config = 11),
	/* hardware cache events: type | op << 8 | result << 16 */
	ONE("L1-dcache-load-misses", .name = "L1-dcache-load-misses", .type = HC, .config = 0x10000),
	ONE("L1-dcache-loads", .name = "L1-dcache-loads", .type = HC, .config = 0),
	ONE("L1-dcache", .name = "L1-dcache", .type = HC, .config = 0),
	ONE("LLC-loads", .name = "LLC-loads", .type = HC, .config = 2),
	ONE("LLC-misses", .name = "LLC-misses", .type = HC, .config = 0x10002),
	ONE("LLC-store-misses", .name = "LLC-store-misses", .type = HC, .config = 0x10102),
	ONE("dTLB-store-misses", .name = "dTLB-store-misses", .type = HC, .config = 0x10103),
	ONE("iTLB-load-misses", .name = "iTLB-load-misses", .type = HC, .config = 0x10004),
	ONE("branch-loads", .name = "branch-loads", .type = HC, .config = 5),
	ONE("node-prefetches", .name = "node-prefetches", .type = HC, .config = 0x206),
	ONE("L1-icache-prefetch-misses", .name = "L1-icache-prefetch-misses", .type = HC,
	    .config = 0x10201),
	ONE("l1d-read-miss", .name = "l1d-read-miss", .type = HC, .config = 0x10000),
	ONE("L1-data-speculative-read", .name = "L1-data-speculative-read", .type = HC,
	    .config = 0x200),
	ONE("Data-TLB-write-access", .name = "Data-TLB-write-access", .type = HC, .config = 0x103),
	/* raw */
	ONE("r1a8", .name = "r1a8", .type = PERF_TYPE_RAW, .config = 0x1a8),
	ONE("rC0:u", .name = "rC0:u", .type = PERF_TYPE_RAW, .config = 0xc0, .ek = 1, .eh = 1),
	/* PMU terms with sysfs formats */
	ONE("cpu/event=0x3c,umask=0x1/", .name = "cpu/event=0x3c,umask=0x1/", .type = 4,
	    .config = 0x13c, .pmu = "cpu"),
	ONE("cpu/event=0x3c,umask=1,cmask=2,inv,edge/", .name = "cpu/event=0x3c,umask=1,cmask=2,inv,edge/",
	    .type = 4, .config = 0x3c | 1 << 8 | 2 << 24 | 1 << 23 | 1 << 18, .pmu = "cpu"),
	ONE("cpu/split=0xff/", .name = "cpu/split=0xff/", .type = 4, .config = 0xf0000000full,
	    .pmu = "cpu"),
	ONE("cpu/wide=0xffffffffffffffff/", .name = "cpu/wide=0xffffffffffffffff/", .type = 4,
	    .config2 = ~0ull, .pmu = "cpu"),
	ONE("cpu/config=0x1234,config1=5,config2=6/", .name = "cpu/config=0x1234,config1=5,config2=6/",
	    .type = 4, .config = 0x1234, .config1 = 5, .config2 = 6, .pmu = "cpu"),
	ONE("cpu/event=0x3c,name=mycycles/", .name = "mycycles", .type = 4, .config = 0x3c,
	    .pmu = "cpu"),
	ONE("cpu/event=0x3c/u", .name = "cpu/event=0x3c/u", .type = 4, .config = 0x3c, .ek = 1,
	    .eh = 1, .pmu = "cpu"),
	ONE("cpu/event=0x3c/:kpp", .name = "cpu/event=0x3c/:kpp", .type = 4, .config = 0x3c,
	    .eu = 1, .eh = 1, .precise = 2, .pmu = "cpu"),
	/* PMU aliases from sysfs events/, user terms override them */
	ONE("cpu/mem-loads/", .name = "cpu/mem-loads/", .type = 4, .config = 0x1cd, .config1 = 3,
	    .pmu = "cpu"),
	ONE("cpu/mem-loads,ldlat=30/", .name = "cpu/mem-loads,ldlat=30/", .type = 4, .config = 0x1cd,
	    .config1 = 30, .pmu = "cpu"),
	ONE("cpu/mem-loads,umask=2/", .name = "cpu/mem-loads,umask=2/", .type = 4, .config = 0x2cd,
	    .config1 = 3, .pmu = "cpu"),
	ONE("cpu/needs-umask,umask=3/", .name = "cpu/needs-umask,umask=3/", .type = 4,
	    .config = 0x3d0, .pmu = "cpu"),
	ONE("cpu/CPU-CYCLES/", .name = "cpu/CPU-CYCLES/", .type = 4, .config = 0x3c, .pmu = "cpu"),
	ONE("msr/tsc/", .name = "msr/tsc/", .type = 10, .config = 0, .pmu = "msr"),
	ONE("msr/smi/", .name = "msr/smi/", .type = 10, .config = 4, .pmu = "msr"),
	ONE("tsc", .name = "tsc", .type = 10, .config = 0, .pmu = "msr"),
	ONE("energy-pkg", .name = "energy-pkg", .type = 9, .config = 2, .pmu = "power",
	    .unit = "Joules", .scale = 2.3283064365386962890625e-10),
	ONE("power/energy-pkg/", .name = "power/energy-pkg/", .type = 9, .config = 2,
	    .pmu = "power", .unit = "Joules", .scale = 2.3283064365386962890625e-10),
	{ "cas_count_read", 0, 2, {
		{ .name = "cas_count_read", .type = 20, .config = 0x304, .pmu = "uncore_imc_0",
		  .unit = "Bytes", .scale = 64 },
		{ .name = "cas_count_read", .type = 21, .config = 0x304, .pmu = "uncore_imc_1",
		  .unit = "Bytes", .scale = 64, .leader = 1 } } },
	/* built-in events with terms */
	ONE("cycles/period=1000/", .name = "cycles/period=1000/", .type = HW, .config = 0,
	    .period = 1000),
	ONE("cpu-clock/freq=99,name=tick/", .name = "tick", .type = SW, .config = 0, .period = 99,
	    .freq = 1),
	/* tracepoints; globs expand sorted */
	ONE("sched:sched_switch", .name = "sched:sched_switch", .type = TP, .config = 316,
	    .period = 1),
	ONE("sched:sched_switch:k", .name = "sched:sched_switch:k", .type = TP, .config = 316,
	    .period = 1, .eu = 1, .eh = 1),
	ONE("rcu:rcu_utilization", .name = "rcu:rcu_utilization", .type = TP, .config = 42,
	    .period = 1),
	{ "sched:*", 0, 3, {
		{ .name = "sched:sched_process_exec", .type = TP, .config = 320, .period = 1 },
		{ .name = "sched:sched_switch", .type = TP, .config = 316, .period = 1, .leader = 1 },
		{ .name = "sched:sched_wakeup", .type = TP, .config = 318, .period = 1, .leader = 2 } } },
	{ "syscalls:sys_*_write:u", 0, 2, {
		{ .name = "syscalls:sys_enter_write:u", .type = TP, .config = 701, .period = 1,
		  .ek = 1, .eh = 1 },
		{ .name = "syscalls:sys_exit_write:u", .type = TP, .config = 700, .period = 1,
		  .ek = 1, .eh = 1, .leader = 1 } } },
	/* modifiers, perf's semantics */
	ONE("cycles:u", .name = "cycles:u", .type = HW, .ek = 1, .eh = 1),
	ONE("cycles:k", .name = "cycles:k", .type = HW, .eu = 1, .eh = 1),
	ONE("cycles:h", .name = "cycles:h", .type = HW, .eu = 1, .ek = 1),
	ONE("cycles:uk", .name = "cycles:uk", .type = HW, .eh = 1),
	ONE("cycles:p", .name = "cycles:p", .type = HW, .precise = 1),
	ONE("cycles:ppp", .name = "cycles:ppp", .type = HW, .precise = 3),
	ONE("cycles:upp", .name = "cycles:upp", .type = HW, .ek = 1, .eh = 1, .precise = 2),
	ONE("cycles:G", .name = "cycles:G", .type = HW, .guest = 1, .eH = 1),
	ONE("cycles:H", .name = "cycles:H", .type = HW),
	ONE("cycles:GH", .name = "cycles:GH", .type = HW, .guest = 1),
	ONE("cycles:I", .name = "cycles:I", .type = HW, .eI = 1),
	ONE("cycles:S", .name = "cycles:S", .type = HW, .sread = true),
	ONE("cycles:D", .name = "cycles:D", .type = HW, .pinned = 1),
	ONE("cycles:e", .name = "cycles:e", .type = HW, .excl = 1),
	/* groups: leader index, group modifiers on every member, names unchanged */
	{ "{cycles,instructions}", 0, 2, {
		{ .name = "cycles", .type = HW, .config = 0 },
		{ .name = "instructions", .type = HW, .config = 1 } } },
	{ "{cycles,instructions}:u", 0, 2, {
		{ .name = "cycles", .type = HW, .ek = 1, .eh = 1 },
		{ .name = "instructions", .type = HW, .config = 1, .ek = 1, .eh = 1 } } },
	{ "{cycles:k,instructions}:u", 0, 2, {
		{ .name = "cycles:k", .type = HW, .eh = 1 },
		{ .name = "instructions", .type = HW, .config = 1, .ek = 1, .eh = 1 } } },
	{ "{task-clock,page-faults}:S", 0, 2, {
		{ .name = "task-clock", .type = SW, .config = 1, .sread = true },
		{ .name = "page-faults", .type = SW, .config = 2, .sread = true } } },
	{ "{cycles,instructions}:D", 0, 2, {
		{ .name = "cycles", .type = HW, .pinned = 1 },
		{ .name = "instructions", .type = HW, .config = 1 } } },
	{ "cs,{cycles,instructions},faults", 0, 4, {
		{ .name = "cs", .type = SW, .config = 3 },
		{ .name = "cycles", .type = HW, .leader = 1 },
		{ .name = "instructions", .type = HW, .config = 1, .leader = 1 },
		{ .name = "faults", .type = SW, .config = 2, .leader = 3 } } },
	{ "{sched:sched_switch,cs}", 0, 2, {
		{ .name = "sched:sched_switch", .type = TP, .config = 316, .period = 1 },
		{ .name = "cs", .type = SW, .config = 3 } } },
	{ " cycles , instructions ", 0, 2, {
		{ .name = "cycles", .type = HW },
		{ .name = "instructions", .type = HW, .config = 1, .leader = 1 } } },
	/* breakpoints */
	ONE("mem:0x1000/8:w", .name = "mem:0x1000/8:w", .type = PERF_TYPE_BREAKPOINT, .period = 1,
	    .bp_type = 2, .bp_addr = 0x1000, .bp_len = 8),
	ONE("mem:0x2000", .name = "mem:0x2000", .type = PERF_TYPE_BREAKPOINT, .period = 1,
	    .bp_type = 3, .bp_addr = 0x2000, .bp_len = 4),
	ONE("mem:0x3000:x:u", .name = "mem:0x3000:x:u", .type = PERF_TYPE_BREAKPOINT, .period = 1,
	    .bp_type = 4, .bp_addr = 0x3000, .bp_len = sizeof(long), .ek = 1, .eh = 1),
	/* tool events, when the caller allows them */
	{ "duration_time,user_time", EVENTS_ALLOW_TOOL, 2, {
		{ .name = "duration_time", .type = SW, .config = 9, .tool = KEVENT_TOOL_DURATION },
		{ .name = "user_time", .type = SW, .config = 9, .tool = KEVENT_TOOL_USER,
		  .leader = 1 } } },
};

struct invalid_case {
	const char *spec;
	int code;
	int pos;       /* expected err_pos, -1 when the error has no position */
	const char *msg_has;
};

static const struct invalid_case invalid[] = {
	{ "", -EINVAL, 0, "no event" },
	{ "cycles:x", -EINVAL, 7, "unknown modifier 'x'" },
	{ "cycles:ukx", -EINVAL, 9, "unknown modifier 'x'" },
	{ "cycles:pppp", -EINVAL, 7, "ppp" },
	{ "cycles:", -EINVAL, 7, "modifiers" },
	{ "nosuchevent", -ENOENT, 0, "unknown event 'nosuchevent'" },
	{ "cycles,,instructions", -EINVAL, 7, "expected an event name" },
	{ "cycles,", -EINVAL, 7, "after ','" },
	{ "cycles instructions", -EINVAL, 7, "expected ','" },
	{ "{cycles,instructions", -EINVAL, 0, "missing '}'" },
	{ "{}", -EINVAL, 1, "empty group" },
	{ "{cycles,{instructions}}", -EINVAL, 8, "nested" },
	{ "cpu/event=0x3c", -EINVAL, 14, "closing '/'" },
	{ "cpu/event=0x1ff/", -ERANGE, 10, "does not fit in 'event' (8 bits)" },
	{ "cpu/split=0x100/", -ERANGE, 10, "(8 bits)" },
	{ "cpu/bogus=1/", -EINVAL, 4, "unknown term 'bogus'" },
	{ "cpu/event=zz/", -EINVAL, 10, "not a number" },
	{ "cpu/event=1/x", -EINVAL, 12, "unknown modifier 'x'" },
	{ "cpu/needs-umask/", -EINVAL, 15, "needs a value for 'umask'" },
	{ "needs-umask", -EINVAL, 0, "needs a value for 'umask'" },
	{ "nopmu/event=1/", -ENOENT, 0, "unknown PMU 'nopmu'" },
	{ "broken/event=1/", -EINVAL, 0, "bogus:0-3" },
	{ "sched:nope", -ENOENT, 0, "unknown tracepoint 'sched:nope'" },
	{ "nosys:nope", -ENOENT, 0, "unknown tracepoint" },
	{ "nosys:*", -ENOENT, 0, "no tracepoint matches" },
	{ "L1-icache-stores", -EINVAL, 0, "cannot count store" },
	{ "iTLB-prefetches", -EINVAL, 0, "cannot count prefetch" },
	{ "duration_time", -EINVAL, 0, "kiln stat" },
	{ "mem:", -EINVAL, 4, "address" },
	{ "mem:0x10/3", -EINVAL, 9, "length" },
	{ "mem:0x10:rx", -EINVAL, 0, "execute" },
};

static bool feq(double a, double b)
{
	return fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b));
}

static void check_event(const char *spec, size_t i, const struct kevent *ev, const struct want *w)
{
	const struct perf_event_attr *a = &ev->attr;
	double scale = w->scale ? w->scale : 1.0;
	int bad = check_failures;

	CHECK_STR(ev->name, w->name);
	CHECK_EQ(a->size, sizeof(*a));
	CHECK_EQ(a->type, w->type);
	CHECK_EQ(a->config, w->config);
	if (a->type != PERF_TYPE_BREAKPOINT) { /* bp_addr/bp_len share these words */
		CHECK_EQ(a->config1, w->config1);
		CHECK_EQ(a->config2, w->config2);
	}
	CHECK_EQ(a->sample_period, w->period);
	CHECK_EQ(a->freq, w->freq);
	CHECK_EQ(a->exclude_user, w->eu);
	CHECK_EQ(a->exclude_kernel, w->ek);
	CHECK_EQ(a->exclude_hv, w->eh);
	CHECK_EQ(a->exclude_guest, !w->guest);
	CHECK_EQ(a->exclude_host, w->eH);
	CHECK_EQ(a->exclude_idle, w->eI);
	CHECK_EQ(a->precise_ip, w->precise);
	CHECK_EQ(a->pinned, w->pinned);
	CHECK_EQ(a->exclusive, w->excl);
	CHECK_EQ(a->disabled, 0);
	CHECK_EQ(a->inherit, 0);
	CHECK_EQ(ev->leader, w->leader);
	CHECK_EQ(ev->sample_read, w->sread);
	CHECK_EQ(ev->tool, w->tool);
	if (w->pmu)
		CHECK_STR(ev->pmu, w->pmu);
	else
		CHECK(ev->pmu == NULL);
	if (w->unit)
		CHECK_STR(ev->unit, w->unit);
	else
		CHECK(ev->unit == NULL);
	CHECK(feq(ev->scale, scale));
	if (a->type == PERF_TYPE_BREAKPOINT) {
		CHECK_EQ(a->bp_type, w->bp_type);
		CHECK_EQ(a->bp_addr, w->bp_addr);
		CHECK_EQ(a->bp_len, w->bp_len);
	}
	if (check_failures != bad)
		fprintf(stderr, "  ... in event %zu of '%s'\n", i, spec);
}

static void test_valid(void)
{
	for (size_t c = 0; c < sizeof(valid) / sizeof(valid[0]); c++) {
		const struct valid_case *vc = &valid[c];
		struct events_env env = { SYSFS, TRACEFS, vc->flags, -1 };
		struct event_list l = EVENT_LIST_INIT;
		struct kerr err = KERR_INIT;
		int ret = events_parse_env(vc->spec, &env, &l, &err);

		if (ret != 0) {
			check_failures++;
			fprintf(stderr, "'%s' failed: %s\n", vc->spec, err.msg);
			continue;
		}
		CHECK_EQ(env.err_pos, -1);
		CHECK_EQ(l.n, vc->n);
		if (l.n != vc->n)
			fprintf(stderr, "  ... for '%s'\n", vc->spec);
		for (size_t i = 0; i < l.n && i < vc->n; i++)
			check_event(vc->spec, i, &l.v[i], &vc->w[i]);
		event_list_release(&l);
	}
}

static void test_invalid(void)
{
	for (size_t c = 0; c < sizeof(invalid) / sizeof(invalid[0]); c++) {
		const struct invalid_case *ic = &invalid[c];
		struct events_env env = { SYSFS, TRACEFS, 0, -1 };
		struct event_list l = EVENT_LIST_INIT;
		struct kerr err = KERR_INIT;
		int ret, bad = check_failures;

		/* A list that already holds an event must come back unchanged. */
		CHECK_EQ(events_parse_env("cs", &env, &l, &err), 0);
		ret = events_parse_env(ic->spec, &env, &l, &err);
		CHECK_EQ(ret, ic->code);
		CHECK_EQ(env.err_pos, ic->pos);
		CHECK(strstr(err.msg, ic->msg_has) != NULL);
		CHECK_EQ(l.n, 1);
		CHECK_STR(l.v[0].name, "cs");
		if (check_failures != bad)
			fprintf(stderr, "  ... for invalid '%s': %s\n", ic->spec, err.msg);
		event_list_release(&l);
	}
}

static void test_caret_and_message(void)
{
	struct events_env env = { SYSFS, TRACEFS, 0, -1 };
	struct event_list l = EVENT_LIST_INIT;
	struct kerr err = KERR_INIT;
	struct kbuf b = KBUF_INIT;

	CHECK_EQ(events_parse_env("cycles,cs:q", &env, &l, &err), -EINVAL);
	CHECK_STR(err.msg, "bad event 'cycles,cs:q' at column 11: unknown modifier 'q' "
		  "(known: u k h I G H p pp ppp S D e)");
	events_caret("cycles,cs:q", env.err_pos, &b);
	CHECK_STR(b.buf, "  cycles,cs:q\n            ^\n");
	kbuf_release(&b);
	event_list_release(&l);
}

static void test_formats(void)
{
	struct pmu_format f;
	struct perf_event_attr a = { 0 };

	CHECK_EQ(pmu_parse_format("config1:0-3,8", &f), 0);
	CHECK_EQ(f.word, 1);
	CHECK_EQ(f.mask, 0x10f);
	CHECK_EQ(pmu_format_bits(&f), 5);
	CHECK_EQ(pmu_format_apply(&f, 0x1f, &a), 0);
	CHECK_EQ(a.config1, 0x10f);
	CHECK_EQ(pmu_format_apply(&f, 0x2, &a), 0); /* overriding clears first */
	CHECK_EQ(a.config1, 0x2);
	CHECK_EQ(pmu_format_apply(&f, 0x20, &a), -ERANGE);
	CHECK_EQ(pmu_parse_format("config:63", &f), 0);
	CHECK_EQ(f.mask, 1ull << 63);
	CHECK_EQ(pmu_parse_format("config2:0-63\n", &f), 0);
	CHECK_EQ(f.mask, ~0ull);
	CHECK_EQ(pmu_parse_format("config:7-3", &f), -EINVAL);
	CHECK_EQ(pmu_parse_format("config:64", &f), -EINVAL);
	CHECK_EQ(pmu_parse_format("cfg:0-3", &f), -EINVAL);
	CHECK_EQ(pmu_parse_format("config:", &f), -EINVAL);
}

static void test_cache_names(void)
{
	struct kbuf b = KBUF_INIT;

	events_cache_name(0x10000, &b);
	CHECK_STR(b.buf, "L1-dcache-load-misses");
	kbuf_reset(&b);
	events_cache_name(0x2, &b);
	CHECK_STR(b.buf, "LLC-loads");
	kbuf_reset(&b);
	events_cache_name(0x206, &b);
	CHECK_STR(b.buf, "node-prefetches");
	kbuf_release(&b);
}

int main(void)
{
	test_valid();
	test_invalid();
	test_caret_and_message();
	test_formats();
	test_cache_names();
	return CHECK_DONE();
}
