/* Tracepoint samples → event-profile labels (see internal.h): the
 * TRACING_DATA feature carries tracefs' `format` files as perf recorded
 * them (perf's trace-event-read.c layout: magic, version, endianness,
 * long and page size, header_page, header_event, ftrace formats, then
 * per system its events' formats, then kallsyms, printk formats and
 * saved cmdlines, which are not needed here). libtraceevent parses the
 * formats; each sample's RAW payload is read field by field: numbers as
 * numeric labels, strings and char arrays as string labels. Labels of all
 * samples live in one array, indexed by the sample's position. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "../base/alloc.h"
#include "internal.h"

struct pd_trace {
	struct tep_handle *tep;
	struct profile *p;
	struct tep_event **ev_of;      /* per perfdata event; NULL: not a tracepoint */
	VEC(struct pf_label) labels;
	VEC(size_t) start;             /* sample i's labels start at start.v[i] */
};

bool pd_has_tracepoints(const struct perfdata *pd)
{
	for (size_t i = 0; i < pd->events.n; i++)
		if (pd->events.v[i].attr.type == PERF_TYPE_TRACEPOINT)
			return true;
	return false;
}

struct rd {
	const unsigned char *p, *end;
};

static int rd_take(struct rd *r, void *out, size_t n)
{
	if ((size_t)(r->end - r->p) < n)
		return -EBADMSG;
	if (out)
		memcpy(out, r->p, n);
	r->p += n;
	return 0;
}

static const char *rd_string(struct rd *r)
{
	const unsigned char *nul = memchr(r->p, '\0', (size_t)(r->end - r->p));
	const char *s = (const char *)r->p;

	if (!nul)
		return NULL;
	r->p = nul + 1;
	return s;
}

/* A u64 size then that many bytes. */
static int rd_blob(struct rd *r, const unsigned char **data, uint64_t *size)
{
	if (rd_take(r, size, 8) || *size > (uint64_t)(r->end - r->p))
		return -EBADMSG;
	*data = r->p;
	r->p += *size;
	return 0;
}

static int parse_tracing(struct tep_handle *tep, const unsigned char *data, size_t n)
{
	static const unsigned char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	struct rd r = { data, data + n };
	const unsigned char *blob;
	const char *s;
	uint64_t size;
	uint32_t count, page;
	uint8_t big, lsize;

	if (n < sizeof(magic) || memcmp(data, magic, sizeof(magic)))
		return -EBADMSG;
	r.p += sizeof(magic);
	if (!rd_string(&r) || rd_take(&r, &big, 1) || rd_take(&r, &lsize, 1) ||
	    rd_take(&r, &page, 4))
		return -EBADMSG;
	if (big)
		return -EPROTONOSUPPORT;
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	tep_set_long_size(tep, lsize);
	tep_set_page_size(tep, (int)page);
	if (!(s = rd_string(&r)) || strcmp(s, "header_page") || rd_blob(&r, &blob, &size))
		return -EBADMSG;
	/* libtraceevent's parsers take char *, and do not write to it. */
	if (tep_parse_header_page(tep, (char *)blob, size, lsize))
		return -EBADMSG;
	if (!(s = rd_string(&r)) || strcmp(s, "header_event") || rd_blob(&r, &blob, &size))
		return -EBADMSG;
	if (rd_take(&r, &count, 4))
		return -EBADMSG;
	for (uint32_t i = 0; i < count; i++)
		if (rd_blob(&r, &blob, &size))
			return -EBADMSG; /* ftrace's own events: not sampled */
	if (rd_take(&r, &count, 4))
		return -EBADMSG;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t nev;
		const char *sys = rd_string(&r);
		if (!sys || rd_take(&r, &nev, 4))
			return -EBADMSG;
		for (uint32_t k = 0; k < nev; k++) {
			const unsigned char *print;

			if (rd_blob(&r, &blob, &size))
				return -EBADMSG;
			/* Only the fields are read: libtraceevent 1.7 crashes
			 * on a print format naming a field the format lacks,
			 * so it never sees one (the event stays, its print
			 * flagged failed). A format libtraceevent cannot
			 * parse leaves that event without fields, not the
			 * file unreadable. */
			print = memmem(blob, size, "\nprint fmt:", 11);
			tep_parse_event(tep, (const char *)blob, print ? (size_t)(print - blob) + 1 : size,
					sys);
		}
	}
	return 0;
}

int pd_trace_new(const struct perfdata *pd, struct profile *p, struct pd_trace **out,
		 struct kerr *err)
{
	struct pd_trace *t;
	int ret;

