/* pprof's two memory map line patterns (procMapsRE, briefMapsRE in
 * legacy_profile.go), matched with Go's leftmost-first semantics: each
 * greedy repetition and optional group takes as much as it can, in
 * pattern order, as long as the rest still matches. POSIX regexec's
 * leftmost-longest rule splits malformed lines differently, hence this
 * small backtracking matcher over a fixed node list. Failures are memoized
 * per (node, position), so a line costs O(nodes x length). */
#include "legacy-int.h"

#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"

enum { N_RUN, N_LIT, N_OPT, N_OPT_END, N_CAP, N_CAP_END };
enum { C_SPACE, C_HEX, C_DIGIT, C_PERM, C_NONSPACE, C_SPACE_DASH };

struct node {
	unsigned char kind, cls, min; /* min 0 or 1 */
	bool many;                    /* + or *; else ? or one */
	char lit;
	unsigned char arg;            /* N_CAP, N_CAP_END: the group */
};

#define RUN(c, mn, mny) { N_RUN, c, mn, mny, 0, 0 }
#define LIT(ch) { N_LIT, 0, 1, false, ch, 0 }
#define OPT { N_OPT, 0, 0, false, 0, 0 }
#define OPT_END { N_OPT_END, 0, 0, false, 0, 0 }
#define CAP(g) { N_CAP, 0, 0, false, 0, g }
#define CAP_END(g) { N_CAP_END, 0, 0, false, 0, g }

/* ^\s*(?:0x)?([[:xdigit:]]+)[\s-]?\s*(?:0x)?([[:xdigit:]]+):?(?:\s+([-rwxp]+))? */
#define HEAD                                                                     \
	RUN(C_SPACE, 0, true), OPT, LIT('0'), LIT('x'), OPT_END,              \
	CAP(1), RUN(C_HEX, 1, true), CAP_END(1),                                 \
	RUN(C_SPACE_DASH, 0, false), RUN(C_SPACE, 0, true),                      \
	OPT, LIT('0'), LIT('x'), OPT_END,                                    \
	CAP(2), RUN(C_HEX, 1, true), CAP_END(2),                                 \
	OPT, LIT(':'), OPT_END,                                              \
	OPT, RUN(C_SPACE, 1, true), CAP(3), RUN(C_PERM, 1, true), CAP_END(3), OPT_END

/* procMapsRE: HEAD (?:\s+([[:xdigit:]]+))?\s+[[:xdigit:]]+:[[:xdigit:]]+\s+[[:digit:]]+(?:\s+(\S+))? */
static const struct node proc_re[] = {
	HEAD,
	OPT, RUN(C_SPACE, 1, true), CAP(4), RUN(C_HEX, 1, true), CAP_END(4), OPT_END,
	RUN(C_SPACE, 1, true), RUN(C_HEX, 1, true), LIT(':'), RUN(C_HEX, 1, true),
	RUN(C_SPACE, 1, true), RUN(C_DIGIT, 1, true),
	OPT, RUN(C_SPACE, 1, true), CAP(5), RUN(C_NONSPACE, 1, true), CAP_END(5), OPT_END,
};

/* briefMapsRE: HEAD (?:\s+(\S+))?(?:\s+\(@([[:xdigit:]]+)\))?(?:\s+([[:xdigit:]]+))? */
static const struct node brief_re[] = {
	HEAD,
	OPT, RUN(C_SPACE, 1, true), CAP(4), RUN(C_NONSPACE, 1, true), CAP_END(4), OPT_END,
	OPT, RUN(C_SPACE, 1, true), LIT('('), LIT('@'), CAP(5), RUN(C_HEX, 1, true), CAP_END(5),
	LIT(')'), OPT_END,
	OPT, RUN(C_SPACE, 1, true), CAP(6), RUN(C_HEX, 1, true), CAP_END(6), OPT_END,
};

static bool in_class(unsigned cls, unsigned char c)
{
	bool space = c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';

	switch (cls) {
	case C_SPACE: return space;
	case C_HEX: return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	case C_DIGIT: return c >= '0' && c <= '9';
	case C_PERM: return c == '-' || c == 'r' || c == 'w' || c == 'x' || c == 'p';
	case C_NONSPACE: return !space;
	case C_SPACE_DASH: return space || c == '-';
	}
	return false;
}

