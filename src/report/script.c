/* perf script's text for a profile (see script.h): per sample the comm,
 * pid/tid, cpu, time, period and event, then the stack leaf first, each
 * frame "ip sym+off (dso)" — user addresses as the binary's own (ELF)
 * addresses, as perf prints them, when the caller can locate them. */
#include "script.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/textsafe.h"
#include "perfkeys.h"


static const char *const field_names[] = { "comm", "pid", "tid", "cpu", "time", "period",
					   "event", "ip", "sym", "symoff", "dso" };
#define N_FIELDS (sizeof(field_names) / sizeof(field_names[0]))

int script_parse_fields(const char *spec, unsigned *out, struct kerr *err)
{
	unsigned f = (spec[0] == '+' || spec[0] == '-') ? SCRIPT_FIELDS_ALL : 0;
	char *copy = xstrdup(spec), *save = NULL;
	int ret = 0;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int sign = 0;
		size_t i;
		if (*t == '+' || *t == '-')
			sign = *t++ == '+' ? 1 : -1;
		for (i = 0; i < N_FIELDS; i++)
			if (!strcmp(t, field_names[i]))
				break;
		if (i == N_FIELDS) {
			ret = kerr_set(err, -EINVAL, "unknown field '%s' (fields: comm, pid, tid, cpu, "
				       "time, period, event, ip, sym, symoff, dso)", t);
			break;
		}
		if (sign < 0)
			f &= ~(1u << i);
		else
			f |= 1u << i;
	}
	free(copy);
	*out = f;
	return ret;
}

/* What the stack lines show for each location, computed once. */
struct loc_text {
	char *text; /* "            11c9 leaf+0x29 (/path/burn)" without the tab */
};

struct script {
	const struct profile *p;
	unsigned fields;
	bool hide_chain;
	const struct script_opts *o;
	struct loc_text *locs;
	int64_t k_comm, k_pid, k_tid, k_time, k_cpu;
	int vi_count, vi_period;
	const char *event;
	struct kbuf scratch;   /* an escaped comm */
	struct kbuf event_buf; /* the escaped event name */
};

static const char *loc_text(struct script *sc, size_t li)
{
	const struct profile *p = sc->p;
	const struct pf_location *l = &p->locations[li];
	const struct pf_mapping *m;
	struct kbuf b = KBUF_INIT, name = KBUF_INIT;
	uint64_t ip = l->address, start = UINT64_MAX;
	const char *file;
	bool kernel;

	if (sc->locs[li].text)
		return sc->locs[li].text;
	m = l->mapping_id ? profile_mapping(p, l->mapping_id) : NULL;
	file = m ? profile_get_str(p, m->filename) : "";
	kernel = perf_frame_names(p, l, 0, NULL, &name);
	/* perf prints user addresses as the binary's own (ELF) addresses. */
	if (m && !kernel && file[0] == '/') {
		uint64_t off = l->address - m->memory_start + m->file_offset, va;
		if (sc->o->locate && sc->o->locate(sc->o->locate_ctx, file, off, &va, &start) == 0)
			ip = va;
		else
			ip = off;
	}
	if (sc->fields & SCRIPT_IP)
		kbuf_addf(&b, "%16" PRIx64, ip);
	if (sc->fields & SCRIPT_SYM) {
		kbuf_addf(&b, "%s%s", b.len ? " " : "", name.buf);
		if ((sc->fields & SCRIPT_SYMOFF) && start != UINT64_MAX && ip >= start)
			kbuf_addf(&b, "+0x%" PRIx64, ip - start);
	}
	if (sc->fields & SCRIPT_DSO)
		kbuf_addf(&b, "%s(%s)", b.len ? " " : "",
			  kernel ? "[kernel.kallsyms]" : file[0] ? file : "[unknown]");
	kbuf_release(&name);
	if (!text_is_safe(b.buf, b.len, 0)) {
		/* A frame is one line: no control byte may repaint or split it. */
		kbuf_reset(&name);
		text_escape(&name, b.buf, b.len, 0);
		kbuf_release(&b);
		b = name;
	}
	sc->locs[li].text = kbuf_detach(&b, NULL);
	return sc->locs[li].text;
}

