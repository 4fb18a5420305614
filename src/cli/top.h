/* kiln top's state shared by its files: cmd-top.c (options, collection
 * loop, refreshes), top-print.c (perf top's text: --stdio snapshots and
 * the P key's file) and top-tui.c (the ncurses browser).
 *
 * Ownership: struct top is owned by cmd_top(); the view is recomputed at
 * every refresh (and when a filter changes) and the TUI only reads it and
 * the table between refreshes. `sym` is the current builder's symbolizer,
 * valid until the next refresh (the builder may be rebuilt then). */
#ifndef KILN_CLI_TOP_H
#define KILN_CLI_TOP_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../symbols/symbols.h"
#include "../report/perfhist.h"

struct top {
	struct perf_hist *hist;
	struct perf_view_opts vo;
	struct perf_view view;
	bool callchain;          /* -g: stacks kept, Children/Self columns */
	bool show_samples;       /* -n: Samples column */
	int entries;             /* rows printed by --stdio (-E); 0 = all */
	char header[320];        /* the "PerfTop: ..." line of the last refresh */
	char event[128];
	struct symbolizer *sym;  /* for annotation; see above */
	bool zero_now;           /* the z key: empty the table at the next chance */
	unsigned refreshes;
};

/* Recomputes t->view from the table with t->vo. */
void top_rebuild_view(struct top *t);

/* perf top's text for the current view: the PerfTop line, a rule, the
 * column headers and up to `max_rows` rows (0 = all), each followed by its
 * call graph when `graphs` (and -g). */
void top_print(struct top *t, size_t max_rows, bool graphs, struct kbuf *out);
/* One row's text without a newline (shared with the TUI). */
void top_print_row(struct top *t, const struct perf_row *r, size_t dso_width, struct kbuf *out);
/* The column header line and the shared object column's width. */
void top_print_columns(struct top *t, size_t dso_width, struct kbuf *out);
size_t top_dso_width(struct top *t, size_t max_rows);

/* The annotation of a row's symbol as text lines (percent : addr : insn),
 * from the leaf addresses sampled in it; each line's hotness in *hot
 * (percent, -1 for source lines), one per line. -errno with err set. */
int top_annotate(struct top *t, const struct perf_row *r, struct kbuf *out, double **hot,
		 size_t *n, struct kerr *err);

/* The ncurses browser. top_tui_start() fails (NULL, err set) without a
 * terminal. top_tui_run_keys() handles the keys typed so far; it returns
 * false once the user asked to quit. */
struct top_tui;
struct top_tui *top_tui_start(struct kerr *err);
void top_tui_end(struct top_tui *u); /* NULL-tolerant; restores the terminal */
void top_tui_draw(struct top_tui *u, struct top *t);
bool top_tui_run_keys(struct top_tui *u, struct top *t);

#endif
