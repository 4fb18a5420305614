/* pprof's Java legacy profiles (legacy_java_profile.go): "--- heapz 1 ---"
 * and "--- contentionz 1 ---" text with "key = value" attributes, samples
 * "value count @ 0x…" (fields the other way round from C++), then lines
 * "0xADDR function (file:line)" naming each address; and the Java CPU
 * profile, binary like C++'s (legacy-cpu.c) with the same location text.
 * Addresses are dropped afterwards, as pprof's Aggregate does, so frames
 * merge by function and line. */
#include "legacy-int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "filter.h"

#define LINE_ARGS(t, tn) (int)((tn) > 200 ? 200 : (tn)), (t)

static bool word_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c == ' ';
}

/* attributeRx `([\w ]+)=([\w ]+)`, leftmost. */
static bool attribute(const char *s, size_t n, const char **k, size_t *kn, const char **v,
		      size_t *vn)
{
	for (size_t e = 0; e < n; e++) {
		size_t b, f;
		if (s[e] != '=' || e == 0 || !word_char(s[e - 1]) || e + 1 >= n || !word_char(s[e + 1]))
			continue;
		for (b = e; b > 0 && word_char(s[b - 1]); b--)
			;
		for (f = e + 1; f < n && word_char(s[f]); f++)
			;
		*k = s + b;
		*kn = e - b;
		*v = s + e + 1;
		*vn = f - e - 1;
		lg_trim(k, kn);
		lg_trim(v, vn);
		return true;
	}
	return false;
}

/* javaSampleRx ` *(\d+) +(\d+) +@ +([ x0-9a-f]*)`, leftmost. */
static bool java_sample(const char *s, size_t n, size_t g[6])
{
	for (size_t at = 0; at < n; at++) {
		size_t i = at, j;
		if (!(s[at] >= '0' && s[at] <= '9') || (at > 0 && s[at - 1] >= '0' && s[at - 1] <= '9'))
			continue;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		g[0] = at;
		g[1] = i;
		j = i;
		while (j < n && s[j] == ' ')
			j++;
		if (j == i || j >= n || !(s[j] >= '0' && s[j] <= '9'))
			continue;
		g[2] = j;
		while (j < n && s[j] >= '0' && s[j] <= '9')
			j++;
		g[3] = j;
		i = j;
		while (j < n && s[j] == ' ')
			j++;
		if (j == i || j >= n || s[j] != '@')
			continue;
		i = ++j;
		while (j < n && s[j] == ' ')
			j++;
		if (j == i)
			continue;
		g[4] = j;
		while (j < n && (s[j] == ' ' || s[j] == 'x' || (s[j] >= '0' && s[j] <= '9') ||
				 (s[j] >= 'a' && s[j] <= 'f')))
			j++;
		g[5] = j;
		return true;
	}
	return false;
}

/* The next line of a buffer, as bytes.IndexByte walks it: only lines
 * ended by '\n' count. */
static bool next_nl(const char **b, const char *end, const char **line, size_t *n)
{
	const char *nl = memchr(*b, '\n', (size_t)(end - *b));
	if (!nl)
		return false;
	*line = *b;
	*n = (size_t)(nl - *b);
	*b = nl + 1;
	return true;
}

