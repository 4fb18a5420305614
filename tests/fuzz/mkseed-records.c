/* Writes seeds for fuzz-records.c (layout in fuzz-records.h): real perf
 * rings of this machine's kernel. Each seed opens one software or
 * tracepoint event on this process with a given sample_type, does some
 * work that makes the kernel write samples and side-band records (an exec
 * mapping of a file for MMAP2, a new thread name for COMM, a fork and the
 * child's exit for FORK/EXIT, getppid() calls for the tracepoint's RAW
 * payload), and saves what the ring holds. Not run by the tests; needs
 * root or perf_event_paranoid <= 1 and tracefs at /sys/kernel/tracing:
 *   ninja -C BUILD tests/fuzz/mkseed-records
 *   BUILD/tests/fuzz/mkseed-records tests/fuzz/seeds/records */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz-records.h"

#define PAGES 64
#define REGS_MASK 0xff01ffull /* what kiln asks for (unwind/regs.c) */
#define BASE (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID | \
	      PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD)

static const char *out_dir;

static volatile uint64_t spin_sink;

static void spin_ms(long ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		for (int i = 0; i < 10000; i++)
			spin_sink += (uint64_t)i * 7;
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

/* Work that makes the kernel write every record kind kiln reads. */
static void workload(void)
{
	int fd = open("/bin/true", O_RDONLY | O_CLOEXEC);
	void *m = fd >= 0 ? mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0) : NULL;
	pid_t child;

	spin_ms(5);
	prctl(PR_SET_NAME, "seed-worker");
	for (int i = 0; i < 20; i++)
		syscall(SYS_getppid);
	child = fork();
	if (child == 0) {
		spin_ms(2);
		_exit(0);
	}
	if (child > 0)
		waitpid(child, NULL, 0);
	spin_ms(5);
	if (m && m != MAP_FAILED)
		munmap(m, 4096);
	if (fd >= 0)
		close(fd);
	prctl(PR_SET_NAME, "mkseed-records");
}

static uint64_t tracepoint_id(const char *name)
{
	char path[256];
	FILE *f;
	unsigned long long id = 0;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/id", name);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu", &id) != 1)
		id = 0;
	if (f)
		fclose(f);
	return id;
}

/* Records one ring and writes it as seed `name`. */
static int seed(const char *name, struct perf_event_attr *a, uint32_t flags)
{
	long psz = sysconf(_SC_PAGESIZE);
	size_t data_size = (size_t)PAGES * (size_t)psz;
	struct perf_event_mmap_page *meta;
	struct fr_hdr h = { 0 };
	unsigned char *ring, *copy;
	uint64_t head, tail, len, pow2 = 64;
	char path[4096];
	FILE *f;
	int fd;

	a->size = sizeof(*a);
	a->disabled = 1;
	a->sample_id_all = 1;
	a->mmap = a->mmap2 = a->comm = a->comm_exec = a->task = 1;
	a->exclude_kernel = 0;
	fd = (int)syscall(SYS_perf_event_open, a, 0, -1, -1, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: perf_event_open: %s\n", name, strerror(errno));
		return -1;
	}
	ring = mmap(NULL, data_size + (size_t)psz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED) {
		fprintf(stderr, "%s: mmap: %s\n", name, strerror(errno));
		close(fd);
		return -1;
	}
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	workload();
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	meta = (struct perf_event_mmap_page *)ring;
	head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	tail = meta->data_tail;
	len = head - tail;
	if (len > data_size)
		len = data_size;
	copy = malloc(len ? len : 1);
	for (uint64_t i = 0; i < len; i++)
		copy[i] = ring[psz + ((tail + i) & (data_size - 1))];
	/* Start halfway into the fuzzer's ring, so records wrap its end. */
	while (pow2 < len)
		pow2 *= 2;
	h.sample_type = a->sample_type;
	h.regs_mask = a->sample_regs_user;
	h.flags = flags;
	h.tail = pow2 / 2 + 8;
	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(&h, sizeof(h), 1, f) != 1 || fwrite(copy, 1, len, f) != len ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	printf("%s: %llu bytes of records\n", path, (unsigned long long)len);
	free(copy);
	munmap(ring, data_size + (size_t)psz);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct perf_event_attr a;
	uint64_t tp;

	if (argc != 2) {
		fprintf(stderr, "usage: %s SEED_DIR\n", argv[0]);
		return 2;
	}
	out_dir = argv[1];

	/* kiln record's frame-pointer mode. */
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.sample_period = 500000;
	a.sample_type = BASE | PERF_SAMPLE_CALLCHAIN;
	seed("task-clock-callchain", &a, 0);

	/* kiln record --call-graph dwarf: registers and a stack copy. */
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.sample_period = 1000000;
	a.sample_type = BASE | PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_REGS_USER |
			PERF_SAMPLE_STACK_USER;
	a.sample_regs_user = REGS_MASK;
	a.sample_stack_user = 512;
	a.exclude_callchain_user = 1;
	seed("task-clock-dwarf", &a, FR_FLAG_UNWIND);

	/* Every field a software event can carry, in their kernel order;
	 * the decoder refuses READ, which is left to the fuzzer. */
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.sample_period = 2000000;
	a.sample_type = BASE | PERF_SAMPLE_ADDR | PERF_SAMPLE_ID | PERF_SAMPLE_STREAM_ID |
			PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_RAW | PERF_SAMPLE_REGS_USER |
			PERF_SAMPLE_STACK_USER | PERF_SAMPLE_WEIGHT | PERF_SAMPLE_DATA_SRC |
			PERF_SAMPLE_TRANSACTION | PERF_SAMPLE_PHYS_ADDR |
			PERF_SAMPLE_DATA_PAGE_SIZE | PERF_SAMPLE_CODE_PAGE_SIZE;
	a.sample_regs_user = REGS_MASK;
	a.sample_stack_user = 256;
	if (seed("task-clock-all-fields", &a, FR_FLAG_UNWIND | FR_FLAG_PER_SAMPLE) < 0) {
		a.sample_type &= ~(uint64_t)(PERF_SAMPLE_DATA_PAGE_SIZE | PERF_SAMPLE_CODE_PAGE_SIZE |
					     PERF_SAMPLE_PHYS_ADDR | PERF_SAMPLE_RAW);
		seed("task-clock-all-fields", &a, FR_FLAG_UNWIND | FR_FLAG_PER_SAMPLE);
	}

	/* A tracepoint: every hit, with its RAW payload. */
	tp = tracepoint_id("syscalls/sys_enter_getppid");
	if (tp) {
		memset(&a, 0, sizeof(a));
		a.type = PERF_TYPE_TRACEPOINT;
		a.config = tp;
		a.sample_period = 1;
		a.sample_type = BASE | PERF_SAMPLE_RAW | PERF_SAMPLE_CALLCHAIN;
		seed("tracepoint-raw", &a, FR_FLAG_PER_SAMPLE);
	}

	/* MMAP2 records carrying build ids instead of device and inode. */
#ifdef PERF_RECORD_MISC_MMAP_BUILD_ID
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.sample_period = 1000000;
	a.sample_type = BASE;
	a.build_id = 1;
	seed("mmap2-build-id", &a, 0);
#endif
	return 0;
}
