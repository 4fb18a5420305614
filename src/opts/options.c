/* Table-driven option parsing shared by all subcommands (see options.h);
 * help text goes to the caller's buffer, never to a stream. */
#include "options.h"

#include "../base/alloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options-doc.h"

static int set_value(const struct option_def *o, const char *name, const char *arg,
		     struct kerr *err)
{
	char *end;

	switch (o->type) {
	case OPT_BOOL:
		*(bool *)o->value = true;
		return 0;
	case OPT_COUNT:
		(*(int *)o->value)++;
		return 0;
	case OPT_STRING:
		*(const char **)o->value = arg;
		return 0;
	case OPT_CALLBACK:
		return o->cb(o, arg, err);
	case OPT_INT:
	case OPT_INT64: {
		long long v;
		errno = 0;
		v = strtoll(arg, &end, 0);
		if (errno || end == arg || *end)
			return kerr_set(err, -EINVAL, "option '%s' expects a whole number, not '%s'",
					name, arg);
		if (o->type == OPT_INT)
			*(int *)o->value = (int)v;
		else
			*(int64_t *)o->value = v;
		return 0;
	}
	case OPT_DOUBLE: {
		double v;
		errno = 0;
		v = strtod(arg, &end);
		if (errno || end == arg || *end)
			return kerr_set(err, -EINVAL, "option '%s' expects a number, not '%s'",
					name, arg);
		*(double *)o->value = v;
		return 0;
	}
	default:
		return kerr_set(err, -EINVAL, "bad option table entry for '%s'", name);
	}
}

static bool takes_arg(const struct option_def *o)
{
	return o->argh != NULL && o->type != OPT_BOOL && o->type != OPT_COUNT;
}

/* Handles a long option `name[=value]` (without dashes). *i may advance. */
static int parse_long(const char *spec, int argc, const char **argv, int *i,
		      const struct option_def *opts, struct kerr *err)
{
	const char *eq = strchr(spec, '=');
	size_t len = eq ? (size_t)(eq - spec) : strlen(spec);
	bool negated = false;

	for (int pass = 0; pass < 2; pass++) {
		const char *name = spec;
		size_t nlen = len;

		if (pass == 1) {
			if (strncmp(spec, "no-", 3) != 0)
				break;
			name += 3;
			nlen -= 3;
			negated = true;
		}
		for (const struct option_def *o = opts; o->type != OPT_END; o++) {
			if (!o->long_name || strlen(o->long_name) != nlen ||
			    strncmp(o->long_name, name, nlen) != 0)
				continue;
			if (negated) {
				if (o->type != OPT_BOOL)
					return kerr_set(err, -EINVAL, "option '--%s' cannot be negated", o->long_name);
				*(bool *)o->value = false;
				return 0;
			}
			if (!takes_arg(o)) {
				if (eq && o->type != OPT_CALLBACK)
					return kerr_set(err, -EINVAL, "option '--%s' takes no value", o->long_name);
				if (o->type == OPT_BOOL && eq) {
					*(bool *)o->value = strcmp(eq + 1, "false") && strcmp(eq + 1, "0");
					return 0;
				}
				return set_value(o, o->long_name, eq ? eq + 1 : NULL, err);
			}
			if (eq)
				return set_value(o, o->long_name, eq + 1, err);
			if (o->optional_arg)
				return set_value(o, o->long_name, NULL, err);
			if (*i + 1 >= argc)
				return kerr_set(err, -EINVAL, "option '--%s' needs a value (%s)",
						o->long_name, o->argh);
			return set_value(o, o->long_name, argv[++*i], err);
		}
	}
	return kerr_set(err, -EINVAL, "unknown option '--%.*s' (try -h)", (int)len, spec);
}

static int parse_short(const char *arg, int argc, const char **argv, int *i,
		       const struct option_def *opts, struct kerr *err)
{
	for (const char *c = arg; *c; c++) {
		const struct option_def *o;
		char name[3] = { '-', *c, 0 };

		for (o = opts; o->type != OPT_END; o++)
			if (o->short_name && o->short_name == *c)
				break;
		if (o->type == OPT_END)
			return kerr_set(err, -EINVAL, "unknown option '-%c' (try -h)", *c);
		if (!takes_arg(o)) {
			int r = set_value(o, name, NULL, err);
			if (r)
				return r;
			continue;
		}
		if (c[1])
			return set_value(o, name, c[1] == '=' ? c + 2 : c + 1, err);
		if (o->optional_arg)
			return set_value(o, name, NULL, err);
		if (*i + 1 >= argc)
			return kerr_set(err, -EINVAL, "option '-%c' needs a value (%s)", *c, o->argh);
		return set_value(o, name, argv[++*i], err);
	}
	return 0;
}

