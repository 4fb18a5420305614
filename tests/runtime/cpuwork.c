/* CPU workload: two threads, each burning CPU in its own function
 * (hot_alpha in a thread started before profiling could know it, hot_beta
 * in one started later), about `seconds` of CPU each (argv[1], default 1).
 * With argv[2] "fork", the main thread also forks, while both run, a child
 * that burns as long in hot_child and exits without exec. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

__attribute__((noinline)) uint64_t hot_child(void)
{
	uint64_t x = 3;
	double end = cpu_now() + seconds;
	while (cpu_now() < end)
		for (int i = 0; i < 100000; i++)
			x += x >> 3 ^ 0x9e3779b97f4a7c15ULL;
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
	if (argc > 2 && strcmp(argv[2], "fork") == 0) {
		int status;
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0)
			exit(hot_child() == 42); /* exit, not _exit: atexit handlers write */
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
			return 1;
	}
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
