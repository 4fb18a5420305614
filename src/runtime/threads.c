/* /debug/pprof/threads: where every thread of the process is right now,
 * the C counterpart of Go's goroutine profile (debug=0 a profile.proto with
 * threads/count per distinct stack, debug=1 the stacks with counts, debug=2
 * each thread with its tid, name and state).
 *
 * How other threads' stacks are taken: a real-time signal, chosen on first
 * use among those nobody handles (from SIGRTMAX - 1 down, where programs
 * rarely look; SIG_DFL and no SA_SIGINFO seen with sigaction), is sent with
 * tgkill to each thread; its handler unwinds the interrupted stack into the
 * thread's slot of the request and publishes it with a release store. A
 * signal works on any thread, including those not started through our
 * pthread_create and those blocked in the kernel; ptrace would need a
 * second process (and is refused to a process on itself), and reading
 * another thread's stack from outside a signal would race with it. The
 * handler is SA_RESTART, so reads, writes, futex waits and joins resume;
 * the waits the kernel ends with EINTR whatever SA_RESTART says (sleeps,
 * poll, select, epoll, timed semaphores) are libkiln's hooks, which resume
 * a wait that only our signal cut short (block.c, rt_dump_hits). Other such
 * calls (sigtimedwait, recv with a timeout, io_getevents) may see EINTR,
 * as with any signal. Threads whose mask blocks the signal (SigBlk in
 * /proc/self/task/TID/status) are not sent it, so a request never queues
 * signals that will not be taken; they and those that do not answer within
 * a deadline (stopped, or in an uninterruptible sleep) are reported as
 * "stack unavailable", never waited for. A request's slots are freed only
 * once `cur` is cleared and no handler runs (in_handler), so a late
 * answer writes nowhere. One request at a time (dump_lock).
 *
 * In the handler the stack is unwound with libgcc's DWARF unwinder
 * (_Unwind_Backtrace, through the signal frame): the C library has no
 * frame pointers, and a thread parked in pthread_cond_wait or poll is
 * interrupted inside it, where a frame-pointer walk loses its caller. That
 * unwinder takes no lock of its own for programs' .eh_frame (found with
 * dl_iterate_phdr, whose lock is recursive) and allocates nothing, but
 * re-entering it, or the dynamic loader, mid-update would corrupt their
 * caches: a thread interrupted with its PC inside libgcc_s, the loader or
 * the object holding _Unwind_Backtrace (ranges taken before signalling) is
 * walked by frame pointers instead (rt_stack_walk: async-signal-safe,
 * fault-free), as is one whose DWARF walk did not reach the interrupted PC
 * (valgrind's own signal frames; see late() for ThreadSanitizer's).
 *
 * Workload: one signal and a walk of at most RT_MAX_FRAMES frames per
 * thread, plus reading three small /proc files per thread. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "../base/buf.h"
#include "../profile/encode.h"
#include "rt.h"

/* Under valgrind (RUNNING_ON_VALGRIND), /proc shows the masks of
 * valgrind's own threads, which block every signal while they run the
 * program's code: there the masks are not read, and a thread blocking
 * the signal is one that does not answer in time. */

/* How long the threads have to answer, in ms. Long enough for a thread
 * waiting to be scheduled on a loaded machine, or under valgrind. */
#define DEADLINE_MS 3000

struct th_ent {
	pid_t tid;
	char state;       /* from /proc/.../stat; '?' unknown */
	bool blocked;     /* the signal is blocked in its mask */
	bool sent;        /* signalled (or already pending) */
	char name[32];
	_Atomic int done; /* 1: pcs and n are set */
	int n;
	uintptr_t pcs[RT_MAX_FRAMES];
};

#define MAX_UNSAFE 8

struct th_req {
	struct th_ent *e;
	size_t n;
	/* code where the handler must not start a DWARF unwind */
	uintptr_t unsafe_lo[MAX_UNSAFE], unsafe_hi[MAX_UNSAFE];
	int n_unsafe;
	/* code of the signal's delivery: libkiln, a sanitizer's runtime */
	uintptr_t own_lo[MAX_UNSAFE], own_hi[MAX_UNSAFE];
	int n_own;
};

__thread volatile unsigned rt_dump_hits RT_TLS;
static rt_lock dump_lock;
static int dump_sig; /* under dump_lock; 0 = none chosen yet */
static struct th_req *_Atomic cur;
static _Atomic int in_handler;

