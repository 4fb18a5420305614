/* The -raw report: pprof's Profile.String() debug dump of the (merged,
 * filtered) profile: header, samples with their values, location ids and
 * labels, locations with their lines, and mappings. Formats follow Go's
 * fmt verbs used there (%#x prints 0 as 0x0, %.4v cuts durations). */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/alloc.h"
#include "../base/units.h"

static void hex(struct kbuf *out, uint64_t v)
{
	kbuf_addf(out, "0x%" PRIx64, v);
}

/* Go's Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST", local. */
static void go_time(struct kbuf *out, int64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000);
	long frac = (long)(ns % 1000000000);
	struct tm tm;
	char buf[64], z[16];

	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	localtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	kbuf_addstr(out, buf);
	if (frac) {
		char f[16];
		int len = snprintf(f, sizeof(f), "%09ld", frac);
		while (len > 0 && f[len - 1] == '0')
			f[--len] = '\0';
		kbuf_addf(out, ".%s", f);
	}
	strftime(z, sizeof(z), "%z", &tm);
	kbuf_addf(out, " %s %s", z, tm.tm_zone ? tm.tm_zone : "");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "key:[v1 v2]" items, sorted, space separated. */
static void labels(const struct profile *p, const struct pf_sample *s, bool numeric,
		   struct kbuf *out)
{
	const struct pf_label *l = pf_sample_labels(p, s);
	char **items = xcalloc(s->n_lab + 1, sizeof(char *));
	bool *done = xcalloc(s->n_lab + 1, sizeof(bool));
	size_t n = 0;

	for (uint32_t i = 0; i < s->n_lab; i++) {
		struct kbuf item = KBUF_INIT;
		const char *key;
		bool units = false, first = true;

		if (done[i] || (l[i].str == 0) != numeric)
			continue;
		key = profile_get_str(p, l[i].key);
		for (uint32_t j = i; j < s->n_lab; j++)
			if ((l[j].str == 0) == numeric && !strcmp(profile_get_str(p, l[j].key), key) &&
			    l[j].num_unit)
				units = true;
		kbuf_addf(&item, "%s:[", key);
		for (uint32_t j = i; j < s->n_lab; j++) {
			if (done[j] || (l[j].str == 0) != numeric || strcmp(profile_get_str(p, l[j].key), key))
				continue;
			done[j] = true;
			if (!first)
				kbuf_addch(&item, ' ');
			first = false;
			if (!numeric)
				kbuf_addstr(&item, profile_get_str(p, l[j].str));
			else if (units)
				kbuf_addf(&item, "%" PRId64 " %s", l[j].num, profile_get_str(p, l[j].num_unit));
			else
				kbuf_addf(&item, "%" PRId64, l[j].num);
		}
		kbuf_addch(&item, ']');
		items[n++] = kbuf_detach(&item, NULL);
	}
	qsort(items, n, sizeof(*items), cmp_str);
	if (n)
		kbuf_addstr(out, "\n                ");
	for (size_t i = 0; i < n; i++) {
		kbuf_addf(out, "%s%s", i ? " " : "", items[i]);
		free(items[i]);
	}
	free(items);
	free(done);
}

