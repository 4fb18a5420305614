/* Unit tests for the shared option parser. */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "opts/options.h"

int main(void)
{
	int freq = 0, verbose = 0;
	bool all = false, inherit = true;
	const char *out = NULL;
	double frac = 0;
	struct option_def opts[] = {
		{ OPT_INT, 'F', "freq", &freq, "HZ", "frequency" },
		{ OPT_BOOL, 'a', "all-cpus", &all, NULL, "all" },
		{ OPT_BOOL, 0, "inherit", &inherit, NULL, "inherit" },
		{ OPT_STRING, 'o', "output", &out, "FILE", "output" },
		{ OPT_COUNT, 'v', "verbose", &verbose, NULL, "verbose" },
		{ OPT_DOUBLE, 0, "nodefraction", &frac, "F", "fraction" },
		OPT_END_(),
	};
	struct kerr err = KERR_INIT;
	const char *a1[] = { "record", "-F99", "-av", "--no-inherit", "-o", "x.pb.gz",
			     "--", "./app", "-F", "1", NULL };
	const char *a2[] = { "record", "--freq=7", "./app", "-a", NULL };
	const char *a3[] = { "report", "-nodefraction=0.5", "-v", "file", NULL };
	const char *a4[] = { "record", "--bogus", NULL };
	const char *a5[] = { "record", "-F", NULL };
	const char *a6[] = { "record", "-F", "abc", NULL };
	int n;

	n = options_parse(10, a1, opts, "x", 0, NULL, &err);
	CHECK_EQ(n, 3);
	CHECK_EQ(freq, 99);
	CHECK(all);
	CHECK(!inherit);
	CHECK_EQ(verbose, 1);
	CHECK_STR(out, "x.pb.gz");
	CHECK_STR(a1[0], "./app");
	CHECK_STR(a1[1], "-F");

	all = false;
	n = options_parse(4, a2, opts, "x", OPTIONS_STOP_AT_NON_OPTION, NULL, &err);
	CHECK_EQ(n, 2);
	CHECK_EQ(freq, 7);
	CHECK(!all);
	CHECK_STR(a2[1], "-a");

	n = options_parse(4, a3, opts, "x", OPTIONS_SINGLE_DASH_LONG, NULL, &err);
	CHECK_EQ(n, 1);
	CHECK(frac == 0.5);
	CHECK_EQ(verbose, 2);

	CHECK(options_parse(2, a4, opts, "x", 0, NULL, &err) < 0);
	CHECK(strstr(err.msg, "--bogus") != NULL);
	CHECK(options_parse(2, a5, opts, "x", 0, NULL, &err) < 0);
	CHECK(strstr(err.msg, "needs a value") != NULL);
	CHECK(options_parse(3, a6, opts, "x", 0, NULL, &err) < 0);
	CHECK(strstr(err.msg, "abc") != NULL);
	return CHECK_DONE();
}
