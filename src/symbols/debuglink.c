/* Finding a binary's separate debug file, the way gdb and perf do: by build
 * id under the global debug directory, then by the .gnu_debuglink name next
 * to the binary, in its .debug/ subdirectory and under the global directory
 * (and, for perf's build-id cache entries P/B/elf, P/B/debug).
 * A candidate must match the binary (same build id; the debuglink CRC only
 * when there is no build id to compare, since it reads the whole file). A
 * search costs a few failed open() calls, once per binary. */
#include "internal.h"

#include <errno.h>
#include <string.h>

#include "../base/buf.h"

uint32_t debuglink_crc32(uint32_t crc, const void *data, size_t n)
{
	const unsigned char *p = data;
	uint32_t table[256];

	/* Built per call: it runs once per candidate file, and a static table
	 * would need thread-safe initialization. */
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	crc = ~crc;
	for (size_t i = 0; i < n; i++)
		crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static bool matches(const struct elf_image *main, const struct elf_image *cand, bool via_link)
{
	const char *raw;
	size_t n;

	if (!cand->symtab && !cand->has_debug_info)
		return false;
	if (*main->build_id && *cand->build_id)
		return strcmp(main->build_id, cand->build_id) == 0;
	if (!via_link)
		return false;
	raw = elf_rawfile(cand->elf, &n);
	return raw && debuglink_crc32(0, raw, n) == main->debuglink_crc;
}

static int try_candidate(const struct elf_image *main, const char *path, bool via_link,
			 struct elf_image *dbg)
{
	if (elf_image_open_file(dbg, path, NULL) != 0)
		return -ENOENT;
	/* A debuglink naming the binary itself. */
	if ((main->ino && dbg->dev == main->dev && dbg->ino == main->ino) ||
	    !matches(main, dbg, via_link)) {
		elf_image_close(dbg);
		return -ENOENT;
	}
	return 0;
}

int debug_file_try(const struct elf_image *main, const char *path, struct elf_image *dbg)
{
	if (!*main->build_id)
		return -ENOENT;
	return try_candidate(main, path, false, dbg);
}

/* Length of a "/proc/PID/root" prefix of path, 0 when there is none: debug
 * files of a binary in another mount namespace live in that namespace. */
static size_t root_prefix(const char *path)
{
	const char *p;

	if (strncmp(path, "/proc/", 6) != 0)
		return 0;
	p = strchr(path + 6, '/');
	if (!p || p == path + 6 || strncmp(p, "/root/", 6) != 0)
		return 0;
	return (size_t)(p + 5 - path);
}

int debug_file_find(const struct elf_image *main, const char *path,
		    const char *debug_dir, struct elf_image *dbg,
		    const char **found, struct arena *a)
{
	struct kbuf c = KBUF_INIT;
	size_t root = path ? root_prefix(path) : 0;
	const char *slash;
	int ret = -ENOENT;

	if (debug_dir && strlen(main->build_id) > 2) {
		kbuf_add(&c, path ? path : "", root);
		kbuf_addf(&c, "%s/.build-id/%.2s/%s.debug", debug_dir, main->build_id,
			  main->build_id + 2);
		ret = try_candidate(main, c.buf, false, dbg);
		if (ret == 0)
			goto found;
	}
	slash = path ? strrchr(path, '/') : NULL;
	if (slash && !strcmp(slash + 1, "elf")) {
		/* an entry of perf's build-id cache: P/B/elf beside P/B/debug */
		kbuf_reset(&c);
		kbuf_add(&c, path, (size_t)(slash - path));
		kbuf_addstr(&c, "/debug");
		if ((ret = try_candidate(main, c.buf, false, dbg)) == 0)
			goto found;
	}
	if (!path || !main->debuglink)
		goto out;
	kbuf_reset(&c);
	if (slash)
		kbuf_add(&c, path, (size_t)(slash - path));
	else
		kbuf_addch(&c, '.');
	kbuf_addf(&c, "/%s", main->debuglink);
	ret = try_candidate(main, c.buf, true, dbg);
	if (ret == 0)
		goto found;
	kbuf_reset(&c);
	if (slash)
		kbuf_add(&c, path, (size_t)(slash - path));
	else
		kbuf_addch(&c, '.');
	kbuf_addf(&c, "/.debug/%s", main->debuglink);
	ret = try_candidate(main, c.buf, true, dbg);
	if (ret == 0)
		goto found;
	if (debug_dir && slash && path[0] == '/') {
		kbuf_reset(&c);
		kbuf_add(&c, path, root);
		kbuf_addstr(&c, debug_dir);
		kbuf_add(&c, path + root, (size_t)(slash - path - root));
		kbuf_addf(&c, "/%s", main->debuglink);
		ret = try_candidate(main, c.buf, true, dbg);
		if (ret == 0)
			goto found;
	}
	goto out;

found:
	*found = arena_strdup(a, c.buf);
out:
	kbuf_release(&c);
	return ret;
}
