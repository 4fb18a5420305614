/* kiln top's terminal browser (ncurses), after perf's hist browser: the
 * PerfTop line, column headers, one row per entry with the selection
 * reversed, call graphs opened under rows (e/E/C), a help screen (h), an
 * annotation screen (a), zoom into the selected shared object (d), print
 * the view to kiln-top.N.txt (P), zero (z), hide kernel/user (K/U), quit
 * (q). Between refreshes it redraws from the last view only. */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/textsafe.h"
#include "../base/vec.h"
#include "top.h"

enum mode { M_LIST, M_HELP, M_ANNOTATE };

/* A display line: a row, or a line of the call graph under it. */
struct dline {
	size_t row;
	int graph_line;        /* -1 for the row itself */
	size_t off, len;       /* call graph text in u->graphs */
};

struct top_tui {
	enum mode mode;
	size_t selected;        /* row index */
	size_t first;           /* first display line shown */
	VEC(char *) expanded;   /* "dso\tsym" of rows showing their call graph */
	bool expand_all;
	char message[256];
	struct kbuf graphs;
	VEC(struct dline) lines;
	/* annotation screen */
	struct kbuf ann;
	VEC(size_t) ann_lines;  /* offsets of lines in ann */
	double *ann_hot;
	size_t ann_first;
	char ann_title[256];
};

static const char *const help_text[] = {
	"kiln top keys",
	"",
	"  h, ?         this help",
	"  UP, DOWN     select an entry",
	"  PGUP, PGDN   page up, page down (also SPACE)",
	"  HOME, END    first, last entry",
	"  a            annotate the selected symbol",
	"  d            zoom into the selected shared object (again: zoom out)",
	"  e            show or hide the selected entry's call graph (-g)",
	"  E, C         expand, collapse all call graphs",
	"  K, U         hide kernel, user symbols (toggles)",
	"  P            print the current view to kiln-top.N.txt",
	"  z            zero the counts",
	"  ESC          zoom out, leave this screen",
	"  q            quit",
	"",
	"Press any key to go back.",
};

struct top_tui *top_tui_start(struct kerr *err)
{
	struct top_tui *u;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		kerr_set(err, -ENOTTY, "the terminal UI needs a terminal; use --stdio");
		return NULL;
	}
	if (!newterm(NULL, stdout, stdin)) {
		kerr_set(err, -ENOTTY, "cannot set up the terminal (TERM=%s); use --stdio",
			 getenv("TERM") ? getenv("TERM") : "");
		return NULL;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
		init_pair(2, COLOR_GREEN, -1);
	}
	u = xcalloc(1, sizeof(*u));
	return u;
}

void top_tui_end(struct top_tui *u)
{
	if (!u)
		return;
	endwin();
	for (size_t i = 0; i < u->expanded.n; i++)
		free(u->expanded.v[i]);
	vec_free(&u->expanded);
	vec_free(&u->lines);
	kbuf_release(&u->graphs);
	kbuf_release(&u->ann);
	vec_free(&u->ann_lines);
	free(u->ann_hot);
	free(u);
}

static char *row_id(struct top *t, const struct perf_row *r)
{
	struct kbuf b = KBUF_INIT;

	kbuf_addf(&b, "%s\t%s", perf_hist_str(t->hist, r->dso), perf_hist_str(t->hist, r->sym));
	return kbuf_detach(&b, NULL);
}

static ssize_t find_expanded(struct top_tui *u, const char *id)
{
	for (size_t i = 0; i < u->expanded.n; i++)
		if (!strcmp(u->expanded.v[i], id))
			return (ssize_t)i;
	return -1;
}

static bool is_expanded(struct top_tui *u, struct top *t, const struct perf_row *r)
{
	char *id;
	bool yes;

	if (!t->callchain)
		return false;
	if (u->expand_all)
		return true;
	id = row_id(t, r);
	yes = find_expanded(u, id) >= 0;
	free(id);
	return yes;
}

