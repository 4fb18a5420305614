/* kiln record: sample a command, processes, threads or the whole system
 * with perf_event_open and write a pprof profile (gzip profile.proto).
 *
 * Flow: options → events → target (launch the command stopped, or read
 * /proc for -p/-a) → session (rings) → loop: poll, deliver records in time
 * order to the recorder, checkpoint the profile every N seconds → final
 * profile written atomically → exit with the command's status. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../build/build.h"
#include "../base/vec.h"
#include "../collect/launch.h"
#include "../collect/recorder.h"
#include "../collect/session.h"
#include "../collect/target.h"
#include "../collect/tasks.h"
#include "../events/events.h"
#include "../profile/encode.h"
#include "../unwind/unwind.h"
#include "cli.h"
#include "../opts/options.h"
#include "target-options.h"
#include "recording.h"

static const char record_usage[] =
	"kiln record [options] [--] CMD [ARGS]\n"
	"   or: kiln record [options] -p PID[,PID...] | -t TID | -a [-C CPUS] [-- CMD [ARGS]]\n"
	"\n"
	"With -p, -t, -a or -C a command sets how long to record: those targets\n"
	"are recorded while it runs (the command itself only system-wide), and\n"
	"kiln exits with its status, as 'perf record -a -- sleep 5'.\n"
	"-o names a file, replaced atomically; a character device (/dev/null), a\n"
	"FIFO or a Unix socket is written in place, once at the end; a symbolic\n"
	"link is followed.\n"
	"With DEBUGINFOD_URLS set, debug files missing here are fetched by build\n"
	"id from those debuginfod servers (cached where DEBUGINFOD_CACHE_PATH says).\n"
	"\n"
	"Examples:\n"
	"  kiln record -g -- ./app\n"
	"      sample ./app with its call chains into kiln.pb.gz\n"
	"  kiln record -F 99 -o cpu.pb.gz -- ./app\n"
	"      99 samples a second, into cpu.pb.gz\n"
	"  kiln record --call-graph dwarf -- ./app\n"
	"      call chains of code built without frame pointers\n"
	"  kiln record -a -g --duration 2\n"
	"      the whole system for two seconds\n"
	"  kiln record -p $(pidof app) -- sleep 2\n"
	"      a running process, for as long as sleep 2 runs\n"
	"  kiln record -e cpu-clock -c 100000 --timestamps -- ./app\n"
	"      a sample every 100 us of CPU time, each kept with its time\n"
	"  DEBUGINFOD_URLS=https://debuginfod.debian.net kiln record -- ./app\n"
	"      names from debug files Debian's server has, for stripped binaries\n";

struct record_opts {
	struct target target;
	struct kbuf events;
	int freq;
	int64_t period;
	bool callchain;
	const char *call_graph;
	uint32_t stack_user;    /* --call-graph dwarf: bytes of stack per sample */
	const char *output;
	bool inherit;
	bool quiet;
	int verbose;
	double duration;
	double checkpoint;
	int mmap_pages;
	bool timestamps;
};

static int64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct recording {
	struct record_opts *o;
	struct event_list evs;
	struct tasks *tasks;
	struct session *session;
	struct recorder rec;
	struct builder *builder;
	struct unwinder *unwinder;
	struct build_header meta;
	struct launch launch;
	struct kbuf cmdline;
	int64_t start_wall;
	double start_mono;
	size_t checkpoints;
};

static int write_profile(struct recording *rc, size_t *size, struct kerr *err)
{
	struct profile *p;
	struct kbuf gz = KBUF_INIT;
	int ret;

	struct build_header_run run = {
		rc->o->period, rc->o->freq, recording_is_clock_event(&rc->evs.v[0]), rc->start_wall,
		(int64_t)((recording_now() - rc->start_mono) * 1e9), rc->cmdline.buf,
	};

	build_header_update(&rc->meta, &rc->rec, &run);
	p = build_profile(rc->builder, &rc->rec, rc->tasks, &rc->meta.meta);
	ret = profile_encode_gzip(p, &gz, err);
	if (!ret)
		ret = write_file_atomic(rc->o->output, gz.buf, gz.len, err);
	if (size)
		*size = gz.len;
	kbuf_release(&gz);
	return ret;
}

