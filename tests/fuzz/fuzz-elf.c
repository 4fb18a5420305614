/* libFuzzer target for the symbols module's reading of binaries: the input
 * is opened as an in-memory ELF image (program and section headers, notes,
 * debuglink, symbol tables, DWARF units, lines and scopes) and symbolized
 * at offsets spread over it. Every returned string is read in full so that
 * ASan sees a dangling one.
 *   CC=clang meson setup build-fuzz -Dfuzz=true
 *   build-fuzz/tests/fuzz/fuzz-elf CORPUS_DIR */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../src/symbols/symbols.h"

#define LOOKUPS 128
#define MAX_FRAMES 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static size_t touch_frames(const struct sym_frame *fr, int n)
{
	size_t sum = 0;

	for (int i = 0; i < n; i++)
		sum += touch(fr[i].name) + touch(fr[i].system_name) + touch(fr[i].file);
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct symbolizer *s = symbolizer_new();
	struct sym_frame fr[MAX_FRAMES];
	volatile size_t sink = 0;
	struct sym_file *f;

	/* No file system: debug files are not part of the input. */
	symbolizer_set_debug_dir(s, NULL);
	if (sym_file_open_memory(s, "fuzz", data, size, &f, NULL) == 0) {
		const struct sym_file_info *fi = sym_file_info(f);
		size_t step = size / LOOKUPS + 1;

		sink += touch(fi->build_id) + touch(fi->path);
		for (size_t off = 0; off < size; off += step)
			sink += touch_frames(fr, sym_file_lookup(f, off, fr, MAX_FRAMES));
		if (size >= 8) {
			uint64_t v;

			memcpy(&v, data + size - 8, sizeof(v));
			sink += touch_frames(fr, sym_file_lookup_vaddr(f, v, fr, MAX_FRAMES));
			sink += touch_frames(fr, sym_file_lookup_vaddr(f, v & 0xffff, fr, 2));
		}
	}
	symbolizer_free(s);
	(void)sink;
	return 0;
}
