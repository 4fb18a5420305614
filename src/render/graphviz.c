/* Running Graphviz's `dot` as a filter: DOT source in on a pipe, the image
 * out on another, polled together so neither side blocks on a full pipe.
 * The program is looked up on PATH (KILN_DOT overrides, for tests). Output
 * is capped at 256 MiB. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "render.h"

extern char **environ;

#define MAX_OUT ((size_t)256 << 20)

static bool known_format(const char *f)
{
	return !strcmp(f, "svg") || !strcmp(f, "png") || !strcmp(f, "pdf") || !strcmp(f, "ps") ||
	       !strcmp(f, "gif");
}

int render_graphviz(const struct kbuf *src, const char *format, struct kbuf *out,
		    struct kerr *err)
{
	const char *prog = getenv("KILN_DOT");
	char tflag[16];
	char *argv[3];
	int in[2] = { -1, -1 }, outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	size_t written = 0;
	int ret, status;
	char errbuf[512];
	size_t errlen = 0;
	bool fa_init = false;

	if (!prog || !prog[0])
		prog = "dot";
	if (!known_format(format))
		return kerr_set(err, -EINVAL, "unknown Graphviz output format '%s'", format);
	snprintf(tflag, sizeof(tflag), "-T%s", format);
	argv[0] = (char *)prog;
	argv[1] = tflag;
	argv[2] = NULL;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		ret = kerr_set(err, -errno, "pipe: %s", strerror(errno));
		goto close_pipes;
	}
	posix_spawn_file_actions_init(&fa);
	fa_init = true;
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	ret = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	if (ret != 0) {
		ret = kerr_set(err, ret == ENOENT ? -ENOENT : -ret,
			       ret == ENOENT ? "Graphviz's '%s' program is not installed (package graphviz; scripts/setup.sh installs it)"
					     : "cannot run '%s': %s",
			       prog, strerror(ret));
		goto close_pipes;
	}
	close(in[0]);
	close(outp[1]);
	close(errp[1]);
	in[0] = outp[1] = errp[1] = -1;
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	{
		/* A dot that dies early must not kill us with SIGPIPE: block it in
		 * this thread only (the web server runs this in its workers) and
		 * swallow the one our writes may raise. */
		sigset_t pipe_set, old_mask, pending;
		bool was_pending;
		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
		sigpending(&pending);
		was_pending = sigismember(&pending, SIGPIPE);
		while (outp[0] >= 0 || errp[0] >= 0) {
			struct pollfd pf[3];
			int np = 0, io = -1, ie = -1, ii = -1;
			if (outp[0] >= 0) { pf[np].fd = outp[0]; pf[np].events = POLLIN; io = np++; }
			if (errp[0] >= 0) { pf[np].fd = errp[0]; pf[np].events = POLLIN; ie = np++; }
			if (in[1] >= 0) { pf[np].fd = in[1]; pf[np].events = POLLOUT; ii = np++; }
			if (poll(pf, (nfds_t)np, -1) < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			if (ii >= 0 && pf[ii].revents) {
				ssize_t w = write(in[1], src->buf + written, src->len - written);
				if (w > 0)
					written += (size_t)w;
				if (w < 0 && errno != EAGAIN) {
					close(in[1]);
					in[1] = -1;
				} else if (written == src->len) {
					close(in[1]);
					in[1] = -1;
				}
			}
			if (io >= 0 && pf[io].revents) {
				char buf[65536];
				ssize_t r = read(outp[0], buf, sizeof(buf));
				if (r > 0 && out->len + (size_t)r <= MAX_OUT)
					kbuf_add(out, buf, (size_t)r);
				if (r <= 0 && !(r < 0 && errno == EINTR)) {
					close(outp[0]);
					outp[0] = -1;
				}
			}
			if (ie >= 0 && pf[ie].revents) {
				char buf[4096];
				ssize_t r = read(errp[0], buf, sizeof(buf));
				if (r > 0) {
					size_t room = sizeof(errbuf) - 1 - errlen;
					size_t n = (size_t)r < room ? (size_t)r : room;
					memcpy(errbuf + errlen, buf, n);
					errlen += n;
				}
				if (r <= 0 && !(r < 0 && errno == EINTR)) {
					close(errp[0]);
					errp[0] = -1;
				}
			}
		}
		sigpending(&pending);
		if (!was_pending && sigismember(&pending, SIGPIPE)) {
			struct timespec zero = { 0, 0 };
			sigtimedwait(&pipe_set, NULL, &zero);
		}
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	errbuf[errlen] = 0;
	for (size_t i = 0; i < errlen; i++)
		if (errbuf[i] == '\n')
			errbuf[i] = ' ';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		ret = kerr_set(err, -EIO, "dot failed: %s", errlen ? errbuf : "no message");
	else
		ret = 0;
close_pipes:
	if (fa_init)
		posix_spawn_file_actions_destroy(&fa);
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	return ret;
}
