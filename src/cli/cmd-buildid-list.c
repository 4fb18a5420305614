/* kiln buildid-list: perf buildid-list's "<build id> <path>" lines, for a
 * profile's mappings, or a binary's own build id (-i BINARY). The input
 * is routed by what profile_sniff() says it is; a perf.data's build ids
 * are those its header and MMAP2 records name (perfdata_buildids). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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
	"kiln buildid-list [-i FILE] [-H] [-k] [-m]\n"
	"\n"
	"Prints the build ids a profile's mappings recorded, '<build id> <path>'\n"
	"per line as perf buildid-list does, or the build id of an ELF binary.\n"
	"Without -i, kiln.pb.gz is read (perf.data with -m). -k prints the\n"
	"running kernel's build id; -m a perf.data's kernel maps, '<build id>\n"
	"<start> <end> <name>' per line.\n"
	"\n"
	"Examples:\n"
	"  kiln buildid-list -i kiln.pb.gz\n"
	"      the binaries kiln.pb.gz's samples came from, by build id\n"
	"  kiln buildid-list -H -i cpu.pb.gz\n"
	"      only those with samples in them\n"
	"  kiln buildid-list -i ./app\n"
	"      the build id of ./app\n"
	"  kiln buildid-list -k\n"
	"      the build id of the running kernel\n";

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

static int read_perfdata(const char *path, struct kbuf *b, struct kerr *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return kerr_set(err, -errno, "%s: %s", path, strerror(errno));
	ret = kbuf_read_fd(b, fd, (size_t)PROFILE_DECODE_MAX_DEFAULT);
	close(fd);
	return ret < 0 ? kerr_set(err, ret, "%s: %s", path, strerror(-ret)) : 0;
}

static int perfdata_build_ids(const char *path, struct kbuf *out, struct kerr *err)
{
	struct perfdata_buildid *v = NULL;
	struct kbuf b = KBUF_INIT;
	size_t n = 0;
	int ret = read_perfdata(path, &b, err);

	if (ret == 0 && (ret = perfdata_buildids(b.buf, b.len, &v, &n, err)) < 0)
		kerr_prefix(err, "%s", path);
	for (size_t i = 0; ret == 0 && i < n; i++)
		kbuf_addf(out, "%s %s\n", v[i].build_id, v[i].filename);
	perfdata_buildids_free(v, n);
	kbuf_release(&b);
	return ret;
}

static int kernel_maps(const char *path, struct kbuf *out, struct kerr *err)
{
	struct perfdata_kmap *v = NULL;
	struct kbuf b = KBUF_INIT;
	size_t n = 0;
	int ret = read_perfdata(path, &b, err);

	if (ret == 0 && (ret = perfdata_kernel_maps(b.buf, b.len, &v, &n, err)) < 0)
		kerr_prefix(err, "%s", path);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		char running[129] = "";
		/* perf too: a kernel no sample hit has no id in the header, and
		 * gets the running kernel's (this machine's recording). */
		if (!v[i].build_id[0] && !strcmp(v[i].name, "[kernel.kallsyms]"))
			sym_kernel_build_id(NULL, running, NULL);
		kbuf_addf(out, "%s %16" PRIx64 " %16" PRIx64 " %s\n",
			  v[i].build_id[0] ? v[i].build_id : running, v[i].start, v[i].end, v[i].name);
	}
	perfdata_kmaps_free(v, n);
	kbuf_release(&b);
	return ret;
}

static int kernel_build_id(struct kbuf *out, struct kerr *err)
{
	char id[129];
	int ret = sym_kernel_build_id(NULL, id, err);

	if (ret == 0)
		kbuf_addf(out, "%s\n", id);
	return ret;
}

/* What the input is decides where its build ids come from. */
static int build_ids(const char *input, bool with_hits, struct kbuf *out, struct kerr *err)
{
	enum profile_kind kind = PROFILE_KIND_PROTO;
	int ret = strcmp(input, "-") ? sniff_file(input, &kind, err) : 0;

	if (ret < 0)
		return ret;
	switch (kind) {
	case PROFILE_KIND_ELF:
		return elf_build_id(input, out, err);
	case PROFILE_KIND_PERF_DATA:
		return perfdata_build_ids(input, out, err);
	default:
		return profile_build_ids(input, with_hits, out, err);
	}
}

int cmd_buildid_list(int argc, const char **argv)
{
	const char *input = NULL;
	bool with_hits = false, kernel = false, kmaps = false;
	const struct option_def opts[] = {
		{ OPT_STRING, 'i', "input", &input, "FILE", "profile or ELF binary (default kiln.pb.gz)", NULL, false },
		{ OPT_BOOL, 'H', "with-hits", &with_hits, NULL, "only binaries with samples", NULL, false },
		{ OPT_BOOL, 'k', "kernel", &kernel, NULL, "the running kernel's build id", NULL, false },
		{ OPT_BOOL, 'm', "kernel-maps", &kmaps, NULL, "a perf.data's kernel maps", NULL, false },
		CLI_MAX_MEMORY_OPTION,
		OPT_END_(),
	};
	struct kerr err = KERR_INIT;
	struct kbuf out = KBUF_INIT;
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
	if (kernel)
		ret = kernel_build_id(&out, &err);
	else if (kmaps)
		ret = kernel_maps(input ? input : "perf.data", &out, &err);
	else
		ret = build_ids(input ? input : "kiln.pb.gz", with_hits, &out, &err);
	if (ret < 0) {
		cli_error("buildid-list: %s", err.msg);
		kbuf_release(&out);
		return 1;
	}
	ret = cli_write_output("buildid-list", NULL, &out, false, false);
	kbuf_release(&out);
	return ret;
}
