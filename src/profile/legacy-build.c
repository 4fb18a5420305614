/* The legacy parsers' common half (see legacy-int.h): locations by
 * address, the /proc/self/maps text and pprof's mapping heuristics, the
 * renumbering pprof does after parsing, the drop_frames it sets, and the
 * entry point that tries each parser in pprof's order. Work is linear in
 * the input; the work profile is checked against max_memory per sample. */
#include "legacy.h"
#include "legacy-int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "decode.h"

void lg_init(struct lg *g, uint64_t max_memory)
{
	memset(g, 0, sizeof(*g));
	g->p = profile_new();
	g->max_memory = max_memory;
}

static void maps_clear(struct lg *g)
{
	for (size_t i = 0; i < g->n_maps; i++) {
		free(g->maps[i].file);
		free(g->maps[i].build_id);
	}
	g->n_maps = 0;
}

void lg_release(struct lg *g)
{
	profile_free(g->p);
	u64map_release(&g->by_addr);
	maps_clear(g);
	free(g->maps);
	memset(g, 0, sizeof(*g));
}

uint64_t lg_loc(struct lg *g, uint64_t addr)
{
	bool added;
	uint64_t *slot;

	/* ~0 is the map's empty key: keep that one address aside. */
	if (addr == U64MAP_EMPTY) {
		for (size_t i = 0; i < g->p->n_locations; i++)
			if (g->p->locations[i].address == addr)
				return i;
		profile_add_location(g->p, 0, addr, NULL, 0);
		return g->p->n_locations - 1;
	}
	slot = u64map_slot(&g->by_addr, addr, g->p->n_locations, &added);
	if (added)
		profile_add_location(g->p, 0, addr, NULL, 0);
	return *slot;
}

int lg_sample(struct lg *g, const uint64_t *locs, size_t n_loc, const int64_t *vals,
	      size_t n_val, bool has_bytes, int64_t bytes, struct kerr *err)
{
	struct pf_label l = { 0, 0, bytes, 0 };
	size_t used;

	if (g->p->n_sample_locs + n_loc >= UINT32_MAX || g->p->n_samples >= UINT32_MAX)
		return kerr_set(err, -E2BIG, "profile too large (more than 2^32 entries in a pool)");
	if (has_bytes)
		l.key = profile_str(g->p, "bytes");
	profile_add_sample(g->p, locs, n_loc, vals, n_val, &l, has_bytes ? 1 : 0);
	used = profile_memory(g->p) + g->by_addr.t.cap * sizeof(struct u64slot) + g->text_n;
	if (g->max_memory && used > g->max_memory)
		return kerr_set(err, -E2BIG,
				"the profile needs more than %llu MiB of memory to load (%zu samples so far); "
				"--max-memory SIZE raises the limit",
				(unsigned long long)(g->max_memory >> 20), g->p->n_samples);
	return 0;
}

/* ---- text helpers ---------------------------------------------------- */

void lscan_init(struct lscan *s, const char *d, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->d = d;
	s->n = n;
	s->tok = d;
}

bool lscan_next(struct lscan *s)
{
	const char *nl;
	size_t len;

	if (s->pos >= s->n || s->too_long) {
		s->tok = s->d + s->n;
		s->tok_n = 0;
		return false;
	}
	nl = memchr(s->d + s->pos, '\n', s->n - s->pos);
	len = nl ? (size_t)(nl - (s->d + s->pos)) : s->n - s->pos;
	if (len >= 64 * 1024) {
		s->too_long = true;
		s->tok_n = 0;
		return false;
	}
	s->tok = s->d + s->pos;
	s->tok_n = len;
	s->pos += len + (nl ? 1 : 0);
	s->line_no++;
	if (s->tok_n && s->tok[s->tok_n - 1] == '\r')
		s->tok_n--;
	return true;
}

int lscan_error(const struct lscan *s, struct kerr *err)
{
	if (!s->too_long)
		return 0;
	return kerr_set(err, -EBADMSG, "line %u is longer than 64 KiB (pprof stops there too)",
			s->line_no + 1);
}

