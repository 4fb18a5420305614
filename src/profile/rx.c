/* RE2-to-POSIX translation and matching (see rx.h). Patterns are short
 * and compiled once per report, so the translation is a simple scan. */
#include "rx.h"

#include <errno.h>
#include <string.h>

#include "../base/buf.h"

/* Inside [...]: POSIX has no escapes, so resolve Go's. */
static void bracket_escape(struct kbuf *out, char c)
{
	switch (c) {
	case 'd': kbuf_addstr(out, "0-9"); break;
	case 'w': kbuf_addstr(out, "[:alnum:]_"); break;
	case 's': kbuf_addstr(out, "[:space:]"); break;
	case 'n': kbuf_addch(out, '\n'); break;
	case 't': kbuf_addch(out, '\t'); break;
	default: kbuf_addch(out, c); break; /* \. \- \\ \] … */
	}
}

static void translate(const char *in, struct kbuf *out, int *cflags)
{
	const char *p = in;
	bool bracket = false;

	if (strncmp(p, "(?i)", 4) == 0) {
		*cflags |= REG_ICASE;
		p += 4;
	}
	for (; *p; p++) {
		char c = *p;

		if (bracket) {
			if (c == '\\' && p[1]) {
				bracket_escape(out, *++p);
				continue;
			}
			if (c == '[' && p[1] == ':') {
				/* A POSIX class such as [:alpha:]: copy whole. */
				const char *end = strstr(p + 2, ":]");
				if (end) {
					kbuf_add(out, p, (size_t)(end + 2 - p));
					p = end + 1;
					continue;
				}
			}
			kbuf_addch(out, c);
			if (c == ']')
				bracket = false;
			continue;
		}
		switch (c) {
		case '[':
			kbuf_addch(out, c);
			bracket = true;
			/* A leading ']' (or '^]') is literal, not the end. */
			if (p[1] == '^') {
				kbuf_addch(out, *++p);
			}
			if (p[1] == ']')
				kbuf_addch(out, *++p);
			break;
		case '\\':
			if (!p[1]) {
				kbuf_addch(out, c);
				break;
			}
			c = *++p;
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
			kbuf_addch(out, c);
			if (p[1] == '?' && p[2] == ':')
				p += 2;
			break;
		case '*': case '+': case '?': case '}':
			kbuf_addch(out, c);
			if (p[1] == '?')
				p++; /* lazy quantifier: same match/no-match answer */
			break;
		default:
			kbuf_addch(out, c);
		}
	}
}

int krx_compile(struct krx *rx, const char *pattern, bool full, struct kerr *err)
{
	struct kbuf re = KBUF_INIT, body = KBUF_INIT;
	int cflags = REG_EXTENDED | REG_NOSUB, r;

	rx->set = false;
	translate(pattern, &body, &cflags);
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
