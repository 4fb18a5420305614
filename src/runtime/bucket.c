/* Stack buckets: the counters of the heap, mutex and thread-creation
 * profiles, one per distinct (stack, allocation size), as Go's runtime keeps
 * them (runtime/mprof.go). Hooks update them under the table's rt_lock on
 * their sampled (rare) paths; writers take a consistent copy. All memory
 * comes from the real allocator, so nothing here re-enters a hook. */
#include "rt.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

size_t rt_test_bucket_limit;

static uint64_t stack_hash(const uintptr_t *pcs, int n, uint64_t size)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ size;

	for (int i = 0; i < n; i++) {
		h ^= (uint64_t)pcs[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h;
}

/* Grows `*arr` (capacity *cap elements) to hold `need`. */
static bool grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 64;
	void *p;

	if (need <= *cap)
		return true;
	while (c < need)
		c *= 2;
	p = rt_real.realloc(*arr, c * elem);
	if (!p)
		return false;
	*arr = p;
	*cap = c;
	return true;
}

static bool rehash(struct rt_buckets *t, size_t n_heads)
{
	uint32_t *h = rt_real.calloc(n_heads, sizeof(*h));

	if (!h)
		return false;
	for (size_t i = 0; i < t->n; i++) {
		size_t slot = t->b[i].hash & (n_heads - 1);
		t->b[i].next = h[slot];
		h[slot] = (uint32_t)(i + 1);
	}
	rt_real.free(t->heads);
	t->heads = h;
	t->n_heads = n_heads;
	return true;
}

size_t rt_bucket_get(struct rt_buckets *t, const uintptr_t *pcs, int n, uint64_t size)
{
	uint64_t h = stack_hash(pcs, n, size);
	struct rt_bucket *b;

	if (t->n_heads) {
		for (uint32_t i = t->heads[h & (t->n_heads - 1)]; i; i = t->b[i - 1].next) {
			b = &t->b[i - 1];
			if (b->hash == h && b->size == size && b->n_pc == (uint32_t)n &&
			    memcmp(t->pcs + b->pc_off, pcs, n * sizeof(*pcs)) == 0)
				return i - 1;
		}
	}
	if ((rt_test_bucket_limit && t->n >= rt_test_bucket_limit) ||
	    (t->n + 1 > t->n_heads && !rehash(t, t->n_heads ? t->n_heads * 2 : 1024)) ||
	    !grow((void **)&t->b, &t->cap, t->n + 1, sizeof(*t->b)) ||
	    !grow((void **)&t->pcs, &t->cap_pcs, t->n_pcs + n, sizeof(*t->pcs))) {
		t->dropped++;
		return SIZE_MAX;
	}
	b = &t->b[t->n];
	memset(b, 0, sizeof(*b));
	b->hash = h;
	b->size = size;
	b->pc_off = (uint32_t)t->n_pcs;
	b->n_pc = (uint32_t)n;
	memcpy(t->pcs + t->n_pcs, pcs, n * sizeof(*pcs));
	t->n_pcs += n;
	b->next = t->heads[h & (t->n_heads - 1)];
	t->heads[h & (t->n_heads - 1)] = (uint32_t)(t->n + 1);
	return t->n++;
}

void rt_bucket_add(struct rt_buckets *t, const uintptr_t *pcs, int n, int64_t v0, int64_t v1)
{
	size_t bi;

	rt_lock_acquire(&t->lock);
	bi = rt_bucket_get(t, pcs, n, 0);
	if (bi != SIZE_MAX) {
		t->b[bi].v[0] += v0;
		t->b[bi].v[1] += v1;
	}
	rt_lock_release(&t->lock);
}

int rt_buckets_copy(struct rt_buckets *t, struct rt_buckets *copy)
{
	int rc = 0;

	memset(copy, 0, sizeof(*copy));
	rt_lock_acquire(&t->lock);
	copy->dropped = t->dropped;
	if (t->n) {
		/* a writer's allocation: fault injection counts it (nomem.c) */
		copy->b = rt_nomem_inject() ? NULL : rt_real.malloc(t->n * sizeof(*t->b));
		copy->pcs = rt_nomem_inject() ? NULL :
			    rt_real.malloc((t->n_pcs ? t->n_pcs : 1) * sizeof(*t->pcs));
		if (!copy->b || !copy->pcs) {
			rc = -ENOMEM;
		} else {
			memcpy(copy->b, t->b, t->n * sizeof(*t->b));
			memcpy(copy->pcs, t->pcs, t->n_pcs * sizeof(*t->pcs));
			copy->n = copy->cap = t->n;
			copy->n_pcs = copy->cap_pcs = t->n_pcs;
		}
	}
	rt_lock_release(&t->lock);
	if (rc)
		rt_buckets_free_copy(copy);
	return rc;
}

void rt_buckets_free_copy_cb(void *copy)
{
	rt_buckets_free_copy(copy);
}

void rt_buckets_free_copy(struct rt_buckets *copy)
{
	rt_real.free(copy->b);
	rt_real.free(copy->pcs);
	rt_real.free(copy->heads);
	memset(copy, 0, sizeof(*copy));
}

void rt_buckets_subtract(struct rt_buckets *later, const struct rt_buckets *earlier)
{
	for (size_t i = 0; i < earlier->n && i < later->n; i++)
		for (int j = 0; j < RT_BUCKET_VALUES; j++)
			later->b[i].v[j] -= earlier->b[i].v[j];
	later->dropped -= earlier->dropped <= later->dropped ? earlier->dropped : later->dropped;
}

void rt_buckets_note_dropped(const struct rt_buckets *c, struct profile *p)
{
	char text[96];

	if (!c->dropped)
		return;
	snprintf(text, sizeof(text), "%" PRIu64 " samples dropped: out of memory", c->dropped);
	profile_add_comment(p, text);
}

int rt_buckets_delay_profile(struct rt_buckets *t, const struct rt_buckets *base,
			     const char *what, struct profile **out, struct kerr *err)
{
	struct rt_buckets c;
	struct rt_builder b;
	struct rt_cleanup undo;
	int rc;

	*out = NULL;
	rc = rt_buckets_copy(t, &c);
	if (rc)
		return kerr_set(err, rc, "out of memory copying %s samples", what);
	rt_cleanup_push(&undo, rt_buckets_free_copy_cb, &c);
	if (base)
		rt_buckets_subtract(&c, base);
	rt_builder_init(&b);
	rt_buckets_note_dropped(&c, b.p);
	profile_add_sample_type(b.p, "contentions", "count");
	profile_add_sample_type(b.p, "delay", "nanoseconds");
	b.p->period_type = b.p->sample_type[0];
	b.p->period = 1;
	for (size_t i = 0; i < c.n; i++)
		if (c.b[i].v[0])
			rt_builder_add(&b, c.pcs + c.b[i].pc_off, (int)c.b[i].n_pc, false,
				       c.b[i].v, 2, NULL, 0);
	rt_cleanup_pop(&undo);
	rt_buckets_free_copy(&c);
	*out = rt_builder_finish(&b);
	return 0;
}
