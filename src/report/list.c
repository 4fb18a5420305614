/* The -list report (pprof's printSource): for each function matching the
 * regex and each of its source files, the file's lines from the function's
 * start (or first sampled line - 5) to the last sampled line + 5, with flat
 * and cum per line. Sources are found from the profile's file names, with
 * -trim_path and the -source_path directories (and their parents).
 *
 * Workload: `-list .` on a profile of 100,000 functions matches every node
 * of a line-granularity table (about a million). The matched nodes are
 * grouped by (function, file) with one sort on string ranks, and files are
 * read once each through a map keyed by the table's interned file index,
 * so the report costs O(n log n) in nodes plus the lines printed. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/hashmap.h"
#include "../base/num.h"
#include "../base/textsafe.h"
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
	const struct report_opts *o;  /* source_check */
	struct srcfile *files;
	size_t n, cap;
	struct u64map by_file;        /* table file index -> files[] index */
};

/* Opens a candidate path, asking source_check first (kiln web restricts
 * -list to its source roots, and must not even open a FIFO a profile
 * names). A refusal sets *error once and errno to EACCES. */
static FILE *try_open(const struct reader *rd, const char *path, char **error)
{
	struct kerr e = KERR_INIT;
	int rc;

	if (rd->o->source_check && (rc = rd->o->source_check(rd->o->source_check_ctx, path, &e)) < 0) {
		if (rc == -EACCES && !*error) {
			struct kbuf b = KBUF_INIT;
			kbuf_addf(&b, "open %s: %s", path, e.msg);
			*error = kbuf_detach(&b, NULL);
		}
		errno = -rc;
		return NULL;
	}
	return fopen(path, "r");
}

