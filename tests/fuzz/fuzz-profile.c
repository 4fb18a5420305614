/* libFuzzer target for the profile.proto decoder and what runs on its
 * output: any input either fails to decode with an error, or yields a
 * profile that re-encodes and decodes again, compacts, and renders -top and
 * -traces reports. Also linked into tests/report/fuzz-replay.c so the
 * default (gcc) build replays a corpus and mutations through it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/profile/decode.h"
#include "../../src/profile/encode.h"
#include "../../src/profile/merge.h"
#include "../../src/report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void report(struct profile *p, enum report_format f)
{
	struct report_opts o;
	struct kbuf out = KBUF_INIT, notes = KBUF_INIT;
	struct kerr err = KERR_INIT;

	report_opts_init(&o);
	o.format = f;
	report_generate(p, &o, &out, &notes, &err);
	kbuf_release(&out);
	kbuf_release(&notes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A small cap keeps gzip bombs from eating the fuzzer's memory. */
	struct profile_decode_opts opts = { 16u << 20 };
	struct kerr err = KERR_INIT;
	struct profile *p = NULL, *again = NULL;
	struct kbuf raw = KBUF_INIT;

	if (profile_decode(data, size, &opts, &p, &err) < 0) {
		if (p || !err.msg[0] || strchr(err.msg, '\n'))
			abort(); /* errors are one line, and leave nothing behind */
		return 0;
	}
	profile_encode(p, &raw);
	if (profile_decode(raw.buf, raw.len, NULL, &again, &err) < 0)
		abort(); /* what we decoded, we must be able to write and read */
	profile_free(again);
	kbuf_release(&raw);
	if (profile_compact(&p, &err) == 0) {
		report(p, REPORT_TRACES);
		report(p, REPORT_TOP);
	}
	profile_free(p);
	return 0;
}
