/* Unit tests of the symbols module, one case per meson test:
 *   test-symbols CASE ARGS...
 * Expected offsets come from running the test programs (prog.c,
 * prog-cpp.cc), which map their own addresses to file offsets through
 * /proc/self/maps; expected lines come from @tags in prog.c. So nothing
 * here reads ELF or DWARF a second way. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/base/buf.h"
#include "../../src/symbols/jitdump.h"
#include "../../src/symbols/symbols.h"
#include "../unit/check.h"

#define MAX_FRAMES 16

/* ---- helpers ---- */

struct offsets {
	char name[16][32];
	uint64_t off[16];
	int n;
};

/* Runs a test program and reads its "name hex-offset" lines; a program
 * that fails or prints none fails the test. */
static void run_prog(const char *path, struct offsets *o)
{
	char line[256];
	FILE *p = popen(path, "r");
	int status;

	o->n = 0;
	if (!p) {
		fprintf(stderr, "cannot run %s\n", path);
		exit(1);
	}
	while (o->n < 16 && fgets(line, sizeof(line), p)) {
		unsigned long long off;

		if (sscanf(line, "%31s %llx", o->name[o->n], &off) == 2)
			o->off[o->n++] = off;
	}
	status = pclose(p);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || o->n == 0) {
		fprintf(stderr, "%s failed (status %#x) or printed no offsets\n", path, status);
		exit(1);
	}
}

static uint64_t offset_of(const struct offsets *o, const char *name)
{
	for (int i = 0; i < o->n; i++) {
		if (!strcmp(o->name[i], name))
			return o->off[i];
	}
	fprintf(stderr, "test program printed no offset for %s\n", name);
	exit(1);
}

/* Line number of the line of `src` holding "@tag " or "@tag*". */
static int64_t tag_line(const char *src, const char *tag)
{
	char line[512], pat[64];
	int64_t n = 0;
	FILE *f = fopen(src, "r");

	if (!f) {
		fprintf(stderr, "cannot read %s\n", src);
		exit(1);
	}
	snprintf(pat, sizeof(pat), "@%s ", tag);
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, pat)) {
			fclose(f);
			return n;
		}
	}
	fclose(f);
	fprintf(stderr, "no @%s in %s\n", tag, src);
	exit(1);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = s ? strlen(s) : 0, m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The DWARF file name names the source file itself (compared through
 * realpath: the tree may be reached through a symlink). */
static bool same_file(const char *dwarf_file, const char *src)
{
	char a[4096], b[4096];

	return dwarf_file && dwarf_file[0] == '/' && realpath(dwarf_file, a) &&
	       realpath(src, b) && strcmp(a, b) == 0;
}

static void copy_file(const char *from, const char *to)
{
	struct kbuf b = KBUF_INIT;
	FILE *f;

	if (kbuf_read_file(&b, from, 0) < 0 || !(f = fopen(to, "w"))) {
		fprintf(stderr, "cannot copy %s to %s\n", from, to);
		exit(1);
	}
	fwrite(b.buf, 1, b.len, f);
	fclose(f);
	kbuf_release(&b);
}

static char *make_tmpdir(void)
{
	char tmpl[] = "/tmp/kiln-symbols.XXXXXX";
	char *d = mkdtemp(tmpl);

	if (!d) {
		perror("mkdtemp");
		exit(1);
	}
	return strdup(d);
}

