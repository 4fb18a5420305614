/* A tiny JIT: copies a counting loop into anonymous executable memory,
 * names it in /tmp/perf-PID.map (the perf JIT convention) and runs it.
 * Usage: jit [SECONDS]. The map file is left for the profiler; the test
 * removes it. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "spin.h"

/* mov rcx, 20000000; 1: dec rcx; jnz 1b; ret */
static const unsigned char code[] = {
	0x48, 0xc7, 0xc1, 0x00, 0x2d, 0x31, 0x01,
	0x48, 0xff, 0xc9,
	0x75, 0xfb,
	0xc3,
};

int main(int argc, char **argv)
{
	double end = now_s() + arg_seconds(argc, argv, 1.0);
	unsigned char *mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void (*fn)(void);
	char path[64];
	FILE *f;

	if (mem == MAP_FAILED)
		return 2;
	memcpy(mem + 64, code, sizeof(code));
	fn = (void (*)(void))(mem + 64);
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return 2;
	fprintf(f, "%lx %zx jitted_hot_loop\n", (unsigned long)(mem + 64), sizeof(code));
	fclose(f);
	while (now_s() < end)
		fn();
	return 0;
}
