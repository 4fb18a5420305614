/* Unit tests for the base module: buffers, vectors, maps, interning, arena. */
#include <stdlib.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/hashmap.h"
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

int main(void)
{
	test_buf();
	test_vec();
	test_map();
	test_strtab();
	test_arena();
	return CHECK_DONE();
}
