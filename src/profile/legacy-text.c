/* pprof's legacy text profiles: heap (heapz_v2, heap_v2, heap,
 * heapprofile), growthz and fragmentationz; Go count profiles; threadz;
 * contention and mutex. Each is lines of numbers and "@ 0x… 0x…" stacks
 * (leaf first) and may end with a memory map. The format's regular
 * expressions are matched by hand, with the leftmost-first answers Go's
 * would give. */
#include "legacy-int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"

static bool dig(char c)
{
	return c >= '0' && c <= '9';
}

/* A run of digits at s[*i]; false when there is none. */
static bool digits(const char *s, size_t n, size_t *i, size_t *start, size_t *len)
{
	size_t j = *i;
	while (j < n && dig(s[j]))
		j++;
	if (j == *i)
		return false;
	*start = *i;
	*len = j - *i;
	*i = j;
	return true;
}

static void spaces(const char *s, size_t n, size_t *i)
{
	while (*i < n && s[*i] == ' ')
		(*i)++;
}

static bool lit(const char *s, size_t n, size_t *i, const char *l)
{
	size_t k = strlen(l);
	if (n - *i < k || memcmp(s + *i, l, k) != 0)
		return false;
	*i += k;
	return true;
}

struct span {
	size_t off, len;
};

/* ` *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\]` from i (the header's counts). */
static bool counts4(const char *s, size_t n, size_t i, struct span g[4], size_t *end)
{
	spaces(s, n, &i);
	if (!digits(s, n, &i, &g[0].off, &g[0].len) || !lit(s, n, &i, ":"))
		return false;
	spaces(s, n, &i);
	if (!digits(s, n, &i, &g[1].off, &g[1].len))
		return false;
	spaces(s, n, &i);
	if (!lit(s, n, &i, "["))
		return false;
	spaces(s, n, &i);
	if (!digits(s, n, &i, &g[2].off, &g[2].len) || !lit(s, n, &i, ":"))
		return false;
	spaces(s, n, &i);
	if (!digits(s, n, &i, &g[3].off, &g[3].len))
		return false;
	spaces(s, n, &i);
	if (!lit(s, n, &i, "]"))
		return false;
	*end = i;
	return true;
}

enum heap_header { HH_NONE, HH_HEAP, HH_GROWTH, HH_FRAGMENTATION };

/* heapHeaderRE, then growthHeaderRE, then fragmentationHeaderRE, each
 * unanchored. For HH_HEAP, g[4] is the sampling name and g[5] the rate. */
static enum heap_header heap_header(const char *s, size_t n, struct span g[6])
{
	static const char hp[] = "heap profile:";
	static const char *const other[] = { " @ growth", " @ fragmentation" };

	for (size_t at = 0; at + sizeof(hp) - 1 <= n; at++) {
		size_t i = at + sizeof(hp) - 1, e;
		if (memcmp(s + at, hp, sizeof(hp) - 1) != 0 || !counts4(s, n, i, g, &e))
			continue;
		i = e;
		spaces(s, n, &i);
		if (!lit(s, n, &i, "@"))
			continue;
		spaces(s, n, &i);
		if (!lg_has_prefix(s + i, n - i, "heap"))
			continue;
		g[4].off = i;
		for (i += 4; i < n && (s[i] == '_' || dig(s[i]) || (s[i] >= 'a' && s[i] <= 'z')); i++)
			;
		g[4].len = i - g[4].off;
		if (i < n && s[i] == '/')
			i++;
		g[5].off = i;
		while (i < n && dig(s[i]))
			i++;
		g[5].len = i - g[5].off;
		return HH_HEAP;
	}
	for (int k = 0; k < 2; k++)
		for (size_t at = 0; at + sizeof(hp) - 1 <= n; at++) {
			size_t i = at + sizeof(hp) - 1, e;
			if (memcmp(s + at, hp, sizeof(hp) - 1) != 0 || !counts4(s, n, i, g, &e))
				continue;
			if (lg_has_prefix(s + e, n - e, other[k]))
				return k == 0 ? HH_GROWTH : HH_FRAGMENTATION;
		}
	return HH_NONE;
}

