/* JIT symbol maps, /tmp/perf-PID.map: one "START SIZE name" line (hex) per
 * compiled function, appended by the JIT as it goes, often thousands of
 * lines and some of them for reused code memory. Read once, names demangled
 * up front, sorted by start with later lines first at equal starts, then
 * binary searched. */
#include "symbols.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/vec.h"
#include "../base/search.h"

/* How far a lookup walks back for an older entry that encloses the
 * address. */
#define ENCLOSING_SCAN 16

struct pm_entry {
	uint64_t start, end;
	size_t seq;               /* line number: later lines win */
	const char *name, *system_name;
};

struct perfmap {
	struct arena arena;
	struct { struct pm_entry *v; size_t n, cap; } e;
};

static int entry_cmp(const void *pa, const void *pb)
{
	const struct pm_entry *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->seq > b->seq ? -1 : a->seq < b->seq;
}

static bool parse_line(char *line, uint64_t *start, uint64_t *size, char **name)
{
	char *p = line, *end;
	size_t n;

	*start = strtoull(p, &end, 16);
	if (end == p || (*end != ' ' && *end != '\t'))
		return false;
	p = end;
	*size = strtoull(p, &end, 16);
	if (end == p || (*end != ' ' && *end != '\t'))
		return false;
	p = end + strspn(end, " \t");
	n = strcspn(p, "\r\n");
	p[n] = '\0';
	*name = p;
	return n > 0 && *size > 0;
}

int perfmap_load_file(const char *path, struct perfmap **out, struct kerr *err)
{
	struct perfmap *m;
	char *line = NULL;
	size_t cap = 0, seq = 0;
	FILE *fp;
	int ret;

	*out = NULL;
	fp = fopen(path, "re");
	if (!fp) {
		ret = -errno;
		return kerr_set(err, ret, "%s: %s", path, strerror(-ret));
	}
	m = xcalloc(1, sizeof(*m));
	while (getline(&line, &cap, fp) > 0) {
		uint64_t start, size;
		struct pm_entry *e;
		char *name, *dm;

		seq++;
		if (!parse_line(line, &start, &size, &name))
			continue;
		e = vec_add(&m->e);
		e->start = start;
		e->end = start + size < start ? UINT64_MAX : start + size;
		e->seq = seq;
		e->system_name = arena_strdup(&m->arena, name);
		dm = sym_demangle(name);
		e->name = dm ? arena_strdup(&m->arena, dm) : e->system_name;
		free(dm);
	}
	free(line);
	if (ferror(fp)) {
		ret = kerr_set(err, -EIO, "%s: read error", path);
		goto free_map;
	}
	fclose(fp);
	if (m->e.n)
		qsort(m->e.v, m->e.n, sizeof(m->e.v[0]), entry_cmp);
	*out = m;
	return 0;

free_map:
	perfmap_free(m);
	fclose(fp);
	return ret;
}

int perfmap_load(int pid, struct perfmap **out, struct kerr *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/tmp/perf-%d.map", pid);
	return perfmap_load_file(path, out, err);
}

void perfmap_free(struct perfmap *m)
{
	if (!m)
		return;
	arena_release(&m->arena);
	vec_free(&m->e);
	free(m);
}

int perfmap_lookup(const struct perfmap *m, uint64_t addr, struct sym_frame *f)
{
	const struct pm_entry *best = NULL;
	size_t lo;

	if (!m)
		return 0;
	lo = upper_bound_u64(m->e.v, m->e.n, sizeof(*m->e.v), offsetof(struct pm_entry, start),
			     addr);
	/* Of the nearby entries enclosing addr, the latest line wins. */
	for (size_t i = lo, steps = 0; i > 0 && steps < ENCLOSING_SCAN; i--, steps++) {
		const struct pm_entry *e = &m->e.v[i - 1];

		if (addr < e->end && (!best || e->seq > best->seq))
			best = e;
	}
	if (!best)
		return 0;
	*f = (struct sym_frame){ 0 };
	f->name = best->name;
	f->system_name = best->system_name;
	return 1;
}