static void remove_tree(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* Open descriptors of this process (the directory's own one included,
 * the same each time). */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static struct symbolizer *new_symbolizer(void)
{
	struct symbolizer *s = symbolizer_new();

	/* Never pick up debug files installed on this machine. */
	symbolizer_set_debug_dir(s, NULL);
	return s;
}

/* Checks the leaf → middle → outer chain of prog.c at probe_ret. */
static void check_inline_chain(struct sym_file *f, uint64_t off, const char *src)
{
	struct sym_frame fr[MAX_FRAMES];
	int n = sym_file_lookup(f, off, fr, MAX_FRAMES);

	CHECK_EQ(n, 3);
	if (n != 3)
		return;
	CHECK_STR(fr[0].name, "leaf");
	CHECK_STR(fr[1].name, "middle");
	CHECK_STR(fr[2].name, "outer");
	CHECK_EQ(fr[0].line, tag_line(src, "leaf_call"));
	CHECK_EQ(fr[1].line, tag_line(src, "middle_call"));
	CHECK_EQ(fr[2].line, tag_line(src, "outer_call"));
	CHECK_EQ(fr[0].start_line, tag_line(src, "leaf_decl"));
	CHECK_EQ(fr[1].start_line, tag_line(src, "middle_decl"));
	CHECK_EQ(fr[2].start_line, tag_line(src, "outer_decl"));
	for (int i = 0; i < 3; i++) {
		CHECK(same_file(fr[i].file, src));
		CHECK(fr[i].column >= 0);
	}
	/* Truncation keeps the outermost frames. */
	n = sym_file_lookup(f, off, fr, 2);
	CHECK_EQ(n, 2);
	if (n == 2) {
		CHECK_STR(fr[0].name, "middle");
		CHECK_STR(fr[1].name, "outer");
	}
}

/* ---- cases ---- */

/* ELF symbols, lines, build id, stripped copy, cache and errors. */
static int test_elf(int argc, char **argv)
{
	const char *prog = argv[0], *stripped = argv[1], *src = argv[2];
	struct symbolizer *s = new_symbolizer();
	struct sym_frame fr[MAX_FRAMES];
	struct kerr err = KERR_INIT;
	struct sym_file *f, *f2, *fs;
	const struct sym_file_info *fi, *si;
	struct offsets o, os;
	char procpath[4096 + 32], abs[4096];
	uint64_t vaddr;
	int n, fds;

	(void)argc;
	run_prog(prog, &o);
	fds = count_fds();
	CHECK_EQ(sym_file_open(s, prog, &f, &err), 0);
	fi = sym_file_info(f);
	CHECK_STR(fi->path, prog);
	CHECK_EQ(strlen(fi->build_id), 40);
	CHECK(fi->debug_path == NULL);
	CHECK(fi->has_functions && fi->has_filenames && fi->has_line_numbers &&
	      fi->has_inline_frames);

	n = sym_file_lookup(f, offset_of(&o, "outer"), fr, MAX_FRAMES);
	CHECK_EQ(n, 1);
	CHECK_STR(fr[0].name, "outer");
	CHECK_STR(fr[0].system_name, "outer");
	CHECK(same_file(fr[0].file, src));
	CHECK_EQ(fr[0].start_line, tag_line(src, "outer_decl"));
	CHECK(fr[0].line >= fr[0].start_line);

	n = sym_file_lookup(f, offset_of(&o, "probe"), fr, MAX_FRAMES);
	CHECK_EQ(n, 1);
	CHECK_STR(fr[0].name, "probe");
	n = sym_file_lookup(f, offset_of(&o, "main"), fr, MAX_FRAMES);
	CHECK(n >= 1);
	if (n >= 1)
		CHECK_STR(fr[n - 1].name, "main");
	CHECK_EQ(sym_file_vaddr(f, offset_of(&o, "outer"), &vaddr), 0);
	CHECK_EQ(sym_file_vaddr(f, UINT64_MAX - 5, &vaddr), -ENOENT);
	CHECK_EQ(sym_file_lookup(f, UINT64_MAX - 5, fr, MAX_FRAMES), 0);
	CHECK_EQ(sym_file_lookup(f, offset_of(&o, "outer"), fr, 0), 0);
	/* Mapped files keep no descriptor open. */
	CHECK_EQ(count_fds(), fds);

	/* Cached: the same object, even via sym_file_open again. */
	CHECK_EQ(sym_file_open(s, prog, &f2, NULL), 0);
	CHECK(f2 == f);

	/* Stripped: a build id but no functions, and no crash. */
	run_prog(stripped, &os);
	CHECK_EQ(offset_of(&os, "outer"), offset_of(&o, "outer"));
	CHECK_EQ(sym_file_open(s, stripped, &fs, &err), 0);
	si = sym_file_info(fs);
	CHECK_STR(si->build_id, fi->build_id);
	CHECK(!si->has_functions && !si->has_line_numbers && !si->has_inline_frames);
	CHECK_EQ(sym_file_lookup(fs, offset_of(&o, "outer"), fr, MAX_FRAMES), 0);
	CHECK_EQ(sym_file_lookup(fs, offset_of(&o, "probe_ret"), fr, MAX_FRAMES), 0);

	/* Through another mount namespace's root (here our own). */
	CHECK(realpath(prog, abs) != NULL);
	snprintf(procpath, sizeof(procpath), "/proc/self/root%s", abs);
	CHECK_EQ(sym_file_open(s, procpath, &f2, &err), 0);
	CHECK(f2 && f2 != f);
	if (f2) {
		n = sym_file_lookup(f2, offset_of(&o, "outer"), fr, MAX_FRAMES);
		CHECK_EQ(n, 1);
		CHECK_STR(fr[0].name, "outer");
	}

	/* Errors, each cached. */
	CHECK_EQ(sym_file_open(s, "/nonexistent/kiln/lib.so", &f2, &err), -ENOENT);
	CHECK(f2 == NULL);
	CHECK(strstr(err.msg, "/nonexistent/kiln/lib.so") != NULL);
	err = (struct kerr)KERR_INIT;
	CHECK_EQ(sym_file_open(s, "/nonexistent/kiln/lib.so", &f2, &err), -ENOENT);
	CHECK(strstr(err.msg, "/nonexistent/kiln/lib.so") != NULL);
	CHECK_EQ(sym_file_open(s, src, &f2, &err), -ENOEXEC);
	CHECK_EQ(sym_file_open(s, "/proc/self", &f2, NULL), -ENOEXEC);
	CHECK_EQ(sym_file_lookup(NULL, 0, fr, MAX_FRAMES), 0);
	symbolizer_free(s);
	symbolizer_free(NULL);
	return CHECK_DONE();
}

/* DWARF inline chains, innermost first (also with split and
 * compressed DWARF). */
static int test_inline(int argc, char **argv)
{
	struct symbolizer *s = new_symbolizer();
	struct sym_file *f;
	struct offsets o;

	(void)argc;
	run_prog(argv[0], &o);
	CHECK_EQ(sym_file_open(s, argv[0], &f, NULL), 0);
	if (f)
		check_inline_chain(f, offset_of(&o, "probe_ret"), argv[1]);
	symbolizer_free(s);
	return CHECK_DONE();
}

/* Separate debug files: debuglink (build id compared, or CRC when there
 * is none), a mismatching one refused, the build-id directory. */
static int test_debugfile(int argc, char **argv)
{
	const char *prog = argv[0], *dl = argv[1], *debug = argv[2];
	const char *nobid_dl = argv[3], *nobid_debug = argv[4], *src = argv[5];
	struct sym_frame fr[MAX_FRAMES];
	const struct sym_file_info *fi;
	struct symbolizer *s;
	struct sym_file *f;
	struct offsets o, on;
	char *tmp = make_tmpdir();
	char path[4096], path2[4096];
	int n;

	(void)argc;
	run_prog(prog, &o);

	/* Debuglink next to the binary, build ids equal. */
	s = new_symbolizer();
	CHECK_EQ(sym_file_open(s, dl, &f, NULL), 0);
	fi = sym_file_info(f);
	CHECK(ends_with(fi->debug_path, "/sym-prog.debug"));
	CHECK(fi->has_functions && fi->has_line_numbers && fi->has_inline_frames);
	n = sym_file_lookup(f, offset_of(&o, "outer"), fr, MAX_FRAMES);
	CHECK_EQ(n, 1);
	if (n == 1)
		CHECK_STR(fr[0].name, "outer");
	check_inline_chain(f, offset_of(&o, "probe_ret"), src);
	symbolizer_free(s);

	/* No build ids: the CRC decides. */
	run_prog(nobid_dl, &on);
	s = new_symbolizer();
	CHECK_EQ(sym_file_open(s, nobid_dl, &f, NULL), 0);
	fi = sym_file_info(f);
	CHECK_STR(fi->build_id, "");
	CHECK(ends_with(fi->debug_path, "/sym-prog-nobid.debug"));
	check_inline_chain(f, offset_of(&on, "probe_ret"), src);
	symbolizer_free(s);

	/* The same binary beside a debug file whose CRC differs. */
	snprintf(path, sizeof(path), "%s/sym-prog-nobid.dl", tmp);
	copy_file(nobid_dl, path);
	snprintf(path2, sizeof(path2), "%s/sym-prog-nobid.debug", tmp);
	copy_file(nobid_debug, path2);
	{
		FILE *fp = fopen(path2, "a");

		fputc('x', fp);
		fclose(fp);
	}
	s = new_symbolizer();
	CHECK_EQ(sym_file_open(s, path, &f, NULL), 0);
	fi = sym_file_info(f);
	CHECK(fi->debug_path == NULL);
	CHECK(!fi->has_functions);
	CHECK_EQ(sym_file_lookup(f, offset_of(&on, "outer"), fr, MAX_FRAMES), 0);
	symbolizer_free(s);

	/* In a .debug/ subdirectory, by build id compare. */
	snprintf(path, sizeof(path), "%s/sub", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sub/.debug", tmp);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sub/.debug/sym-prog.debug", tmp);
	copy_file(debug, path);
	snprintf(path, sizeof(path), "%s/sub/sym-prog.dl", tmp);
	copy_file(dl, path);
	s = new_symbolizer();
	CHECK_EQ(sym_file_open(s, path, &f, NULL), 0);
	CHECK(ends_with(sym_file_info(f)->debug_path, "/sub/.debug/sym-prog.debug"));
	symbolizer_free(s);

	/* The build-id directory, for a binary without a debuglink. */
	s = new_symbolizer();
	symbolizer_set_debug_dir(s, tmp);
	CHECK_EQ(sym_file_open(s, prog, &f, NULL), 0);
	{
		const char *bid = sym_file_info(f)->build_id;

		snprintf(path, sizeof(path), "%s/.build-id", tmp);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/.build-id/%.2s", tmp, bid);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s.debug", tmp, bid, bid + 2);
		copy_file(debug, path);
	}
	snprintf(path2, sizeof(path2), "%s/stripped", tmp);
	copy_file(argv[6], path2);
	CHECK_EQ(sym_file_open(s, path2, &f, NULL), 0);
	fi = sym_file_info(f);
	CHECK_STR(fi->debug_path, path);
	CHECK(fi->has_functions && fi->has_line_numbers);
	check_inline_chain(f, offset_of(&o, "probe_ret"), src);
	symbolizer_free(s);

	remove_tree(tmp);
	free(tmp);
	return CHECK_DONE();
}

