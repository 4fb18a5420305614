/* CPU workload: two threads, each burning CPU in its own function
 * (hot_alpha in a thread started before profiling could know it, hot_beta
 * in one started later), about `seconds` of CPU each (argv[1], default 1). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static double seconds = 1.0;
static _Atomic uint64_t sink; /* both threads add to it */

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) uint64_t hot_alpha(void)
{
	uint64_t x = 1;
	double end = cpu_now() + seconds;
	while (cpu_now() < end)
		for (int i = 0; i < 100000; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	return x;
}

__attribute__((noinline)) uint64_t hot_beta(void)
{
	uint64_t x = 7;
	double end = cpu_now() + seconds;
	while (cpu_now() < end)
		for (int i = 0; i < 100000; i++)
			x ^= x << 7, x ^= x >> 9;
	return x;
}

static void *run_alpha(void *unused) { sink += hot_alpha(); return NULL; }
static void *run_beta(void *unused) { sink += hot_beta(); return NULL; }

int main(int argc, char **argv)
{
	pthread_t a, b;

	if (argc > 1)
		seconds = atof(argv[1]);
	pthread_create(&a, NULL, run_alpha, NULL);
	pthread_create(&b, NULL, run_beta, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
