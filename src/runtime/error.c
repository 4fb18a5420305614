/* libkiln's error codes (the KILN_ERRNO_MAP table in kiln.h) and the
 * per-thread message of the last failure behind kiln_last_error(). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kiln.h"
#include "rt.h"

/* Small: libkiln's TLS is static (initial-exec, for the hooks), and a
 * dlopen'ed library only gets the few hundred bytes glibc keeps spare. */
static __thread char last_error[256];

const char *kiln_strerror(int code)
{
	switch (code) {
	case 0:
		return "success";
#define KILN_ERR_CASE(name, value, text) case KILN_##name: return text;
	KILN_ERRNO_MAP(KILN_ERR_CASE)
#undef KILN_ERR_CASE
	}
	return "unknown error";
}

const char *kiln_last_error(void)
{
	return last_error;
}

int rt_errno_code(int neg)
{
	switch (neg) {
	case 0:
		return 0;
#define KILN_ERR_MATCH(name, value, text) case value: return value;
	KILN_ERRNO_MAP(KILN_ERR_MATCH)
#undef KILN_ERR_MATCH
	case -EPERM:
		return KILN_EACCES;
	case -ENOSPC:
	case -EROFS:
	case -EFBIG:
		return KILN_EIO;
	}
	return KILN_ESYSTEM;
}

int rt_fail(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return code;
}

int rt_fail_kerr(const struct kerr *e)
{
	int code = rt_errno_code(e->code ? e->code : -EIO);

	snprintf(last_error, sizeof(last_error), "%.*s", (int)sizeof(last_error) - 1,
		 e->msg[0] ? e->msg : kiln_strerror(code));
	return code;
}

void rt_clear_error(void)
{
	last_error[0] = '\0';
}
