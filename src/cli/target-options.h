/* The option-table rows for target selection (-p, -t, -C, -a), so every
 * command that watches processes or CPUs spells them the same way:
 *
 *	struct target t = TARGET_INIT;
 *	struct option_def opts[] = { ..., TARGET_OPTIONS(&t), ..., OPT_END_() };
 *	n = cli_options_parse(argc, argv, opts, usage, OPTIONS_STOP_AT_NON_OPTION, &err);
 *	target_finish(&t, n, argv, TARGET_DEFAULT_ALL_CPUS, &err);
 *
 * The lists are parsed (and errors reported) as the options are read. */
#ifndef KILN_CLI_TARGET_OPTIONS_H
#define KILN_CLI_TARGET_OPTIONS_H

#include "../collect/target.h"
#include "../opts/options.h"

static inline int target_opt_pid(const struct option_def *o, const char *arg,
				 struct kerr *err)
{
	return target_add_pids(o->value, arg, err);
}

static inline int target_opt_tid(const struct option_def *o, const char *arg,
				 struct kerr *err)
{
	return target_add_tids(o->value, arg, err);
}

static inline int target_opt_cpu(const struct option_def *o, const char *arg,
				 struct kerr *err)
{
	return target_add_cpus(o->value, arg, err);
}

#define TARGET_OPTIONS(t) \
	{ OPT_BOOL, 'a', "all-cpus", &(t)->all_cpus, NULL, \
	  "system-wide: every CPU", NULL, false }, \
	{ OPT_CALLBACK, 'C', "cpu", (t), "CPUS", \
	  "only these CPUs, e.g. 0-3,6 (implies system-wide)", target_opt_cpu, false }, \
	{ OPT_CALLBACK, 'p', "pid", (t), "PIDS", \
	  "existing processes, comma-separated (all their threads)", target_opt_pid, false }, \
	{ OPT_CALLBACK, 't', "tid", (t), "TIDS", "existing threads, comma-separated", \
	  target_opt_tid, false }

#endif
