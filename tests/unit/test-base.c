/* Unit tests for the base module: buffers, vectors, maps, interning, arena,
 * and the total number conversions of num.h at their edges. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/hashmap.h"
#include "base/num.h"
#include "base/strtab.h"
#include "base/textsafe.h"
#include "base/vec.h"
#include "check.h"

static void test_buf(void)
{
	struct kbuf b = KBUF_INIT;
	char *s;
	size_t len;

	CHECK_STR(b.buf, "");
	kbuf_addstr(&b, "abc");
	kbuf_addf(&b, "-%d-", 42);
	for (int i = 0; i < 1000; i++)
		kbuf_addch(&b, 'x');
	CHECK_EQ(b.len, 3 + 4 + 1000);
	CHECK(strncmp(b.buf, "abc-42-x", 8) == 0);
	CHECK_EQ(b.buf[b.len], 0);
	s = kbuf_detach(&b, &len);
	CHECK_EQ(len, 1007);
	CHECK_STR(b.buf, "");
	free(s);
	kbuf_release(&b);
}

static void test_vec(void)
{
	VEC(int) v = VEC_INIT;

	for (int i = 0; i < 100; i++)
		vec_push(&v, i * 2);
	CHECK_EQ(v.n, 100);
	CHECK_EQ(v.v[99], 198);
	*(int *)vec_add(&v) = 7;
	CHECK_EQ(v.v[100], 7);
	vec_free(&v);
	CHECK(v.v == NULL);
}

static void test_map(void)
{
	struct u64map m = U64MAP_INIT;
	uint64_t v;
	bool added;

	CHECK(!u64map_get(&m, 5, &v));
	for (uint64_t i = 0; i < 10000; i++)
		u64map_put(&m, i * 7919, i);
	CHECK_EQ(u64map_size(&m), 10000);
	CHECK(u64map_get(&m, 7919 * 1234, &v));
	CHECK_EQ(v, 1234);
	CHECK(!u64map_get(&m, 3, &v));
	(*u64map_slot(&m, 3, 100, &added))++;
	CHECK(added);
	CHECK(u64map_get(&m, 3, &v));
	CHECK_EQ(v, 101);
	u64map_release(&m);
}

static void test_strtab(void)
{
	struct strtab t = STRTAB_INIT;
	char name[32];

	strtab_init(&t);
	CHECK_EQ(strtab_intern_cstr(&t, ""), 0);
	CHECK_EQ(strtab_intern_cstr(&t, "main"), 1);
	CHECK_EQ(strtab_intern_cstr(&t, "leaf"), 2);
	CHECK_EQ(strtab_intern_cstr(&t, "main"), 1);
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		CHECK_EQ(strtab_intern_cstr(&t, name), 3 + i);
	}
	CHECK_STR(strtab_get(&t, 3 + 4999), "f4999");
	CHECK_STR(strtab_get(&t, 1), "main");
	CHECK_STR(strtab_get(&t, 999999), "");
	CHECK_EQ(strtab_append(&t, "main", 4), 5003);
	CHECK_EQ(strtab_intern_cstr(&t, "main"), 1);
	strtab_release(&t);
}

static void test_arena(void)
{
	struct arena a = ARENA_INIT;
	char *p[2000];

	for (int i = 0; i < 2000; i++) {
		char s[16];
		snprintf(s, sizeof(s), "s%d", i);
		p[i] = arena_strdup(&a, s);
	}
	(void)arena_alloc(&a, 100000);
	CHECK_STR(p[0], "s0");
	CHECK_STR(p[1999], "s1999");
	arena_release(&a);
}

static void test_num(void)
{
	/* volatile: the values come from a profile, not from constants. */
	volatile int64_t min = INT64_MIN, max = INT64_MAX;
	volatile double nan_ = NAN, big = 4.1801e19, inf = INFINITY;

	CHECK(mag64(min) == UINT64_C(9223372036854775808));
	CHECK(mag64(max) == (uint64_t)INT64_MAX);
	CHECK(mag64(-5) == 5 && mag64(5) == 5 && mag64(0) == 0);
	CHECK_EQ(go_abs64(min), INT64_MIN); /* as Go's -x wraps */
	CHECK_EQ(go_abs64(-max), INT64_MAX);
	CHECK_EQ(go_abs64(-7), 7);
	CHECK_EQ(go_add64(max, 1), INT64_MIN);
	CHECK_EQ(go_add64(min, -1), INT64_MAX);
	CHECK_EQ(go_add64(40, 2), 42);
	CHECK_EQ(go_mul64(max, 2), -2);
	CHECK_EQ(go_mul64(min, -1), INT64_MIN);
	CHECK_EQ(go_div64(min, -1), INT64_MIN);
	CHECK_EQ(go_div64(-7, 2), -3);
	CHECK_EQ(f64_to_i64(big), INT64_MAX);
	CHECK_EQ(f64_to_i64(-big), INT64_MIN);
	CHECK_EQ(f64_to_i64(inf), INT64_MAX);
	CHECK_EQ(f64_to_i64(-inf), INT64_MIN);
	CHECK_EQ(f64_to_i64(nan_), 0);
	CHECK_EQ(f64_to_i64(9223372036854775808.0), INT64_MAX); /* 2^63 */
	CHECK_EQ(f64_to_i64(-9223372036854775808.0), INT64_MIN);
	CHECK_EQ(f64_to_i64(9223372036854774784.0), 9223372036854774784LL); /* largest below */
	CHECK_EQ(f64_to_i64(-2.9), -2);
	CHECK_EQ(f64_to_i64(2.9), 2);
	CHECK(f64_to_u64(big) == UINT64_MAX);
	CHECK(f64_to_u64(18446744073709551616.0) == UINT64_MAX);
	CHECK(f64_to_u64(18446744073709549568.0) == UINT64_C(18446744073709549568));
	CHECK(f64_to_u64(-1.5) == 0 && f64_to_u64(nan_) == 0);
	CHECK(f64_to_u64(3.7) == 3);
}

