/* Unit tests of kiln web's access rules (src/web/guard.c): which Host
 * headers name this server (DNS rebinding), the token's comparison, and
 * the source roots (realpath, symlinks, regular files only). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web/guard.h"

static int failures;

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void hosts(void)
{
	static const char *const good[] = {
		"127.0.0.1", "127.0.0.1:8080", "127.1.2.3:1", "127.255.255.255", "localhost",
		"localhost:65535", "LOCALHOST:80", "[::1]", "[::1]:443", "127.000.000.001",
	};
	static const char *const bad[] = {
		"127.attacker.example", "127.0.0.1.nip.io", "localhost:1@evil.example",
		"attacker.example", "127.0.0.1:8080.evil", "127.0.0.1:80:80", "127.0.0.1:",
		"127.0.0.1:65536", "127.0.0.1:123456", "localhost.evil.example", "localhost.",
		"[::1].evil", "[::1]:1@evil", "[::2]", "[0:0:0:0:0:0:0:1]", "127.0.0.256",
		"127.0.0", "127.0.0.1.", "0x7f.0.0.1", "0177.0.0.1", "128.0.0.1", "evil.127.0.0.1",
		"", "127.0.0.1 ", " 127.0.0.1", "127.0.0.1:+80", "127.0.0.1:-1", "[::1",
		"1270.0.0.1", "localhost:8080 ", "127.0.0.1%00", "127.0.0.1\tevil",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!web_host_ok(good[i], NULL))
			fprintf(stderr, "refused: '%s'\n", good[i]);
		CHECK(web_host_ok(good[i], NULL));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (web_host_ok(bad[i], NULL))
			fprintf(stderr, "accepted: '%s'\n", bad[i]);
		CHECK(!web_host_ok(bad[i], NULL));
	}
	CHECK(!web_host_ok(NULL, NULL));
	/* the name the user bound to, exactly, with or without a port */
	CHECK(web_host_ok("myhost:8080", "myhost"));
	CHECK(web_host_ok("MyHost", "myhost"));
	CHECK(!web_host_ok("myhost.evil.example", "myhost"));
	CHECK(!web_host_ok("evilmyhost", "myhost"));
	CHECK(!web_host_ok("myhos", "myhost"));
	CHECK(web_host_ok("[::2]:80", "::2"));
	CHECK(!web_host_ok("[::22]:80", "::2"));
	CHECK(!web_host_ok("::2", "::2"));
}

static void tokens(void)
{
	char a[2 * WEB_TOKEN_BYTES + 1], b[2 * WEB_TOKEN_BYTES + 1];
	struct kerr err = KERR_INIT;

	CHECK(web_token_new(a, &err) == 0);
	CHECK(web_token_new(b, &err) == 0);
	CHECK(strlen(a) == 32 && strspn(a, "0123456789abcdef") == 32);
	CHECK(strcmp(a, b) != 0);
	CHECK(web_token_eq(a, a));
	CHECK(!web_token_eq(b, a));
	CHECK(!web_token_eq(NULL, a));
	CHECK(!web_token_eq("", a));
	{
		char c[sizeof(a) + 1];
		snprintf(c, sizeof(c), "%sx", a);
		CHECK(!web_token_eq(c, a));
		c[31] = 0;
		CHECK(!web_token_eq(c, a));
	}
}