/* Lays out the display lines for the current view. */
static void layout(struct top_tui *u, struct top *t)
{
	u->lines.n = 0;
	kbuf_reset(&u->graphs);
	for (size_t i = 0; i < t->view.n_rows; i++) {
		struct dline *d = vec_add(&u->lines);
		d->row = i;
		d->graph_line = -1;
		if (!is_expanded(u, t, &t->view.rows[i]))
			continue;
		size_t start = u->graphs.len;
		perf_hist_callgraph(t->hist, &t->view.rows[i], t->vo.children, t->view.total, 0.5,
				   &u->graphs);
		for (size_t at = start, k = 0; at < u->graphs.len; k++) {
			const char *nl = memchr(u->graphs.buf + at, '\n', u->graphs.len - at);
			size_t len = nl ? (size_t)(nl - (u->graphs.buf + at)) : u->graphs.len - at;
			d = vec_add(&u->lines);
			d->row = i;
			d->graph_line = (int)k;
			d->off = at;
			d->len = len;
			at += len + 1;
		}
	}
}

static size_t line_of_row(struct top_tui *u, size_t row)
{
	for (size_t i = 0; i < u->lines.n; i++)
		if (u->lines.v[i].row == row && u->lines.v[i].graph_line < 0)
			return i;
	return 0;
}

static void draw_help(void)
{
	int n = (int)(sizeof(help_text) / sizeof(help_text[0]));
	int h = n + 2, w = 72, y = (LINES - h) / 2, x = (COLS - w) / 2;
	WINDOW *win;

	if (y < 0)
		y = 0;
	if (x < 0)
		x = 0;
	win = newwin(h < LINES ? h : LINES, w < COLS ? w : COLS, y, x);
	if (!win)
		return;
	wborder(win, '|', '|', '-', '-', '+', '+', '+', '+');
	for (int i = 0; i < n && i + 1 < h - 1; i++)
		mvwaddnstr(win, i + 1, 2, help_text[i], w - 4);
	wnoutrefresh(stdscr);
	wnoutrefresh(win);
	doupdate();
	delwin(win);
}

static void draw_annotation(struct top_tui *u)
{
	int rows = LINES - 2;

	erase();
	attron(A_REVERSE);
	mvaddnstr(0, 0, u->ann_title, COLS);
	for (int x = (int)strlen(u->ann_title); x < COLS; x++)
		addch(' ');
	attroff(A_REVERSE);
	for (int i = 0; i < rows && u->ann_first + (size_t)i < u->ann_lines.n; i++) {
		size_t li = u->ann_first + (size_t)i;
		const char *s = u->ann.buf + u->ann_lines.v[li];
		const char *nl = strchr(s, '\n');
		double hot = u->ann_hot[li];
		int attr = hot >= 5.0 ? COLOR_PAIR(1) | A_BOLD : hot >= 0.5 ? COLOR_PAIR(2) : 0;
		attron(attr);
		mvaddnstr(i + 1, 0, s, nl ? (int)(nl - s) : -1);
		attroff(attr);
	}
	mvaddnstr(LINES - 1, 0, "UP/DOWN/PGUP/PGDN scroll, q or ESC: back to the list", COLS);
	refresh();
}