int lg_parse_java(struct lg *g, const char *d, size_t n, struct kerr *err)
{
	struct profile *p = g->p;
	const char *b = d, *end = d + n, *line, *nl;
	size_t line_n;
	bool heap;
	uint64_t *a = NULL;
	size_t cap = 0;
	int ret = 0;

	nl = memchr(d, '\n', n);
	if (!nl)
		return LG_UNRECOGNIZED;
	line = d;
	line_n = (size_t)(nl - d);
	lg_trim(&line, &line_n);
	if (line_n == 15 && memcmp(line, "--- heapz 1 ---", 15) == 0)
		heap = true;
	else if (line_n == 21 && memcmp(line, "--- contentionz 1 ---", 21) == 0)
		heap = false;
	else
		return LG_UNRECOGNIZED;
	b = nl + 1;

	/* parseJavaHeader */
	for (;;) {
		const char *at = b, *k, *v;
		size_t kn, vn;
		if (!next_nl(&b, end, &line, &line_n))
			break;
		lg_trim(&line, &line_n);
		if (line_n == 0)
			continue;
		if (!attribute(line, line_n, &k, &kn, &v, &vn)) {
			b = at;
			break;
		}
#define IS(s, sn, x) ((sn) == strlen(x) && memcmp(s, x, sn) == 0)
		if (IS(k, kn, "format")) {
			if (!IS(v, vn, "java"))
				return LG_UNRECOGNIZED;
		} else if (IS(k, kn, "resolution")) {
			char *unit = xstrndup(v, vn);
			p->n_sample_type = 0;
			profile_add_sample_type(p, heap ? "inuse_objects" : "contentions", "count");
			profile_add_sample_type(p, heap ? "inuse_space" : "delay", unit);
			free(unit);
		} else if (!heap && IS(k, kn, "sampling period")) {
			p->period_type.type = profile_str(p, "contentions");
			p->period_type.unit = profile_str(p, "count");
			if (!lg_parse_int(v, vn, 0, &p->period))
				return kerr_set(err, -EBADMSG, "failed to parse attribute %.*s",
						LINE_ARGS(line, line_n));
		} else if (!heap && IS(k, kn, "ms since reset")) {
			int64_t ms;
			if (!lg_parse_int(v, vn, 0, &ms))
				return kerr_set(err, -EBADMSG, "failed to parse attribute %.*s",
						LINE_ARGS(line, line_n));
			p->duration_nanos = lg_mul(lg_mul(ms, 1000), 1000);
		} else {
			return LG_UNRECOGNIZED;
		}
#undef IS
	}

	/* parseJavaSamples */
	for (;;) {
		const char *at = b;
		size_t gr[6], na = 0;
		int64_t vals[2];
		if (!next_nl(&b, end, &line, &line_n))
			break;
		lg_trim(&line, &line_n);
		if (line_n == 0)
			continue;
		if (!java_sample(line, line_n, gr)) {
			b = at;
			break;
		}
		if (lg_hex_addresses(line + gr[4], gr[5] - gr[4], &a, &na, &cap) < 0) {
			ret = kerr_set(err, -EBADMSG, "malformed sample: %.*s: an address does not fit 64 bits",
				       LINE_ARGS(line, line_n));
			goto out;
		}
		for (size_t i = 0; i < na; i++)
			a[i] = lg_loc(g, a[i]);
		if (!lg_parse_int(line + gr[2], gr[3] - gr[2], 0, &vals[0]) ||
		    !lg_parse_int(line + gr[0], gr[1] - gr[0], 0, &vals[1])) {
			ret = kerr_set(err, -EBADMSG, "parsing sample %.*s: value out of range",
				       LINE_ARGS(line, line_n));
			goto out;
		}
		if (heap) {
			int64_t bytes;
			if (vals[0] == 0) {
				ret = kerr_set(err, -EBADMSG,
					       "parsing sample %.*s: second value must be non-zero",
					       LINE_ARGS(line, line_n));
				goto out;
			}
			bytes = vals[0] == -1 ? lg_mul(vals[1], -1) : vals[1] / vals[0];
			lg_scale_heap(&vals[0], &vals[1], 524288);
			ret = lg_sample(g, a, na, vals, 2, true, bytes, err);
		} else {
			if (p->period != 0) {
				vals[0] = lg_mul(vals[0], p->period);
				vals[1] = lg_mul(vals[1], p->period);
			}
			ret = lg_sample(g, a, na, vals, 2, false, 0, err);
		}
		if (ret < 0)
			goto out;
	}
	ret = lg_java_locations(g, b, (size_t)(end - b), err);
out:
	free(a);
	return ret;
}

static int64_t fn_for(struct profile *p, const char *name, size_t name_n,
		      const char *file, size_t file_n, struct u64map *by_name)
{
	/* Functions are keyed by name, as pprof's map[string]*Function. */
	int64_t s;
	uint64_t v;
	struct pf_function *f;
	char *nm = xstrndup(name, name_n), *fl = xstrndup(file, file_n);

	s = profile_str(p, nm);
	if (u64map_get(by_name, (uint64_t)s, &v)) {
		free(nm);
		free(fl);
		return (int64_t)v;
	}
	f = profile_add_function(p);
	f->name = f->system_name = s;
	f->filename = profile_str(p, fl);
	u64map_put(by_name, (uint64_t)s, f->id);
	free(nm);
	free(fl);
	return (int64_t)f->id;
}

/* filepath.Base */
static void base_name(const char **s, size_t *n)
{
	size_t i;

	if (*n == 0) {
		*s = ".";
		*n = 1;
		return;
	}
	while (*n > 0 && (*s)[*n - 1] == '/')
		(*n)--;
	if (*n == 0) {
		*s = "/";
		*n = 1;
		return;
	}
	for (i = *n; i > 0 && (*s)[i - 1] != '/'; i--)
		;
	*s += i;
	*n -= i;
}

