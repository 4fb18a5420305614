/* Round trip of the profile.proto writer through a small independent reader
 * written here (not the project's decoder), plus gzip and the atomic write. */
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "base/buf.h"
#include "check.h"
#include "profile/encode.h"
#include "profile/profile.h"

struct rd { const unsigned char *p, *end; };

static uint64_t varint(struct rd *r)
{
	uint64_t v = 0;
	for (int s = 0; r->p < r->end && s < 64; s += 7) {
		unsigned char b = *r->p++;
		v |= (uint64_t)(b & 0x7f) << s;
		if (!(b & 0x80))
			break;
	}
	return v;
}

/* What the mini reader collects. */
struct seen {
	int n_sample_type, n_samples, n_mappings, n_locations, n_functions, n_strings;
	char strings[64][32];
	uint64_t sample0_locs[8]; int sample0_nlocs;
	int64_t sample0_vals[4]; int sample0_nvals;
	uint64_t label_keys[4]; int n_labels;
	uint64_t loc2_nlines;
	uint64_t map1_start, map1_limit, map1_off, map1_file, map1_hasfn;
	int64_t time_nanos, duration_nanos, period, default_sample_type;
	int n_comments;
};

static void read_msg(struct rd *r, int depth, int parent_field, struct seen *s);

static void read_packed(struct rd *r, uint64_t *out, int *n, int max)
{
	while (r->p < r->end) {
		uint64_t v = varint(r);
		if (*n < max)
			out[(*n)++] = v;
	}
}

static void read_msg(struct rd *r, int depth, int parent, struct seen *s)
{
	while (r->p < r->end) {
		uint64_t tag = varint(r), field = tag >> 3, wt = tag & 7;
		if (wt == 0) {
			uint64_t v = varint(r);
			if (depth == 0) {
				if (field == 9) s->time_nanos = (int64_t)v;
				if (field == 10) s->duration_nanos = (int64_t)v;
				if (field == 12) s->period = (int64_t)v;
				if (field == 14) s->default_sample_type = (int64_t)v;
			} else if (parent == 3 && s->n_mappings == 1) {
				if (field == 2) s->map1_start = v;
				if (field == 3) s->map1_limit = v;
				if (field == 4) s->map1_off = v;
				if (field == 5) s->map1_file = v;
				if (field == 7) s->map1_hasfn = v;
			}
			continue;
		}
		if (wt != 2) {
			CHECK(!"unexpected wire type");
			return;
		}
		uint64_t len = varint(r);
		struct rd sub = { r->p, r->p + len };
		r->p += len;
		if (depth == 0) {
			switch (field) {
			case 1: s->n_sample_type++; break;
			case 2:
				s->n_samples++;
				if (s->n_samples == 1)
					read_msg(&sub, 1, 2, s);
				break;
			case 3: s->n_mappings++; read_msg(&sub, 1, 3, s); break;
			case 4:
				s->n_locations++;
				if (s->n_locations == 2)
					read_msg(&sub, 1, 4, s);
				break;
			case 5: s->n_functions++; break;
			case 6:
				if (s->n_strings < 64)
					snprintf(s->strings[s->n_strings], 32, "%.*s", (int)len, sub.p);
				s->n_strings++;
				break;
			case 13: {
				uint64_t tmp[16]; int n = 0;
				read_packed(&sub, tmp, &n, 16);
				s->n_comments = n;
				break;
			}
			}
		} else if (parent == 2) {
			if (field == 1)
				read_packed(&sub, s->sample0_locs, &s->sample0_nlocs, 8);
			if (field == 2) {
				uint64_t tmp[4]; int n = 0;
				read_packed(&sub, tmp, &n, 4);
				for (int i = 0; i < n; i++)
					s->sample0_vals[i] = (int64_t)tmp[i];
				s->sample0_nvals = n;
			}
			if (field == 3 && s->n_labels < 4) {
				struct rd l = sub;
				while (l.p < l.end) {
					uint64_t t = varint(&l), v = varint(&l);
					if ((t >> 3) == 1)
						s->label_keys[s->n_labels] = v;
				}
				s->n_labels++;
			}
		} else if (parent == 4 && field == 4) {
			s->loc2_nlines++;
		}
	}
}

static struct profile *build(void)
{
	struct profile *p = profile_new();
	struct pf_mapping *m;
	struct pf_function *f;
	struct pf_line lines[2];
	uint64_t locs[2] = { 2, 1 };
	int64_t vals[2] = { 3, 3000000 };
	struct pf_label labs[3];

