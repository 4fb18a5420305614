/* Address → mapping at the right time: mmap overlap rules, fork, exec,
 * threads, and /proc synthesis of this very process. */
#include <unistd.h>

#include "check.h"
#include "collect/tasks.h"

static const char *file_at(struct tasks *t, pid_t pid, uint64_t addr)
{
	const struct cmap *m = tasks_find_map(t, pid, addr);
	return m ? m->filename : "(none)";
}

int main(void)
{
	struct tasks *t = tasks_new();
	const struct cmap *m;
	uint32_t old_id;

	tasks_comm(t, 100, 100, "app", true);
	tasks_mmap(t, 100, 0x400000, 0x10000, 0, 8, 1, 42, "/bin/app", NULL);
	tasks_mmap(t, 100, 0x7f0000000000, 0x200000, 0x1000, 8, 1, 43, "/lib/libc.so.6", "abcd");
	CHECK_STR(file_at(t, 100, 0x400000), "/bin/app");
	CHECK_STR(file_at(t, 100, 0x40ffff), "/bin/app");
	CHECK_STR(file_at(t, 100, 0x410000), "(none)");
	m = tasks_find_map(t, 100, 0x7f0000001234);
	CHECK(m != NULL);
	CHECK_STR(m->build_id, "abcd");
	CHECK_EQ(m->pgoff, 0x1000);
	old_id = m->id;
	CHECK_STR(tasks_main_map(t, 100)->filename, "/bin/app");
	CHECK(tasks_main_map(t, 999) == NULL);

	/* A new mapping over the middle of libc splits it in three. */
	tasks_mmap(t, 100, 0x7f0000100000, 0x1000, 0, 0, 0, 0, "//anon", NULL);
	CHECK_STR(file_at(t, 100, 0x7f0000100800), "//anon");
	m = tasks_find_map(t, 100, 0x7f0000101000);
	CHECK_STR(m->filename, "/lib/libc.so.6");
	CHECK_EQ(m->pgoff, 0x1000 + 0x101000);
	CHECK_STR(file_at(t, 100, 0x7f00000fffff), "/lib/libc.so.6");
	/* The old mapping instance stays addressable for earlier samples. */
	CHECK(tasks_map(t, old_id) != NULL);
	CHECK_EQ(tasks_map(t, old_id)->end, 0x7f0000200000);

	/* Threads share the process; a forked child copies the maps. */
	tasks_fork(t, 100, 100, 100, 101);
	CHECK_EQ(tasks_pid_of(t, 101), 100);
	CHECK_STR(tasks_comm_of(t, 101), "app");
	tasks_fork(t, 100, 100, 200, 200);
	CHECK_STR(file_at(t, 200, 0x400100), "/bin/app");
	/* exec in the child clears its maps, not the parent's */
	tasks_comm(t, 200, 200, "other", true);
	CHECK_STR(file_at(t, 200, 0x400100), "(none)");
	CHECK_STR(file_at(t, 100, 0x400100), "/bin/app");
	CHECK_STR(tasks_comm_of(t, 200), "other");
	tasks_mmap(t, 200, 0x400000, 0x1000, 0, 0, 0, 0, "/bin/other", NULL);
	CHECK_STR(file_at(t, 200, 0x400100), "/bin/other");
	tasks_exit(t, 200, 200);
	CHECK_STR(file_at(t, 200, 0x400100), "/bin/other");

	/* The idle task is perf's "swapper", asked of or forked from. */
	CHECK_STR(tasks_comm_of(t, 0), "swapper");
	tasks_fork(t, 0, 0, 1, 1);
	CHECK_STR(tasks_comm_of(t, 0), "swapper");
	CHECK_STR(tasks_comm_of(t, 1), "swapper");

	/* Kernel map is one shared instance. */
	CHECK(tasks_kernel_map(t, 0, UINT64_MAX) == tasks_kernel_map(t, 1, 2));
	CHECK(tasks_kernel_map(t, 0, 0)->kernel);

	/* Our own process, from /proc: main() lies in an executable mapping. */
	CHECK_EQ(tasks_synthesize_pid(t, getpid(), NULL), 0);
	m = tasks_find_map(t, getpid(), (uint64_t)(uintptr_t)&main);
	CHECK(m != NULL && m->filename[0] == '/');
	CHECK(tasks_synthesize_pid(t, 0x7ffffff0, NULL) < 0);
	tasks_free(t);
	return CHECK_DONE();
}
