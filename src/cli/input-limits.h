/* How much memory reading a profile may take: `--max-memory SIZE` on every
 * command that reads profiles (report, web, diff, script, annotate).
 *
 * A megabyte of gzip can describe a billion empty samples, which decode to
 * tens of gigabytes; without a bound kiln would take the machine down
 * before it found the file unreasonable. The default is a share of the
 * machine's RAM: 1/8, but never below min(1 GiB, RAM/2), so ordinary large
 * profiles (hundreds of MB compressed) load and a bomb stops early. */
#ifndef KILN_CLI_INPUT_LIMITS_H
#define KILN_CLI_INPUT_LIMITS_H

#include <stdint.h>

#include "../profile/decode.h"
#include "../opts/options.h"

/* The option's callback: parses SIZE (bytes, or with K, M, G, T: powers of
 * 1024, an optional trailing "B"/"iB") into the command's limit. */
int cli_opt_max_memory(const struct option_def *opt, const char *arg, struct kerr *err);

#define CLI_MAX_MEMORY_OPTION                                                        \
	{ OPT_CALLBACK, 0, "max-memory", NULL, "SIZE",                               \
	  "stop reading profiles that need more memory than SIZE (default: 1/8 of RAM)", \
	  cli_opt_max_memory, false }

/* Decode options with the limit set by --max-memory, or the default. */
struct profile_decode_opts cli_decode_opts(void);

#endif