/* C++ names, from the symbol table and from DWARF. */
/* A fetcher as debuginfod's, serving one path, counting its calls. */
struct fake_fetch {
	const char *path;
	int calls;
	char build_id[2 * 64 + 1];
};

static int fake_debuginfo(void *ctx, const char *build_id, char **path)
{
	struct fake_fetch *ff = ctx;

	ff->calls++;
	snprintf(ff->build_id, sizeof(ff->build_id), "%s", build_id);
	if (!ff->path)
		return -ENOENT;
	*path = strdup(ff->path);
	return *path ? 0 : -ENOMEM;
}

/* A stripped binary's debug file from a fetcher: asked once, by build id,
 * and only for files without local debug info; a file of another build
 * is refused. */
static int test_fetch(int argc, char **argv)
{
	const char *prog = argv[0], *stripped = argv[1], *debug = argv[2];
	struct fake_fetch ff = { debug, 0, "" };
	struct sym_fetcher fetch = { fake_debuginfo, &ff };
	struct symbolizer *s = new_symbolizer();
	struct sym_frame fr[MAX_FRAMES];
	struct sym_file *f;
	struct offsets o;

	(void)argc;
	run_prog(prog, &o);
	symbolizer_set_fetcher(s, &fetch);
	CHECK_EQ(sym_file_open(s, prog, &f, NULL), 0);
	CHECK_EQ(ff.calls, 0); /* it has its own DWARF */
	CHECK_EQ(sym_file_open(s, stripped, &f, NULL), 0);
	CHECK_EQ(ff.calls, 1);
	CHECK_STR(ff.build_id, sym_file_info(f)->build_id);
	CHECK_STR(sym_file_info(f)->debug_path, debug);
	CHECK(sym_file_info(f)->has_line_numbers);
	CHECK_EQ(sym_file_lookup(f, offset_of(&o, "outer"), fr, MAX_FRAMES), 1);
	CHECK_STR(fr[0].name, "outer");
	CHECK(fr[0].line > 0);
	CHECK_EQ(sym_file_open(s, stripped, &f, NULL), 0);
	CHECK_EQ(ff.calls, 1); /* cached with the file */
	symbolizer_free(s);

	/* A fetched file whose build id differs is not used. */
	s = new_symbolizer();
	ff = (struct fake_fetch){ stripped, 0, "" };
	symbolizer_set_fetcher(s, &fetch);
	CHECK_EQ(sym_file_open(s, stripped, &f, NULL), 0);
	CHECK_EQ(ff.calls, 1);
	CHECK(sym_file_info(f)->debug_path == NULL);
	CHECK_EQ(sym_file_lookup(f, offset_of(&o, "outer"), fr, MAX_FRAMES), 0);
	symbolizer_free(s);

	/* None to be had: addresses only. */
	s = new_symbolizer();
	ff = (struct fake_fetch){ NULL, 0, "" };
	symbolizer_set_fetcher(s, &fetch);
	CHECK_EQ(sym_file_open(s, stripped, &f, NULL), 0);
	CHECK_EQ(ff.calls, 1);
	CHECK_EQ(sym_file_lookup(f, offset_of(&o, "outer"), fr, MAX_FRAMES), 0);
	symbolizer_free(s);
	return CHECK_DONE();
}

