/* libFuzzer target for the text symbol maps of the symbols module: JIT
 * maps (/tmp/perf-PID.map, written by any JIT) when the first input byte
 * is even, kallsyms format when odd. The rest of the input is the file,
 * served from a memfd so no input touches the disk. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../src/symbols/symbols.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	volatile size_t sink = 0;
	struct sym_frame f;

	if (fd < 0) {
		fd = memfd_create("fuzz-symmaps", 0);
		if (fd < 0)
			return 0;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (size < 1 || ftruncate(fd, 0) != 0 ||
	    pwrite(fd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
		return 0;
	if (data[0] % 2 == 0) {
		struct perfmap *m;

		if (perfmap_load_file(path, &m, NULL) == 0) {
			for (uint64_t a = 0; a < 0x4000; a += 0x80) {
				if (perfmap_lookup(m, 0x7f0000000000ull + a, &f))
					sink += touch(f.name) + touch(f.system_name);
				if (perfmap_lookup(m, a, &f))
					sink += touch(f.name) + touch(f.system_name);
			}
			perfmap_free(m);
		}
	} else {
		struct ksyms *k;
		uint64_t start, end;

		if (ksyms_load_file(path, &k, NULL) == 0) {
			ksyms_text_range(k, &start, &end);
			for (uint64_t a = start; a - start < 0x4000 && a >= start; a += 0x40) {
				if (ksyms_lookup(k, a, &f))
					sink += touch(f.name);
			}
			ksyms_free(k);
		}
	}
	(void)sink;
	return 0;
}
