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
#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/textsafe.h"
#include "../base/vec.h"
#include "../disasm/disasm.h"
#include "../profile/decode.h"
#include "../profile/filter.h"
#include "../symbols/jitdump.h"
#include "../report/perfkeys.h"
#include "cli.h"
#include "../opts/options.h"

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

/* One binary's hits for the symbol. */
struct target_bin {
	uint64_t mapping_id;
	VEC(struct dis_hit) hits;
	int64_t total;
};

struct bins {
	struct target_bin *v;
	size_t n, cap;
};

/* The value type reported: samples when the profile counts them. */
static int value_index(const struct profile *p, const char *want, struct kerr *err)
{
	if (want)
		return profile_sample_index(p, want, err);
	for (size_t i = 0; i < p->n_sample_type; i++)
		if (!strcmp(profile_get_str(p, p->sample_type[i].type), "samples"))
			return (int)i;
	return profile_sample_index(p, NULL, err);
}

static bool location_is(const struct profile *p, const struct pf_location *l, const char *name,
			struct kbuf *b)
{
	kbuf_reset(b);
	perf_frame_names(p, l, 0, NULL, b);
	if (!strcmp(b->buf, name))
		return true;
	/* The mangled spelling names the same function. */
	if (l->n_line) {
		const struct pf_line *ln = pf_location_lines(p, l) + l->n_line - 1;
		const struct pf_function *f = profile_function(p, ln->function_id);
		return f && !strcmp(profile_get_str(p, f->system_name), name);
	}
	return false;
}

/* Leaf hits on the symbol, by mapping; *in_stacks counts samples where it
 * appears anywhere (to tell "no self samples" from "not in the profile"). */
static void collect_hits(const struct profile *p, int vi, const char *name,
			 struct bins *bins, int64_t *in_stacks)
{
	struct kbuf b = KBUF_INIT;
	size_t nl = p->n_locations;
	int8_t *is = xcalloc(nl + 1, 1); /* per location index: 0 unknown, 1 yes, -1 no */

	*in_stacks = 0;
	for (size_t si = 0; si < p->n_samples; si++) {
		const struct pf_sample *s = &p->samples[si];
		const uint64_t *locs = pf_sample_locs(p, s);
		int64_t w = pf_sample_values(p, s)[vi];

		for (uint32_t k = 0; k < s->n_loc; k++) {
			size_t li = profile_location_index(p, locs[k]);
			const struct pf_location *l;
			struct target_bin *t = NULL;

			if (li == SIZE_MAX)
				continue;
			l = &p->locations[li];
			if (!is[li])
				is[li] = location_is(p, l, name, &b) ? 1 : -1;
			if (is[li] < 0)
				continue;
			*in_stacks += w;
			if (k != 0)
				break;
			for (size_t i = 0; i < bins->n; i++)
				if (bins->v[i].mapping_id == l->mapping_id)
					t = &bins->v[i];
			if (!t) {
				t = vec_add(bins);
				t->mapping_id = l->mapping_id;
			}
			{
				const struct pf_mapping *m = profile_mapping(p, l->mapping_id);
				struct dis_hit h = { m ? l->address - m->memory_start + m->file_offset
						       : l->address, w };
				vec_push(&t->hits, h);
			}
			t->total += w;
			break;
		}
	}
	free(is);
	kbuf_release(&b);
}

