/* libkiln loaded with dlopen after start-up cannot interpose malloc or
 * pthread_mutex_lock (the program is bound to libc's): heap and mutex
 * profiling refuse with KILN_ENOHOOKS instead of producing empty profiles,
 * while CPU profiling works. Also proves libkiln's static TLS fits what
 * glibc keeps for dlopen'ed libraries. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "kiln.h"
#include "../unit/check.h"

int main(int argc, char **argv)
{
	const char *lib = getenv("LIBKILN");
	char path[4096];
	void *h;

	h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "dlopen %s: %s\n", lib, dlerror());
		return 1;
	}
	int (*heap_start)(long) = (int (*)(long))dlsym(h, "kiln_heap_start");
	int (*mutex_start)(void) = (int (*)(void))dlsym(h, "kiln_mutex_start");
	int (*cpu_start)(const char *) = (int (*)(const char *))dlsym(h, "kiln_cpu_start");
	int (*cpu_stop)(void) = (int (*)(void))dlsym(h, "kiln_cpu_stop");
	CHECK(heap_start && mutex_start && cpu_start && cpu_stop);
	if (!heap_start || !mutex_start || !cpu_start || !cpu_stop)
		return CHECK_DONE();
	CHECK_EQ(heap_start(0), KILN_ENOHOOKS);
	CHECK_EQ(mutex_start(), KILN_ENOHOOKS);
	snprintf(path, sizeof(path), "%s/dlopen-cpu.pb.gz", argc > 1 ? argv[1] : "/tmp");
	CHECK_EQ(cpu_start(path), 0);
	CHECK_EQ(cpu_stop(), 0);
	return CHECK_DONE();
}
