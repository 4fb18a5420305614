/* kiln report: reads profiles (files or standard input, gzip or raw),
 * merges them, applies a base profile, and prints a pprof-style report
 * (-top, -tree, -peek, …) or a perf-style table (--sort, --stdio, -g).
 *
 * The order of operations is go tool pprof's: each source is decoded and
 * checked; sources are merged (units unified first); a -diff_base/-base is
 * labelled, normalised, negated and merged in; the profile's drop_frames are
 * applied; then the report module filters, aggregates and renders. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/textsafe.h"
#include "../base/buf.h"
#include "../profile/decode.h"
#include "../profile/fetch.h"
#include "../profile/names.h"
#include "input-limits.h"
#include "profile-input.h"
#include "../symbols/symbols.h"
#include "../profile/encode.h"
#include "../profile/filter.h"
#include "../profile/merge.h"
#include "../report/perfview.h"
#include "../report/report.h"
#include "cli.h"
#include "../opts/options.h"
#include "report-render.h"
#include "symbolize.h"

static const char usage_text[] =
	"kiln report [REPORT] [OPTIONS] [BINARY] PROFILE...\n"
	"\n"
	"Reports on profile.proto files (gzip or raw; '-' reads standard input),\n"
	"and on perf.data files perf record wrote (file or pipe mode).\n"
	"Several profiles are merged as pprof merges them (same sample types).\n"
	"\n"
	"Address-only profiles (gperftools' CPUPROFILE files, a profile from\n"
	"another machine) are symbolized as pprof does (-symbolize): an ELF\n"
	"BINARY first stands for the main mapping; other files are looked for\n"
	"under --symfs, in PPROF_BINARY_PATH's folders (default\n"
	"$HOME/pprof/binaries: DIR/BUILDID/NAME, DIR/BUILDID/*, DIR/PATH/BUILDID,\n"
	"DIR/NAME, DIR/PATH), perf's build-id cache $HOME/.debug and at their\n"
	"recorded path, a build id that differs skipping the file.\n"
	"\n"
	"Two styles, chosen by the options used:\n"
	"  pprof style (default): pprof's single-dash report names, e.g.\n"
	"      kiln report -top -nodecount=10 cpu.pb.gz\n"
	"      kiln report -peek 'main\\.' -lines cpu.pb.gz\n"
	"    Options may be spelled -opt, --opt, -opt=value or -opt value.\n"
	"  perf style: any of --sort, --stdio, -g/--children, --no-children or\n"
	"    --percent-limit selects perf report's table, e.g.\n"
	"      kiln report --sort comm,dso,sym --stdio -g kiln.pb.gz\n"
	"    Sort keys: comm, pid, tid, dso, sym (default comm,dso,sym).\n"
	"Without a PROFILE, kiln.pb.gz is read.\n"
	"\n"
	"Regular expressions are POSIX extended ones; the RE2 forms \\d, (?:…),\n"
	"(?i) and lazy quantifiers are translated. A PROFILE may be an http:// or\n"
	"https:// URL such as http://127.0.0.1:6060/debug/pprof/heap.\n"
	"\n"
	"Examples:\n"
	"  kiln report -top -nodecount=20 kiln.pb.gz\n"
	"      the 20 functions with the most samples\n"
	"  kiln report -tree -focus=work kiln.pb.gz\n"
	"      callers and callees, of the samples through work only\n"
	"  kiln report -peek 'hot_' -lines cpu.pb.gz\n"
	"      who calls the hot_ functions, line by line\n"
	"  kiln report --stdio --sort comm,dso,sym -g kiln.pb.gz\n"
	"      perf report's table, with call graphs\n"
	"  kiln report -diff_base=old.pb.gz -top new.pb.gz\n"
	"      what changed from old.pb.gz to new.pb.gz\n"
	"  kiln report -top ./app cpu.pb.gz\n"
	"      pprof's BINARY PROFILE: ./app names what cpu.pb.gz left unnamed\n";

struct cli_opts {
	struct report_opts r;
	/* output formats (at most one) */
	bool top, text, traces, tree, raw, tags, proto, comments;
	const char *peek, *list;
	/* granularity (at most one) */
	bool functions, filefunctions, files, lines, addresses;
	bool flat, cum;
	struct opt_list base, diff_base;
	bool normalize;
	const char *output;
	const char *add_comment;
	bool inuse_space, inuse_objects, alloc_space, alloc_objects, total_delay,
	     contentions, mean_delay;
	/* perf style */
	const char *sort;
	bool stdio, callgraph, children, no_children;
	double percent_limit;
	bool percent_limit_set;
	const char *input;
};

