/* The one call site of perf_event_open(2), with the attr-dump test seam
 * (perf's tests/attr idea): KILN_TEST_ATTR_FILE gets every attr we pass. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "events.h"
#include "internal.h"

static void dump_attr(const char *path, const struct perf_event_attr *a,
		      pid_t pid, int cpu, int group_fd, unsigned long flags)
{
	FILE *f = fopen(path, "ae");

	if (!f)
		return;
	fprintf(f, "pid=%d\ncpu=%d\ngroup_fd=%d\nflags=%lu\n", (int)pid, cpu, group_fd, flags);
	fprintf(f, "type=%u\nsize=%u\nconfig=%#llx\n", a->type, a->size,
		(unsigned long long)a->config);
	fprintf(f, "sample_period=%llu\nfreq=%u\n", (unsigned long long)a->sample_period, a->freq);
	fprintf(f, "sample_type=%#llx\nread_format=%#llx\n",
		(unsigned long long)a->sample_type, (unsigned long long)a->read_format);
	fprintf(f, "disabled=%u\ninherit=%u\npinned=%u\nexclusive=%u\n", a->disabled,
		a->inherit, a->pinned, a->exclusive);
	fprintf(f, "exclude_user=%u\nexclude_kernel=%u\nexclude_hv=%u\nexclude_idle=%u\n",
		a->exclude_user, a->exclude_kernel, a->exclude_hv, a->exclude_idle);
	fprintf(f, "mmap=%u\ncomm=%u\ntask=%u\nmmap2=%u\ncomm_exec=%u\n", a->mmap, a->comm,
		a->task, a->mmap2, a->comm_exec);
	fprintf(f, "enable_on_exec=%u\nsample_id_all=%u\nexclude_host=%u\nexclude_guest=%u\n",
		a->enable_on_exec, a->sample_id_all, a->exclude_host, a->exclude_guest);
	fprintf(f, "precise_ip=%u\nwakeup_events=%u\nconfig1=%#llx\nconfig2=%#llx\n",
		a->precise_ip, a->wakeup_events, (unsigned long long)a->config1,
		(unsigned long long)a->config2);
	fprintf(f, "sample_regs_user=%#llx\nsample_stack_user=%u\nexclude_callchain_user=%u\n",
		(unsigned long long)a->sample_regs_user, a->sample_stack_user,
		a->exclude_callchain_user);
	fprintf(f, "\n");
	fclose(f);
}

int events_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
		unsigned long flags)
{
	const char *dump = getenv("KILN_TEST_ATTR_FILE");
	long fd;

	if (dump && *dump)
		dump_attr(dump, attr, pid, cpu, group_fd, flags);
	fd = syscall(SYS_perf_event_open, attr, pid, cpu, group_fd,
		     flags | PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

int events_open_fallback(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
			 unsigned long flags)
{
	int fd = events_open(attr, pid, cpu, group_fd, flags);

	if (fd == -EINVAL && (attr->exclude_guest || attr->exclude_host)) {
		attr->exclude_guest = 0;
		attr->exclude_host = 0;
		fd = events_open(attr, pid, cpu, group_fd, flags);
	}
	return fd;
}

int events_paranoid_level(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "re");
	int v = 2;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 2;
		fclose(f);
	}
	return v;
}

void events_explain_open_error(const char *ev, int code, struct kerr *err)
{
	switch (-code) {
	case EACCES:
	case EPERM:
		kerr_set(err, code,
			 "no permission to open event '%s' (kernel.perf_event_paranoid = %d); "
			 "run as root, or lower it: sysctl -w kernel.perf_event_paranoid=1 "
			 "(-1 for system-wide and kernel profiling)",
			 ev, events_paranoid_level());
		break;
	case ENOENT:
	case EOPNOTSUPP:
	case ENODEV:
		kerr_set(err, code,
			 "event '%s' is not supported on this machine; see 'kiln list --probe' "
			 "for the events that are", ev);
		break;
	case ESRCH:
		kerr_set(err, code, "no such process or thread for event '%s'", ev);
		break;
	case EMFILE:
		kerr_set(err, code, "too many open files opening '%s'; raise the limit with 'ulimit -n'",
			 ev);
		break;
	case EINVAL:
		kerr_set(err, code, "the kernel rejected the settings for event '%s' "
			 "(an invalid frequency, period or modifier?)", ev);
		break;
	default:
		kerr_set(err, code, "cannot open event '%s': %s", ev, strerror(-code));
	}
}
