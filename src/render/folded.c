/* Folded stacks (Brendan Gregg's stackcollapse output) from the merged call
 * tree: every tree node with self value is one distinct stack. Lines are
 * built by walking up the parents, then sorted bytewise on the stack, as
 * the stackcollapse scripts print `sort keys %collapsed`. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/vec.h"
#include "render.h"

#define NONE UINT32_MAX

/* A frame name as stackcollapse-perf.pl writes it: ';' would split the
 * frame, so it becomes ':'; line breaks would split the line. */
static void add_frame(struct kbuf *b, const char *name)
{
	for (const char *s = name; *s; s++) {
		char c = *s;
		if (c == ';')
			c = ':';
		else if (c == '\n' || c == '\r')
			c = ' ';
		kbuf_addch(b, c);
	}
}

struct line {
	size_t off, len;  /* stack text in the shared buffer */
	int64_t value;
};

static const char *sort_base;

static int line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(sort_base + x->off, sort_base + y->off, n);

	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

void render_folded(const struct ftree *t, struct kbuf *out)
{
	struct kbuf text = KBUF_INIT;
	VEC(struct line) lines = VEC_INIT;
	VEC(uint32_t) path = VEC_INIT;

	for (size_t i = 1; i < t->count; i++) {
		struct line *l;

		if (t->n[i].self == 0)
			continue;
		path.n = 0;
		for (uint32_t c = (uint32_t)i; c != 0 && c != NONE; c = t->n[c].parent)
			vec_push(&path, c);
		l = vec_add(&lines);
		l->off = text.len;
		for (size_t k = path.n; k-- > 0;) {
			add_frame(&text, ftree_name(t, path.v[k]));
			if (k)
				kbuf_addch(&text, ';');
		}
		l->len = text.len - l->off;
		l->value = t->n[i].self;
	}
	/* qsort has no context argument in C11; the buffer is fixed by now. */
	sort_base = text.buf;
	if (lines.n > 1) /* lines.v is NULL for an empty profile */
		qsort(lines.v, lines.n, sizeof(*lines.v), line_cmp);
	sort_base = NULL;
	for (size_t i = 0; i < lines.n; i++) {
		kbuf_add(out, text.buf + lines.v[i].off, lines.v[i].len);
		kbuf_addf(out, " %" PRId64 "\n", lines.v[i].value);
	}
	vec_free(&lines);
	vec_free(&path);
	kbuf_release(&text);
}
