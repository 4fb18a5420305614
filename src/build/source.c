/* Which symbol source serves a mapping: the kernel's kallsyms for kernel
 * text, a JIT's perf map (/tmp/perf-PID.map) for anonymous memory, the
 * vDSO's image, else the mapped ELF file with its DWARF — refused when its
 * build id says it changed on disk since it was mapped. */
#include <string.h>

#include "../base/buf.h"
#include "internal.h"

static bool is_anon(const char *name)
{
	return strcmp(name, "//anon") == 0 || strncmp(name, "[anon", 5) == 0 ||
	       strncmp(name, "/memfd:", 7) == 0 || strncmp(name, "[stack", 6) == 0 ||
	       strcmp(name, "[heap]") == 0;
}

void source_open(struct builder *b, struct source *s, struct pf_mapping *pm,
		 const struct build_mapping *m)
{
	const char *build_id = m->build_id ? m->build_id : "";
	struct kerr err = KERR_INIT;

	s->kind = SRC_NONE;
	s->start = m->start;
	s->pgoff = m->pgoff;
	if (m->no_source)
		return;
	if (m->kernel) {
		if (builder_ksyms(b)) {
			s->kind = SRC_KERNEL;
			pm->has_functions = true;
		}
		return;
	}
	if (is_anon(m->filename)) {
		if (perfmap_load(m->pid, &s->perfmap, NULL) == 0)
			s->kind = SRC_PERFMAP;
		/* Without a perf map there is no file to read later either:
		 * saying so keeps pprof from trying to open "//anon". */
		pm->has_functions = true;
		return;
	}
	int jit_pid;
	if (jitdump_name(m->filename, &jit_pid))
		return; /* a jitdump, for kiln inject --jit: no ELF */
	bool vdso = strcmp(m->filename, "[vdso]") == 0;
	if ((!vdso && m->filename[0] != '/') || !builder_sym(b))
		return; /* addresses only */
	if (vdso) {
		if (sym_file_open_vdso(b->sym, &s->file, &err) < 0)
			return;
	} else if (sym_file_open(b->sym, m->filename, &s->file, &err) < 0) {
		builder_warn(b, err.msg);
		return;
	}
	const struct sym_file_info *fi = sym_file_info(s->file);
	if (*build_id && *fi->build_id && strcmp(build_id, fi->build_id) != 0) {
		struct kbuf w = KBUF_INIT;
		kbuf_addf(&w, "%s changed on disk since it was mapped (build id %s, now %s); "
			  "not symbolized", m->filename, build_id, fi->build_id);
		builder_warn(b, w.buf);
		kbuf_release(&w);
		s->file = NULL;
		return;
	}
	s->kind = SRC_ELF;
	if (!pm->build_id && *fi->build_id)
		pm->build_id = profile_str(b->p, fi->build_id);
	pm->has_functions = fi->has_functions;
	pm->has_filenames = fi->has_filenames;
	pm->has_line_numbers = fi->has_line_numbers;
	pm->has_inline_frames = fi->has_inline_frames;
}

size_t source_lookup(struct builder *b, const struct source *s, uint64_t addr,
		     struct sym_frame *fr)
{
	switch (s->kind) {
	case SRC_ELF:
		return (size_t)sym_file_lookup(s->file, addr - s->start + s->pgoff, fr, MAX_INLINE);
	case SRC_KERNEL:
		return (size_t)ksyms_lookup(b->ksyms, addr, fr);
	case SRC_PERFMAP:
		return (size_t)perfmap_lookup(s->perfmap, addr, fr);
	default:
		return 0;
	}
}

void source_release(struct source *s)
{
	/* ELF files belong to the symbolizer's cache. */
	perfmap_free(s->perfmap);
	s->perfmap = NULL;
}
