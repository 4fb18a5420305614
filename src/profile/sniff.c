/* Content detection (see sniff.h). Each test reads at most the prefix it is
 * given and only asks "does it look like X"; the parsers decide for good
 * (the legacy ones in pprof's own order, so a file sniffed as contention
 * that turns out to be Java is still read). */
#include "sniff.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "pbwire.h"

static bool has_prefix(const unsigned char *d, size_t n, const char *s)
{
	size_t k = strlen(s);
	return n >= k && memcmp(d, s, k) == 0;
}

static uint64_t word(const unsigned char *b, unsigned size, bool big)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)b[big ? size - 1 - i : i] << (8 * i);
	return v;
}

/* pprof's parseCPU header: 0, 3, 0 (C++) or 1 (Java), period > 0, 0, in
 * 32- or 64-bit words of either endianness. */
static bool is_legacy_cpu(const unsigned char *d, size_t n)
{
	for (unsigned size = 4; size <= 8; size += 4)
		for (int big = 0; big < 2; big++) {
			uint64_t w[5];
			if (n < 5 * size)
				continue;
			for (unsigned i = 0; i < 5; i++)
				w[i] = word(d + i * size, size, big);
			if (w[0] == 0 && w[1] == 3 && w[2] <= 1 && w[3] > 0 && w[4] == 0)
				return true;
		}
	return false;
}

/* Text: no NUL or control bytes but whitespace, and valid UTF-8 (a
 * sequence cut by the end of the prefix is fine). */
static bool is_text(const unsigned char *d, size_t n)
{
	bool visible = false;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = d[i];
		unsigned more;
		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v')
				return false;
			if (c == 0x7f)
				return false;
			if (c > ' ')
				visible = true;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			more = 1;
		else if (c >= 0xe0 && c <= 0xef)
			more = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			more = 3;
		else
			return false;
		for (unsigned k = 1; k <= more; k++) {
			if (i + k >= n)
				return visible;
			if ((d[i + k] & 0xc0) != 0x80)
				return false;
		}
		i += more;
		visible = true;
	}
	return visible;
}

/* The first top-level field could start a profile.proto: a well-formed
 * tag of one of its fields (1-15) with a protobuf wire type, or of a later
 * field with a wire type a skipper reads. A wrong wire type for a known
 * field still counts, so a corrupt protobuf gets its byte offset from the
 * decoder rather than "not a profile". */
static bool looks_like_proto(const unsigned char *d, size_t n)
{
	uint64_t tag = 0, num;
	unsigned wt, i;

	for (i = 0; i < 10 && i < n; i++) {
		tag |= (uint64_t)(d[i] & 0x7f) << (7 * i);
		if (!(d[i] & 0x80))
			break;
	}
	if (i == 10 || i == n)
		return false;
	num = tag >> 3;
	wt = (unsigned)(tag & 7);
	if (num == 0)
		return false;
	if (num <= 15)
		return wt <= 5;
	return wt == PB_VARINT || wt == PB_LEN || wt == PB_FIXED32 || wt == PB_FIXED64;
}

struct line {
	const unsigned char *s;
	size_t n;
	bool complete; /* ended by '\n' within the prefix */
};

static bool next_line(const unsigned char *d, size_t n, size_t *pos, struct line *l)
{
	const unsigned char *nl;

	if (*pos >= n)
		return false;
	l->s = d + *pos;
	nl = memchr(l->s, '\n', n - *pos);
	l->complete = nl != NULL;
	l->n = nl ? (size_t)(nl - l->s) : n - *pos;
	*pos += l->n + (nl ? 1 : 0);
	if (l->n && l->s[l->n - 1] == '\r')
		l->n--;
	return true;
}

static bool sp(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static bool digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool blank_or_comment(const struct line *l)
{
	size_t i = 0;
	while (i < l->n && sp(l->s[i]))
		i++;
	return i == l->n || l->s[i] == '#';
}

static bool contains(const struct line *l, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; i + k <= l->n; i++)
		if (memcmp(l->s + i, s, k) == 0)
			return true;
	return false;
}

static bool starts(const struct line *l, const char *s)
{
	return has_prefix(l->s, l->n, s);
}

/* `\A\S+ profile: total \d+\z` */
static bool is_count_header(const struct line *l)
{
	size_t i = 0, k;
	while (i < l->n && !sp(l->s[i]))
		i++;
	if (i == 0)
		return false;
	k = strlen(" profile: total ");
	if (l->n - i < k + 1 || memcmp(l->s + i, " profile: total ", k) != 0)
		return false;
	for (i += k; i < l->n; i++)
		if (!digit(l->s[i]))
			return false;
	return true;
}

/* A frame line of `perf script`: whitespace, a hex address, a space. */
static bool is_perf_frame(const struct line *l)
{
	size_t i = 0, h;
	while (i < l->n && (l->s[i] == ' ' || l->s[i] == '\t'))
		i++;
	if (i == 0)
		return false;
	for (h = i; h < l->n && ((l->s[h] >= '0' && l->s[h] <= '9') ||
				 (l->s[h] >= 'a' && l->s[h] <= 'f')); h++)
		;
	return h > i && h < l->n && l->s[h] == ' ';
}

