/* Terminal-safe text. A name read from a profile, a binary, the kernel
 * (a thread's comm) or a remote server can hold escape sequences that
 * would repaint the user's terminal, or a newline that forges a row.
 * Text outputs show such bytes as \xHH, as git and ls do: C0 controls
 * (tab and newline too, unless kept), DEL, the C1 controls U+0080-U+009F
 * (both bytes of their UTF-8 form), and every byte that is not part of a
 * valid UTF-8 sequence (stray continuations, overlong forms, surrogates,
 * past U+10FFFF, truncated). Everything else, backslash included, passes
 * unchanged, so an ordinary name prints byte for byte as before.
 *
 * Machine formats (proto, JSON, folded) have their own escaping and do
 * not use this. */
#ifndef KILN_BASE_TEXTSAFE_H
#define KILN_BASE_TEXTSAFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"

enum {
	TEXT_KEEP_TAB = 1, /* source lines: a tab is layout, not an attack */
	TEXT_KEEP_NL = 2,  /* multi-line text whose rows are the writer's */
};

/* Returns the length of the longest prefix of s[0..n) that passes
 * unchanged; n when the whole string is safe. */
size_t text_safe_prefix(const char *s, size_t n, unsigned keep);

static inline bool text_is_safe(const char *s, size_t n, unsigned keep)
{
	return text_safe_prefix(s, n, keep) == n;
}

/* Appends s[0..n), escaped, to out. */
void text_escape(struct kbuf *out, const char *s, size_t n, unsigned keep);

/* Returns s when it is safe; else its escaped form, held in *scratch
 * (reset first, owned by the caller) until scratch's next change. */
const char *text_safe_str(const char *s, unsigned keep, struct kbuf *scratch);

/* Writes the NUL-terminated s, escaped, to f. Returns EOF on a write
 * error, as fputs(). */
int text_fputs(const char *s, unsigned keep, FILE *f);

#endif