struct mctx {
	const struct node *re;
	size_t n_re;
	const char *s;
	size_t n;
	unsigned char *failed; /* (node, pos) known not to match */
	size_t cap[8][2];
};

static bool m(struct mctx *x, size_t k, size_t pos)
{
	const struct node *nd;
	size_t bit;

	if (k == x->n_re)
		return true; /* no $: a prefix match is a match */
	bit = k * (x->n + 1) + pos;
	if (x->failed[bit >> 3] & (1u << (bit & 7)))
		return false;
	nd = &x->re[k];
	switch (nd->kind) {
	case N_RUN: {
		size_t run = 0, most = nd->many ? x->n - pos : (pos < x->n ? 1 : 0);
		while (run < most && in_class(nd->cls, (unsigned char)x->s[pos + run]))
			run++;
		for (size_t c = run + 1; c-- > nd->min;)
			if (m(x, k + 1, pos + c))
				return true;
		break;
	}
	case N_LIT:
		if (pos < x->n && x->s[pos] == nd->lit && m(x, k + 1, pos + 1))
			return true;
		break;
	case N_OPT: {
		size_t end = k + 1;
		while (x->re[end].kind != N_OPT_END) /* the patterns do not nest */
			end++;
		if (m(x, k + 1, pos) || m(x, end + 1, pos))
			return true;
		break;
	}
	case N_OPT_END:
		if (m(x, k + 1, pos))
			return true;
		break;
	case N_CAP:
	case N_CAP_END: {
		int side = nd->kind == N_CAP_END;
		size_t old = x->cap[nd->arg][side];
		x->cap[nd->arg][side] = pos;
		if (m(x, k + 1, pos))
			return true;
		x->cap[nd->arg][side] = old;
		break;
	}
	}
	x->failed[bit >> 3] |= (unsigned char)(1u << (bit & 7));
	return false;
}

/* Matches one pattern; groups not taken are (SIZE_MAX, SIZE_MAX). The
 * recursion depth is bounded by the node count times the line length's
 * run splits, each frame small; lines are at most 64 KiB (lscan). */
static bool match(const struct node *re, size_t n_re, const char *s, size_t n,
		  size_t cap[8][2])
{
	struct mctx x = { re, n_re, s, n, NULL, { { 0 } } };
	size_t bits = n_re * (n + 1);
	bool ok;

	for (int g = 0; g < 8; g++)
		x.cap[g][0] = x.cap[g][1] = SIZE_MAX;
	x.failed = xcalloc(bits / 8 + 1, 1);
	ok = m(&x, 0, 0);
	free(x.failed);
	memcpy(cap, x.cap, sizeof(x.cap));
	return ok;
}

static void grp(const char *s, size_t cap[8][2], int g, const char **p, size_t *n)
{
	if (cap[g][0] == SIZE_MAX || cap[g][1] == SIZE_MAX) {
		*p = "";
		*n = 0;
		return;
	}
	*p = s + cap[g][0];
	*n = cap[g][1] - cap[g][0];
}

int lg_maps_line(const char *s, size_t n, struct lg_maps_fields *f)
{
	size_t cap[8][2];

	memset(f, 0, sizeof(*f));
	if (match(proc_re, sizeof(proc_re) / sizeof(proc_re[0]), s, n, cap)) {
		grp(s, cap, 1, &f->start, &f->n_start);
		grp(s, cap, 2, &f->end, &f->n_end);
		grp(s, cap, 3, &f->perm, &f->n_perm);
		grp(s, cap, 4, &f->offset, &f->n_offset);
		grp(s, cap, 5, &f->file, &f->n_file);
		f->build_id = "";
		return 0;
	}
	if (match(brief_re, sizeof(brief_re) / sizeof(brief_re[0]), s, n, cap)) {
		grp(s, cap, 1, &f->start, &f->n_start);
		grp(s, cap, 2, &f->end, &f->n_end);
		grp(s, cap, 3, &f->perm, &f->n_perm);
		grp(s, cap, 4, &f->file, &f->n_file);
		grp(s, cap, 5, &f->offset, &f->n_offset);
		grp(s, cap, 6, &f->build_id, &f->n_build_id);
		return 0;
	}
	return LG_UNRECOGNIZED;
}