/* A `perf script` sample header holds the time as " SECONDS.MICROS:". */
static bool is_perf_header(const struct line *l)
{
	size_t b = 0;

	/* Without call graphs perf indents the comm. */
	while (b < l->n && (l->s[b] == ' ' || l->s[b] == '\t'))
		b++;
	if (b == l->n)
		return false;
	for (size_t i = b + 1; i < l->n; i++) {
		size_t j = i, dot;
		if (!sp(l->s[i - 1]) || !digit(l->s[i]))
			continue;
		while (j < l->n && digit(l->s[j]))
			j++;
		if (j >= l->n || l->s[j] != '.')
			continue;
		dot = ++j;
		while (j < l->n && digit(l->s[j]))
			j++;
		if (j > dot && j < l->n && l->s[j] == ':')
			return true;
	}
	return false;
}

/* `stack count`: the count after the last space, digits only. */
static bool is_folded_line(const struct line *l)
{
	size_t i = l->n;
	if (l->n == 0 || sp(l->s[0]))
		return false;
	while (i > 0 && digit(l->s[i - 1]))
		i--;
	return i < l->n && i > 1 && l->s[i - 1] == ' ';
}

/* `first_only`: look at the line at byte 0 alone, not past blank and
 * comment lines (for data that is not all text, where a protobuf's
 * string table could hold any line after its first 0x0a byte). */
static enum profile_kind sniff_text(const unsigned char *d, size_t n, bool first_only)
{
	struct line first, l, l2;
	size_t pos = 0, p2;

	if (!next_line(d, n, &pos, &first))
		return PROFILE_KIND_TEXT;
	if (contains(&first, "heap profile:"))
		return PROFILE_KIND_LEGACY_HEAP;
	if (starts(&first, "--- contentionz ") || starts(&first, "--- mutex:") ||
	    starts(&first, "--- contention:"))
		return PROFILE_KIND_LEGACY_CONTENTION;
	if (contains(&first, "--- heapz 1 ---"))
		return PROFILE_KIND_LEGACY_JAVA;
	/* The first line that is not blank or a comment. */
	pos = 0;
	while (next_line(d, n, &pos, &l) && blank_or_comment(&l) && !first_only)
		;
	if (l.n && !blank_or_comment(&l)) {
		if (is_count_header(&l))
			return PROFILE_KIND_LEGACY_COUNT;
		if (contains(&l, "--- threadz ") || contains(&l, "--- Thread "))
			return PROFILE_KIND_LEGACY_THREAD;
		p2 = pos;
		if (is_perf_header(&l) && next_line(d, n, &p2, &l2) &&
		    (is_perf_frame(&l2) || l2.n == 0 || is_perf_header(&l2)))
			return PROFILE_KIND_PERF_SCRIPT;
	}
	/* Folded: the first line is "stack count"; a later line that is not
	 * is the parser's to name. */
	pos = 0;
	while (next_line(d, n, &pos, &l) && l.n == 0 && !first_only)
		;
	if (l.n && is_folded_line(&l))
		return PROFILE_KIND_FOLDED;
	return PROFILE_KIND_TEXT;
}

enum profile_kind profile_sniff(const void *data, size_t n)
{
	const unsigned char *d = data;
	enum profile_kind k;
	bool text;

	if (n == 0)
		return PROFILE_KIND_EMPTY;
	if (n >= 2 && d[0] == 0x1f && d[1] == 0x8b)
		return PROFILE_KIND_GZIP;
	if (has_prefix(d, n, "PERFILE2") || has_prefix(d, n, "2ELIFREP"))
		return PROFILE_KIND_PERF_DATA;
	if (has_prefix(d, n, "\x7f" "ELF"))
		return PROFILE_KIND_ELF;
	if (is_legacy_cpu(d, n))
		return PROFILE_KIND_LEGACY_CPU;
	/* The text formats are known by their first lines, whatever bytes
	 * follow: pprof would try its legacy parsers on them too, since no
	 * profile.proto starts that way (its first byte would be a tag with
	 * the wrong wire type). */
	text = is_text(d, n);
	k = sniff_text(d, n, !text);
	if (k != PROFILE_KIND_TEXT)
		return k;
	/* No profile.proto is text: its tags and lengths are control bytes
	 * within the first few. */
	if (text)
		return PROFILE_KIND_TEXT;
	return looks_like_proto(d, n) ? PROFILE_KIND_PROTO : PROFILE_KIND_BINARY;
}

const char *profile_kind_name(enum profile_kind k)
{
	switch (k) {
	case PROFILE_KIND_EMPTY: return "an empty file";
	case PROFILE_KIND_PROTO: return "a profile.proto";
	case PROFILE_KIND_GZIP: return "gzip data";
	case PROFILE_KIND_LEGACY_CPU: return "a gperftools CPU profile";
	case PROFILE_KIND_LEGACY_HEAP: return "a legacy heap profile";
	case PROFILE_KIND_LEGACY_COUNT: return "a Go count profile";
	case PROFILE_KIND_LEGACY_THREAD: return "a threadz profile";
	case PROFILE_KIND_LEGACY_CONTENTION: return "a legacy contention profile";
	case PROFILE_KIND_LEGACY_JAVA: return "a Java legacy profile";
	case PROFILE_KIND_FOLDED: return "folded stacks";
	case PROFILE_KIND_PERF_SCRIPT: return "perf script text";
	case PROFILE_KIND_PERF_DATA: return "a perf.data file";
	case PROFILE_KIND_ELF: return "an ELF binary";
	case PROFILE_KIND_TEXT: return "text of an unknown shape";
	case PROFILE_KIND_BINARY: return "binary data of an unknown shape";
	}
	return "unknown data";
}

int profile_kind_is_legacy(enum profile_kind k)
{
	return k >= PROFILE_KIND_LEGACY_CPU && k <= PROFILE_KIND_LEGACY_JAVA;
}
