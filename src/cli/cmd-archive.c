/* kiln archive: one tar of the binaries and debug files a profile needs,
 * by build id, that unpacks into a build-id cache (build/archive.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/buf.h"
#include "../base/textsafe.h"
#include "../build/resym.h"
#include "../profile/decode.h"
#include "cli.h"
#include "input-limits.h"
#include "../opts/options.h"
#include "symbolize.h"

static const char usage_text[] =
	"kiln archive [PROFILE] [-o OUT.tar]\n"
	"\n"
	"Writes one tar of every binary and separate debug file PROFILE's\n"
	"mappings name (default kiln.pb.gz; the tar is PROFILE.tar), laid out\n"
	"as perf archive's and perf's build-id cache: PATH/BUILDID/elf,\n"
	"PATH/BUILDID/debug and .build-id/xx/yyyy links. Unpacked into\n"
	"~/.debug (tar xf OUT.tar -C ~/.debug) or any folder given to\n"
	"--symfs, it lets kiln report, perf report and pprof (PPROF_BINARY_PATH)\n"
	"symbolize the profile on another machine.\n"
	"\n"
	"Examples:\n"
	"  kiln archive kiln.pb.gz\n"
	"      kiln.pb.gz.tar, with the files kiln.pb.gz names\n"
	"  kiln archive -o app.tar cpu.pb.gz\n"
	"      the same for cpu.pb.gz, into app.tar\n"
	"  kiln archive --symfs / kiln.pb.gz -o all.tar\n"
	"      look for the files under / first\n";

int cmd_archive(int argc, const char **argv)
{
	const char *output = NULL, *input = "kiln.pb.gz";
	const struct option_def opts[] = {
		{ OPT_STRING, 'o', "output", &output, "OUT.tar", "the archive (default PROFILE.tar)", NULL, false },
		CLI_SYMFS_OPTION,
		CLI_MAX_MEMORY_OPTION,
		OPT_END_(),
	};
	struct profile_decode_opts d = cli_decode_opts();
	struct kerr err = KERR_INIT;
	struct kbuf warn = KBUF_INIT, name = KBUF_INIT, tmp = KBUF_INIT;
	struct sym_locate_opts lo = { 0 };
	struct profile *p = NULL;
	size_t n_files = 0;
	char **dirs = NULL;
	int n, fd = -1, status = 1;

	n = cli_options_parse(argc, argv, opts, usage_text, 0, &err);
	if (n == OPTIONS_HELP)
		return 0;
	if (n < 0 || n > 1) {
		cli_error("archive: %s", n < 0 ? err.msg : "one profile at a time");
		return 1;
	}
	if (n == 1)
		input = argv[0];
	if (!output) {
		kbuf_addf(&name, "%s.tar", input);
		output = name.buf;
	}
	if (profile_read_file(input, &d, &p, &err) < 0)
		goto fail;
	cli_locate_opts(&lo, &dirs);
	/* written under a temporary name, renamed when complete */
	kbuf_addf(&tmp, "%s.tmp.XXXXXX", output);
	if ((fd = mkstemp(tmp.buf)) < 0) {
		kerr_set(&err, -errno, "cannot create %s: %s", output, strerror(errno));
		goto fail;
	}
	if (profile_archive(p, &lo, fd, &n_files, &warn, &err) < 0 || fsync(fd) < 0 ||
	    close(fd) < 0) {
		if (!err.code)
			kerr_set(&err, -errno, "writing %s: %s", output, strerror(errno));
		fd = -1;
		unlink(tmp.buf);
		goto fail;
	}
	fd = -1;
	if (rename(tmp.buf, output) < 0) {
		kerr_set(&err, -errno, "cannot write %s: %s", output, strerror(errno));
		unlink(tmp.buf);
		goto fail;
	}
	chmod(output, 0644);
	if (warn.len)
		text_fputs(warn.buf, TEXT_KEEP_NL, stderr);
	fprintf(stderr, "Now please run:\n\n$ tar xf %s -C ~/.debug\n\n"
		"wherever you want to analyze %s (%zu files).\n", output, input, n_files);
	status = 0;
	goto out;
fail:
	if (warn.len)
		text_fputs(warn.buf, TEXT_KEEP_NL, stderr);
	cli_error("archive: %s", err.msg);
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp.buf);
	}
	cli_locate_release(&lo, dirs);
	profile_free(p);
	kbuf_release(&warn);
	kbuf_release(&name);
	kbuf_release(&tmp);
	return status;
}
