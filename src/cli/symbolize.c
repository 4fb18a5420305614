/* The cli side of re-symbolization (symbolize.h): options, environment,
 * warnings; the engine is build/resym.c. */
#include "profile-input.h"
#include "symbolize.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/textsafe.h"
#include "../build/resym.h"
#include "../profile/decode.h"
#include "../profile/fetch.h"
#include "cli.h"
#include "input-limits.h"

/* cli state: one command per run. */
static enum resym_mode mode = RESYM_LOCAL;
static bool remote = true, force_remote;
static bool demangle = true;

static const char *symfs;

int cli_opt_symbolize(const struct option_def *opt, const char *arg, struct kerr *err)
{
	/* pprof's modes, ':'-separated. none also leaves names as they are
	 * (pprof returns before demangling), as does demangle=none; kiln's
	 * other demangle= modes are its default simplification. */
	char *s = xstrdup(arg), *save = NULL;
	bool local = false, force = false, none = false;
	int ret = 0;

	(void)opt;
	remote = false;
	/* As pprof: neither local nor remote named means both. */
	for (char *w = strtok_r(s, ":", &save); w; w = strtok_r(NULL, ":", &save)) {
		if (!strcmp(w, "none") || !strcmp(w, "no")) {
			none = true;
			demangle = false;
			break;
		} else if (!strcmp(w, "demangle=none"))
			demangle = false;
		else if (!strcmp(w, "local") || !strcmp(w, "fastlocal"))
			local = true;
		else if (!strcmp(w, "force"))
			force = true;
		else if (!strcmp(w, "remote"))
			remote = true;
		else if (strncmp(w, "demangle=", 9) != 0) {
			ret = kerr_set(err, -EINVAL, "-symbolize: unknown mode '%s' (none, local, force, remote)", w);
			break;
		}
	}
	free(s);
	if (!local && !remote)
		local = remote = true;
	if (none)
		local = remote = false;
	mode = !local ? RESYM_NONE : force ? RESYM_FORCE : RESYM_LOCAL;
	force_remote = force;
	return ret;
}

int cli_opt_symfs(const struct option_def *opt, const char *arg, struct kerr *err)
{
	(void)opt;
	if (access(arg, X_OK) < 0)
		return kerr_set(err, -errno, "--symfs %s: %s", arg, strerror(errno));
	symfs = arg;
	return 0;
}

const char *cli_buildid_dir(void)
{
	static char *dir;
	const char *home = getenv("HOME");

	if (!dir && home && *home) {
		struct kbuf b = KBUF_INIT;
		kbuf_addf(&b, "%s/.debug", home);
		dir = kbuf_detach(&b, NULL);
	}
	return dir;
}

bool cli_symbolize_demangles(void)
{
	return demangle;
}

bool cli_is_elf(const char *path)
{
	char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool elf = fd >= 0 && read(fd, magic, 4) == 4 && !memcmp(magic, "\177ELF", 4);

	if (fd >= 0)
		close(fd);
	return elf;
}

/* PPROF_BINARY_PATH's folders, else $HOME/pprof/binaries. */
static size_t search_path(char ***out)
{
	const char *env = getenv("PPROF_BINARY_PATH"), *home = getenv("HOME");
	struct kbuf b = KBUF_INIT;
	char **v = NULL, *save = NULL;
	size_t n = 0, cap = 0;

	if (env && *env)
		kbuf_addstr(&b, env);
	else if (home && *home)
		kbuf_addf(&b, "%s/pprof/binaries", home);
	for (char *w = b.len ? strtok_r(b.buf, ":", &save) : NULL; w; w = strtok_r(NULL, ":", &save)) {
		v = xgrow(v, &cap, n + 1, sizeof(*v));
		v[n++] = xstrdup(w);
	}
	kbuf_release(&b);
	*out = v;
	return n;
}

void cli_locate_opts(struct sym_locate_opts *o, char ***dirs)
{
	memset(o, 0, sizeof(*o));
	o->n_search = search_path(dirs);
	o->search = (const char *const *)*dirs;
	o->buildid_dir = cli_buildid_dir();
	o->symfs = symfs;
}

void cli_locate_release(struct sym_locate_opts *o, char **dirs)
{
	for (size_t i = 0; dirs && i < o->n_search; i++)
		free(dirs[i]);
	free(dirs);
}

static int post(void *url, const char *body, size_t len, struct kbuf *reply, struct kerr *err)
{
	return fetch_post(url, body, len, reply, err);
}

/* pprof's remote step: a profile fetched from a server asks that server's
 * symbol endpoint about what is still unnamed. */
static int symbolize_remote(struct profile *p, const char *source, struct kerr *err)
{
	struct kbuf url = KBUF_INIT;
	size_t named = 0;
	int ret = 0;

	if (symbolz_url(source, &url))
		ret = profile_symbolize_remote(p, force_remote, post, url.buf, &named, err);
	kbuf_release(&url);
	return ret;
}

int cli_symbolize(struct profile **pp, const char *binary, const char *source, struct kerr *err)
{
	struct resym_opts o = { .mode = mode, .binary = binary };
	struct kbuf warn = KBUF_INIT;
	char **dirs = NULL;
	int ret;

	cli_locate_opts(&o.locate, &dirs);
	ret = profile_resymbolize(pp, &o, &warn, err);
	if (ret == 0 && remote)
		ret = symbolize_remote(*pp, source, err);
	if (warn.len)
		text_fputs(warn.buf, TEXT_KEEP_NL, stderr);
	cli_locate_release(&o.locate, dirs);
	kbuf_release(&warn);
	return ret;
}

int cli_read_profile(const char *path, bool per_sample, struct profile **out, struct kerr *err)
{
	struct profile_decode_opts d = cli_decode_opts();
	int ret = cli_load_profile(path, &d, per_sample, out, err);

	if (ret == 0 && (ret = cli_symbolize(out, NULL, path, err)) < 0) {
		profile_free(*out);
		*out = NULL;
	}
	return ret;
}
