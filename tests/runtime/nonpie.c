/* A non-PIE program (built -no-pie) that takes malloc's address, so its
 * dynamic symbol table defines malloc as its own canonical PLT entry: what
 * dlsym(RTLD_DEFAULT, "malloc") returns there, though the calls land in
 * the preloaded libkiln's malloc. nonpie_blocks allocates 32 MiB in 4 KiB
 * blocks through that address, all kept. */
#include <stdlib.h>

void *(*volatile alloc_fn)(size_t);
static void *kept[32 * 1024 * 1024 / 4096];

__attribute__((noinline)) void nonpie_blocks(void)
{
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		kept[i] = alloc_fn(4096);
}

int main(void)
{
	/* Taken in code (an absolute address in the instruction), not in
	 * data, which the linker would leave to a dynamic relocation. */
	alloc_fn = malloc;
	nonpie_blocks();
	return kept[0] ? 0 : 1;
}
