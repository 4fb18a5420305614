/* Applies each perf record to the task table or the stack aggregate. For a
 * sample: split the callchain at PERF_CONTEXT_* markers into kernel and
 * user frames, resolve user frames to the mapping live at that moment, and
 * point return addresses back into their call instruction. */
#include "recorder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"

#define DEFAULT_MAX_FRAMES 127

void recorder_init(struct recorder *r, struct tasks *t, size_t n_events,
		   uint64_t sample_type, uint64_t regs_mask, bool per_sample)
{
	memset(r, 0, sizeof(*r));
	r->tasks = t;
	r->n_events = n_events;
	r->sample_type = sample_type;
	r->regs_mask = regs_mask;
	r->max_frames = DEFAULT_MAX_FRAMES;
	stacks_init(&r->stacks, 1 + n_events, per_sample);
	r->scratch = xmalloc((r->max_frames * 2 + 1) * sizeof(*r->scratch));
	r->vals = xcalloc(1 + n_events, sizeof(*r->vals));
}

void recorder_release(struct recorder *r)
{
	stacks_release(&r->stacks);
	free(r->scratch);
	free(r->vals);
	memset(r, 0, sizeof(*r));
}

static uint32_t kernel_map(struct recorder *r)
{
	/* The range is settled when symbols are known; the id is what counts. */
	return tasks_kernel_map(r->tasks, 0, UINT64_MAX)->id;
}

static uint32_t user_map(struct recorder *r, pid_t pid, uint64_t addr)
{
	const struct cmap *m = tasks_find_map(r->tasks, pid, addr);

	return m ? m->id : STACK_NO_MAP;
}

