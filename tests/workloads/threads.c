/* Two threads with their own hot functions (thread_one_work,
 * thread_two_work) while main waits. Usage: threads [SECONDS]. */
#include <pthread.h>

#include "spin.h"

static double deadline;

__attribute__((noinline)) static uint64_t thread_one_work(void) { return spin(2); }
__attribute__((noinline)) static uint64_t thread_two_work(void) { return spin(2); }

static void *one(void *arg)
{
	uint64_t s = 0;
	while (now_s() < deadline)
		s += thread_one_work();
	return (void *)(uintptr_t)s;
}

static void *two(void *arg)
{
	uint64_t s = 0;
	while (now_s() < deadline)
		s += thread_two_work();
	return (void *)(uintptr_t)s;
}

int main(int argc, char **argv)
{
	pthread_t a, b;

	deadline = now_s() + arg_seconds(argc, argv, 1.0);
	pthread_create(&a, NULL, one, NULL);
	pthread_create(&b, NULL, two, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}
