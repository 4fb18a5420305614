/* Go-compatible path helpers (see paths.h). Inputs are short file names,
 * a few thousand per report at most. */
#include "paths.h"

#include <stdbool.h>
#include <string.h>

void path_clean(struct kbuf *out, const char *path)
{
	size_t n = strlen(path), start = out->len, r = 0, dotdot;
	bool rooted = n > 0 && path[0] == '/';

	if (n == 0) {
		kbuf_addch(out, '.');
		return;
	}
	if (rooted) {
		kbuf_addch(out, '/');
		r = 1;
	}
	dotdot = out->len; /* output before this cannot be backtracked */
	while (r < n) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
			r += 2;
			if (out->len > dotdot) {
				/* Back up to the previous separator. */
				size_t w = out->len - 1;
				while (w > dotdot && out->buf[w] != '/')
					w--;
				out->len = w;
				out->buf[w] = '\0';
			} else if (!rooted) {
				if (out->len > start)
					kbuf_addch(out, '/');
				kbuf_addstr(out, "..");
				dotdot = out->len;
			}
		} else {
			if ((rooted && out->len != start + 1) || (!rooted && out->len != start))
				kbuf_addch(out, '/');
			for (; r < n && path[r] != '/'; r++)
				kbuf_addch(out, path[r]);
		}
	}
	if (out->len == start)
		kbuf_addch(out, '.');
}

void path_base(struct kbuf *out, const char *path)
{
	size_t n = strlen(path), i;

	if (n == 0) {
		kbuf_addch(out, '.');
		return;
	}
	while (n > 0 && path[n - 1] == '/')
		n--;
	if (n == 0) {
		kbuf_addch(out, '/');
		return;
	}
	i = n;
	while (i > 0 && path[i - 1] != '/')
		i--;
	kbuf_add(out, path + i, n - i);
}

void path_trim(struct kbuf *out, const char *path, const char *trim_path,
	       const char *search_path)
{
	static const char *const fixed[] = { "/proc/self/cwd/./", "/proc/self/cwd/" };
	struct kbuf want = KBUF_INIT;

	if (!trim_path)
		trim_path = "";
	if (!search_path)
		search_path = "";
	if (!trim_path[0] && search_path[0]) {
		const char *dir = search_path;
		for (;;) {
			const char *end = strchr(dir, ':');
			size_t len = end ? (size_t)(end - dir) : strlen(dir);
			struct kbuf d = KBUF_INIT;
			const char *hit;

			kbuf_add(&d, dir, len);
			kbuf_reset(&want);
			kbuf_addch(&want, '/');
			path_base(&want, d.buf);
			kbuf_addch(&want, '/');
			kbuf_release(&d);
			hit = strstr(path, want.buf);
			if (hit) {
				kbuf_addstr(out, hit + want.len);
				kbuf_release(&want);
				return;
			}
			if (!end)
				break;
			dir = end + 1;
		}
	}
	/* Configured prefixes, then pprof's fixed ones. */
	for (const char *t = trim_path; *t || t == trim_path;) {
		const char *end = strchr(t, ':');
		size_t len = end ? (size_t)(end - t) : strlen(t);

		if (len) {
			kbuf_reset(&want);
			kbuf_add(&want, t, len);
			if (want.buf[want.len - 1] != '/')
				kbuf_addch(&want, '/');
			if (strncmp(path, want.buf, want.len) == 0) {
				kbuf_addstr(out, path + want.len);
				kbuf_release(&want);
				return;
			}
		}
		if (!end)
			break;
		t = end + 1;
	}
	for (size_t i = 0; i < 2; i++) {
		size_t len = strlen(fixed[i]);
		if (strncmp(path, fixed[i], len) == 0) {
			kbuf_addstr(out, path + len);
			kbuf_release(&want);
			return;
		}
	}
	kbuf_release(&want);
	kbuf_addstr(out, path);
}