bool lg_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void lg_trim(const char **s, size_t *n)
{
	while (*n && lg_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && lg_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

bool lg_space_or_comment(const char *s, size_t n)
{
	lg_trim(&s, &n);
	return n == 0 || s[0] == '#';
}

bool lg_has_prefix(const char *s, size_t n, const char *pfx)
{
	size_t k = strlen(pfx);
	return n >= k && memcmp(s, pfx, k) == 0;
}

bool lg_contains(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return true;
	return false;
}

bool lg_memory_map_sentinel(const char *s, size_t n)
{
	return lg_contains(s, n, "--- Memory map: ---") || lg_contains(s, n, "MAPPED_LIBRARIES:");
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int lg_hex_addresses(const char *s, size_t n, uint64_t **addrs, size_t *n_addrs, size_t *cap)
{
	size_t i = 0;

	while (i + 2 < n) {
		size_t j;
		uint64_t v = 0;
		bool over = false;
		if (!(s[i] == '0' && s[i + 1] == 'x' && hexval((unsigned char)s[i + 2]) >= 0 &&
		      !(s[i + 2] >= 'A' && s[i + 2] <= 'F'))) {
			i++;
			continue;
		}
		for (j = i + 2; j < n && ((s[j] >= '0' && s[j] <= '9') || (s[j] >= 'a' && s[j] <= 'f')); j++) {
			if (v >> 60)
				over = true;
			v = v << 4 | (uint64_t)hexval((unsigned char)s[j]);
		}
		if (over)
			return -ERANGE;
		*addrs = xgrow(*addrs, cap, *n_addrs + 1, sizeof(**addrs));
		(*addrs)[(*n_addrs)++] = v;
		i = j;
	}
	return 0;
}

bool lg_parse_uint(const char *s, size_t n, int base, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = 0;

	if (base == 0) {
		base = 10;
		if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			base = 16;
			i = 2;
		} else if (n >= 2 && s[0] == '0') {
			base = 8;
			i = 1;
		}
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		int d = hexval((unsigned char)s[i]);
		if (d < 0 || d >= base)
			return false;
		if (x > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;
		x = x * (uint64_t)base + (uint64_t)d;
	}
	*v = x;
	return true;
}

bool lg_parse_int(const char *s, size_t n, int base, int64_t *v)
{
	bool neg = false;
	uint64_t u;

	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	if (!lg_parse_uint(s, n, base, &u))
		return false;
	if (neg ? u > (uint64_t)INT64_MAX + 1 : u > (uint64_t)INT64_MAX)
		return false;
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	return true;
}

int64_t lg_mul(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a * (uint64_t)b);
}

int64_t lg_f2i(double x)
{
	/* CVTTSD2SI: out of range or NaN gives the "integer indefinite". */
	if (!(x > -9223372036854775808.0 && x < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)x;
}

void lg_scale_heap(int64_t *count, int64_t *size, int64_t rate)
{
	double avg, scale;

	if (*count == 0 || *size == 0) {
		*count = *size = 0;
		return;
	}
	if (rate <= 1)
		return;
	avg = (double)*size / (double)*count;
	scale = 1 / (1 - exp(-avg / (double)rate));
	*count = lg_f2i((double)*count * scale);
	*size = lg_f2i((double)*size * scale);
}

/* ---- memory maps ------------------------------------------------------ */

/* parseMappingEntry: 0 with *m filled, 1 for a non-executable entry,
 * LG_UNRECOGNIZED for anything else. */
static int mapping_entry(const char *line, size_t n, struct lg_mapping *m)
{
	struct lg_maps_fields f;

	if (lg_maps_line(line, n, &f) != 0)
		return LG_UNRECOGNIZED;
	if (f.n_perm && !memchr(f.perm, 'x', f.n_perm))
		return 1;
	memset(m, 0, sizeof(*m));
	if (!lg_parse_uint(f.start, f.n_start, 16, &m->start) ||
	    !lg_parse_uint(f.end, f.n_end, 16, &m->limit))
		return LG_UNRECOGNIZED;
	if (f.n_offset && !lg_parse_uint(f.offset, f.n_offset, 16, &m->offset))
		return LG_UNRECOGNIZED;
	m->file = xstrndup(f.file, f.n_file);
	m->build_id = xstrndup(f.build_id, f.n_build_id);
	return 0;
}

/* removeLoggingInfo: a glog "… file:line] " prefix. */
static void strip_log_prefix(const char **s, size_t *n)
{
	size_t k, c;

	for (k = 0; k < *n && (*s)[k] != '[' && (*s)[k] != ']'; k++)
		;
	if (k == *n || (*s)[k] != ']' || k + 1 >= *n || !lg_space((unsigned char)(*s)[k + 1]))
		return;
	for (c = k; c > 0 && (*s)[c - 1] >= '0' && (*s)[c - 1] <= '9'; c--)
		;
	if (c == k || c < 2 || (*s)[c - 1] != ':')
		return;
	*s += k + 2;
	*n -= k + 2;
}

struct attr {
	char *key; /* "$name" */
	char *val;
};

static void apply_attrs(const struct attr *a, size_t n_a, const char *s, size_t n,
			struct kbuf *out)
{
	kbuf_reset(out);
	for (size_t i = 0; i < n;) {
		size_t k;
		for (k = 0; k < n_a; k++) {
			size_t kl = strlen(a[k].key);
			if (kl <= n - i && memcmp(s + i, a[k].key, kl) == 0) {
				kbuf_addstr(out, a[k].val);
				i += kl;
				break;
			}
		}
		if (k == n_a)
			kbuf_addch(out, s[i++]);
	}
}

static bool lib_name(const char *f)
{
	size_t n = strlen(f);
	const char *p;

	if (n >= 3 && strcmp(f + n - 3, ".so") == 0)
		return true;
	for (p = strstr(f, ".so"); p; p = strstr(p + 1, ".so"))
		if ((p[3] == '.' || p[3] == '_') && p[4] >= '0' && p[4] <= '9')
			return true;
	return false;
}

static bool adjacent(const struct lg_mapping *a, const struct lg_mapping *b)
{
	if (a->file[0] && b->file[0] && strcmp(a->file, b->file) != 0)
		return false;
	if (a->build_id[0] && b->build_id[0] && strcmp(a->build_id, b->build_id) != 0)
		return false;
	if (a->limit != b->start)
		return false;
	if (a->offset && b->offset && a->offset + (a->limit - a->start) != b->offset)
		return false;
	return true;
}

/* massageMappings: merge split mappings; the main binary first. */
static void massage(struct lg *g)
{
	size_t n = 0;

	if (g->n_maps > 1) {
		n = 1;
		for (size_t i = 1; i < g->n_maps; i++) {
			struct lg_mapping *lm = &g->maps[n - 1], *m = &g->maps[i];
			if (adjacent(lm, m)) {
				lm->limit = m->limit;
				if (m->file[0]) {
					free(lm->file);
					lm->file = m->file;
					m->file = NULL;
				}
				if (m->build_id[0]) {
					free(lm->build_id);
					lm->build_id = m->build_id;
					m->build_id = NULL;
				}
				free(m->file);
				free(m->build_id);
				continue;
			}
			g->maps[n++] = *m;
		}
		g->n_maps = n;
	}
	for (size_t i = 0; i < g->n_maps; i++) {
		struct kbuf f = KBUF_INIT;
		const char *s = g->maps[i].file, *d;
		size_t len;
		bool main_bin;

		/* strings.Replace(file, "(deleted)", "") then TrimSpace. */
		while ((d = strstr(s, "(deleted)"))) {
			kbuf_add(&f, s, (size_t)(d - s));
			s = d + 9;
		}
		kbuf_addstr(&f, s);
		s = f.buf;
		len = f.len;
		lg_trim(&s, &len);
		{
			char *t = xstrndup(s, len);
			main_bin = len && !lib_name(t) && t[0] != '[';
			free(t);
		}
		kbuf_release(&f);
		if (main_bin) {
			struct lg_mapping tmp = g->maps[0];
			g->maps[0] = g->maps[i];
			g->maps[i] = tmp;
			break;
		}
	}
}

static void add_mapping(struct lg *g, const struct lg_mapping *m)
{
	g->maps = xgrow(g->maps, &g->cap_maps, g->n_maps + 1, sizeof(*g->maps));
	g->maps[g->n_maps++] = *m;
}

void lg_remap(struct lg *g)
{
	struct profile *p = g->p;
	size_t n_loc = p->n_locations, n_new = 0, n_fn = 0;
	uint64_t *new_ix = xmalloc((n_loc ? n_loc : 1) * sizeof(*new_ix));
	struct pf_location *locs;
	uint64_t *fn_new;
	struct pf_function *fns;
	ptrdiff_t fake = -1;

	/* remapLocationIDs: by first use in the samples; unused ones go. */
	for (size_t i = 0; i < n_loc; i++)
		new_ix[i] = UINT64_MAX;
	locs = xmalloc((n_loc ? n_loc : 1) * sizeof(*locs));
	for (size_t i = 0; i < p->n_samples; i++) {
		uint64_t *sl = lg_slocs(p, &p->samples[i]);
		for (uint32_t k = 0; k < p->samples[i].n_loc; k++) {
			if (new_ix[sl[k]] == UINT64_MAX) {
				new_ix[sl[k]] = n_new;
				locs[n_new++] = p->locations[sl[k]];
			}
			sl[k] = new_ix[sl[k]];
		}
	}
	free(p->locations);
	p->locations = locs;
	p->n_locations = n_new;
	p->cap_locations = n_loc ? n_loc : 1;
	for (size_t i = 0; i < n_new; i++)
		locs[i].id = i + 1;
	free(new_ix);

	/* remapFunctionIDs: by first use in the locations. */
	fn_new = xmalloc((p->n_functions ? p->n_functions : 1) * sizeof(*fn_new));
	fns = xmalloc((p->n_functions ? p->n_functions : 1) * sizeof(*fns));
	for (size_t i = 0; i < p->n_functions; i++)
		fn_new[i] = 0;
	for (size_t i = 0; i < n_new; i++) {
		struct pf_line *ln = lg_lines(p, &locs[i]);
		for (uint32_t k = 0; k < locs[i].n_line; k++) {
			uint64_t old = ln[k].function_id - 1;
			if (!fn_new[old]) {
				fns[n_fn] = p->functions[old];
				fns[n_fn].id = n_fn + 1;
				fn_new[old] = ++n_fn;
			}
			ln[k].function_id = fn_new[old];
		}
	}
	free(p->functions);
	p->functions = fns;
	p->cap_functions = p->n_functions ? p->n_functions : 1;
	p->n_functions = n_fn;
	free(fn_new);

	/* remapMappingIDs. */
	if (g->n_maps > 1 && strncmp(g->maps[0].file, "/anon_hugepage", 14) == 0 &&
	    g->maps[0].limit == g->maps[1].start) {
		free(g->maps[0].file);
		free(g->maps[0].build_id);
		memmove(g->maps, g->maps + 1, (g->n_maps - 1) * sizeof(*g->maps));
		g->n_maps--;
	}
	if (g->n_maps && g->maps[0].start - g->maps[0].offset == 0x400000) {
		g->maps[0].start = 0x400000;
		g->maps[0].offset = 0;
	}
	for (size_t i = 0; i < n_new; i++) {
		uint64_t a = locs[i].address;
		size_t m;
		if (locs[i].mapping_id || a == 0)
			continue;
		for (m = 0; m < g->n_maps; m++)
			if (g->maps[m].start <= a && a < g->maps[m].limit)
				break;
		if (m == g->n_maps)
			for (m = 0; m < g->n_maps; m++) {
				struct lg_mapping *mm = &g->maps[m];
				if (mm->offset && mm->start - mm->offset <= a && a < mm->start) {
					mm->start -= mm->offset;
					mm->offset = 0;
					break;
				}
			}
		if (m == g->n_maps) {
			if (fake < 0) {
				struct lg_mapping f = { 0, UINT64_MAX, 0, xstrdup(""), xstrdup("") };
				add_mapping(g, &f);
				fake = (ptrdiff_t)g->n_maps - 1;
			}
			m = (size_t)fake;
		}
		locs[i].mapping_id = m + 1;
	}
}

int lg_parse_maps(struct lg *g, struct lscan *s, bool seek_sentinel, struct kerr *err)
{
	struct attr *attrs = NULL;
	size_t n_attrs = 0, cap_attrs = 0;
	struct kbuf line = KBUF_INIT;
	int ret = 0;

	if (seek_sentinel)
		while (!lg_memory_map_sentinel(s->tok, s->tok_n) && lscan_next(s))
			;
	while (lscan_next(s)) {
		const char *t = s->tok;
		size_t n = s->tok_n;
		struct lg_mapping m;
		const char *eq;
		int r;

		strip_log_prefix(&t, &n);
		apply_attrs(attrs, n_attrs, t, n, &line);
		r = mapping_entry(line.buf, line.len, &m);
		if (r == 0) {
			add_mapping(g, &m);
			continue;
		}
		if (r == LG_UNRECOGNIZED && (eq = memchr(line.buf, '=', line.len))) {
			const char *k = line.buf, *v = eq + 1;
			size_t kn = (size_t)(eq - line.buf), vn = line.len - kn - 1;
			struct kbuf key = KBUF_INIT;
			lg_trim(&k, &kn);
			lg_trim(&v, &vn);
			kbuf_addch(&key, '$');
			kbuf_add(&key, k, kn);
			attrs = xgrow(attrs, &cap_attrs, n_attrs + 1, sizeof(*attrs));
			attrs[n_attrs].key = kbuf_detach(&key, NULL);
			attrs[n_attrs++].val = xstrndup(v, vn);
		}
		if (g->max_memory && (g->n_maps + n_attrs) * 64 + profile_memory(g->p) + g->text_n > g->max_memory) {
			ret = kerr_set(err, -E2BIG,
				       "the profile needs more than %llu MiB of memory to load (%zu mappings so far); "
				       "--max-memory SIZE raises the limit",
				       (unsigned long long)(g->max_memory >> 20), g->n_maps);
			goto out;
		}
	}
	if ((ret = lscan_error(s, err)) < 0)
		goto out;
	massage(g);
	lg_remap(g);
out:
	for (size_t i = 0; i < n_attrs; i++) {
		free(attrs[i].key);
		free(attrs[i].val);
	}
	free(attrs);
	kbuf_release(&line);
	return ret;
}

void lg_cleanup_duplicate_leaf(struct lg *g)
{
	struct profile *p = g->p;

	for (size_t i = 0; i < p->n_samples; i++) {
		struct pf_sample *s = &p->samples[i];
		uint64_t *sl = lg_slocs(p, s);
		if (s->n_loc > 1 &&
		    p->locations[sl[0]].address == p->locations[sl[1]].address + 1) {
			memmove(sl + 1, sl + 2, (s->n_loc - 2) * sizeof(*sl));
			s->n_loc--;
		}
	}
}

/* ---- the finished profile --------------------------------------------- */

static bool is_type(const struct profile *p, const char *const *types, size_t n)
{
	if (p->n_sample_type != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(profile_get_str(p, p->sample_type[i].type), types[i]) != 0)
			return false;
	return true;
}

static const char alloc_rx[] =
	"calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|realloc|"
	"tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|tc_posix_memalign|tc_pvalloc|"
	"tc_valloc|tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|tc_new_nothrow|"
	"tc_newarray_nothrow|malloc_zone_malloc|malloc_zone_calloc|malloc_zone_valloc|"
	"malloc_zone_realloc|malloc_zone_memalign|malloc_zone_free|runtime\\..*|BaseArena::.*|"
	"(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|DoSampledAllocation|"
	"MallocedMemBlock::MallocedMemBlock|_M_allocate|__builtin_(vec_)?delete|"
	"__builtin_(vec_)?new|__gnu_cxx::new_allocator::allocate|__libc_malloc|"
	"__malloc_alloc_template::allocate|allocate|cpp_alloc|operator new(\\[\\])?|"
	"simple_alloc::allocate";
static const char alloc_skip_rx[] = "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*";
static const char cpu_rx[] =
	"ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|"
	"__pthread_sighandler|__restore";
static const char lock_rx[] =
	"RecordLockProfileData|(base::)?RecordLockProfileData.*|(base::)?SubmitMutexProfileData.*|"
	"(base::)?SubmitSpinLockProfileData.*|(base::Mutex::)?AwaitCommon.*|"
	"(base::Mutex::)?Unlock.*|(base::Mutex::)?UnlockSlow.*|(base::Mutex::)?ReaderUnlock.*|"
	"(base::MutexLock::)?~MutexLock.*|(Mutex::)?AwaitCommon.*|(Mutex::)?Unlock.*|"
	"(Mutex::)?UnlockSlow.*|(Mutex::)?ReaderUnlock.*|(MutexLock::)?~MutexLock.*|"
	"(SpinLock::)?Unlock.*|(SpinLock::)?SlowUnlock.*|(SpinLockHolder::)?~SpinLockHolder.*";

/* addLegacyFrameInfo. */
static void frame_info(struct profile *p)
{
	static const char *const heapz[][4] = {
		{ "allocations", "size" }, { "objects", "space" },
		{ "inuse_objects", "inuse_space" }, { "alloc_objects", "alloc_space" },
		{ "alloc_objects", "alloc_space", "inuse_objects", "inuse_space" },
	};
	static const char *const contentionz[] = { "contentions", "delay" };

	for (size_t i = 0; i < sizeof(heapz) / sizeof(heapz[0]); i++)
		if (is_type(p, heapz[i], i == 4 ? 4 : 2)) {
			p->drop_frames = profile_str(p, alloc_rx);
			p->keep_frames = profile_str(p, alloc_skip_rx);
			return;
		}
	if (is_type(p, contentionz, 2)) {
		p->drop_frames = profile_str(p, lock_rx);
		p->keep_frames = 0;
		return;
	}
	p->drop_frames = profile_str(p, cpu_rx);
	p->keep_frames = 0;
}

int lg_finish(struct lg *g, struct profile **out, struct kerr *err)
{
	struct profile *p = g->p;
	int ret;

	/* Sample entries become location ids; mappings join the profile. */
	for (size_t i = 0; i < p->n_samples; i++) {
		uint64_t *sl = lg_slocs(p, &p->samples[i]);
		for (uint32_t k = 0; k < p->samples[i].n_loc; k++)
			sl[k] += 1;
	}
	for (size_t i = 0; i < g->n_maps; i++) {
		struct pf_mapping *m = profile_add_mapping(p);
		m->id = i + 1;
		m->memory_start = g->maps[i].start;
		m->memory_limit = g->maps[i].limit;
		m->file_offset = g->maps[i].offset;
		m->filename = profile_str(p, g->maps[i].file);
		m->build_id = profile_str(p, g->maps[i].build_id);
	}
	frame_info(p);
	if ((ret = profile_check(p, err)) < 0)
		return ret;
	profile_index(p);
	*out = p;
	g->p = NULL;
	return 0;
}

int profile_parse_legacy(const char *data, size_t n, uint64_t max_memory,
			 struct profile **out, struct kerr *err)
{
	static int (*const parsers[])(struct lg *, const char *, size_t, struct kerr *) = {
		lg_parse_cpu, lg_parse_heap, lg_parse_count, lg_parse_thread,
		lg_parse_contention, lg_parse_java,
	};
	int ret = LG_UNRECOGNIZED;

	*out = NULL;
	for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++) {
		struct lg g;
		lg_init(&g, max_memory);
		g.text_n = n;
		ret = parsers[i](&g, data, n, err);
		if (ret == 0)
			ret = lg_finish(&g, out, err);
		lg_release(&g);
		if (ret != LG_UNRECOGNIZED)
			return ret;
	}
	return kerr_set(err, -ENOMSG, "unrecognized profile format");
}
