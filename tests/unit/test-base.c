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
	CHECK_EQ(m.n, 10000);
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

int main(void)
{
	test_num();
	test_buf();
	test_vec();
	test_map();
	test_strtab();
	test_arena();
	return CHECK_DONE();
}
