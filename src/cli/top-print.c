/* perf top's text layout for kiln top --stdio, the P key and the TUI's
 * rows: "    34.52%  cpu-split  [.] hot_a", with Children/Self columns under
 * -g and a Samples column under -n; and the annotation of a row's symbol
 * through the disasm module. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/textsafe.h"
#include "../disasm/disasm.h"
#include "../base/vec.h"
#include "top.h"

void top_rebuild_view(struct top *t)
{
	perf_view_release(&t->view);
	perf_view_build(t->hist, &t->vo, &t->view);
}

static double pct(const struct top *t, double v)
{
	return t->view.total > 0 ? 100.0 * v / t->view.total : 0;
}

/* Appends a name escaped (textsafe.h: comms and symbols come from the
 * programs profiled), padded with spaces to `width` bytes. */
static void add_name(struct kbuf *out, const char *s, size_t width)
{
	size_t start = out->len;

	text_escape(out, s, strlen(s), 0);
	while (out->len - start < width)
		kbuf_addch(out, ' ');
}

size_t top_dso_width(struct top *t, size_t max_rows)
{
	size_t w = strlen("Shared Object");
	struct kbuf b = KBUF_INIT;

	for (size_t i = 0; i < t->view.n_rows && (!max_rows || i < max_rows); i++) {
		size_t l = strlen(text_safe_str(perf_hist_str(t->hist, t->view.rows[i].dso), 0, &b));
		if (l > w)
			w = l;
	}
	kbuf_release(&b);
	return w;
}

void top_print_columns(struct top *t, size_t dso_width, struct kbuf *out)
{
	enum perf_key keys[PERF_MAX_KEYS];
	size_t n = perf_hist_keys(t->hist, keys);

	kbuf_addstr(out, t->callchain ? "  Children      Self" : "  Overhead");
	if (t->show_samples)
		kbuf_addstr(out, "       Samples");
	for (size_t k = 0; k < n; k++) {
		if (keys[k] == PERF_KEY_DSO)
			kbuf_addf(out, "  %-*s", (int)dso_width, perf_key_header(keys[k]));
		else if (keys[k] == PERF_KEY_SYM)
			kbuf_addf(out, "  %s", perf_key_header(keys[k]));
		else
			kbuf_addf(out, "  %-16s", perf_key_header(keys[k]));
	}
}

void top_print_row(struct top *t, const struct perf_row *r, size_t dso_width, struct kbuf *out)
{
	enum perf_key keys[PERF_MAX_KEYS];
	size_t n = perf_hist_keys(t->hist, keys);

	if (t->callchain)
		kbuf_addf(out, "  %7.2f%%  %7.2f%%", pct(t, r->children), pct(t, r->self));
	else
		kbuf_addf(out, "  %7.2f%%", pct(t, r->self));
	if (t->show_samples)
		kbuf_addf(out, "  %12.0f", r->samples);
	for (size_t k = 0; k < n; k++) {
		switch (keys[k]) {
		case PERF_KEY_COMM:
			kbuf_addstr(out, "  ");
			add_name(out, perf_hist_str(t->hist, r->comm), 16);
			break;
		case PERF_KEY_PID:
			kbuf_addf(out, "  %7" PRId64 ":", r->pid);
			add_name(out, perf_hist_str(t->hist, r->comm), 8);
			break;
		case PERF_KEY_TID:
			kbuf_addf(out, "  %-16" PRId64, r->tid);
			break;
		case PERF_KEY_DSO:
			kbuf_addstr(out, "  ");
			add_name(out, perf_hist_str(t->hist, r->dso), dso_width);
			break;
		case PERF_KEY_SYM:
			kbuf_addf(out, "  [%c] ", r->kernel ? 'k' : '.');
			add_name(out, perf_hist_str(t->hist, r->sym), 0);
			break;
		}
	}
}

