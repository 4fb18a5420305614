/* `perf script` text into a Profile (see textdec.h). Samples are a header
 * line and frame lines up to a blank line; locations are found by an
 * interned "addr sym dso" key, functions by name, mappings by dso, so
 * memory is the profile plus one small index per distinct frame. */
#include "textdec.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "decode.h"

#define LINE_ARGS(t, tn) (int)((tn) > 120 ? 120 : (tn)), (t)

static bool dig(char c)
{
	return c >= '0' && c <= '9';
}

static bool ws(char c)
{
	return c == ' ' || c == '\t';
}

struct hdr {
	const char *comm;
	size_t comm_n;
	int64_t pid, tid;
	bool has_pid, has_period;
	int64_t period;
	const char *event;
	size_t event_n;
	const char *rest; /* after the event: the frame of a sample without a call graph */
	size_t rest_n;
};

static int64_t num(const char *s, size_t a, size_t b)
{
	int64_t v = 0;
	for (size_t i = a; i < b; i++)
		v = v > (INT64_MAX - 9) / 10 ? INT64_MAX : v * 10 + (s[i] - '0');
	return v;
}

/* "comm [pid/]tid [cpu] secs.usecs: [period] event:" — the time is the
 * first " D+.D+:" whose preceding token is a [pid/]tid (with an optional
 * [cpu] between), so a comm holding digits or spaces still parses. */
static bool parse_header(const char *s, size_t n, struct hdr *h)
{
	for (size_t t = 1; t < n; t++) {
		size_t j = t, dot, e, k, q;
		if (!ws(s[t - 1]) || !dig(s[t]))
			continue;
		while (j < n && dig(s[j]))
			j++;
		if (j >= n || s[j] != '.')
			continue;
		dot = ++j;
		while (j < n && dig(s[j]))
			j++;
		if (j == dot || j >= n || s[j] != ':' || (j + 1 < n && !ws(s[j + 1])))
			continue;
		e = j + 1;
		/* Back over spaces, an optional [cpu], spaces, then the tid. */
		k = t;
		while (k > 0 && ws(s[k - 1]))
			k--;
		if (k > 0 && s[k - 1] == ']') {
			q = k - 1;
			while (q > 0 && dig(s[q - 1]))
				q--;
			if (q == 0 || s[q - 1] != '[')
				continue;
			k = q - 1;
			while (k > 0 && ws(s[k - 1]))
				k--;
		}
		q = k;
		while (q > 0 && dig(s[q - 1]))
			q--;
		if (q == k)
			continue;
		h->tid = num(s, q, k);
		h->has_pid = false;
		if (q > 1 && s[q - 1] == '/') {
			size_t r = q - 1;
			while (r > 0 && dig(s[r - 1]))
				r--;
			if (r < q - 1) {
				h->has_pid = true;
				h->pid = num(s, r, q - 1);
				q = r;
			}
		}
		if (q == 0 || !ws(s[q - 1]))
			continue;
		h->comm = s;
		h->comm_n = q;
		while (h->comm_n && ws(s[h->comm_n - 1]))
			h->comm_n--;
		while (h->comm_n && ws(h->comm[0])) {
			h->comm++;
			h->comm_n--;
		}
		/* After the time: an optional period, then the event name. */
		while (e < n && ws(s[e]))
			e++;
		h->has_period = false;
		k = e;
		while (k < n && dig(s[k]))
			k++;
		if (k > e && (k == n || ws(s[k]))) {
			h->has_period = true;
			h->period = num(s, e, k);
			e = k;
			while (e < n && ws(s[e]))
				e++;
		}
		k = e;
		while (k < n && !ws(s[k]))
			k++;
		h->event = s + e;
		h->event_n = k - e;
		if (h->event_n && h->event[h->event_n - 1] == ':')
			h->event_n--;
		/* "cpu-clock:ppp" is cpu-clock with modifiers; a tracepoint
		 * "sched:sched_switch" keeps its name. */
		for (size_t c = h->event_n; c-- > 0;) {
			if (h->event[c] == ':') {
				if (c + 1 < h->event_n)
					h->event_n = c;
				break;
			}
			if (!strchr("ukhpPGHISDeW", h->event[c]))
				break;
		}
		h->rest = s + k;
		h->rest_n = n - k;
		return true;
	}
	return false;
}

