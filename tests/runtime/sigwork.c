/* Signal workloads for the CPU profiler (argv[1] the mode, argv[2] CPU
 * seconds per phase, default 1):
 *   handler: burns CPU in work_before, then installs a SIGPROF handler as
 *            sort does (clean up, reset to SIG_DFL, raise: a SIGPROF kills
 *            it), burns CPU in work_after, prints "done" and exits 0;
 *   block:   a thread that blocks every signal, as liblzma's workers do,
 *            burns CPU in blocked_work while the main thread burns the
 *            same in main_work; prints each thread's CPU seconds. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double seconds = 1.0;
static _Atomic unsigned long sink; /* both threads add to it */

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long burn(void)
{
	unsigned long x = 1;
	double end = cpu_now() + seconds;
	while (cpu_now() < end)
		for (int i = 0; i < 100000; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
	return x;
}

__attribute__((noinline)) void work_before(void) { sink += burn(); }
__attribute__((noinline)) void work_after(void) { sink += burn(); }
__attribute__((noinline)) void main_work(void) { sink += burn(); }
__attribute__((noinline)) void blocked_work(void) { sink += burn(); }

static void cleanup_and_die(int sig)
{
	static const char msg[] = "sigwork: caught SIGPROF, dying as sort does\n";
	ssize_t r = write(2, msg, sizeof(msg) - 1);
	(void)r;
	signal(sig, SIG_DFL);
	raise(sig);
}

static double blocked_cpu;

static void *blocked_main(void *unused)
{
	(void)unused;
	blocked_work();
	blocked_cpu = cpu_now();
	return NULL;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "handler";

	if (argc > 2)
		seconds = atof(argv[2]);
	if (strcmp(mode, "handler") == 0) {
		struct sigaction sa, old;
		work_before();
		/* sort's way: only where the signal is not ignored */
		sigaction(SIGPROF, NULL, &old);
		if (old.sa_handler != SIG_IGN) {
			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = cleanup_and_die;
			sigemptyset(&sa.sa_mask);
			sigaction(SIGPROF, &sa, NULL);
		}
		work_after();
		printf("done\n");
		return 0;
	}
	if (strcmp(mode, "block") == 0) {
		sigset_t all, saved;
		pthread_t t;
		/* the thread starts with every signal blocked, as liblzma's */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &saved);
		if (pthread_create(&t, NULL, blocked_main, NULL) != 0)
			return 2;
		pthread_sigmask(SIG_SETMASK, &saved, NULL);
		main_work();
		pthread_join(t, NULL);
		printf("main_work %.3f blocked_work %.3f\n", cpu_now(), blocked_cpu);
		return 0;
	}
	fprintf(stderr, "usage: sigwork handler|block [seconds]\n");
	return 2;
}
