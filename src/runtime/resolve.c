/* Finding the real allocator and pthread functions behind libkiln's hooks,
 * with dlsym(RTLD_NEXT), plus the static bootstrap buffer that serves the
 * allocations made before they are known: dlsym itself calls calloc, and
 * other libraries' constructors may allocate before ours ran. The buffer is
 * small, bump-allocated, never reused; free() of its blocks is a no-op. */
#include "rt.h"

#include <dlfcn.h>
#include <string.h>

__thread struct rt_tls rt_tls RT_TLS;
struct rt_real rt_real;
_Atomic bool rt_resolved;

/* dlerror's buffers and a few constructors' allocations fit easily. */
#define BOOT_SIZE RT_BOOT_SIZE
_Alignas(64) unsigned char rt_boot_buf[BOOT_SIZE];
#define boot_buf rt_boot_buf
static _Atomic size_t boot_used;

/* Each block is preceded by its size, so realloc can copy it out. */
struct boot_hdr {
	size_t size;
	size_t pad;
};

void *rt_boot_alloc(size_t size, size_t align)
{
	uintptr_t base = (uintptr_t)boot_buf;
	size_t off, start, end;

	if (align < 16)
		align = 16;
	if (size > BOOT_SIZE || (align & (align - 1)))
		return NULL;
	off = atomic_load(&boot_used);
	do {
		/* aligned as an address, not only as an offset */
		start = ((base + off + sizeof(struct boot_hdr) + align - 1) & ~(align - 1)) - base;
		end = start + ((size + 15) & ~(size_t)15);
		if (end > BOOT_SIZE)
			return NULL;
	} while (!atomic_compare_exchange_weak(&boot_used, &off, end));
	((struct boot_hdr *)(boot_buf + start) - 1)->size = size;
	return boot_buf + start; /* static storage: already zeroed */
}

size_t rt_boot_size(const void *p)
{
	return ((const struct boot_hdr *)p - 1)->size;
}

#define LOOKUP(field, name) \
	(*(void **)&rt_real.field = dlsym(RTLD_NEXT, name))

void rt_resolve(void)
{
	/* Several threads may race here on first use; each writes the same
	 * values, and the resolving flag is per thread. */
	rt_tls.resolving++;
	LOOKUP(malloc, "malloc");
	LOOKUP(free, "free");
	LOOKUP(calloc, "calloc");
	LOOKUP(realloc, "realloc");
	LOOKUP(reallocarray, "reallocarray");
	LOOKUP(posix_memalign, "posix_memalign");
	LOOKUP(aligned_alloc, "aligned_alloc");
	LOOKUP(memalign, "memalign");
	LOOKUP(valloc, "valloc");
	LOOKUP(pvalloc, "pvalloc");
	LOOKUP(malloc_usable_size, "malloc_usable_size");
	LOOKUP(pthread_create, "pthread_create");
	LOOKUP(mutex_lock, "pthread_mutex_lock");
	LOOKUP(rwlock_rdlock, "pthread_rwlock_rdlock");
	LOOKUP(rwlock_wrlock, "pthread_rwlock_wrlock");
	LOOKUP(spin_lock, "pthread_spin_lock");
	LOOKUP(cond_wait, "pthread_cond_wait");
	LOOKUP(cond_timedwait, "pthread_cond_timedwait");
	LOOKUP(cond_clockwait, "pthread_cond_clockwait");
	LOOKUP(sem_wait, "sem_wait");
	LOOKUP(sem_timedwait, "sem_timedwait");
	LOOKUP(sem_clockwait, "sem_clockwait");
	LOOKUP(pthread_join, "pthread_join");
	LOOKUP(nanosleep, "nanosleep");
	LOOKUP(clock_nanosleep, "clock_nanosleep");
	LOOKUP(sleep, "sleep");
	LOOKUP(poll, "poll");
	LOOKUP(ppoll, "ppoll");
	LOOKUP(select, "select");
	LOOKUP(pselect, "pselect");
	LOOKUP(epoll_wait, "epoll_wait");
	LOOKUP(epoll_pwait, "epoll_pwait");
	LOOKUP(sigaction, "sigaction");
	LOOKUP(signal, "signal");
	rt_tls.resolving--;
	if (rt_real.malloc && rt_real.free && rt_real.calloc && rt_real.realloc)
		atomic_store(&rt_resolved, true);
}