static bool label_num(const struct profile *p, const struct pf_sample *s, int64_t key,
		      int64_t *out)
{
	const struct pf_label *l = pf_sample_labels(p, s);

	for (uint32_t i = 0; i < s->n_lab; i++)
		if (l[i].key == key && !l[i].str) {
			*out = l[i].num;
			return true;
		}
	return false;
}

static const char *label_str(const struct profile *p, const struct pf_sample *s, int64_t key)
{
	const struct pf_label *l = pf_sample_labels(p, s);

	for (uint32_t i = 0; i < s->n_lab; i++)
		if (l[i].key == key && l[i].str)
			return profile_get_str(p, l[i].str);
	return NULL;
}

/* Finds a string already in the profile's table without adding it. */
static int64_t find_str(const struct profile *p, const char *s)
{
	for (size_t i = 1; i < p->strings.n; i++)
		if (!strcmp(profile_get_str(p, (int64_t)i), s))
			return (int64_t)i;
	return -1;
}

static void print_sample(struct script *sc, const struct pf_sample *s, bool per_sample,
			 struct kbuf *out)
{
	const struct profile *p = sc->p;
	const int64_t *v = pf_sample_values(p, s);
	const uint64_t *locs = pf_sample_locs(p, s);
	const char *comm = label_str(p, s, sc->k_comm);
	int64_t pid = -1, tid = -1, cpu = -1, t = 0;
	unsigned f = sc->fields;

	label_num(p, s, sc->k_pid, &pid);
	label_num(p, s, sc->k_tid, &tid);
	label_num(p, s, sc->k_cpu, &cpu);
	label_num(p, s, sc->k_time, &t);
	if (comm) /* a thread names itself: it may hold escapes */
		comm = text_safe_str(comm, 0, &sc->scratch);
	/* perf script's start of line: the comm unpadded when a stack
	 * follows, pid/tid as "%5d/%-5d", "[%03d]", "%5lu.%06lu:". */
	if ((f & SCRIPT_COMM) && (sc->hide_chain || !(f & (SCRIPT_IP | SCRIPT_SYM | SCRIPT_DSO))))
		kbuf_addf(out, "%16s ", comm ? comm : ":-1");
	else if (f & SCRIPT_COMM)
		kbuf_addf(out, "%s ", comm ? comm : ":-1");
	if ((f & SCRIPT_PID) && (f & SCRIPT_TID))
		kbuf_addf(out, "%5" PRId64 "/%-5" PRId64 " ", pid, tid);
	else if (f & SCRIPT_PID)
		kbuf_addf(out, "%5" PRId64 " ", pid);
	else if (f & SCRIPT_TID)
		kbuf_addf(out, "%5" PRId64 " ", tid);
	if ((f & SCRIPT_CPU) && per_sample && cpu >= 0)
		kbuf_addf(out, "[%03" PRId64 "] ", cpu);
	if ((f & SCRIPT_TIME) && per_sample)
		kbuf_addf(out, "%5" PRIu64 ".%06" PRIu64 ": ", (uint64_t)t / 1000000000u,
			  (uint64_t)t % 1000000000u / 1000u);
	else if (f & SCRIPT_TIME)
		kbuf_addf(out, "%10" PRId64 " samples: ", sc->vi_count >= 0 ? v[sc->vi_count] : 1);
	if (f & SCRIPT_PERIOD)
		kbuf_addf(out, "%10" PRId64 " ", v[sc->vi_period]);
	if (f & SCRIPT_EVENT)
		kbuf_addf(out, "%s: ", sc->event);
	if (!(f & (SCRIPT_IP | SCRIPT_SYM | SCRIPT_DSO)) || !s->n_loc) {
		while (out->len && out->buf[out->len - 1] == ' ')
			out->buf[--out->len] = '\0';
		kbuf_addch(out, '\n');
		return;
	}
	if (sc->hide_chain) {
		size_t li = profile_location_index(p, locs[0]);
		kbuf_addf(out, "%s\n", li == SIZE_MAX ? "" : loc_text(sc, li));
		return;
	}
	while (out->len && out->buf[out->len - 1] == ' ')
		out->buf[--out->len] = '\0';
	kbuf_addch(out, '\n');
	for (uint32_t i = 0; i < s->n_loc; i++) {
		size_t li = profile_location_index(p, locs[i]);
		if (li != SIZE_MAX)
			kbuf_addf(out, "\t%s\n", loc_text(sc, li));
	}
	kbuf_addch(out, '\n');
}

