/* perf's event syntax → struct kevent: one recursive-descent pass over a
 * short string ("cycles:u,{task-clock,sched:*}:S,cpu/event=0x3c/").
 * Names resolve against the built-in tables, then sysfs PMUs (formats and
 * aliases) and tracefs, both under roots the caller may redirect, so the
 * parser is a pure function of the string and those trees. Errors carry
 * the byte offset of the offending character. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/vec.h"
#include "internal.h"

#define MODIFIER_CHARS "ukhIGHpSDe"

struct parser {
	const char *spec;
	size_t pos;
	struct events_env *env;
	struct kerr *err;
	struct event_list *out;
	const char *tracefs;           /* resolved on first tracepoint */
	VEC(struct pmu) pmus;          /* PMUs read so far */
	bool all_pmus;                 /* every PMU in sysfs is in pmus */
	VEC(unsigned char) exclude_gh; /* per event: :G or :H seen (perf's exclude_GH) */
};

/* ---- errors ----------------------------------------------------------- */

static int perr(struct parser *P, size_t at, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int perr(struct parser *P, size_t at, int code, const char *fmt, ...)
{
	char what[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (P->env)
		P->env->err_pos = (int)at;
	return kerr_set(P->err, code, "bad event '%s' at column %zu: %s", P->spec, at + 1, what);
}

void events_caret(const char *spec, int pos, struct kbuf *out)
{
	if (pos < 0)
		return;
	kbuf_addf(out, "  %s\n  %*s^\n", spec, pos, "");
}

/* ---- lexing helpers --------------------------------------------------- */

static char peek(const struct parser *P)
{
	return P->spec[P->pos];
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' || c == '*' ||
	       c == '?' || c == '[' || c == ']' || c == '@';
}

static bool has_glob(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[')
			return true;
	return false;
}

static size_t name_len(const char *s)
{
	size_t n = 0;

	while (is_name_char(s[n]))
		n++;
	return n;
}

static void skip_ws(struct parser *P)
{
	while (P->spec[P->pos] == ' ' || P->spec[P->pos] == '\t')
		P->pos++;
}

/* ---- event list management -------------------------------------------- */

static struct kevent *add_event(struct parser *P)
{
	struct kevent *ev = vec_add(P->out);

	ev->attr.size = sizeof(ev->attr);
	/* perf counts the host only unless :G says otherwise. */
	ev->attr.exclude_guest = 1;
	ev->leader = (int)(P->out->n - 1);
	ev->scale = 1.0;
	vec_push(&P->exclude_gh, 0);
	return ev;
}

static void kevent_clear(struct kevent *ev)
{
	free(ev->name);
	free(ev->pmu);
	free(ev->unit);
}

void event_list_release(struct event_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		kevent_clear(&l->v[i]);
	vec_free(l);
}

bool kevent_is_clock(const struct kevent *ev)
{
	return ev->tool == KEVENT_TOOL_NONE && ev->attr.type == PERF_TYPE_SOFTWARE &&
	       (ev->attr.config == PERF_COUNT_SW_TASK_CLOCK ||
		ev->attr.config == PERF_COUNT_SW_CPU_CLOCK);
}

/* ---- PMUs ------------------------------------------------------------- */

/* Returns the PMU called name[0..len), reading it on first use; NULL when
 * there is none (err untouched) or on a read error (*ret set). */
static struct pmu *find_pmu(struct parser *P, const char *name, size_t len, int *ret,
			    struct kerr *err)
{
	struct pmu p;
	int r;

	*ret = 0;
	for (size_t i = 0; i < P->pmus.n; i++)
		if (strlen(P->pmus.v[i].name) == len && !strncmp(P->pmus.v[i].name, name, len))
			return &P->pmus.v[i];
	r = pmu_load(P->env->sysfs_root, name, len, &p, err);
	if (r == -ENOENT)
		return NULL;
	if (r < 0) {
		*ret = r;
		return NULL;
	}
	vec_push(&P->pmus, p);
	return &P->pmus.v[P->pmus.n - 1];
}

static int load_all_pmus(struct parser *P)
{
	char **names;
	size_t n;
	int ret;

	if (P->all_pmus)
		return 0;
	ret = pmu_names(P->env->sysfs_root, &names, &n, NULL);
	if (ret < 0)
		return 0; /* no sysfs PMU list: nothing more to search */
	/* A PMU that cannot be read is skipped here: it only matters when the
	 * user names it, and find_pmu() reports it then. */
	for (size_t i = 0; i < n; i++)
		find_pmu(P, names[i], strlen(names[i]), &ret, NULL);
	pmu_names_free(names, n);
	P->all_pmus = true;
	return 0;
}

/* ---- terms: pmu/event=0x3c,umask=1,name=x/ ----------------------------- */

struct term_ctx {
	struct parser *P;
	struct kevent *ev;
	const struct pmu *pmu;   /* NULL for a built-in event with terms */
	const char *text;        /* the terms being read */
	size_t base;             /* offset of text in P->spec, or SIZE_MAX for sysfs text */
	const char *alias_name;  /* when reading an alias file, for messages */
	char pending[8][32];     /* fields an alias left as '?' */
	int npending;
};

static int term_err(struct term_ctx *T, size_t at, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int term_err(struct term_ctx *T, size_t at, int code, const char *fmt, ...)
{
	char what[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (T->base == SIZE_MAX)
		return kerr_set(T->P->err, code, "PMU %s alias '%s' (\"%s\") in sysfs: %s",
				T->pmu ? T->pmu->name : "?", T->alias_name, T->text, what);
	return perr(T->P, T->base + at, code, "%s", what);
}

static void list_terms(const struct pmu *pmu, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; pmu && i < pmu->nformats && used + 2 < n; i++)
		used += snprintf(buf + used, n - used, "%s, ", pmu->formats[i].name);
	if (used < n)
		snprintf(buf + used, n - used, "config, config1, config2, name, period, freq");
}

static int read_terms(struct term_ctx *T, size_t *pos, char end);

static void clear_pending(struct term_ctx *T, const char *name, size_t len)
{
	for (int i = 0; i < T->npending; i++)
		if (strlen(T->pending[i]) == len && !strncmp(T->pending[i], name, len)) {
			memmove(T->pending[i], T->pending[T->npending - 1], sizeof(T->pending[i]));
			T->npending--;
			return;
		}
}

static int apply_alias(struct term_ctx *T, const struct pmu_alias *a)
{
	struct term_ctx A = *T;
	size_t pos = 0;
	int ret;

	A.text = a->terms;
	A.base = SIZE_MAX;
	A.alias_name = a->name;
	ret = read_terms(&A, &pos, '\0');
	if (ret < 0)
		return ret;
	T->npending = A.npending;
	memcpy(T->pending, A.pending, sizeof(T->pending));
	if (a->unit) {
		free(T->ev->unit);
		T->ev->unit = xstrdup(a->unit);
	}
	T->ev->scale = a->scale;
	return 0;
}

/* One term at text[*pos]. */
static int read_term(struct term_ctx *T, size_t *pos)
{
	const char *s = T->text + *pos;
	size_t start = *pos, nlen = 0, vstart = 0, vlen = 0;
	bool has_value = false, is_query = false;
	uint64_t v = 1;
	struct perf_event_attr *attr = &T->ev->attr;
	const struct pmu_format *f;
	char valid[256];

	if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return term_err(T, start, -EINVAL, "expected a term name (like event=0x3c)");
	while (isalnum((unsigned char)s[nlen]) || s[nlen] == '_' || s[nlen] == '-' ||
	       s[nlen] == '.')
		nlen++;
	*pos += nlen;
	if (T->text[*pos] == '=') {
		const char *val;
		char *end;

		has_value = true;
		(*pos)++;
		vstart = *pos;
		val = T->text + vstart;
		while (val[vlen] && val[vlen] != ',' && val[vlen] != '/')
			vlen++;
		*pos += vlen;
		if (vlen == 1 && val[0] == '?') {
			is_query = true;
		} else if (!(nlen == 4 && !strncmp(s, "name", 4))) {
			errno = 0;
			v = strtoull(val, &end, 0);
			if (vlen == 0 || errno || (size_t)(end - val) != vlen)
				return term_err(T, vstart, -EINVAL, "'%.*s' is not a number",
						(int)vlen, val);
		}
	}

#define TERM(lit) (nlen == sizeof(lit) - 1 && !strncmp(s, lit, nlen))
	if (TERM("name")) {
		if (!has_value || !vlen)
			return term_err(T, start, -EINVAL, "name= needs a value");
		free(T->ev->name);
		T->ev->name = xstrndup(T->text + vstart, vlen);
		return 0;
	}
	if (is_query) {
		if (T->base != SIZE_MAX)
			return term_err(T, vstart, -EINVAL, "'?' is only for sysfs aliases");
		if (T->npending < 8 && nlen < sizeof(T->pending[0]))
			snprintf(T->pending[T->npending++], sizeof(T->pending[0]), "%.*s",
				 (int)nlen, s);
		return 0;
	}
	clear_pending(T, s, nlen);
	if (TERM("config") || TERM("config1") || TERM("config2")) {
		if (!has_value)
			return term_err(T, start, -EINVAL, "%.*s needs a value", (int)nlen, s);
		if (TERM("config"))
			attr->config = v;
		else if (TERM("config1"))
			attr->config1 = v;
		else
			attr->config2 = v;
		return 0;
	}
	if (TERM("period")) {
		attr->sample_period = v;
		attr->freq = 0;
		return 0;
	}
	if (TERM("freq")) {
		attr->sample_freq = v;
		attr->freq = 1;
		return 0;
	}
#undef TERM
	if (T->pmu && (f = pmu_find_format(T->pmu, s, nlen)) != NULL) {
		if (pmu_format_apply(f, v, attr) < 0)
			return term_err(T, has_value ? vstart : start, -ERANGE,
					"value %#llx does not fit in '%s' (%d bits)",
					(unsigned long long)v, f->name, pmu_format_bits(f));
		return 0;
	}
	if (T->pmu && !has_value && T->base != SIZE_MAX) {
		const struct pmu_alias *a = pmu_find_alias(T->pmu, s, nlen);
		if (a)
			return apply_alias(T, a);
	}
	list_terms(T->pmu, valid, sizeof(valid));
	return term_err(T, start, -EINVAL, "unknown term '%.*s'%s%s (known: %s)", (int)nlen, s,
			T->pmu ? " for PMU " : "", T->pmu ? T->pmu->name : "", valid);
}

/* Terms separated by ',' until `end` ('/' in a spec, '\0' in an alias). */
static int read_terms(struct term_ctx *T, size_t *pos, char end)
{
	for (;;) {
		int ret;

		if (T->text[*pos] == end && end == '/')
			return 0; /* "pmu//" or a trailing ',' before '/' */
		if (!T->text[*pos]) {
			if (end == '\0')
				return 0;
			return term_err(T, *pos, -EINVAL, "missing closing '/'");
		}
		ret = read_term(T, pos);
		if (ret < 0)
			return ret;
		if (T->text[*pos] == ',') {
			(*pos)++;
			continue;
		}
		if (T->text[*pos] == end)
			return 0;
		if (!T->text[*pos])
			return term_err(T, *pos, -EINVAL, "missing closing '/'");
		return term_err(T, *pos, -EINVAL, "expected ',' or '/' after a term, not '%c'",
				T->text[*pos]);
	}
}

/* Reads "/terms/" at P->pos into ev; pmu NULL for built-in events. */
static int parse_slash_terms(struct parser *P, struct kevent *ev, const struct pmu *pmu)
{
	struct term_ctx T = { P, ev, pmu, P->spec, 0, NULL, { { 0 } }, 0 };
	size_t pos = P->pos + 1; /* after the first '/' */
	int ret = read_terms(&T, &pos, '/');

	if (ret < 0)
		return ret;
	if (T.npending)
		return perr(P, pos, -EINVAL, "the event needs a value for '%s' (add %s=N)",
			    T.pending[0], T.pending[0]);
	P->pos = pos + 1; /* past the closing '/' */
	return 0;
}

/* ---- modifiers -------------------------------------------------------- */

/* perf's modifier semantics: the first of u/k/h excludes everything
 * else, later ones add back; likewise G/H for guest/host. */
static int apply_modifiers(struct parser *P, size_t idx, const char *mods, size_t len,
			   size_t at, bool is_leader)
{
	struct kevent *ev = &P->out->v[idx];
	struct perf_event_attr *a = &ev->attr;
	int eu = a->exclude_user, ek = a->exclude_kernel, eh = a->exclude_hv;
	int eH = a->exclude_host, eG = a->exclude_guest;
	int exclude = eu | ek | eh, exclude_gh = P->exclude_gh.v[idx];
	int precise = a->precise_ip;

	for (size_t i = 0; i < len; i++) {
		switch (mods[i]) {
		case 'u':
			if (!exclude)
				exclude = eu = ek = eh = 1;
			if (!exclude_gh)
				eG = 1;
			eu = 0;
			break;
		case 'k':
			if (!exclude)
				exclude = eu = ek = eh = 1;
			ek = 0;
			break;
		case 'h':
			if (!exclude)
				exclude = eu = ek = eh = 1;
			eh = 0;
			break;
		case 'G':
			if (!exclude_gh)
				exclude_gh = eG = eH = 1;
			eG = 0;
			break;
		case 'H':
			if (!exclude_gh)
				exclude_gh = eG = eH = 1;
			eH = 0;
			break;
		case 'I':
			a->exclude_idle = 1;
			break;
		case 'p':
			precise++;
			if (!exclude_gh)
				eG = 1;
			break;
		case 'S':
			ev->sample_read = true;
			break;
		case 'D':
			a->pinned = is_leader;
			break;
		case 'e':
			a->exclusive = is_leader;
			break;
		default:
			return perr(P, at + i, -EINVAL, "unknown modifier '%c' (known: "
				    "u k h I G H p pp ppp S D e)", mods[i]);
		}
	}
	if (precise > 3)
		return perr(P, at, -EINVAL, "at most 3 p's (:ppp) for precise_ip");
	a->exclude_user = eu;
	a->exclude_kernel = ek;
	a->exclude_hv = eh;
	a->exclude_host = eH;
	a->exclude_guest = eG;
	a->precise_ip = precise;
	P->exclude_gh.v[idx] = (unsigned char)exclude_gh;
	return 0;
}

static size_t modifier_run(const char *s)
{
	size_t n = 0;

	while (s[n] && strchr(MODIFIER_CHARS, s[n]))
		n++;
	return n;
}

/* Reads ":mods" at P->pos (if present) and applies them to events
 * [first, P->out->n). After a PMU's closing '/' perf also takes the
 * letters without the colon ("cpu/event=0x3c/u"): colon_optional. */
static int parse_modifiers_at(struct parser *P, size_t first, bool colon_optional)
{
	size_t at, len;
	int ret;

	if (peek(P) == ':')
		at = ++P->pos;
	else if (colon_optional && isalpha((unsigned char)peek(P)))
		at = P->pos;
	else
		return 0;
	len = 0;
	while (isalpha((unsigned char)P->spec[at + len]))
		len++;
	if (!len)
		return perr(P, at, -EINVAL, "expected modifiers after ':'");
	for (size_t i = first; i < P->out->n; i++) {
		ret = apply_modifiers(P, i, P->spec + at, len, at,
				      P->out->v[i].leader == (int)i);
		if (ret < 0)
			return ret;
	}
	P->pos = at + len;
	return 0;
}

static int parse_modifiers(struct parser *P, size_t first)
{
	return parse_modifiers_at(P, first, false);
}

/* ---- event kinds ------------------------------------------------------ */

static void set_name(struct kevent *ev, const char *s, size_t len)
{
	if (!ev->name)
		ev->name = xstrndup(s, len);
}

static bool parse_raw(const char *s, size_t len, uint64_t *config)
{
	char *end;

	if (len < 2 || s[0] != 'r')
		return false;
	for (size_t i = 1; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	if (len - 1 > 16)
		return false;
	*config = strtoull(s + 1, &end, 16);
	return true;
}

static int tracefs_root(struct parser *P, size_t at)
{
	struct kerr why = KERR_INIT;
	int ret;

	if (P->tracefs)
		return 0;
	if (P->env->tracefs_root) {
		P->tracefs = P->env->tracefs_root;
		return 0;
	}
	ret = events_tracefs_root(&P->tracefs, &why);
	if (ret < 0)
		return perr(P, at, ret, "tracepoints need tracefs: %s", why.msg);
	return 0;
}

/* Does the name [s, len) resolve to a non-tracepoint event? */
static bool is_known_name(struct parser *P, const char *s, size_t len)
{
	uint64_t cfg;

	if (events_find_symbol(s, len) || events_find_tool(s, len) ||
	    events_parse_cache(s, len, &cfg, NULL) != 0 || parse_raw(s, len, &cfg))
		return true;
	if (load_all_pmus(P) < 0)
		return false;
	for (size_t i = 0; i < P->pmus.n; i++)
		if (pmu_find_alias(&P->pmus.v[i], s, len))
			return true;
	return false;
}

/* Tracepoint sys:name (either may be a glob) at [start, start+len). */
static int add_tracepoint(struct parser *P, size_t start, size_t syslen, size_t namestart,
			  size_t namelen)
{
	char *sys = xstrndup(P->spec + start, syslen);
	char *name = xstrndup(P->spec + namestart, namelen);
	size_t first = P->out->n;
	int ret = tracefs_root(P, start);

	if (ret < 0)
		goto out_names;
	if (has_glob(sys, syslen) || has_glob(name, namelen)) {
		struct tp_name *tps = NULL;
		size_t n = 0;
		struct kerr why = KERR_INIT;

		ret = tracefs_glob(P->tracefs, sys, name, &tps, &n, &why);
		if (ret < 0) {
			ret = perr(P, start, ret, "%s", why.msg);
			goto out_names;
		}
		if (!n) {
			ret = perr(P, start, -ENOENT, "no tracepoint matches '%s:%s' (see "
				   "'kiln list tracepoint')", sys, name);
			goto out_names;
		}
		for (size_t i = 0; i < n; i++) {
			struct kevent *ev = add_event(P);
			struct kbuf b = KBUF_INIT;

			ev->attr.type = PERF_TYPE_TRACEPOINT;
			ev->attr.config = tps[i].id;
			ev->attr.sample_period = 1;
			kbuf_addf(&b, "%s:%s", tps[i].sys, tps[i].name);
			ev->name = kbuf_detach(&b, NULL);
		}
		tracefs_names_free(tps, n);
	} else {
		uint64_t id;
		struct kevent *ev;

		ret = tracefs_event_id(P->tracefs, sys, name, &id);
		if (ret == -ENOENT) {
			ret = perr(P, start, -ENOENT, "unknown tracepoint '%s:%s' (not in "
				   "%s/events; see 'kiln list tracepoint')", sys, name, P->tracefs);
			goto out_names;
		}
		if (ret < 0) {
			ret = perr(P, start, ret, "cannot read the id of tracepoint '%s:%s': %s",
				   sys, name, strerror(-ret));
			goto out_names;
		}
		ev = add_event(P);
		ev->attr.type = PERF_TYPE_TRACEPOINT;
		ev->attr.config = id;
		ev->attr.sample_period = 1;
	}
	P->pos = namestart + namelen;
	ret = parse_modifiers(P, first);
	if (ret == 0 && P->out->n == first + 1)
		set_name(&P->out->v[first], P->spec + start, P->pos - start);
	else if (ret == 0 && P->pos > namestart + namelen) {
		/* A glob: keep each expanded name and add the modifiers. */
		const char *mods = P->spec + namestart + namelen;
		size_t mlen = P->pos - (namestart + namelen);

		for (size_t i = first; i < P->out->n; i++) {
			struct kbuf b = KBUF_INIT;
			kbuf_addf(&b, "%s%.*s", P->out->v[i].name, (int)mlen, mods);
			free(P->out->v[i].name);
			P->out->v[i].name = kbuf_detach(&b, NULL);
		}
	}
out_names:
	free(name);
	free(sys);
	return ret;
}

/* mem:ADDR[/LEN][:rwx] — a hardware breakpoint. */
static int add_breakpoint(struct parser *P)
{
	size_t start = P->pos, at = P->pos + 4;
	const char *s = P->spec + at;
	struct kevent *ev;
	uint64_t addr, len = 0;
	unsigned type = 0;
	char *end;

	errno = 0;
	addr = strtoull(s, &end, 0);
	if (end == s || errno)
		return perr(P, at, -EINVAL, "expected an address after 'mem:'");
	at += end - s;
	if (P->spec[at] == '/') {
		s = P->spec + at + 1;
		len = strtoull(s, &end, 0);
		if (end == s || !(len == 1 || len == 2 || len == 4 || len == 8))
			return perr(P, at + 1, -EINVAL, "breakpoint length must be 1, 2, 4 or 8");
		at += 1 + (end - s);
	}
	if (P->spec[at] == ':' && strchr("rwx", P->spec[at + 1]) && P->spec[at + 1]) {
		at++;
		while (P->spec[at] && strchr("rwx", P->spec[at])) {
			type |= P->spec[at] == 'r' ? 1 : P->spec[at] == 'w' ? 2 : 4;
			at++;
		}
	}
	if (!type)
		type = 1 | 2; /* HW_BREAKPOINT_RW, perf's default */
	if ((type & 4) && (type & 3))
		return perr(P, start, -EINVAL, "a breakpoint is either execute or read/write");
	ev = add_event(P);
	ev->attr.type = PERF_TYPE_BREAKPOINT;
	ev->attr.bp_type = type;
	ev->attr.bp_addr = addr;
	ev->attr.bp_len = len ? len : (type & 4) ? sizeof(long) : 4;
	ev->attr.sample_period = 1;
	P->pos = at;
	int ret = parse_modifiers(P, P->out->n - 1);
	if (ret < 0)
		return ret;
	ev = &P->out->v[P->out->n - 1];
	set_name(ev, P->spec + start, P->pos - start);
	return 0;
}

/* A bare name: symbolic, tool, cache, raw, or a PMU alias. */
static int add_named(struct parser *P, size_t start, size_t len)
{
	const char *s = P->spec + start;
	const struct sym_event *sym;
	enum kevent_tool tool;
	uint64_t config;
	struct kevent *ev;
	struct kerr why = KERR_INIT;
	int ret;

	if ((sym = events_find_symbol(s, len)) != NULL) {
		ev = add_event(P);
		ev->attr.type = sym->type;
		ev->attr.config = sym->config;
		return 0;
	}
	if ((tool = events_find_tool(s, len)) != KEVENT_TOOL_NONE) {
		if (!(P->env->flags & EVENTS_ALLOW_TOOL))
			return perr(P, start, -EINVAL, "'%.*s' is computed by 'kiln stat' and "
				    "cannot be used here", (int)len, s);
		ev = add_event(P);
		ev->tool = tool;
		ev->attr.type = PERF_TYPE_SOFTWARE;
		ev->attr.config = PERF_COUNT_SW_DUMMY;
		return 0;
	}
	ret = events_parse_cache(s, len, &config, &why);
	if (ret < 0)
		return perr(P, start, ret, "%s", why.msg);
	if (ret > 0) {
		ev = add_event(P);
		ev->attr.type = PERF_TYPE_HW_CACHE;
		ev->attr.config = config;
		return 0;
	}
	if (parse_raw(s, len, &config)) {
		ev = add_event(P);
		ev->attr.type = PERF_TYPE_RAW;
		ev->attr.config = config;
		return 0;
	}
	/* A PMU alias without its PMU ("tsc" for msr/tsc/): one event per
	 * PMU that has it, as perf does for uncore PMUs with many instances. */
	ret = load_all_pmus(P);
	if (ret < 0)
		return perr(P, start, ret, "%s", P->err ? P->err->msg : "cannot read PMUs");
	{
		size_t first = P->out->n;

		for (size_t i = 0; i < P->pmus.n; i++) {
			const struct pmu *pmu = &P->pmus.v[i];
			const struct pmu_alias *a = pmu_find_alias(pmu, s, len);
			struct term_ctx T = { P, NULL, pmu, NULL, 0, NULL, { { 0 } }, 0 };

			if (!a)
				continue;
			ev = add_event(P);
			ev->attr.type = pmu->type;
			ev->pmu = xstrdup(pmu->name);
			T.ev = ev;
			ret = apply_alias(&T, a);
			if (ret < 0)
				return ret;
			if (T.npending)
				return perr(P, start, -EINVAL, "'%.*s' needs a value for '%s'; write "
					    "%s/%.*s,%s=N/", (int)len, s, T.pending[0], pmu->name,
					    (int)len, s, T.pending[0]);
		}
		if (P->out->n > first)
			return 0;
	}
	return perr(P, start, -ENOENT, "unknown event '%.*s' (see 'kiln list')", (int)len, s);
}

static int parse_event(struct parser *P)
{
	size_t start = P->pos, len, first = P->out->n;
	const char *s = P->spec + start;
	int ret;

	if (!strncmp(s, "mem:", 4))
		return add_breakpoint(P);
	len = name_len(s);
	if (!len) {
		if (!*s)
			return perr(P, start, -EINVAL, "expected an event name at the end");
		return perr(P, start, -EINVAL, "expected an event name, not '%c'", *s);
	}

	if (s[len] == '/') {
		struct pmu *pmu = find_pmu(P, s, len, &ret, P->err);
		struct kevent *ev;

		if (ret < 0)
			return perr(P, start, ret, "%s", P->err ? P->err->msg : "cannot read PMU");
		P->pos = start + len;
		if (pmu) {
			ev = add_event(P);
			ev->attr.type = pmu->type;
			ev->pmu = xstrdup(pmu->name);
			ret = parse_slash_terms(P, ev, pmu);
		} else if (events_find_symbol(s, len)) {
			ret = add_named(P, start, len);
			if (ret == 0)
				ret = parse_slash_terms(P, &P->out->v[P->out->n - 1], NULL);
		} else {
			return perr(P, start, -ENOENT, "unknown PMU '%.*s' (the PMUs are in "
				    "%s/bus/event_source/devices)", (int)len, s,
				    P->env->sysfs_root ? P->env->sysfs_root : EVENTS_SYSFS_DEFAULT);
		}
		if (ret < 0)
			return ret;
		ret = parse_modifiers_at(P, first, true);
		if (ret == 0)
			set_name(&P->out->v[first], s, P->pos - start);
		return ret;
	}

	if (s[len] == ':' && s[len + 1]) {
		const char *t = s + len + 1;
		size_t tlen = name_len(t);
		bool mods_only = tlen && modifier_run(t) == tlen;

		/* "cycles:u" is an event with modifiers; "sched:sched_switch" is a
		 * tracepoint. Modifier letters after a known name decide it. */
		if (!(mods_only && is_known_name(P, s, len))) {
			if (tlen == 0)
				return perr(P, start + len + 1, -EINVAL,
					    "expected modifiers or a tracepoint name after ':'");
			ret = tracefs_root(P, start);
			if (ret == 0) {
				char *sys = xstrndup(s, len);
				/* Does such a subsystem exist? Decides which error to give. */
				bool sys_exists = has_glob(s, len) ||
						  tracefs_has_system(P->tracefs, sys);

				free(sys);
				if (sys_exists || !is_known_name(P, s, len))
					return add_tracepoint(P, start, len, start + len + 1, tlen);
			} else if (!is_known_name(P, s, len)) {
				return ret; /* tracefs_root() explained */
			}
			/* A known event with a bad modifier. */
			size_t bad = modifier_run(t);
			return perr(P, start + len + 1 + bad, -EINVAL, "unknown modifier '%c' "
				    "(known: u k h I G H p pp ppp S D e)", t[bad]);
		}
	}

	ret = add_named(P, start, len);
	if (ret < 0)
		return ret;
	P->pos = start + len;
	ret = parse_modifiers(P, first);
	if (ret == 0)
		for (size_t i = first; i < P->out->n; i++)
			set_name(&P->out->v[i], s, P->pos - start);
	return ret;
}

static int parse_group(struct parser *P)
{
	size_t open = P->pos, first = P->out->n;
	int ret;

	P->pos++;
	for (;;) {
		skip_ws(P);
		if (peek(P) == '{')
			return perr(P, P->pos, -EINVAL, "groups cannot be nested");
		if (peek(P) == '}' && P->out->n == first)
			return perr(P, P->pos, -EINVAL, "empty group");
		ret = parse_event(P);
		if (ret < 0)
			return ret;
		skip_ws(P);
		if (peek(P) == ',') {
			P->pos++;
			continue;
		}
		if (peek(P) == '}')
			break;
		if (!peek(P))
			return perr(P, open, -EINVAL, "group not closed: missing '}'");
		return perr(P, P->pos, -EINVAL, "expected ',' or '}' in a group, not '%c'",
			    peek(P));
	}
	P->pos++;
	for (size_t i = first; i < P->out->n; i++) {
		P->out->v[i].leader = (int)first;
		if (i != first) /* the kernel allows these on leaders only */
			P->out->v[i].attr.pinned = P->out->v[i].attr.exclusive = 0;
	}
	return parse_modifiers(P, first);
}

int events_parse_env(const char *spec, struct events_env *env, struct event_list *out,
		     struct kerr *err)
{
	struct parser P = { 0 };
	size_t first = out->n;
	int ret = 0;

	P.spec = spec;
	P.env = env;
	P.err = err;
	P.out = out;
	env->err_pos = -1;
	/* Slots for events already in the list, so indices line up. */
	for (size_t i = 0; i < out->n; i++)
		vec_push(&P.exclude_gh, 0);

	skip_ws(&P);
	if (!peek(&P)) {
		ret = perr(&P, 0, -EINVAL, "no event given");
		goto out_parser;
	}
	for (;;) {
		skip_ws(&P);
		ret = peek(&P) == '{' ? parse_group(&P) : parse_event(&P);
		if (ret < 0)
			goto out_events;
		skip_ws(&P);
		if (!peek(&P))
			break;
		if (peek(&P) != ',') {
			ret = perr(&P, P.pos, -EINVAL, "expected ',' between events, not '%c'",
				   peek(&P));
			goto out_events;
		}
		P.pos++;
		skip_ws(&P);
		if (!peek(&P)) {
			ret = perr(&P, P.pos, -EINVAL, "expected an event after ','");
			goto out_events;
		}
	}
	goto out_parser;

out_events:
	for (size_t i = first; i < out->n; i++)
		kevent_clear(&out->v[i]);
	out->n = first;
out_parser:
	for (size_t i = 0; i < P.pmus.n; i++)
		pmu_release(&P.pmus.v[i]);
	vec_free(&P.pmus);
	vec_free(&P.exclude_gh);
	return ret;
}

int events_parse(const char *spec, struct event_list *out, struct kerr *err)
{
	struct events_env env = EVENTS_ENV_INIT;

	return events_parse_env(spec, &env, out, err);
}