	*out = NULL;
	if (!pd_has_tracepoints(pd))
		return 0;
	t = xcalloc(1, sizeof(*t));
	t->p = p;
	t->ev_of = xcalloc(pd->events.n, sizeof(*t->ev_of));
	if (!(t->tep = tep_alloc())) {
		pd_trace_free(t);
		return kerr_set(err, -ENOMEM, "perf.data: out of memory for the tracepoint formats");
	}
	if (!pd->tracing) {
		/* Samples stay, with the event's name and no fields. */
		*out = t;
		return 0;
	}
	if ((ret = parse_tracing(t->tep, pd->tracing, pd->tracing_size)) < 0) {
		pd_trace_free(t);
		if (ret == -EPROTONOSUPPORT)
			return kerr_set(err, ret, "perf.data: the tracepoint formats are big-endian, "
					"which kiln does not read: run `perf script` where it was "
					"recorded");
		return kerr_set(err, ret, "perf.data: the tracing data (tracepoint formats, %zu "
				"bytes) is corrupt", pd->tracing_size);
	}
	for (size_t i = 0; i < pd->events.n; i++)
		if (pd->events.v[i].attr.type == PERF_TYPE_TRACEPOINT)
			t->ev_of[i] = tep_find_event(t->tep, (int)pd->events.v[i].attr.config);
	*out = t;
	return 0;
}

void pd_trace_free(struct pd_trace *t)
{
	if (!t)
		return;
	if (t->tep)
		tep_free(t->tep);
	free(t->ev_of);
	vec_free(&t->labels);
	vec_free(&t->start);
	free(t);
}

static void add_str(struct pd_trace *t, const char *key, const char *s, size_t n)
{
	char *v = xstrndup(s, n);
	struct pf_label *l = vec_add(&t->labels);

	memset(l, 0, sizeof(*l));
	l->key = profile_str(t->p, key);
	l->str = profile_str(t->p, v);
	free(v);
}

static void add_num(struct pd_trace *t, const char *key, int64_t v)
{
	struct pf_label *l = vec_add(&t->labels);

	memset(l, 0, sizeof(*l));
	l->key = profile_str(t->p, key);
	l->num = v;
	/* With a unit a 0 survives pprof's decoder (as build's cpu label). */
	l->num_unit = l->key;
}

static void field_label(struct pd_trace *t, const struct tep_format_field *f,
			const unsigned char *raw, uint32_t n)
{
	uint32_t off = (uint32_t)f->offset, size = (uint32_t)f->size;

	if (off > n || size > n - off)
		return;
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		/* u32: offset in the low half, length in the high half. */
		uint32_t v = (uint32_t)tep_read_number(t->tep, raw + off, 4);
		uint32_t doff = v & 0xffff, dlen = v >> 16;
		if (f->flags & TEP_FIELD_IS_RELATIVE)
			doff += off + size;
		if (doff > n || dlen > n - doff)
			return;
		off = doff;
		size = dlen;
		if (!(f->flags & TEP_FIELD_IS_STRING))
			return; /* a dynamic array of numbers: no one label */
	}
	if ((f->flags & TEP_FIELD_IS_STRING) ||
	    ((f->flags & TEP_FIELD_IS_ARRAY) && strstr(f->type, "char"))) {
		const unsigned char *nul = memchr(raw + off, '\0', size);
		add_str(t, f->name, (const char *)raw + off,
			nul ? (size_t)(nul - (raw + off)) : size);
		return;
	}
	if (f->flags & TEP_FIELD_IS_ARRAY || !size || size > 8)
		return;
	{
		uint64_t v = tep_read_number(t->tep, raw + off, (int)size);
		if ((f->flags & TEP_FIELD_IS_SIGNED) && size < 8 && (v >> (size * 8 - 1)) & 1)
			v |= ~(uint64_t)0 << (size * 8);
		add_num(t, f->name, (int64_t)v);
	}
}

void pd_trace_sample(struct pd_trace *t, int ev, const struct rec_sample *s)
{
	struct tep_event *e = ev >= 0 ? t->ev_of[ev] : NULL;

	vec_push(&t->start, t->labels.n);
	if (!e || !s->raw)
		return;
	for (const struct tep_format_field *f = e->format.fields; f; f = f->next)
		field_label(t, f, s->raw, s->raw_size);
}

const struct pf_label *pd_trace_labels(void *ctx, size_t entry, size_t *n)
{
	struct pd_trace *t = ctx;
	size_t a, b;

	*n = 0;
	if (entry >= t->start.n)
		return NULL;
	a = t->start.v[entry];
	b = entry + 1 < t->start.n ? t->start.v[entry + 1] : t->labels.n;
	*n = b - a;
	return *n ? t->labels.v + a : NULL;
}
