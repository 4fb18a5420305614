/* The interposed allocator entry points (malloc, free, calloc, realloc,
 * reallocarray, posix_memalign, aligned_alloc, memalign, valloc, pvalloc,
 * malloc_usable_size; C++ new and delete reach them through libstdc++).
 *
 * Workload: every allocation of the host program passes here, so the
 * unsampled path is a call through a function pointer plus a thread-local
 * subtraction: when heap profiling is on, each thread counts down the bytes
 * left before its next sample and only the allocation that crosses zero
 * takes the slow path (heap.c). free() checks a lock-free filter to skip the
 * table of sampled blocks for the (vast) unsampled majority.
 *
 * Before the real functions are known (start-up, or dlsym itself calling
 * calloc) allocations come from the static bootstrap buffer (resolve.c). */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt.h"

/* Counts the allocation against this thread's sampling interval. Inlined
 * into each hook, so a sampled stack is [rt_heap_sample, hook, caller]. */
#define ACCOUNT(p, n) do {                                                    \
	if (atomic_load_explicit(&rt_heap_on, memory_order_relaxed) && (p) &&     \
	    !rt_tls.guard && RT_THREAD_READY()) {                             \
		rt_tls.heap_until -= (int64_t)(n);                            \
		if (RT_UNLIKELY(rt_tls.heap_until < 0))                       \
			rt_heap_sample((p), (n));                             \
	}                                                                     \
} while (0)

/* Makes sure rt_real is usable; false while this very thread is inside
 * dlsym (then the caller uses the bootstrap buffer). */
static inline bool ready(void)
{
	if (RT_LIKELY(atomic_load_explicit(&rt_resolved, memory_order_acquire)))
		return true;
	if (rt_tls.resolving)
		return false;
	rt_resolve();
	return atomic_load(&rt_resolved);
}

static inline void forget(void *p)
{
	if (atomic_load_explicit(&rt_heap_on, memory_order_relaxed) && RT_THREAD_READY() &&
	    rt_heap_maybe_sampled(p))
		rt_heap_forget(p);
}

RT_EXPORT void *malloc(size_t n)
{
	void *p;

	/* rt_heap_hooked()'s probe: malloc(0) is rare, so this costs a
	 * compare of a register on the usual path. */
	if (RT_UNLIKELY(n == 0) && rt_tls.probe)
		rt_tls.probe = 2;
	if (RT_UNLIKELY(!ready()))
		return rt_boot_alloc(n, 16);
	p = rt_real.malloc(n);
	ACCOUNT(p, n);
	return p;
}

RT_EXPORT void free(void *p)
{
	if (!p || RT_UNLIKELY(rt_boot_owns(p)))
		return;
	if (RT_UNLIKELY(!ready()))
		return; /* cannot happen: p came from a resolved malloc */
	forget(p);
	rt_real.free(p);
}

RT_EXPORT void *calloc(size_t nmemb, size_t size)
{
	void *p;
	size_t n;

	if (__builtin_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	if (RT_UNLIKELY(!ready()))
		return rt_boot_alloc(n, 16); /* static storage is zeroed */
	p = rt_real.calloc(nmemb, size);
	ACCOUNT(p, n);
	return p;
}

/* realloc of a bootstrap block: move it to the real heap. */
static void *boot_realloc(void *old, size_t n)
{
	size_t had = rt_boot_size(old);
	void *p = ready() ? rt_real.malloc(n ? n : 1) : rt_boot_alloc(n, 16);

	if (p)
		memcpy(p, old, had < n ? had : n);
	return p;
}

RT_EXPORT void *realloc(void *old, size_t n)
{
	void *p;

	if (RT_UNLIKELY(old && rt_boot_owns(old)))
		return boot_realloc(old, n);
	if (RT_UNLIKELY(!ready()))
		return old ? NULL : rt_boot_alloc(n, 16);
	/* A sampled block is forgotten before the real realloc frees it:
	 * afterwards its address may already belong to another thread. */
	if (old)
		forget(old);
	p = rt_real.realloc(old, n);
	if (n)
		ACCOUNT(p, n);
	return p;
}

RT_EXPORT void *reallocarray(void *old, size_t nmemb, size_t size)
{
	size_t n;
	void *p;

	if (__builtin_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	if (RT_UNLIKELY(old && rt_boot_owns(old)))
		return boot_realloc(old, n);
	if (RT_UNLIKELY(!ready()))
		return old ? NULL : rt_boot_alloc(n, 16);
	if (old)
		forget(old);
	p = rt_real.reallocarray ? rt_real.reallocarray(old, nmemb, size)
				 : rt_real.realloc(old, n);
	if (n)
		ACCOUNT(p, n);
	return p;
}

RT_EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
	int rc;

	if (RT_UNLIKELY(!ready())) {
		if (align < sizeof(void *) || (align & (align - 1)))
			return EINVAL;
		*out = rt_boot_alloc(n, align);
		return *out ? 0 : ENOMEM;
	}
	rc = rt_real.posix_memalign(out, align, n);
	if (rc == 0)
		ACCOUNT(*out, n);
	return rc;
}

RT_EXPORT void *aligned_alloc(size_t align, size_t n)
{
	void *p;

	if (RT_UNLIKELY(!ready()))
		return rt_boot_alloc(n, align);
	p = rt_real.aligned_alloc(align, n);
	ACCOUNT(p, n);
	return p;
}

RT_EXPORT void *memalign(size_t align, size_t n)
{
	void *p;

	if (RT_UNLIKELY(!ready()))
		return rt_boot_alloc(n, align);
	p = rt_real.memalign(align, n);
	ACCOUNT(p, n);
	return p;
}

RT_EXPORT void *valloc(size_t n)
{
	void *p;

	if (RT_UNLIKELY(!ready()))
		return rt_boot_alloc(n, 4096);
	p = rt_real.valloc(n);
	ACCOUNT(p, n);
	return p;
}

RT_EXPORT void *pvalloc(size_t n)
{
	void *p;

	if (RT_UNLIKELY(!ready()))
		return rt_boot_alloc(n, 4096);
	p = rt_real.pvalloc(n);
	ACCOUNT(p, n);
	return p;
}

RT_EXPORT size_t malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	if (rt_boot_owns(p))
		return rt_boot_size(p);
	if (RT_UNLIKELY(!ready()))
		return 0;
	return rt_real.malloc_usable_size(p);
}

/* Our own malloc, whatever the dynamic linker binds "malloc" to. */
extern __typeof(malloc) rt_malloc_self RT_ALIAS_OF(malloc);

/* Preloaded, linked ahead of libc or static: the program's malloc is ours.
 * dlopen'ed: it is libc's, and no allocation would be seen. The address
 * dlsym gives is ours, or, in a non-PIE program that takes malloc's address,
 * the program's canonical PLT entry, which jumps to whichever malloc the
 * dynamic linker bound: so that one is called, malloc(0) with a
 * thread-local flag set, and our malloc answers by changing the flag. */
bool rt_heap_hooked(void)
{
	void *(*fn)(size_t) = (void *(*)(size_t))dlsym(RTLD_DEFAULT, "malloc");
	void *p;
	bool ours;

	if (fn == rt_malloc_self)
		return true;
	if (!fn)
		return false;
	rt_tls.probe = 1;
	p = fn(0);
	ours = rt_tls.probe == 2;
	rt_tls.probe = 0;
	free(p); /* the same real allocator behind both */
	return ours;
}
