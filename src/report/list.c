/* The -list report (pprof's printSource): for each function matching the
 * regex and each of its source files, the file's lines from the function's
 * start (or first sampled line - 5) to the last sampled line + 5, with flat
 * and cum per line. Sources are found from the profile's file names, with
 * -trim_path and the -source_path directories (and their parents). */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/units.h"
#include "paths.h"

/* One source file read into lines (index 1-based; [0] unused). */
struct srcfile {
	char *path;          /* as named in the profile */
	char **lines;
	size_t n;            /* lines[1..n-1] valid */
	char *error;         /* why it could not be read, or NULL */
};

struct reader {
	const char *search, *trim;
	struct srcfile *files;
	size_t n, cap;
};

static FILE *open_source(const struct reader *rd, const char *path, char **error)
{
	struct kbuf trimmed = KBUF_INIT, name = KBUF_INIT;
	FILE *f = NULL;
	const char *dir = rd->search;

	path_trim(&trimmed, path, rd->trim, rd->search);
	if (trimmed.buf[0] == '/') {
		f = fopen(trimmed.buf, "r");
		if (!f) {
			struct kbuf e = KBUF_INIT;
			kbuf_addf(&e, "open %s: %s", trimmed.buf, strerror(errno));
			/* Go's messages are lower case. */
			for (size_t i = 5 + trimmed.len + 2; i < e.len && i < 5 + trimmed.len + 3; i++)
				if (e.buf[i] >= 'A' && e.buf[i] <= 'Z')
					e.buf[i] = (char)(e.buf[i] - 'A' + 'a');
			*error = kbuf_detach(&e, NULL);
		}
		goto out;
	}
	for (;;) {
		const char *end = strchr(dir, ':');
		size_t len = end ? (size_t)(end - dir) : strlen(dir);
		struct kbuf d = KBUF_INIT;

		kbuf_add(&d, dir, len);
		for (;;) {
			struct kbuf parent = KBUF_INIT, joined = KBUF_INIT;
			kbuf_reset(&name);
			kbuf_addf(&joined, "%s/%s", d.buf, trimmed.buf);
			path_clean(&name, joined.buf);
			kbuf_release(&joined);
			f = fopen(name.buf, "r");
			if (f)
				break;
			/* filepath.Dir(dir): clean of everything before the last slash. */
			{
				char *slash = strrchr(d.buf, '/');
				struct kbuf tmp = KBUF_INIT;
				if (slash)
					kbuf_add(&tmp, d.buf, (size_t)(slash - d.buf + 1));
				path_clean(&parent, tmp.buf);
				kbuf_release(&tmp);
			}
			if (!strcmp(parent.buf, d.buf)) {
				kbuf_release(&parent);
				break;
			}
			kbuf_reset(&d);
			kbuf_addstr(&d, parent.buf);
			kbuf_release(&parent);
		}
		kbuf_release(&d);
		if (f || !end)
			break;
		dir = end + 1;
	}
	if (!f) {
		struct kbuf e = KBUF_INIT;
		kbuf_addf(&e, "could not find file %s on path %s", trimmed.buf, rd->search);
		*error = kbuf_detach(&e, NULL);
	}
out:
	kbuf_release(&trimmed);
	kbuf_release(&name);
	return f;
}

static struct srcfile *get_file(struct reader *rd, const char *path)
{
	struct srcfile *sf;
	FILE *f;
	char *line = NULL;
	size_t cap = 0, lcap = 0;
	ssize_t len;

	for (size_t i = 0; i < rd->n; i++)
		if (!strcmp(rd->files[i].path, path))
			return &rd->files[i];
	rd->files = xgrow(rd->files, &rd->cap, rd->n + 1, sizeof(*rd->files));
	sf = &rd->files[rd->n++];
	memset(sf, 0, sizeof(*sf));
	sf->path = xstrdup(path);
	sf->lines = xgrow(NULL, &lcap, 1, sizeof(char *));
	sf->lines[0] = NULL;
	sf->n = 1;
	f = open_source(rd, path, &sf->error);
	if (!f)
		return sf;
	while ((len = getline(&line, &cap, f)) >= 0) {
		/* bufio.ScanLines: drop "\n" and one "\r" before it. */
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		sf->lines = xgrow(sf->lines, &lcap, sf->n + 1, sizeof(char *));
		sf->lines[sf->n++] = xstrndup(line, (size_t)len);
	}
	free(line);
	fclose(f);
	return sf;
}

