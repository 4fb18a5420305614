/* Replays saved inputs through a fuzz target without libFuzzer: a main()
 * that calls the target's LLVMFuzzerTestOneInput() once per file, so the
 * crashers in tests/fuzz/crashers/<target>/ and the seeds are regression
 * tests in every build (gcc, ASan/UBSan), not only in the clang fuzz build.
 * Linked with one harness each as replay-<target> (see meson.build).
 *   replay-<target> DIR_OR_FILE...
 * Folders are read in name order, hidden files skipped. A crash, sanitizer
 * report or abort() in the target fails the run; so does a missing or
 * unreadable argument, which would otherwise pass by replaying nothing. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	struct kbuf b = KBUF_INIT;
	int ret = kbuf_read_file(&b, path, 0);

	if (ret < 0) {
		fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(-ret));
		return -1;
	}
	/* Named first, so a crash below says which input it was. */
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, b.len);
	LLVMFuzzerTestOneInput((const uint8_t *)b.buf, b.len);
	kbuf_release(&b);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns the number of files replayed, or -1. */
static long replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	long done = 0;

	if (!d) {
		fprintf(stderr, "replay: cannot open %s\n", dir);
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				abort();
		}
		names[n] = strdup(e->d_name);
		if (!names[n++])
			abort();
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct kbuf path = KBUF_INIT;
		struct stat st;

		kbuf_addf(&path, "%s/%s", dir, names[i]);
		if (stat(path.buf, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path.buf) < 0)
				done = -1;
			else if (done >= 0)
				done++;
		}
		kbuf_release(&path);
		free(names[i]);
	}
	free(names);
	return done;
}

int main(int argc, char **argv)
{
	long files = 0;
	int bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		long n;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s does not exist\n", argv[i]);
			bad = 1;
			continue;
		}
		n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			bad = 1;
		else
			files += n;
	}
	if (!bad && files == 0) {
		/* The seeds are always among the arguments: none is a broken tree. */
		fprintf(stderr, "replay: no input found in the folders given\n");
		bad = 1;
	} else if (bad)
		fprintf(stderr, "replay: %ld inputs replayed, but some arguments could not be read\n",
			files);
	else
		printf("replay: %ld inputs, no crash\n", files);
	return bad;
}