static void roots(void)
{
	char tmpl[] = "/tmp/kiln-guard.XXXXXX", p[4200], q[4200];
	struct web_roots r = WEB_ROOTS_INIT;
	struct kerr err = KERR_INIT;
	char *real = NULL, *d = mkdtemp(tmpl);

	CHECK(d != NULL);
	if (!d)
		return;
#define PATH(buf, rel) snprintf(buf, sizeof(buf), "%s/%s", d, rel)
	PATH(p, "tree"); mkdir(p, 0700);
	PATH(p, "tree/sub"); mkdir(p, 0700);
	PATH(p, "outside"); mkdir(p, 0700);
	PATH(p, "tree/a.c"); write_file(p, "a\n");
	PATH(p, "tree/sub/b.c"); write_file(p, "b\n");
	PATH(p, "outside/s.c"); write_file(p, "s\n");
	PATH(p, "tree/link.c"); CHECK(symlink("/etc/passwd", p) == 0);
	PATH(p, "tree/in.c"); CHECK(symlink("sub/b.c", p) == 0);
	PATH(p, "tree/out.c"); CHECK(symlink("../outside/s.c", p) == 0);
	PATH(p, "tree/fifo.c"); CHECK(mkfifo(p, 0600) == 0);
	PATH(p, "treex"); mkdir(p, 0700);
	PATH(p, "treex/c.c"); write_file(p, "c\n");

	/* a root given through a symlink or with "." resolves too */
	PATH(p, "tree-link"); PATH(q, "tree"); CHECK(symlink(q, p) == 0);
	PATH(p, "tree-link/."); CHECK(web_roots_add(&r, p) == 0);
	CHECK(r.n == 1);
	PATH(p, "tree"); CHECK(web_roots_add(&r, p) == 0);
	CHECK(r.n == 1);
	PATH(p, "nonesuch"); CHECK(web_roots_add(&r, p) < 0);
	PATH(p, "tree/a.c"); CHECK(web_roots_add(&r, p) < 0); /* not a folder */
	CHECK(r.n == 1);

	PATH(p, "tree/a.c"); CHECK(web_roots_check(&r, p, &real, &err) == 0);
	CHECK(real && !strcmp(real, p));
	free(real);
	PATH(p, "tree/sub/../a.c"); CHECK(web_roots_check(&r, p, NULL, &err) == 0);
	PATH(p, "tree/in.c"); CHECK(web_roots_check(&r, p, &real, &err) == 0);
	PATH(q, "tree/sub/b.c"); CHECK(real && !strcmp(real, q));
	free(real);
	PATH(p, "tree/link.c"); CHECK(web_roots_check(&r, p, &real, &err) == -EACCES);
	CHECK(real == NULL && strstr(err.msg, "not under the source path (add -source_path DIR)"));
	PATH(p, "tree/out.c"); CHECK(web_roots_check(&r, p, NULL, &err) == -EACCES);
	PATH(p, "tree/../outside/s.c"); CHECK(web_roots_check(&r, p, NULL, &err) == -EACCES);
	PATH(p, "treex/c.c"); CHECK(web_roots_check(&r, p, NULL, &err) == -EACCES); /* prefix, not a folder */
	CHECK(web_roots_check(&r, "/etc/hostname", NULL, &err) == -EACCES);
	PATH(p, "tree/fifo.c"); CHECK(web_roots_check(&r, p, NULL, &err) == -EACCES);
	CHECK(strstr(err.msg, "not a regular file") != NULL);
	PATH(p, "tree/sub"); CHECK(web_roots_check(&r, p, NULL, &err) == -EACCES);
	PATH(p, "tree/nonesuch.c"); CHECK(web_roots_check(&r, p, NULL, &err) == -ENOENT);

	/* a ':'-separated list, as -source_path gives it */
	PATH(p, "outside");
	{
		char list[9000];
		snprintf(list, sizeof(list), "%s::/nonexistent-kiln-dir:%s", p, p);
		web_roots_add_list(&r, list);
	}
	CHECK(r.n == 2);
	PATH(p, "outside/s.c"); CHECK(web_roots_check(&r, p, NULL, &err) == 0);
	PATH(p, "tree/out.c"); CHECK(web_roots_check(&r, p, NULL, &err) == 0);
	web_roots_release(&r);
	CHECK(r.n == 0);
	{
		char cmd[4300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
		CHECK(system(cmd) == 0);
	}
#undef PATH
}

int main(void)
{
	hosts();
	tokens();
	roots();
	printf("%s\n", failures ? "FAILED" : "web-guard: all checks passed");
	return failures != 0;
}
