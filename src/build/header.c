/* A recording's profile header (see build.h): value types from its
 * events, and what changes as it goes on (period, time, duration, the
 * comments counting samples, losses and truncated stacks). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../base/buf.h"
#include "internal.h"

void build_header_init(struct build_header *h, const char *const *names, const bool *clock,
		       size_t n, bool per_sample)
{
	memset(h, 0, sizeof(*h));
	vec_push(&h->types, "samples");
	vec_push(&h->types, "count");
	for (size_t i = 0; i < n; i++) {
		vec_push(&h->types, clock[i] ? "cpu" : names[i]);
		vec_push(&h->types, clock[i] ? "nanoseconds" : "count");
	}
	h->meta.value_types = h->types.v;
	h->meta.n_values = 1 + n;
	h->meta.period_type = h->types.v[2];
	h->meta.period_unit = h->types.v[3];
	h->meta.per_sample = per_sample;
}

static void clear_comments(struct build_header *h)
{
	for (size_t i = 0; i < h->comments.n; i++)
		free(h->comments.v[i]);
	h->comments.n = 0;
}

void build_header_release(struct build_header *h)
{
	clear_comments(h);
	vec_free(&h->types);
	vec_free(&h->comments);
}

void build_header_update(struct build_header *h, const struct recorder *r,
			 const struct build_header_run *run)
{
	struct kbuf b = KBUF_INIT;
	int64_t total_period = 0;

	clear_comments(h);
	if (run->period)
		h->meta.period = run->period;
	else if (run->clock)
		h->meta.period = run->freq ? 1000000000LL / run->freq : 0;
	else {
		/* Saturated: a file's periods can be anything. */
		for (size_t i = 0; i < r->stacks.n_entries; i++)
			if (__builtin_add_overflow(total_period,
						   stack_values(&r->stacks, &r->stacks.entries[i])[1],
						   &total_period))
				total_period = INT64_MAX;
		h->meta.period = r->stats.samples ? total_period / (int64_t)r->stats.samples : 0;
	}
	h->meta.time_nanos = run->start_wall;
	h->meta.duration_nanos = run->duration;
	kbuf_addf(&b, "%s: %s", run->tool ? run->tool : "kiln-record", run->cmdline);
	vec_push(&h->comments, kbuf_detach(&b, NULL));
	kbuf_addf(&b, "samples: %" PRIu64 ", lost: %" PRIu64 ", throttled: %" PRIu64,
		  r->stats.samples, r->stats.lost, r->stats.throttled);
	vec_push(&h->comments, kbuf_detach(&b, NULL));
	if (r->stats.truncated) {
		kbuf_addf(&b, "truncated stacks: %" PRIu64, r->stats.truncated);
		vec_push(&h->comments, kbuf_detach(&b, NULL));
	}
	h->meta.comments = (const char *const *)h->comments.v;
	h->meta.n_comments = h->comments.n;
}
