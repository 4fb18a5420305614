/* cli_load_profile(): sniff the first bytes, route perf.data to perfdata. */
#include "profile-input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <unistd.h>

#include "../base/buf.h"
#include "../perfdata/perfdata.h"
#include "../profile/sniff.h"
#include "cli.h"

static bool perf_magic(const char *b, size_t n)
{
	return n >= 8 && (!memcmp(b, "PERFILE2", 8) || !memcmp(b, "2ELIFREP", 8) ||
			  !memcmp(b, "PERFFILE", 8));
}

static int from_perfdata(const struct kbuf *b, bool per_sample, struct profile **out,
			 struct kerr *err)
{
	struct perfdata_opts po = { .kallsyms_cache = cli_cache_dir(), .per_sample = per_sample };

	/* libtraceevent prints its parse warnings itself: kiln reports what
	 * matters from the result. Process-wide, so the cli sets it. */
	tep_set_loglevel(TEP_LOG_NONE);

	return perfdata_to_profile(b->buf, b->len, &po, out, NULL, err);
}

int cli_load_profile(const char *path, const struct profile_decode_opts *o, bool per_sample,
		     struct profile **out, struct kerr *err)
{
	size_t max = o && o->max_size ? (size_t)o->max_size : (size_t)PROFILE_DECODE_MAX_DEFAULT;
	struct kbuf b = KBUF_INIT;
	char magic[8];
	ssize_t got;
	int fd, ret;

	*out = NULL;
	if (strcmp(path, "-")) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return profile_read_file(path, o, out, err); /* its message */
		got = pread(fd, magic, sizeof(magic), 0);
		if (got < 0 || !perf_magic(magic, (size_t)got)) {
			close(fd);
			return profile_read_file(path, o, out, err);
		}
		ret = kbuf_read_fd(&b, fd, max);
		close(fd);
	} else {
		ret = kbuf_read_fd(&b, 0, max);
	}
	if (ret < 0) {
		kerr_set(err, ret, "%s", strerror(-ret));
	} else if (perf_magic(b.buf, b.len)) {
		ret = from_perfdata(&b, per_sample, out, err);
	} else {
		ret = profile_decode(b.buf, b.len, o, out, err);
	}
	if (ret < 0)
		kerr_prefix(err, "%s", strcmp(path, "-") ? path : "standard input");
	kbuf_release(&b);
	return ret;
}