/* jitdump files, from tests/fuzz's seeds (mkseeds.py says what they
 * hold): loads named, the later load of reused code wins, a move carries
 * its code and lines along, \xff repeats the previous file, and a file cut
 * short keeps the records before the cut. */
static int test_jitdump(int argc, char **argv)
{
	const uint64_t base = 0x7f0000001000ull;
	struct kerr err = KERR_INIT;
	struct jitdump *j;
	struct sym_frame f;

	(void)argc;
	CHECK_EQ(jitdump_load(argv[0], 0, &j, &err), 0);
	CHECK_EQ(j->pid, 4242);
	CHECK(!j->truncated);
	CHECK_EQ(j->n_code, 4);
	CHECK_EQ(j->n_moves, 1);
	CHECK_EQ(jitdump_lookup(j, base + 0x18, &f), 1);
	CHECK_STR(f.name, "JS:*hot app.js:3:1"); /* past the reused 8 bytes */
	CHECK_STR(f.file, "lib/x.js");
	CHECK_EQ(f.line, 7);
	CHECK_EQ(jitdump_lookup(j, base + 0xa, &f), 1);
	CHECK_STR(f.name, "JS:*hot app.js:3:1");
	CHECK_STR(f.file, "app.js"); /* "\\xff": the previous entry's file */
	CHECK_EQ(f.line, 4);
	CHECK_EQ(jitdump_lookup(j, base + 0x4, &f), 1);
	CHECK_STR(f.name, "JS:*reused app.js:12:1");
	CHECK(f.file == NULL); /* its load had no debug info */
	CHECK_EQ(jitdump_lookup(j, base + 0x400 + 5, &f), 1);
	CHECK_STR(f.name, "JS:~cold app.js:9:1");
	const struct jitdump_code *c = jitdump_find(j, base + 0x400);
	CHECK(c && c->size == 32 && c->code[0] == 0x55 && c->code[31] == 0xc3);
	CHECK_EQ(jitdump_lookup(j, base + 0x100, &f), 1); /* the old copy stays */
	CHECK_EQ(jitdump_lookup(j, base + 0x420, &f), 0);
	CHECK_EQ(jitdump_lookup(j, base - 1, &f), 0);
	jitdump_free(j);

	CHECK_EQ(jitdump_load(argv[1], 0, &j, &err), 0);
	CHECK(j->truncated && j->bad_offset > 40);
	CHECK_EQ(j->n_code, 3); /* the reused load was cut */
	CHECK_EQ(jitdump_lookup(j, base + 0x4, &f), 1);
	CHECK_STR(f.name, "JS:*hot app.js:3:1");
	jitdump_free(j);

	CHECK_EQ(jitdump_load(argv[2], 0, &j, &err), 0);
	CHECK_EQ(j->n_code, 0);
	CHECK(!j->truncated);
	CHECK_EQ(jitdump_lookup(j, base, &f), 0);
	jitdump_free(j);

	CHECK_EQ(jitdump_parse("not a jitdump at all, long enough for a header", 46, &j, &err),
		 -EINVAL);
	CHECK(j == NULL && strstr(err.msg, "not a jitdump"));
	CHECK_EQ(jitdump_load("/nonexistent/jit-1.dump", 0, &j, &err), -ENOENT);
	CHECK(strstr(err.msg, "/nonexistent/jit-1.dump") != NULL);

	int pid;
	CHECK(jitdump_name("/tmp/x/jit-123.dump", &pid) && pid == 123);
	CHECK(jitdump_name("jit-7.dump", &pid) && pid == 7);
	CHECK(!jitdump_name("/tmp/jit-.dump", &pid));
	CHECK(!jitdump_name("/tmp/jit-12.dump.old", &pid));
	CHECK(!jitdump_name("/tmp/xjit-12.dump", &pid));
	return CHECK_DONE();
}

