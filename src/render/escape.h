/* Escaping untrusted text (function and file names come from the profile,
 * which may come from anywhere) for the formats kiln writes: XML/HTML text
 * and attributes, JSON strings, and Graphviz quoted strings. Invalid UTF-8
 * becomes U+FFFD and control characters become spaces in XML and DOT, so
 * the output always parses; JSON escapes them instead. All functions append
 * to the buffer. */
#ifndef KILN_RENDER_ESCAPE_H
#define KILN_RENDER_ESCAPE_H

#include <stddef.h>

#include "../base/buf.h"

/* &, <, >, " and ' as entities: safe in text and in quoted attributes. */
void esc_xml(struct kbuf *b, const char *s);
/* At most `max` characters (code points) of s, then ".." if it was cut. */
void esc_xml_trunc(struct kbuf *b, const char *s, size_t max);
/* The body of a JSON string (no quotes); '<' and '>' as \u003c/\u003e so
 * the JSON can sit inside HTML. */
void esc_json(struct kbuf *b, const char *s);
/* A JSON string with its quotes. */
void esc_json_str(struct kbuf *b, const char *s);
/* The body of a DOT "…" string: backslash and quote escaped, newlines as
 * Graphviz's left-justified \l (pprof's escapeForDot). */
void esc_dot(struct kbuf *b, const char *s);

/* Length in bytes of the valid UTF-8 sequence at s (1..4), or 0 when s
 * does not start one. */
size_t utf8_seq_len(const unsigned char *s);

#endif
