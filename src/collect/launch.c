/* Starts the measured command under control: a forked child parked on a
 * pipe until counters are attached, then execvp(); errno of a failed exec
 * comes back over a close-on-exec pipe (EOF on that pipe means the exec
 * succeeded). One child per session, so simplicity beats speed here. */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* In the child: only async-signal-safe calls until exec. */
static void __attribute__((noreturn))
child_run(const char *const *argv, int go_rd, int err_wr)
{
	sigset_t all;
	char c;
	ssize_t n;
	int e;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);

	do
		n = read(go_rd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(127); /* the parent gave up before starting us */
	close(go_rd);

	execvp(argv[0], (char *const *)argv);
	e = errno;
	while (write(err_wr, &e, sizeof(e)) < 0 && errno == EINTR)
		;
	_exit(e == ENOENT ? 127 : 126);
}

int launch_prepare(struct launch *l, const char *const *argv, struct kerr *err)
{
	int go[2], ex[2];
	int ret;

	if (!argv || !argv[0])
		return kerr_set(err, -EINVAL, "no command to run");
	l->file = argv[0];
	l->started = false;
	if (pipe2(go, O_CLOEXEC) < 0) {
		ret = -errno;
		kerr_set(err, ret, "cannot create pipe: %s", strerror(-ret));
		goto out;
	}
	if (pipe2(ex, O_CLOEXEC) < 0) {
		ret = -errno;
		kerr_set(err, ret, "cannot create pipe: %s", strerror(-ret));
		goto out_go;
	}
	fflush(NULL); /* buffered output must not be written twice */
	l->pid = fork();
	if (l->pid < 0) {
		ret = -errno;
		kerr_set(err, ret, "cannot fork to run '%s': %s", argv[0], strerror(-ret));
		goto out_ex;
	}
	if (l->pid == 0) {
		close(go[1]);
		close(ex[0]);
		child_run(argv, go[0], ex[1]);
	}
	close(go[0]);
	close(ex[1]);
	l->go_fd = go[1];
	l->exec_err_fd = ex[0];
	return 0;

out_ex:
	close(ex[0]);
	close(ex[1]);
out_go:
	close(go[0]);
	close(go[1]);
out:
	l->pid = -1;
	return ret;
}

int launch_start(struct launch *l, struct kerr *err)
{
	char c = 'g';
	int child_errno = 0;
	ssize_t n;

	if (l->pid <= 0 || l->go_fd < 0)
		return kerr_set(err, -EINVAL, "no prepared command to start");
	do
		n = write(l->go_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	close_fd(&l->go_fd);
	if (n != 1) {
		int e = n < 0 ? errno : EIO;
		return kerr_set(err, -e, "cannot start '%s': %s", l->file, strerror(e));
	}
	l->started = true;

	do
		n = read(l->exec_err_fd, &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close_fd(&l->exec_err_fd);
	if (n == 0)
		return 0; /* EOF: the pipe closed on exec */
	if (n != sizeof(child_errno) || child_errno <= 0)
		child_errno = EIO;
	while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
		;
	l->pid = -1;
	return kerr_set(err, -child_errno, "cannot run '%s': %s", l->file,
			strerror(child_errno));
}

int launch_wait(struct launch *l, int *status, struct rusage *ru, bool interruptible)
{
	struct rusage tmp;
	pid_t r;

	if (l->pid <= 0)
		return -ECHILD;
	for (;;) {
		r = wait4(l->pid, status, 0, ru ? ru : &tmp);
		if (r == l->pid)
			break;
		if (r < 0 && errno == EINTR && !interruptible)
			continue;
		return -errno;
	}
	l->pid = -1;
	return 0;
}

int launch_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

void launch_release(struct launch *l)
{
	close_fd(&l->go_fd);
	close_fd(&l->exec_err_fd);
	if (l->pid > 0) {
		/* Never started, or abandoned: with the go pipe closed an unstarted
		 * child exits by itself, but a started one may run on. */
		kill(l->pid, SIGKILL);
		while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	l->pid = -1;
}