static int test_cpp(int argc, char **argv)
{
	struct sym_frame fr[MAX_FRAMES];
	struct offsets o;

	if (!strcmp(argv[0], "none")) {
		/* meson found no C++ compiler, so sym-prog-cpp was not built. */
		printf("SKIP: needs a C++ compiler (g++, run scripts/setup.sh)\n");
		return 77;
	}
	run_prog(argv[0], &o);
	for (int i = 0; i < 2; i++) {
		struct symbolizer *s = new_symbolizer();
		struct sym_file *f;
		int n;

		/* argv[1] has only .symtab, argv[0] DWARF too. */
		CHECK_EQ(sym_file_open(s, argv[i], &f, NULL), 0);
		CHECK_EQ(sym_file_info(f)->has_line_numbers, i == 0);
		n = sym_file_lookup(f, offset_of(&o, "twice"), fr, MAX_FRAMES);
		CHECK_EQ(n, 1);
		CHECK_STR(fr[0].name, "int kiln_test::twice<int>(int)");
		CHECK_STR(fr[0].system_name, "_ZN9kiln_test5twiceIiEET_S1_");
		n = sym_file_lookup(f, offset_of(&o, "area_ret"), fr, MAX_FRAMES);
		CHECK_EQ(n, 1);
		CHECK_STR(fr[0].name, "kiln_test::Widget::area() const");
		CHECK_STR(fr[0].system_name, "_ZNK9kiln_test6Widget4areaEv");
		if (i == 0)
			CHECK(ends_with(fr[0].file, "/prog-cpp.cc"));
		symbolizer_free(s);
	}
	return CHECK_DONE();
}

