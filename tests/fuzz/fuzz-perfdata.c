/* libFuzzer target for perf.data reading (src/perfdata): the input is a
 * whole perf.data, file mode (PERFILE2 header, attributes, data, feature
 * sections) or pipe mode (a stream of records). It goes through
 * perfdata_to_profile() as kiln report reads it (addresses only: the
 * symbolizer would open the files the input names), both with aggregated
 * and with per-sample stacks, through the build-id list and perf evlist's
 * text. Any input must fail with one line and no leak, or give a profile
 * that checks valid and encodes. seeds/perfdata/ holds small perf.data
 * files perf 6.1 wrote on this machine (file and pipe mode, -g, two
 * events, a tracepoint). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/base/buf.h"
#include "../../src/perfdata/perfdata.h"
#include "../../src/profile/decode.h"
#include "../../src/profile/encode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void convert(const uint8_t *data, size_t size, bool per_sample)
{
	struct perfdata_opts o = { .per_sample = per_sample, .no_symbols = true };
	struct kerr err = KERR_INIT;
	struct profile *p = NULL;
	struct kbuf out = KBUF_INIT;

	if (perfdata_to_profile(data, size, &o, &p, NULL, &err) < 0) {
		if (!err.msg[0] || strchr(err.msg, '\n'))
			abort(); /* one line, always */
		return;
	}
	if (profile_check(p, &err) < 0)
		abort();
	profile_encode(p, &out);
	kbuf_release(&out);
	profile_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perfdata_buildid *ids;
	struct perfdata *pd;
	struct kbuf text = KBUF_INIT;
	size_t n;

	convert(data, size, false);
	convert(data, size, true);
	if (perfdata_buildids(data, size, &ids, &n, NULL) == 0)
		perfdata_buildids_free(ids, n);
	{
		struct perfdata_kmap *km;
		if (perfdata_kernel_maps(data, size, &km, &n, NULL) == 0)
			perfdata_kmaps_free(km, n);
	}
	if (perfdata_open(data, size, &pd, NULL) == 0) {
		perfdata_evlist(pd, true, false, false, &text);
		perfdata_evlist(pd, false, true, false, &text);
		perfdata_evlist(pd, false, false, true, &text);
		perfdata_free(pd);
	}
	kbuf_release(&text);
	return 0;
}
