/* Unit tests for the shared target parser (-p/-t/-C/-a/-- cmd) and the
 * command launcher: id and CPU list syntax, option combinations, and the
 * exec-failure path that must report ENOENT before any waiting. */
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "base/vec.h"
#include "collect/launch.h"
#include "collect/target.h"
#include "cli/target-options.h"

static void test_lists(void)
{
	struct target t = TARGET_INIT;
	struct cpu_list c = CPU_LIST_INIT;
	struct kerr err = KERR_INIT;

	CHECK_EQ(target_add_pids(&t, "12,34 12", &err), 0);
	CHECK_EQ(t.pids.n, 2);
	CHECK_EQ(t.pids.v[1], 34);
	CHECK_EQ(target_add_pids(&t, "12,x", &err), -EINVAL);
	CHECK(strstr(err.msg, "'x'") != NULL);
	CHECK_EQ(target_add_tids(&t, "0", &err), -EINVAL);
	CHECK_EQ(target_add_tids(&t, ",", &err), -EINVAL);
	CHECK_EQ(target_add_tids(&t, "-3", &err), -EINVAL);

	CHECK_EQ(cpu_list_parse("0-3,8,10-11\n", &c, &err), 0);
	CHECK_EQ(c.n, 7);
	CHECK_EQ(c.v[4], 8);
	CHECK_EQ(c.v[6], 11);
	CHECK_EQ(cpu_list_parse("3-1", &c, &err), -EINVAL);
	CHECK_EQ(cpu_list_parse("1-", &c, &err), -EINVAL);
	CHECK_EQ(cpu_list_parse("a", &c, &err), -EINVAL);
	CHECK(strstr(err.msg, "'a'") != NULL);
	vec_free(&c);

	/* A CPU beyond possible is refused; the bound comes from sysfs. */
	int possible = cpus_possible_count();
	CHECK(possible > 0);
	char big[32];
	snprintf(big, sizeof(big), "%d", possible);
	CHECK_EQ(target_add_cpus(&t, big, &err), -EINVAL);
	CHECK_EQ(target_add_cpus(&t, "0", &err), 0);
	CHECK(t.cpus_given);
	target_release(&t);
}

static void test_finish(void)
{
	struct kerr err = KERR_INIT;
	const char *cmd[] = { "true", NULL };
	struct target t = TARGET_INIT;
	struct cpu_list online = CPU_LIST_INIT;

	CHECK_EQ(cpus_online(&online, &err), 0);

	/* Nothing given: system-wide by default, an error otherwise. */
	CHECK_EQ(target_finish(&t, 0, NULL, 0, &err), -EINVAL);
	target_release(&t);
	CHECK_EQ(target_finish(&t, 0, NULL, TARGET_DEFAULT_ALL_CPUS, &err), 0);
	CHECK(t.all_cpus);
	CHECK(target_has_cpus(&t));
	CHECK_EQ(t.cpus.n, online.n);
	target_release(&t);

	CHECK_EQ(target_finish(&t, 1, cmd, TARGET_DEFAULT_ALL_CPUS, &err), 0);
	CHECK(!target_has_cpus(&t));
	CHECK(target_has_command(&t));
	CHECK_STR(t.argv[0], "true");
	target_release(&t);

	target_add_pids(&t, "1", &err);
	t.all_cpus = true;
	CHECK_EQ(target_finish(&t, 0, NULL, 0, &err), -EINVAL);
	target_release(&t);
	target_add_pids(&t, "1", &err);
	CHECK_EQ(target_finish(&t, 1, cmd, 0, &err), -EINVAL);
	target_release(&t);
	/* ... unless the command is only a timer (perf stat -p 1 -- sleep 5). */
	target_add_pids(&t, "1", &err);
	CHECK_EQ(target_finish(&t, 1, cmd, TARGET_COMMAND_AS_TIMER, &err), 0);
	CHECK(target_has_command(&t));
	CHECK(!target_has_cpus(&t));
	target_release(&t);

	/* -p expands to the process's threads. */
	struct pid_list th = PID_LIST_INIT;
	char me[32];
	snprintf(me, sizeof(me), "%d", (int)getpid());
	target_add_pids(&t, me, &err);
	CHECK_EQ(target_finish(&t, 0, NULL, 0, &err), 0);
	CHECK_EQ(target_threads(&t, &th, &err), 0);
	CHECK_EQ(th.n, 1);
	CHECK_EQ(th.v[0], getpid());
	vec_free(&th);
	target_release(&t);
	vec_free(&online);
}

static void test_launch(void)
{
	struct kerr err = KERR_INIT;
	struct launch l = LAUNCH_INIT;
	const char *ok[] = { "sh", "-c", "exit 7", NULL };
	const char *missing[] = { "kiln-no-such-command-xyz", NULL };
	int status = 0;

	CHECK_EQ(launch_prepare(&l, ok, &err), 0);
	CHECK(l.pid > 0);
	CHECK_EQ(launch_start(&l, &err), 0);
	CHECK_EQ(launch_wait(&l, &status, NULL, false), 0);
	CHECK_EQ(launch_exit_code(status), 7);
	launch_release(&l);

	CHECK_EQ(launch_prepare(&l, missing, &err), 0);
	CHECK_EQ(launch_start(&l, &err), -ENOENT);
	CHECK_STR(err.msg, "cannot run 'kiln-no-such-command-xyz': No such file or directory");
	CHECK_EQ(l.pid, -1);
	launch_release(&l);

	/* Abandoned before start: release reaps the parked child. */
	CHECK_EQ(launch_prepare(&l, ok, &err), 0);
	pid_t pid = l.pid;
	launch_release(&l);
	CHECK_EQ(waitpid(pid, NULL, WNOHANG), -1);
}

/* The shared option rows drive the same parser. */
static void test_options(void)
{
	struct kerr err = KERR_INIT;
	struct target t = TARGET_INIT;
	struct option_def opts[] = { TARGET_OPTIONS(&t), OPT_END_() };
	const char *argv[] = { "stat", "-p", "7,8", "-t9", "--", "x", NULL };
	const char *bad[] = { "stat", "-C", "0-z", NULL };
	int n;

	n = options_parse(6, argv, opts, "u", OPTIONS_STOP_AT_NON_OPTION, NULL, &err);
	CHECK_EQ(n, 1);
	CHECK_EQ(t.pids.n, 2);
	CHECK_EQ(t.tids.v[0], 9);
	target_release(&t);
	CHECK(options_parse(3, bad, opts, "u", 0, NULL, &err) < 0);
	CHECK(strstr(err.msg, "0-z") != NULL);
	target_release(&t);
}

int main(void)
{
	test_options();
	test_lists();
	test_finish();
	test_launch();
	return CHECK_DONE();
}
