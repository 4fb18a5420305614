/* A shared library whose function lib_hot burns the CPU. */
#include "spin.h"

__attribute__((noinline)) uint64_t lib_hot(void)
{
	return spin(2);
}