static bool in_own(const struct th_req *r, uintptr_t pc)
{
	for (int i = 0; i < r->n_own; i++)
		if (pc >= r->own_lo[i] && pc < r->own_hi[i])
			return true;
	return false;
}

/* The interrupted PC is not on the stack the handler runs on: a runtime
 * delivered the signal late, from a call of its own (ThreadSanitizer
 * does, at the thread's next intercepted call), with the context of when
 * it came, whose frame pointers may be stale. The thread's stack as it is
 * now, from the first frame outside libkiln and the runtime, tells where
 * it is: taken unless the frame-pointer walk of `n` frames goes further. */
static int late(const struct th_req *r, const uintptr_t *tmp, int nd, uintptr_t *pcs, int n)
{
	int k = 0;

	while (k < nd && in_own(r, tmp[k]))
		k++;
	if (k == 0 || nd - k < 2 || nd - k < n)
		return n;
	nd -= k;
	if (nd > RT_MAX_FRAMES)
		nd = RT_MAX_FRAMES;
	for (int i = 0; i < nd; i++)
		pcs[i] = tmp[k + i];
	return nd;
}

/* The interrupted stack into pcs (leaf = the interrupted PC); see the
 * header for why DWARF first and when not. */
static int walk(const struct th_req *r, ucontext_t *uc, uintptr_t *pcs)
{
	uintptr_t pc = 0, fp = 0, sp = 0, tmp[RT_MAX_FRAMES + 8];
	bool dwarf = true;
	int n;

	if (!rt_context_regs(uc, &pc, &fp, &sp))
		dwarf = false;
	for (int i = 0; i < r->n_unsafe; i++)
		if (pc >= r->unsafe_lo[i] && pc < r->unsafe_hi[i])
			dwarf = false;
	n = rt_stack_walk(pc, fp, sp, pcs, RT_MAX_FRAMES);
	if (dwarf && pc) {
		int nd = rt_stack_unwind(tmp, RT_MAX_FRAMES + 8, 0), k = 0;

		while (k < nd && tmp[k] != pc)
			k++;
		if (k == nd)
			return late(r, tmp, nd, pcs, n);
		nd -= k;
		if (nd > RT_MAX_FRAMES)
			nd = RT_MAX_FRAMES;
		/* DWARF wins unless it stopped at the leaf (code without
		 * unwind tables past it), where the frame pointers may go on */
		if (nd >= 2 || nd >= n) {
			for (int i = 0; i < nd; i++)
				pcs[i] = tmp[k + i];
			return nd;
		}
	}
	return n;
}

static void on_dump(int sig, siginfo_t *si, void *ucv)
{
	int saved = errno;
	struct th_req *r;

	(void)sig;
	(void)si;
	atomic_fetch_add(&in_handler, 1);
	rt_dump_hits++;
	r = atomic_load(&cur);
	if (r) {
		pid_t tid = (pid_t)syscall(SYS_gettid);
		for (size_t i = 0; i < r->n; i++) {
			struct th_ent *e = &r->e[i];
			if (e->tid != tid || atomic_load_explicit(&e->done, memory_order_acquire))
				continue;
			e->n = walk(r, ucv, e->pcs);
			atomic_store_explicit(&e->done, 1, memory_order_release);
			break;
		}
	}
	atomic_fetch_sub(&in_handler, 1);
	errno = saved;
}

/* The executable mappings of the unwinder and the dynamic loader, and
 * those of libkiln and a sanitizer runtime (late()). */
static void find_unsafe(struct th_req *r)
{
	struct kbuf maps = KBUF_INIT;
	char *line, *save = NULL;
	uintptr_t pc;

	r->n_unsafe = r->n_own = 0;
	/* The unwinder is libgcc_s, which glibc's backtrace() loads on its
	 * first call (libkiln does not link it: see lazy.c): unwind once so
	 * it is mapped, then find it by name below. */
	rt_stack_unwind(&pc, 1, 0);
	if (kbuf_read_file(&maps, "/proc/self/maps", 0) < 0) {
		kbuf_release(&maps);
		return;
	}
	for (line = strtok_r(maps.buf, "\n", &save); line && r->n_unsafe < MAX_UNSAFE;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long lo, hi;
		char perm[8];
		int off = 0;
		const char *path;

		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &lo, &hi, perm, &off) < 3 ||
		    !off || perm[2] != 'x')
			continue;
		path = line + off;
		if (r->n_own < MAX_UNSAFE &&
		    (((uintptr_t)on_dump >= lo && (uintptr_t)on_dump < hi) ||
		     strstr(path, "libtsan") || strstr(path, "libclang_rt"))) {
			r->own_lo[r->n_own] = lo;
			r->own_hi[r->n_own++] = hi;
		}
		if (strstr(path, "libgcc_s") || strstr(path, "/ld-linux")) {
			r->unsafe_lo[r->n_unsafe] = lo;
			r->unsafe_hi[r->n_unsafe++] = hi;
		}
	}
	kbuf_release(&maps);
}

