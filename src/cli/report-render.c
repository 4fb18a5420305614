/* kiln report's drawings and -http (see report-render.h): picks the one
 * output asked for, runs the render pipeline, writes the result to stdout
 * or -output, or serves the web UI until interrupted. */
#include "report-render.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/textsafe.h"
#include "../profile/encode.h"
#include "../render/render.h"
#include "../symbols/symbols.h"
#include "../web/web.h"
#include "cli.h"

extern char **environ;

static void print_notes(const struct rview *v)
{
	if (v->notes.len)
		text_fputs(v->notes.buf, TEXT_KEEP_NL, stderr);
}

/* Opens $BROWSER on the URL, if the user configured one. */
static void open_browser(const char *url)
{
	const char *b = getenv("BROWSER");
	char *argv[3];
	pid_t pid;

	if (!b || !b[0])
		return;
	argv[0] = (char *)b;
	argv[1] = (char *)url;
	argv[2] = NULL;
	if (posix_spawnp(&pid, b, NULL, NULL, argv, environ) != 0)
		cli_warn("could not start $BROWSER (%s)", b);
}

struct dirs {
	char **v;
	size_t n, cap;
};

static void add_dir(void *ctx, const char *dir)
{
	struct dirs *d = ctx;

	d->v = xgrow(d->v, &d->cap, d->n + 1, sizeof(*d->v));
	d->v[d->n++] = xstrdup(dir);
}

/* The compilation folders of the profile's binaries found on this
 * machine: kiln web serves source files from them (and -source_path and
 * the current folder) only. */
static void comp_dirs(const struct profile *p, struct dirs *d)
{
	struct symbolizer *sym = cli_symbolizer_new();

	for (size_t i = 0; i < p->n_mappings && i < 4096; i++) {
		const char *f = profile_get_str(p, p->mappings[i].filename);
		struct sym_file *sf;
		if (f[0] == '/' && sym_file_open(sym, f, &sf, NULL) == 0)
			sym_file_comp_dirs(sf, add_dir, d);
	}
	symbolizer_free(sym);
}

int report_render_serve(struct profile *p, const struct report_opts *r, const char *addr,
			const char *title)
{
	struct web_opts wo = { addr, r, title, NULL, 0 };
	struct web_server *s = NULL;
	struct kerr err = KERR_INIT;
	struct dirs roots = { NULL, 0, 0 };
	struct rlimit rl;
	sigset_t set, old;
	bool public_addr;
	int sig, ret;

	/* A connection is a descriptor: allow many, so a burst of clients
	 * gets answers (503 past the server's limit) rather than resets. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 8192 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < 8192 ? rl.rlim_max : 8192;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	comp_dirs(p, &roots);
	wo.source_roots = (const char *const *)roots.v;
	wo.n_source_roots = roots.n;

	/* Block the stop signals before the server's threads start, so they
	 * inherit the mask and sigwait() below receives them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	ret = web_start(p, &wo, &s, &public_addr, &err);
	for (size_t i = 0; i < roots.n; i++)
		free(roots.v[i]);
	free(roots.v);
	if (ret < 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		profile_free(p);
		cli_error("web: %s", err.msg);
		return 1;
	}
	if (public_addr)
		cli_warn("web: listening on %s, which other machines can reach; the profile and its source files are visible to them",
			 addr);
	printf("Serving the web UI on %s\n", web_url(s));
	fflush(stdout);
	open_browser(web_url(s));
	while (sigwait(&set, &sig) != 0)
		;
	web_stop(s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}

int report_render_run(const struct report_render_opts *rr, struct profile **pp,
		      const struct report_opts *r, const char *output, const char *title)
{
	const bool flags[] = { rr->flame, rr->icicle, rr->folded, rr->speedscope, rr->dot,
			       rr->svg, rr->png, rr->pdf, rr->http != NULL };
	static const char *const names[] = { "flame", "icicle", "folded", "speedscope", "dot",
					     "svg", "png", "pdf", "http" };
	struct kbuf out = KBUF_INIT;
	struct kerr err = KERR_INIT;
	struct rview v;
	int which = -1, status = 1;

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!flags[i])
			continue;
		if (which >= 0) {
			cli_error("report: -%s and -%s cannot be combined", names[which], names[i]);
			return 1;
		}
		which = (int)i;
	}
	if (which < 0)
		return -1;
	if (rr->http) {
		struct profile *p = *pp;
		*pp = NULL;
		return report_render_serve(p, r, rr->http, title);
	}
	/* Folded and speedscope escape in their own way; the drawings get
	 * names without control bytes (which XML forbids, too). */
	if (which != 2 && which != 3)
		profile_escape_text(*pp);
	if (rview_prepare(&v, *pp, r, REPORT_G_FUNCTIONS, &err) < 0) {
		cli_error("report: %s", err.msg);
		return 1;
	}
	print_notes(&v);
	if (which <= 3) {
		struct ftree t;
		ftree_build(&t, &v);
		if (which <= 1) {
			struct flame_opts fo;
			struct flame_stats st;
			flame_opts_init(&fo);
			fo.icicle = rr->icicle;
			if (rr->min_width > 0)
				fo.min_width = rr->min_width;
			if (rr->flame_width > 0)
				fo.width = rr->flame_width;
			render_flame_svg(&t, &fo, &out, &st);
		} else if (which == 2) {
			render_folded(&t, &out);
		} else {
			render_speedscope(&t, title, &out);
		}
		ftree_release(&t);
		status = cli_write_output("report", output, &out, false, false);
	} else {
		struct dot_opts o;
		memset(&o, 0, sizeof(o));
		o.nodecount = r->nodecount;
		o.nodefraction = r->nodefraction;
		o.edgefraction = r->edgefraction;
		o.trim = r->trim;
		render_dot(&v, &o, &out);
		if (which == 4) {
			status = cli_write_output("report", output, &out, false, false);
		} else {
			struct kbuf img = KBUF_INIT;
			if (render_graphviz(&out, names[which], &img, &err) < 0)
				cli_error("report: %s", err.msg);
			else
				status = cli_write_output("report", output, &img, which != 5, false);
			kbuf_release(&img);
		}
	}
	kbuf_release(&out);
	rview_release(&v);
	return status;
}
