/* kiln annotate: the disassembly of one function with the share of the
 * profile's samples on each instruction, as perf annotate prints it.
 *
 * Flow: read the profile → pick the samples whose leaf frame is in the
 * function (the address's outermost function, as perf names symbols) →
 * group their addresses by mapping (binary) → disasm module: check the
 * binary's build id, decode, spread the hits → print, hottest
 * instructions coloured on a terminal, plain with --stdio. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input-limits.h"
#include "profile-input.h"
#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/textsafe.h"
#include "../base/vec.h"
#include "../disasm/disasm.h"
#include "../profile/decode.h"
#include "../profile/filter.h"
#include "../report/symhits.h"
#include "cli.h"
#include "../opts/options.h"
#include "symbolize.h"

static const char annotate_usage[] =
	"kiln annotate [-i PROFILE] [options] SYMBOL\n"
	"\n"
	"Disassembles SYMBOL (a function name as kiln report shows it) from the\n"
	"binary named in the profile and shows the share of samples on each\n"
	"instruction (samples whose leaf frame is there), with source lines\n"
	"where DWARF has them. The binary must be the one profiled (build id).\n"
	"With DEBUGINFOD_URLS set, a debug file missing here is fetched by build id.\n"
	"JIT code (named by kiln inject --jit) is read from the JIT's jitdump.\n"
	"\n"
	"Examples:\n"
	"  kiln annotate hot_a\n"
	"      the instructions of hot_a with their share of kiln.pb.gz's samples\n"
	"  kiln annotate -i cpu.pb.gz --stdio -M intel hot_c\n"
	"      in Intel syntax, without colours\n"
	"  kiln annotate -n --no-source hot_b\n"
	"      with sample counts, without source lines\n";

struct annotate_opts {
	const char *input;
	const char *symbol;
	const char *sample_index;
	const char *disassembler_style;
	bool stdio;
	bool no_source;
	bool show_count;
	bool color_set, color;
};

/* Names of symbols containing `name`, to suggest when nothing matched. */
static void suggest(const struct profile *p, const char *name)
{
	struct kbuf names = KBUF_INIT;

	symhits_suggest(p, name, 5, &names);
	for (char *l = names.buf, *nl; l && (nl = strchr(l, '\n')); l = nl + 1) {
		*nl = 0;
		fputs("  did you mean: ", stderr);
		text_fputs(l, 0, stderr);
		fputc('\n', stderr);
	}
	kbuf_release(&names);
}

static const char *event_name(const struct profile *p, int vi)
{
	if (!strcmp(profile_get_str(p, p->sample_type[vi].type), "samples") &&
	    (size_t)vi + 1 < p->n_sample_type)
		vi++; /* the event counted, not the sample count */
	const char *t = profile_get_str(p, p->sample_type[vi].type);
	const char *u = profile_get_str(p, p->sample_type[vi].unit);

	if (!strcmp(t, "cpu") && !strcmp(u, "nanoseconds"))
		return "cpu-clock";
	return t;
}

static void print_func(const struct annotate_opts *o, const struct profile *p, int vi,
		       const char *path, const struct dis_func *f)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	bool color = o->color_set ? o->color : !o->stdio && isatty(STDOUT_FILENO);
	double total = f->total ? (double)f->total : 1;
	/* Symbol names, source lines and file names come from the binary:
	 * their control bytes are escaped (textsafe.h), source tabs kept. */
	struct kbuf e[3] = { KBUF_INIT, KBUF_INIT, KBUF_INIT };
	const char *name = text_safe_str(f->name, 0, &e[0]);

	printf(" Percent |\tSource code & Disassembly of %s for ", text_safe_str(base, 0, &e[1]));
	printf("%s (%" PRId64 " %s, percent: local)\n", text_safe_str(event_name(p, vi), 0, &e[2]),
	       f->total,
	       strcmp(profile_get_str(p, p->sample_type[vi].type), "samples") ? "total" : "samples");
	printf("--------------------------------------------------------------------------------\n");
	printf("         :\n         :\t%016" PRIx64 " <%s>:\n", f->start, name);
	for (size_t i = 0; i < f->n_lines; i++) {
		const struct dis_line *l = &f->lines[i];
		double pct = 100.0 * (double)l->value / total;
		const char *on = "", *off = "";

		if (l->kind == DIS_SOURCE) {
			const char *file = strrchr(l->file, '/') ? strrchr(l->file, '/') + 1 : l->file;
			if (l->text)
				printf("         : %-6" PRId64 " %s\n", l->line,
				       text_safe_str(l->text, TEXT_KEEP_TAB, &e[1]));
			else
				printf("         : %s:%" PRId64 "\n", text_safe_str(file, 0, &e[1]), l->line);
			continue;
		}
		/* perf's colours: red from 5%, green from 0.5%. */
		if (color && pct >= 5.0) {
			on = "\033[1;31m";
			off = "\033[0m";
		} else if (color && pct >= 0.5) {
			on = "\033[32m";
			off = "\033[0m";
		}
		if (o->show_count)
			printf("%s%8" PRId64 " %7.2f%s :   %" PRIx64 ":   %s\n", on, l->value, pct, off,
			       l->vaddr, text_safe_str(l->text, TEXT_KEEP_TAB, &e[1]));
		else
			printf("%s%8.2f%s :   %" PRIx64 ":   %s\n", on, pct, off, l->vaddr,
			       text_safe_str(l->text, TEXT_KEEP_TAB, &e[1]));
	}
	if (f->outside)
		printf("\n# %" PRId64 " more in other functions named %s\n", f->outside, name);
	for (size_t i = 0; i < 3; i++)
		kbuf_release(&e[i]);
}

