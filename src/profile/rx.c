/* RE2-to-POSIX translation and matching (see rx.h). Patterns are short
 * and compiled once per report, so the translation is a simple scan. */
#include "rx.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../base/buf.h"

/* A bracket expression being translated: POSIX has no escapes inside
 * one, so a literal ']' must come first and a literal '-' last. */
struct bracket {
	struct kbuf body;
	bool neg, rbracket, dash;
};

/* Inside [...]: resolve Go's escapes. */
static void bracket_escape(struct bracket *b, char c)
{
	switch (c) {
	case 'd': kbuf_addstr(&b->body, "0-9"); break;
	case 'w': kbuf_addstr(&b->body, "[:alnum:]_"); break;
	case 's': kbuf_addstr(&b->body, "[:space:]"); break;
	case 'n': kbuf_addch(&b->body, '\n'); break;
	case 't': kbuf_addch(&b->body, '\t'); break;
	case ']': b->rbracket = true; break;
	case '-': b->dash = true; break;
	default: kbuf_addch(&b->body, c); break; /* \. \\ \[ … */
	}
}

/* The bracket as POSIX reads it; its buffer is emptied. */
static void bracket_end(struct bracket *b, struct kbuf *out)
{
	kbuf_addch(out, '[');
	if (b->neg)
		kbuf_addch(out, '^');
	if (b->rbracket)
		kbuf_addch(out, ']');
	kbuf_add(out, b->body.buf ? b->body.buf : "", b->body.len);
	if (b->dash)
		kbuf_addch(out, '-');
	kbuf_addch(out, ']');
	b->body.len = 0;
	b->neg = b->rbracket = b->dash = false;
}

/* RE2's (and Go's) limits, which pprof's patterns obey: counted
 * repetition up to 1000, also multiplied through nested groups, and groups
 * nested up to 1000 deep. glibc takes more but expands counted repetition
 * into copies ("(a{1000}){1000}" does not compile in minutes) and recurses
 * per group, so patterns from kiln web's URLs must stay within them. One
 * limit is kiln's own: no unbounded count {n,} (n >= 2) of a group that has
 * counted repetition inside (see translate()). */
#define MAX_REPEAT 1000
#define MAX_DEPTH 1000

/* Reads "{n}", "{n,}", "{n,m}" (or glibc's "{,m}") at p. Returns the
 * length, 0 when p starts no counted repetition; *count is the count that
 * matters for size (m, else n), -1 when a number is too large. */
static size_t counted_repeat(const char *p, long *count, bool *bad_order, bool *unbounded)
{
	const char *q = p + 1;
	long n = 0, m = -1;
	int digits = 0;

	*bad_order = false;
	*unbounded = false;
	for (; *q >= '0' && *q <= '9'; q++, digits++)
		n = n < 100000 ? n * 10 + (*q - '0') : 100000;
	if (*q == ',') {
		int mdigits = 0;

		m = 0;
		for (q++; *q >= '0' && *q <= '9'; q++, mdigits++)
			m = m < 100000 ? m * 10 + (*q - '0') : 100000;
		if (!mdigits)
			m = -1; /* "{n,}": unbounded */
		else if (!digits)
			digits = 1; /* "{,m}" */
	} else {
		m = n;
	}
	if (!digits || *q != '}')
		return 0;
	if (m >= 0 && m < n)
		*bad_order = true;
	*unbounded = m < 0;
	*count = m >= 0 ? m : n;
	return (size_t)(q + 1 - p);
}

/* Translates RE2 syntax `in` to POSIX ERE in `out`. Returns 0, or
 * -EINVAL with the reason in err for what RE2 refuses and glibc would
 * run slowly or too deep: backreferences, stacked repetition operators,
 * repetition counts or nesting beyond RE2's limits. */
