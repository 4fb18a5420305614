/* Counting-mode counters for kiln stat: opens an event list on CPUs or
 * threads (events × slots fds, a few dozen typically), enables them,
 * reads totals or interval deltas with multiplexing scaled away. */
#include "counters.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/num.h"
#include "internal.h"

static bool not_supported_errno(int code)
{
	switch (-code) {
	case ENOENT:      /* no such event (e.g. no hardware PMU in a VM) */
	case EOPNOTSUPP:  /* the PMU cannot do what the attr asks */
	case ENODEV:
	case ENXIO:
	case ENOSYS:
	case EINVAL:      /* config out of range for this PMU */
	case E2BIG:
		return true;
	default:
		return false;
	}
}

/* Counting attr for one event: sampling fields cleared, times requested. */
static void counting_attr(const struct kevent *ev, const struct counters_target *t,
			  bool is_leader, struct perf_event_attr *a)
{
	*a = ev->attr;
	a->sample_period = 0;
	a->freq = 0;
	a->sample_type = 0;
	a->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	a->inherit = t->ncpus == 0 && t->inherit;
	/* Members follow their leader's enable state; only leaders start off. */
	a->disabled = is_leader;
	a->enable_on_exec = is_leader && t->enable_on_exec;
}

int counters_open(struct counters *c, const struct event_list *evs,
		  const struct counters_target *t, struct kerr *err)
{
	size_t nev = evs->n, nslots = t->ncpus ? t->ncpus : t->npids;
	size_t nfds = nev * nslots;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	c->events = evs;
	c->nslots = nslots;
	c->fds = xcalloc(nfds ? nfds : 1, sizeof(*c->fds));
	c->prev = xcalloc(nfds ? nfds : 1, sizeof(*c->prev));
	c->state = xcalloc(nev ? nev : 1, sizeof(*c->state));
	c->open_err = xcalloc(nev ? nev : 1, sizeof(*c->open_err));
	c->user_only = xcalloc(nev ? nev : 1, sizeof(*c->user_only));
	for (size_t i = 0; i < nfds; i++)
		c->fds[i] = -1;

	for (size_t e = 0; e < nev; e++) {
		const struct kevent *ev = &evs->v[e];
		bool leader = ev->leader == (int)e, opened = false, vanished = false;

		if (ev->tool != KEVENT_TOOL_NONE) {
			c->state[e] = COUNTER_TOOL;
			continue;
		}
		if (!leader && c->state[ev->leader] != COUNTER_OPEN) {
			c->state[e] = COUNTER_NOT_COUNTED;
			continue;
		}
		for (size_t s = 0; s < nslots; s++) {
			struct perf_event_attr a;
			int group_fd = leader ? -1 : c->fds[ev->leader * nslots + s];
			pid_t pid = t->ncpus ? -1 : t->pids[s];
			int cpu = t->ncpus ? t->cpus[s] : -1;
			int fd;

			if (!leader && group_fd < 0)
				continue; /* the leader is missing on this CPU/thread */
			counting_attr(ev, t, leader, &a);
			if (c->user_only[e]) {
				a.exclude_kernel = 1;
				a.exclude_hv = 1;
			}
			fd = events_open_fallback(&a, pid, cpu, group_fd, 0);
			if ((fd == -EACCES || fd == -EPERM) && !a.exclude_kernel &&
			    events_paranoid_level() > 1) {
				/* perf's fallback: count user space only. */
				a.exclude_kernel = 1;
				a.exclude_hv = 1;
				fd = events_open_fallback(&a, pid, cpu, group_fd, 0);
				if (fd >= 0)
					c->user_only[e] = true;
			}
			if (fd == -ESRCH && t->ncpus == 0) {
				vanished = true; /* a thread ended since we listed it */
				continue;
			}
			if (fd < 0 && not_supported_errno(fd) && !opened) {
				c->state[e] = COUNTER_NOT_SUPPORTED;
				c->open_err[e] = fd;
				break;
			}
			if (fd < 0) {
				events_explain_open_error(ev->name, fd, err);
				ret = fd;
				goto out_close;
			}
			c->fds[e * nslots + s] = fd;
			opened = true;
		}
		if (c->state[e] == COUNTER_OPEN && !opened) {
			if (vanished) {
				ret = kerr_set(err, -ESRCH, "the watched threads have all exited");
				goto out_close;
			}
			c->state[e] = COUNTER_NOT_COUNTED;
		}
	}
	return 0;

out_close:
	counters_close(c);
	return ret;
}

static void ioctl_all(struct counters *c, unsigned long req)
{
	for (size_t i = 0; i < c->events->n * c->nslots; i++)
		if (c->fds[i] >= 0 && c->events->v[i / c->nslots].leader == (int)(i / c->nslots))
			ioctl(c->fds[i], req, PERF_IOC_FLAG_GROUP);
}

void counters_enable(struct counters *c)
{
	ioctl_all(c, PERF_EVENT_IOC_ENABLE);
}

void counters_disable(struct counters *c)
{
	ioctl_all(c, PERF_EVENT_IOC_DISABLE);
}

int counters_read(struct counters *c, struct counter_value *out, bool delta, struct kerr *err)
{
	for (size_t e = 0; e < c->events->n; e++) {
		out[e] = (struct counter_value){ 0, 0, 0 };
		for (size_t s = 0; s < c->nslots; s++) {
			size_t i = e * c->nslots + s;
			uint64_t buf[3];
			struct counter_value v;
			ssize_t n;

			if (c->fds[i] < 0)
				continue;
			n = read(c->fds[i], buf, sizeof(buf));
			if (n != (ssize_t)sizeof(buf)) {
				int code = n < 0 ? -errno : -EIO;
				return kerr_set(err, code, "cannot read counter '%s': %s",
						c->events->v[e].name, strerror(-code));
			}
			v = (struct counter_value){ buf[0], buf[1], buf[2] };
			if (delta) {
				struct counter_value now = v;
				v.val -= c->prev[i].val;
				v.ena -= c->prev[i].ena;
				v.run -= c->prev[i].run;
				c->prev[i] = now;
			}
			counter_value_scale(&v);
			out[e].val += v.val;
			out[e].ena += v.ena;
			out[e].run += v.run;
		}
	}
	return 0;
}

void counter_value_scale(struct counter_value *v)
{
	/* Extrapolate what ran part of the time to the whole enabled time;
	 * perf truncates, so kiln does too. */
	if (v->run == 0)
		v->val = 0;
	else if (v->run < v->ena)
		v->val = f64_to_u64((double)v->val * v->ena / v->run);
}

void counters_close(struct counters *c)
{
	if (c->fds && c->events)
		for (size_t i = 0; i < c->events->n * c->nslots; i++)
			if (c->fds[i] >= 0)
				close(c->fds[i]);
	free(c->fds);
	free(c->prev);
	free(c->state);
	free(c->open_err);
	free(c->user_only);
	memset(c, 0, sizeof(*c));
}