static bool span_eq(const char *s, struct span a, struct span b)
{
	return a.len == b.len && memcmp(s + a.off, s + b.off, a.len) == 0;
}

static bool span_is(const char *s, struct span a, const char *t)
{
	return a.len == strlen(t) && memcmp(s + a.off, t, a.len) == 0;
}

/* heapSampleRE: `(-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *] @([ x0-9a-f]*)`,
 * leftmost. g[4] is the address text. */
static bool heap_sample(const char *s, size_t n, struct span g[5])
{
	size_t at = 0;

	while (at < n) {
		size_t i = at, run;
		if (!(dig(s[i]) || (s[i] == '-' && i + 1 < n && dig(s[i + 1])))) {
			at++;
			continue;
		}
		g[0].off = i;
		if (s[i] == '-')
			i++;
		while (i < n && dig(s[i]))
			i++;
		run = i;
		g[0].len = i - g[0].off;
		if (!lit(s, n, &i, ":"))
			goto next;
		spaces(s, n, &i);
		g[1].off = i;
		if (i < n && s[i] == '-')
			i++;
		{
			size_t o, l;
			if (!digits(s, n, &i, &o, &l))
				goto next;
		}
		g[1].len = i - g[1].off;
		spaces(s, n, &i);
		if (!lit(s, n, &i, "["))
			goto next;
		spaces(s, n, &i);
		if (!digits(s, n, &i, &g[2].off, &g[2].len) || !lit(s, n, &i, ":"))
			goto next;
		spaces(s, n, &i);
		if (!digits(s, n, &i, &g[3].off, &g[3].len))
			goto next;
		spaces(s, n, &i);
		if (!lit(s, n, &i, "] @"))
			goto next;
		g[4].off = i;
		while (i < n && (s[i] == ' ' || s[i] == 'x' || dig(s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
			i++;
		g[4].len = i - g[4].off;
		return true;
next:
		/* A start inside the same number fails the same way. */
		at = run > at ? run : at + 1;
	}
	return false;
}

/* Locations for the addresses of a stack, each adjusted by `adjust_from`
 * onwards (index 0 = all, 1 = all but the leaf). */
static int add_stack(struct lg *g, const char *s, size_t n, size_t adjust_from,
		     const int64_t *vals, size_t n_val, bool has_bytes, int64_t bytes,
		     const char *line, size_t line_n, struct kerr *err)
{
	uint64_t *a = NULL;
	size_t na = 0, cap = 0;
	int ret;

	if (lg_hex_addresses(s, n, &a, &na, &cap) < 0) {
		free(a);
		return kerr_set(err, -EBADMSG, "malformed sample: %.*s: an address does not fit 64 bits",
				(int)(line_n > 200 ? 200 : line_n), line);
	}
	for (size_t i = 0; i < na; i++)
		a[i] = lg_loc(g, i >= adjust_from ? a[i] - 1 : a[i]);
	ret = lg_sample(g, a, na, vals, n_val, has_bytes, bytes, err);
	free(a);
	return ret;
}

#define LINE_ARGS(t, tn) (int)((tn) > 200 ? 200 : (tn)), (t)

int lg_parse_heap(struct lg *g, const char *d, size_t n, struct kerr *err)
{
	struct profile *p = g->p;
	struct lscan s;
	struct span h[6];
	enum heap_header kind;
	bool v2 = false, has_alloc = false;
	int ret;

	lscan_init(&s, d, n);
	if (!lscan_next(&s))
		return s.too_long ? lscan_error(&s, err) : LG_UNRECOGNIZED;
	kind = heap_header(s.tok, s.tok_n, h);
	if (kind == HH_NONE)
		return LG_UNRECOGNIZED;
	p->period_type.type = profile_str(p, "space");
	p->period_type.unit = profile_str(p, "bytes");
	if (kind == HH_HEAP) {
		const char *t = s.tok;
		int64_t period = 0;
		if (h[5].len && !lg_parse_int(t + h[5].off, h[5].len, 10, &period))
			return LG_UNRECOGNIZED;
		if ((!span_eq(t, h[2], h[0]) && !span_is(t, h[2], "0")) ||
		    (!span_eq(t, h[3], h[1]) && !span_is(t, h[3], "0")))
			has_alloc = true;
		if (span_is(t, h[4], "heapz_v2") || span_is(t, h[4], "heap_v2")) {
			v2 = true;
		} else if (span_is(t, h[4], "heapprofile")) {
			period = 1;
		} else if (span_is(t, h[4], "heap")) {
			v2 = true;
			period /= 2;
		} else {
			return LG_UNRECOGNIZED;
		}
		p->period = period;
	} else {
		p->period = 1;
	}
	if (has_alloc) {
		profile_add_sample_type(p, "alloc_objects", "count");
		profile_add_sample_type(p, "alloc_space", "bytes");
		profile_add_sample_type(p, "inuse_objects", "count");
		profile_add_sample_type(p, "inuse_space", "bytes");
	} else {
		profile_add_sample_type(p, "objects", "count");
		profile_add_sample_type(p, "space", "bytes");
	}
	while (lscan_next(&s)) {
		const char *t = s.tok;
		size_t tn = s.tok_n;
		struct span f[5];
		int64_t vals[4], blocksize = 0;
		size_t nv = 0;

		lg_trim(&t, &tn);
		if (lg_space_or_comment(t, tn))
			continue;
		if (lg_memory_map_sentinel(t, tn))
			break;
		if (!heap_sample(t, tn, f))
			return kerr_set(err, -EBADMSG, "malformed heap sample on line %u: %.*s",
					s.line_no, LINE_ARGS(t, tn));
		for (int pass = has_alloc ? 0 : 1; pass < 2; pass++) {
			struct span c = pass == 0 ? f[2] : f[0], z = pass == 0 ? f[3] : f[1];
			const char *label = pass == 0 ? "allocation" : "inuse";
			int64_t count, size;
			if (!lg_parse_int(t + c.off, c.len, 10, &count) ||
			    !lg_parse_int(t + z.off, z.len, 10, &size))
				return kerr_set(err, -EBADMSG, "malformed sample: %.*s: value out of range",
						LINE_ARGS(t, tn));
			if (count == 0 && size != 0)
				return kerr_set(err, -EBADMSG, "%s count was 0 but %s bytes was %lld",
						label, label, (long long)size);
			if (count != 0) {
				/* Go's division: INT64_MIN / -1 wraps. */
				blocksize = count == -1 ? lg_mul(size, -1) : size / count;
				if (v2)
					lg_scale_heap(&count, &size, p->period);
			}
			vals[nv++] = count;
			vals[nv++] = size;
		}
		if ((ret = add_stack(g, t + f[4].off, f[4].len, 0, vals, nv, true, blocksize,
				     t, tn, err)) < 0)
			return ret;
	}
	if ((ret = lscan_error(&s, err)) < 0)
		return ret;
	return lg_parse_maps(g, &s, true, err);
}

/* `\A(\d+) @(( 0x[0-9a-f]+)+)\z` */
static bool count_line(const char *s, size_t n, struct span *num, struct span *stk)
{
	size_t i = 0;

	if (!digits(s, n, &i, &num->off, &num->len) || !lit(s, n, &i, " @"))
		return false;
	stk->off = i;
	if (i == n)
		return false;
	while (i < n) {
		size_t h;
		if (!lit(s, n, &i, " 0x"))
			return false;
		for (h = i; i < n && (dig(s[i]) || (s[i] >= 'a' && s[i] <= 'f')); i++)
			;
		if (i == h)
			return false;
	}
	stk->len = n - stk->off;
	return true;
}

int lg_parse_count(struct lg *g, const char *d, size_t n, struct kerr *err)
{
	struct profile *p = g->p;
	struct lscan s;
	size_t i, k;
	int ret;

	lscan_init(&s, d, n);
	while (lscan_next(&s) && lg_space_or_comment(s.tok, s.tok_n))
		;
	if ((ret = lscan_error(&s, err)) < 0)
		return ret;
	/* `\A(\S+) profile: total \d+\z` */
	for (i = 0; i < s.tok_n && !lg_space((unsigned char)s.tok[i]); i++)
		;
	k = strlen(" profile: total ");
	if (i == 0 || s.tok_n - i <= k || memcmp(s.tok + i, " profile: total ", k) != 0)
		return LG_UNRECOGNIZED;
	for (size_t j = i + k; j < s.tok_n; j++)
		if (!dig(s.tok[j]))
			return LG_UNRECOGNIZED;
	{
		char *type = xstrndup(s.tok, i);
		p->period_type.type = profile_str(p, type);
		p->period_type.unit = profile_str(p, "count");
		p->period = 1;
		profile_add_sample_type(p, type, "count");
		free(type);
	}
	while (lscan_next(&s)) {
		struct span num, stk;
		int64_t v;

		if (lg_space_or_comment(s.tok, s.tok_n))
			continue;
		if (lg_has_prefix(s.tok, s.tok_n, "---"))
			break;
		if (!count_line(s.tok, s.tok_n, &num, &stk) ||
		    !lg_parse_int(s.tok + num.off, num.len, 0, &v))
			return kerr_set(err, -EBADMSG, "malformed profile format: line %u: %.*s",
					s.line_no, LINE_ARGS(s.tok, s.tok_n));
		if ((ret = add_stack(g, s.tok + stk.off, stk.len, 0, &v, 1, false, 0,
				     s.tok, s.tok_n, err)) < 0)
			return ret;
	}
	if ((ret = lscan_error(&s, err)) < 0)
		return ret;
	return lg_parse_maps(g, &s, true, err);
}

/* threadStartRE: `--- Thread ([[:xdigit:]]+) \(name: (.*)/(\d+)\) stack: ---`.
 * (.*) may hold anything, so the last "/DIGITS) stack: ---" serves every
 * start before it: find it once, then the starts (linear in the line). */
static bool thread_start(const char *s, size_t n)
{
	static const char a[] = "--- Thread ", b[] = " (name: ", c[] = ") stack: ---";
	size_t slash = SIZE_MAX;

	for (size_t e = n >= sizeof(c) - 1 ? n - (sizeof(c) - 1) + 1 : 0; e-- > 0;) {
		size_t q = e;
		if (memcmp(s + e, c, sizeof(c) - 1) != 0)
			continue;
		while (q > 0 && dig(s[q - 1]))
			q--;
		if (q < e && q > 0 && s[q - 1] == '/') {
			slash = q - 1;
			break;
		}
	}
	if (slash == SIZE_MAX)
		return false;
	for (size_t at = 0; at + sizeof(a) - 1 <= slash; at++) {
		size_t i = at + sizeof(a) - 1, h = i;
		if (memcmp(s + at, a, sizeof(a) - 1) != 0)
			continue;
		while (i < n && ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
				 (s[i] >= 'A' && s[i] <= 'F')))
			i++;
		if (i > h && lit(s, n, &i, b) && i <= slash)
			return true;
	}
	return false;
}

static bool threadz_start(const char *s, size_t n)
{
	static const char a[] = "--- threadz ";

	for (size_t at = 0; at + sizeof(a) - 1 <= n; at++) {
		size_t i = at + sizeof(a) - 1, o, l;
		if (memcmp(s + at, a, sizeof(a) - 1) == 0 && digits(s, n, &i, &o, &l) &&
		    lit(s, n, &i, " ---"))
			return true;
	}
	return false;
}

int lg_parse_thread(struct lg *g, const char *d, size_t n, struct kerr *err)
{
	struct profile *p = g->p;
	struct lscan s;
	const char *line;
	size_t line_n;
	uint64_t *a = NULL;
	size_t cap = 0;
	int ret = 0;

	lscan_init(&s, d, n);
	while (lscan_next(&s) && lg_space_or_comment(s.tok, s.tok_n))
		;
	line = s.tok;
	line_n = s.tok_n;
	if (threadz_start(line, line_n)) {
		while (lscan_next(&s)) {
			line = s.tok;
			line_n = s.tok_n;
			if (lg_memory_map_sentinel(line, line_n) || lg_has_prefix(line, line_n, "-"))
				break;
		}
	} else if (!thread_start(line, line_n)) {
		return s.too_long ? lscan_error(&s, err) : LG_UNRECOGNIZED;
	}
	profile_add_sample_type(p, "thread", "count");
	p->period_type.type = profile_str(p, "thread");
	p->period_type.unit = profile_str(p, "count");
	p->period = 1;

	while (!lg_memory_map_sentinel(line, line_n)) {
		size_t na = 0;
		bool same = false;
		int64_t one = 1;

		if (lg_has_prefix(line, line_n, "---- no stack trace for"))
			break;
		if (!thread_start(line, line_n)) {
			ret = s.too_long ? lscan_error(&s, err) : LG_UNRECOGNIZED;
			goto out;
		}
		/* parseThreadSample: what it returns as the next line starts
		 * empty, so a stack cut off by the end of the data ends the
		 * loop rather than repeating it. */
		line = "";
		line_n = 0;
		while (lscan_next(&s)) {
			line = s.tok;
			line_n = s.tok_n;
			lg_trim(&line, &line_n);
			if (line_n == 0)
				continue;
			if (lg_has_prefix(line, line_n, "---"))
				break;
			if (lg_contains(line, line_n, "same as previous thread")) {
				same = true;
				continue;
			}
			if (lg_hex_addresses(line, line_n, &a, &na, &cap) < 0) {
				ret = kerr_set(err, -EBADMSG, "malformed sample: %.*s: an address does not fit 64 bits",
					       LINE_ARGS(line, line_n));
				goto out;
			}
		}
		if ((ret = lscan_error(&s, err)) < 0)
			goto out;
		if (same || na == 0) {
			if (p->n_samples)
				p->sample_values[p->samples[p->n_samples - 1].val_off]++;
			continue;
		}
		for (size_t i = 0; i < na; i++)
			a[i] = lg_loc(g, i > 0 ? a[i] - 1 : a[i]);
		if ((ret = lg_sample(g, a, na, &one, 1, false, 0, err)) < 0)
			goto out;
	}
	if ((ret = lg_parse_maps(g, &s, true, err)) < 0)
		goto out;
	lg_cleanup_duplicate_leaf(g);
out:
	free(a);
	return ret;
}

/* contentionSampleRE: `(\d+) *(\d+) @([ x0-9a-f]*)`, leftmost-first. */
static bool contention_sample(const char *s, size_t n, struct span g[3])
{
	size_t at = 0;

	while (at < n) {
		size_t e1, i, j;
		if (!dig(s[at])) {
			at++;
			continue;
		}
		for (e1 = at; e1 < n && dig(s[e1]); e1++)
			;
		/* Greedy first number, spaces, a second number. */
		i = e1;
		spaces(s, n, &i);
		if (i < n && dig(s[i])) {
			for (j = i; j < n && dig(s[j]); j++)
				;
			if (lg_has_prefix(s + j, n - j, " @")) {
				g[0] = (struct span){ at, e1 - at };
				g[1] = (struct span){ i, j - i };
				j += 2;
				goto addrs;
			}
		}
		/* Backtracking: the second number is the end of the first run. */
		if (e1 - at >= 2 && lg_has_prefix(s + e1, n - e1, " @")) {
			g[0] = (struct span){ at, e1 - at - 1 };
			g[1] = (struct span){ e1 - 1, 1 };
			j = e1 + 2;
			goto addrs;
		}
		at = e1;
		continue;
addrs:
		g[2].off = j;
		while (j < n && (s[j] == ' ' || s[j] == 'x' || dig(s[j]) || (s[j] >= 'a' && s[j] <= 'f')))
			j++;
		g[2].len = j - g[2].off;
		return true;
	}
	return false;
}

int lg_parse_contention(struct lg *g, const char *d, size_t n, struct kerr *err)
{
	struct profile *p = g->p;
	struct lscan s;
	int64_t cpu_hz = 0;
	const char *line;
	size_t line_n;
	int ret;

	lscan_init(&s, d, n);
	if (!lscan_next(&s))
		return s.too_long ? lscan_error(&s, err) : LG_UNRECOGNIZED;
	if (!lg_has_prefix(s.tok, s.tok_n, "--- contentionz ") &&
	    !lg_has_prefix(s.tok, s.tok_n, "--- mutex:") &&
	    !lg_has_prefix(s.tok, s.tok_n, "--- contention:"))
		return LG_UNRECOGNIZED;
	p->period_type.type = profile_str(p, "contentions");
	p->period_type.unit = profile_str(p, "count");
	p->period = 1;
	profile_add_sample_type(p, "contentions", "count");
	profile_add_sample_type(p, "delay", "nanoseconds");

	while (lscan_next(&s)) {
		const char *eq, *k, *v;
		size_t kn, vn;

		line = s.tok;
		line_n = s.tok_n;
		lg_trim(&line, &line_n);
		if (lg_space_or_comment(line, line_n))
			continue;
		if (lg_has_prefix(line, line_n, "---"))
			break;
		eq = memchr(line, '=', line_n);
		if (!eq)
			break;
		k = line;
		kn = (size_t)(eq - line);
		v = eq + 1;
		vn = line_n - kn - 1;
		lg_trim(&k, &kn);
		lg_trim(&v, &vn);
#define KEY(x) (kn == strlen(x) && memcmp(k, x, kn) == 0)
		if (KEY("cycles/second")) {
			if (!lg_parse_int(v, vn, 0, &cpu_hz))
				return LG_UNRECOGNIZED;
		} else if (KEY("sampling period")) {
			if (!lg_parse_int(v, vn, 0, &p->period))
				return LG_UNRECOGNIZED;
		} else if (KEY("ms since reset")) {
			int64_t ms;
			if (!lg_parse_int(v, vn, 0, &ms))
				return LG_UNRECOGNIZED;
			p->duration_nanos = lg_mul(lg_mul(ms, 1000), 1000);
		} else if (!KEY("discarded samples")) {
			return LG_UNRECOGNIZED; /* format, resolution (Java) or unknown */
		}
#undef KEY
	}
	if ((ret = lscan_error(&s, err)) < 0)
		return ret;
	for (;;) {
		struct span f[3];
		line = s.tok;
		line_n = s.tok_n;
		lg_trim(&line, &line_n);
		if (lg_has_prefix(line, line_n, "---"))
			break;
		if (!lg_space_or_comment(line, line_n)) {
			int64_t v1, v2, vals[2];
			if (!contention_sample(line, line_n, f))
				return LG_UNRECOGNIZED;
			if (!lg_parse_int(line + f[0].off, f[0].len, 10, &v1) ||
			    !lg_parse_int(line + f[1].off, f[1].len, 10, &v2))
				return kerr_set(err, -EBADMSG, "malformed sample: %.*s: value out of range",
						LINE_ARGS(line, line_n));
			if (p->period > 0) {
				if (cpu_hz > 0) {
					double ghz = (double)cpu_hz / 1e9;
					v1 = lg_f2i((double)v1 * (double)p->period / ghz);
				}
				v2 = lg_mul(v2, p->period);
			}
			vals[0] = v2;
			vals[1] = v1;
			if ((ret = add_stack(g, line + f[2].off, f[2].len, 0, vals, 2, false, 0,
					     line, line_n, err)) < 0)
				return ret;
		}
		if (!lscan_next(&s))
			break;
	}
	if ((ret = lscan_error(&s, err)) < 0)
		return ret;
	return lg_parse_maps(g, &s, true, err);
}
