/* Syscall-heavy: small writes to /dev/null, so most samples are in the
 * kernel below write(). Usage: syscalls [SECONDS]. */
#include <fcntl.h>
#include <unistd.h>

#include "spin.h"

__attribute__((noinline)) static void write_loop(int fd)
{
	char buf[64] = { 0 };

	for (int i = 0; i < 1000; i++)
		if (write(fd, buf, sizeof(buf)) < 0)
			return;
}

int main(int argc, char **argv)
{
	double end = now_s() + arg_seconds(argc, argv, 1.0);
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0)
		return 2;
	while (now_s() < end)
		write_loop(fd);
	close(fd);
	return 0;
}