struct ps {
	struct profile *p;
	struct profile *keys;     /* interns location keys */
	uint64_t *loc_of;         /* key string index → location id */
	size_t cap_loc_of;
	uint64_t *fn_of;          /* name string index → function id */
	size_t cap_fn_of;
	uint64_t *map_of;         /* dso string index → mapping id */
	size_t cap_map_of;
	struct kbuf key;
};

static uint64_t *slot(uint64_t **a, size_t *cap, int64_t i)
{
	if ((size_t)i >= *cap) {
		size_t old = *cap;
		*a = xgrow(*a, cap, (size_t)i + 1, sizeof(**a));
		memset(*a + old, 0, (*cap - old) * sizeof(**a));
	}
	return &(*a)[i];
}

/* "\t addr sym+off (dso)": the location id, 0 when the line is no frame. */
static uint64_t frame(struct ps *ps, const char *s, size_t n)
{
	size_t i = 0, a, dso_b = n, dso_e = n, sym_e;
	uint64_t addr = 0, *ls, *ms, *fs;
	int64_t ki, di, si;
	bool unknown;
	struct pf_line line = { 0, 0, 0 };

	while (i < n && ws(s[i]))
		i++;
	a = i;
	while (i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
		if (i - a < 16)
			addr = addr << 4 | (uint64_t)(s[i] <= '9' ? s[i] - '0' : s[i] - 'a' + 10);
		i++;
	}
	if (i == a || i >= n || !ws(s[i]))
		return 0;
	while (i < n && ws(s[i]))
		i++;
	while (n > i && ws(s[n - 1]))
		n--;
	sym_e = n;
	if (n > i && s[n - 1] == ')') {
		for (size_t k = n - 1; k-- > i;)
			if (s[k] == '(' && (k == i || ws(s[k - 1]))) {
				dso_b = k + 1;
				dso_e = n - 1;
				sym_e = k;
				break;
			}
	}
	while (sym_e > i && ws(s[sym_e - 1]))
		sym_e--;
	/* Drop "+0xOFF" from the symbol. */
	for (size_t k = sym_e; k > i; k--)
		if (s[k - 1] == '+') {
			if (sym_e - k > 2 && s[k] == '0' && s[k + 1] == 'x')
				sym_e = k - 1;
			break;
		}
	unknown = sym_e - i == 9 && memcmp(s + i, "[unknown]", 9) == 0;

	kbuf_reset(&ps->key);
	kbuf_addf(&ps->key, "%llx ", (unsigned long long)addr);
	kbuf_add(&ps->key, s + i, sym_e - i);
	kbuf_addch(&ps->key, '\n');
	kbuf_add(&ps->key, s + dso_b, dso_e - dso_b);
	ki = profile_str(ps->keys, ps->key.buf);
	ls = slot(&ps->loc_of, &ps->cap_loc_of, ki);
	if (*ls)
		return *ls;

	{
		char *dso = xstrndup(s + dso_b, dso_e - dso_b);
		di = profile_str(ps->p, dso);
		free(dso);
	}
	ms = slot(&ps->map_of, &ps->cap_map_of, di);
	if (!*ms && di) {
		struct pf_mapping *m = profile_add_mapping(ps->p);
		m->filename = di;
		m->has_functions = true;
		*ms = m->id;
	}
	if (!unknown && sym_e > i) {
		char *sym = xstrndup(s + i, sym_e - i);
		si = profile_str(ps->p, sym);
		free(sym);
		fs = slot(&ps->fn_of, &ps->cap_fn_of, si);
		if (!*fs) {
			struct pf_function *f = profile_add_function(ps->p);
			f->name = f->system_name = si;
			*fs = f->id;
		}
		line.function_id = *fs;
	}
	*ls = profile_add_location(ps->p, *ms, addr, &line, line.function_id ? 1 : 0)->id;
	return *ls;
}

/* pprof's guess of the main binary, as for legacy profiles: the first
 * dso that is not a shared library ([.]so$ or [.]so[._]DIGIT) and not a
 * "[kernel.kallsyms]"-style name moves to the front, so reports name it. */
