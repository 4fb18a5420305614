/* The CPU profiler's parts (cpu.c, cpu-perf.c, cpu-signal.c, sighook.c):
 * cpu.c owns the state, the sample table and the profile; it starts one
 * of two samplers, which both count stacks into that table:
 *   - cpu-perf.c: perf_event_open on the process itself, rings drained by
 *     libkiln's own thread; no signal reaches the program;
 *   - cpu-signal.c: the fallback, SIGPROF from per-thread CPU timers.
 * Not part of rt.h: only these files use it. */
#ifndef KILN_RUNTIME_CPU_H
#define KILN_RUNTIME_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 0 off, 1 on; 2 starting and 3 stopping (cpu.c). */
extern _Atomic int rt_cpu_state RT_HIDDEN;

/* Counts one stack `weight` times in the table, pcs[0] an exact PC.
 * Lock-free and async-signal-safe; only while rt_cpu_state is 1. */
void rt_cpu_record(const uintptr_t *pcs, int n, uint64_t weight) RT_HIDDEN;
/* Samples that could not be kept (table full, ring overflow). */
void rt_cpu_add_lost(uint64_t n) RT_HIDDEN;
/* Sampling stopped before rt_cpu_end, for `why` (a static string): the
 * profile says when and why. Callable from hooks (no allocation). */
void rt_cpu_stopped_early(const char *why) RT_HIDDEN;

/* ---- perf_event sampler (cpu-perf.c) ---- */
/* Starts sampling every thread at `hz` per second of CPU time. Returns 0,
 * or -errno with the reason in `why` (a static or `why_buf` string) when
 * perf_event_open cannot be used: the caller falls back to signals. */
int rt_cpu_perf_begin(int hz, const char **why, char *why_buf, size_t why_len) RT_HIDDEN;
/* Stops, drains the rings into the table and releases everything. */
void rt_cpu_perf_end(void) RT_HIDDEN;
/* What the sampler measured, for the profile's comments (static). */
const char *rt_cpu_perf_what(void) RT_HIDDEN;
void rt_cpu_perf_fork_child(void) RT_HIDDEN;

/* ---- signal sampler (cpu-signal.c) ---- */
int rt_cpu_sig_begin(int hz, struct kerr *err) RT_HIDDEN;
void rt_cpu_sig_end(void) RT_HIDDEN;
void rt_cpu_sig_thread_start(void) RT_HIDDEN;
void rt_cpu_sig_thread_exit(void) RT_HIDDEN;
void rt_cpu_sig_fork_child(void) RT_HIDDEN;
/* Threads seen blocking SIGPROF at the end (a fallback profile lacks
 * their CPU time); -1 when unknown. Writer context. */
int rt_cpu_sig_blocked_threads(void) RT_HIDDEN;
/* The program sets a disposition for SIGPROF (sighook.c, before the real
 * call): stops signal sampling, waits out handlers in flight and the
 * timer signals still pending, so the program's disposition never sees
 * one of ours. Hook context; may run inside the program's own handlers. */
void rt_cpu_sig_host_takes_sigprof(void) RT_HIDDEN;

#endif