static int parse_options(int argc, const char **argv, struct record_opts *o)
{
	struct option_def opts[] = {
		{ OPT_GROUP, 0, NULL, NULL, NULL, "Target" },
		TARGET_OPTIONS(&o->target),
		{ OPT_DOUBLE, 0, "duration", &o->duration, "SECONDS", "stop after this long" },
		{ OPT_BOOL, 0, "inherit", &o->inherit, NULL, "follow child threads and processes (default; --no-inherit)" },
		{ OPT_GROUP, 0, NULL, NULL, NULL, "Sampling" },
		{ OPT_CALLBACK, 'e', "event", &o->events, "EVENT", "event to sample (default: cycles, else cpu-clock); see 'kiln list'", recording_opt_event },
		{ OPT_INT, 'F', "freq", &o->freq, "HZ", "samples per second (default 999)" },
		{ OPT_INT64, 'c', "count", &o->period, "PERIOD", "sample every PERIOD events instead of -F" },
		{ OPT_BOOL, 'g', NULL, &o->callchain, NULL, "record call chains (frame pointers, user and kernel)" },
		{ OPT_STRING, 0, "call-graph", &o->call_graph, "MODE", "fp, dwarf[,SIZE] (unwind copied stacks; SIZE default 8192) or lbr" },
		{ OPT_INT, 'm', "mmap-pages", &o->mmap_pages, "PAGES", "ring buffer pages per CPU, a power of two (default 128, 512 with --call-graph dwarf)" },
		{ OPT_BOOL, 0, "timestamps", &o->timestamps, NULL, "keep every sample with time and cpu labels" },
		{ OPT_GROUP, 0, NULL, NULL, NULL, "Output" },
		{ OPT_STRING, 'o', "output", &o->output, "FILE", "profile to write (default kiln.pb.gz)" },
		{ OPT_DOUBLE, 0, "checkpoint", &o->checkpoint, "SECONDS", "rewrite the profile this often while recording (default 10, 0 = off)" },
		{ OPT_BOOL, 'q', "quiet", &o->quiet, NULL, "no messages but errors" },
		{ OPT_COUNT, 'v', "verbose", &o->verbose, NULL, "more messages" },
		OPT_END_(),
	};
	struct kerr err = KERR_INIT;
	struct stat st;
	int n;

	n = cli_options_parse(argc, argv, opts, record_usage, OPTIONS_STOP_AT_NON_OPTION, &err);
	if (n == OPTIONS_HELP)
		return 1;
	if (n < 0) {
		cli_error("record: %s", err.msg);
		return -1;
	}
	if (target_finish(&o->target, n, argv, TARGET_COMMAND_AS_TIMER, &err) < 0) {
		cli_error("record: %s", err.msg);
		return -1;
	}
	if (!target_has_command(&o->target) && !o->target.pids.n && !o->target.tids.n &&
	    !target_has_cpus(&o->target)) {
		cli_error("record: nothing to record: give a command, -p PID, -t TID or -a");
		return -1;
	}
	if (o->freq <= 0 && !o->period) {
		cli_error("record: -F needs a positive frequency");
		return -1;
	}
	if (o->period < 0) {
		cli_error("record: -c needs a positive period");
		return -1;
	}
	if (o->call_graph &&
	    recording_parse_call_graph("record", o->call_graph, &o->callchain, &o->stack_user) < 0)
		return -1;
	if (o->mmap_pages && (o->mmap_pages & (o->mmap_pages - 1))) {
		cli_error("record: -m needs a power of two, not %d", o->mmap_pages);
		return -1;
	}
	/* A device, FIFO or socket is written in place: only the final
	 * profile, or a reader would get one profile per checkpoint. */
	if (stat(o->output, &st) == 0 && !S_ISREG(st.st_mode))
		o->checkpoint = 0;
	return 0;
}

static void print_summary(struct recording *rc, size_t size)
{
	const struct recorder_stats *st = &rc->rec.stats;

	if (st->lost)
		cli_warn("lost %" PRIu64 " samples: the ring buffers overflowed; try a larger -m "
			 "or a lower -F", st->lost);
	if (rc->o->quiet)
		return;
	fprintf(stderr, "[ kiln record: %" PRIu64 " samples, %" PRIu64 " lost, wrote %s (%.1f KB) ]\n",
		st->samples, st->lost, rc->o->output, (double)size / 1024.0);
}

