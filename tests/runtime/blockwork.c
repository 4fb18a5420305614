/* Blocking workload with known delays, for the block profile: in each
 * round one thread waits ~1 s on a condition variable nobody signals
 * (wait_in_cond), one sleeps 0.5 s in nanosleep (sleep_in_nanosleep), one
 * polls an idle pipe for 0.7 s (wait_in_poll), and the main thread joins
 * them (join_all, ~1 s). With argv[2] = "-wait", each round starts when a
 * line comes on stdin (read, which is not profiled), and the program ends
 * at end of input. argv[1]: the number of rounds (default 1). */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int pipe_fd[2];

__attribute__((noinline)) void wait_in_cond(void)
{
	static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	pthread_mutex_lock(&m);
	while (pthread_cond_timedwait(&c, &m, &until) == 0)
		; /* nobody signals: spurious wake-ups only */
	pthread_mutex_unlock(&m);
}

__attribute__((noinline)) void sleep_in_nanosleep(void)
{
	struct timespec ts = { 0, 500000000 };

	while (nanosleep(&ts, &ts) != 0)
		;
}

__attribute__((noinline)) void wait_in_poll(void)
{
	struct pollfd p = { .fd = pipe_fd[0], .events = POLLIN };

	poll(&p, 1, 700); /* nothing is ever written */
}

static void *cond_main(void *u) { wait_in_cond(); return u; }
static void *sleep_main(void *u) { sleep_in_nanosleep(); return u; }
static void *poll_main(void *u) { wait_in_poll(); return u; }

__attribute__((noinline)) void join_all(pthread_t *t, int n)
{
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1;
	int wait = argc > 2 && strcmp(argv[2], "-wait") == 0;
	char line[64];

	if (pipe(pipe_fd) != 0)
		return 1;
	for (int r = 0; r < rounds; r++) {
		pthread_t t[3];
		if (wait && r > 0 && !fgets(line, sizeof(line), stdin))
			break;
		pthread_create(&t[0], NULL, cond_main, NULL);
		pthread_create(&t[1], NULL, sleep_main, NULL);
		pthread_create(&t[2], NULL, poll_main, NULL);
		join_all(t, 3);
		printf("round %d done\n", r + 1);
		fflush(stdout);
	}
	if (wait)
		while (fgets(line, sizeof(line), stdin))
			;
	return 0;
}
