/* Kernel symbols from /proc/kallsyms: some 10^5 text symbols (out of twice
 * as many lines), read once per recording, sorted by address and binary
 * searched. kallsyms gives no sizes, so a symbol ends where the next one
 * starts, except across the end of the kernel or of a module, where a
 * large gap would otherwise be blamed on the last function before it. */
#include "symbols.h"

#include <errno.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/vec.h"
#include "../base/search.h"
#include "internal.h"

/* The most the last symbol of the kernel or of a module may cover. */
#define LAST_SYMBOL_SPAN (64 * 1024)

struct ksym {
	uint64_t addr, end;
	const char *name;   /* "name" or "name [module]", in the arena */
	const char *module; /* interned: equal modules have equal pointers */
	uint32_t rank;      /* preference among aliases: T > t > W > w ... */
};

struct ksyms {
	struct arena arena;
	struct { struct ksym *v; size_t n, cap; } syms;
	uint64_t text_start, text_end;
};

static unsigned type_rank(char type)
{
	switch (type) {
	case 'T': return 3;
	case 't': return 2;
	case 'W': return 1;
	default: return 0;
	}
}

static int ksym_cmp(const void *pa, const void *pb)
{
	const struct ksym *a = pa, *b = pb;

	return sym_alias_cmp(a->addr, a->rank, a->name, b->addr, b->rank, b->name);
}

/* One line: "ffffffff81000000 T _text" or "... t name\t[module]". Returns
 * false for lines to skip. */
static bool parse_line(char *line, uint64_t *addr, char *type, char **name, char **module)
{
	char *p = line, *end;

	*addr = strtoull(p, &end, 16);
	if (end == p || (*end != ' ' && *end != '\t'))
		return false;
	p = end + strspn(end, " \t");
	*type = *p;
	if (!*p || (p[1] != ' ' && p[1] != '\t'))
		return false;
	p += 1 + strspn(p + 1, " \t");
	*name = p;
	p += strcspn(p, " \t\n");
	if (p == *name)
		return false;
	*module = NULL;
	if (*p && *p != '\n') {
		*p++ = '\0';
		p += strspn(p, " \t");
		if (*p == '[') {
			*module = p + 1;
			p[1 + strcspn(p + 1, "]\n")] = '\0';
		}
	} else {
		*p = '\0';
	}
	return true;
}

static void finish(struct ksyms *k)
{
	struct ksym *v;
	size_t n = 0;
	uint64_t text = 0, stext = 0, etext = 0, lo = UINT64_MAX, hi = 0;

	if (!k->syms.n)
		return;
	v = k->syms.v;
	qsort(v, k->syms.n, sizeof(v[0]), ksym_cmp);
	for (size_t i = 0; i < k->syms.n; i++) {
		if (n && v[n - 1].addr == v[i].addr)
			continue;
		v[n++] = v[i];
	}
	k->syms.n = n;
	for (size_t i = 0; i < n; i++) {
		uint64_t next = i + 1 < n ? v[i + 1].addr : UINT64_MAX;
		uint64_t cap = v[i].addr + LAST_SYMBOL_SPAN < v[i].addr ? UINT64_MAX
									 : v[i].addr + LAST_SYMBOL_SPAN;

		v[i].end = i + 1 < n && v[i + 1].module == v[i].module ? next
			   : next < cap ? next : cap;
		if (v[i].module)
			continue;
		if (!strcmp(v[i].name, "_etext")) {
			etext = v[i].addr;
			v[i].end = v[i].addr; /* a marker, not a function */
		} else if (!strcmp(v[i].name, "_text")) {
			text = v[i].addr;
		} else if (!strcmp(v[i].name, "_stext")) {
			stext = v[i].addr;
		}
		if (v[i].addr < lo)
			lo = v[i].addr;
		if (v[i].addr > hi)
			hi = v[i].addr;
	}
	if (lo > hi)
		return; /* modules only */
	k->text_start = text ? text : stext ? stext : lo;
	k->text_end = etext ? etext : hi;
}

static int load_stream(FILE *fp, const char *path, struct ksyms **out, struct kerr *err)
{
	struct ksyms *k = xcalloc(1, sizeof(*k));
	const char *last_mod = NULL;
	bool nonzero = false;
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, fp) > 0) {
		char *name, *module, type;
		struct ksym *s;
		uint64_t addr;

		if (!parse_line(line, &addr, &type, &name, &module))
			continue;
		if (addr)
			nonzero = true;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (module && (!last_mod || strcmp(module, last_mod) != 0))
			last_mod = arena_strdup(&k->arena, module);
		s = vec_add(&k->syms);
		s->addr = addr;
		s->rank = type_rank(type);
		s->module = module ? last_mod : NULL;
		if (module) {
			size_t nl = strlen(name), ml = strlen(module);
			char *buf = arena_alloc(&k->arena, nl + ml + 4);

			memcpy(buf, name, nl);
			memcpy(buf + nl, " [", 2);
			memcpy(buf + nl + 2, module, ml);
			memcpy(buf + nl + 2 + ml, "]", 2);
			s->name = buf;
		} else {
			s->name = arena_strdup(&k->arena, name);
		}
	}
	free(line);
	if (ferror(fp)) {
		ksyms_free(k);
		return kerr_set(err, -EIO, "%s: read error", path);
	}
	if (!nonzero) {
		ksyms_free(k);
		return kerr_set(err, -EPERM, "%s: addresses are hidden (kernel.kptr_restrict); "
				"kernel symbols need root", path);
	}
	finish(k);
	*out = k;
	return 0;
}

