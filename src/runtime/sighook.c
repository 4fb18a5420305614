/* The interposed sigaction and signal: when the program sets a disposition
 * for SIGPROF, libkiln's signal sampler (the CPU profiler's fallback,
 * cpu-signal.c) gives the signal up first, so the program's handler or its
 * SIG_DFL never receives one of libkiln's timer signals (sort's cleanup
 * handler resets SIGPROF to SIG_DFL and raises it: it would die). Every
 * other call goes straight to the real function. Hook context: may run
 * before libkiln is initialised and inside the program's own handlers. */
#include <errno.h>
#include <signal.h>

#include "rt.h"
#include "cpu.h"

static bool ready(void)
{
	if (!rt_real.sigaction || !rt_real.signal) {
		if (rt_tls.resolving)
			return false;
		rt_resolve();
	}
	return rt_real.sigaction && rt_real.signal;
}

RT_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (!ready()) {
		errno = ENOSYS;
		return -1;
	}
	if (sig == SIGPROF && act)
		rt_cpu_sig_host_takes_sigprof();
	return rt_real.sigaction(sig, act, old);
}

RT_EXPORT __sighandler_t signal(int sig, __sighandler_t handler)
{
	if (!ready()) {
		errno = ENOSYS;
		return SIG_ERR;
	}
	if (sig == SIGPROF)
		rt_cpu_sig_host_takes_sigprof();
	return rt_real.signal(sig, handler);
}
