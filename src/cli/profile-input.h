/* Reading any profile a command is given: perf.data (PERFILE2) goes to
 * src/perfdata, everything else to profile_read_file(). Routing is by
 * content, so profile/ never depends on perfdata. */
#ifndef KILN_CLI_PROFILE_INPUT_H
#define KILN_CLI_PROFILE_INPUT_H

#include <stdbool.h>

#include "../base/err.h"
#include "../profile/decode.h"

/* Opens path ("-": standard input) into *out (caller frees). per_sample:
 * a perf.data keeps every sample apart with its time and cpu (script).
 * Returns 0, or -errno with a message prefixed by the path. */
int cli_load_profile(const char *path, const struct profile_decode_opts *o, bool per_sample,
		     struct profile **out, struct kerr *err);

#endif
