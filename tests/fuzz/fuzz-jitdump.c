/* libFuzzer target for jitdump files (symbols/jitdump.h), which JITs write
 * and kiln inject --jit reads: the whole input is the file, parsed from
 * memory; then every load it kept is looked up at its start, middle and
 * end, and some addresses around them. */
#include <stdint.h>
#include <string.h>

#include "../../src/symbols/jitdump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	volatile size_t sink = 0;
	struct jitdump *j;
	struct sym_frame f;

	if (jitdump_parse(data, size, &j, NULL) < 0)
		return 0;
	/* Addresses as the seeds and their mutations use them. */
	for (uint64_t a = 0; a < 0x2000; a += 0x10) {
		uint64_t probes[] = { a, 0x7f0000000000ull + a, 0x1000000ull + a, UINT64_MAX - a };

		for (size_t k = 0; k < sizeof(probes) / sizeof(probes[0]); k++) {
			const struct jitdump_code *c = jitdump_find(j, probes[k]);

			if (c && c->size)
				sink += c->code[0] + c->code[c->size - 1] + touch(c->name);
			if (jitdump_lookup(j, probes[k], &f))
				sink += touch(f.name) + touch(f.file) + (size_t)f.line;
		}
	}
	sink += j->n_code + j->n_moves + j->truncated;
	jitdump_free(j);
	(void)sink;
	return 0;
}