void top_tui_draw(struct top_tui *u, struct top *t)
{
	struct kbuf b = KBUF_INIT;
	size_t w, sel_line;
	int rows = LINES - 3;

	if (u->mode == M_ANNOTATE) {
		draw_annotation(u);
		return;
	}
	if (t->view.n_rows && u->selected >= t->view.n_rows)
		u->selected = t->view.n_rows - 1;
	layout(u, t);
	sel_line = line_of_row(u, u->selected);
	if (rows < 1)
		rows = 1;
	if (sel_line < u->first)
		u->first = sel_line;
	if (sel_line >= u->first + (size_t)rows)
		u->first = sel_line - (size_t)rows + 1;
	w = top_dso_width(t, 0);
	erase();
	attron(A_REVERSE);
	mvaddnstr(0, 0, t->header, COLS);
	for (int x = (int)strlen(t->header); x < COLS; x++)
		addch(' ');
	attroff(A_REVERSE);
	top_print_columns(t, w, &b);
	attron(A_BOLD);
	mvaddnstr(1, 0, b.buf, COLS);
	attroff(A_BOLD);
	for (int i = 0; i < rows && u->first + (size_t)i < u->lines.n; i++) {
		const struct dline *d = &u->lines.v[u->first + (size_t)i];
		const struct perf_row *r = &t->view.rows[d->row];
		if (d->graph_line >= 0) {
			mvaddnstr(i + 2, 0, u->graphs.buf + d->off, (int)d->len < COLS ? (int)d->len : COLS);
			continue;
		}
		kbuf_reset(&b);
		top_print_row(t, r, w, &b);
		{
			double v = t->callchain && t->vo.children ? r->children : r->self;
			double p = t->view.total > 0 ? 100.0 * v / t->view.total : 0;
			int attr = d->row == u->selected ? A_REVERSE : 0;
			if (p >= 5.0)
				attr |= COLOR_PAIR(1);
			else if (p >= 0.5)
				attr |= COLOR_PAIR(2);
			attron(attr);
			mvaddnstr(i + 2, 0, b.buf, COLS);
			if (d->row == u->selected)
				for (int x = (int)b.len; x < COLS; x++)
					addch(' ');
			attroff(attr);
		}
	}
	kbuf_reset(&b);
	if (u->message[0])
		kbuf_addstr(&b, u->message);
	else
		kbuf_addf(&b, "h: help  a: annotate  d: zoom DSO  %sP: save  z: zero  q: quit%s",
			  t->callchain ? "e/E: call graphs  " : "",
			  t->vo.dso_filter ? "   [zoomed into a shared object; d or ESC zooms out]" : "");
	mvaddnstr(LINES - 1, 0, b.buf, COLS);
	kbuf_release(&b);
	refresh();
	if (u->mode == M_HELP)
		draw_help();
}

static void save_view(struct top_tui *u, struct top *t)
{
	struct kbuf b = KBUF_INIT;
	char path[64];
	FILE *f;

	for (int n = 0; n < 10000; n++) {
		struct stat st;
		snprintf(path, sizeof(path), "kiln-top.%d.txt", n);
		if (stat(path, &st) < 0)
			break;
	}
	top_print(t, 0, true, &b);
	f = fopen(path, "wx");
	if (!f || fwrite(b.buf, 1, b.len, f) != b.len) {
		snprintf(u->message, sizeof(u->message), "cannot write %s: %s", path, strerror(errno));
	} else {
		snprintf(u->message, sizeof(u->message), "view saved to %s", path);
	}
	if (f)
		fclose(f);
	kbuf_release(&b);
}

static void open_annotation(struct top_tui *u, struct top *t)
{
	struct kerr err = KERR_INIT;
	const struct perf_row *r;
	size_t n = 0;

	if (!t->view.n_rows)
		return;
	r = &t->view.rows[u->selected];
	kbuf_reset(&u->ann);
	free(u->ann_hot);
	u->ann_hot = NULL;
	if (top_annotate(t, r, &u->ann, &u->ann_hot, &n, &err) < 0) {
		struct kbuf e = KBUF_INIT;
		snprintf(u->message, sizeof(u->message), "annotate: %s",
			 text_safe_str(err.msg, 0, &e));
		kbuf_release(&e);
		free(u->ann_hot);
		u->ann_hot = NULL;
		return;
	}
	u->ann_lines.n = 0;
	for (size_t at = 0; at < u->ann.len;) {
		const char *nl = memchr(u->ann.buf + at, '\n', u->ann.len - at);
		vec_push(&u->ann_lines, at);
		at = nl ? (size_t)(nl - u->ann.buf) + 1 : u->ann.len;
	}
	if (u->ann_lines.n > n)
		u->ann_lines.n = n;
	{
		struct kbuf e = KBUF_INIT;
		snprintf(u->ann_title, sizeof(u->ann_title), "Annotate %s",
			 text_safe_str(perf_hist_str(t->hist, r->sym), 0, &e));
		kbuf_release(&e);
	}
	/* Start at the hottest instruction, a few lines above it. */
	u->ann_first = 0;
	for (size_t i = 0, best = 0; i < u->ann_lines.n; i++)
		if (u->ann_hot[i] > u->ann_hot[best]) {
			best = i;
			u->ann_first = best > 5 ? best - 5 : 0;
		}
	u->mode = M_ANNOTATE;
}

