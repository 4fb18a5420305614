/* dlopens a library that allocates (dlclose-lib.c), keeps blocks it
 * allocated, dlcloses it, allocates and computes more, then exits: the
 * profiles written at exit see addresses of an unmapped library.
 * Usage: dlclose-work LIBRARY; prints a checksum of its own work. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	void *h = dlopen(argc > 1 ? argv[1] : "libdlclose-lib.so", RTLD_NOW | RTLD_LOCAL);
	unsigned long sum = 0;

	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 2;
	}
	void **(*work)(int, size_t) = (void **(*)(int, size_t))dlsym(h, "lib_work");
	if (!work) {
		fprintf(stderr, "dlsym: %s\n", dlerror());
		return 2;
	}
	void **kept = work(2000, 64);
	if (dlclose(h) != 0) {
		fprintf(stderr, "dlclose: %s\n", dlerror());
		return 2;
	}
	for (int i = 0; i < 20000; i++) {
		char *p = malloc(1024);
		if (!p)
			return 3;
		p[0] = (char)i;
		sum += (unsigned char)p[0];
		free(p);
	}
	for (volatile unsigned long i = 0; i < 300000000UL; i++)
		sum += i & 1;
	for (int i = 0; kept && i < 64; i++)
		free(kept[i]);
	free(kept);
	printf("%lu\n", sum);
	return 0;
}
