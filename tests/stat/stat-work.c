/* Deterministic workloads for the kiln stat tests: each mode does a known
 * number of the thing a software event counts, and nothing else noisy
 * (no output, so no stray write calls).
 *   pages N   touch N fresh anonymous pages   (≈ N page faults)
 *   sleeps N  sleep 1 ms N times               (≈ N context switches)
 *   writes N  write(2) one byte to /dev/null N times (exactly N sys_enter_write)
 *   spin MS   burn MS milliseconds of CPU time (≈ MS msec task-clock, even
 *             on a loaded machine)
 *   exit N    exit with status N */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
	long page = sysconf(_SC_PAGESIZE);

	if (argc < 3)
		return 2;
	if (!strcmp(argv[1], "pages")) {
		volatile char *p = mmap(NULL, (size_t)(n * page), PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		for (long i = 0; i < n; i++)
			p[i * page] = 1;
	} else if (!strcmp(argv[1], "sleeps")) {
		struct timespec ts = { 0, 1000000 };
		for (long i = 0; i < n; i++)
			nanosleep(&ts, NULL);
	} else if (!strcmp(argv[1], "writes")) {
		int fd = open("/dev/null", O_WRONLY);
		for (long i = 0; i < n; i++)
			if (write(fd, "x", 1) != 1)
				return 1;
	} else if (!strcmp(argv[1], "spin")) {
		double end = cpu_ms() + n;
		volatile unsigned long x = 0;
		while (cpu_ms() < end)
			x++;
	} else if (!strcmp(argv[1], "exit")) {
		return (int)n;
	} else {
		return 2;
	}
	return 0;
}
