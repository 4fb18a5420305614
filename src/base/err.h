/* Error reporting for library code: functions return a negative errno-style
 * code and, when given a `struct kerr`, leave one human-readable line in it.
 * Only the cli layer prints. A NULL `struct kerr *` is allowed everywhere. */
#ifndef KILN_BASE_ERR_H
#define KILN_BASE_ERR_H

struct kerr {
	int code;       /* negative errno, 0 when no error was set */
	char msg[512];  /* one line, no trailing newline */
};

#define KERR_INIT { 0, "" }

/* Sets code and message; returns `code` so callers can `return kerr_set(..)`. */
int kerr_set(struct kerr *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prepends "prefix: " to an existing message; returns e->code (or -EINVAL if
 * e is NULL or unset). */
int kerr_prefix(struct kerr *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