void top_print(struct top *t, size_t max_rows, bool graphs, struct kbuf *out)
{
	size_t w = top_dso_width(t, max_rows);

	kbuf_addf(out, "%s\n", t->header);
	kbuf_addstr(out, "-------------------------------------------------------------------------------\n\n");
	top_print_columns(t, w, out);
	kbuf_addch(out, '\n');
	for (size_t i = 0; i < t->view.n_rows && (!max_rows || i < max_rows); i++) {
		top_print_row(t, &t->view.rows[i], w, out);
		kbuf_addch(out, '\n');
		if (graphs && t->callchain) {
			size_t before = out->len;
			perf_hist_callgraph(t->hist, &t->view.rows[i], t->vo.children, t->view.total,
					   0.5, out);
			if (out->len != before)
				kbuf_addch(out, '\n');
		}
	}
}

struct ann {
	struct top *t;
	struct kbuf *out;
	VEC(double) hot;
	struct kerr *err;
	int ret;
	const char *name;
	bool any;
};

static void annotate_bin(const char *path, const char *build_id, const struct perf_hit *hits,
			 size_t n, void *arg)
{
	struct ann *a = arg;
	struct dis_opts o = { false, true };
	struct dis_func f;
	struct kerr e = KERR_INIT;
	struct kbuf s1 = KBUF_INIT, s2 = KBUF_INIT;

	if (path[0] != '/') {
		kbuf_addf(a->out, "%s: kiln cannot read code in %s (kernel or anonymous memory)\n",
			  text_safe_str(a->name, 0, &s1), text_safe_str(path, 0, &s2));
		kbuf_release(&s1);
		kbuf_release(&s2);
		vec_push(&a->hot, -1.0);
		return;
	}
	VEC(struct dis_hit) dh = VEC_INIT;
	for (size_t i = 0; i < n; i++)
		vec_push(&dh, ((struct dis_hit){ hits[i].file_offset, hits[i].value }));
	int ret = dis_annotate(a->t->sym, path, build_id, a->name, dh.v, dh.n, &o, &f, &e);
	vec_free(&dh);
	if (ret < 0) {
		kbuf_addf(a->out, "%s\n", text_safe_str(e.msg, 0, &s1));
		kbuf_release(&s1);
		vec_push(&a->hot, -1.0);
		if (!a->any) {
			a->ret = e.code;
			*a->err = e;
		}
		return;
	}
	a->any = true;
	a->ret = 0;
	kbuf_addf(a->out, " Percent |  %s in %s (%" PRId64 " samples)\n",
		  text_safe_str(f.name, 0, &s1), text_safe_str(path, 0, &s2), f.total);
	vec_push(&a->hot, -1.0);
	for (size_t i = 0; i < f.n_lines; i++) {
		const struct dis_line *l = &f.lines[i];
		if (l->kind == DIS_SOURCE) {
			if (l->text)
				kbuf_addf(a->out, "         : %-6" PRId64 " %s\n", l->line,
					  text_safe_str(l->text, TEXT_KEEP_TAB, &s1));
			else
				kbuf_addf(a->out, "         : %s:%" PRId64 "\n",
					  text_safe_str(l->file, 0, &s1), l->line);
			vec_push(&a->hot, -1.0);
			continue;
		}
		{
			double p = f.total ? 100.0 * (double)l->value / (double)f.total : 0;
			kbuf_addf(a->out, "%8.2f :   %" PRIx64 ":   %s\n", p, l->vaddr,
				  text_safe_str(l->text, TEXT_KEEP_TAB, &s1));
			vec_push(&a->hot, p);
		}
	}
	dis_func_release(&f);
	kbuf_release(&s1);
	kbuf_release(&s2);
}

int top_annotate(struct top *t, const struct perf_row *r, struct kbuf *out, double **hot,
		 size_t *n, struct kerr *err)
{
	struct ann a;

	memset(&a, 0, sizeof(a));
	a.t = t;
	a.out = out;
	a.err = err;
	a.ret = kerr_set(err, -ENOENT, "no samples in the code of %s yet",
			 perf_hist_str(t->hist, r->sym));
	a.name = perf_hist_str(t->hist, r->sym);
	if (r->frame == UINT32_MAX || !r->sym)
		return kerr_set(err, -EINVAL, "annotation needs the sym sort key");
	if (r->kernel)
		return kerr_set(err, -ENOTSUP, "kernel functions cannot be annotated (no vmlinux)");
	perf_hist_hits(t->hist, r->frame, annotate_bin, &a);
	*hot = a.hot.v;
	*n = a.hot.n;
	return a.ret;
}
