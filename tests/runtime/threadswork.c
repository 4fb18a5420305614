/* Threads parked in known places, for /debug/pprof/threads: two in
 * wait_in_cond (a condition variable nobody signals), one in spin_in_loop
 * (on CPU), one in sleep_in_nanosleep, and one in masked_sleep with every
 * signal blocked, which the dump must report without waiting for it. Each
 * thread is named (pthread_setname_np) after its role. Prints "ready PID"
 * once all are at their place; sleeps argv[1] seconds (default 60), then
 * prints "done". */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static atomic_int arrived;
static volatile unsigned long spins;

__attribute__((noinline)) void wait_in_cond(void)
{
	static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	static pthread_cond_t c = PTHREAD_COND_INITIALIZER;

	pthread_mutex_lock(&m);
	arrived++;
	for (;;)
		pthread_cond_wait(&c, &m);
}

/* Reads the clock every few million turns: ThreadSanitizer delivers a
 * signal only when the thread next calls a function it intercepts. */
__attribute__((noinline)) void spin_in_loop(void)
{
	struct timespec ts;

	arrived++;
	for (;;) {
		for (int i = 0; i < 4000000; i++)
			spins++;
		clock_gettime(CLOCK_MONOTONIC, &ts);
	}
}

__attribute__((noinline)) void sleep_in_nanosleep(void)
{
	struct timespec ts = { 1000, 0 };

	arrived++;
	for (;;)
		nanosleep(&ts, NULL);
}

__attribute__((noinline)) void masked_sleep(void)
{
	struct timespec ts = { 1000, 0 };
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	arrived++;
	for (;;)
		nanosleep(&ts, NULL);
}

static void *run(void *fn)
{
	((void (*)(void))fn)();
	return NULL;
}

static void start(void (*fn)(void), const char *name)
{
	pthread_t t;

	if (pthread_create(&t, NULL, run, (void *)fn) != 0)
		exit(1);
	pthread_setname_np(t, name);
}

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 60;

	start(wait_in_cond, "cond-a");
	start(wait_in_cond, "cond-b");
	start(spin_in_loop, "spinner");
	start(sleep_in_nanosleep, "sleeper");
	start(masked_sleep, "masked");
	while (arrived < 5)
		usleep(1000);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	sleep(secs);
	printf("done\n");
	return 0;
}
