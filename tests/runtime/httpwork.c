/* A long-running program for the /debug/pprof tests: run with
 * LD_PRELOAD=libkiln.so KILN_HTTP=127.0.0.1:0; it allocates at a known
 * site (grow_cache, 32 MiB kept in 8 KiB blocks), then burns CPU in
 * spin_work and contends a lock in lock_site until killed or argv[1]
 * seconds pass. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t sink;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void **grow_cache(void)
{
	void **v = malloc(4096 * sizeof(*v));
	for (int i = 0; i < 4096; i++)
		v[i] = malloc(8192);
	return v;
}

__attribute__((noinline)) void spin_work(void)
{
	uint64_t x = 3;
	for (int i = 0; i < 20000000; i++)
		x = x * 2862933555777941757ULL + 3037000493ULL;
	sink += x;
}

__attribute__((noinline)) void lock_site(void)
{
	pthread_mutex_lock(&m);
	spin_work();
	pthread_mutex_unlock(&m);
}

/* Between holds each thread pauses briefly: glibc mutexes are not fair,
 * and a thread that relocks at once can starve the other for longer than
 * a profile's window, leaving no contention to record in it. */
static void *contender(void *u)
{
	for (;;) {
		lock_site();
		usleep(500);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	double limit = argc > 1 ? atof(argv[1]) : 60;
	time_t start = time(NULL);
	pthread_t t;
	void **cache = grow_cache();

	sink += (uintptr_t)cache;
	pthread_create(&t, NULL, contender, NULL);
	while (difftime(time(NULL), start) < limit) {
		lock_site();
		usleep(500);
	}
	return 0;
}
