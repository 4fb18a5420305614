/* Source files for interleaving with disassembly: each file is read once
 * (capped at 16 MiB) and split into lines; a file that cannot be read is
 * remembered as such. A function touches a handful of files, so a linear
 * list is enough. */
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/vec.h"
#include "internal.h"

struct src_file {
	char *path;
	char *text;          /* NUL-separated lines; NULL when unreadable */
	VEC(size_t) starts;  /* offset of each line */
};

struct src_cache {
	VEC(struct src_file) files;
};

struct src_cache *src_cache_new(void)
{
	return xcalloc(1, sizeof(struct src_cache));
}

void src_cache_free(struct src_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->files.n; i++) {
		free(c->files.v[i].path);
		free(c->files.v[i].text);
		vec_free(&c->files.v[i].starts);
	}
	vec_free(&c->files);
	free(c);
}

static struct src_file *load(struct src_cache *c, const char *path)
{
	struct kbuf b = KBUF_INIT;
	struct src_file *f;

	for (size_t i = 0; i < c->files.n; i++)
		if (!strcmp(c->files.v[i].path, path))
			return &c->files.v[i];
	f = vec_add(&c->files);
	f->path = xstrdup(path);
	if (kbuf_read_file(&b, path, (size_t)16 << 20) < 0) {
		kbuf_release(&b);
		return f;
	}
	f->text = kbuf_detach(&b, NULL);
	vec_push(&f->starts, 0);
	for (char *s = f->text; *s; s++) {
		if (*s == '\n') {
			*s = '\0';
			vec_push(&f->starts, (size_t)(s + 1 - f->text));
		}
	}
	return f;
}

const char *src_cache_line(struct src_cache *c, const char *file, int64_t line)
{
	struct src_file *f;

	if (!file || line <= 0)
		return NULL;
	f = load(c, file);
	if (!f->text || (size_t)line > f->starts.n)
		return NULL;
	return f->text + f->starts.v[line - 1];
}
