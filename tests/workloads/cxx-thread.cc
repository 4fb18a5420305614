// C++ workload: the hot member function of a namespaced class template runs
// in a std::thread, so its callers are libstdc++ frames
// (execute_native_thread_routine) and libc's start_thread.
// Usage: cxx-thread [SECONDS].
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <thread>

namespace kilnwork {
template <typename T> struct Cruncher {
	__attribute__((noinline)) T crunch(T n)
	{
		volatile T x = 0;
		for (T i = 0; i < n; i++)
			x += i * 13;
		return x;
	}
};
} // namespace kilnwork

int main(int argc, char **argv)
{
	double secs = argc > 1 ? std::atof(argv[1]) : 1.0;
	auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(secs);
	std::thread t([end] {
		kilnwork::Cruncher<uint64_t> c;
		uint64_t s = 0;
		while (std::chrono::steady_clock::now() < end)
			s += c.crunch(100000);
		return s;
	});
	t.join();
	return 0;
}