void recorder_sample(struct recorder *r, const struct perf_event_header *h,
		     const struct rec_sample *sp, int ev)
{
	const struct rec_sample s = *sp;
	struct stack_frame *f = r->scratch;
	size_t n = 0, max = r->max_frames;
	bool kernel, truncated = false;

	kernel = (h->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
	/* With an unwinder the kernel's callchain holds only kernel frames
	 * (exclude_callchain_user); it may be empty for a user-mode sample. */
	for (uint64_t i = 0; i < s.nr && n < max; i++) {
		uint64_t ip = s.ips[i];

		if (ip >= (uint64_t)PERF_CONTEXT_MAX) {
			if (ip == (uint64_t)PERF_CONTEXT_KERNEL)
				kernel = true;
			else if (ip == (uint64_t)PERF_CONTEXT_USER)
				kernel = false;
			else
				break; /* guest/hypervisor frames: not ours */
			continue;
		}
		if (!kernel && r->unwind && s.stack_size)
			break; /* the unwinder supplies the user part */
		f[n].addr = n ? ip - 1 : ip;
		f[n].map = kernel ? kernel_map(r) : user_map(r, (pid_t)s.pid, ip);
		n++;
	}
	if (r->unwind && s.stack_size && n < max) {
		size_t got = r->unwind(r->unwind_ctx, r->tasks, &s, r->regs_mask, f + n,
				       max - n, &truncated);
		/* After kernel frames the user PC is where the syscall or
		 * interrupt returns to, like a return address. */
		if (n && got)
			f[n].addr -= 1;
		n += got;
		if (truncated)
			r->stats.truncated++;
	}
	if (!n) {
		/* No call chain asked for, or none could be had: the sampled
		 * instruction alone. */
		f[n].addr = s.ip;
		f[n].map = kernel ? kernel_map(r) : user_map(r, (pid_t)s.pid, s.ip);
		n++;
	}
	if (ev < 0 || (size_t)ev >= r->n_events)
		ev = 0;
	memset(r->vals, 0, (1 + r->n_events) * sizeof(*r->vals));
	r->vals[0] = 1;
	r->vals[1 + ev] = s.period > INT64_MAX ? INT64_MAX : (int64_t)s.period;
	stacks_add_event(&r->stacks, (pid_t)s.pid, (pid_t)s.tid,
			 tasks_comm_of(r->tasks, (pid_t)s.tid), r->split_events ? (uint32_t)ev : 0,
			 f, n, r->vals, s.time, s.cpu);
	r->stats.samples++;
	if (!r->first_time || s.time < r->first_time)
		r->first_time = s.time;
	if (s.time > r->last_time)
		r->last_time = s.time;
}

static void on_sample(struct recorder *r, const struct perf_event_header *h)
{
	struct rec_sample s;
	int ev = 0;

	if (rec_parse_sample(h, r->sample_type, r->regs_mask, &s)) {
		r->stats.bad++;
		return;
	}
	if (r->event_of && r->session && r->n_events > 1)
		ev = r->event_of(r->session, s.id);
	recorder_sample(r, h, &s, ev);
}

static void on_mmap2(struct recorder *r, const struct perf_event_header *h)
{
	const struct rec_mmap2 *m = (const void *)h;
	char build_id[41] = "";
	size_t fixed = offsetof(struct rec_mmap2, filename);

	if (h->size <= fixed)
		goto bad;
	if (!memchr(m->filename, '\0', h->size - fixed))
		goto bad;
	if ((h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID) && m->build_id_size <= 20) {
		for (unsigned i = 0; i < m->build_id_size; i++)
			snprintf(build_id + 2 * i, 3, "%02x", m->build_id[i]);
		tasks_mmap(r->tasks, (pid_t)m->pid, m->addr, m->len, m->pgoff, 0, 0, 0,
			   m->filename, build_id);
	} else {
		tasks_mmap(r->tasks, (pid_t)m->pid, m->addr, m->len, m->pgoff, m->maj, m->min,
			   m->ino, m->filename,
			   r->build_id_of ? r->build_id_of(r->build_id_ctx, m->filename) : NULL);
	}
	return;
bad:
	r->stats.bad++;
}

static void on_comm(struct recorder *r, const struct perf_event_header *h)
{
	const struct rec_comm *c = (const void *)h;
	size_t fixed = offsetof(struct rec_comm, comm);

	if (h->size <= fixed || !memchr(c->comm, '\0', h->size - fixed)) {
		r->stats.bad++;
		return;
	}
	tasks_comm(r->tasks, (pid_t)c->pid, (pid_t)c->tid, c->comm,
		   (h->misc & PERF_RECORD_MISC_COMM_EXEC) != 0);
}

void recorder_record(const struct perf_event_header *h, void *arg)
{
	struct recorder *r = arg;

	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		on_sample(r, h);
		break;
	case PERF_RECORD_MMAP2:
		on_mmap2(r, h);
		break;
	case PERF_RECORD_COMM:
		on_comm(r, h);
		break;
	case PERF_RECORD_FORK: {
		const struct rec_fork *f = (const void *)h;
		if (h->size < sizeof(*f)) {
			r->stats.bad++;
			break;
		}
		tasks_fork(r->tasks, (pid_t)f->ppid, (pid_t)f->ptid, (pid_t)f->pid, (pid_t)f->tid);
		break;
	}
	case PERF_RECORD_EXIT: {
		const struct rec_fork *f = (const void *)h;
		if (h->size >= sizeof(*f))
			tasks_exit(r->tasks, (pid_t)f->pid, (pid_t)f->tid);
		break;
	}
	case PERF_RECORD_LOST: {
		const struct rec_lost *l = (const void *)h;
		if (h->size >= sizeof(*l))
			r->stats.lost += l->lost;
		break;
	}
	case PERF_RECORD_LOST_SAMPLES: {
		uint64_t lost;
		if (h->size >= sizeof(*h) + 8) {
			memcpy(&lost, h + 1, 8);
			r->stats.lost += lost;
		}
		break;
	}
	case PERF_RECORD_THROTTLE:
		r->stats.throttled++;
		break;
	default:
		break;
	}
}
