/* Unit tests of the web UI's parameter parsing and source path policy
 * (src/web/params.c): decoding, validation, canonical keys, and the rules
 * that keep the source view inside the profile's own files. */
#include <stdio.h>
#include <string.h>

#include "web/params.h"

static int failures;

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static int parse(struct web_params *wp, const char *q)
{
	struct kerr err = KERR_INIT;
	memset(wp, 0, sizeof(*wp));
	return web_params_parse_query(wp, q, &err);
}

int main(void)
{
	struct web_params wp;
	struct report_opts d, o;
	struct kbuf k1 = KBUF_INIT, k2 = KBUF_INIT;
	struct kerr err = KERR_INIT;
	const char *files[] = { "app.c", "/src/x/lib.c", "../up.c" };

	CHECK(parse(&wp, "si=alloc_space&f=main%5C.%2B&i=a+b&g=lines&n=10&nf=0.01&trim=f&node=7&re=x") == 0);
	CHECK(!strcmp(wp.v[WP_SI], "alloc_space"));
	CHECK(!strcmp(wp.v[WP_FOCUS], "main\\.+"));
	CHECK(!strcmp(wp.v[WP_IGNORE], "a b"));
	report_opts_init(&d);
	web_params_view_opts(&wp, &d, &o);
	CHECK(o.granularity == REPORT_G_LINES && o.nodecount == 10 && !o.trim);
	CHECK(o.nodefraction == 0.01 && !strcmp(o.focus, "main\\.+"));
	web_params_key(&wp, &k1);
	web_params_release(&wp);
	/* node/re/file do not change the view; order does not matter */
	CHECK(parse(&wp, "re=y&trim=f&nf=0.01&n=10&g=lines&i=a%20b&f=main%5c.%2b&si=alloc_space") == 0);
	web_params_key(&wp, &k2);
	CHECK(!strcmp(k1.buf, k2.buf));
	web_params_release(&wp);

	CHECK(parse(&wp, "g=bogus") < 0);
	web_params_release(&wp);
	CHECK(parse(&wp, "n=-1") < 0);
	web_params_release(&wp);
	CHECK(parse(&wp, "nf=2") < 0);
	web_params_release(&wp);
	CHECK(parse(&wp, "node=99999999999") < 0);
	web_params_release(&wp);
	CHECK(parse(&wp, "f=%zz") < 0);
	web_params_release(&wp);
	CHECK(parse(&wp, "f=%4") < 0);
	web_params_release(&wp);
	CHECK(parse(&wp, "f=a%00b") < 0);
	web_params_release(&wp);
	CHECK(parse(&wp, "unknown=1&&=&f") == 0 && wp.v[WP_FOCUS] && !wp.v[WP_FOCUS][0]);
	web_params_release(&wp);
	{
		char big[WEB_PARAM_MAX + 10];
		memset(big, 'a', sizeof(big));
		memcpy(big, "f=", 2);
		big[sizeof(big) - 1] = 0;
		CHECK(parse(&wp, big) < 0);
		web_params_release(&wp);
	}

	CHECK(web_source_path_ok("app.c", files, 3, &err) == 0);
	CHECK(web_source_path_ok("/src/x/lib.c", files, 3, &err) == 0);
	CHECK(web_source_path_ok("../up.c", files, 3, &err) < 0);
	CHECK(web_source_path_ok("/src/x/../x/lib.c", files, 3, &err) < 0);
	CHECK(web_source_path_ok("/etc/passwd", files, 3, &err) < 0);
	CHECK(web_source_path_ok("", files, 3, &err) < 0);
	CHECK(web_source_path_ok("..", files, 3, &err) < 0);
	CHECK(web_source_path_ok("a/..", files, 3, &err) < 0);
	CHECK(web_source_path_ok("app.c/", files, 3, &err) < 0);

	kbuf_release(&k1);
	kbuf_release(&k2);
	printf("%s\n", failures ? "FAILED" : "web-params: all checks passed");
	return failures != 0;
}
