/* Tracepoint samples → event-profile labels (see internal.h). */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

bool pd_has_tracepoints(const struct perfdata *pd)
{
	for (size_t i = 0; i < pd->events.n; i++)
		if (pd->events.v[i].attr.type == PERF_TYPE_TRACEPOINT)
			return true;
	return false;
}

int pd_trace_new(const struct perfdata *pd, struct profile *p, struct pd_trace **out,
		 struct kerr *err)
{
	(void)pd, (void)p, (void)err;
	*out = NULL;
	return 0;
}

void pd_trace_free(struct pd_trace *t)
{
	(void)t;
}

void pd_trace_sample(struct pd_trace *t, int ev, const struct rec_sample *s)
{
	(void)t, (void)ev, (void)s;
}

const struct pf_label *pd_trace_labels(void *ctx, size_t entry, size_t *n)
{
	(void)ctx, (void)entry;
	*n = 0;
	return NULL;
}