static int set_percent_limit(const struct option_def *opt, const char *arg, struct kerr *err)
{
	struct cli_opts *c = opt->value;
	char *end;

	c->percent_limit = strtod(arg, &end);
	if (end == arg || *end)
		return kerr_set(err, -EINVAL, "option 'percent-limit' expects a number, not '%s'", arg);
	c->percent_limit_set = true;
	return 0;
}

/* The granularity and format flags are mutually exclusive groups. */
static int pick_one(const char *what, const bool *flags, const char *const *names, size_t n,
		    int *which, struct kerr *err)
{
	*which = -1;
	for (size_t i = 0; i < n; i++) {
		if (!flags[i])
			continue;
		if (*which >= 0)
			return kerr_set(err, -EINVAL, "%s: -%s and -%s cannot be combined", what,
					names[*which], names[i]);
		*which = (int)i;
	}
	return 0;
}

/* -seconds for URL sources (fetch.h), 0 = as the URL says. */
static int url_seconds;
/* pprof's BINARY PROFILE form: the binary of the main mapping, or NULL. */
static const char *binary;

static bool is_url(const char *s)
{
	return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8) ||
	       !strncmp(s, "https+insecure://", 17);
}

static int load_all(const struct opt_list *srcs, const char *what, struct profile **out,
		    struct kerr *err)
{
	struct profile **ps;
	struct profile_decode_opts dopts = cli_decode_opts();
	int ret = 0;
	size_t n = 0;

	*out = NULL;
	ps = xcalloc(srcs->n + 1, sizeof(*ps));
	for (size_t i = 0; i < srcs->n; i++) {
		if (is_url(srcs->v[i]))
			ret = fetch_profile(srcs->v[i], url_seconds, &dopts, &ps[n], err);
		else
			ret = cli_load_profile(srcs->v[i], &dopts, false, &ps[n], err);
		if (ret < 0 || (ret = cli_symbolize(&ps[n], binary, srcs->v[i], err)) < 0) {
			profile_free(ps[n]);
			ps[n] = NULL;
			goto out;
		}
		profile_add_fake_mapping(ps[n]);
		if (cli_symbolize_demangles())
			profile_simplify_names(ps[n], sym_demangle);
		n++;
	}
	if (n == 1) {
		*out = ps[0];
		ps[0] = NULL;
		goto out;
	}
	if ((ret = profile_unify_units(ps, n, err)) < 0 || (ret = profile_merge(ps, n, out, err)) < 0)
		kerr_prefix(err, "merging %s profiles", what);
out:
	for (size_t i = 0; i < n; i++)
		profile_free(ps[i]);
	free(ps);
	return ret;
}

static bool has_negative(const struct profile *p)
{
	for (size_t i = 0; i < p->n_samples; i++) {
		const int64_t *v = pf_sample_values(p, &p->samples[i]);
		for (uint32_t k = 0; k < p->samples[i].n_val; k++)
			if (v[k] < 0)
				return true;
	}
	return false;
}

