/* Frame-pointer stack walks for the SIGPROF handler and the sampled paths of
 * the hooks. Async-signal-safe and bounded: at most `max` frames, frame
 * pointers must grow strictly towards the stack's top, and every frame is
 * read only after checking it lies inside the thread's stack (bounds taken
 * with pthread_getattr_np when the thread started). For a thread whose
 * bounds are unknown (one not started through our pthread_create hook) each
 * frame is read with process_vm_readv on ourselves, which fails with EFAULT
 * instead of faulting. Code built without frame pointers gives short or
 * truncated stacks, never a crash.
 *
 * Outside signal handlers (the sampled paths of the allocation, lock and
 * thread hooks) stacks come from the DWARF unwinder instead
 * (_Unwind_Backtrace over .eh_frame, which every binary carries): it sees
 * through code without frame pointers, such as libstdc++'s operator new,
 * which would otherwise hide the function that called it. It is not
 * async-signal-safe, and costs a few microseconds per sample. It is
 * reached through glibc's backtrace(), which loads libgcc_s on its first
 * call: as a link-time dependency of libkiln.so, libgcc_s would be loaded
 * into every process of a profiled tree, most of which never sample. */
#include "rt.h"

#include <pthread.h>
#include <ucontext.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <execinfo.h>
#include <sys/uio.h>
#include <unistd.h>

/* In code without frame pointers the interrupted frame pointer and the
 * words it leads to are whatever the stack held, possibly never written:
 * the walk checks them, and tells valgrind's memcheck they are wanted as
 * they are (a no-op outside valgrind; without its header, nothing). */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif
#endif
#ifndef VALGRIND_MAKE_MEM_DEFINED
#define VALGRIND_MAKE_MEM_DEFINED(addr, len) ((void)0)
#endif

/* Reads the two words of a frame record (saved frame pointer, return
 * address) at fp, if it is certainly readable. */
static bool read_frame(uintptr_t fp, uintptr_t out[2])
{
	uintptr_t lo = rt_tls.stack_lo, hi = rt_tls.stack_hi;

	if (fp & (sizeof(uintptr_t) - 1))
		return false;
	if (hi) {
		if (fp < lo || fp > hi - 2 * sizeof(uintptr_t))
			return false;
		out[0] = ((const uintptr_t *)fp)[0];
		out[1] = ((const uintptr_t *)fp)[1];
		VALGRIND_MAKE_MEM_DEFINED(out, 2 * sizeof(uintptr_t));
		return true;
	}
	struct iovec local = { out, 2 * sizeof(uintptr_t) };
	struct iovec remote = { (void *)fp, 2 * sizeof(uintptr_t) };
	return syscall(SYS_process_vm_readv, getpid(), &local, 1UL, &remote, 1UL, 0UL) ==
	       (long)(2 * sizeof(uintptr_t));
}

bool rt_context_regs(const void *ctx, uintptr_t *pc, uintptr_t *fp, uintptr_t *sp)
{
	const ucontext_t *uc = ctx;

#if defined(__x86_64__)
	*pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	*fp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
	*sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
	return true;
#elif defined(__aarch64__)
	*pc = (uintptr_t)uc->uc_mcontext.pc;
	*fp = (uintptr_t)uc->uc_mcontext.regs[29];
	*sp = (uintptr_t)uc->uc_mcontext.sp;
	return true;
#else
	(void)uc;
	*pc = *fp = *sp = 0;
	return false;
#endif
}

int rt_stack_walk(uintptr_t pc, uintptr_t fp, uintptr_t sp, uintptr_t *pcs, int max)
{
	int n = 0;
	uintptr_t low = sp, fr[2];

	if (max <= 0)
		return 0;
	VALGRIND_MAKE_MEM_DEFINED(&fp, sizeof(fp));
	if (pc)
		pcs[n++] = pc;
	while (n < max) {
		if (fp < low || !read_frame(fp, fr))
			break;
		if (fr[1] < 4096) /* not a code address: end of the chain */
			break;
		pcs[n++] = fr[1];
		if (fr[0] <= fp)
			break;
		low = fp + 2 * sizeof(uintptr_t);
		fp = fr[0];
	}
	return n;
}

__attribute__((noinline)) int rt_stack_unwind(uintptr_t *pcs, int max, int skip)
{
	void *buf[RT_MAX_FRAMES + 16], *ret = __builtin_return_address(0);
	int n, first, cap = (int)(sizeof(buf) / sizeof(buf[0]));

	/* Room for this frame and an interceptor's few beyond max + skip. */
	if (max <= 0 || skip + 8 >= cap)
		return 0;
	if (max > cap - skip - 8)
		max = cap - skip - 8;
	/* Guarded: backtrace's first call allocates (dlopen of libgcc_s),
	 * which must not come back here. */
	rt_enter();
	n = backtrace(buf, max + skip + 8);
	rt_leave();
	/* Frames start at our caller's, found by address: an interceptor of
	 * backtrace (ThreadSanitizer's) adds frames of its own before it. */
	for (first = 0; first < n && buf[first] != ret; first++)
		;
	if (first == n)
		first = 1; /* [0] is in this function */
	first += skip;
	if (n - first > max)
		n = first + max;
	for (int i = first; i < n; i++)
		pcs[i - first] = (uintptr_t)buf[i];
	return n > first ? n - first : 0;
}

/* The initial thread's stack top, from the loader (glibc's own source). */
extern void *__libc_stack_end;

void rt_stack_bounds_init(void)
{
	pthread_attr_t attr;
	struct rlimit rl;
	void *addr;
	size_t size;

	/* The initial thread: pthread_getattr_np would read /proc/self/maps
	 * (75 us, paid by every process started under LD_PRELOAD). The
	 * kernel keeps other mappings at least min(limit, 128 MiB) below the
	 * stack (mmap_base's gap), and grows it on a read there. */
	if (rt_gettid() == getpid() && __libc_stack_end && getrlimit(RLIMIT_STACK, &rl) == 0) {
		uintptr_t hi = ((uintptr_t)__libc_stack_end | 4095) + 1;
		uintptr_t span = rl.rlim_cur < (128u << 20) ? (uintptr_t)rl.rlim_cur : 128u << 20;

		rt_tls.stack_lo = hi - span;
		rt_tls.stack_hi = hi;
		return;
	}
	rt_enter();
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		if (pthread_attr_getstack(&attr, &addr, &size) == 0 && size) {
			rt_tls.stack_lo = (uintptr_t)addr;
			rt_tls.stack_hi = (uintptr_t)addr + size;
		}
		pthread_attr_destroy(&attr);
	}
	rt_leave();
}