static FILE *open_source(const struct reader *rd, const char *path, char **error)
{
	struct kbuf trimmed = KBUF_INIT, name = KBUF_INIT;
	FILE *f = NULL;
	const char *dir = rd->search;

	path_trim(&trimmed, path, rd->trim, rd->search);
	if (trimmed.buf[0] == '/') {
		f = try_open(rd, trimmed.buf, error);
		if (!f && !*error) {
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
			f = try_open(rd, name.buf, error);
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
	if (!f && !*error) {
		struct kbuf e = KBUF_INIT;
		kbuf_addf(&e, "could not find file %s on path %s", trimmed.buf, rd->search);
		*error = kbuf_detach(&e, NULL);
	}
out:
	if (f && *error) {
		/* a refused candidate, then one allowed further up the path */
		free(*error);
		*error = NULL;
	}
	kbuf_release(&trimmed);
	kbuf_release(&name);
	return f;
}

/* The file of table string `file_ix` if it was read already, else NULL. */
static struct srcfile *find_file(const struct reader *rd, uint32_t file_ix)
{
	uint64_t v;

	return u64map_get(&rd->by_file, file_ix, &v) ? &rd->files[v] : NULL;
}

/* The file of table string `file_ix` (text `path`), read on first use. */
static struct srcfile *get_file(struct reader *rd, uint32_t file_ix, const char *path)
{
	struct srcfile *sf;
	FILE *f;
	char *line = NULL;
	size_t cap = 0, lcap = 0;
	ssize_t len;
	bool added;
	uint64_t *slot = u64map_slot(&rd->by_file, file_ix, rd->n, &added);

	if (!added)
		return &rd->files[*slot];
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
		if (text_is_safe(line, (size_t)len, TEXT_KEEP_TAB)) {
			sf->lines[sf->n++] = xstrndup(line, (size_t)len);
		} else {
			struct kbuf esc = KBUF_INIT;
			text_escape(&esc, line, (size_t)len, TEXT_KEEP_TAB);
			sf->lines[sf->n++] = kbuf_detach(&esc, NULL);
		}
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
	u64map_release(&rd->by_file);
}

/* ---- grouping ---- */

/* A matched node with the ranks of its function name and file among the
 * matched nodes' strings (rank order = strcmp order; interned strings are
 * equal exactly when their indices are), and its place in the match order,
 * which keeps the sort stable. */
struct lnode {
	uint32_t name_rank, file_rank, seq, node;
};

static int lnode_cmp(const void *x, const void *y)
{
	const struct lnode *a = x, *b = y;

	if (a->name_rank != b->name_rank)
		return a->name_rank < b->name_rank ? -1 : 1;
	if (a->file_rank != b->file_rank)
		return a->file_rank < b->file_rank ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int str_ix_cmp(const void *x, const void *y, void *arg)
{
	const struct rtable *t = arg;

	return strcmp(rtable_str(t, *(const uint32_t *)x), rtable_str(t, *(const uint32_t *)y));
}

/* rank[ix] for every string index used in ids[0..n): 0-based, strcmp
 * order. rank must be zeroed and sized for the table's strings. */
static void rank_strings(const struct rtable *t, const uint32_t *ids, size_t n, uint32_t *rank)
{
	uint32_t *distinct = xmalloc((n + 1) * sizeof(uint32_t));
	size_t nd = 0;

	/* rank doubles as the "seen" mark (1) until ranks are assigned */
	for (size_t i = 0; i < n; i++)
		if (!rank[ids[i]]) {
			rank[ids[i]] = 1;
			distinct[nd++] = ids[i];
		}
	qsort_r(distinct, nd, sizeof(uint32_t), str_ix_cmp, (void *)t);
	for (size_t i = 0; i < nd; i++)
		rank[distinct[i]] = (uint32_t)i;
	free(distinct);
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
		       uint32_t file_ix, const uint32_t *fns, size_t n, struct kbuf *out)
{
	const struct rinfo *i0 = &g->t->info[fns[0]];
	const char *file = rtable_str(g->t, file_ix);
	int64_t flat_sum = 0, cum_sum = 0, start, end;
	char a[128], b[128], pct[32];
	struct srcfile *sf;

	for (size_t i = 0; i < n; i++) {
		flat_sum = go_add64(flat_sum, g->flat[fns[i]]); /* Go wraps */
		cum_sum = go_add64(cum_sum, g->cum[fns[i]]);
	}
	start = i0->start_line ? i0->start_line : go_add64(i0->lineno, -5);
	end = go_add64(i0->lineno, 5);
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
	/* The names print escaped; the file opens by its own bytes. */
	kbuf_addstr(out, "ROUTINE ======================== ");
	text_escape(out, name, strlen(name), 0);
	kbuf_addstr(out, " in ");
	text_escape(out, file, strlen(file), 0);
	kbuf_addch(out, '\n');
	kbuf_addf(out, "%10s %10s (flat, cum) %s of Total\n", report_value_str(r, flat_sum, a),
		  report_value_str(r, cum_sum, b), units_percent(pct, cum_sum, r->prep.total));
	/* pprof reads a file on the first line it prints from it: a routine
	 * whose range is empty (start past end) shows an error only if an
	 * earlier routine tried the file. */
	sf = start <= end ? get_file(rd, file_ix, file) : find_file(rd, file_ix);
	if (!sf)
		return;
	if (sf->error) {
		kbuf_addstr(out, " Error: ");
		text_escape(out, sf->error, strlen(sf->error), 0);
		kbuf_addch(out, '\n');
		return;
	}
	for (int64_t ln = start; ln <= end; ln++) {
		int64_t flat = 0, cum = 0;
		if (ln <= 0 || (size_t)ln >= sf->n)
			break;
		for (size_t i = 0; i < n; i++)
			if (g->t->info[fns[i]].lineno == ln) {
				flat = go_add64(flat, g->flat[fns[i]]);
				cum = go_add64(cum, g->cum[fns[i]]);
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
	struct lnode *ln = NULL;
	uint32_t *ids = NULL, *rank = NULL, *fnodes = NULL;
	size_t nm = 0;
	char cwd[4096], tot[128];
	int ret = 0;

	memset(&rd, 0, sizeof(rd));
	report_table_opts(r, &to, true);
	rtable_build(&t, r->p, &to);
	report_graph_opts(r, &go);
	go.edges = false;
	rgraph_build(&g, &t, &go, NULL);
	ln = xmalloc((g.n_nodes + 1) * sizeof(*ln));
	for (size_t i = 0; i < g.n_nodes; i++)
		if (krx_match(&r->prep.symbol, rtable_str(&t, t.info[g.nodes[i]].name))) {
			ln[nm].node = g.nodes[i];
			ln[nm].seq = (uint32_t)nm;
			nm++;
		}
	if (nm == 0) {
		ret = kerr_set(err, -EINVAL, "no matches found for regexp: %s", r->o->symbol);
		goto out;
	}
	/* Functions in name order, each one's files in file order, each
	 * (function, file)'s nodes in match order: pprof's order, where the
	 * first node of a function or file represents it. */
	ids = xmalloc(nm * sizeof(uint32_t));
	rank = xcalloc(t.strs.n + 1, sizeof(uint32_t));
	for (size_t i = 0; i < nm; i++)
		ids[i] = t.info[ln[i].node].name;
	rank_strings(&t, ids, nm, rank);
	for (size_t i = 0; i < nm; i++)
		ln[i].name_rank = rank[ids[i]];
	memset(rank, 0, (t.strs.n + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < nm; i++)
		ids[i] = t.info[ln[i].node].file;
	rank_strings(&t, ids, nm, rank);
	for (size_t i = 0; i < nm; i++)
		ln[i].file_rank = rank[ids[i]];
	qsort(ln, nm, sizeof(*ln), lnode_cmp);

	rd.o = r->o;
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
	fnodes = xmalloc(nm * sizeof(uint32_t));
	kbuf_addf(out, "Total: %s\n", report_value_str(r, r->prep.total, tot));
	for (size_t a = 0; a < nm;) {
		uint32_t name = t.info[ln[a].node].name;
		size_t z = a;
		bool any_file = false;

		while (z < nm && ln[z].name_rank == ln[a].name_rank)
			z++;
		for (size_t b = a; b < z;) {
			uint32_t file = t.info[ln[b].node].file;
			size_t nfn = 0;

			while (b < z && t.info[ln[b].node].file == file)
				fnodes[nfn++] = ln[b++].node;
			if (!file)
				continue;
			any_file = true;
			print_file(r, &g, &rd, rtable_str(&t, name), file, fnodes, nfn, out);
		}
		if (!any_file) {
			const char *nm_s = rtable_str(&t, name);
			kbuf_addstr(out, "No source information for ");
			text_escape(out, nm_s, strlen(nm_s), 0);
			kbuf_addch(out, '\n');
		}
		a = z;
	}
out:
	reader_release(&rd);
	free(ln);
	free(ids);
	free(rank);
	free(fnodes);
	rgraph_release(&g);
	rtable_release(&t);
	return ret;
}
