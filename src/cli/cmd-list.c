/* kiln list: the events this machine offers, in perf list's layout
 * ("  name OR alias    [Software event]"), filtered by class words or
 * globs, as text or JSON; --probe opens each event to mark what cannot be
 * counted here. */
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../events/events.h"
#include "cli.h"
#include "../opts/options.h"

static const char list_usage[] =
	"kiln list [--json] [--probe] [hw|sw|cache|pmu|tracepoint|GLOB]...\n"
	"\n"
	"Lists the events -e accepts here. Class words select sections; any other\n"
	"word is a glob matched against names and aliases ('*fault*', 'sched:*').\n"
	"\n"
	"Examples:\n"
	"  kiln list\n"
	"      every event, by class\n"
	"  kiln list sw\n"
	"      the software events only\n"
	"  kiln list '*fault*'\n"
	"      the events whose name or alias matches\n"
	"  kiln list --probe hw cache\n"
	"      hardware events, marking those this machine cannot count\n"
	"  kiln list --json sw\n"
	"      the same as JSON, for scripts\n";

struct list_filter {
	unsigned classes;         /* whole classes asked for */
	const char *const *globs; /* other words */
	int nglobs;
	bool tracepoints_wanted;  /* explicitly: an error without tracefs is fatal */
};

static bool glob_match(const char *glob, const struct event_desc *d)
{
	if (fnmatch(glob, d->name, 0) == 0 || (d->alias && fnmatch(glob, d->alias, 0) == 0))
		return true;
	/* "sched:sched_s*" style globs only make sense for tracepoints, and a
	 * bare "sched" names a whole subsystem in perf. */
	if (d->cls == EVENT_CLASS_TRACEPOINT && !strchr(glob, ':')) {
		const char *colon = strchr(d->name, ':');
		char sys[256];

		if (colon && (size_t)(colon - d->name) < sizeof(sys)) {
			snprintf(sys, sizeof(sys), "%.*s", (int)(colon - d->name), d->name);
			return fnmatch(glob, sys, 0) == 0;
		}
	}
	return false;
}

static bool wanted(const struct list_filter *f, const struct event_desc *d)
{
	if (f->classes & EVENT_CLASS_BIT(d->cls))
		return true;
	for (int i = 0; i < f->nglobs; i++)
		if (d->cls != EVENT_CLASS_RAW && d->cls != EVENT_CLASS_BREAKPOINT &&
		    glob_match(f->globs[i], d))
			return true;
	return false;
}

static int parse_filter(int argc, const char **argv, struct list_filter *f)
{
	static const struct { const char *word; unsigned classes; } words[] = {
		{ "hw", EVENT_CLASS_BIT(EVENT_CLASS_HW) },
		{ "hardware", EVENT_CLASS_BIT(EVENT_CLASS_HW) },
		{ "sw", EVENT_CLASS_BIT(EVENT_CLASS_SW) | EVENT_CLASS_BIT(EVENT_CLASS_TOOL) },
		{ "software", EVENT_CLASS_BIT(EVENT_CLASS_SW) | EVENT_CLASS_BIT(EVENT_CLASS_TOOL) },
		{ "cache", EVENT_CLASS_BIT(EVENT_CLASS_CACHE) },
		{ "hwcache", EVENT_CLASS_BIT(EVENT_CLASS_CACHE) },
		{ "pmu", EVENT_CLASS_BIT(EVENT_CLASS_PMU) },
		{ "tracepoint", EVENT_CLASS_BIT(EVENT_CLASS_TRACEPOINT) },
		/* perf's classes kiln has nothing for: accepted, empty. */
		{ "sdt", 0 }, { "metric", 0 }, { "metricgroup", 0 },
	};
	static const char *globs[64];

	memset(f, 0, sizeof(*f));
	f->globs = globs;
	if (argc == 0) {
		f->classes = EVENT_CLASS_ALL;
		return 0;
	}
	for (int i = 0; i < argc; i++) {
		bool found = false;

		for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			if (!strcmp(argv[i], words[w].word)) {
				f->classes |= words[w].classes;
				found = true;
			}
		if (found)
			continue;
		if (f->nglobs == (int)(sizeof(globs) / sizeof(globs[0]))) {
			cli_error("list: too many patterns");
			return -E2BIG;
		}
		globs[f->nglobs++] = argv[i];
	}
	f->tracepoints_wanted = f->classes & EVENT_CLASS_BIT(EVENT_CLASS_TRACEPOINT);
	for (int i = 0; i < f->nglobs; i++)
		if (strchr(f->globs[i], ':'))
			f->tracepoints_wanted = true;
	return 0;
}