/* CPU seconds (user + system) kiln itself has used so far. */
static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* -v: where kiln's own time went, what the unwinder did, what could not
 * be symbolized. */
static void print_verbose(struct recording *rc, double cpu_rec, double cpu_build)
{
	const char **w;
	size_t n = builder_warnings(rc->builder, &w);
	double wall = recording_now() - rc->start_mono;

	fprintf(stderr, "kiln: own CPU: %.3f s while recording (%.1f%% of one CPU over %.2f s), "
		"%.3f s building the profile\n", cpu_rec, wall > 0 ? 100 * cpu_rec / wall : 0.0,
		wall, cpu_build);
	if (rc->unwinder) {
		const struct unwind_stats *us = unwind_stats(rc->unwinder);
		fprintf(stderr, "kiln: unwound %" PRIu64 " stacks, %" PRIu64 " frames; stopped "
			"early: %" PRIu64 " without CFI, %" PRIu64 " outside mappings, %" PRIu64
			" beyond the stack copy\n", us->samples, us->frames, us->no_cfi,
			us->no_map, us->off_stack);
	}
	if (session_misordered(rc->session))
		fprintf(stderr, "kiln: %" PRIu64 " records arrived out of time order\n",
			session_misordered(rc->session));
	for (size_t i = 0; i < n; i++)
		cli_warn("%s", w[i]);
}

/* The main loop: returns when the command ended, targets died, the
 * duration passed or a signal asked us to stop. */
static void record_loop(struct recording *rc, const sigset_t *waitmask, int *status,
			bool *child_done)
{
	struct record_opts *o = rc->o;
	double deadline = o->duration > 0 ? rc->start_mono + o->duration : INFINITY;
	double next_cp = o->checkpoint > 0 ? rc->start_mono + o->checkpoint : INFINITY;

	for (;;) {
		/* The reader thread drains the rings; this loop only has to
		 * process what it queued, 10 times a second. */
		double now = recording_now(), wait = fmin(fmin(deadline, next_cp) - now, 0.1);

		if (recording_stop_signal)
			break;
		if (rc->launch.pid > 0 && recording_child_changed) {
			recording_child_changed = 0;
			if (waitpid(rc->launch.pid, status, WNOHANG) == rc->launch.pid) {
				rc->launch.pid = -1;
				*child_done = true;
				break;
			}
		}
		if (now >= deadline)
			break;
		if (now >= next_cp) {
			struct kerr err = KERR_INIT;
			session_read(rc->session, false, recorder_record, &rc->rec);
			if (write_profile(rc, NULL, &err) < 0)
				cli_warn("checkpoint: %s", err.msg);
			rc->checkpoints++;
			/* Keep to the grid of start + k * interval, so a slow first
			 * checkpoint (symbol loading) does not push later ones back. */
			next_cp += o->checkpoint;
			if (next_cp <= recording_now())
				next_cp = recording_now() + o->checkpoint;
			continue;
		}
		session_poll(rc->session, wait > 0 ? (int)(wait * 1000) + 1 : 0, waitmask);
		session_read(rc->session, false, recorder_record, &rc->rec);
		builder_warm(rc->builder, &rc->rec, rc->tasks);
		if (rc->launch.pid <= 0 && !o->target.all_cpus && !o->target.cpus_given &&
		    (session_ended(rc->session) || !target_alive(&o->target)))
			break;
	}
}

/* Sets *exec_failed when the command itself could not be run. */
static int start_target(struct recording *rc, bool *exec_failed, struct kerr *err)
{
	struct record_opts *o = rc->o;
	struct recording_params rp;
	int ret;

	memset(&rp, 0, sizeof(rp));
	rp.freq = o->freq;
	rp.period = o->period;
	rp.callchain = o->callchain;
	rp.stack_user = o->stack_user;
	rp.inherit = o->inherit;
	rp.mmap_pages = (size_t)o->mmap_pages;
	ret = recording_open(&o->target, &rc->evs, &rp, rc->tasks, &rc->launch, &rc->session, err);
	if (ret < 0)
		return ret;
	ret = session_start_reader(rc->session, err);
	if (ret < 0)
		return ret;
	recorder_init(&rc->rec, rc->tasks, rc->evs.n, session_sample_type(rc->session),
		      session_regs_mask(rc->session), o->timestamps);
	rc->rec.session = rc->session;
	rc->rec.event_of = recording_event_of;
	if (o->stack_user) {
		rc->rec.unwind = unwind_sample;
		rc->rec.unwind_ctx = rc->unwinder;
	}
	rc->start_wall = wall_ns();
	rc->start_mono = recording_now();
	return recording_start(&o->target, rc->session, &rc->launch, exec_failed, err);
}