static void reader_release(struct reader *rd)
{
	for (size_t i = 0; i < rd->n; i++) {
		for (size_t k = 1; k < rd->files[i].n; k++)
			free(rd->files[i].lines[k]);
		free(rd->files[i].lines);
		free(rd->files[i].path);
		free(rd->files[i].error);
	}
	free(rd->files);
}

/* ---- ordering ---- */

struct ord_ctx {
	struct rtable *t;
	bool by_file;
	struct kbuf a, b;
};

static void sprint_info(const struct rtable *t, uint32_t n, struct kbuf *b)
{
	const struct rinfo *i = &t->info[n];

	kbuf_reset(b);
	kbuf_addf(b, "{%s %s %llu %s %lld %lld %s}", rtable_str(t, i->name), rtable_str(t, i->orig_name),
		  (unsigned long long)i->address, rtable_str(t, i->file), (long long)i->start_line,
		  (long long)i->lineno, rtable_str(t, i->objfile));
}

static int ord_cmp(const void *x, const void *y, void *arg)
{
	struct ord_ctx *c = arg;
	uint32_t l = *(const uint32_t *)x, r = *(const uint32_t *)y;
	const struct rinfo *a = &c->t->info[l], *b = &c->t->info[r];
	int s;

	if (c->by_file) {
		s = strcmp(rtable_str(c->t, a->file), rtable_str(c->t, b->file));
		if (s)
			return s;
		if (a->start_line != b->start_line)
			return a->start_line < b->start_line ? -1 : 1;
	} else {
		s = strcmp(rtable_str(c->t, a->name), rtable_str(c->t, b->name));
		if (s)
			return s;
	}
	sprint_info(c->t, l, &c->a);
	sprint_info(c->t, r, &c->b);
	return strcmp(c->a.buf, c->b.buf);
}

static void value_or_dot(const struct report *r, int64_t v, char buf[128])
{
	if (v == 0)
		strcpy(buf, ".");
	else
		report_value_str(r, v, buf);
}

/* One ROUTINE block: nodes `fns` (all of one function and file). */
static void print_file(struct report *r, struct rgraph *g, struct reader *rd, const char *name,
		       const char *file, const uint32_t *fns, size_t n, struct kbuf *out)
{
	const struct rinfo *i0 = &g->t->info[fns[0]];
	int64_t flat_sum = 0, cum_sum = 0, start, end;
	char a[128], b[128], pct[32];
	struct srcfile *sf;

	for (size_t i = 0; i < n; i++) {
		flat_sum += g->flat[fns[i]];
		cum_sum += g->cum[fns[i]];
	}
	start = i0->start_line ? i0->start_line : i0->lineno - 5;
	end = i0->lineno + 5;
	for (size_t i = 0; i < n; i++) {
		const struct rinfo *in = &g->t->info[fns[i]];
		int64_t ns = in->start_line ? in->start_line : in->lineno - 5, ne = in->lineno + 5;
		if (ns < start)
			start = ns;
		else if (ne > end)
			end = ne;
	}
	if (start < 1)
		start = 1;
	kbuf_addf(out, "ROUTINE ======================== %s in %s\n", name, file);
	kbuf_addf(out, "%10s %10s (flat, cum) %s of Total\n", report_value_str(r, flat_sum, a),
		  report_value_str(r, cum_sum, b), units_percent(pct, cum_sum, r->prep.total));
	sf = get_file(rd, file);
	if (sf->error) {
		kbuf_addf(out, " Error: %s\n", sf->error);
		return;
	}
	for (int64_t ln = start; ln <= end; ln++) {
		int64_t flat = 0, cum = 0;
		if (ln <= 0 || (size_t)ln >= sf->n)
			break;
		for (size_t i = 0; i < n; i++)
			if (g->t->info[fns[i]].lineno == ln) {
				flat += g->flat[fns[i]];
				cum += g->cum[fns[i]];
			}
		value_or_dot(r, flat, a);
		value_or_dot(r, cum, b);
		kbuf_addf(out, "%10s %10s %6lld:%s\n", a, b, (long long)ln, sf->lines[ln]);
	}
}

