/* Heap profiler stress: 8 threads allocate, reallocate and free blocks of
 * random sizes through every interposed entry point while the main thread
 * forks children that allocate themselves (and fork-exec /bin/true), all
 * under LD_PRELOAD=libkiln.so with KILN_HEAPPROFILE at rate 1 (everything
 * sampled: the slow paths and locks are exercised constantly). Passing
 * means no deadlock, crash or corruption. */
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 8
#define ROUNDS 20000

static volatile int stop;

__attribute__((noinline)) static void *one_alloc(unsigned *seed, size_t n)
{
	switch (rand_r(seed) % 8) {
	case 0: return calloc(1, n);
	case 1: { void *p = NULL; return posix_memalign(&p, 64, n) ? NULL : p; }
	case 2: return aligned_alloc(32, (n + 31) & ~(size_t)31);
	case 3: return memalign(128, n);
	case 4: return reallocarray(NULL, n, 1);
	default: return malloc(n);
	}
}

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	void *slots[64] = { 0 };

	for (int i = 0; i < ROUNDS && !stop; i++) {
		int k = rand_r(&seed) % 64;
		size_t n = 1 + rand_r(&seed) % 4096;
		if (slots[k] && rand_r(&seed) % 3 == 0) {
			void *q = realloc(slots[k], n);
			if (q) {
				memset(q, 1, n < malloc_usable_size(q) ? n : malloc_usable_size(q));
				slots[k] = q;
			}
			continue;
		}
		free(slots[k]);
		slots[k] = one_alloc(&seed, n);
		if (slots[k])
			memset(slots[k], 2, n);
	}
	for (int k = 0; k < 64; k++)
		free(slots[k]);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	int forks = 0;

	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1))) {
			perror("pthread_create");
			return 1;
		}
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork();
		int st;
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			unsigned seed = 99;
			for (int j = 0; j < 2000; j++)
				free(one_alloc(&seed, 1 + j % 1000));
			if (i % 5 == 0)
				execl("/bin/true", "true", (char *)NULL);
			exit(0); /* runs atexit: the child writes its profile */
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "child %d failed\n", i);
			return 1;
		}
		forks++;
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	printf("ok %d forks\n", forks);
	return 0;
}
