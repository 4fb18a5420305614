/* The vdso: a small ELF image (a page or two) the kernel maps into every
 * process, identical across processes of one kernel, so ours stands in
 * for the profiled ones'. It has no file: the image is copied from our own
 * mapping, its size taken from its program and section headers. */
#include "symbols.h"

#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

/* A vdso is a few pages; anything larger means we misread the headers. */
#define VDSO_MAX (1u << 20)

static size_t vdso_size(const ElfW(Ehdr) *eh)
{
	const ElfW(Phdr) *ph = (const void *)((const char *)eh + eh->e_phoff);
	size_t size = (size_t)eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;

	if (eh->e_phoff > VDSO_MAX || eh->e_phnum > 64 || eh->e_phentsize != sizeof(*ph))
		return 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset + ph[i].p_filesz > size)
			size = ph[i].p_offset + ph[i].p_filesz;
	}
	return size;
}

/* Bytes mapped from base on, per /proc/self/maps, so that a misread header
 * never makes us read past the mapping; 0 when not found. */
static size_t mapped_size(uintptr_t base)
{
	char line[512];
	size_t size = 0;
	FILE *fp = fopen("/proc/self/maps", "re");

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long start, end;

		if (sscanf(line, "%llx-%llx", &start, &end) == 2 && start == base) {
			size = (size_t)(end - start);
			break;
		}
	}
	fclose(fp);
	return size;
}

int sym_file_open_vdso(struct symbolizer *s, struct sym_file **out, struct kerr *err)
{
	const ElfW(Ehdr) *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
	size_t size, mapped;

	*out = NULL;
	if (!eh)
		return kerr_set(err, -ENOENT, "[vdso]: this process has no vdso");
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return kerr_set(err, -ENOEXEC, "[vdso]: not an ELF image");
	mapped = mapped_size((uintptr_t)eh);
	if (mapped < sizeof(*eh))
		return kerr_set(err, -ENOENT, "[vdso]: mapping not found in /proc/self/maps");
	size = vdso_size(eh);
	if (size > mapped)
		size = mapped;
	if (size < sizeof(*eh) || size > VDSO_MAX)
		return kerr_set(err, -ENOEXEC, "[vdso]: implausible image size %zu", size);
	return sym_file_open_memory(s, "[vdso]", eh, size, out, err);
}