int ksyms_load_file(const char *path, struct ksyms **out, struct kerr *err)
{
	FILE *fp;
	int ret;

	*out = NULL;
	fp = fopen(path, "re");
	if (!fp) {
		ret = -errno;
		return kerr_set(err, ret, "%s: %s", path, strerror(-ret));
	}
	ret = load_stream(fp, path, out, err);
	fclose(fp);
	return ret;
}

/* The cache file for this boot and this set of loaded modules, in the
 * folder the caller names (the CLI picks $KILN_CACHE_DIR, $XDG_CACHE_HOME
 * or ~/.cache). Reading /proc/kallsyms costs the kernel 0.1-0.2 s (it
 * decompresses every name); the cache keeps the text symbols only and
 * parses in a fraction of that. Returns false when no usable location
 * exists. */
static bool cache_path(const char *dir, char *buf, size_t n)
{
	char base[512], boot[64] = "";
	uint32_t mods = 0;
	FILE *f;

	if (!dir || !*dir || snprintf(base, sizeof(base), "%s", dir) >= (int)sizeof(base))
		return false;
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (!f)
		return false;
	if (!fgets(boot, sizeof(boot), f))
		boot[0] = '\0';
	fclose(f);
	boot[strcspn(boot, "\n")] = '\0';
	if (!boot[0])
		return false;
	/* Module loads and unloads change the symbols: key on the list. */
	f = fopen("/proc/modules", "re");
	if (f) {
		char line[512];
		while (fgets(line, sizeof(line), f))
			mods = debuglink_crc32(mods, line, strlen(line));
		fclose(f);
	}
	if (mkdir(base, 0700) < 0 && errno != EEXIST) {
		/* the parent (~/.cache) may be missing too */
		char parent[512];
		snprintf(parent, sizeof(parent), "%s", base);
		char *slash = strrchr(parent, '/');
		if (!slash)
			return false;
		*slash = '\0';
		if (mkdir(parent, 0700) < 0 && errno != EEXIST)
			return false;
		if (mkdir(base, 0700) < 0 && errno != EEXIST)
			return false;
	}
	return snprintf(buf, n, "%s/kallsyms-%s-%08x", base, boot, mods) < (int)n;
}

static void cache_write(const struct ksyms *k, const char *path)
{
	char tmp[700];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "we");
	if (!f)
		return;
	for (size_t i = 0; i < k->syms.n; i++) {
		const struct ksym *s = &k->syms.v[i];
		/* names of module symbols already read "name [mod]" */
		if (s->module)
			fprintf(f, "%016" PRIx64 " t %.*s\t[%s]\n", s->addr,
				(int)(strlen(s->name) - strlen(s->module) - 3), s->name, s->module);
		else
			fprintf(f, "%016" PRIx64 " %c %s\n", s->addr, s->rank == 3 ? 'T' : 't',
				s->name);
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		unlink(tmp);
}

int ksyms_load(const char *cache_dir, struct ksyms **out, struct kerr *err)
{
	char path[600];
	bool cached = cache_path(cache_dir, path, sizeof(path));
	int ret;

	if (cached && ksyms_load_file(path, out, NULL) == 0)
		return 0;
	ret = ksyms_load_file("/proc/kallsyms", out, err);
	if (ret == 0 && cached)
		cache_write(*out, path);
	return ret;
}

void ksyms_free(struct ksyms *k)
{
	if (!k)
		return;
	arena_release(&k->arena);
	vec_free(&k->syms);
	free(k);
}

int ksyms_lookup(const struct ksyms *k, uint64_t addr, struct sym_frame *f)
{
	size_t lo;

	if (!k)
		return 0;
	lo = upper_bound_u64(k->syms.v, k->syms.n, sizeof(*k->syms.v),
			     offsetof(struct ksym, addr), addr);
	if (lo == 0 || addr >= k->syms.v[lo - 1].end)
		return 0;
	*f = (struct sym_frame){ 0 };
	f->name = f->system_name = k->syms.v[lo - 1].name;
	return 1;
}

void ksyms_text_range(const struct ksyms *k, uint64_t *start, uint64_t *end)
{
	*start = k ? k->text_start : 0;
	*end = k ? k->text_end : 0;
}

int sym_kernel_build_id(const char *notes, char out[129], struct kerr *err)
{
	const char *path = notes ? notes : "/sys/kernel/notes";
	struct kbuf b = KBUF_INIT;
	int ret = kbuf_read_file(&b, path, 1 << 20);
	size_t off = 0;

	if (ret < 0) {
		kbuf_release(&b);
		return kerr_set(err, ret, "%s: %s", path, strerror(-ret));
	}
	/* ELF notes: namesz, descsz, type, then name and desc, each padded
	 * to 4 bytes (the kernel's notes section, as is). */
	while (b.len - off >= 12) {
		uint32_t nh[3];
		size_t name, desc;

		memcpy(nh, b.buf + off, sizeof(nh));
		name = ((size_t)nh[0] + 3) & ~(size_t)3;
		desc = ((size_t)nh[1] + 3) & ~(size_t)3;
		if (name > b.len - off - 12 || desc > b.len - off - 12 - name)
			break;
		if (nh[2] == 3 /* NT_GNU_BUILD_ID */ && nh[0] == 4 &&
		    !memcmp(b.buf + off + 12, "GNU", 4) && nh[1] && nh[1] <= BUILD_ID_MAX) {
			const unsigned char *d = (const unsigned char *)b.buf + off + 12 + name;
			for (uint32_t i = 0; i < nh[1]; i++)
				snprintf(out + 2 * i, 3, "%02x", d[i]);
			kbuf_release(&b);
			return 0;
		}
		off += 12 + name + desc;
	}
	kbuf_release(&b);
	return kerr_set(err, -ENODATA, "%s: no build-id note", path);
}
