/* profile_resymbolize() (resym.h): decides per mapping whether it is
 * redone and with which file, then rebuilds the profile through the
 * builder: redone mappings get their addresses looked up anew, the others
 * keep their frames (builder_location_frames), and samples, labels and
 * the header are copied over with their strings re-interned. One pass
 * over locations and one over samples. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "build.h"
#include "resym.h"

/* pprof's Unsymbolizable, plus URL-named mappings it also skips. */
bool resym_unsymbolizable(const char *file)
{
	const char *slash = strrchr(file, '/');
	const char *base = slash ? slash + 1 : file;

	return !*file || base[0] == '[' || !strncmp(base, "linux-vdso", 10) ||
	       !strncmp(file, "/dev/dri/", 9) || !strcmp(file, "//anon") ||
	       !strncmp(file, "/memfd:", 7) || strstr(file, "://");
}

static bool wants(const struct pf_mapping *m, enum resym_mode mode)
{
	return mode == RESYM_FORCE ||
	       (mode == RESYM_LOCAL && !m->has_functions && !m->has_filenames && !m->has_line_numbers);
}

/* The mapping BINARY stands for: the one with its build id, else the
 * first, refused when that one's build id is another. */
static int main_mapping(const struct profile *p, const char *binary, struct symbolizer *s,
			size_t *out, struct kerr *err)
{
	struct sym_file *f;
	const char *bid, *mbid;
	int ret;

	if ((ret = sym_file_open(s, binary, &f, err)) < 0)
		return ret;
	if (!p->n_mappings)
		return kerr_set(err, -EINVAL, "the profile has no mappings for %s to symbolize", binary);
	bid = sym_file_info(f)->build_id;
	*out = 0;
	for (size_t i = 0; *bid && i < p->n_mappings; i++)
		if (!strcmp(profile_get_str(p, p->mappings[i].build_id), bid)) {
			*out = i;
			return 0;
		}
	mbid = profile_get_str(p, p->mappings[0].build_id);
	if (*mbid && *bid)
		return kerr_set(err, -EINVAL, "%s has build id %s, which no mapping has (the main "
				"mapping's is %s)", binary, bid, mbid);
	return 0;
}

static void copy_header(struct profile *np, const struct profile *p)
{
#define S(idx) profile_str(np, profile_get_str(p, (idx)))
	for (size_t i = 0; i < p->n_sample_type; i++)
		profile_add_sample_type(np, profile_get_str(p, p->sample_type[i].type),
					profile_get_str(p, p->sample_type[i].unit));
	np->period_type.type = S(p->period_type.type);
	np->period_type.unit = S(p->period_type.unit);
	np->period = p->period;
	np->time_nanos = p->time_nanos;
	np->duration_nanos = p->duration_nanos;
	np->drop_frames = S(p->drop_frames);
	np->keep_frames = S(p->keep_frames);
	np->default_sample_type = S(p->default_sample_type);
	np->doc_url = S(p->doc_url);
	for (size_t i = 0; i < p->n_comments; i++)
		profile_add_comment(np, profile_get_str(p, p->comments[i]));
#undef S
}

/* The old location's frames, innermost first; strings point into p. */
static size_t old_frames(const struct profile *p, const struct pf_location *l,
			 struct sym_frame **fr, size_t *cap)
{
	const struct pf_line *ln = pf_location_lines(p, l);

	*fr = xgrow(*fr, cap, l->n_line + 1, sizeof(**fr));
	for (uint32_t i = 0; i < l->n_line; i++) {
		const struct pf_function *f = profile_function(p, ln[i].function_id);
		struct sym_frame *o = &(*fr)[i];

		memset(o, 0, sizeof(*o));
		o->name = f ? profile_get_str(p, f->name) : "";
		o->system_name = f ? profile_get_str(p, f->system_name) : "";
		o->file = f ? profile_get_str(p, f->filename) : "";
		o->start_line = f ? f->start_line : 0;
		o->line = ln[i].line;
		o->column = ln[i].column;
	}
	return l->n_line;
}

static void copy_samples(struct profile *np, const struct profile *p, const struct u64map *locmap)
{
	VEC(uint64_t) locs = VEC_INIT;
	VEC(struct pf_label) labs = VEC_INIT;

	for (size_t i = 0; i < p->n_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		const uint64_t *sl = pf_sample_locs(p, s);
		const struct pf_label *lb = pf_sample_labels(p, s);

		locs.n = labs.n = 0;
		for (uint32_t k = 0; k < s->n_loc; k++) {
			uint64_t id = 0;
			u64map_get(locmap, sl[k], &id);
			vec_push(&locs, id);
		}
		for (uint32_t k = 0; k < s->n_lab; k++) {
			struct pf_label *l = vec_add(&labs);
			l->key = profile_str(np, profile_get_str(p, lb[k].key));
			l->str = lb[k].str ? profile_str(np, profile_get_str(p, lb[k].str)) : 0;
			l->num = lb[k].num;
			l->num_unit = lb[k].num_unit ? profile_str(np, profile_get_str(p, lb[k].num_unit)) : 0;
		}
		profile_add_sample(np, locs.v, locs.n, pf_sample_values(p, s), s->n_val, labs.v, labs.n);
	}
	vec_free(&locs);
	vec_free(&labs);
}