/* The signal to use, installing our handler on a free one; keeps the one
 * chosen while it is still ours. Caller holds dump_lock. */
static int pick_signal(void)
{
	struct sigaction old, sa;

	if (dump_sig && sigaction(dump_sig, NULL, &old) == 0 &&
	    (old.sa_flags & SA_SIGINFO) && old.sa_sigaction == on_dump)
		return dump_sig;
	dump_sig = 0; /* never chosen, or the program took it since */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_dump;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (int s = SIGRTMAX - 1; s > SIGRTMIN; s--) {
		if (sigaction(s, NULL, &old) != 0 || (old.sa_flags & SA_SIGINFO) ||
		    old.sa_handler != SIG_DFL)
			continue;
		if (sigaction(s, &sa, NULL) == 0)
			return dump_sig = s;
	}
	return -EAGAIN;
}

/* Reads one line's hexadecimal mask ("SigBlk:\t0000...") of a status file. */
static uint64_t status_mask(const char *status, const char *field)
{
	const char *p = strstr(status, field);

	return p ? strtoull(p + strlen(field), NULL, 16) : 0;
}

static void read_task(struct th_ent *e, int sig)
{
	char path[64];
	struct kbuf b = KBUF_INIT;
	const char *p;
	uint64_t bit = 1ULL << (sig - 1);

	e->state = '?';
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", (int)e->tid);
	if (kbuf_read_file(&b, path, 4096) >= 0) {
		snprintf(e->name, sizeof(e->name), "%.*s", (int)strcspn(b.buf, "\n"), b.buf);
	}
	kbuf_reset(&b);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)e->tid);
	/* "tid (comm) S ...": comm may hold spaces and parentheses */
	if (kbuf_read_file(&b, path, 4096) >= 0 && (p = strrchr(b.buf, ')')) && p[1] == ' ')
		e->state = p[2];
	kbuf_reset(&b);
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)e->tid);
	if (!RUNNING_ON_VALGRIND && kbuf_read_file(&b, path, 1 << 16) >= 0) {
		e->blocked = (status_mask(b.buf, "\nSigBlk:") & bit) != 0;
		/* already pending from an earlier request: it will answer */
		e->sent = (status_mask(b.buf, "\nSigPnd:") & bit) != 0;
	}
	kbuf_release(&b);
}

static void add_tid(pid_t tid, void *arg)
{
	struct th_req *r = arg;
	struct th_ent *e;

	if (!r->e)
		return; /* out of memory earlier */
	e = realloc(r->e, (r->n + 1) * sizeof(*e));
	if (!e) {
		free(r->e);
		r->e = NULL;
		return;
	}
	r->e = e;
	memset(&e[r->n], 0, sizeof(*e));
	e[r->n++].tid = tid;
}

