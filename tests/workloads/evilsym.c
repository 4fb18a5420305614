/* A function whose symbol is named "evilQX31mQforged": the terminal test
 * patches a copy of this binary into "evil\e[31m\nforged" (an ESC, a
 * newline), which no assembler accepts in a name but an ELF file can hold.
 * Built without DWARF, so symbolizers use that ELF name.
 * Usage: evilsym [SECONDS] */
#include <stdint.h>

#include "spin.h"

uint64_t evil_work(uint64_t units) __asm__("evilQX31mQforged");

__attribute__((noinline)) uint64_t evil_work(uint64_t units)
{
	uint64_t r;

	SPIN(units, r);
	return r;
}

int main(int argc, char **argv)
{
	double end = now_s() + (argc > 1 ? atof(argv[1]) : 1);
	volatile uint64_t sink = 0;

	while (now_s() < end)
		sink += evil_work(10);
	return (int)(sink & 0);
}