int lg_java_locations(struct lg *g, const char *d, size_t n, struct kerr *err)
{
	struct profile *p = g->p;
	struct u64map by_name = U64MAP_INIT;
	const char *b = d, *end = d + n;
	int ret = 0;

	while (b < end) {
		const char *line = b, *nl = memchr(b, '\n', (size_t)(end - b));
		size_t line_n = nl ? (size_t)(nl - b) : (size_t)(end - b), i, h;
		const char *rest, *func = NULL, *file = "";
		size_t rest_n, func_n = 0, file_n = 0;
		int64_t line_no = 0;
		uint64_t addr, li;
		struct pf_location *loc;
		struct pf_line ln;

		b = nl ? nl + 1 : end;
		lg_trim(&line, &line_n);
		if (line_n == 0)
			continue;
		/* javaLocationRx `^\s*0x([[:xdigit:]]+)\s+(.*)\s*$` */
		if (line_n < 3 || line[0] != '0' || line[1] != 'x')
			continue;
		for (i = h = 2; i < line_n && ((line[i] >= '0' && line[i] <= '9') ||
					       (line[i] >= 'a' && line[i] <= 'f') ||
					       (line[i] >= 'A' && line[i] <= 'F')); i++)
			;
		if (i == h || i >= line_n || !lg_space((unsigned char)line[i]))
			continue;
		if (!lg_parse_uint(line + h, i - h, 16, &addr)) {
			ret = kerr_set(err, -EBADMSG, "parsing sample %.*s: address out of range",
				       LINE_ARGS(line, line_n));
			goto out;
		}
		while (i < line_n && lg_space((unsigned char)line[i]))
			i++;
		rest = line + i;
		rest_n = line_n - i;
		if (addr == U64MAP_EMPTY || !u64map_get(&g->by_addr, addr, &li))
			continue; /* unused */
		/* javaLocationFileLineRx `^(.*)\s+\((.+):(-?\d+)\)$`, then
		 * javaLocationPathRx `^(.*)\s+\((.*)\)$`: the last " (" wins. */
		if (rest_n && rest[rest_n - 1] == ')') {
			size_t close = rest_n - 1, q = close, colon;
			while (q > 0 && rest[q - 1] >= '0' && rest[q - 1] <= '9')
				q--;
			colon = q < close && q > 0 && rest[q - 1] == '-' ? q - 1 : q;
			if (q < close && colon > 0 && rest[colon - 1] == ':') {
				colon--;
				for (size_t k = colon; k-- > 1;)
					if (rest[k] == '(' && k + 1 < colon && lg_space((unsigned char)rest[k - 1])) {
						int64_t v;
						func = rest;
						func_n = k - 1;
						file = rest + k + 1;
						file_n = colon - k - 1;
						if (lg_parse_int(rest + colon + 1, close - colon - 1, 10, &v) && v > 0)
							line_no = v;
						break;
					}
			}
			if (!func)
				for (size_t k = close; k-- > 1;)
					if (rest[k] == '(' && lg_space((unsigned char)rest[k - 1])) {
						func = rest;
						func_n = k - 1;
						file = rest + k + 1;
						file_n = close - k - 1;
						base_name(&file, &file_n);
						break;
					}
		}
		if (!func) {
			if (lg_contains(rest, rest_n, "generated stub/JIT")) {
				func = "STUB";
				func_n = 4;
			} else {
				func = rest;
				func_n = rest_n;
			}
		}
		ln.function_id = (uint64_t)fn_for(p, func, func_n, file, file_n, &by_name);
		ln.line = line_no;
		ln.column = 0;
		loc = &p->locations[li];
		/* loc.Line = []Line{…}: replaces what an earlier line set, in
		 * place, so repeated lines cost nothing. */
		if (loc->n_line == 1) {
			p->lines[loc->line_off] = ln;
		} else {
			p->lines = xgrow(p->lines, &p->cap_lines, p->n_lines + 1, sizeof(*p->lines));
			p->lines[p->n_lines] = ln;
			loc->line_off = (uint32_t)p->n_lines++;
			loc->n_line = 1;
		}
		loc->address = 0;
	}
	lg_remap(g);
	/* Aggregate(…, address=false): the rest lose their addresses too. */
	for (size_t i = 0; i < p->n_locations; i++)
		p->locations[i].address = 0;
out:
	u64map_release(&by_name);
	return ret;
}
