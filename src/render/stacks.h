/* The merged call tree behind flame graphs (stacks merged root first, as
 * flamegraph.pl merges folded lines): one node per distinct call path, with
 * the value of the samples through it and, for diffs, the base profile's.
 *
 * Frames are the view's node-table entries (so granularity and inlining
 * follow the report options); a location with inlined lines contributes
 * one frame per line, outermost caller first, the inner ones marked
 * FKIND_INLINED. Children are sorted by name, as in flamegraph.pl, so
 * two profiles of the same program draw alike.
 *
 * Ownership: the tree points into the view's node table and must not
 * outlive the view. */
#ifndef KILN_RENDER_STACKS_H
#define KILN_RENDER_STACKS_H

#include <stddef.h>
#include <stdint.h>

#include "view.h"

enum fkind {
	FKIND_USER = 0,    /* code in the main executable */
	FKIND_LIBRARY,     /* a shared library (any other mapping) */
	FKIND_KERNEL,      /* [kernel.kallsyms] or a kernel address */
	FKIND_INLINED,     /* an inlined frame (not the location's outermost line) */
	FKIND_OTHER,       /* no mapping at all (e.g. language runtimes' pseudo frames) */
};

#define FNODE_ROOT_NAME UINT32_MAX

struct fnode {
	uint32_t name;        /* node-table id; FNODE_ROOT_NAME for the root */
	uint32_t parent;      /* UINT32_MAX for the root */
	uint32_t child, next; /* first child, next sibling; UINT32_MAX = none */
	uint32_t depth;       /* root 0 */
	uint8_t kind;         /* enum fkind */
	int64_t value;        /* samples through this path (new profile) */
	int64_t self;         /* ... ending here */
	int64_t base;         /* diff: base profile's value through this path (>= 0) */
	int64_t base_self;
};

struct ftree {
	struct rview *v;
	struct fnode *n;      /* n[0] is the root */
	size_t count, cap;
	uint32_t max_depth;
};

/* Builds the tree of every sample of the view. Samples of a diff base go to
 * `base` (their negated values made positive again). */
void ftree_build(struct ftree *t, struct rview *v);
void ftree_release(struct ftree *t);
/* The frame's display name ("root" for the root). Valid while the view. */
const char *ftree_name(const struct ftree *t, uint32_t i);

#endif
