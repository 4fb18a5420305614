/* libFuzzer target for the non-proto sources: the sniffer, pprof's legacy
 * formats, folded stacks and perf script text. Each input goes through
 * profile_decode() (routed by profile_sniff(), as kiln report reads a
 * file) and through each text parser directly, so every parser sees every
 * input whatever the sniffer says. Any input must either fail with one
 * line and nothing allocated, or give a profile that is valid (it encodes
 * and decodes again) and renders -top and -traces; all within the same
 * memory bound as the proto decoder's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/profile/decode.h"
#include "../../src/profile/encode.h"
#include "../../src/profile/legacy.h"
#include "../../src/profile/sniff.h"
#include "../../src/profile/textdec.h"
#include "../../src/report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MEMORY (64u << 20)

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

static void check(int ret, struct profile *p, const struct kerr *err)
{
	struct profile *again = NULL;
	struct kerr e2 = KERR_INIT;
	struct kbuf raw = KBUF_INIT;

	if (ret < 0) {
		if (p || !err->msg[0] || strchr(err->msg, '\n'))
			abort(); /* errors are one line, and leave nothing behind */
		return;
	}
	if (!p)
		abort();
	profile_encode(p, &raw);
	if (profile_decode(raw.buf, raw.len, NULL, &again, &e2) < 0)
		abort(); /* what we read, we must be able to write and read */
	profile_free(again);
	kbuf_release(&raw);
	report(p, REPORT_TOP);
	report(p, REPORT_TRACES);
	profile_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile_decode_opts opts = { 16u << 20, MAX_MEMORY };
	struct kerr err = KERR_INIT;
	struct profile *p = NULL;
	int ret;

	(void)profile_kind_name(profile_sniff(data, size));
	ret = profile_decode(data, size, &opts, &p, &err);
	check(ret, p, &err);

	p = NULL;
	memset(&err, 0, sizeof(err));
	ret = profile_parse_legacy((const char *)data, size, MAX_MEMORY, &p, &err);
	check(ret, p, &err);
	p = NULL;
	memset(&err, 0, sizeof(err));
	ret = profile_parse_folded((const char *)data, size, MAX_MEMORY, &p, &err);
	check(ret, p, &err);
	p = NULL;
	memset(&err, 0, sizeof(err));
	ret = profile_parse_perf_script((const char *)data, size, MAX_MEMORY, &p, &err);
	check(ret, p, &err);
	return 0;
}
