/* Granularity and sample-type selection (see filter.h): pprof's Aggregate
 * clears the fields a granularity ignores so that equal frames compare
 * equal, and SampleIndexByName picks the value a report shows. Both are a
 * single pass over small arrays (functions, locations, sample types). */
#include "filter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"

void profile_aggregate(struct profile *p, bool inline_frames, bool function, bool filename,
		       bool linenumber, bool address)
{
	for (size_t i = 0; i < p->n_mappings; i++) {
		struct pf_mapping *m = &p->mappings[i];
		m->has_inline_frames = m->has_inline_frames && inline_frames;
		m->has_functions = m->has_functions && function;
		m->has_filenames = m->has_filenames && filename;
		m->has_line_numbers = m->has_line_numbers && linenumber;
	}
	if (!function || !filename) {
		for (size_t i = 0; i < p->n_functions; i++) {
			struct pf_function *f = &p->functions[i];
			if (!function)
				f->name = f->system_name = 0;
			if (!filename)
				f->filename = 0;
		}
	}
	if (inline_frames && address && linenumber)
		return;
	for (size_t i = 0; i < p->n_locations; i++) {
		struct pf_location *l = &p->locations[i];
		if (!inline_frames && l->n_line > 1) {
			/* Keep the outermost caller: the last line. */
			l->line_off += l->n_line - 1;
			l->n_line = 1;
		}
		if (!linenumber && l->n_line) {
			struct pf_line *ln = p->lines + l->line_off;
			for (uint32_t k = 0; k < l->n_line; k++)
				ln[k].line = ln[k].column = 0;
		}
		if (!address)
			l->address = 0;
	}
}

int profile_sample_index(const struct profile *p, const char *name, struct kerr *err)
{
	struct kbuf types = KBUF_INIT;
	char *end;
	long v;
	int ret;

	if (p->n_sample_type == 0)
		return kerr_set(err, -EINVAL, "profile has no samples");
	if (!name || !name[0]) {
		const char *dflt = profile_get_str(p, p->default_sample_type);
		if (dflt[0])
			for (size_t i = 0; i < p->n_sample_type; i++)
				if (!strcmp(profile_get_str(p, p->sample_type[i].type), dflt))
					return (int)i;
		return (int)p->n_sample_type - 1;
	}
	v = strtol(name, &end, 10);
	if (end != name && !*end) {
		if (v < 0 || (size_t)v >= p->n_sample_type)
			return kerr_set(err, -EINVAL, "sample_index %s is outside the range [0..%zu]",
					name, p->n_sample_type - 1);
		return (int)v;
	}
	for (size_t i = 0; i < p->n_sample_type; i++) {
		const char *t = profile_get_str(p, p->sample_type[i].type);
		if (!strcmp(t, name) ||
		    (!strncmp(name, "inuse_", 6) && !strcmp(t, name + 6)))
			return (int)i;
	}
	kbuf_addch(&types, '[');
	for (size_t i = 0; i < p->n_sample_type; i++)
		kbuf_addf(&types, "%s%s", i ? " " : "", profile_get_str(p, p->sample_type[i].type));
	kbuf_addch(&types, ']');
	ret = kerr_set(err, -EINVAL, "sample_index \"%s\" must be one of: %s", name, types.buf);
	kbuf_release(&types);
	return ret;
}
