/* Lock contention workload: a holder thread keeps a mutex for 2 ms at a
 * time in holder_loop; four threads wait for it in wait_for_lock (the
 * waiting site the profile must show first); a few uncontended locks in
 * quiet_lock must barely appear. Also exercises rwlocks and spinlocks. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_spinlock_t spin;
static atomic_int done;
/* One counter per lock, so each is only touched under its lock. */
static long counter, rw_counter, spin_counter, quiet_counter;

static void hold(long ns)
{
	struct timespec ts = { 0, ns };
	nanosleep(&ts, NULL);
}

__attribute__((noinline)) void holder_loop(void)
{
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&m);
		hold(2000000);
		pthread_mutex_unlock(&m);
		hold(100000);
	}
	done = 1;
}

__attribute__((noinline)) void wait_for_lock(void)
{
	while (!done) {
		pthread_mutex_lock(&m);
		counter++;
		pthread_mutex_unlock(&m);
		hold(500000);
	}
}

__attribute__((noinline)) void rw_and_spin(void)
{
	for (int i = 0; i < 1000; i++) {
		pthread_rwlock_wrlock(&rw);
		rw_counter++;
		pthread_rwlock_unlock(&rw);
		pthread_rwlock_rdlock(&rw);
		pthread_rwlock_unlock(&rw);
		pthread_spin_lock(&spin);
		spin_counter++;
		pthread_spin_unlock(&spin);
	}
}

__attribute__((noinline)) void quiet_lock(void)
{
	static pthread_mutex_t q = PTHREAD_MUTEX_INITIALIZER;
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&q);
		quiet_counter++;
		pthread_mutex_unlock(&q);
	}
}

static void *holder(void *u) { holder_loop(); return NULL; }
static void *waiter(void *u) { wait_for_lock(); rw_and_spin(); return NULL; }

int main(void)
{
	pthread_t h, w[4];

	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	pthread_create(&h, NULL, holder, NULL);
	for (int i = 0; i < 4; i++)
		pthread_create(&w[i], NULL, waiter, NULL);
	quiet_lock();
	pthread_join(h, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(w[i], NULL);
	printf("%ld\n", counter + rw_counter + spin_counter + quiet_counter);
	return 0;
}
