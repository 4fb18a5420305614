/* libkiln's API from many threads at once, for ThreadSanitizer and memcheck
 * to watch (and for a crash anywhere): workers allocate, contend a lock and
 * start short threads while the main thread turns heap and contention
 * profiling on under them, takes CPU profiles back to back and writes
 * profiles; a client thread fetches the /debug/pprof endpoints meanwhile;
 * with the signal sampler (KILN_CPU_SIGNALS=1, the case api-threads-signals)
 * another sends SIGPROF all along, as a signal left pending by an earlier
 * profile's timer arrives whenever its thread unblocks it (through the next
 * start and stop too; perf_event_open sampling sends none, and installs no
 * handler that a stray SIGPROF could find); others call kiln_heap_start and kiln_http_port as
 * the main thread does. Every call must answer as documented. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kiln.h"
#include "../unit/check.h"

#define WORKERS 3
#define CPU_PROFILES 10 /* the main thread's, at least */
#define CLIENT_ROUNDS 2 /* of the client's requests, at least */

static atomic_bool stop_workers, stop_client, stop_storm, stop_reader;
static pthread_mutex_t shared = PTHREAD_MUTEX_INITIALIZER;
static long shared_count;
static _Atomic int client_ok, client_busy, client_rounds, port_seen;
static atomic_int failures; /* checks failed in the other threads */
static int port;
static pthread_t main_thread;

/* (SIGPROF interrupts sleeps all the time here) */
static void pause_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	while (nanosleep(&ts, &ts) != 0)
		;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *short_thread(void *arg)
{
	free(malloc(100 + (size_t)(uintptr_t)arg));
	return NULL;
}

__attribute__((noinline)) static void *worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	void *keep[32] = { 0 };

	for (unsigned i = 0; !atomic_load(&stop_workers); i++) {
		unsigned k = (unsigned)rand_r(&seed) % 32;
		size_t n = (size_t)64 << (rand_r(&seed) % 8); /* few sizes: few buckets */

		free(keep[k]);
		keep[k] = (i & 1) ? malloc(n) : calloc(1, n);
		if (keep[k] && i % 7 == 0)
			keep[k] = realloc(keep[k], n * 2) ?: keep[k];
		if (i % 50 == 0) {
			pthread_mutex_lock(&shared);
			shared_count++;
			pause_us(50);
			pthread_mutex_unlock(&shared);
		}
		if (i % 500 == 0) {
			pthread_t t;
			if (pthread_create(&t, NULL, short_thread, (void *)(uintptr_t)i) == 0)
				pthread_join(t, NULL);
		}
	}
	for (int k = 0; k < 32; k++)
		free(keep[k]);
	return NULL;
}

/* One request on a fresh connection; returns the HTTP status, 0 when the
 * exchange failed. */
static int http(const char *method, const char *path, const char *body)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	char req[512], buf[4096];
	int fd, status = 0;
	ssize_t n, got = 0;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		goto out;
	snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nContent-Length: %zu\r\n\r\n%s", method,
		 path, strlen(body), body);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		goto out;
	/* the status line, then drain the body */
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0 && got < 16)
		got += n;
	buf[got] = '\0';
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		status = 0;
	while (n > 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		;
out:
	close(fd);
	return status;
}

static void *client(void *unused)
{
	static const char *const paths[] = {
		"/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/allocs",
		"/debug/pprof/heap?debug=1", "/debug/pprof/mutex", "/debug/pprof/threads",
		"/debug/pprof/threadcreate", "/debug/pprof/cmdline",
	};
	char sym[64];

	snprintf(sym, sizeof(sym), "%p", (void *)worker);
	while (!atomic_load(&stop_client)) {
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			int st = http("GET", paths[i], "");
			if (st == 200)
				atomic_fetch_add(&client_ok, 1);
			else
				fprintf(stderr, "GET %s: status %d\n", paths[i], st), failures++;
		}
		if (http("POST", "/debug/pprof/symbol", sym) == 200)
			atomic_fetch_add(&client_ok, 1);
		else
			fprintf(stderr, "POST symbol failed\n"), failures++;
		/* one CPU profile at a time: refused while the main thread's runs */
		switch (http("GET", "/debug/pprof/profile?seconds=1", "")) {
		case 200: atomic_fetch_add(&client_ok, 1); break;
		case 500: atomic_fetch_add(&client_busy, 1); break;
		default: fprintf(stderr, "GET profile failed\n"); failures++;
		}
		atomic_fetch_add(&client_rounds, 1);
	}
	return NULL;
}

