/* The catalog behind `kiln list`: every named event of the built-in tables,
 * every PMU alias in sysfs and every tracepoint in tracefs, as descriptors
 * with perf's display names and an encoding. A few thousand entries at
 * most (mostly tracepoints), built once per command. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/vec.h"
#include "internal.h"

static const char *const class_labels[EVENT_CLASS_COUNT] = {
	[EVENT_CLASS_HW] = "Hardware event",
	[EVENT_CLASS_SW] = "Software event",
	[EVENT_CLASS_TOOL] = "Tool event",
	[EVENT_CLASS_CACHE] = "Hardware cache event",
	[EVENT_CLASS_PMU] = "Kernel PMU event",
	[EVENT_CLASS_RAW] = "Raw hardware event descriptor",
	[EVENT_CLASS_BREAKPOINT] = "Hardware breakpoint",
	[EVENT_CLASS_TRACEPOINT] = "Tracepoint event",
};

const char *event_class_label(enum event_class c)
{
	return c < EVENT_CLASS_COUNT ? class_labels[c] : "Unknown event";
}

static struct event_desc *add(struct event_catalog *c, enum event_class cls, const char *name,
			      const char *alias)
{
	struct event_desc *d = vec_add(c);

	d->cls = cls;
	d->name = xstrdup(name);
	d->alias = alias ? xstrdup(alias) : NULL;
	d->attr.size = sizeof(d->attr);
	return d;
}

static void set_encoding(struct event_desc *d, uint32_t type, uint64_t config)
{
	struct kbuf b = KBUF_INIT;

	d->attr.type = type;
	d->attr.config = config;
	d->openable = true;
	kbuf_addf(&b, "type=%u,config=%#llx", type, (unsigned long long)config);
	d->encoding = kbuf_detach(&b, NULL);
}

static int cmp_desc(const void *a, const void *b)
{
	return strcmp(((const struct event_desc *)a)->name, ((const struct event_desc *)b)->name);
}

static void sort_from(struct event_catalog *c, size_t first)
{
	if (c->n > first)
		qsort(c->v + first, c->n - first, sizeof(*c->v), cmp_desc);
}

/* perf prints "name OR alias" and sorts by that; sorting by name alone
 * gives the same order because an alias only follows its own name. */
static void add_symbols(struct event_catalog *c, enum event_class cls,
			const struct sym_event *t, size_t n)
{
	size_t first = c->n;

	for (size_t i = 0; i < n; i++)
		set_encoding(add(c, cls, t[i].name, t[i].alias), t[i].type, t[i].config);
	sort_from(c, first);
}

static void add_cache(struct event_catalog *c)
{
	size_t first = c->n;
	struct kbuf name = KBUF_INIT;

	for (unsigned type = 0; type < CACHE_TYPES; type++)
		for (unsigned op = 0; op < CACHE_OPS; op++) {
			if (!events_cache_op_valid(type, op))
				continue;
			for (unsigned res = 0; res < CACHE_RESULTS; res++) {
				uint64_t config = type | (op << 8) | ((uint64_t)res << 16);

				kbuf_reset(&name);
				events_cache_name(config, &name);
				set_encoding(add(c, EVENT_CLASS_CACHE, name.buf, NULL),
					     PERF_TYPE_HW_CACHE, config);
			}
		}
	kbuf_release(&name);
	sort_from(c, first);
}

/* Applies a sysfs alias by parsing "pmu/alias/" with the real parser, so
 * the catalog and -e agree on every bit. */
