/* Escapers for XML, JSON and DOT output (see escape.h). Strings are walked
 * once, byte by byte, with a UTF-8 validity check on non-ASCII bytes. */
#include "escape.h"

#include <string.h>

size_t utf8_seq_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	{
		unsigned cp = c & (0x7f >> n);
		for (size_t i = 1; i < n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return n;
}

static void xml_one(struct kbuf *b, const unsigned char **sp)
{
	const unsigned char *s = *sp;
	size_t n;

	switch (*s) {
	case '&': kbuf_addstr(b, "&amp;"); break;
	case '<': kbuf_addstr(b, "&lt;"); break;
	case '>': kbuf_addstr(b, "&gt;"); break;
	case '"': kbuf_addstr(b, "&quot;"); break;
	case '\'': kbuf_addstr(b, "&#39;"); break;
	default:
		if (*s < 0x20 || *s == 0x7f) {
			kbuf_addch(b, ' ');
			break;
		}
		n = utf8_seq_len(s);
		if (n == 0) {
			kbuf_addstr(b, "\xef\xbf\xbd");
			break;
		}
		kbuf_add(b, s, n);
		*sp = s + n;
		return;
	}
	*sp = s + 1;
}

void esc_xml(struct kbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s)
		xml_one(b, &s);
}

void esc_xml_trunc(struct kbuf *b, const char *str, size_t max)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = 0;

	while (*s && n < max) {
		xml_one(b, &s);
		n++;
	}
	if (*s)
		kbuf_addstr(b, "..");
}

void esc_json(struct kbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t n;

		switch (*s) {
		case '"': kbuf_addstr(b, "\\\""); s++; continue;
		case '\\': kbuf_addstr(b, "\\\\"); s++; continue;
		case '\n': kbuf_addstr(b, "\\n"); s++; continue;
		case '\t': kbuf_addstr(b, "\\t"); s++; continue;
		case '<': kbuf_addstr(b, "\\u003c"); s++; continue;
		case '>': kbuf_addstr(b, "\\u003e"); s++; continue;
		case '&': kbuf_addstr(b, "\\u0026"); s++; continue;
		default:
			break;
		}
		if (*s < 0x20 || *s == 0x7f) {
			kbuf_addf(b, "\\u%04x", *s);
			s++;
			continue;
		}
		n = utf8_seq_len(s);
		if (n == 0) {
			kbuf_addstr(b, "\\ufffd");
			s++;
			continue;
		}
		kbuf_add(b, s, n);
		s += n;
	}
}

void esc_json_str(struct kbuf *b, const char *s)
{
	kbuf_addch(b, '"');
	esc_json(b, s);
	kbuf_addch(b, '"');
}

void esc_dot(struct kbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t n;

		if (*s == '\\' || *s == '"') {
			kbuf_addch(b, '\\');
			kbuf_addch(b, (char)*s++);
			continue;
		}
		if (*s == '\n') {
			kbuf_addstr(b, "\\l");
			s++;
			continue;
		}
		if (*s < 0x20 || *s == 0x7f) {
			kbuf_addch(b, ' ');
			s++;
			continue;
		}
		n = utf8_seq_len(s);
		if (n == 0) {
			kbuf_addstr(b, "\xef\xbf\xbd");
			s++;
			continue;
		}
		kbuf_add(b, s, n);
		s += n;
	}
}