static int test_demangle(int argc, char **argv)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "_ZN9kiln_test5twiceIiEET_S1_", "int kiln_test::twice<int>(int)" },
		{ "_ZNK9kiln_test6Widget4areaEv", "kiln_test::Widget::area() const" },
		{ "_ZNSt6vectorIiSaIiEE9push_backERKi",
		  "std::vector<int, std::allocator<int> >::push_back(int const&)" },
		{ "_Z3foov.cold", "foo() [clone .cold]" },
		/* Rust legacy: the hash goes. */
		{ "_ZN4core3fmt9Formatter3pad17h0123456789abcdefE", "core::fmt::Formatter::pad" },
		{ "_ZN3std2rt10lang_start17h7e3b59a1c3f0d2e4E", "std::rt::lang_start" },
		/* Rust v0. */
		{ "_RNvCs15kBYyAo9fc_7mycrate7example", "mycrate::example" },
		{ "_RINvNtC3std3mem8align_ofjEC3foo", "std::mem::align_of::<usize>" },
	};
	static const char *plain[] = { "main", "outer", "_start", "_Zgarbage", "", "_R" };

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *d = sym_demangle(cases[i].in);

		CHECK_STR(d, cases[i].out);
		free(d);
	}
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		CHECK(sym_demangle(plain[i]) == NULL);
	CHECK(sym_demangle(NULL) == NULL);
	return CHECK_DONE();
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
	fclose(f);
}

/* kallsyms: a synthetic file for the rules, then this machine's. */
static int test_kallsyms(int argc, char **argv)
{
	struct ksyms *k;
	struct sym_frame f;
	struct kerr err = KERR_INIT;
	char *tmp = make_tmpdir(), path[4096], line[512];
	uint64_t start, end, sched = 0, modaddr = 0;
	char modname[600] = "";
	bool nonzero = false;
	FILE *fp;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "%s/kallsyms", tmp);
	write_file(path,
		   "ffffffff81000000 T _stext\n"
		   "ffffffff81000000 T _text\n"
		   "ffffffff81000000 t __alias\n"
		   "ffffffff81000100 T do_work\n"
		   "ffffffff81000200 D some_data\n"
		   "ffffffff81000300 W weak_fn\n"
		   "ffffffff81000400 T _etext\n"
		   "ffffffff81001000 b bss_thing\n"
		   "ffffffffc0001000 t mod_fn\t[kmod]\n"
		   "ffffffffc0001080 T mod_fn2\t[kmod]\n"
		   "garbage line\n"
		   "ffffffffc0002000 t other_fn\t[other]\n");
	CHECK_EQ(ksyms_load_file(path, &k, &err), 0);
	ksyms_text_range(k, &start, &end);
	CHECK_EQ(start, 0xffffffff81000000ull);
	CHECK_EQ(end, 0xffffffff81000400ull);
	CHECK_EQ(ksyms_lookup(k, 0xffffffff81000000ull, &f), 1);
	CHECK_STR(f.name, "_text");
	CHECK_EQ(ksyms_lookup(k, 0xffffffff81000250ull, &f), 1);
	CHECK_STR(f.name, "do_work"); /* data symbols are not functions */
	CHECK_EQ(ksyms_lookup(k, 0xffffffff81000310ull, &f), 1);
	CHECK_STR(f.name, "weak_fn");
	CHECK_EQ(ksyms_lookup(k, 0xffffffff81000400ull, &f), 0); /* _etext */
	CHECK_EQ(ksyms_lookup(k, 0xffffffff81000500ull, &f), 0);
	CHECK_EQ(ksyms_lookup(k, 0xffffffff80000000ull, &f), 0);
	CHECK_EQ(ksyms_lookup(k, 0xffffffffc0001010ull, &f), 1);
	CHECK_STR(f.name, "mod_fn [kmod]");
	CHECK_STR(f.system_name, "mod_fn [kmod]");
	CHECK(f.file == NULL && f.line == 0);
	CHECK_EQ(ksyms_lookup(k, 0xffffffffc0001090ull, &f), 1);
	CHECK_STR(f.name, "mod_fn2 [kmod]");
	/* The last symbol of a module does not run into the next module. */
	CHECK_EQ(ksyms_lookup(k, 0xffffffffc0001f00ull, &f), 1);
	CHECK_EQ(ksyms_lookup(k, 0xffffffffc0002010ull, &f), 1);
	CHECK_STR(f.name, "other_fn [other]");
	CHECK_EQ(ksyms_lookup(k, 0xffffffffc0100000ull, &f), 0);
	ksyms_free(k);
	ksyms_free(NULL);
	CHECK_EQ(ksyms_lookup(NULL, 1, &f), 0);

	write_file(path, "0000000000000000 T _text\n0000000000000000 T schedule\n");
	CHECK_EQ(ksyms_load_file(path, &k, &err), -EPERM);
	CHECK(strstr(err.msg, "kptr_restrict") != NULL);
	snprintf(path, sizeof(path), "%s/missing", tmp);
	CHECK_EQ(ksyms_load_file(path, &k, &err), -ENOENT);
	remove_tree(tmp);
	free(tmp);

	/* This machine's kernel. */
	fp = fopen("/proc/kallsyms", "r");
	if (!fp) {
		printf("SKIP: machine lacks /proc/kallsyms (%s: a kernel without CONFIG_KALLSYMS)\n",
		       strerror(errno));
		return check_failures ? 1 : 77;
	}
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long a;
		char type, name[256], mod[256];
		int got = sscanf(line, "%llx %c %255s [%255[^]]]", &a, &type, name, mod);

		if (got < 3)
			continue;
		if (a)
			nonzero = true;
		if (got == 3 && type == 'T' && !strcmp(name, "schedule"))
			sched = a;
		if (got == 4 && (type == 't' || type == 'T') && !modaddr) {
			modaddr = a;
			snprintf(modname, sizeof(modname), "%s [%s]", name, mod);
		}
	}
	fclose(fp);
	if (!nonzero) {
		/* The kernel hides addresses from users without CAP_SYSLOG, and
		 * from everyone with kernel.kptr_restrict=2. */
		if (geteuid() != 0)
			printf("SKIP: needs root: /proc/kallsyms shows zero addresses to other users\n");
		else
			printf("SKIP: /proc/kallsyms shows zero addresses to root too (kernel.kptr_restrict=2)\n");
		return check_failures ? 1 : 77;
	}
	/* Twice: from /proc/kallsyms (filling the cache), then from the cache. */
	tmp = make_tmpdir();
	for (int round = 0; round < 2; round++) {
		DIR *d;
		struct dirent *de;
		int cached = 0;

		CHECK_EQ(ksyms_load(tmp, &k, &err), 0);
		CHECK(sched != 0);
		ksyms_text_range(k, &start, &end);
		CHECK(start && start <= sched && sched < end);
		CHECK_EQ(ksyms_lookup(k, sched + 1, &f), 1);
		CHECK_STR(f.name, "schedule");
		if (modaddr) {
			/* An alias at the same address may win: check the module part. */
			CHECK_EQ(ksyms_lookup(k, modaddr, &f), 1);
			CHECK(strchr(modname, '[') && ends_with(f.name, strchr(modname, '[')));
		}
		ksyms_free(k);
		d = opendir(tmp);
		while (d && (de = readdir(d)))
			cached += strncmp(de->d_name, "kallsyms-", 9) == 0;
		if (d)
			closedir(d);
		CHECK_EQ(cached, 1);
	}
	remove_tree(tmp);
	free(tmp);
	return CHECK_DONE();
}

