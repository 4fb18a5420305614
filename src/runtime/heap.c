/* The heap profiler's data: sampling decisions, the buckets of sampled
 * allocations (Go's memory-profile records: allocated and freed objects and
 * bytes per (stack, size)), the table of sampled blocks still live (address
 * → bucket) so their frees are accounted, and building the profile.
 *
 * Sampling is Go's and tcmalloc's: each thread draws exponentially
 * distributed byte intervals of mean `rate`; the allocation that crosses the
 * end of an interval is sampled, so a block of S bytes is sampled with
 * probability 1 - exp(-S/rate), independently of the others, and the writer
 * scales counts back with Go's scaleHeapSample. Workload: one slow path per
 * ~rate bytes; frees consult a counting filter keyed by address hash (one
 * relaxed load) and take the lock only when the block may be sampled. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "../base/buf.h"
#include "../base/num.h"
#include "kiln.h"
#include "rt.h"

_Atomic int rt_heap_on;
static rt_lock begin_lock;
static long heap_rate; /* set under begin_lock before rt_heap_on, then fixed */
static _Atomic uint32_t heap_epoch;
static _Atomic uint64_t heap_allocated; /* bytes passed, updated per sample */
static struct rt_buckets heap_b; /* v: alloc objs, alloc bytes, free objs, free bytes */

/* Live sampled blocks: linear probing with backward-shift deletion,
 * guarded by heap_b.lock. Not base/oatab.h, the table profile and report
 * share: this runs inside malloc and free, so it must allocate through
 * rt_real (never the hooked malloc), report failure instead of aborting as
 * xcalloc does, and delete entries, which the base table never does. */
struct live {
	uintptr_t addr; /* 0 = empty */
	uint32_t bucket;
};
static struct live *live;
static size_t live_n, live_cap;

_Atomic uint32_t rt_heap_filter[1u << RT_FILTER_BITS];
#define addr_hash rt_addr_hash

static inline _Atomic uint32_t *filter_cell(const void *p)
{
	return &rt_heap_filter[addr_hash((uintptr_t)p) & ((1u << RT_FILTER_BITS) - 1)];
}

uint64_t rt_random(void)
{
	uint64_t x = rt_tls.rng;

	if (RT_UNLIKELY(!x)) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		x = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)&rt_tls ^
		    ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)rt_gettid() << 17;
		if (!x)
			x = 1;
	}
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rt_tls.rng = x;
	return x;
}

/* ln(u) for u in (0, 1] without libm, which libkiln.so loads only when
 * writing (lazy.c), never from a hook: u = m 2^e with m in [sqrt(1/2),
 * sqrt(2)), ln u = e ln 2 + 2 atanh(s) with s = (m - 1) / (m + 1), |s| <
 * 0.172, whose odd series to s^23 is exact to double precision. */
static double ln_unit(double u)
{
	uint64_t bits;
	double m, s, s2, t, sum = 0;
	int e;

	memcpy(&bits, &u, sizeof(bits));
	e = (int)((bits >> 52) & 0x7ff) - 1023;
	bits = (bits & ((1ULL << 52) - 1)) | (1023ULL << 52); /* m in [1, 2) */
	memcpy(&m, &bits, sizeof(m));
	if (m > 1.4142135623730951) {
		m *= 0.5;
		e++;
	}
	s = (m - 1) / (m + 1);
	s2 = s * s;
	t = s;
	for (int k = 1; k <= 23; k += 2) {
		sum += t / k;
		t *= s2;
	}
	return e * 0.6931471805599453 + 2 * sum;
}

/* Next interval: exponential with mean heap_rate (Go's nextSample). */
static int64_t next_interval(void)
{
	double u;

	if (heap_rate <= 1)
		return 0;
	u = (double)((rt_random() >> 11) + 1) * (1.0 / 9007199254740992.0); /* (0, 1] */
	return f64_to_i64(-ln_unit(u) * (double)heap_rate);
}

static bool live_grow(void)
{
	size_t cap = live_cap ? live_cap * 2 : 4096;
	struct live *t = rt_real.calloc(cap, sizeof(*t));

	if (!t)
		return false;
	for (size_t i = 0; i < live_cap; i++) {
		if (!live[i].addr)
			continue;
		size_t j = addr_hash(live[i].addr) & (cap - 1);
		while (t[j].addr)
			j = (j + 1) & (cap - 1);
		t[j] = live[i];
	}
	rt_real.free(live);
	live = t;
	live_cap = cap;
	return true;
}

static void live_put(uintptr_t a, uint32_t bucket)
{
	size_t j;

	if ((live_n + 1) * 2 > live_cap && !live_grow())
		return;
	j = addr_hash(a) & (live_cap - 1);
	while (live[j].addr && live[j].addr != a)
		j = (j + 1) & (live_cap - 1);
	if (!live[j].addr)
		live_n++;
	live[j].addr = a;
	live[j].bucket = bucket;
	atomic_fetch_add_explicit(filter_cell((void *)a), 1, memory_order_relaxed);
}

