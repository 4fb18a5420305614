/* The public API's contract: error codes and messages, argument checks,
 * state errors, and a CPU and heap profile round trip through the calls.
 * Also links a function named like one of kiln's internal helpers
 * (xmalloc) to show libkiln hides its internals: with libkiln.a this would
 * not link otherwise. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "kiln.h"
#include "../unit/check.h"

/* Clashes by name with src/base/alloc.c's xmalloc unless it is hidden. */
void *xmalloc(size_t n);
void *xmalloc(size_t n)
{
	return calloc(1, n);
}

static volatile unsigned long sink;

__attribute__((noinline)) static void burn(void)
{
	for (unsigned long i = 0; i < 300000000UL; i++)
		sink += i * i;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	/* KILN_TEST_NO_HOOKS: the program's malloc and pthread_mutex_lock are
	 * not libkiln's (ThreadSanitizer's, linked ahead of it), so heap and
	 * contention profiling must refuse, as when libkiln is dlopen'ed. */
	bool hooks = !getenv("KILN_TEST_NO_HOOKS");
	char path[4096];
	int port, rc;

	CHECK_STR(kiln_strerror(0), "success");
	CHECK_STR(kiln_strerror(KILN_EBUSY), "profiler already running");
	CHECK_STR(kiln_strerror(12345), "unknown error");
#define CHECK_NAMED(name, value, text) CHECK_STR(kiln_strerror(KILN_##name), text);
	KILN_ERRNO_MAP(CHECK_NAMED)

	CHECK_EQ(kiln_cpu_start(NULL), KILN_EINVAL);
	CHECK(strlen(kiln_last_error()) > 0);
	CHECK_EQ(kiln_cpu_stop(), KILN_ENOTRUNNING);
	CHECK_EQ(kiln_heap_write("/tmp/x"), KILN_ENOTRUNNING);
	CHECK_EQ(kiln_mutex_write("/tmp/x"), KILN_ENOTRUNNING);
	CHECK_EQ(kiln_block_write("/tmp/x"), KILN_ENOTRUNNING);
	CHECK_EQ(kiln_heap_start(-5), KILN_EINVAL);
	CHECK_EQ(kiln_http_start("127.0.0.1:notaport"), KILN_EINVAL);
	CHECK_EQ(kiln_http_port(), 0);
	CHECK_EQ(kiln_http_stop(), KILN_ENOTRUNNING);

	/* CPU round trip. */
	snprintf(path, sizeof(path), "%s/api-cpu.pb.gz", dir);
	CHECK_EQ(kiln_cpu_start(path), 0);
	CHECK_EQ(kiln_cpu_start(path), KILN_EBUSY);
	burn();
	CHECK_EQ(kiln_cpu_stop(), 0);
	CHECK(access(path, R_OK) == 0);

	/* Heap: the rate is fixed once started. */
	snprintf(path, sizeof(path), "%s/api-heap.pb.gz", dir);
	if (hooks) {
		CHECK_EQ(kiln_heap_start(4096), 0);
		CHECK_EQ(kiln_heap_start(4096), 0);
		CHECK_EQ(kiln_heap_start(8192), KILN_EBUSY);
		for (int i = 0; i < 1000; i++)
			sink += (unsigned long)malloc(1000);
		CHECK_EQ(kiln_heap_write(path), 0);
		CHECK_EQ(kiln_heap_write("/nonexistent-dir/h.pb.gz"), KILN_ENOENT);
		CHECK(strstr(kiln_last_error(), "nonexistent-dir") != NULL);
	} else {
		CHECK_EQ(kiln_heap_start(4096), KILN_ENOHOOKS);
		CHECK_EQ(kiln_heap_write(path), KILN_ENOTRUNNING);
	}

	snprintf(path, sizeof(path), "%s/api-mutex.pb.gz", dir);
	if (hooks) {
		CHECK_EQ(kiln_mutex_start(), 0);
		CHECK_EQ(kiln_mutex_start(), 0); /* idempotent */
		CHECK_EQ(kiln_mutex_write(path), 0);
	} else {
		CHECK_EQ(kiln_mutex_start(), KILN_ENOHOOKS);
		CHECK_EQ(kiln_mutex_write(path), KILN_ENOTRUNNING);
	}

	/* Blocking: the waits are hooked where the locks are. */
	snprintf(path, sizeof(path), "%s/api-block.pb.gz", dir);
	if (hooks) {
		CHECK_EQ(kiln_block_start(), 0);
		CHECK_EQ(kiln_block_start(), 0); /* idempotent */
		usleep(1000);
		CHECK_EQ(kiln_block_write(path), 0);
		CHECK(access(path, R_OK) == 0);
		CHECK_EQ(kiln_block_write(""), KILN_EINVAL);
	} else {
		CHECK_EQ(kiln_block_start(), KILN_ENOHOOKS);
		CHECK_EQ(kiln_block_write(path), KILN_ENOTRUNNING);
	}

	/* HTTP: one server; a taken port is reported as such. */
	CHECK_EQ(kiln_http_start("127.0.0.1:0"), 0);
	port = kiln_http_port();
	CHECK(port > 0);
	CHECK_EQ(kiln_http_start("127.0.0.1:0"), KILN_EBUSY);
	CHECK_EQ(kiln_http_stop(), 0);
	{
		/* a port someone else listens on */
		struct sockaddr_in sa = { .sin_family = AF_INET };
		socklen_t len = sizeof(sa);
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		char addr[64];

		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 1) == 0);
		getsockname(fd, (struct sockaddr *)&sa, &len);
		snprintf(addr, sizeof(addr), "127.0.0.1:%d", ntohs(sa.sin_port));
		CHECK_EQ(kiln_http_start(addr), KILN_EADDRINUSE);
		close(fd);
		CHECK_EQ(kiln_http_start(addr), 0);
		CHECK_EQ(kiln_http_port(), ntohs(sa.sin_port));
	}
	rc = kiln_http_stop();
	CHECK_EQ(rc, 0);
	return CHECK_DONE();
}
