/* Workload for nomem.sh: libkiln's writer calls, each made twice, so that
 * with KILN_TEST_FAIL_ALLOC=N (an allocation failure injected into the
 * first writer call of the process) the first may fail and the second must
 * work. Built twice:
 *   nomemwork-api MODE DIR, linked with libkiln: MODE is heap (two
 *     kiln_heap_write), mutex (two kiln_mutex_write), cpu (two
 *     kiln_cpu_start/kiln_cpu_stop) or http URL (two requests of URL from
 *     kiln_http_start's server: "/debug/pprof/heap", "/debug/pprof/threads",
 *     or "symbol", a POST of this program's main to /debug/pprof/symbol);
 *     writes DIR/p1.pb.gz and DIR/p2.pb.gz (the bodies, for http)
 *     and prints "call1 RC MESSAGE" and "call2 RC MESSAGE" (for http, RC is
 *     the HTTP status), then "done";
 *   nomemwork STATUS, plain, for LD_PRELOAD: allocates at a known site,
 *     prints "done" and exits with STATUS. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef USE_API
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kiln.h"
#endif

static void *volatile sink;
static void *kept[256];

__attribute__((noinline)) void keep_blocks(void)
{
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		kept[i] = malloc(1000 + i);
}

__attribute__((noinline)) void churn_blocks(void)
{
	for (int i = 0; i < 2000; i++) {
		void *p = malloc(4096);
		sink = p;
		free(p);
	}
}

#ifdef USE_API
static char path1[4096], path2[4096];

static void report(int call, int rc)
{
	printf("call%d %d %s\n", call, rc, rc ? kiln_last_error() : "");
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static volatile long counter;

static void *contend(void *unused)
{
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&mu);
		for (int j = 0; j < 50; j++)
			counter++;
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

__attribute__((noinline)) static void burn(void)
{
	volatile double x = 1;

	for (long i = 0; i < 5000000; i++)
		x = x * 1.0000001 + 1e-9;
}

int main(int argc, char **argv);

/* GET `url` from the server on `port` ("symbol": POST main's address to
 * /debug/pprof/symbol); the body goes to `out`. Returns the HTTP status,
 * or -1 when the exchange itself failed. */
static int http_get(int port, const char *url, const char *out)
{
	struct sockaddr_in sa;
	char req[512], buf[65536];
	size_t len = 0, cap = 1 << 20;
	char *resp = malloc(cap);
	int fd, status = -1;
	ssize_t n;

	if (!resp)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		goto out;
	if (strcmp(url, "symbol") == 0) {
		char body[64];
		int blen = snprintf(body, sizeof(body), "%#lx", (unsigned long)(uintptr_t)main);
		snprintf(req, sizeof(req), "POST /debug/pprof/symbol HTTP/1.0\r\nHost: localhost\r\n"
			 "Content-Length: %d\r\n\r\n%s", blen, body);
	} else {
		snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n", url);
	}
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		goto out;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (len + (size_t)n > cap)
			goto out;
		memcpy(resp + len, buf, (size_t)n);
		len += (size_t)n;
	}
	char *body = memmem(resp, len, "\r\n\r\n", 4);
	if (len < 12 || strncmp(resp, "HTTP/1.", 7) != 0 || !body)
		goto out;
	status = atoi(resp + 9);
	body += 4;
	FILE *f = fopen(out, "w");
	if (!f || fwrite(body, 1, len - (size_t)(body - resp), f) != len - (size_t)(body - resp))
		status = -1;
	if (f && fclose(f) != 0)
		status = -1;
	if (status != 200)
		printf("body%s: %.*s", out + strlen(out) - 8, (int)(len - (size_t)(body - resp)),
		       body);
out:
	if (fd >= 0)
		close(fd);
	free(resp);
	return status;
}

int main(int argc, char **argv)
{
	const char *mode;
	int rc;

	if (argc != 3 && !(argc == 4 && !strcmp(argv[1], "http"))) {
		fprintf(stderr, "usage: %s heap|mutex|cpu|http DIR [URL]\n", argv[0]);
		return 2;
	}
	mode = argv[1];
	snprintf(path1, sizeof(path1), "%s/p1.pb.gz", argv[2]);
	snprintf(path2, sizeof(path2), "%s/p2.pb.gz", argv[2]);
	if (!strcmp(mode, "heap") || !strcmp(mode, "http")) {
		if ((rc = kiln_heap_start(4096))) {
			fprintf(stderr, "kiln_heap_start: %s\n", kiln_last_error());
			return 1;
		}
		keep_blocks();
		churn_blocks();
	}
	if (!strcmp(mode, "heap")) {
		report(1, kiln_heap_write(path1));
		report(2, kiln_heap_write(path2));
	} else if (!strcmp(mode, "mutex")) {
		pthread_t t[2];
		if ((rc = kiln_mutex_start())) {
			fprintf(stderr, "kiln_mutex_start: %s\n", kiln_last_error());
			return 1;
		}
		for (int i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, contend, NULL);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		report(1, kiln_mutex_write(path1));
		report(2, kiln_mutex_write(path2));
	} else if (!strcmp(mode, "cpu")) {
		for (int call = 1; call <= 2; call++) {
			if ((rc = kiln_cpu_start(call == 1 ? path1 : path2))) {
				printf("call%d start %d %s\n", call, rc, kiln_last_error());
				return 1;
			}
			burn();
			report(call, kiln_cpu_stop());
		}
	} else if (!strcmp(mode, "http")) {
		int port;
		if ((rc = kiln_http_start("127.0.0.1:0"))) {
			fprintf(stderr, "kiln_http_start: %s\n", kiln_last_error());
			return 1;
		}
		port = kiln_http_port();
		const char *url = argc == 4 ? argv[3] : "/debug/pprof/heap";
		printf("call1 %d\n", http_get(port, url, path1));
		printf("call2 %d\n", http_get(port, url, path2));
		kiln_http_stop();
	} else {
		fprintf(stderr, "unknown mode %s\n", mode);
		return 2;
	}
	printf("done\n");
	return 0;
}
#else
int main(int argc, char **argv)
{
	keep_blocks();
	churn_blocks();
	printf("done\n");
	return argc > 1 ? atoi(argv[1]) : 0;
}
#endif