struct order_ctx {
	const struct profile *p;
	int64_t k_time;
};

static int64_t sample_time(const struct profile *p, size_t i, int64_t key)
{
	int64_t t = 0;

	label_num(p, &p->samples[i], key, &t);
	return t;
}

static int by_time(const void *a, const void *b, void *arg)
{
	const struct order_ctx *c = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int64_t tx = sample_time(c->p, x, c->k_time), ty = sample_time(c->p, y, c->k_time);

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x < y ? -1 : x > y;
}

static const char *event_of(const struct profile *p, int vi)
{
	const char *t = profile_get_str(p, p->sample_type[vi].type);
	const char *u = profile_get_str(p, p->sample_type[vi].unit);

	if (!strcmp(t, "cpu") && !strcmp(u, "nanoseconds"))
		return "cpu-clock";
	return t;
}


int script_render(const struct profile *p, const struct script_opts *o, struct kbuf *out,
		  int (*flush)(void *ctx, struct kbuf *out), void *flush_ctx)
{
	struct script sc;
	size_t *order = NULL;
	bool per_sample;
	int ret = 0;

	if (!p->n_sample_type)
		return 0;
	memset(&sc, 0, sizeof(sc));
	kbuf_init(&sc.scratch);
	kbuf_init(&sc.event_buf);
	sc.p = p;
	sc.o = o;
	sc.fields = o->fields;
	sc.hide_chain = o->hide_chain;
	sc.k_comm = find_str(p, "comm");
	sc.k_pid = find_str(p, "pid");
	sc.k_tid = find_str(p, "tid");
	sc.k_time = find_str(p, "time");
	sc.k_cpu = find_str(p, "cpu");
	sc.vi_count = -1;
	for (size_t i = 0; i < p->n_sample_type; i++)
		if (!strcmp(profile_get_str(p, p->sample_type[i].type), "samples"))
			sc.vi_count = (int)i;
	/* The event: the first value that is not the sample count. */
	sc.vi_period = sc.vi_count == 0 && p->n_sample_type > 1 ? 1 : 0;
	sc.event = text_safe_str(event_of(p, sc.vi_period), 0, &sc.event_buf);
	sc.locs = xcalloc(p->n_locations + 1, sizeof(*sc.locs));
	/* Per-event profiles carry a time label on every sample (the string
	 * alone may be in the table of an aggregated profile). */
	per_sample = false;
	for (size_t i = 0; i < p->n_samples && !per_sample; i++) {
		int64_t t;
		per_sample = label_num(p, &p->samples[i], sc.k_time, &t);
	}
	order = xmalloc((p->n_samples + 1) * sizeof(*order));
	for (size_t i = 0; i < p->n_samples; i++)
		order[i] = i;
	if (per_sample) {
		struct order_ctx c = { p, sc.k_time };
		qsort_r(order, p->n_samples, sizeof(*order), by_time, &c);
	}
	for (size_t i = 0; i < p->n_samples && ret == 0; i++) {
		print_sample(&sc, &p->samples[order[i]], per_sample, out);
		if (flush && out->len > (1 << 20))
			ret = flush(flush_ctx, out);
	}
	for (size_t i = 0; i < p->n_locations; i++)
		free(sc.locs[i].text);
	free(sc.locs);
	free(order);
	kbuf_release(&sc.scratch);
	kbuf_release(&sc.event_buf);
	return ret;
}
