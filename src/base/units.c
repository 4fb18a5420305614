/* Unit tables and number formatting after pprof's internal/measurement (see
 * units.h). Called a few times per report row, so plain table scans are
 * fine; the only care taken is to reproduce Go's output byte for byte. */
#include "units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

struct unit {
	const char *name;        /* canonical, printed */
	const char *aliases[4];  /* lower case, matched after sniffing */
	double factor;
};

struct unit_family {
	const struct unit *units;
	size_t n;
	const char *dflt_name;
	double dflt_factor;
};

static const struct unit memory_units[] = {
	{ "B", { "b", "byte" }, 1 },
	{ "kB", { "kb", "kbyte", "kilobyte" }, 1024.0 },
	{ "MB", { "mb", "mbyte", "megabyte" }, 1048576.0 },
	{ "GB", { "gb", "gbyte", "gigabyte" }, 1073741824.0 },
	{ "TB", { "tb", "tbyte", "terabyte" }, 1099511627776.0 },
	{ "PB", { "pb", "pbyte", "petabyte" }, 1125899906842624.0 },
};

/* "μs" is listed as pprof lists it; like pprof it never matches, because the
 * sniffer strips the trailing 's' of any unit longer than two bytes. */
static const struct unit time_units[] = {
	{ "ns", { "ns", "nanosecond" }, 1 },
	{ "us", { "\xce\xbcs", "us", "microsecond" }, 1e3 },
	{ "ms", { "ms", "millisecond" }, 1e6 },
	{ "s", { "s", "sec", "second" }, 1e9 },
	{ "hrs", { "hour", "hr" }, 3600e9 },
};

