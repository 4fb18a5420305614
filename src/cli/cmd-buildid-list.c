/* kiln buildid-list: perf buildid-list's "<build id> <path>" lines, for a
 * profile's mappings, or a binary's own build id (-i BINARY). The input
 * is routed by what profile_sniff() says it is; a perf.data's build ids
 * are those its header and MMAP2 records name (perfdata_buildids). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../perfdata/perfdata.h"
#include "../profile/decode.h"
#include "../profile/sniff.h"
#include "../report/buildids.h"
#include "../symbols/symbols.h"
#include "cli.h"
#include "input-limits.h"
#include "../opts/options.h"

static const char usage_text[] =
	"kiln buildid-list [-i FILE] [-H]\n"
	"\n"
	"Prints the build ids a profile's mappings recorded, '<build id> <path>'\n"
	"per line as perf buildid-list does, or the build id of an ELF binary.\n"
	"Without -i, kiln.pb.gz is read.\n"
	"\n"
	"Examples:\n"
	"  kiln buildid-list -i kiln.pb.gz\n"
	"      the binaries kiln.pb.gz's samples came from, by build id\n"
	"  kiln buildid-list -H -i cpu.pb.gz\n"
	"      only those with samples in them\n"
	"  kiln buildid-list -i ./app\n"
	"      the build id of ./app\n";

static int sniff_file(const char *path, enum profile_kind *k, struct kerr *err)
{
	char buf[PROFILE_SNIFF_BYTES];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return kerr_set(err, -errno, "%s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return kerr_set(err, -errno, "%s: %s", path, strerror(errno));
	*k = profile_sniff(buf, (size_t)n);
	return 0;
}

static int elf_build_id(const char *path, struct kbuf *out, struct kerr *err)
{
	struct symbolizer *s = symbolizer_new();
	struct sym_file *f;
	int ret = sym_file_open(s, path, &f, err);

	if (ret == 0 && !*sym_file_info(f)->build_id)
		ret = kerr_set(err, -ENODATA, "%s has no build id", path);
	if (ret == 0)
		kbuf_addf(out, "%s\n", sym_file_info(f)->build_id);
	symbolizer_free(s);
	return ret;
}

static int profile_build_ids(const char *path, bool with_hits, struct kbuf *out, struct kerr *err)
{
	struct profile_decode_opts d = cli_decode_opts();
	struct profile *p;
	int ret;

	if ((ret = profile_read_file(path, &d, &p, err)) < 0)
		return ret;
	perf_buildid_list(p, with_hits, out);
	profile_free(p);
	return 0;
}

static int perfdata_build_ids(const char *path, struct kbuf *out, struct kerr *err)
{
	struct perfdata_buildid *v = NULL;
	struct kbuf b = KBUF_INIT;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return kerr_set(err, -errno, "%s: %s", path, strerror(errno));
	ret = kbuf_read_fd(&b, fd, (size_t)PROFILE_DECODE_MAX_DEFAULT);
	close(fd);
	if (ret < 0)
		ret = kerr_set(err, ret, "%s: %s", path, strerror(-ret));
	else if ((ret = perfdata_buildids(b.buf, b.len, &v, &n, err)) < 0)
		kerr_prefix(err, "%s", path);
	for (size_t i = 0; ret == 0 && i < n; i++)
		kbuf_addf(out, "%s %s\n", v[i].build_id, v[i].filename);
	perfdata_buildids_free(v, n);
	kbuf_release(&b);
	return ret;
}

int cmd_buildid_list(int argc, const char **argv)
{
	const char *input = NULL;
	bool with_hits = false;
	const struct option_def opts[] = {
		{ OPT_STRING, 'i', "input", &input, "FILE", "profile or ELF binary (default kiln.pb.gz)", NULL, false },
		{ OPT_BOOL, 'H', "with-hits", &with_hits, NULL, "only binaries with samples", NULL, false },
		CLI_MAX_MEMORY_OPTION,
		OPT_END_(),
	};
	struct kerr err = KERR_INIT;
	struct kbuf out = KBUF_INIT;
	enum profile_kind kind = PROFILE_KIND_PROTO;
	int n, ret;

	n = cli_options_parse(argc, argv, opts, usage_text, 0, &err);
	if (n == OPTIONS_HELP)
		return 0;
	if (n < 0 || n > 1) {
		cli_error("buildid-list: %s", n < 0 ? err.msg : "one input at most (-i FILE)");
		return 1;
	}
	if (n == 1)
		input = argv[0];
	if (!input)
		input = "kiln.pb.gz";
	if ((ret = strcmp(input, "-") ? sniff_file(input, &kind, &err) : 0) == 0) {
		switch (kind) {
		case PROFILE_KIND_ELF:
			ret = elf_build_id(input, &out, &err);
			break;
		case PROFILE_KIND_PERF_DATA:
			ret = perfdata_build_ids(input, &out, &err);
			break;
		default:
			ret = profile_build_ids(input, with_hits, &out, &err);
		}
	}
	if (ret < 0) {
		cli_error("buildid-list: %s", err.msg);
		kbuf_release(&out);
		return 1;
	}
	ret = cli_write_output("buildid-list", NULL, &out, false, false);
	kbuf_release(&out);
	return ret;
}