static int test_vdso(int argc, char **argv)
{
	struct symbolizer *s = new_symbolizer();
	struct sym_frame fr[MAX_FRAMES];
	struct sym_file *f, *f2;
	bool found = false;

	(void)argc;
	(void)argv;
	CHECK_EQ(sym_file_open_vdso(s, &f, NULL), 0);
	if (!f) {
		symbolizer_free(s);
		/* Only a kernel booted with vdso=0 maps none. */
		if (getauxval(AT_SYSINFO_EHDR) == 0) {
			printf("SKIP: machine lacks a vDSO (kernel booted with vdso=0)\n");
			return check_failures ? 1 : 77;
		}
		fprintf(stderr, "this process has a vDSO, but sym_file_open_vdso found none\n");
		return 1;
	}
	CHECK_STR(sym_file_info(f)->path, "[vdso]");
	CHECK(sym_file_info(f)->has_functions);
	CHECK_EQ(sym_file_open_vdso(s, &f2, NULL), 0);
	CHECK(f2 == f);
	/* Its size is a page or two: look everywhere for clock_gettime. */
	for (uint64_t off = 0; off < 0x4000 && !found; off++) {
		if (sym_file_lookup(f, off, fr, MAX_FRAMES) == 1)
			found = !strcmp(fr[0].name, "__vdso_clock_gettime") ||
				!strcmp(fr[0].name, "clock_gettime");
	}
	CHECK(found);
	symbolizer_free(s);
	return CHECK_DONE();
}