static void toggle_expand(struct top_tui *u, struct top *t)
{
	char *id;
	ssize_t at;

	if (!t->callchain) {
		snprintf(u->message, sizeof(u->message), "no call graphs: start kiln top with -g");
		return;
	}
	if (!t->view.n_rows)
		return;
	id = row_id(t, &t->view.rows[u->selected]);
	at = find_expanded(u, id);
	if (at >= 0) {
		free(u->expanded.v[at]);
		u->expanded.v[at] = u->expanded.v[--u->expanded.n];
		free(id);
	} else {
		vec_push(&u->expanded, id);
	}
	u->expand_all = false;
}

static void toggle_dso(struct top_tui *u, struct top *t)
{
	if (t->vo.dso_filter) {
		t->vo.dso_filter = 0;
		u->message[0] = '\0';
	} else if (t->view.n_rows && t->view.rows[u->selected].dso) {
		struct kbuf e = KBUF_INIT;
		t->vo.dso_filter = t->view.rows[u->selected].dso;
		snprintf(u->message, sizeof(u->message), "zoomed into %s (d or ESC: zoom out)",
			 text_safe_str(perf_hist_str(t->hist, t->vo.dso_filter), 0, &e));
		kbuf_release(&e);
	}
	u->selected = 0;
	u->first = 0;
	top_rebuild_view(t);
}

static void annotation_key(struct top_tui *u, int ch)
{
	size_t page = LINES > 3 ? (size_t)LINES - 3 : 1, n = u->ann_lines.n;

	switch (ch) {
	case KEY_UP: if (u->ann_first) u->ann_first--; break;
	case KEY_DOWN: if (u->ann_first + 1 < n) u->ann_first++; break;
	case KEY_PPAGE: u->ann_first = u->ann_first > page ? u->ann_first - page : 0; break;
	case KEY_NPAGE: case ' ': if (u->ann_first + page < n) u->ann_first += page; break;
	case 'q': case 27: case KEY_LEFT: u->mode = M_LIST; break;
	default: break;
	}
}

bool top_tui_run_keys(struct top_tui *u, struct top *t)
{
	int ch;
	size_t page = LINES > 4 ? (size_t)LINES - 4 : 1;
	bool redraw = false;

	while ((ch = getch()) != ERR) {
		redraw = true;
		if (ch == KEY_RESIZE)
			continue;
		if (u->mode == M_HELP) {
			u->mode = M_LIST;
			continue;
		}
		if (u->mode == M_ANNOTATE) {
			annotation_key(u, ch);
			continue;
		}
		u->message[0] = '\0';
		switch (ch) {
		case 'q': case 'Q':
			return false;
		case 'h': case '?': case KEY_F(1):
			u->mode = M_HELP;
			break;
		case KEY_UP:
			if (u->selected)
				u->selected--;
			break;
		case KEY_DOWN:
			if (u->selected + 1 < t->view.n_rows)
				u->selected++;
			break;
		case KEY_PPAGE:
			u->selected = u->selected > page ? u->selected - page : 0;
			break;
		case KEY_NPAGE: case ' ':
			u->selected += page;
			if (t->view.n_rows && u->selected >= t->view.n_rows)
				u->selected = t->view.n_rows - 1;
			break;
		case KEY_HOME:
			u->selected = 0;
			break;
		case KEY_END:
			u->selected = t->view.n_rows ? t->view.n_rows - 1 : 0;
			break;
		case 'a': case '\n':
			open_annotation(u, t);
			break;
		case 'd':
			toggle_dso(u, t);
			break;
		case 27:
			if (t->vo.dso_filter)
				toggle_dso(u, t);
			break;
		case 'e': case '+':
			toggle_expand(u, t);
			break;
		case 'E':
			u->expand_all = true;
			break;
		case 'C':
			u->expand_all = false;
			for (size_t i = 0; i < u->expanded.n; i++)
				free(u->expanded.v[i]);
			u->expanded.n = 0;
			break;
		case 'K':
			t->vo.hide_kernel = !t->vo.hide_kernel;
			top_rebuild_view(t);
			break;
		case 'U':
			t->vo.hide_user = !t->vo.hide_user;
			top_rebuild_view(t);
			break;
		case 'P':
			save_view(u, t);
			break;
		case 'z':
			t->zero_now = true;
			snprintf(u->message, sizeof(u->message), "counts zeroed");
			break;
		default:
			break;
		}
	}
	if (redraw)
		top_tui_draw(u, t);
	return true;
}