/* Names of symbols containing `name`, to suggest when nothing matched. */
static void suggest(const struct profile *p, const char *name)
{
	struct kbuf b = KBUF_INIT, seen = KBUF_INIT;
	int shown = 0;

	for (size_t i = 0; i < p->n_locations && shown < 5; i++) {
		kbuf_reset(&b);
		perf_frame_names(p, &p->locations[i], 0, NULL, &b);
		if (!strstr(b.buf, name) || strstr(seen.buf ? seen.buf : "", b.buf))
			continue;
		kbuf_addf(&seen, "\n%s\n", b.buf);
		fputs("  did you mean: ", stderr);
		text_fputs(b.buf, 0, stderr);
		fputc('\n', stderr);
		shown++;
	}
	kbuf_release(&b);
	kbuf_release(&seen);
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

/* JIT code (anonymous memory) from the jitdumps the profile names (kiln
 * record keeps their mappings): the code bytes of the load holding most
 * hits (a JIT compiles a function more than once; the others' hits count
 * as outside it). Returns 0 with *dump_path (a profile string), or
 * -ENOENT. */
static const struct jitdump_code *busiest(const struct jitdump *j, const struct dis_hit *hits,
					  size_t n)
{
	const struct jitdump_code *best = NULL;
	int64_t best_v = -1;

	/* Quadratic in the hits of one symbol: a few hundred addresses. */
	for (size_t i = 0; i < n; i++) {
		const struct jitdump_code *c = jitdump_find(j, hits[i].file_offset);
		int64_t v = 0;

		if (!c || c == best)
			continue;
		for (size_t k = 0; k < n; k++)
			if (hits[k].file_offset - c->addr < c->size)
				v += hits[k].value;
		if (v > best_v) {
			best = c;
			best_v = v;
		}
	}
	return best;
}

static int annotate_jit(const struct profile *p, const struct pf_mapping *m, struct dis_hit *hits,
			size_t n, const struct dis_opts *d, struct dis_func *f,
			const char **dump_path, struct kerr *err)
{
	int ret = -ENOENT, pid;

	for (size_t i = 0; i < n; i++) /* file offsets back to addresses */
		hits[i].file_offset = hits[i].file_offset - m->file_offset + m->memory_start;
	for (size_t i = 0; i < p->n_mappings && ret == -ENOENT && n; i++) {
		const char *path = profile_get_str(p, p->mappings[i].filename);
		const struct jitdump_code *c;
		struct jitdump *j;

		if (!jitdump_name(path, &pid) || jitdump_load(path, 0, &j, NULL) < 0)
			continue;
		if ((c = busiest(j, hits, n)) != NULL) {
			ret = dis_annotate_code(c->name, (int)j->elf_mach, c->addr, c->code, c->size,
						hits, n, d, f, err);
			*dump_path = path;
		}
		jitdump_free(j);
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
		OPT_END_(),
	};
	struct kerr err = KERR_INIT;
	struct profile_decode_opts in_opts;
	struct profile *p = NULL;
	struct symbolizer *sym = NULL;
	struct bins bins = { NULL, 0, 0 };
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
	in_opts = cli_decode_opts();
	if (profile_read_file(o.input, &in_opts, &p, &err) < 0) {
		cli_error("annotate: %s", err.msg);
		return 1;
	}
	if ((vi = value_index(p, o.sample_index, &err)) < 0) {
		cli_error("annotate: %s", err.msg);
		goto out;
	}
	collect_hits(p, vi, o.symbol, &bins, &in_stacks);
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

		if (m && (!strcmp(path, "//anon") || !strncmp(path, "[anon", 5))) {
			if (annotate_jit(p, m, bins.v[i].hits.v, bins.v[i].hits.n, &dopts, &f, &path,
					 &err) < 0) {
				cli_error("annotate: %s is in anonymous memory: %s", o.symbol, err.msg);
				status = 1;
				continue;
			}
		} else if (!m || !path[0] || path[0] == '[') {
			cli_error("annotate: %s is in %s, whose code kiln cannot read (kernel or "
				  "anonymous memory)", o.symbol, path[0] ? path : "no known binary");
			status = 1;
			continue;
		} else if (dis_annotate(sym, path, profile_get_str(p, m->build_id), o.symbol, bins.v[i].hits.v,
				 bins.v[i].hits.n, &dopts, &f, &err) < 0) {
			cli_error("annotate: %s", err.msg);
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
	for (size_t i = 0; i < bins.n; i++)
		vec_free(&bins.v[i].hits);
	vec_free(&bins);
	symbolizer_free(sym);
	profile_free(p);
	return status;
}