static bool is_long_name(const struct option_def *opts, const char *spec)
{
	size_t len = strcspn(spec, "=");

	if (strncmp(spec, "no-", 3) == 0)
		spec += 3, len -= 3;
	for (const struct option_def *o = opts; o->type != OPT_END; o++)
		if (o->long_name && strlen(o->long_name) == len &&
		    strncmp(o->long_name, spec, len) == 0)
			return true;
	return false;
}

bool options_is_help(const char *arg, int flags)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0 ||
	       strcmp(arg, "--help-man") == 0 || strcmp(arg, "--help-completion") == 0 ||
	       ((flags & OPTIONS_SINGLE_DASH_LONG) && strcmp(arg, "-help") == 0);
}

int options_parse(int argc, const char **argv, const struct option_def *opts,
		  const char *usage, int flags, struct options_help *help, struct kerr *err)
{
	int out = 0, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r;

		if (a[0] != '-' || a[1] == '\0') {
			if (flags & OPTIONS_STOP_AT_NON_OPTION)
				break;
			argv[out++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (options_is_help(a, flags)) {
			if (!help)
				return OPTIONS_HELP;
			if (strcmp(a, "--help-man") == 0)
				options_man(&help->text, help->cmd, usage, opts, flags);
			else if (strcmp(a, "--help-completion") == 0)
				options_completion(&help->text, help->cmd, usage, opts, flags);
			else
				options_usage(&help->text, usage, opts);
			return OPTIONS_HELP;
		}
		if (a[1] == '-')
			r = parse_long(a + 2, argc, argv, &i, opts, err);
		else if ((flags & OPTIONS_SINGLE_DASH_LONG) && is_long_name(opts, a + 1))
			r = parse_long(a + 1, argc, argv, &i, opts, err);
		else
			r = parse_short(a + 1, argc, argv, &i, opts, err);
		if (r)
			return r < 0 ? r : -EINVAL;
	}
	for (; i < argc; i++)
		argv[out++] = argv[i];
	argv[out] = NULL;
	return out;
}

void options_usage(struct kbuf *b, const char *usage, const struct option_def *opts)
{
	const char *examples = options_examples(usage);
	int head = examples ? (int)(examples - usage) : (int)strlen(usage);

	while (head > 0 && usage[head - 1] == '\n')
		head--;
	kbuf_addf(b, "usage: %.*s\n\n", head, usage);
	for (const struct option_def *o = opts; o->type != OPT_END; o++) {
		char left[64];
		int n = 0;

		if (o->type == OPT_GROUP) {
			kbuf_addf(b, "\n%s\n", o->help);
			continue;
		}
		n += snprintf(left + n, sizeof(left) - (size_t)n, "    ");
		if (o->short_name)
			n += snprintf(left + n, sizeof(left) - (size_t)n, "-%c%s", o->short_name,
				      o->long_name ? ", " : "");
		if (o->long_name)
			n += snprintf(left + n, sizeof(left) - (size_t)n, "--%s", o->long_name);
		if (o->argh && n < (int)sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, o->optional_arg ? "[=%s]" : " %s",
				 o->argh);
		if (strlen(left) > 28)
			kbuf_addf(b, "%s\n%30s%s\n", left, "", o->help);
		else
			kbuf_addf(b, "%-30s%s\n", left, o->help);
	}
	if (examples)
		kbuf_addf(b, "%s%s%s", opts->type != OPT_END ? "\n" : "", examples,
			  examples[strlen(examples) - 1] == '\n' ? "" : "\n");
}

int options_list_add(const struct option_def *opt, const char *arg, struct kerr *err)
{
	struct opt_list *l = opt->value;

	(void)err;
	if (!arg || !arg[0])
		return 0;
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = arg;
	return 0;
}