/* pprof's fetchProfiles tail: base handling, drop_frames, comment. */
static int prepare(struct cli_opts *c, const struct opt_list *srcs, struct profile **out,
		   bool compact, struct kerr *err)
{
	struct profile *p = NULL, *base = NULL, *both[2], *merged;
	const struct opt_list *bases = c->diff_base.n ? &c->diff_base : &c->base;
	int ret;

	if ((ret = load_all(srcs, "source", &p, err)) < 0)
		return ret;
	if (bases->n) {
		if ((ret = load_all(bases, "base", &base, err)) < 0)
			goto fail;
		if (c->diff_base.n)
			profile_set_label(base, "pprof::base", "true");
		if (c->normalize && (ret = profile_normalize(p, base, err)) < 0)
			goto fail;
		profile_scale(base, -1);
		both[0] = p;
		both[1] = base;
		if ((ret = profile_unify_units(both, 2, err)) < 0 ||
		    (ret = profile_merge(both, 2, &merged, err)) < 0) {
			kerr_prefix(err, "applying the base profile");
			goto fail;
		}
		profile_free(p);
		profile_free(base);
		base = NULL;
		p = merged;
	} else if (compact) {
		if ((ret = profile_compact(&p, err)) < 0)
			goto fail;
	} else if (srcs->n == 1 && has_negative(p)) {
		/* pprof merges even a single profile. Reports that do not show
		 * ids see that only through totals (sums of |value|), which
		 * merging can change only when values of both signs meet. */
		profile_merge_samples(p);
	}
	{
		struct kerr e2 = KERR_INIT;
		/* pprof ignores a drop_frames that does not compile; say so. */
		if (profile_remove_uninteresting(p, &e2) < 0)
			cli_warn("ignoring the profile's drop_frames: %s", e2.msg);
	}
	if (c->add_comment && c->add_comment[0])
		profile_add_comment(p, c->add_comment);
	*out = p;
	return 0;
fail:
	profile_free(p);
	profile_free(base);
	return ret;
}

static void print_notes(const struct kbuf *notes)
{
	if (notes->len)
		text_fputs(notes->buf, TEXT_KEEP_NL, stderr);
}

