/* -symbolize=MODE and --symfs DIR on every command that reads profiles
 * (report, web, script, annotate, diff), and the environment they read:
 * PPROF_BINARY_PATH (default $HOME/pprof/binaries) and perf's build-id
 * cache, $HOME/.debug. The work is build/resym.h's. */
#ifndef KILN_CLI_SYMBOLIZE_H
#define KILN_CLI_SYMBOLIZE_H

#include <stdbool.h>

#include "../profile/profile.h"
#include "../symbols/locate.h"
#include "../opts/options.h"

int cli_opt_symbolize(const struct option_def *opt, const char *arg, struct kerr *err);
int cli_opt_symfs(const struct option_def *opt, const char *arg, struct kerr *err);

#define CLI_SYMFS_OPTION                                                                 \
	{ OPT_CALLBACK, 0, "symfs", NULL, "DIR", "look for binaries under DIR first (perf's --symfs)", \
	  cli_opt_symfs, false }
#define CLI_SYMBOLIZE_OPTIONS                                                            \
	{ OPT_CALLBACK, 0, "symbolize", NULL, "MODE",                                    \
	  "local, remote (a fetched profile's server), force (all), none; default local:remote", \
	  cli_opt_symbolize, false },                                                    \
	CLI_SYMFS_OPTION

/* perf's build-id cache: $HOME/.debug, NULL without a $HOME. */
const char *cli_buildid_dir(void);

/* Where files are searched for, as the options and environment say;
 * *dirs holds the search folders, released with cli_locate_release(). */
void cli_locate_opts(struct sym_locate_opts *o, char ***dirs);
void cli_locate_release(struct sym_locate_opts *o, char **dirs);

/* False after -symbolize=none or demangle=none: names stay as the
 * profile has them (no demangling, no simplification), as in pprof. */
bool cli_symbolize_demangles(void);

/* True when `path` names an ELF file (pprof's BINARY PROFILE form). */
bool cli_is_elf(const char *path);

/* Re-symbolizes *pp as the options say, BINARY (may be NULL) standing for
 * its main mapping; `source` is where it came from (a URL gets -symbolize
 * =remote). Warnings are printed. Returns 0, or -errno with err set. */
int cli_symbolize(struct profile **pp, const char *binary, const char *source, struct kerr *err);

/* Reads a profile file (decode.h, with --max-memory's limit) and
 * re-symbolizes it as the options say. Returns 0 or -errno. */
int cli_read_profile(const char *path, bool per_sample, struct profile **out, struct kerr *err);

#endif
