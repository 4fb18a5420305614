/* Building the merged call tree (see stacks.h). One pass over the samples,
 * root to leaf; a (parent, frame) → child hash finds each step in O(1), so
 * a 100,000-stack profile takes a few million probes. Children are then
 * sorted by name with one qsort per node that has several. */
#include "stacks.h"

#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/hashmap.h"
#include "../base/num.h"
#include "../base/vec.h"

#define NONE UINT32_MAX

static uint32_t add_node(struct ftree *t, uint32_t parent, uint32_t name, uint8_t kind)
{
	struct fnode *n;

	t->n = xgrow(t->n, &t->cap, t->count + 1, sizeof(*t->n));
	n = &t->n[t->count];
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->parent = parent;
	n->child = n->next = NONE;
	n->kind = kind;
	if (parent != NONE) {
		n->depth = t->n[parent].depth + 1;
		n->next = t->n[parent].child;
		t->n[parent].child = (uint32_t)t->count;
		if (n->depth > t->max_depth)
			t->max_depth = n->depth;
	}
	return (uint32_t)t->count++;
}

static uint8_t mapping_kind(const struct profile *p, const struct pf_location *l)
{
	const struct pf_mapping *m;
	const char *file;

	if (l->address >= 0xffff800000000000ull)
		return FKIND_KERNEL;
	if (!l->mapping_id || !(m = profile_mapping(p, l->mapping_id)))
		return FKIND_OTHER;
	file = profile_get_str(p, m->filename);
	if (!strncmp(file, "[kernel", 7))
		return FKIND_KERNEL;
	if (m == &p->mappings[0])
		return FKIND_USER;
	return FKIND_LIBRARY;
}

struct sort_ctx {
	const struct ftree *t;
};

static int child_cmp(const void *a, const void *b, void *arg)
{
	const struct ftree *t = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return strcmp(ftree_name(t, x), ftree_name(t, y));
}

/* Relinks every child list in name order. */
static void sort_children(struct ftree *t)
{
	VEC(uint32_t) kids = VEC_INIT;

	for (size_t i = 0; i < t->count; i++) {
		kids.n = 0;
		for (uint32_t c = t->n[i].child; c != NONE; c = t->n[c].next)
			vec_push(&kids, c);
		if (kids.n < 2)
			continue;
		qsort_r(kids.v, kids.n, sizeof(*kids.v), child_cmp, t);
		t->n[i].child = kids.v[0];
		for (size_t k = 0; k < kids.n; k++)
			t->n[kids.v[k]].next = k + 1 < kids.n ? kids.v[k + 1] : NONE;
	}
	vec_free(&kids);
}

void ftree_build(struct ftree *t, struct rview *v)
{
	const struct profile *p = v->p;
	const struct rtable *rt = &v->t;
	struct u64map kids = U64MAP_INIT;
	uint8_t *lkind = xmalloc(p->n_locations + 1);

	memset(t, 0, sizeof(*t));
	t->v = v;
	add_node(t, NONE, FNODE_ROOT_NAME, FKIND_OTHER);
	for (size_t i = 0; i < p->n_locations; i++)
		lkind[i] = mapping_kind(p, &p->locations[i]);

	for (size_t si = 0; si < p->n_samples; si++) {
		const struct pf_sample *s = &p->samples[si];
		const uint64_t *locs = pf_sample_locs(p, s);
		int64_t w = rview_value(v, s);
		bool base = rview_is_base(v, s);
		uint32_t cur = 0;

		if (w == 0)
			continue;
		if (base) /* undoes the negation of the base's values */
			w = neg_sat64(w);
		for (uint32_t i = s->n_loc; i-- > 0;) {
			size_t li = profile_location_index(p, locs[i]);
			const uint32_t *nodes;
			uint32_t cnt;

			if (li == SIZE_MAX)
				continue;
			nodes = rt->loc_nodes + rt->loc_off[li];
			cnt = rt->loc_cnt[li];
			for (uint32_t k = cnt; k-- > 0;) {
				uint64_t key = ((uint64_t)cur << 32) | nodes[k];
				bool added;
				uint64_t *slot = u64map_slot(&kids, key, 0, &added);

				if (added) {
					uint8_t kind = k != cnt - 1 ? FKIND_INLINED : lkind[li];
					uint32_t nn = add_node(t, cur, nodes[k], kind);
					/* add_node may not touch the map, so slot is valid */
					*slot = nn;
				}
				cur = (uint32_t)*slot;
				if (base) /* values are untrusted: sums wrap, as in pprof */
					t->n[cur].base = go_add64(t->n[cur].base, w);
				else
					t->n[cur].value = go_add64(t->n[cur].value, w);
			}
		}
		if (base) {
			t->n[0].base = go_add64(t->n[0].base, w);
			t->n[cur].base_self = go_add64(t->n[cur].base_self, w);
		} else {
			t->n[0].value = go_add64(t->n[0].value, w);
			t->n[cur].self = go_add64(t->n[cur].self, w);
		}
	}
	u64map_release(&kids);
	free(lkind);
	sort_children(t);
}

void ftree_release(struct ftree *t)
{
	if (!t)
		return;
	free(t->n);
	memset(t, 0, sizeof(*t));
}

const char *ftree_name(const struct ftree *t, uint32_t i)
{
	if (t->n[i].name == FNODE_ROOT_NAME)
		return "root";
	return rtable_name((struct rtable *)&t->v->t, t->n[i].name);
}