static int cmp_tid(const void *a, const void *b)
{
	const struct th_ent *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* Fills r with every thread, its state and its stack where it answered. */
static int capture(struct th_req *r, struct kerr *err)
{
	pid_t pid = getpid();
	int sig = pick_signal();
	uint64_t until;
	size_t left;

	if (sig < 0)
		return kerr_set(err, sig, "no free real-time signal to take thread stacks with");
	r->n = 0;
	r->e = malloc(1);
	rt_threads_foreach(add_tid, r);
	if (!r->e)
		return kerr_set(err, -ENOMEM, "out of memory listing threads");
	qsort(r->e, r->n, sizeof(*r->e), cmp_tid);
	for (size_t i = 0; i < r->n; i++)
		read_task(&r->e[i], sig);
	find_unsafe(r);
	atomic_store(&cur, r);
	for (size_t i = 0; i < r->n; i++) {
		struct th_ent *e = &r->e[i];
		if (e->blocked || e->sent)
			continue;
		if (syscall(SYS_tgkill, pid, e->tid, sig) == 0)
			e->sent = true;
		else if (errno == ESRCH)
			e->state = 'X'; /* exited meanwhile */
	}
	until = rt_now_ns(CLOCK_MONOTONIC) + DEADLINE_MS * 1000000ULL;
	do {
		left = 0;
		for (size_t i = 0; i < r->n; i++)
			if (r->e[i].sent && !atomic_load_explicit(&r->e[i].done, memory_order_acquire))
				left++;
		if (left) {
			struct timespec ts = { 0, 1000000 };
			nanosleep(&ts, NULL);
		}
	} while (left && rt_now_ns(CLOCK_MONOTONIC) < until);
	atomic_store(&cur, NULL);
	while (atomic_load(&in_handler))
		sched_yield();
	return 0;
}

static const char *unavailable(const struct th_ent *e)
{
	if (e->blocked)
		return "stack unavailable: signals blocked";
	if (e->state == 'X')
		return "stack unavailable: thread exited";
	return "stack unavailable: no answer to the signal in time (signals blocked?)";
}

static bool has_stack(const struct th_ent *e)
{
	return atomic_load_explicit(&e->done, memory_order_acquire) && e->n > 0;
}

static bool same_stack(const struct th_ent *a, const struct th_ent *b)
{
	if (has_stack(a) != has_stack(b))
		return false;
	if (!has_stack(a))
		return strcmp(unavailable(a), unavailable(b)) == 0;
	return a->n == b->n && memcmp(a->pcs, b->pcs, a->n * sizeof(a->pcs[0])) == 0;
}

/* Groups: group[i] is the index of the first thread with i's stack. */
struct groups {
	size_t *first; /* per thread */
	size_t *count; /* per thread: threads sharing its stack, at the first */
};

static int group(const struct th_req *r, struct groups *g)
{
	g->first = calloc(r->n + 1, sizeof(*g->first));
	g->count = calloc(r->n + 1, sizeof(*g->count));
	if (!g->first || !g->count) {
		free(g->first);
		free(g->count);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->n; i++) {
		size_t j = 0;
		while (j < i && !(g->first[j] == j && same_stack(&r->e[j], &r->e[i])))
			j++;
		g->first[i] = j;
		g->count[j]++;
	}
	return 0;
}

static int dump_proto(const struct th_req *r, const struct groups *g, struct kbuf *out,
		      struct kerr *err)
{
	struct rt_builder b;
	struct profile *p;
	struct pf_label *labs = calloc(2 * r->n + 1, sizeof(*labs));
	struct rt_cleanup undo;
	int rc;

	if (!labs)
		return kerr_set(err, -ENOMEM, "out of memory");
	rt_cleanup_push(&undo, free, labs); /* the labels, if building fails */
	rt_builder_init(&b);
	profile_add_sample_type(b.p, "threads", "count");
	b.p->period_type = b.p->sample_type[0];
	b.p->period = 1;
	for (size_t i = 0; i < r->n; i++) {
		const struct th_ent *e = &r->e[i];
		int64_t n = (int64_t)g->count[i];
		size_t nl = 0;

		if (g->first[i] != i)
			continue;
		/* every thread on the stack: its tid and its name */
		for (size_t j = i; j < r->n; j++) {
			if (g->first[j] != i)
				continue;
			labs[nl].key = profile_str(b.p, "tid");
			labs[nl].str = 0;
			labs[nl++].num = r->e[j].tid;
			labs[nl].key = profile_str(b.p, "thread");
			labs[nl].str = profile_str(b.p, r->e[j].name);
			labs[nl++].num = 0;
		}
		if (has_stack(e))
			rt_builder_add(&b, e->pcs, e->n, true, &n, 1, labs, nl);
		else
			rt_builder_add_named(&b, unavailable(e), &n, 1, labs, nl);
	}
	rt_cleanup_pop(&undo);
	free(labs);
	p = rt_builder_finish(&b);
	rt_cleanup_push(&undo, rt_free_profile, p); /* the profile, if encoding fails */
	rc = rt_encode_profile(p, out, err); /* no allocation while zlib's state lives */
	rt_cleanup_pop(&undo);
	profile_free(p);
	return rc;
}

/* "func\tfile:line" for a frame (the leaf exact, others inside the call). */
static void frame_name(uintptr_t pc, bool leaf, struct kbuf *out)
{
	kbuf_reset(out);
	if (!rt_symbolize_name(leaf ? pc : pc - 1, out, true))
		kbuf_addstr(out, "?");
}

static void dump_counts(const struct th_req *r, const struct groups *g, struct kbuf *out)
{
	struct kbuf name = KBUF_INIT;
	size_t left = 0;

	kbuf_addf(out, "threads profile: total %zu\n", r->n);
	/* by count, largest first, as Go's; equal counts by lowest tid */
	for (size_t i = 0; i < r->n; i++)
		if (g->first[i] == i)
			left++;
	while (left--) {
		size_t best = SIZE_MAX;
		for (size_t i = 0; i < r->n; i++)
			if (g->first[i] == i && g->count[i] &&
			    (best == SIZE_MAX || g->count[i] > g->count[best]))
				best = i;
		const struct th_ent *e = &r->e[best];
		kbuf_addf(out, "%zu @", g->count[best]);
		for (int k = 0; has_stack(e) && k < e->n; k++)
			kbuf_addf(out, " %#lx", (unsigned long)e->pcs[k]);
		kbuf_addstr(out, "\n# tids:");
		for (size_t j = best; j < r->n; j++)
			if (g->first[j] == best)
				kbuf_addf(out, " %d", (int)r->e[j].tid);
		kbuf_addch(out, '\n');
		if (!has_stack(e))
			kbuf_addf(out, "#\t%s\n", unavailable(e));
		for (int k = 0; has_stack(e) && k < e->n; k++) {
			frame_name(e->pcs[k], k == 0, &name);
			kbuf_addf(out, "#\t%#lx\t%s\n", (unsigned long)e->pcs[k], name.buf);
		}
		kbuf_addch(out, '\n');
		g->count[best] = 0; /* printed */
	}
	kbuf_release(&name);
}

static const char *state_word(char s)
{
	switch (s) {
	case 'R': return "running";
	case 'S': return "sleeping";
	case 'D': return "disk sleep";
	case 'T': return "stopped";
	case 't': return "tracing stop";
	case 'Z': return "zombie";
	case 'X': return "dead";
	case 'I': return "idle";
	default: return "unknown";
	}
}

/* Go's debug=2 goroutine dump, per thread: a header line, then for each
 * frame the function and, indented, file:line and the address. */
static void dump_each(const struct th_req *r, struct kbuf *out)
{
	struct kbuf name = KBUF_INIT;

	for (size_t i = 0; i < r->n; i++) {
		const struct th_ent *e = &r->e[i];
		kbuf_addf(out, "thread %d \"%s\" [%c (%s)]:\n", (int)e->tid, e->name, e->state,
			  state_word(e->state));
		if (!has_stack(e))
			kbuf_addf(out, "\t%s\n", unavailable(e));
		for (int k = 0; has_stack(e) && k < e->n; k++) {
			char *tab;
			frame_name(e->pcs[k], k == 0, &name);
			tab = strchr(name.buf, '\t');
			if (tab)
				*tab++ = '\0';
			kbuf_addf(out, "%s()\n\t%s %#lx\n", name.buf, tab ? tab : "?",
				  (unsigned long)e->pcs[k]);
		}
		kbuf_addch(out, '\n');
	}
	kbuf_release(&name);
}

/* What an allocation failure (nomem.c) leaves: capture() allocates only
 * before it publishes the request (cur), so releasing the lock and the
 * buffers is enough; no handler can still be writing. */
struct dump_state {
	struct th_req *r;
	struct groups *g;
	bool locked;
};

static void dump_failed(void *arg)
{
	struct dump_state *d = arg;

	free(d->r->e);
	free(d->g->first);
	free(d->g->count);
	if (d->locked)
		rt_lock_release(&dump_lock);
}

int rt_threads_dump(int debug, struct kbuf *out, struct kerr *err)
{
	struct th_req r = { .e = NULL };
	struct groups g = { NULL, NULL };
	struct dump_state d = { &r, &g, true };
	struct rt_cleanup undo;
	int rc;

	rt_lock_acquire(&dump_lock);
	rt_cleanup_push(&undo, dump_failed, &d);
	rc = capture(&r, err);
	d.locked = false;
	rt_lock_release(&dump_lock);
	if (rc)
		goto out;
	if (debug >= 2) {
		dump_each(&r, out);
		goto out;
	}
	if ((rc = group(&r, &g))) {
		kerr_set(err, rc, "out of memory");
		goto out;
	}
	if (debug == 1)
		dump_counts(&r, &g, out);
	else
		rc = dump_proto(&r, &g, out, err);
	free(g.first);
	free(g.count);
out:
	rt_cleanup_pop(&undo);
	free(r.e);
	return rc;
}

void rt_threads_fork_child(void)
{
	/* a request in another thread of the parent does not go on here */
	atomic_store(&dump_lock.v, 0);
	atomic_store(&cur, NULL);
	atomic_store(&in_handler, 0);
}