static void json_str(struct kbuf *b, const char *s)
{
	kbuf_addch(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			kbuf_addf(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			kbuf_addf(b, "\\u%04x", *s);
		else
			kbuf_addch(b, *s);
	}
	kbuf_addch(b, '"');
}

#define NOT_PROBED 1
/* Closing a tracepoint event waits for an RCU grace period under a kernel
 * mutex (~40 ms each, serialised): probing all ~2,000 would take over a
 * minute. Up to this many shown tracepoints are probed one by one; beyond
 * it one tracepoint stands for the rest (what differs between tracepoints
 * is permission, which is global), except ftrace's own events, which the
 * kernel treats specially and are always probed. */
#define TRACEPOINTS_PROBED_EACH 64

/* Probes every shown event that is a real kernel event; results[i] is
 * NOT_PROBED (not asked for, or a syntax reminder), 0 (countable here) or
 * the -errno of opening it. */
static void probe_shown(const struct event_catalog *cat, const bool *shown, bool enabled,
			int *results)
{
	const struct perf_event_attr **attrs = xcalloc(cat->n ? cat->n : 1, sizeof(*attrs));
	size_t *index = xcalloc(cat->n ? cat->n : 1, sizeof(*index));
	int *res = xcalloc(cat->n ? cat->n : 1, sizeof(*res));
	size_t n = 0, ntp = 0, tp_rep = SIZE_MAX;

	for (size_t i = 0; i < cat->n; i++)
		ntp += shown[i] && cat->v[i].cls == EVENT_CLASS_TRACEPOINT;
	for (size_t i = 0; i < cat->n; i++) {
		const struct event_desc *d = &cat->v[i];

		results[i] = NOT_PROBED;
		if (!enabled || !shown[i] || d->cls == EVENT_CLASS_RAW ||
		    d->cls == EVENT_CLASS_BREAKPOINT)
			continue;
		if (d->cls == EVENT_CLASS_TOOL) {
			results[i] = 0;
			continue;
		}
		if (d->cls == EVENT_CLASS_TRACEPOINT && ntp > TRACEPOINTS_PROBED_EACH &&
		    strncmp(d->name, "ftrace:", 7) != 0) {
			if (tp_rep != SIZE_MAX)
				continue; /* takes the representative's result below */
			tp_rep = n;
		}
		attrs[n] = &d->attr;
		index[n++] = i;
	}
	for (size_t j = 0; j < n; j++)
		results[index[j]] = res[j] = events_probe(attrs[j]);
	for (size_t i = 0; tp_rep != SIZE_MAX && i < cat->n; i++)
		if (results[i] == NOT_PROBED && shown[i] && cat->v[i].cls == EVENT_CLASS_TRACEPOINT)
			results[i] = res[tp_rep];
	free(res);
	free(index);
	free(attrs);
}

static void print_text(struct kbuf *out, const struct event_desc *d, int probed)
{
	struct kbuf name = KBUF_INIT;

	kbuf_addstr(&name, d->name);
	if (d->alias)
		kbuf_addf(&name, " OR %s", d->alias);
	kbuf_addf(out, "  %-50s [%s]", name.buf, event_class_label(d->cls));
	if (probed < 0)
		kbuf_addstr(out, "  <not supported>");
	kbuf_addch(out, '\n');
	kbuf_release(&name);
}

static void print_json(struct kbuf *out, const struct event_desc *d, int probed, bool first)
{
	kbuf_addstr(out, first ? "[\n" : ",\n");
	kbuf_addstr(out, "{\"EventName\": ");
	json_str(out, d->name);
	if (d->alias) {
		kbuf_addstr(out, ", \"Aliases\": [");
		json_str(out, d->alias);
		kbuf_addch(out, ']');
	}
	kbuf_addstr(out, ", \"EventType\": ");
	json_str(out, event_class_label(d->cls));
	if (d->encoding) {
		kbuf_addstr(out, ", \"Encoding\": ");
		json_str(out, d->encoding);
	}
	if (probed != NOT_PROBED)
		kbuf_addf(out, ", \"Supported\": %s", probed == 0 ? "true" : "false");
	kbuf_addch(out, '}');
}

int cmd_list(int argc, const char **argv)
{
	bool json = false, do_probe = false;
	struct option_def opts[] = {
		{ OPT_BOOL, 'j', "json", &json, NULL, "one JSON array of events", NULL, false },
		{ OPT_BOOL, 0, "probe", &do_probe, NULL,
		  "open each event here and mark those this machine cannot count", NULL, false },
		OPT_END_(),
	};
	struct event_catalog cat = EVENT_CATALOG_INIT;
	struct kerr err = KERR_INIT, tp_err = KERR_INIT;
	struct list_filter filter;
	struct kbuf out = KBUF_INIT;
	unsigned need;
	bool *show = NULL;
	int *probed = NULL;
	size_t shown = 0;
	int n, ret = 1;

	n = cli_options_parse(argc, argv, opts, list_usage, 0, &err);
	if (n == OPTIONS_HELP)
		return 0;
	if (n < 0) {
		cli_error("list: %s", err.msg);
		return 1;
	}
	if (parse_filter(n, argv, &filter) < 0)
		return 1;
	/* Globs may match any class; only build the tracepoint list if needed. */
	need = filter.classes;
	if (filter.nglobs)
		need |= EVENT_CLASS_ALL & ~EVENT_CLASS_BIT(EVENT_CLASS_RAW) &
			~EVENT_CLASS_BIT(EVENT_CLASS_BREAKPOINT);
	if (events_catalog(NULL, need, &cat, &tp_err) < 0) {
		if (filter.tracepoints_wanted) {
			cli_error("list: %s", tp_err.msg);
			goto out_catalog;
		}
		cli_warn("tracepoints not listed: %s", tp_err.msg);
	}

	show = xcalloc(cat.n ? cat.n : 1, sizeof(*show));
	probed = xcalloc(cat.n ? cat.n : 1, sizeof(*probed));
	for (size_t i = 0; i < cat.n; i++)
		show[i] = wanted(&filter, &cat.v[i]);
	probe_shown(&cat, show, do_probe, probed);
	if (!json && isatty(STDOUT_FILENO))
		kbuf_addstr(&out, "\nList of pre-defined events (to be used in -e):\n\n");
	for (size_t i = 0; i < cat.n; i++) {
		if (!show[i])
			continue;
		if (json)
			print_json(&out, &cat.v[i], probed[i], shown == 0);
		else
			print_text(&out, &cat.v[i], probed[i]);
		shown++;
	}
	if (json)
		kbuf_addstr(&out, shown ? "\n]\n" : "[]\n");
	fwrite(out.buf, 1, out.len, stdout);
	ret = 0;
	free(probed);
	free(show);
	kbuf_release(&out);
out_catalog:
	event_catalog_release(&cat);
	return ret;
}
