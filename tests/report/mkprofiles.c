/* Writes the hand-built fixture profiles (fixtures.h) into a folder with
 * kiln's own writer, for the conformance test to feed both kiln report and
 * go tool pprof: worked.pb.gz, worked-base.pb.gz, rich.pb.gz, rich2.pb.gz.
 * usage: mkprofiles DIR */
#include <stdio.h>
#include <stdlib.h>

#include "fixtures.h"
#include "profile/encode.h"

static int put(const char *dir, const char *name, struct profile *p)
{
	struct kerr err = KERR_INIT;
	char path[4096];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = profile_write_file(p, path, &err);
	if (ret < 0)
		fprintf(stderr, "mkprofiles: %s\n", err.msg);
	profile_free(p);
	return ret < 0;
}

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkprofiles DIR\n");
		return 2;
	}
	bad |= put(argv[1], "worked.pb.gz", fixture_worked(false));
	bad |= put(argv[1], "worked-base.pb.gz", fixture_worked(true));
	bad |= put(argv[1], "rich.pb.gz", fixture_rich(0));
	bad |= put(argv[1], "rich2.pb.gz", fixture_rich(1));
	return bad;
}
