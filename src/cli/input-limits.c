/* --max-memory and its default (see input-limits.h). */
#include "input-limits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Set by --max-memory; 0 = the default. cli state: one command per run. */
static uint64_t max_memory;

int cli_opt_max_memory(const struct option_def *opt, const char *arg, struct kerr *err)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	(void)opt;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || arg[0] == '-')
		goto bad;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (shift && *end == 'i')
		end++;
	if (*end == 'B' || (*end == 'b' && !shift))
		end++;
	if (*end || v == 0 || v > (UINT64_MAX >> shift))
		goto bad;
	max_memory = (uint64_t)v << shift;
	return 0;
bad:
	return kerr_set(err, -EINVAL, "--max-memory: '%s' is not a size (e.g. 512M, 4G)", arg);
}

static uint64_t default_max_memory(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	uint64_t ram, floor;

	if (pages <= 0 || page <= 0)
		return (uint64_t)4 << 30;
	ram = (uint64_t)pages * (uint64_t)page;
	floor = ram / 2 < ((uint64_t)1 << 30) ? ram / 2 : (uint64_t)1 << 30;
	return ram / 8 > floor ? ram / 8 : floor;
}

struct profile_decode_opts cli_decode_opts(void)
{
	struct profile_decode_opts o;

	memset(&o, 0, sizeof(o));
	o.max_memory = max_memory ? max_memory : default_max_memory();
	return o;
}