static void main_mapping_first(struct profile *p)
{
	for (size_t i = 0; i < p->n_mappings; i++) {
		const char *f = profile_get_str(p, p->mappings[i].filename), *q;
		size_t len = strlen(f);
		bool lib = len >= 3 && strcmp(f + len - 3, ".so") == 0;
		struct pf_mapping t;

		for (q = strstr(f, ".so"); q && !lib; q = strstr(q + 1, ".so"))
			lib = (q[3] == '.' || q[3] == '_') && q[4] >= '0' && q[4] <= '9';
		if (!len || lib || f[0] == '[')
			continue;
		if (i == 0)
			return;
		t = p->mappings[0];
		p->mappings[0] = p->mappings[i];
		p->mappings[i] = t;
		p->mappings[0].id = 1;
		p->mappings[i].id = i + 1;
		for (size_t k = 0; k < p->n_locations; k++) {
			if (p->locations[k].mapping_id == 1)
				p->locations[k].mapping_id = i + 1;
			else if (p->locations[k].mapping_id == i + 1)
				p->locations[k].mapping_id = 1;
		}
		return;
	}
}

int profile_parse_perf_script(const char *data, size_t n, uint64_t max_memory,
			      struct profile **out, struct kerr *err)
{
	struct ps ps;
	struct profile *p;
	const char *b = data, *end = data + n;
	uint64_t *stack = NULL;
	size_t cap_stack = 0, n_fr = 0;
	bool in_sample = false, typed = false, with_period = false;
	int64_t *events = NULL;   /* event name string indices, first seen first */
	size_t n_events = 0, cap_events = 0, cur_event = 0;
	uint32_t *sample_event = NULL; /* per sample, index into events */
	size_t cap_sample_event = 0;
	struct hdr h;
	unsigned line_no = 0;
	int64_t k_comm, k_pid, k_tid;
	int ret = 0;

	*out = NULL;
	memset(&ps, 0, sizeof(ps));
	memset(&h, 0, sizeof(h));
	ps.p = p = profile_new();
	ps.keys = profile_new();
	kbuf_init(&ps.key);
	k_comm = profile_str(p, "comm");
	k_pid = profile_str(p, "pid");
	k_tid = profile_str(p, "tid");