/* JIT code (anonymous memory): from the jitdumps the profile names
 * (kiln record keeps their mappings). */
static int annotate_jit(const struct profile *p, const struct pf_mapping *m, struct dis_hit *hits,
			size_t n, const struct dis_opts *d, struct dis_func *f,
			const char **dump_path, struct kerr *err)
{
	int ret = -ENOENT;

	for (size_t i = 0; i < n; i++) /* file offsets back to addresses */
		hits[i].file_offset = hits[i].file_offset - m->file_offset + m->memory_start;
	for (size_t i = 0; i < p->n_mappings && ret == -ENOENT && n; i++) {
		const char *path = profile_get_str(p, p->mappings[i].filename);
		if ((ret = dis_annotate_jitdump(path, hits, n, d, f, err)) == 0)
			*dump_path = path;
	}
	if (ret == -ENOENT)
		kerr_set(err, -ENOENT, "no jitdump the profile names holds its code");
	return ret;
}

int cmd_annotate(int argc, const char **argv)
{
	struct annotate_opts o;
	struct option_def opts[] = {
		{ OPT_STRING, 'i', "input", &o.input, "FILE", "profile to read (default kiln.pb.gz)" },
		{ OPT_STRING, 's', "symbol", &o.symbol, "SYMBOL", "function to annotate (or as the argument)" },
		{ OPT_BOOL, 0, "stdio", &o.stdio, NULL, "plain text, no colours" },
		{ OPT_STRING, 'M', "disassembler-style", &o.disassembler_style, "STYLE", "att (default) or intel" },
		{ OPT_BOOL, 0, "no-source", &o.no_source, NULL, "do not interleave source lines" },
		{ OPT_BOOL, 'n', "show-nr-samples", &o.show_count, NULL, "show sample counts too" },
		{ OPT_STRING, 0, "sample_index", &o.sample_index, "NAME|N", "value to count (default: samples)" },
		CLI_MAX_MEMORY_OPTION,
		CLI_SYMBOLIZE_OPTIONS,
		OPT_END_(),
	};
	struct kerr err = KERR_INIT;
	struct profile *p = NULL;
	struct symbolizer *sym = NULL;
	struct sym_bins bins = { NULL, 0, 0 };
	int64_t in_stacks = 0;
	int n, vi, status = 1;
	bool any = false;

	memset(&o, 0, sizeof(o));
	n = cli_options_parse(argc, argv, opts, annotate_usage, 0, &err);
	if (n == OPTIONS_HELP)
		return 0;
	if (n < 0) {
		cli_error("annotate: %s", err.msg);
		return 1;
	}
	if (n > 0 && !o.symbol)
		o.symbol = argv[0];
	if (!o.symbol || n > 1) {
		cli_error("annotate: give one SYMBOL to annotate (see kiln annotate -h)");
		return 1;
	}
	if (o.disassembler_style && strcmp(o.disassembler_style, "intel") &&
	    strcmp(o.disassembler_style, "att")) {
		cli_error("annotate: -M takes att or intel, not '%s'", o.disassembler_style);
		return 1;
	}
	if (!o.input)
		o.input = "kiln.pb.gz";
	if (cli_read_profile(o.input, false, &p, &err) < 0) {
		cli_error("annotate: %s", err.msg);
		return 1;
	}
	if ((vi = symhits_value_index(p, o.sample_index, &err)) < 0) {
		cli_error("annotate: %s", err.msg);
		goto out;
	}
	symhits_collect(p, vi, o.symbol, &bins, &in_stacks);
	if (!bins.n) {
		if (in_stacks)
			cli_error("annotate: %s is in the profile only as a caller (no samples in "
				  "its own code)", o.symbol);
		else
			cli_error("annotate: symbol '%s' is not in the profile %s", o.symbol, o.input);
		if (!in_stacks)
			suggest(p, o.symbol);
		goto out;
	}
	sym = cli_symbolizer_new();
	status = 0;
	for (size_t i = 0; i < bins.n; i++) {
		const struct pf_mapping *m = profile_mapping(p, bins.v[i].mapping_id);
		const char *path = m ? profile_get_str(p, m->filename) : "";
		struct dis_opts dopts = { o.disassembler_style && !strcmp(o.disassembler_style, "intel"),
					  !o.no_source };
		struct dis_func f;
		VEC(struct dis_hit) hits = VEC_INIT;

		for (size_t k = 0; k < bins.v[i].hits.n; k++)
			vec_push(&hits, ((struct dis_hit){ bins.v[i].hits.v[k].file_offset,
							   bins.v[i].hits.v[k].value }));
		int r = 0;

		if (m && (!strcmp(path, "//anon") || !strncmp(path, "[anon", 5))) {
			if ((r = annotate_jit(p, m, hits.v, hits.n, &dopts, &f, &path, &err)) < 0)
				cli_error("annotate: %s is in anonymous memory: %s", o.symbol, err.msg);
		} else if (!m || !path[0] || path[0] == '[') {
			cli_error("annotate: %s is in %s, whose code kiln cannot read (kernel or "
				  "anonymous memory)", o.symbol, path[0] ? path : "no known binary");
			r = -1;
		} else if ((r = dis_annotate(sym, path, profile_get_str(p, m->build_id), o.symbol,
					     hits.v, hits.n, &dopts, &f, &err)) < 0) {
			cli_error("annotate: %s", err.msg);
		}
		vec_free(&hits);
		if (r < 0) {
			status = 1;
			continue;
		}
		if (any)
			printf("\n");
		print_func(&o, p, vi, path, &f);
		any = true;
		dis_func_release(&f);
	}
out:
	symhits_release(&bins);
	symbolizer_free(sym);
	profile_free(p);
	return status;
}