static int translate(const char *in, struct kbuf *out, int *cflags, struct kerr *err)
{
	/* Per open group, the largest product of counts inside it. */
	uint16_t inner[MAX_DEPTH + 1];
	const char *p = in;
	bool bracket = false, repeated = false;
	struct bracket br = { KBUF_INIT, false, false, false };
	size_t depth = 0;
	int ret = 0;
	long atom = 1; /* product of counts of the last atom (a group: its inner) */

	inner[0] = 1;
	if (strncmp(p, "(?i)", 4) == 0) {
		*cflags |= REG_ICASE;
		p += 4;
	}
	for (; *p; p++) {
		char c = *p;

		if (bracket) {
			if (c == '\\' && p[1]) {
				bracket_escape(&br, *++p);
				continue;
			}
			if (c == '[' && p[1] == ':') {
				/* A POSIX class such as [:alpha:]: copy whole. */
				const char *end = strstr(p + 2, ":]");
				if (end) {
					kbuf_add(&br.body, p, (size_t)(end + 2 - p));
					p = end + 1;
					continue;
				}
			}
			if (c == ']') {
				bracket_end(&br, out);
				bracket = false;
			} else {
				kbuf_addch(&br.body, c);
			}
			continue;
		}
		if (c == '*' || c == '+' || c == '?' || c == '{') {
			size_t len = 1;
			long count = 0;
			bool bad_order = false, unbounded = false;

			if (c == '{' && !(len = counted_repeat(p, &count, &bad_order, &unbounded))) {
				kbuf_addstr(out, "\\{"); /* not a repetition: literal, as in RE2 */
				atom = 1;
				repeated = false;
				continue;
			}
			if (repeated) {
				ret = kerr_set(err, -EINVAL, "invalid nested repetition operator `%.*s`",
					       (int)len, p);
				goto out;
			}
			if (c == '{') {
				/* glibc compiles "(E{2,5}){n,}" in time exponential in n
				 * (n = 10: seconds; nested once more, n = 5: minutes),
				 * while bounded counts stay fast: kiln is stricter than
				 * RE2 there. */
				if (bad_order || count > MAX_REPEAT || atom * count > MAX_REPEAT ||
				    (unbounded && count >= 2 && atom > 1)) {
					ret = kerr_set(err, -EINVAL, "invalid repeat count `%.*s`",
						       (int)len, p);
					goto out;
				}
				if (count > 0)
					atom *= count;
				if (atom > inner[depth])
					inner[depth] = (uint16_t)atom;
			}
			kbuf_add(out, p, len);
			p += len - 1;
			if (p[1] == '?')
				p++; /* lazy quantifier: same match/no-match answer */
			repeated = true;
			continue;
		}
		repeated = false;
		atom = 1;
		switch (c) {
		case '[':
			bracket = true;
			/* A leading ']' (or '^]') is literal, not the end. */
			if (p[1] == '^') {
				br.neg = true;
				p++;
			}
			if (p[1] == ']') {
				br.rbracket = true;
				p++;
			}
			break;
		case '\\':
			if (!p[1]) {
				kbuf_addch(out, c);
				break;
			}
			c = *++p;
			if (c >= '1' && c <= '9') {
				ret = kerr_set(err, -EINVAL, "invalid escape sequence `\\%c` (RE2 has "
					       "no backreferences)", c);
				goto out;
			}
			if (c == 'd')
				kbuf_addstr(out, "[0-9]");
			else if (c == 'D')
				kbuf_addstr(out, "[^0-9]");
			else if (c == 'A')
				kbuf_addch(out, '^');
			else if (c == 'z')
				kbuf_addch(out, '$');
			else if (c == 'n')
				kbuf_addch(out, '\n');
			else if (c == 't')
				kbuf_addch(out, '\t');
			else {
				kbuf_addch(out, '\\');
				kbuf_addch(out, c);
			}
			break;
		case '(':
			if (depth == MAX_DEPTH) {
				ret = kerr_set(err, -EINVAL, "expression nests too deeply");
				goto out;
			}
			inner[++depth] = 1;
			kbuf_addch(out, c);
			if (p[1] == '?' && p[2] == ':')
				p += 2;
			break;
		case ')':
			kbuf_addch(out, c);
			if (depth) {
				atom = inner[depth--];
				if (atom > inner[depth])
					inner[depth] = (uint16_t)atom;
			}
			break;
		default:
			kbuf_addch(out, c);
		}
	}
	if (bracket)
		ret = kerr_set(err, -EINVAL, "missing closing ]");
out:
	kbuf_release(&br.body);
	return ret;
}

int krx_compile(struct krx *rx, const char *pattern, bool full, struct kerr *err)
{
	struct kbuf re = KBUF_INIT, body = KBUF_INIT;
	int cflags = REG_EXTENDED | REG_NOSUB, r;

	rx->set = false;
	if (translate(pattern, &body, &cflags, err) < 0) {
		kbuf_release(&body);
		return kerr_prefix(err, "invalid regular expression '%s'", pattern);
	}
	if (full)
		kbuf_addf(&re, "^(%s)$", body.buf);
	else
		kbuf_addstr(&re, body.buf);
	r = regcomp(&rx->re, re.buf, cflags);
	if (r) {
		char msg[256];
		regerror(r, &rx->re, msg, sizeof(msg));
		kbuf_release(&re);
		kbuf_release(&body);
		return kerr_set(err, -EINVAL, "invalid regular expression '%s': %s", pattern, msg);
	}
	rx->set = true;
	kbuf_release(&re);
	kbuf_release(&body);
	return 0;
}

bool krx_match(const struct krx *rx, const char *s)
{
	return rx->set && regexec(&rx->re, s, 0, NULL, 0) == 0;
}

void krx_free(struct krx *rx)
{
	if (rx && rx->set) {
		regfree(&rx->re);
		rx->set = false;
	}
}