int report_list(struct report *r, struct kbuf *out, struct kerr *err)
{
	struct rtable t;
	struct rgraph g;
	struct rtable_opts to;
	struct rgraph_opts go;
	struct reader rd;
	struct ord_ctx oc;
	uint32_t *matched, *fnodes, *firsts;
	size_t nm = 0, nf = 0;
	char cwd[4096], tot[128];
	int ret = 0;

	report_table_opts(r, &to, true);
	rtable_build(&t, r->p, &to);
	report_graph_opts(r, &go);
	go.edges = false;
	rgraph_build(&g, &t, &go, NULL);
	matched = xmalloc((g.n_nodes + 1) * sizeof(uint32_t));
	firsts = xmalloc((g.n_nodes + 1) * sizeof(uint32_t));
	fnodes = xmalloc((g.n_nodes + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < g.n_nodes; i++)
		if (krx_match(&r->prep.symbol, rtable_str(&t, t.info[g.nodes[i]].name)))
			matched[nm++] = g.nodes[i];
	/* One representative per function name, sorted by name. */
	for (size_t i = 0; i < nm; i++) {
		bool seen = false;
		for (size_t k = 0; k < nf && !seen; k++)
			seen = t.info[firsts[k]].name == t.info[matched[i]].name;
		if (!seen)
			firsts[nf++] = matched[i];
	}
	memset(&oc, 0, sizeof(oc));
	oc.t = &t;
	kbuf_init(&oc.a);
	kbuf_init(&oc.b);
	qsort_r(firsts, nf, sizeof(uint32_t), ord_cmp, &oc);
	if (nf == 0) {
		ret = kerr_set(err, -EINVAL, "no matches found for regexp: %s", r->o->symbol);
		goto out;
	}
	memset(&rd, 0, sizeof(rd));
	rd.trim = r->o->trim_path ? r->o->trim_path : "";
	if (r->o->source_path && r->o->source_path[0]) {
		rd.search = r->o->source_path;
	} else {
		if (!getcwd(cwd, sizeof(cwd))) {
			ret = kerr_set(err, -errno, "could not stat current dir: %s", strerror(errno));
			goto out;
		}
		rd.search = cwd;
	}
	kbuf_addf(out, "Total: %s\n", report_value_str(r, r->prep.total, tot));
	for (size_t f = 0; f < nf; f++) {
		uint32_t name = t.info[firsts[f]].name;
		uint32_t *files;
		size_t nfn = 0, nfile = 0;

		/* This function's nodes with a file, one representative per file. */
		files = xmalloc((nm + 1) * sizeof(uint32_t));
		for (size_t i = 0; i < nm; i++) {
			bool seen = false;
			if (t.info[matched[i]].name != name || !t.info[matched[i]].file)
				continue;
			for (size_t k = 0; k < nfile && !seen; k++)
				seen = t.info[files[k]].file == t.info[matched[i]].file;
			if (!seen)
				files[nfile++] = matched[i];
		}
		if (nfile == 0) {
			kbuf_addf(out, "No source information for %s\n", rtable_str(&t, name));
			free(files);
			continue;
		}
		oc.by_file = true;
		qsort_r(files, nfile, sizeof(uint32_t), ord_cmp, &oc);
		oc.by_file = false;
		for (size_t k = 0; k < nfile; k++) {
			uint32_t file = t.info[files[k]].file;
			nfn = 0;
			for (size_t i = 0; i < nm; i++)
				if (t.info[matched[i]].name == name && t.info[matched[i]].file == file)
					fnodes[nfn++] = matched[i];
			print_file(r, &g, &rd, rtable_str(&t, name), rtable_str(&t, file), fnodes, nfn, out);
		}
		free(files);
	}
	reader_release(&rd);
out:
	kbuf_release(&oc.a);
	kbuf_release(&oc.b);
	free(matched);
	free(firsts);
	free(fnodes);
	rgraph_release(&g);
	rtable_release(&t);
	return ret;
}
