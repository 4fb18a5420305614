/* kiln script's engine: every sample of a profile as perf script prints
 * it. Profiles recorded with --timestamps (a time label per sample) give
 * one line per event in time order; others one line per distinct stack,
 * with its sample count in the time column. Names are escaped for the
 * terminal (base/textsafe.h). */
#ifndef KILN_REPORT_SCRIPT_H
#define KILN_REPORT_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/buf.h"
#include "../base/err.h"
#include "../profile/profile.h"

enum script_field {
	SCRIPT_COMM = 1 << 0, SCRIPT_PID = 1 << 1, SCRIPT_TID = 1 << 2, SCRIPT_CPU = 1 << 3,
	SCRIPT_TIME = 1 << 4, SCRIPT_PERIOD = 1 << 5, SCRIPT_EVENT = 1 << 6, SCRIPT_IP = 1 << 7,
	SCRIPT_SYM = 1 << 8, SCRIPT_SYMOFF = 1 << 9, SCRIPT_DSO = 1 << 10,
};
#define SCRIPT_FIELDS_ALL ((1u << 11) - 1)

/* perf script -F: "comm,pid,..." sets the fields, "+f"/"-f" add to or
 * remove from all of them. Returns 0, or -EINVAL with err set. */
int script_parse_fields(const char *spec, unsigned *out, struct kerr *err);

struct script_opts {
	unsigned fields;  /* enum script_field bits */
	bool hide_chain;  /* -G: the leaf frame only, on the sample's line */
	/* Optional: the ELF virtual address of file offset `off` in `file`
	 * and the start of its symbol; returns 0, or <0 when unknown. */
	int (*locate)(void *ctx, const char *file, uint64_t off, uint64_t *va, uint64_t *sym_start);
	void *locate_ctx;
};

/* Appends the profile's samples to out. When out holds more than 1 MiB,
 * calls flush (if given), which writes and empties it and returns 0 or <0
 * to stop; script_render then returns that value. Returns 0 otherwise. */
int script_render(const struct profile *p, const struct script_opts *o, struct kbuf *out,
		  int (*flush)(void *ctx, struct kbuf *out), void *flush_ctx);

#endif
