// Test program for C++ names: a function template in a namespace and a
// const member function. Like prog.c it prints "name file-offset" lines
// computed from /proc/self/maps; "area_ret" is an address inside area().
#include <cinttypes>
#include <cstdint>
#include <cstdio>

void mark();

static void *volatile mark_ret;

__attribute__((noinline)) void mark()
{
	mark_ret = __builtin_return_address(0);
	__asm__ volatile("" ::: "memory");
}

namespace kiln_test {

template <typename T> __attribute__((noinline)) T twice(T x)
{
	return x + x;
}

struct Widget {
	int w, h;
	int area() const;
};

__attribute__((noinline)) int Widget::area() const
{
	mark();
	return w * h;
}

} // namespace kiln_test

static int file_offset(const void *p, uint64_t *off)
{
	uintptr_t a = (uintptr_t)p;
	char line[4096];
	FILE *f = fopen("/proc/self/maps", "r");
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, pgoff;

		if (sscanf(line, "%llx-%llx %*s %llx", &start, &end, &pgoff) != 3)
			continue;
		if (a >= start && a < end) {
			*off = a - start + pgoff;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

static void print_offset(const char *name, const void *p)
{
	uint64_t off;

	if (file_offset(p, &off) == 0)
		printf("%s %" PRIx64 "\n", name, off);
}

int main()
{
	volatile int v = 3;
	kiln_test::Widget wd{v, 4};
	int r = kiln_test::twice<int>(v) + wd.area();

	print_offset("twice", (const void *)&kiln_test::twice<int>);
	print_offset("area_ret", (const char *)mark_ret - 1);
	return r == 0;
}
