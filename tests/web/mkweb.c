/* Writes a small CPU profile whose functions name the source files a web
 * test chooses, for the source-root rules of kiln web (tests/web/sources.sh):
 * each NAME=FILE:LINE becomes a function with one sampled line (10 ms each,
 * one sample apiece), all in one mapping, BINARY (default /usr/bin/app),
 * so a test can point the mapping at a binary whose DWARF names its
 * compilation folder.
 *
 * usage: mkweb OUT.pb.gz [-m BINARY] NAME=FILE:LINE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/encode.h"
#include "profile/profile.h"

#define MS 1000000LL

int main(int argc, char **argv)
{
	struct profile *p;
	struct pf_mapping *m;
	struct kerr err = KERR_INIT;
	const char *binary = "/usr/bin/app";
	int i = 2;

	if (argc < 3) {
		fprintf(stderr, "usage: mkweb OUT.pb.gz [-m BINARY] NAME=FILE:LINE...\n");
		return 2;
	}
	if (argc > 3 && !strcmp(argv[2], "-m")) {
		binary = argv[3];
		i = 4;
	}
	p = profile_new();
	profile_add_sample_type(p, "samples", "count");
	profile_add_sample_type(p, "cpu", "nanoseconds");
	p->period_type.type = profile_str(p, "cpu");
	p->period_type.unit = profile_str(p, "nanoseconds");
	p->period = 10 * MS;
	m = profile_add_mapping(p);
	m->memory_start = 0x400000;
	m->memory_limit = 0x500000;
	m->filename = profile_str(p, binary);
	m->has_functions = m->has_filenames = m->has_line_numbers = true;
	for (uint64_t addr = 0x401000; i < argc; i++, addr += 0x100) {
		char *spec = strdup(argv[i]), *eq = strchr(spec, '='), *colon = strrchr(spec, ':');
		struct pf_function *f;
		struct pf_line ln;
		int64_t v[2] = { 1, 10 * MS };
		uint64_t loc;

		if (!eq || !colon || colon < eq) {
			fprintf(stderr, "mkweb: bad spec '%s' (NAME=FILE:LINE)\n", argv[i]);
			return 2;
		}
		*eq = *colon = 0;
		f = profile_add_function(p);
		f->name = f->system_name = profile_str(p, spec);
		f->filename = profile_str(p, eq + 1);
		f->start_line = 1;
		ln = (struct pf_line){ f->id, strtoll(colon + 1, NULL, 10), 0 };
		loc = profile_add_location(p, m->id, addr, &ln, 1)->id;
		profile_add_sample(p, &loc, 1, v, 2, NULL, 0);
		free(spec);
	}
	if (profile_write_file(p, argv[1], &err) < 0) {
		fprintf(stderr, "mkweb: %s\n", err.msg);
		return 1;
	}
	profile_free(p);
	return 0;
}
