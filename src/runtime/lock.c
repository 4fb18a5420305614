/* rt_lock: a three-state futex mutex (Drepper, "Futexes Are Tricky"):
 * 0 unlocked, 1 locked, 2 locked with waiters. libkiln cannot use
 * pthread_mutex_t for its own tables because it interposes
 * pthread_mutex_lock and because a hook may run before anything is
 * initialised; this lock needs neither initialisation nor memory. */
#include "rt.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

void rt_lock_slow(rt_lock *l)
{
	int c = atomic_exchange_explicit(&l->v, 2, memory_order_acquire);

	while (c != 0) {
		syscall(SYS_futex, &l->v, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
		c = atomic_exchange_explicit(&l->v, 2, memory_order_acquire);
	}
}

void rt_unlock_wake(rt_lock *l)
{
	syscall(SYS_futex, &l->v, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}