static void add_pmus(struct events_env *env, struct event_catalog *c)
{
	struct events_env penv = EVENTS_ENV_INIT;
	char **names = NULL;
	size_t n = 0, first = c->n;

	if (pmu_names(env ? env->sysfs_root : NULL, &names, &n, NULL) < 0)
		return;
	if (env)
		penv = *env;
	for (size_t i = 0; i < n; i++) {
		struct pmu p;
		bool core = !strcmp(names[i], "cpu");

		if (pmu_load(penv.sysfs_root, names[i], strlen(names[i]), &p, NULL) < 0)
			continue;
		for (size_t j = 0; j < p.naliases; j++) {
			struct event_list l = EVENT_LIST_INIT;
			struct kbuf spec = KBUF_INIT, enc = KBUF_INIT;
			struct event_desc *d;

			kbuf_addf(&spec, "%s/%s/", p.name, p.aliases[j].name);
			if (events_parse_env(spec.buf, &penv, &l, NULL) < 0 || l.n != 1) {
				event_list_release(&l);
				kbuf_release(&spec);
				continue; /* an alias needing '?' values cannot stand alone */
			}
			/* perf lists the core PMU's aliases as "name OR cpu/name/". */
			d = core ? add(c, EVENT_CLASS_PMU, p.aliases[j].name, spec.buf)
				 : add(c, EVENT_CLASS_PMU, spec.buf, NULL);
			d->attr = l.v[0].attr;
			d->openable = true;
			kbuf_addf(&enc, "%s/%s/", p.name, p.aliases[j].terms);
			d->encoding = kbuf_detach(&enc, NULL);
			event_list_release(&l);
			kbuf_release(&spec);
		}
		pmu_release(&p);
	}
	pmu_names_free(names, n);
	sort_from(c, first);
}

static int add_tracepoints(struct events_env *env, struct event_catalog *c, struct kerr *err)
{
	const char *root = env ? env->tracefs_root : NULL;
	struct tp_name *tps = NULL;
	size_t n = 0;
	int ret;

	if (!root) {
		ret = events_tracefs_root(&root, err);
		if (ret < 0)
			return ret;
	}
	ret = tracefs_glob(root, "*", "*", &tps, &n, err);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n; i++) {
		struct kbuf name = KBUF_INIT;
		struct event_desc *d;

		kbuf_addf(&name, "%s:%s", tps[i].sys, tps[i].name);
		d = add(c, EVENT_CLASS_TRACEPOINT, name.buf, NULL);
		set_encoding(d, PERF_TYPE_TRACEPOINT, tps[i].id);
		d->attr.sample_period = 1;
		kbuf_release(&name);
	}
	tracefs_names_free(tps, n);
	return 0;
}

int events_catalog(struct events_env *env, unsigned mask, struct event_catalog *out,
		   struct kerr *err)
{
	if (mask & EVENT_CLASS_BIT(EVENT_CLASS_HW))
		add_symbols(out, EVENT_CLASS_HW, events_hw_table, events_hw_count);
	if (mask & EVENT_CLASS_BIT(EVENT_CLASS_SW))
		add_symbols(out, EVENT_CLASS_SW, events_sw_table, events_sw_count);
	if (mask & EVENT_CLASS_BIT(EVENT_CLASS_TOOL))
		for (size_t i = 0; i < events_tool_count; i++)
			add(out, EVENT_CLASS_TOOL, events_tool_names[i], NULL);
	if (mask & EVENT_CLASS_BIT(EVENT_CLASS_CACHE))
		add_cache(out);
	if (mask & EVENT_CLASS_BIT(EVENT_CLASS_PMU))
		add_pmus(env, out);
	if (mask & EVENT_CLASS_BIT(EVENT_CLASS_RAW)) {
		add(out, EVENT_CLASS_RAW, "rNNN", NULL);
		add(out, EVENT_CLASS_RAW, "cpu/t1=v1[,t2=v2,t3 ...]/modifier", NULL);
	}
	if (mask & EVENT_CLASS_BIT(EVENT_CLASS_BREAKPOINT))
		add(out, EVENT_CLASS_BREAKPOINT, "mem:<addr>[/len][:access]", NULL);
	if (mask & EVENT_CLASS_BIT(EVENT_CLASS_TRACEPOINT))
		return add_tracepoints(env, out, err);
	return 0;
}

void event_catalog_release(struct event_catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].alias);
		free(c->v[i].encoding);
	}
	vec_free(c);
}

int events_probe(const struct perf_event_attr *in)
{
	struct perf_event_attr attr = *in;
	int fd, first, cpu;

	attr.disabled = 1;
	attr.sample_period = 0;
	fd = events_open_fallback(&attr, 0, -1, -1, 0);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	first = fd;
	/* Uncore, power and similar PMUs count per CPU only; the CPU we run
	 * on is certainly online. */
	cpu = sched_getcpu();
	if (cpu < 0)
		return first;
	fd = events_open_fallback(&attr, -1, cpu, -1, 0);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return first;
}

