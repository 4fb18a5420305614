/* perf buildid-list's lines for a profile: "<build id> <path>" per mapping
 * with a build id, each build id once, as perf lists each DSO once. */
#ifndef KILN_REPORT_BUILDIDS_H
#define KILN_REPORT_BUILDIDS_H

#include <stdbool.h>

#include "../base/buf.h"
#include "../profile/profile.h"

/* Appends the lines to out; with_hits keeps the mappings some sample's
 * location lies in (perf buildid-list -H). p must be indexed. */
void perf_buildid_list(const struct profile *p, bool with_hits, struct kbuf *out);

#endif
