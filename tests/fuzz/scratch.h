/* A scratch folder for fuzz targets that feed files to the code under
 * test (fuzz-events.c, fuzz-procmaps.c): made once per process in
 * /dev/shm when it is there (tmpfs: a fuzz input costs microseconds, not
 * the milliseconds of a disk file system), else in $TMPDIR or /tmp, and
 * removed at exit. */
#ifndef KILN_TESTS_FUZZ_SCRATCH_H
#define KILN_TESTS_FUZZ_SCRATCH_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch_path[256];

/* Removes `dir` and everything under it. */
static void scratch_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *path;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			abort();
		if (e->d_type == DT_DIR)
			scratch_remove(path);
		else
			unlink(path);
		free(path);
	}
	closedir(d);
	rmdir(dir);
}

static void scratch_cleanup(void)
{
	scratch_remove(scratch_path);
}

/* The folder, made on first use; aborts when none can be made. */
static const char *scratch_dir(const char *name)
{
	const char *tmp = getenv("TMPDIR");
	struct stat st;

	if (scratch_path[0])
		return scratch_path;
	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	else if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(scratch_path, sizeof(scratch_path), "%s/kiln-%s.XXXXXX", tmp, name);
	if (!mkdtemp(scratch_path))
		abort();
	atexit(scratch_cleanup);
	return scratch_path;
}

#endif