int report_raw(struct report *r, struct kbuf *out, struct kerr *err)
{
	const struct profile *p = r->p;
	const char *dflt = profile_get_str(p, p->default_sample_type);
	struct kbuf types = KBUF_INIT;
	char dur[40];

	(void)err;
	for (size_t i = 0; i < p->n_comments; i++)
		kbuf_addf(out, "Comment: %s\n", profile_get_str(p, p->comments[i]));
	kbuf_addf(out, "PeriodType: %s %s\n", profile_get_str(p, p->period_type.type),
		  profile_get_str(p, p->period_type.unit));
	kbuf_addf(out, "Period: %" PRId64 "\n", p->period);
	if (p->time_nanos) {
		kbuf_addstr(out, "Time: ");
		go_time(out, p->time_nanos);
		kbuf_addch(out, '\n');
	}
	if (p->duration_nanos) {
		/* %.4v: at most four characters (runes) of Duration.String(). */
		const char *d = units_go_duration(dur, p->duration_nanos);
		size_t bytes = 0;
		for (int runes = 0; d[bytes] && runes < 4; runes++) {
			bytes++;
			while ((d[bytes] & 0xc0) == 0x80)
				bytes++;
		}
		kbuf_addf(out, "Duration: %.*s\n", (int)bytes, d);
	}
	kbuf_addstr(out, "Samples:\n");
	for (size_t i = 0; i < p->n_sample_type; i++) {
		const char *t = profile_get_str(p, p->sample_type[i].type);
		kbuf_addf(&types, "%s/%s%s ", t, profile_get_str(p, p->sample_type[i].unit),
			  !strcmp(t, dflt) ? "[dflt]" : "");
	}
	while (types.len && types.buf[types.len - 1] == ' ')
		types.buf[--types.len] = '\0';
	kbuf_addf(out, "%s\n", types.buf);
	kbuf_release(&types);
	for (size_t i = 0; i < p->n_samples; i++) {
		const struct pf_sample *s = &p->samples[i];
		const int64_t *v = pf_sample_values(p, s);
		const uint64_t *locs = pf_sample_locs(p, s);

		for (uint32_t k = 0; k < s->n_val; k++)
			kbuf_addf(out, " %10" PRId64, v[k]);
		kbuf_addstr(out, ": ");
		for (uint32_t k = 0; k < s->n_loc; k++)
			kbuf_addf(out, "%" PRIu64 " ", locs[k]);
		labels(p, s, false, out);
		labels(p, s, true, out);
		kbuf_addch(out, '\n');
	}
	kbuf_addstr(out, "Locations\n");
	for (size_t i = 0; i < p->n_locations; i++) {
		const struct pf_location *l = &p->locations[i];
		const struct pf_line *ln = pf_location_lines(p, l);
		struct kbuf pre = KBUF_INIT;

		kbuf_addf(&pre, "%6" PRIu64 ": ", l->id);
		hex(&pre, l->address);
		kbuf_addch(&pre, ' ');
		if (l->mapping_id)
			kbuf_addf(&pre, "M=%" PRIu64 " ", l->mapping_id);
		if (l->is_folded)
			kbuf_addstr(&pre, "[F] ");
		if (l->n_line == 0)
			kbuf_addf(out, "%s\n", pre.buf);
		for (uint32_t k = 0; k < l->n_line; k++) {
			const struct pf_function *f = profile_function(p, ln[k].function_id);
			kbuf_addstr(out, k == 0 ? pre.buf : "             ");
			if (!f) {
				kbuf_addstr(out, "??\n");
				continue;
			}
			kbuf_addf(out, "%s %s:%" PRId64 " s=%" PRId64, profile_get_str(p, f->name),
				  profile_get_str(p, f->filename), ln[k].line, f->start_line);
			if (strcmp(profile_get_str(p, f->name), profile_get_str(p, f->system_name)))
				kbuf_addf(out, "(%s)", profile_get_str(p, f->system_name));
			kbuf_addch(out, '\n');
		}
		kbuf_release(&pre);
	}
	kbuf_addstr(out, "Mappings\n");
	for (size_t i = 0; i < p->n_mappings; i++) {
		const struct pf_mapping *m = &p->mappings[i];
		kbuf_addf(out, "%" PRIu64 ": ", m->id);
		hex(out, m->memory_start);
		kbuf_addch(out, '/');
		hex(out, m->memory_limit);
		kbuf_addch(out, '/');
		hex(out, m->file_offset);
		kbuf_addf(out, " %s %s %s%s%s%s\n", profile_get_str(p, m->filename),
			  profile_get_str(p, m->build_id), m->has_functions ? "[FN]" : "",
			  m->has_filenames ? "[FL]" : "", m->has_line_numbers ? "[LN]" : "",
			  m->has_inline_frames ? "[IN]" : "");
	}
	return 0;
}
