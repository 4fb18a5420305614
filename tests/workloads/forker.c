/* Forks a child that runs child_work while the parent runs parent_work;
 * exits with the child's status. Usage: forker [SECONDS]. */
#include <sys/wait.h>
#include <unistd.h>

#include "spin.h"

__attribute__((noinline)) static uint64_t parent_work(void) { return spin(2); }
__attribute__((noinline)) static uint64_t child_work(void) { return spin(2); }

int main(int argc, char **argv)
{
	double end = now_s() + arg_seconds(argc, argv, 1.0);
	uint64_t s = 0;
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		while (now_s() < end)
			s += child_work();
		_exit(s == 42 ? 1 : 0);
	}
	while (now_s() < end)
		s += parent_work();
	if (pid > 0)
		waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
