/* libFuzzer target for the RE2-to-POSIX regex translation of the profile
 * module (src/profile/rx.c), which every filter option goes through
 * (-focus, -ignore, -hide, -show, -tagfocus, drop_frames...), from the
 * command line and from kiln web's URL parameters alike.
 *
 * The input is a flags byte (bit 0: full match, as drop_frames is
 * compiled), the pattern up to the first NUL, then subject strings
 * separated by NULs; each subject and a few typical function names are
 * matched against the compiled pattern. Checked: compiling succeeds or
 * fails with a one-line message, and a failed compile matches nothing.
 * seeds/rx/ holds patterns as pprof users write them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile/rx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"main", "runtime.mallocgc", "std::vector<int, std::allocator<int> >::push_back(int const&)",
	"github.com/google/pprof/profile.(*Profile).Merge", "__libc_start_main",
	"[kernel.kallsyms]", "fib /app/fib.js:3", "", "UPPER_case_123",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct krx rx = KRX_INIT;
	struct kerr err = KERR_INIT;
	char *in, *subj, *end;
	volatile int hits = 0;

	/* Patterns are typed by people: a few hundred bytes at most. */
	if (size < 1 || size > 4096)
		return 0;
	in = malloc(size);
	if (!in)
		abort();
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0';
	end = in + size - 1;
	if (krx_compile(&rx, in, data[0] & 1, &err) == 0) {
		if (!rx.set)
			abort();
		for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
			hits += krx_match(&rx, names[i]);
		for (subj = in + strlen(in); subj < end; subj += strlen(subj)) {
			subj++;
			hits += krx_match(&rx, subj);
		}
	} else {
		if (rx.set || !err.msg[0] || (strchr(err.msg, '\n') && !strchr(in, '\n')))
			abort();
		if (krx_match(&rx, "main"))
			abort();
	}
	krx_free(&rx);
	krx_free(&rx); /* NULL-tolerant and idempotent */
	free(in);
	(void)hits;
	return 0;
}
