/* What a file is, from its first bytes: profile.proto, one of the legacy
 * formats pprof reads (gperftools CPU, heap/growth, contention, threadz,
 * Go count, Java), folded stacks, `perf script` text, or something kiln
 * can name but not read (perf.data, ELF, empty, other text or binary).
 *
 * Detection looks at a prefix only (PROFILE_SNIFF_BYTES is enough); it
 * never allocates and never fails. The decoder routes on the answer, and
 * its error messages for unreadable kinds come from here too. */
#ifndef KILN_PROFILE_SNIFF_H
#define KILN_PROFILE_SNIFF_H

#include <stddef.h>

#define PROFILE_SNIFF_BYTES 4096

enum profile_kind {
	PROFILE_KIND_EMPTY,
	PROFILE_KIND_PROTO,        /* profile.proto, or bytes only it could be */
	PROFILE_KIND_GZIP,         /* gzip magic: look inside before deciding */
	PROFILE_KIND_LEGACY_CPU,   /* gperftools/profilez binary CPU profile */
	PROFILE_KIND_LEGACY_HEAP,  /* heap profile: … @ heap_v2/…, growthz, … */
	PROFILE_KIND_LEGACY_COUNT, /* Go `threadcreate profile: total N` */
	PROFILE_KIND_LEGACY_THREAD,/* --- threadz N --- */
	PROFILE_KIND_LEGACY_CONTENTION, /* --- contentionz / mutex: / contention: */
	PROFILE_KIND_LEGACY_JAVA,  /* --- heapz 1 --- and friends */
	PROFILE_KIND_FOLDED,       /* Brendan Gregg's `a;b;c 12` lines */
	PROFILE_KIND_PERF_SCRIPT,  /* `perf script` default text output */
	PROFILE_KIND_PERF_DATA,    /* PERFILE2 */
	PROFILE_KIND_ELF,
	PROFILE_KIND_TEXT,         /* text of no shape kiln knows */
	PROFILE_KIND_BINARY,       /* binary data of no shape kiln knows */
};

/* Classifies the `n` bytes at `data` (a prefix of the input). */
enum profile_kind profile_sniff(const void *data, size_t n);

/* A short name for messages: "a gperftools CPU profile", "a perf.data
 * file", … Static storage. */
const char *profile_kind_name(enum profile_kind k);

/* True for the kinds the legacy pprof parsers read. */
int profile_kind_is_legacy(enum profile_kind k);

#endif