int cmd_report(int argc, const char **argv)
{
	struct cli_opts c;
	struct report_opts *r = &c.r;
	struct report_render_opts rr = { .flame = false };
	const struct option_def opts[] = {
		{ OPT_GROUP, 0, NULL, NULL, NULL, "Reports (pprof style; default -top):", NULL, false },
		{ OPT_BOOL, 0, "top", &c.top, NULL, "flat table of the hottest nodes", NULL, false },
		{ OPT_BOOL, 0, "text", &c.text, NULL, "same as -top", NULL, false },
		{ OPT_BOOL, 0, "traces", &c.traces, NULL, "every sample with its stack", NULL, false },
		{ OPT_BOOL, 0, "tree", &c.tree, NULL, "callers and callees of each node", NULL, false },
		{ OPT_STRING, 0, "peek", &c.peek, "REGEX", "callers and callees of matching nodes", NULL, false },
		{ OPT_STRING, 0, "list", &c.list, "REGEX", "annotated source of matching functions", NULL, false },
		{ OPT_BOOL, 0, "raw", &c.raw, NULL, "the profile's contents, as text", NULL, false },
		{ OPT_BOOL, 0, "tags", &c.tags, NULL, "label keys and values with their totals", NULL, false },
		{ OPT_BOOL, 0, "comments", &c.comments, NULL, "the profile's comments", NULL, false },
		{ OPT_BOOL, 0, "proto", &c.proto, NULL, "write the merged, filtered profile (gzip)", NULL, false },
		{ OPT_STRING, 'o', "output", &c.output, "FILE", "write the report to FILE", NULL, false },
		{ OPT_GROUP, 0, NULL, NULL, NULL, "Selection and sorting:", NULL, false },
		{ OPT_STRING, 0, "sample_index", &r->sample_index, "NAME|N", "value to report (default: default_sample_type, else the last)", NULL, false },
		{ OPT_BOOL, 0, "mean", &r->mean, NULL, "divide each value by the first value (e.g. per allocation)", NULL, false },
		{ OPT_BOOL, 0, "flat", &c.flat, NULL, "sort by flat (default)", NULL, false },
		{ OPT_BOOL, 0, "cum", &c.cum, NULL, "sort by cum", NULL, false },
		{ OPT_BOOL, 0, "functions", &c.functions, NULL, "aggregate by function (default)", NULL, false },
		{ OPT_BOOL, 0, "filefunctions", &c.filefunctions, NULL, "aggregate by function and file", NULL, false },
		{ OPT_BOOL, 0, "files", &c.files, NULL, "aggregate by source file", NULL, false },
		{ OPT_BOOL, 0, "lines", &c.lines, NULL, "aggregate by source line", NULL, false },
		{ OPT_BOOL, 0, "addresses", &c.addresses, NULL, "aggregate by instruction address", NULL, false },
		{ OPT_BOOL, 0, "noinlines", &r->noinlines, NULL, "attribute inlined frames to their caller", NULL, false },
		{ OPT_INT, 0, "nodecount", &r->nodecount, "N", "show at most N nodes (default: all for -top, 80 otherwise)", NULL, false },
		{ OPT_DOUBLE, 0, "nodefraction", &r->nodefraction, "F", "hide nodes below F x total (0.005)", NULL, false },
		{ OPT_DOUBLE, 0, "edgefraction", &r->edgefraction, "F", "hide edges below F x total (0.001)", NULL, false },
		{ OPT_BOOL, 0, "trim", &r->trim, NULL, "honour nodecount/nodefraction/edgefraction (--no-trim: off)", NULL, false },
		{ OPT_STRING, 0, "unit", &r->unit, "UNIT", "output unit: minimum (default), auto, ms, MB, …", NULL, false },
		{ OPT_DOUBLE, 0, "divide_by", &r->divide_by, "X", "divide all values by X", NULL, false },
		{ OPT_BOOL, 0, "relative_percentages", &r->relative_percentages, NULL, "percentages of the focused part", NULL, false },
		{ OPT_BOOL, 0, "compact_labels", &r->compact_labels, NULL, "shorter header", NULL, false },
		{ OPT_BOOL, 0, "drop_negative", &r->drop_negative, NULL, "hide nodes with negative values", NULL, false },
		{ OPT_GROUP, 0, NULL, NULL, NULL, "Filters (regular expressions on function, file and mapping names):", NULL, false },
		{ OPT_STRING, 0, "focus", &r->focus, "REGEX", "keep samples with a matching frame", NULL, false },
		{ OPT_STRING, 0, "ignore", &r->ignore, "REGEX", "drop samples with a matching frame", NULL, false },
		{ OPT_STRING, 0, "hide", &r->hide, "REGEX", "remove matching frames", NULL, false },
		{ OPT_STRING, 0, "show", &r->show, "REGEX", "keep only matching frames", NULL, false },
		{ OPT_STRING, 0, "show_from", &r->show_from, "REGEX", "drop frames above the first match from the root", NULL, false },
		{ OPT_STRING, 0, "prune_from", &r->prune_from, "REGEX", "drop frames below the last match", NULL, false },
		{ OPT_STRING, 0, "tagfocus", &r->tagfocus, "FILTER", "keep samples with matching labels (regexes or 64kb:, key=1:10)", NULL, false },
		{ OPT_STRING, 0, "tagignore", &r->tagignore, "FILTER", "drop samples with matching labels", NULL, false },
		{ OPT_STRING, 0, "tagshow", &r->tagshow, "REGEX", "show only labels whose key matches", NULL, false },
		{ OPT_STRING, 0, "taghide", &r->taghide, "REGEX", "hide labels whose key matches", NULL, false },
		{ OPT_GROUP, 0, NULL, NULL, NULL, "Comparison and sources:", NULL, false },
		{ OPT_CALLBACK, 0, "diff_base", &c.diff_base, "FILE", "show differences from FILE (percent of its total)", options_list_add, false },
		{ OPT_CALLBACK, 0, "base", &c.base, "FILE", "subtract FILE", options_list_add, false },
		{ OPT_INT, 0, "seconds", &url_seconds, "N", "duration asked of URL sources (CPU profiles)", NULL, false },
		CLI_MAX_MEMORY_OPTION,
		CLI_SYMBOLIZE_OPTIONS,
		{ OPT_BOOL, 0, "normalize", &c.normalize, NULL, "scale to the base's total before subtracting", NULL, false },
		{ OPT_STRING, 0, "source_path", &r->source_path, "DIRS", "where -list looks for sources (':'-separated)", NULL, false },
		{ OPT_STRING, 0, "trim_path", &r->trim_path, "PREFIXES", "prefixes removed from source paths", NULL, false },
		{ OPT_STRING, 0, "add_comment", &c.add_comment, "TEXT", "add a comment to the profile", NULL, false },
		{ OPT_BOOL, 0, "inuse_space", &c.inuse_space, NULL, "same as -sample_index=inuse_space", NULL, false },
		{ OPT_BOOL, 0, "inuse_objects", &c.inuse_objects, NULL, "same as -sample_index=inuse_objects", NULL, false },
		{ OPT_BOOL, 0, "alloc_space", &c.alloc_space, NULL, "same as -sample_index=alloc_space", NULL, false },
		{ OPT_BOOL, 0, "alloc_objects", &c.alloc_objects, NULL, "same as -sample_index=alloc_objects", NULL, false },
		{ OPT_BOOL, 0, "total_delay", &c.total_delay, NULL, "same as -sample_index=delay", NULL, false },
		{ OPT_BOOL, 0, "contentions", &c.contentions, NULL, "same as -sample_index=contentions", NULL, false },
		{ OPT_BOOL, 0, "mean_delay", &c.mean_delay, NULL, "same as -mean -sample_index=delay", NULL, false },
		{ OPT_GROUP, 0, NULL, NULL, NULL, "perf style:", NULL, false },
		{ OPT_STRING, 's', "sort", &c.sort, "KEYS", "perf table sorted by keys: comm,pid,tid,dso,sym", NULL, false },
		{ OPT_BOOL, 0, "stdio", &c.stdio, NULL, "perf table on standard output", NULL, false },
		{ OPT_BOOL, 'g', "call-graph", &c.callgraph, NULL, "Children/Self columns and call graphs", NULL, false },
		{ OPT_BOOL, 0, "children", &c.children, NULL, "Children and Self columns", NULL, false },
		{ OPT_BOOL, 0, "no-children", &c.no_children, NULL, "only the Self overhead", NULL, false },
		{ OPT_CALLBACK, 0, "percent-limit", &c, "PCT", "hide entries below PCT percent", set_percent_limit, false },
		{ OPT_STRING, 'i', "input", &c.input, "FILE", "profile to read (perf's -i)", NULL, false },
		REPORT_RENDER_OPTIONS(rr),
		OPT_END_(),
	};
	static const char *const fmt_names[] = { "top", "text", "traces", "tree", "raw", "tags",
						 "proto", "comments", "peek", "list" };
	static const char *const gran_names[] = { "functions", "filefunctions", "files", "lines",
						  "addresses" };
	struct kerr err = KERR_INIT;
	struct kbuf out = KBUF_INIT, notes = KBUF_INIT;
	struct opt_list srcs = { NULL, 0, 0 };
	struct profile *p = NULL;
	bool fmt_flags[10], gran_flags[5], perf_style;
	int n, which, status = 1;

	memset(&c, 0, sizeof(c));
	report_opts_init(r);
	n = cli_options_parse(argc, argv, opts, usage_text, OPTIONS_SINGLE_DASH_LONG, &err);
	if (n == OPTIONS_HELP)
		return 0;
	if (n < 0) {
		cli_error("report: %s", err.msg);
		return 1;
	}
	perf_style = c.sort || c.stdio || c.callgraph || c.children || c.no_children ||
		     c.percent_limit_set;

	fmt_flags[0] = c.top; fmt_flags[1] = c.text; fmt_flags[2] = c.traces;
	fmt_flags[3] = c.tree; fmt_flags[4] = c.raw; fmt_flags[5] = c.tags;
	fmt_flags[6] = c.proto; fmt_flags[7] = c.comments; fmt_flags[8] = c.peek != NULL;
	fmt_flags[9] = c.list != NULL;
	if (pick_one("must set at most one output format", fmt_flags, fmt_names, 10, &which, &err) < 0)
		goto usage_error;
	if (perf_style && which >= 0) {
		kerr_set(&err, -EINVAL, "-%s is a pprof-style report; perf-style options (--sort, --stdio, -g) cannot be combined with it",
			 fmt_names[which]);
		goto usage_error;
	}
	switch (which) {
	case 2: r->format = REPORT_TRACES; break;
	case 3: r->format = REPORT_TREE; break;
	case 4: r->format = REPORT_RAW; break;
	case 5: r->format = REPORT_TAGS; break;
	case 6: r->format = REPORT_PROTO; break;
	case 7: r->format = REPORT_COMMENTS; break;
	case 8: r->format = REPORT_PEEK; r->symbol = c.peek; break;
	case 9: r->format = REPORT_LIST; r->symbol = c.list; break;
	default: r->format = REPORT_TOP; break;
	}
	gran_flags[0] = c.functions; gran_flags[1] = c.filefunctions; gran_flags[2] = c.files;
	gran_flags[3] = c.lines; gran_flags[4] = c.addresses;
	if (pick_one("conflicting options set", gran_flags, gran_names, 5, &which, &err) < 0)
		goto usage_error;
	if (which >= 0)
		r->granularity = (enum report_granularity)(REPORT_G_FUNCTIONS + which);
	if (c.flat && c.cum) {
		kerr_set(&err, -EINVAL, "conflicting options set: -flat and -cum");
		goto usage_error;
	}
	r->cum = c.cum;
	if (c.base.n && c.diff_base.n) {
		kerr_set(&err, -EINVAL, "-base and -diff_base flags cannot both be specified");
		goto usage_error;
	}
	if (c.normalize && !c.base.n && !c.diff_base.n) {
		kerr_set(&err, -EINVAL, "must have base profile to normalize by");
		goto usage_error;
	}
	{
		/* pprof's legacy shortcuts: the first one given wins. */
		const bool *legacy[] = { &c.total_delay, &c.mean_delay, &c.contentions, &c.inuse_space,
					 &c.inuse_objects, &c.alloc_space, &c.alloc_objects };
		const char *names[] = { "delay", "delay", "contentions", "inuse_space", "inuse_objects",
					"alloc_space", "alloc_objects" };
		for (size_t i = 0; i < 7; i++) {
			if (!*legacy[i])
				continue;
			if (!r->sample_index)
				r->sample_index = names[i];
			else
				cli_warn("multiple value selections, ignoring the later one (%s)", names[i]);
		}
		if (c.mean_delay)
			r->mean = true;
	}
	if (n >= 2 && cli_is_elf(argv[0])) {
		binary = argv[0];
		argv++, n--;
	}
	for (int i = 0; i < n; i++)
		options_list_add(&(struct option_def){ .value = &srcs }, argv[i], NULL);
	if (c.input)
		options_list_add(&(struct option_def){ .value = &srcs }, c.input, NULL);
	if (srcs.n == 0)
		options_list_add(&(struct option_def){ .value = &srcs }, "kiln.pb.gz", NULL);

	if (prepare(&c, &srcs, &p,
		    !perf_style && (r->format == REPORT_RAW || r->format == REPORT_PROTO ||
				    r->format == REPORT_TRACES), &err) < 0) {
		cli_error("report: %s", err.msg);
		goto out;
	}
	{
		int rs = report_render_run(&rr, &p, r, c.output, srcs.v[0]);
		if (rs >= 0) {
			status = rs;
			goto out;
		}
	}
	if (perf_style) {
		struct perfview_opts po;
		perfview_opts_init(&po);
		po.sort = c.sort ? c.sort : "comm,dso,sym";
		po.children = c.children || (c.callgraph && !c.no_children);
		po.callgraph = c.callgraph;
		po.percent_limit = c.percent_limit;
		po.sample_index = r->sample_index;
		if (perfview_generate(p, &po, &out, &err) < 0) {
			cli_error("report: %s", err.msg);
			goto out;
		}
		status = cli_write_output("report", c.output, &out, false, false);
		goto out;
	}
	if (report_generate(p, r, &out, &notes, &err) < 0) {
		/* Like pprof, nothing of a failed report is printed. */
		print_notes(&notes);
		cli_error("report: %s", err.msg);
		goto out;
	}
	print_notes(&notes);
	status = cli_write_output("report", c.output, &out, r->format == REPORT_PROTO, true);
	goto out;
usage_error:
	cli_error("report: %s", err.msg);
	free(srcs.v);
	free(c.base.v);
	free(c.diff_base.v);
	return 1;
out:
	profile_free(p);
	kbuf_release(&out);
	kbuf_release(&notes);
	free(srcs.v);
	free(c.base.v);
	free(c.diff_base.v);
	return status;
}