/* Builds the new profile from p with the files chosen (NULL: kept). */
static void take_warnings(struct builder *b, struct kbuf *warnings)
{
	const char **w;
	size_t n = builder_warnings(b, &w);

	for (size_t i = 0; warnings && i < n; i++)
		kbuf_addf(warnings, "%s\n", w[i]);
}

static struct profile *rebuild(const struct profile *p, char **files, struct builder *b,
			       struct kbuf *warnings)
{
	uint32_t *ix = xcalloc(p->n_mappings + 1, sizeof(*ix));
	struct u64map locmap = { 0 };
	struct sym_frame *fr = NULL;
	size_t cap = 0;

	copy_header(builder_profile(b), p);
	for (size_t i = 0; i < p->n_mappings; i++) {
		const struct pf_mapping *m = &p->mappings[i];
		/* the builder opens absolute paths only (others name no file) */
		char *abs = files[i] && files[i][0] != '/' ? realpath(files[i], NULL) : NULL;
		const char *recorded = profile_get_str(p, m->filename);
		struct build_mapping bm = {
			.start = m->memory_start, .end = m->memory_limit, .pgoff = m->file_offset,
			.filename = abs ? abs : files[i] ? files[i] : recorded,
			.build_id = profile_get_str(p, m->build_id), .no_source = !files[i],
		};
		ix[i] = builder_mapping(b, &bm);
		/* named as the user named it, as pprof does; a cache's file
		 * keeps the name it was recorded under */
		if (files[i] && *recorded && sym_locate_in_cache(files[i]))
			builder_pf_mapping(b, ix[i])->filename = profile_str(builder_profile(b), recorded);
		else if (abs)
			builder_pf_mapping(b, ix[i])->filename = profile_str(builder_profile(b), files[i]);
		free(abs);
		/* the build id stays the recorded one (pprof's too): "" says
		 * nothing was known when the profile was written */
		builder_pf_mapping(b, ix[i])->build_id = m->build_id ?
			profile_str(builder_profile(b), profile_get_str(p, m->build_id)) : 0;
		if (!files[i]) {
			struct pf_mapping *nm = builder_pf_mapping(b, ix[i]);
			nm->has_functions = m->has_functions;
			nm->has_filenames = m->has_filenames;
			nm->has_line_numbers = m->has_line_numbers;
			nm->has_inline_frames = m->has_inline_frames;
		}
	}
	for (size_t i = 0; i < p->n_locations; i++) {
		const struct pf_location *l = &p->locations[i];
		const struct pf_mapping *m = l->mapping_id ? profile_mapping(p, l->mapping_id) : NULL;
		size_t mi = m ? (size_t)(m - p->mappings) : p->n_mappings;
		uint32_t bix = m ? ix[mi] : BUILD_NO_MAPPING;
		size_t n = old_frames(p, l, &fr, &cap);
		/* a redone address the file does not name keeps its old lines */
		uint64_t id = builder_location_frames(b, bix, l->address, fr, n, m && files[mi]);
		u64map_put(&locmap, l->id, id);
	}
	copy_samples(builder_profile(b), p, &locmap);
	u64map_release(&locmap);
	free(fr);
	free(ix);
	take_warnings(b, warnings);
	return builder_finish(b);
}

int profile_resymbolize(struct profile **pp, const struct resym_opts *o, struct kbuf *warnings,
			struct kerr *err)
{
	struct profile *p = *pp, *np;
	struct builder *b;
	struct symbolizer *s;
	char **files = NULL;
	size_t main_ix = 0, n_redo = 0, n_maps = p->n_mappings;
	int ret = 0;

	if (o->mode == RESYM_NONE && !o->binary)
		return 0;
	builder_new(&b, NULL);
	s = builder_symbolizer(b);
	if (o->locate.symfs) {
		struct kbuf d = KBUF_INIT;
		kbuf_addf(&d, "%s/usr/lib/debug", o->locate.symfs);
		symbolizer_set_debug_dir(s, d.buf);
		kbuf_release(&d);
	}
	if (o->binary && (ret = main_mapping(p, o->binary, s, &main_ix, err)) < 0)
		goto out;
	/* pprof names the main mapping after BINARY in every mode */
	if (o->binary)
		p->mappings[main_ix].filename = profile_str(p, o->binary);
	if (o->mode == RESYM_NONE)
		goto out;
	files = xcalloc(p->n_mappings + 1, sizeof(*files));
	for (size_t i = 0; i < p->n_mappings; i++) {
		const struct pf_mapping *m = &p->mappings[i];
		const char *file = profile_get_str(p, m->filename);

		if (!wants(m, o->mode))
			continue;
		if (o->binary && i == main_ix)
			files[i] = xstrdup(o->binary);
		else if (resym_unsymbolizable(file) ||
			 sym_locate(s, &o->locate, file, profile_get_str(p, m->build_id), &files[i],
				    warnings) < 0)
			continue;
		n_redo++;
	}
	if (!n_redo)
		goto out;
	np = rebuild(p, files, b, warnings);
	b = NULL;
	profile_index(np);
	profile_free(p);
	*pp = np;
out:
	if (b)
		take_warnings(b, warnings);
	for (size_t i = 0; files && i < n_maps; i++)
		free(files[i]);
	free(files);
	builder_free(b);
	return ret;
}