/* Removes a, returning its bucket + 1, or 0 when absent. */
static uint32_t live_take(uintptr_t a)
{
	size_t mask = live_cap - 1, i, j, k;
	uint32_t bucket;

	if (!live_cap)
		return 0;
	i = addr_hash(a) & mask;
	while (live[i].addr != a) {
		if (!live[i].addr)
			return 0;
		i = (i + 1) & mask;
	}
	bucket = live[i].bucket;
	/* backward-shift deletion keeps probe chains intact */
	j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (!live[j].addr)
			break;
		k = addr_hash(live[j].addr) & mask;
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			live[i] = live[j];
			i = j;
		}
	}
	live[i].addr = 0;
	live_n--;
	atomic_fetch_sub_explicit(filter_cell((void *)a), 1, memory_order_relaxed);
	return bucket + 1;
}

__attribute__((noinline)) void rt_heap_sample(void *p, size_t n)
{
	uintptr_t pcs[RT_MAX_FRAMES];
	uint32_t epoch;
	int64_t passed;
	size_t bi;
	int np;

	/* The hook's test of rt_heap_on is relaxed; this one orders the reads
	 * of what rt_heap_begin set before turning it on (the rate), which a
	 * thread already allocating then has no other reason to see. */
	if (!atomic_load_explicit(&rt_heap_on, memory_order_acquire))
		return;
	epoch = atomic_load_explicit(&heap_epoch, memory_order_relaxed);
	if (rt_tls.heap_epoch != epoch) {
		/* First allocation of this thread under this profiler: start
		 * an interval now, without bias to this allocation. */
		rt_tls.heap_epoch = epoch;
		rt_tls.heap_drawn = next_interval();
		rt_tls.heap_until = rt_tls.heap_drawn - (int64_t)n;
		if (rt_tls.heap_until >= 0)
			return;
	}
	passed = rt_tls.heap_drawn - rt_tls.heap_until;
	rt_tls.heap_drawn = rt_tls.heap_until = next_interval();

	np = rt_stack_unwind(pcs, RT_MAX_FRAMES, 2); /* this, the hook */
	rt_enter();
	rt_lock_acquire(&heap_b.lock);
	bi = rt_bucket_get(&heap_b, pcs, np, n);
	if (bi != SIZE_MAX) {
		heap_b.b[bi].v[0]++;
		heap_b.b[bi].v[1] += (int64_t)n;
		live_put((uintptr_t)p, (uint32_t)bi);
	}
	rt_lock_release(&heap_b.lock);
	rt_env_heap_progress(atomic_fetch_add(&heap_allocated, (uint64_t)passed) +
			     (uint64_t)passed);
	rt_leave();
}

void rt_heap_forget(const void *p)
{
	uint32_t b;

	rt_lock_acquire(&heap_b.lock);
	b = live_take((uintptr_t)p);
	if (b) {
		heap_b.b[b - 1].v[2]++;
		heap_b.b[b - 1].v[3] += (int64_t)heap_b.b[b - 1].size;
	}
	rt_lock_release(&heap_b.lock);
}

uint64_t rt_heap_allocated(void)
{
	return atomic_load(&heap_allocated);
}

int rt_heap_begin(long rate, struct kerr *err)
{
	int rc = 0;

	if (rate < 0)
		return kerr_set(err, -EINVAL, "heap sampling rate %ld is negative", rate);
	if (rate == 0)
		rate = 512 * 1024;
	if (!atomic_load(&rt_resolved))
		rt_resolve();
	if (!atomic_load(&rt_resolved))
		return kerr_set(err, -ENOSYS, "cannot find the C library's malloc");
	if (!rt_heap_hooked())
		return kerr_set(err, KILN_ENOHOOKS, "malloc is not libkiln's: preload it "
				"(LD_PRELOAD) or link it ahead of the C library");
	/* Two threads starting at once agree on one rate. */
	rt_lock_acquire(&begin_lock);
	if (atomic_load(&rt_heap_on)) {
		if (rate != heap_rate)
			rc = kerr_set(err, -EBUSY, "heap profiling already runs at rate %ld",
				      heap_rate);
		goto unlock;
	}
	heap_rate = rate;
	atomic_fetch_add(&heap_epoch, 1);
	atomic_store(&rt_heap_on, 1);
unlock:
	rt_lock_release(&begin_lock);
	return rc;
}

bool rt_heap_running(void)
{
	return atomic_load(&rt_heap_on) != 0;
}

/* Go's scaleHeapSample (runtime/pprof/protomem.go): undo the sampling of
 * `count` blocks totalling `size` bytes. */
static void scale_heap_sample(int64_t count, int64_t size, long rate, int64_t *oc, int64_t *os)
{
	double avg, scale;

	if (count == 0 || size == 0) {
		*oc = *os = 0;
		return;
	}
	if (rate <= 1) {
		*oc = count;
		*os = size;
		return;
	}
	avg = (double)size / (double)count;
	scale = 1.0 / (1.0 - exp(-avg / (double)rate));
	*oc = f64_to_i64((double)count * scale);
	*os = f64_to_i64((double)size * scale);
}

int rt_heap_snapshot(struct rt_buckets *out)
{
	return rt_buckets_copy(&heap_b, out);
}

