/* kiln report's drawing outputs and web UI (-flame, -icicle, -folded,
 * -speedscope, -dot, -svg, -png, -pdf, -http), kept apart from
 * cmd-report.c's text reports: cmd-report.c adds REPORT_RENDER_OPTIONS to
 * its option table and calls report_render_run() once the profile is
 * loaded and merged. */
#ifndef KILN_CLI_REPORT_RENDER_H
#define KILN_CLI_REPORT_RENDER_H

#include <stdbool.h>

#include "../profile/profile.h"
#include "../report/report.h"
#include "../opts/options.h"

struct report_render_opts {
	bool flame, icicle, folded, speedscope, dot, svg, png, pdf;
	const char *http;     /* -http=HOST:PORT: serve the web UI */
	double min_width;     /* -flame_minwidth (px) */
	int flame_width;      /* -flame_width (px) */
};

#define REPORT_RENDER_OPTIONS(rr) \
	{ OPT_GROUP, 0, NULL, NULL, NULL, "Drawings and the web UI:", NULL, false }, \
	{ OPT_BOOL, 0, "flame", &(rr).flame, NULL, "interactive flame graph (SVG; with -diff_base: differential)", NULL, false }, \
	{ OPT_BOOL, 0, "icicle", &(rr).icicle, NULL, "the flame graph drawn top-down", NULL, false }, \
	{ OPT_BOOL, 0, "folded", &(rr).folded, NULL, "folded stacks (a;b;c 123), as stackcollapse prints them", NULL, false }, \
	{ OPT_BOOL, 0, "speedscope", &(rr).speedscope, NULL, "speedscope JSON", NULL, false }, \
	{ OPT_BOOL, 0, "dot", &(rr).dot, NULL, "call graph in Graphviz DOT", NULL, false }, \
	{ OPT_BOOL, 0, "svg", &(rr).svg, NULL, "call graph as SVG (needs Graphviz)", NULL, false }, \
	{ OPT_BOOL, 0, "png", &(rr).png, NULL, "call graph as PNG (needs Graphviz)", NULL, false }, \
	{ OPT_BOOL, 0, "pdf", &(rr).pdf, NULL, "call graph as PDF (needs Graphviz)", NULL, false }, \
	{ OPT_DOUBLE, 0, "flame_minwidth", &(rr).min_width, "PX", "merge flame frames narrower than PX pixels (0.1)", NULL, false }, \
	{ OPT_INT, 0, "flame_width", &(rr).flame_width, "PX", "flame graph width (1200)", NULL, false }, \
	{ OPT_STRING, 0, "http", &(rr).http, "HOST:PORT", "serve the web UI (kiln web)", NULL, false }

/* Runs the drawing or the server asked for on *pp (merged; modified), with
 * r's filters. Returns -1 when none was asked for (the caller goes on with
 * its text report), else the exit status. output NULL = stdout. The web
 * server takes the profile: *pp is then NULL. title names the sources. */
int report_render_run(const struct report_render_opts *rr, struct profile **pp,
		      const struct report_opts *r, const char *output, const char *title);

/* Serves p (ownership taken) until SIGINT/SIGTERM. Shared by kiln web. */
int report_render_serve(struct profile *p, const struct report_opts *r, const char *addr,
			const char *title);

#endif