int cmd_record(int argc, const char **argv)
{
	struct record_opts o = { TARGET_INIT, KBUF_INIT };
	struct recording rc;
	struct kerr err = KERR_INIT;
	sigset_t block, waitmask;
	int status = 0, ret, exit_code = 0;
	bool child_done = false, exec_failed = false;
	double cpu_recording;
	size_t size = 0;

	memset(&rc, 0, sizeof(rc));
	rc.launch = (struct launch)LAUNCH_INIT;
	o.freq = 999;
	o.inherit = true;
	o.output = "kiln.pb.gz";
	o.checkpoint = 10;
	ret = parse_options(argc, argv, &o);
	if (ret) {
		exit_code = ret > 0 ? 0 : 1;
		goto out_opts;
	}
	rc.o = &o;
	for (int i = 0; i < o.target.argc; i++)
		kbuf_addf(&rc.cmdline, "%s%s", i ? " " : "", o.target.argv[i]);
	if (!o.target.argc)
		kbuf_addstr(&rc.cmdline, o.target.all_cpus || o.target.cpus_given ? "-a" : "-p");

	ret = o.events.len ? events_parse(o.events.buf, &rc.evs, &err)
			   : recording_default_events(&rc.evs, o.quiet, &err);
	if (ret < 0) {
		cli_error("record: %s", err.msg);
		exit_code = 1;
		goto out_opts;
	}
	recording_header_init(&rc.meta, &rc.evs, rc.evs.n, o.timestamps);
	rc.tasks = tasks_new();
	builder_new(&rc.builder, &(struct build_opts){ .kallsyms_cache = cli_cache_dir(),
						   .fetch = cli_debuginfod() });
	if (o.stack_user) {
		rc.unwinder = unwinder_new(builder_symbolizer(rc.builder));
		if (!rc.unwinder) {
			cli_error("record: --call-graph dwarf is not supported on this architecture; "
				  "use --call-graph fp");
			exit_code = 1;
			goto out_session;
		}
	}

	/* Signals stay blocked except while waiting in ppoll, so none is lost
	 * between a check and the wait. */
	recording_block_signals(&block, &waitmask);

	ret = start_target(&rc, &exec_failed, &err);
	if (ret < 0) {
		/* As a shell: 127 for a missing command, 126 if it cannot run. */
		cli_error("%s%s", exec_failed ? "" : "record: ", err.msg);
		exit_code = exec_failed ? (ret == -ENOENT ? 127 : 126) : 1;
		goto out_session;
	}
	recording_child_changed = 1; /* check once: it may have exited already */
	record_loop(&rc, &waitmask, &status, &child_done);

	if (rc.launch.pid > 0 && !child_done) {
		/* Stopped by a signal or --duration: the command goes too. */
		kill(rc.launch.pid, recording_stop_signal ? recording_stop_signal : SIGTERM);
		launch_wait(&rc.launch, &status, NULL, false);
		child_done = true;
	}
	session_disable(rc.session);
	session_read(rc.session, true, recorder_record, &rc.rec);
	cpu_recording = cpu_seconds();
	ret = write_profile(&rc, &size, &err);
	if (ret < 0) {
		cli_error("record: %s", err.msg);
		exit_code = 1;
	} else {
		print_summary(&rc, size);
		if (o.verbose)
			print_verbose(&rc, cpu_recording, cpu_seconds() - cpu_recording);
	}
	if (child_done && !exit_code)
		exit_code = launch_exit_code(status);
out_session:
	session_close(rc.session);
	recorder_release(&rc.rec);
	launch_release(&rc.launch);
	unwinder_free(rc.unwinder);
	builder_free(rc.builder);
	tasks_free(rc.tasks);
	build_header_release(&rc.meta);
	event_list_release(&rc.evs);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
out_opts:
	kbuf_release(&rc.cmdline);
	kbuf_release(&o.events);
	target_release(&o.target);
	return exit_code;
}
