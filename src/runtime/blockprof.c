/* The block profile's data: every wait the hooks of block.c timed, in
 * stack buckets (count, nanoseconds), and the profile built from them with
 * Go's block profile types. Apart from the hooks because under
 * ThreadSanitizer the hooks are not instrumented, and the bucket table's
 * lock must be seen by TSan to order the threads that update it. */
#include "kiln.h"
#include "rt.h"

/* Bit 0: started for good; above it, two per ?seconds=N request running. */
_Atomic int rt_block_on;
static struct rt_buckets block_b; /* v[0] waits, v[1] delay ns */

/* Called from the hooks, so the stack is [this, hook, caller]. */
__attribute__((noinline)) void rt_block_record(uint64_t t0)
{
	uintptr_t pcs[RT_MAX_FRAMES];
	int64_t ns = (int64_t)(rt_now_ns(CLOCK_MONOTONIC) - t0);
	int n = rt_stack_unwind(pcs, RT_MAX_FRAMES, 2);
	size_t bi;

	rt_enter();
	rt_lock_acquire(&block_b.lock);
	bi = rt_bucket_get(&block_b, pcs, n, 0);
	if (bi != SIZE_MAX) {
		block_b.b[bi].v[0]++;
		block_b.b[bi].v[1] += ns;
	}
	rt_lock_release(&block_b.lock);
	rt_leave();
}

int rt_block_begin(bool implicit)
{
	if (!atomic_load(&rt_resolved))
		rt_resolve();
	if (!rt_real.nanosleep || !rt_block_hooked())
		return rt_fail(KILN_ENOHOOKS, "nanosleep is not libkiln's: preload it "
			       "(LD_PRELOAD) or link it ahead of the C library");
	if (implicit)
		atomic_fetch_add(&rt_block_on, 2);
	else
		atomic_fetch_or(&rt_block_on, 1);
	return 0;
}

void rt_block_end_implicit(void)
{
	atomic_fetch_sub(&rt_block_on, 2);
}

bool rt_block_running(void)
{
	return (atomic_load(&rt_block_on) & 1) != 0;
}

int rt_block_snapshot(struct rt_buckets *out)
{
	return rt_buckets_copy(&block_b, out);
}

int rt_block_profile(const struct rt_buckets *base, struct profile **out, struct kerr *err)
{
	return rt_buckets_delay_profile(&block_b, base, "blocking", out, err);
}

void rt_block_fork_prepare(void)
{
	rt_lock_acquire(&block_b.lock);
}

void rt_block_fork_parent(void)
{
	rt_lock_release(&block_b.lock);
}

void rt_block_fork_child(void)
{
	atomic_store(&block_b.lock.v, 0);
	atomic_store(&rt_block_on, atomic_load(&rt_block_on) & 1); /* requests were the parent's */
}