static const struct unit gcu_units[] = {
	{ "n*GCU", { "nanogcu" }, 1e-9 },
	{ "u*GCU", { "microgcu" }, 1e-6 },
	{ "m*GCU", { "milligcu" }, 1e-3 },
	{ "GCU", { "gcu" }, 1 },
	{ "k*GCU", { "kilogcu" }, 1e3 },
	{ "M*GCU", { "megagcu" }, 1e6 },
	{ "G*GCU", { "gigagcu" }, 1e9 },
	{ "T*GCU", { "teragcu" }, 1e12 },
	{ "P*GCU", { "petagcu" }, 1e15 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct unit_family families[] = {
	{ memory_units, N(memory_units), "B", 1 },
	{ time_units, N(time_units), "s", 1e9 },
	{ gcu_units, N(gcu_units), "GCU", 1 },
};

/* Lower-cases and strips one trailing 's' when longer than two bytes, then
 * looks the alias up in one family. */
static const struct unit *sniff(const struct unit_family *f, const char *unit)
{
	char low[64];
	size_t len = strlen(unit);

	if (len >= sizeof(low))
		return NULL;
	for (size_t i = 0; i < len; i++)
		low[i] = (char)tolower((unsigned char)unit[i]);
	low[len] = '\0';
	if (len > 2 && low[len - 1] == 's')
		low[--len] = '\0';
	for (size_t i = 0; i < f->n; i++)
		for (size_t a = 0; a < N(f->units[i].aliases) && f->units[i].aliases[a]; a++)
			if (strcmp(low, f->units[i].aliases[a]) == 0)
				return &f->units[i];
	return NULL;
}

static bool auto_scale(const struct unit_family *f, double v, double *out,
		       const char **unit)
{
	double fac = 0;
	const char *name = NULL;

	for (size_t i = 0; i < f->n; i++) {
		if (f->units[i].factor >= fac && v / f->units[i].factor >= 1.0) {
			fac = f->units[i].factor;
			name = f->units[i].name;
		}
	}
	if (fac == 0)
		return false;
	*out = v / fac;
	*unit = name;
	return true;
}

static bool convert(const struct unit_family *f, int64_t value, const char *from,
		    const char *to, double *out, const char **unit)
{
	const struct unit *fu = sniff(f, from), *tu;
	double v;

	if (!fu)
		return false;
	v = (double)value * fu->factor;
	if (strcmp(to, "minimum") == 0 || strcmp(to, "auto") == 0) {
		if (auto_scale(f, v, out, unit))
			return true;
		*out = v / f->dflt_factor;
		*unit = f->dflt_name;
		return true;
	}
	tu = sniff(f, to);
	if (!tu) {
		*out = v / f->dflt_factor;
		*unit = f->dflt_name;
		return true;
	}
	*out = v / tu->factor;
	*unit = tu->name;
	return true;
}

double units_scale(int64_t value, const char *from, const char *to, const char **unit)
{
	double out;

	if (!from)
		from = "";
	if (!to)
		to = "";
	/* Go negates and recurses; INT64_MIN stays negative and falls through,
	 * which we mirror by the same test. */
	if (value < 0 && -(uint64_t)value <= (uint64_t)INT64_MAX) {
		out = units_scale(-value, from, to, unit);
		return -out;
	}
	for (size_t i = 0; i < N(families); i++)
		if (convert(&families[i], value, from, to, &out, unit))
			return out;
	if (!strcmp(to, "count") || !strcmp(to, "sample") || !strcmp(to, "unit") ||
	    !strcmp(to, "minimum") || !strcmp(to, "auto"))
		*unit = "";
	else
		*unit = to;
	return (double)value;
}

char *units_label(char *buf, size_t n, int64_t value, const char *from, const char *to)
{
	const char *u;
	double v = units_scale(value, from, to, &u);
	char num[64];
	size_t len;

	snprintf(num, sizeof(num), "%.2f", v);
	len = strlen(num);
	if (len >= 3 && strcmp(num + len - 3, ".00") == 0)
		num[len - 3] = '\0';
	if (strcmp(num, "0") == 0 || strcmp(num, "-0") == 0)
		snprintf(buf, n, "0");
	else
		snprintf(buf, n, "%s%s", num, u);
	return buf;
}

void units_add_label(struct kbuf *b, int64_t value, const char *from, const char *to)
{
	char tmp[256];

	units_label(tmp, sizeof(tmp), value, from, to);
	kbuf_addstr(b, tmp);
}

char *units_percent(char buf[32], int64_t value, int64_t total)
{
	double r = 0;

	if (total != 0)
		r = fabs((double)value / (double)total) * 100;
	if (r >= 99.95 && r <= 100.05)
		snprintf(buf, 32, "  100%%");
	else if (r >= 1.0)
		snprintf(buf, 32, "%5.2f%%", r);
	else
		snprintf(buf, 32, "%5.2g%%", r);
	return buf;
}

bool units_known(const char *unit)
{
	for (size_t i = 0; i < N(families); i++)
		if (sniff(&families[i], unit ? unit : ""))
			return true;
	return false;
}

bool units_compatible(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return true;
	for (size_t i = 0; i < N(families); i++)
		if (sniff(&families[i], a) && sniff(&families[i], b))
			return true;
	return false;
}

/* Writes the fraction v / 10^prec right-aligned before *w, without trailing
 * zeros (and without the point when the fraction is 0); returns v / 10^prec. */
static uint64_t fmt_frac(char *buf, int *w, uint64_t v, int prec)
{
	bool print = false;

	for (int i = 0; i < prec; i++) {
		unsigned digit = (unsigned)(v % 10);
		print = print || digit != 0;
		if (print)
			buf[--*w] = (char)('0' + digit);
		v /= 10;
	}
	if (print)
		buf[--*w] = '.';
	return v;
}

static void fmt_int(char *buf, int *w, uint64_t v)
{
	if (v == 0) {
		buf[--*w] = '0';
		return;
	}
	while (v > 0) {
		buf[--*w] = (char)('0' + v % 10);
		v /= 10;
	}
}

char *units_go_duration(char out[40], int64_t d)
{
	char buf[40];
	int w = (int)sizeof(buf);
	uint64_t u = (uint64_t)d;
	bool neg = d < 0;

	if (neg)
		u = -u;
	if (u < 1000000000ULL) {
		int prec = 0;
		buf[--w] = 's';
		if (u == 0) {
			strcpy(out, "0s");
			return out;
		} else if (u < 1000ULL) {
			buf[--w] = 'n';
		} else if (u < 1000000ULL) {
			prec = 3;
			buf[--w] = '\xb5'; /* U+00B5 micro sign, as Go prints it */
			buf[--w] = '\xc2';
		} else {
			prec = 6;
			buf[--w] = 'm';
		}
		u = fmt_frac(buf, &w, u, prec);
		fmt_int(buf, &w, u);
	} else {
		buf[--w] = 's';
		u = fmt_frac(buf, &w, u, 9);
		fmt_int(buf, &w, u % 60);
		u /= 60;
		if (u > 0) {
			buf[--w] = 'm';
			fmt_int(buf, &w, u % 60);
			u /= 60;
			if (u > 0) {
				buf[--w] = 'h';
				fmt_int(buf, &w, u);
			}
		}
	}
	if (neg)
		buf[--w] = '-';
	memcpy(out, buf + w, sizeof(buf) - (size_t)w);
	out[sizeof(buf) - (size_t)w] = '\0';
	return out;
}
