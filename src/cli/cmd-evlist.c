/* kiln evlist: the events a perf.data holds, in perf evlist's layout
 * (src/perfdata writes the text), or a profile's sample types. */
#include <stdio.h>
#include <string.h>

#include "input-limits.h"
#include "profile-input.h"
#include "../base/buf.h"
#include "../perfdata/perfdata.h"
#include "cli.h"
#include "../opts/options.h"

static const char evlist_usage[] =
	"kiln evlist [-i FILE] [-v] [-F] [-g]\n"
	"\n"
	"Lists the events of a perf.data file, one name a line, as perf evlist\n"
	"does; -v adds each event's attributes (every non-zero field of its\n"
	"perf_event_attr), -F its sample frequency or period, -g event groups\n"
	"as {leader,member,...} on one line. For a profile\n"
	"(profile.proto and the other formats kiln reads) it lists the sample\n"
	"types, type/unit, one a line.\n"
	"\n"
	"Examples:\n"
	"  kiln evlist\n"
	"      the events of ./perf.data\n"
	"  kiln evlist -v -i perf.data\n"
	"      with their attributes, as perf evlist -v prints them\n"
	"  kiln evlist kiln.pb.gz\n"
	"      the sample types of a profile\n";

static int evlist_perfdata(const struct kbuf *b, bool verbose, bool freq, bool group,
			   struct kbuf *out,
			   struct kerr *err)
{
	struct perfdata *pd;
	int ret = perfdata_open(b->buf, b->len, &pd, err);

	if (ret < 0)
		return ret;
	perfdata_evlist(pd, verbose, freq, group, out);
	perfdata_free(pd);
	return 0;
}

static int evlist_profile(const char *path, struct kbuf *out, struct kerr *err)
{
	struct profile_decode_opts o = cli_decode_opts();
	struct profile *p;
	int ret = cli_load_profile(path, &o, false, &p, err);

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < p->n_sample_type; i++)
		kbuf_addf(out, "%s/%s\n", profile_get_str(p, p->sample_type[i].type),
			  profile_get_str(p, p->sample_type[i].unit));
	profile_free(p);
	return 0;
}

int cmd_evlist(int argc, const char **argv)
{
	const char *input = NULL;
	bool verbose = false, freq = false, group = false;
	struct option_def opts[] = {
		{ OPT_STRING, 'i', "input", &input, "FILE", "file to read (default perf.data)" },
		{ OPT_BOOL, 'v', "verbose", &verbose, NULL, "show all attributes of each event" },
		{ OPT_BOOL, 'F', "freq", &freq, NULL, "show the sample frequency or period" },
		{ OPT_BOOL, 'g', "group", &group, NULL, "show event groups" },
		CLI_MAX_MEMORY_OPTION,
		OPT_END_(),
	};
	struct kerr err = KERR_INIT;
	struct kbuf in = KBUF_INIT, out = KBUF_INIT;
	int n, ret, status = 1;

	n = cli_options_parse(argc, argv, opts, evlist_usage, 0, &err);
	if (n == OPTIONS_HELP)
		return 0;
	if (n < 0) {
		cli_error("evlist: %s", err.msg);
		return 1;
	}
	if (n > 1 || (n == 1 && input)) {
		cli_error("evlist: give one file (-i FILE or as the argument)");
		return 1;
	}
	if (group && (verbose || freq)) {
		cli_error("evlist: -g goes with neither -v nor -F (as perf evlist)");
		return 1;
	}
	if (n == 1)
		input = argv[0];
	if (!input)
		input = "perf.data";
	ret = strcmp(input, "-") ? kbuf_read_file(&in, input, 0) : kbuf_read_fd(&in, 0, 0);
	if (ret < 0) {
		cli_error("evlist: %s: %s", input, strerror(-ret));
		goto out;
	}
	if (in.len >= 8 && (!memcmp(in.buf, "PERFILE2", 8) || !memcmp(in.buf, "2ELIFREP", 8)))
		ret = evlist_perfdata(&in, verbose, freq, group, &out, &err);
	else
		ret = evlist_profile(input, &out, &err);
	if (ret < 0) {
		cli_error("evlist: %s", err.msg);
		goto out;
	}
	fwrite(out.buf, 1, out.len, stdout);
	status = 0;
out:
	kbuf_release(&in);
	kbuf_release(&out);
	return status;
}