	profile_add_sample_type(p, "samples", "count");
	profile_add_sample_type(p, "cpu", "nanoseconds");
	p->period_type.type = profile_str(p, "cpu");
	p->period_type.unit = profile_str(p, "nanoseconds");
	p->period = 1000000;
	p->time_nanos = 1700000000000000000LL;
	p->duration_nanos = 2000000000;
	p->default_sample_type = profile_str(p, "cpu");
	m = profile_add_mapping(p);
	m->memory_start = 0x400000;
	m->memory_limit = 0x500000;
	m->file_offset = 0x1000;
	m->filename = profile_str(p, "/bin/app");
	m->has_functions = true;
	f = profile_add_function(p);
	f->name = profile_str(p, "main");
	f = profile_add_function(p);
	f->name = profile_str(p, "leaf");
	lines[0] = (struct pf_line){ 1, 10, 0 };
	profile_add_location(p, 1, 0x401000, lines, 1);
	lines[0] = (struct pf_line){ 2, 20, 3 };
	lines[1] = (struct pf_line){ 1, 11, 0 };
	profile_add_location(p, 1, 0x401100, lines, 2);
	/* labels given out of order; the writer sorts them by key */
	labs[0] = (struct pf_label){ profile_str(p, "tid"), 0, 12, 0 };
	labs[1] = (struct pf_label){ profile_str(p, "comm"), profile_str(p, "app"), 0, 0 };
	labs[2] = (struct pf_label){ profile_str(p, "pid"), 0, 11, 0 };
	profile_add_sample(p, locs, 2, vals, 2, labs, 3);
	profile_add_sample(p, locs + 1, 1, vals, 2, NULL, 0);
	profile_add_comment(p, "lost 0 samples");
	return p;
}

static void check_encoding(const struct kbuf *raw, struct profile *p)
{
	struct rd r = { (const unsigned char *)raw->buf,
			(const unsigned char *)raw->buf + raw->len };
	struct seen s;

	memset(&s, 0, sizeof(s));
	read_msg(&r, 0, 0, &s);
	CHECK_EQ(s.n_sample_type, 2);
	CHECK_EQ(s.n_samples, 2);
	CHECK_EQ(s.n_mappings, 1);
	CHECK_EQ(s.n_locations, 2);
	CHECK_EQ(s.n_functions, 2);
	CHECK_EQ(s.n_strings, (int)p->strings.n);
	CHECK_STR(s.strings[0], "");
	CHECK_EQ(s.sample0_nlocs, 2);
	CHECK_EQ(s.sample0_locs[0], 2);
	CHECK_EQ(s.sample0_locs[1], 1);
	CHECK_EQ(s.sample0_nvals, 2);
	CHECK_EQ(s.sample0_vals[1], 3000000);
	CHECK_EQ(s.n_labels, 3);
	CHECK_STR(s.strings[s.label_keys[0]], "comm");
	CHECK_STR(s.strings[s.label_keys[1]], "pid");
	CHECK_STR(s.strings[s.label_keys[2]], "tid");
	CHECK_EQ(s.loc2_nlines, 2);
	CHECK_EQ(s.map1_start, 0x400000);
	CHECK_EQ(s.map1_limit, 0x500000);
	CHECK_EQ(s.map1_off, 0x1000);
	CHECK_STR(s.strings[s.map1_file], "/bin/app");
	CHECK_EQ(s.map1_hasfn, 1);
	CHECK_EQ(s.time_nanos, 1700000000000000000LL);
	CHECK_EQ(s.duration_nanos, 2000000000);
	CHECK_EQ(s.period, 1000000);
	CHECK_STR(s.strings[s.default_sample_type], "cpu");
	CHECK_EQ(s.n_comments, 1);
}

static void test_gzip_and_file(struct profile *p, const struct kbuf *raw)
{
	struct kbuf gz = KBUF_INIT, back = KBUF_INIT;
	struct kerr err = KERR_INIT;
	char path[] = "/tmp/kiln-test-XXXXXX";
	unsigned char out[65536];
	uLongf outlen = sizeof(out);
	z_stream zs;
	int fd;

	CHECK_EQ(profile_encode_gzip(p, &gz, &err), 0);
	CHECK((unsigned char)gz.buf[0] == 0x1f && (unsigned char)gz.buf[1] == 0x8b);
	memset(&zs, 0, sizeof(zs));
	CHECK(inflateInit2(&zs, 15 + 16) == Z_OK);
	zs.next_in = (unsigned char *)gz.buf;
	zs.avail_in = (uInt)gz.len;
	zs.next_out = out;
	zs.avail_out = (uInt)outlen;
	CHECK(inflate(&zs, Z_FINISH) == Z_STREAM_END);
	CHECK_EQ(zs.total_out, raw->len);
	CHECK(memcmp(out, raw->buf, raw->len) == 0);
	inflateEnd(&zs);

	fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(profile_write_file(p, path, &err), 0);
	CHECK_EQ(kbuf_read_file(&back, path, 0), 0);
	CHECK_EQ(back.len, gz.len);
	unlink(path);
	CHECK(profile_write_file(p, "/nonexistent-dir/x.pb.gz", &err) < 0);
	CHECK(strstr(err.msg, "/nonexistent-dir/x.pb.gz") != NULL);
	kbuf_release(&gz);
	kbuf_release(&back);
}

int main(void)
{
	struct profile *p = build();
	struct kbuf raw = KBUF_INIT;

	profile_index(p);
	CHECK(profile_location(p, 2) == &p->locations[1]);
	CHECK(profile_function(p, 3) == NULL);
	profile_encode(p, &raw);
	check_encoding(&raw, p);
	test_gzip_and_file(p, &raw);
	kbuf_release(&raw);
	profile_free(p);
	return CHECK_DONE();
}
