/* A port of the column-block algorithm of Go's text/tabwriter (see
 * tabwriter.h): a column's width is decided per block of consecutive lines
 * that have a cell in that column, recursively left to right. Reports using
 * it are a few hundred lines, so cells are kept as simple arrays. */
#include "tabwriter.h"

#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"

struct cell {
	const char *text;
	size_t size, width; /* bytes, runes */
};

struct line {
	struct cell *cells;
	size_t n;
};

struct tw {
	struct line *lines;
	size_t n_lines;
	size_t *widths;
	size_t n_widths;
	int padding;
	bool right;
	struct kbuf *out;
};

static size_t runes(const char *s, size_t n)
{
	size_t r = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			r++;
	return r;
}

static void pad(struct tw *w, size_t textw, size_t cellw)
{
	for (size_t i = textw; i < cellw; i++)
		kbuf_addch(w->out, ' ');
}

static void write_lines(struct tw *w, size_t l0, size_t l1)
{
	for (size_t i = l0; i < l1; i++) {
		const struct line *ln = &w->lines[i];
		for (size_t j = 0; j < ln->n; j++) {
			const struct cell *c = &ln->cells[j];
			if (c->size == 0) {
				if (j < w->n_widths)
					pad(w, c->width, w->widths[j]);
				continue;
			}
			if (w->right && j < w->n_widths)
				pad(w, c->width, w->widths[j]);
			kbuf_add(w->out, c->text, c->size);
			if (!w->right && j < w->n_widths)
				pad(w, c->width, w->widths[j]);
		}
		kbuf_addch(w->out, '\n');
	}
}

static void format(struct tw *w, size_t l0, size_t l1)
{
	size_t column = w->n_widths;

	for (size_t this = l0; this < l1; this++) {
		size_t width = 0;

		if (column + 1 >= w->lines[this].n)
			continue;
		/* A block starts: print what precedes it, then size the column
		 * over the lines that have a cell in it. */
		write_lines(w, l0, this);
		l0 = this;
		for (; this < l1; this++) {
			const struct line *ln = &w->lines[this];
			if (column + 1 >= ln->n)
				break;
			if (ln->cells[column].width + (size_t)w->padding > width)
				width = ln->cells[column].width + (size_t)w->padding;
		}
		w->widths = xrealloc(w->widths, (w->n_widths + 1) * sizeof(*w->widths));
		w->widths[w->n_widths++] = width;
		format(w, l0, this);
		w->n_widths--;
		l0 = this;
		/* The loop's ++ skips the line that ended the block; it has no
		 * cell in this column, as in Go. */
	}
	write_lines(w, l0, l1);
}

void tabwriter_format(const char *text, int padding, bool align_right, struct kbuf *out)
{
	struct tw w;
	size_t cap = 0;
	const char *p = text;

	memset(&w, 0, sizeof(w));
	w.padding = padding;
	w.right = align_right;
	w.out = out;
	while (*p) {
		const char *eol = strchr(p, '\n');
		struct line *ln;
		size_t ccap = 0;

		if (!eol)
			eol = p + strlen(p);
		w.lines = xgrow(w.lines, &cap, w.n_lines + 1, sizeof(*w.lines));
		ln = &w.lines[w.n_lines++];
		memset(ln, 0, sizeof(*ln));
		for (;;) {
			const char *tab = memchr(p, '\t', (size_t)(eol - p));
			const char *end = tab ? tab : eol;
			ln->cells = xgrow(ln->cells, &ccap, ln->n + 1, sizeof(*ln->cells));
			ln->cells[ln->n].text = p;
			ln->cells[ln->n].size = (size_t)(end - p);
			ln->cells[ln->n].width = runes(p, (size_t)(end - p));
			ln->n++;
			if (!tab)
				break;
			p = tab + 1;
		}
		p = *eol ? eol + 1 : eol;
	}
	format(&w, 0, w.n_lines);
	for (size_t i = 0; i < w.n_lines; i++)
		free(w.lines[i].cells);
	free(w.lines);
	free(w.widths);
}