static int test_perfmap(int argc, char **argv)
{
	char path[64];
	struct perfmap *m;
	struct sym_frame f;
	struct kerr err = KERR_INIT;

	(void)argc;
	(void)argv;
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
	write_file(path,
		   "7f0000001000 100 LazyCompile:*fib /app/fib.js:3\n"
		   "0x7f0000001200 80 _ZN3foo3barEv\n"
		   "not a line\n"
		   "7f0000001300 0 zero_size\n"
		   "7f0000002000 1000 old_code\n"
		   "7f0000002400 100 new_code\r\n");
	CHECK_EQ(perfmap_load((int)getpid(), &m, &err), 0);
	unlink(path);
	CHECK_EQ(perfmap_lookup(m, 0x7f0000001050, &f), 1);
	CHECK_STR(f.name, "LazyCompile:*fib /app/fib.js:3");
	CHECK_EQ(perfmap_lookup(m, 0x7f0000001100, &f), 0);
	CHECK_EQ(perfmap_lookup(m, 0x7f0000001210, &f), 1);
	CHECK_STR(f.name, "foo::bar()");
	CHECK_STR(f.system_name, "_ZN3foo3barEv");
	CHECK_EQ(perfmap_lookup(m, 0x7f0000001300, &f), 0);
	CHECK_EQ(perfmap_lookup(m, 0x7f0000002100, &f), 1);
	CHECK_STR(f.name, "old_code");
	/* The later line wins where they overlap. */
	CHECK_EQ(perfmap_lookup(m, 0x7f0000002410, &f), 1);
	CHECK_STR(f.name, "new_code");
	CHECK_EQ(perfmap_lookup(m, 0x7f0000002600, &f), 1);
	CHECK_STR(f.name, "old_code");
	CHECK_EQ(perfmap_lookup(m, 0x7f0000003000, &f), 0);
	perfmap_free(m);
	perfmap_free(NULL);
	CHECK_EQ(perfmap_lookup(NULL, 1, &f), 0);
	CHECK_EQ(perfmap_load((int)getpid(), &m, &err), -ENOENT);
	CHECK(m == NULL);
	return CHECK_DONE();
}

/* Truncated and bit-flipped copies of a real binary: an error or some
 * frames, never a crash (run under ASan/UBSan to mean something). */
static int test_corrupt(int argc, char **argv)
{
	struct kbuf img = KBUF_INIT;
	struct sym_frame fr[MAX_FRAMES];
	struct offsets o;
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	char *copy;

	(void)argc;
	run_prog(argv[0], &o);
	if (kbuf_read_file(&img, argv[0], 0) < 0) {
		fprintf(stderr, "cannot read %s\n", argv[0]);
		return 1;
	}
	copy = malloc(img.len);
	int opened = 0, symbolized = 0;
	for (int iter = 0; iter < 600; iter++) {
		struct symbolizer *s = new_symbolizer();
		size_t len = img.len;
		struct sym_file *f;
		char name[32];
		int ret;

		memcpy(copy, img.buf, img.len);
		if (iter < 200) {
			len = img.len * (size_t)iter / 200;
		} else {
			int flips = 1 + (int)(iter % 8);

			for (int k = 0; k < flips; k++) {
				size_t pos;

				rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
				/* Mostly the headers, where parsing decisions are. */
				pos = k % 2 ? (size_t)(rng >> 8) % 1024 : (size_t)(rng >> 8) % img.len;
				if (pos < img.len)
					copy[pos] ^= (char)(1u << (rng % 8));
			}
		}
		snprintf(name, sizeof(name), "corrupt-%d", iter);
		ret = sym_file_open_memory(s, name, copy, len, &f, NULL);
		if (iter == 0)
			CHECK_EQ(ret, -ENOEXEC);
		if (ret == 0) {
			opened++;
			for (int i = 0; i < o.n; i++) {
				int n = sym_file_lookup(f, o.off[i], fr, MAX_FRAMES);

				CHECK(n >= 0 && n <= MAX_FRAMES);
				symbolized += n > 0;
				for (int j = 0; j < n; j++)
					CHECK(fr[j].name != NULL);
			}
			for (uint64_t off = 0; off < len; off += 61)
				sym_file_lookup(f, off, fr, MAX_FRAMES);
		}
		symbolizer_free(s);
	}
	printf("%d of 600 damaged copies opened, %d lookups gave frames\n",
	       opened, symbolized);
	/* Else the damage was too coarse to reach the symbol and DWARF code. */
	CHECK(opened > 300 && symbolized > 300);
	free(copy);
	kbuf_release(&img);
	return CHECK_DONE();
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
		int nargs;
	} cases[] = {
		{ "elf", test_elf, 3 },
		{ "inline", test_inline, 2 },
		{ "split-dwarf", test_inline, 2 },
		{ "compressed-dwarf", test_inline, 2 },
		{ "debugfile", test_debugfile, 7 },
		{ "fetch", test_fetch, 3 },
		{ "jitdump", test_jitdump, 3 },
		{ "cpp", test_cpp, 2 },
		{ "demangle", test_demangle, 0 },
		{ "kallsyms", test_kallsyms, 0 },
		{ "vdso", test_vdso, 0 },
		{ "perfmap", test_perfmap, 0 },
		{ "corrupt", test_corrupt, 1 },
	};

	for (size_t i = 0; argc > 1 && i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(argv[1], cases[i].name))
			continue;
		if (argc - 2 < cases[i].nargs) {
			fprintf(stderr, "%s needs %d arguments\n", cases[i].name, cases[i].nargs);
			return 2;
		}
		return cases[i].fn(argc - 2, argv + 2);
	}
	fprintf(stderr, "usage: test-symbols CASE ARGS...\n");
	return 2;
}