static void *storm(void *unused)
{
	while (!atomic_load(&stop_storm)) {
		pthread_kill(main_thread, SIGPROF);
		pause_us(20);
	}
	return NULL;
}

static void *port_reader(void *unused)
{
	while (!atomic_load(&stop_reader)) {
		int p = kiln_http_port();
		if (p != 0 && p != port) {
			fprintf(stderr, "kiln_http_port() is %d, serving %d\n", p, port);
			failures++;
			break;
		}
		if (p)
			atomic_store(&port_seen, 1);
	}
	return NULL;
}

static void *heap_starter(void *unused)
{
	return (void *)(intptr_t)kiln_heap_start(65536);
}

static volatile uint64_t sink;

__attribute__((noinline)) static void burn(void)
{
	for (unsigned long i = 0; i < 2000000UL; i++)
		sink += i * i;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	pthread_t w[WORKERS], starters[2], cl, st, rd;
	char cpu_path[4096], heap_path[4096], mutex_path[4096];
	int cpu_profiles = 0;
	double start;
	void *rc;
	const char *sig_env = getenv("KILN_CPU_SIGNALS");
	bool signals = sig_env && strcmp(sig_env, "1") == 0;

	main_thread = pthread_self();
	snprintf(cpu_path, sizeof(cpu_path), "%s/api-threads-cpu.pb.gz", dir);
	snprintf(heap_path, sizeof(heap_path), "%s/api-threads-heap.pb.gz", dir);
	snprintf(mutex_path, sizeof(mutex_path), "%s/api-threads-mutex.pb.gz", dir);
	for (int i = 0; i < WORKERS; i++)
		CHECK(pthread_create(&w[i], NULL, worker, (void *)(uintptr_t)(i + 1)) == 0);
	pause_us(20000);

	/* Heap profiling turned on under running allocators, by three threads. */
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&starters[i], NULL, heap_starter, NULL) == 0);
	CHECK_EQ(kiln_heap_start(65536), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(starters[i], &rc);
		CHECK_EQ((intptr_t)rc, 0);
	}
	CHECK_EQ(kiln_mutex_start(), 0);

	/* The SIGPROF handler exists from the first start on. */
	CHECK_EQ(kiln_cpu_start(cpu_path), 0);
	CHECK_EQ(kiln_cpu_stop(), 0);
	if (!signals)
		atomic_store(&stop_storm, true);
	CHECK(pthread_create(&st, NULL, storm, NULL) == 0);

	CHECK_EQ(kiln_http_start("127.0.0.1:0"), 0);
	port = kiln_http_port();
	CHECK(port > 0);
	CHECK(pthread_create(&rd, NULL, port_reader, NULL) == 0);
	CHECK(pthread_create(&cl, NULL, client, NULL) == 0);

	start = now();
	while (cpu_profiles < CPU_PROFILES || atomic_load(&client_rounds) < CLIENT_ROUNDS) {
		int r;

		if (now() - start > 100) {
			fprintf(stderr, "no progress: %d CPU profiles, %d client rounds\n",
				cpu_profiles, atomic_load(&client_rounds));
			check_failures++;
			break;
		}
		r = kiln_cpu_start(cpu_path);
		if (r == 0) {
			burn();
			CHECK_EQ(kiln_cpu_stop(), 0);
			cpu_profiles++;
		} else {
			CHECK_EQ(r, KILN_EBUSY); /* the client's CPU profile runs */
			pause_us(10000);
		}
		CHECK_EQ(kiln_heap_write(heap_path), 0);
		CHECK_EQ(kiln_mutex_write(mutex_path), 0);
	}

	atomic_store(&stop_client, true);
	pthread_join(cl, NULL);
	CHECK_EQ(kiln_http_stop(), 0);
	atomic_store(&stop_reader, true);
	pthread_join(rd, NULL);
	atomic_store(&stop_storm, true);
	pthread_join(st, NULL);
	atomic_store(&stop_workers, true);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(w[i], NULL);

	CHECK(cpu_profiles > 0);
	CHECK(atomic_load(&client_ok) > 0);
	CHECK(atomic_load(&port_seen));
	CHECK(access(cpu_path, R_OK) == 0 && access(heap_path, R_OK) == 0 &&
	      access(mutex_path, R_OK) == 0);
	printf("%d CPU profiles, %d client rounds, %d answers, %d busy refusals, %ld locks\n",
	       cpu_profiles, atomic_load(&client_rounds), atomic_load(&client_ok),
	       atomic_load(&client_busy), shared_count);
	check_failures += atomic_load(&failures);
	return CHECK_DONE();
}