/* esc(s) is s as a text output prints it. */
static const char *esc(struct kbuf *b, const char *s, unsigned keep)
{
	kbuf_reset(b);
	text_escape(b, s, strlen(s), keep);
	return b->buf;
}

static void test_textsafe(void)
{
	struct kbuf b = KBUF_INIT;
	struct strtab t;

	/* Passes unchanged: printable ASCII, backslash, valid UTF-8 of 2-4
	 * bytes up to U+10FFFF, U+00A0 just past the C1 block. */
	CHECK_STR(esc(&b, "main \\x1b ok", 0), "main \\x1b ok");
	CHECK_STR(esc(&b, "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x94\xa5 \xf4\x8f\xbf\xbf", 0),
		  "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x94\xa5 \xf4\x8f\xbf\xbf");
	CHECK_STR(esc(&b, "\xc2\xa0", 0), "\xc2\xa0");
	/* C0 controls, DEL, C1 controls (both bytes). */
	CHECK_STR(esc(&b, "a\x1b[2Jb", 0), "a\\x1b[2Jb");
	CHECK_STR(esc(&b, "a\nb\tc\rd\x7f", 0), "a\\x0ab\\x09c\\x0dd\\x7f");
	CHECK_STR(esc(&b, "\xc2\x9b" "31m", 0), "\\xc2\\x9b31m");
	/* Invalid UTF-8: stray continuation, overlong forms, a surrogate,
	 * past U+10FFFF, a truncated sequence, 0xff. */
	CHECK_STR(esc(&b, "\x80", 0), "\\x80");
	CHECK_STR(esc(&b, "\xc0\x80", 0), "\\xc0\\x80");
	CHECK_STR(esc(&b, "\xe0\x80\xaf", 0), "\\xe0\\x80\\xaf");
	CHECK_STR(esc(&b, "\xed\xa0\x80", 0), "\\xed\\xa0\\x80");
	CHECK_STR(esc(&b, "\xf4\x90\x80\x80", 0), "\\xf4\\x90\\x80\\x80");
	CHECK_STR(esc(&b, "x\xe6\x97", 0), "x\\xe6\\x97");
	CHECK_STR(esc(&b, "\xe6\x97(", 0), "\\xe6\\x97(");
	CHECK_STR(esc(&b, "\xff", 0), "\\xff");
	/* What a caller keeps. */
	CHECK_STR(esc(&b, "a\tb\nc", TEXT_KEEP_TAB), "a\tb\\x0ac");
	CHECK_STR(esc(&b, "a\tb\nc", TEXT_KEEP_NL), "a\\x09b\nc");
	CHECK(text_is_safe("plain", 5, 0) && !text_is_safe("a\0b", 3, 0));
	CHECK_EQ(text_safe_prefix("ab\x1b", 3, 0), 2);
	CHECK_STR(text_safe_str("same", 0, &b), "same");

	/* A table keeps its indices and finds the escaped contents. */
	strtab_init(&t);
	uint32_t plain = strtab_intern_cstr(&t, "plain"), bad = strtab_intern_cstr(&t, "x\x1by");
	CHECK_EQ(strtab_escape_text(&t), 1);
	CHECK_STR(strtab_get(&t, bad), "x\\x1by");
	CHECK_STR(strtab_get(&t, plain), "plain");
	CHECK_EQ(strtab_intern_cstr(&t, "x\\x1by"), bad);
	CHECK_EQ(strtab_intern_cstr(&t, "plain"), plain);
	CHECK_EQ(strtab_escape_text(&t), 0);
	strtab_release(&t);
	kbuf_release(&b);
}

int main(void)
{
	test_num();
	test_textsafe();
	test_buf();
	test_vec();
	test_map();
	test_strtab();
	test_arena();
	return CHECK_DONE();
}