int rt_heap_profile(bool allocs, const struct rt_buckets *base, struct profile **out,
		    struct kerr *err)
{
	struct rt_buckets c;
	struct rt_builder b;
	struct rt_cleanup undo;
	int rc;

	*out = NULL;
	if (!rt_heap_running())
		return kerr_set(err, KILN_ENOTRUNNING, "heap profiling is not running");
	rc = rt_buckets_copy(&heap_b, &c);
	if (rc)
		return kerr_set(err, rc, "out of memory copying heap samples");
	rt_cleanup_push(&undo, rt_buckets_free_copy_cb, &c);
	if (base)
		rt_buckets_subtract(&c, base);
	rt_builder_init(&b);
	profile_add_sample_type(b.p, "alloc_objects", "count");
	profile_add_sample_type(b.p, "alloc_space", "bytes");
	profile_add_sample_type(b.p, "inuse_objects", "count");
	profile_add_sample_type(b.p, "inuse_space", "bytes");
	b.p->period_type.type = profile_str(b.p, "space");
	b.p->period_type.unit = profile_str(b.p, "bytes");
	rt_buckets_note_dropped(&c, b.p);
	b.p->period = heap_rate;
	if (allocs)
		b.p->default_sample_type = profile_str(b.p, "alloc_space");
	for (size_t i = 0; i < c.n; i++) {
		const struct rt_bucket *k = &c.b[i];
		int64_t v[4];
		struct pf_label lab = { .key = profile_str(b.p, "bytes"),
					.num = (int64_t)k->size };

		if (!k->v[0] && !k->v[2])
			continue; /* nothing allocated or freed (in the delta) */
		scale_heap_sample(k->v[0], k->v[1], heap_rate, &v[0], &v[1]);
		scale_heap_sample(k->v[0] - k->v[2], k->v[1] - k->v[3], heap_rate, &v[2], &v[3]);
		rt_builder_add(&b, c.pcs + k->pc_off, (int)k->n_pc, false, v, 4, &lab, 1);
	}
	rt_cleanup_pop(&undo);
	rt_buckets_free_copy(&c);
	*out = rt_builder_finish(&b);
	return 0;
}

int rt_heap_text(struct kbuf *out, struct kerr *err)
{
	struct rt_buckets c;
	struct rt_cleanup undo;
	int64_t t[4] = { 0 };
	int rc;

	if (!rt_heap_running())
		return kerr_set(err, KILN_ENOTRUNNING, "heap profiling is not running");
	rc = rt_buckets_copy(&heap_b, &c);
	if (rc)
		return kerr_set(err, rc, "out of memory copying heap samples");
	rt_cleanup_push(&undo, rt_buckets_free_copy_cb, &c);
	for (size_t i = 0; i < c.n; i++) {
		t[0] += c.b[i].v[0];
		t[1] += c.b[i].v[1];
		t[2] += c.b[i].v[0] - c.b[i].v[2];
		t[3] += c.b[i].v[1] - c.b[i].v[3];
	}
	/* Go's legacy text: inuse first, then [alloc]; the rate doubled as the
	 * old C++ heap profiler wrote it (pprof halves it back); alloc bytes
	 * bumped when equal to inuse so pprof keeps the four sample types. */
	kbuf_addf(out, "heap profile: %lld: %lld [%lld: %lld] @ heap/%ld\n",
		  (long long)t[2], (long long)t[3], (long long)t[0],
		  (long long)(t[1] == t[3] ? t[1] + 1 : t[1]), 2 * heap_rate);
	for (size_t i = 0; i < c.n; i++) {
		const struct rt_bucket *k = &c.b[i];
		const uintptr_t *pcs = c.pcs + k->pc_off;

		if (!k->v[0])
			continue;
		kbuf_addf(out, "%lld: %lld [%lld: %lld] @",
			  (long long)(k->v[0] - k->v[2]), (long long)(k->v[1] - k->v[3]),
			  (long long)k->v[0], (long long)k->v[1]);
		for (uint32_t j = 0; j < k->n_pc; j++)
			kbuf_addf(out, " %#lx", (unsigned long)pcs[j]);
		kbuf_addch(out, '\n');
		for (uint32_t j = 0; j < k->n_pc; j++) {
			kbuf_addf(out, "#\t%#lx\t", (unsigned long)pcs[j]);
			if (!rt_symbolize_name(pcs[j] - 1, out, true))
				kbuf_addstr(out, "?");
			kbuf_addch(out, '\n');
		}
		kbuf_addch(out, '\n');
	}
	rt_cleanup_pop(&undo);
	rt_buckets_free_copy(&c);
	kbuf_addstr(out, "\nMAPPED_LIBRARIES:\n");
	rc = rt_read_file(out, "/proc/self/maps", 0);
	return rc < 0 ? kerr_set(err, rc, "cannot read /proc/self/maps") : 0;
}

void rt_heap_fork_prepare(void)
{
	rt_lock_acquire(&heap_b.lock);
}

void rt_heap_fork_parent(void)
{
	rt_lock_release(&heap_b.lock);
}

void rt_heap_fork_child(void)
{
	atomic_store(&heap_b.lock.v, 0);
}
