/* Work for bench/block-overhead: `poll N` makes N polls of a pipe that is
 * always readable (each returns at once: the cost of the call itself and
 * of any hook around it); `cond N` passes a token N times between two
 * threads through a condition variable (each wait really blocks). Prints
 * the nanoseconds per operation, measured around the loop only. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long turn, rounds;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void pass(long me)
{
	for (long i = 0; i < rounds; i++) {
		pthread_mutex_lock(&m);
		while (turn % 2 != me)
			pthread_cond_wait(&cv, &m);
		turn++;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&m);
	}
}

static void *other(void *u)
{
	pass(1);
	return u;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	double t0, t1;

	if (argc > 1 && strcmp(argv[1], "cond") == 0) {
		pthread_t t;
		rounds = n;
		t0 = now();
		pthread_create(&t, NULL, other, NULL);
		pass(0);
		pthread_join(t, NULL);
		t1 = now();
	} else {
		int fd[2];
		struct pollfd p;
		if (pipe(fd) != 0 || write(fd[1], "x", 1) != 1)
			return 1;
		p.fd = fd[0];
		p.events = POLLIN;
		t0 = now();
		for (long i = 0; i < n; i++)
			if (poll(&p, 1, -1) != 1)
				return 1;
		t1 = now();
	}
	printf("%.1f\n", (t1 - t0) / n);
	return 0;
}