	for (;;) {
		const char *line = b, *nl;
		size_t ln;
		bool last = b >= end, is_hdr;
		struct hdr nh;

		if (!last) {
			nl = memchr(b, '\n', (size_t)(end - b));
			ln = nl ? (size_t)(nl - b) : (size_t)(end - b);
			b = nl ? nl + 1 : end;
			line_no++;
			if (ln && line[ln - 1] == '\r')
				ln--;
		} else {
			ln = 0;
		}
		/* A header (perf indents it when there are no call graphs) or a
		 * blank line ends the sample before it. */
		is_hdr = !last && ln && line[0] != '#' &&
			 (!ws(line[0]) || parse_header(line, ln, &nh));
		if (in_sample && (last || ln == 0 || is_hdr)) {
			struct pf_label labs[3];
			int64_t vals[2] = { 1, h.period };
			size_t nl_ = 0;
			char *comm = xstrndup(h.comm, h.comm_n);

			labs[nl_++] = (struct pf_label){ k_comm, profile_str(p, comm), 0, 0 };
			free(comm);
			if (h.has_pid)
				labs[nl_++] = (struct pf_label){ k_pid, 0, h.pid, 0 };
			labs[nl_++] = (struct pf_label){ k_tid, 0, h.tid, 0 };
			profile_add_sample(p, stack, n_fr, vals, with_period ? 2 : 1, labs, nl_);
			sample_event = xgrow(sample_event, &cap_sample_event, p->n_samples,
					     sizeof(*sample_event));
			sample_event[p->n_samples - 1] = (uint32_t)cur_event;
			in_sample = false;
			n_fr = 0;
			if (max_memory && profile_memory(p) + profile_memory(ps.keys) + n > max_memory) {
				ret = kerr_set(err, -E2BIG,
					       "the profile needs more than %llu MiB of memory to load (%zu samples so far); "
					       "--max-memory SIZE raises the limit",
					       (unsigned long long)(max_memory >> 20), p->n_samples);
				goto fail;
			}
		}
		if (last)
			break;
		if (ln == 0 || line[0] == '#')
			continue;
		if (!is_hdr) {
			uint64_t id;
			if (!in_sample) {
				ret = kerr_set(err, -EBADMSG,
					       "perf script text: line %u is a frame outside a sample: %.*s",
					       line_no, LINE_ARGS(line, ln));
				goto fail;
			}
			if (!(id = frame(&ps, line, ln))) {
				ret = kerr_set(err, -EBADMSG,
					       "perf script text: line %u is not \"addr sym (dso)\": %.*s",
					       line_no, LINE_ARGS(line, ln));
				goto fail;
			}
			stack = xgrow(stack, &cap_stack, n_fr + 1, sizeof(*stack));
			stack[n_fr++] = id;
			continue;
		}
		if (!parse_header(line, ln, &h)) {
			ret = kerr_set(err, -EBADMSG,
				       "perf script text: line %u is not a sample header "
				       "(comm tid time: period event:): %.*s",
				       line_no, LINE_ARGS(line, ln));
			goto fail;
		}
		if (!typed) {
			char *ev = xstrndup(h.event, h.event_n);
			bool ns = strcmp(ev, "cpu-clock") == 0 || strcmp(ev, "task-clock") == 0;
			typed = true;
			with_period = h.has_period;
			profile_add_sample_type(p, "samples", "count");
			if (with_period) {
				profile_add_sample_type(p, ev[0] ? ev : "events", ns ? "nanoseconds" : "count");
				p->period_type = p->sample_type[1];
			}
			free(ev);
		}
		{
			char *ev = xstrndup(h.event, h.event_n);
			int64_t si = profile_str(p, ev[0] ? ev : "events");
			free(ev);
			for (cur_event = 0; cur_event < n_events && events[cur_event] != si; cur_event++)
				;
			if (cur_event == n_events) {
				events = xgrow(events, &cap_events, n_events + 1, sizeof(*events));
				events[n_events++] = si;
			}
		}
		if (with_period != h.has_period) {
			ret = kerr_set(err, -EBADMSG,
				       "perf script text: line %u %s a period where the first sample %s",
				       line_no, h.has_period ? "has" : "lacks",
				       with_period ? "has one" : "has none");
			goto fail;
		}
		in_sample = true;
		/* A sample without a call graph has its one frame on the
		 * header line. */
		{
			uint64_t id = frame(&ps, h.rest, h.rest_n);
			if (id) {
				stack = xgrow(stack, &cap_stack, n_fr + 1, sizeof(*stack));
				stack[n_fr++] = id;
			}
		}
	}
	/* Several events: one value per event (its period), so they are
	 * never added together; samples/count still counts them all. */
	if (with_period && n_events > 1) {
		size_t k = 1 + n_events;
		int64_t *nv = xcalloc(p->n_samples ? p->n_samples * k : 1, sizeof(*nv));
		for (size_t i = 0; i < p->n_samples; i++) {
			struct pf_sample *sm = &p->samples[i];
			const int64_t *ov = p->sample_values + sm->val_off;
			nv[i * k] = ov[0];
			nv[i * k + 1 + sample_event[i]] = ov[1];
			sm->val_off = (uint32_t)(i * k);
			sm->n_val = (uint32_t)k;
		}
		free(p->sample_values);
		p->sample_values = nv;
		p->n_sample_values = p->cap_sample_values = p->n_samples * k;
		for (size_t e = 1; e < n_events; e++) {
			const char *ev = profile_get_str(p, events[e]);
			bool ns = strcmp(ev, "cpu-clock") == 0 || strcmp(ev, "task-clock") == 0;
			char *name = xstrdup(ev);
			profile_add_sample_type(p, name, ns ? "nanoseconds" : "count");
			free(name);
		}
	}
	main_mapping_first(p);
	if ((ret = profile_check(p, err)) < 0)
		goto fail;
	free(events);
	free(sample_event);
	free(stack);
	free(ps.loc_of);
	free(ps.fn_of);
	free(ps.map_of);
	kbuf_release(&ps.key);
	profile_free(ps.keys);
	*out = p;
	return 0;
fail:
	free(events);
	free(sample_event);
	free(stack);
	free(ps.loc_of);
	free(ps.fn_of);
	free(ps.map_of);
	kbuf_release(&ps.key);
	profile_free(ps.keys);
	profile_free(p);
	return ret;
}
