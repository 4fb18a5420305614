/* Regular expressions for filters (-focus, -ignore, -peek, drop_frames…).
 * pprof uses Go's RE2 syntax; kiln uses POSIX extended regexes (<regex.h>,
 * REG_EXTENDED, glibc) after translating the RE2 spellings people use in
 * profile filters:
 *   \d \D           -> [0-9] [^0-9] (also inside brackets)
 *   \w \s (in [..]) -> [:alnum:]_ [:space:]; \w \W \s \S \b \B outside
 *                      brackets are glibc extensions and kept
 *   \. \( \\ … in [..] -> the character itself (POSIX brackets have no escapes)
 *   (?: … )         -> ( … )
 *   (?i) at the start -> case-insensitive
 *   *? +? ?? {n,m}? -> greedy forms (only "does it match" is asked, so
 *                      laziness cannot change the answer)
 *   \A \z           -> ^ $
 * Not available: other (?flags), \p{…} Unicode classes, \Q…\E, Unicode-aware
 * character classes (matching is on bytes). Refused, as RE2 refuses them
 * (glibc would take minutes or its stack): backreferences (\1), stacked
 * repetition operators (a**, a{2}{3}), counts over 1000, also multiplied
 * through nested groups ((a{100}){100}), groups nested over 1000 deep.
 * Matching is unanchored search, as Go's MatchString. */
#ifndef KILN_PROFILE_RX_H
#define KILN_PROFILE_RX_H

#include <regex.h>
#include <stdbool.h>

#include "../base/err.h"

struct krx {
	regex_t re;
	bool set;   /* compiled; krx_free() needed */
};

#define KRX_INIT { .set = false }

/* Compiles `pattern`; with `full`, the match must span the whole string
 * (pprof wraps drop_frames as ^(…)$). Returns 0 or -EINVAL with the
 * regex error in err. */
int krx_compile(struct krx *rx, const char *pattern, bool full, struct kerr *err);
bool krx_match(const struct krx *rx, const char *s);
/* NULL-tolerant; leaves rx unset. */
void krx_free(struct krx *rx);

#endif
