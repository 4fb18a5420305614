/* Escaping of terminal control bytes and invalid UTF-8 (see textsafe.h). */
#include "textsafe.h"

#include <string.h>

/* Length of the valid, printable UTF-8 sequence starting at s (n bytes
 * left), or 0 when s[0] must be escaped. */
static size_t safe_seq(const unsigned char *s, size_t n, unsigned keep)
{
	unsigned char c = s[0];
	size_t len;
	unsigned cp;

	if (c < 0x80) {
		if (c == '\t' && (keep & TEXT_KEEP_TAB))
			return 1;
		if (c == '\n' && (keep & TEXT_KEEP_NL))
			return 1;
		return c < 0x20 || c == 0x7f ? 0 : 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0; /* continuation byte, overlong lead, or past U+10FFFF */
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff)
		return 0; /* overlong, or too large */
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0; /* surrogate */
	if (cp >= 0x80 && cp <= 0x9f)
		return 0; /* C1 control: some terminals obey U+009B as CSI */
	return len;
}

size_t text_safe_prefix(const char *s, size_t n, unsigned keep)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		/* The common case, printable ASCII, needs no decoding. */
		if (u[i] >= 0x20 && u[i] < 0x7f) {
			i++;
			continue;
		}
		size_t k = safe_seq(u + i, n - i, keep);
		if (!k)
			break;
		i += k;
	}
	return i;
}

void text_escape(struct kbuf *out, const char *s, size_t n, unsigned keep)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t ok = text_safe_prefix(s + i, n - i, keep);
		kbuf_add(out, s + i, ok);
		i += ok;
		if (i >= n)
			break;
		/* A C1 control is escaped as both of its bytes; anything else
		 * unsafe is one byte. */
		size_t bad = u[i] == 0xc2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f ? 2 : 1;
		for (size_t k = 0; k < bad; k++) {
			char e[4] = { '\\', 'x', hex[u[i + k] >> 4], hex[u[i + k] & 15] };
			kbuf_add(out, e, 4);
		}
		i += bad;
	}
}

const char *text_safe_str(const char *s, unsigned keep, struct kbuf *scratch)
{
	size_t n = strlen(s);

	if (text_is_safe(s, n, keep))
		return s;
	kbuf_reset(scratch);
	text_escape(scratch, s, n, keep);
	return scratch->buf;
}

int text_fputs(const char *s, unsigned keep, FILE *f)
{
	size_t n = strlen(s);
	struct kbuf b = KBUF_INIT;
	int ret;

	if (text_is_safe(s, n, keep))
		return fputs(s, f);
	text_escape(&b, s, n, keep);
	ret = fwrite(b.buf, 1, b.len, f) == b.len ? 0 : EOF;
	kbuf_release(&b);
	return ret;
}
