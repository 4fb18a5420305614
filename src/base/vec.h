/* Typed growable arrays: `VEC(int) v = VEC_INIT; vec_push(&v, 3);`.
 * `v.v` is NULL until the first push; `v.n` elements are valid. The owner
 * frees with vec_free(), which leaves an empty vector behind. */
#ifndef KILN_BASE_VEC_H
#define KILN_BASE_VEC_H

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#define VEC(T) struct { T *v; size_t n, cap; }
#define VEC_INIT { NULL, 0, 0 }

#define vec_reserve(vec, need) \
	((vec)->v = xgrow((vec)->v, &(vec)->cap, (need), sizeof(*(vec)->v)))
#define vec_push(vec, x) \
	(vec_reserve((vec), (vec)->n + 1), (vec)->v[(vec)->n++] = (x))
/* Appends one zeroed element and returns a pointer to it. */
#define vec_add(vec) \
	(vec_reserve((vec), (vec)->n + 1), \
	 memset(&(vec)->v[(vec)->n], 0, sizeof(*(vec)->v)), &(vec)->v[(vec)->n++])
#define vec_free(vec) \
	do { free((vec)->v); (vec)->v = NULL; (vec)->n = (vec)->cap = 0; } while (0)

#endif
