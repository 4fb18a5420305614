/* The profile.proto decoder: round trips through kiln's writer (raw, gzip,
 * from memory and from a pipe), hand-written wire data the writer never
 * produces (unpacked repeated fields, unknown fields of every wire type),
 * and every kind of corrupt input giving one error line with an offset. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../unit/check.h"
#include "fixtures.h"
#include "profile/decode.h"
#include "profile/encode.h"
#include "profile/pbwire.h"

static const char *S(const struct profile *p, int64_t i)
{
	return profile_get_str(p, i);
}

/* Compares two profiles field by field, strings by content. */
static void check_same(const struct profile *a, const struct profile *b)
{
	CHECK_EQ(a->n_sample_type, b->n_sample_type);
	for (size_t i = 0; i < a->n_sample_type && i < b->n_sample_type; i++) {
		CHECK_STR(S(a, a->sample_type[i].type), S(b, b->sample_type[i].type));
		CHECK_STR(S(a, a->sample_type[i].unit), S(b, b->sample_type[i].unit));
	}
	CHECK_EQ(a->n_samples, b->n_samples);
	for (size_t i = 0; i < a->n_samples && i < b->n_samples; i++) {
		const struct pf_sample *x = &a->samples[i], *y = &b->samples[i];
		CHECK_EQ(x->n_loc, y->n_loc);
		CHECK_EQ(x->n_val, y->n_val);
		CHECK_EQ(x->n_lab, y->n_lab);
		if (x->n_loc == y->n_loc)
			CHECK(!memcmp(pf_sample_locs(a, x), pf_sample_locs(b, y), x->n_loc * 8));
		if (x->n_val == y->n_val)
			CHECK(!memcmp(pf_sample_values(a, x), pf_sample_values(b, y), x->n_val * 8));
		/* The writer sorts labels by key (strings first); compare as sets. */
		for (uint32_t k = 0; k < x->n_lab && x->n_lab == y->n_lab; k++) {
			const struct pf_label *lx = pf_sample_labels(a, x) + k;
			bool found = false;
			for (uint32_t j = 0; j < y->n_lab && !found; j++) {
				const struct pf_label *ly = pf_sample_labels(b, y) + j;
				found = !strcmp(S(a, lx->key), S(b, ly->key)) &&
					!strcmp(S(a, lx->str), S(b, ly->str)) && lx->num == ly->num &&
					!strcmp(S(a, lx->num_unit), S(b, ly->num_unit));
			}
			CHECK(found);
		}
	}
	CHECK_EQ(a->n_mappings, b->n_mappings);
	for (size_t i = 0; i < a->n_mappings && i < b->n_mappings; i++) {
		const struct pf_mapping *x = &a->mappings[i], *y = &b->mappings[i];
		CHECK_EQ(x->id, y->id);
		CHECK_EQ(x->memory_start, y->memory_start);
		CHECK_EQ(x->memory_limit, y->memory_limit);
		CHECK_EQ(x->file_offset, y->file_offset);
		CHECK_STR(S(a, x->filename), S(b, y->filename));
		CHECK_STR(S(a, x->build_id), S(b, y->build_id));
		CHECK_EQ(x->has_functions, y->has_functions);
		CHECK_EQ(x->has_filenames, y->has_filenames);
		CHECK_EQ(x->has_line_numbers, y->has_line_numbers);
		CHECK_EQ(x->has_inline_frames, y->has_inline_frames);
	}
	CHECK_EQ(a->n_locations, b->n_locations);
	for (size_t i = 0; i < a->n_locations && i < b->n_locations; i++) {
		const struct pf_location *x = &a->locations[i], *y = &b->locations[i];
		CHECK_EQ(x->id, y->id);
		CHECK_EQ(x->mapping_id, y->mapping_id);
		CHECK_EQ(x->address, y->address);
		CHECK_EQ(x->is_folded, y->is_folded);
		CHECK_EQ(x->n_line, y->n_line);
		for (uint32_t k = 0; k < x->n_line && x->n_line == y->n_line; k++) {
			CHECK_EQ(pf_location_lines(a, x)[k].function_id, pf_location_lines(b, y)[k].function_id);
			CHECK_EQ(pf_location_lines(a, x)[k].line, pf_location_lines(b, y)[k].line);
			CHECK_EQ(pf_location_lines(a, x)[k].column, pf_location_lines(b, y)[k].column);
		}
	}
	CHECK_EQ(a->n_functions, b->n_functions);
	for (size_t i = 0; i < a->n_functions && i < b->n_functions; i++) {
		const struct pf_function *x = &a->functions[i], *y = &b->functions[i];
		CHECK_EQ(x->id, y->id);
		CHECK_STR(S(a, x->name), S(b, y->name));
		CHECK_STR(S(a, x->system_name), S(b, y->system_name));
		CHECK_STR(S(a, x->filename), S(b, y->filename));
		CHECK_EQ(x->start_line, y->start_line);
	}
	CHECK_STR(S(a, a->drop_frames), S(b, b->drop_frames));
	CHECK_STR(S(a, a->keep_frames), S(b, b->keep_frames));
	CHECK_EQ(a->time_nanos, b->time_nanos);
	CHECK_EQ(a->duration_nanos, b->duration_nanos);
	CHECK_STR(S(a, a->period_type.type), S(b, b->period_type.type));
	CHECK_STR(S(a, a->period_type.unit), S(b, b->period_type.unit));
	CHECK_EQ(a->period, b->period);
	CHECK_EQ(a->n_comments, b->n_comments);
	for (size_t i = 0; i < a->n_comments && i < b->n_comments; i++)
		CHECK_STR(S(a, a->comments[i]), S(b, b->comments[i]));
	CHECK_STR(S(a, a->default_sample_type), S(b, b->default_sample_type));
	CHECK_STR(S(a, a->doc_url), S(b, b->doc_url));
}

static struct profile *decode_ok(const void *data, size_t n)
{
	struct kerr err = KERR_INIT;
	struct profile *p = NULL;
	int r = profile_decode(data, n, NULL, &p, &err);

	if (r < 0)
		fprintf(stderr, "unexpected error: %s\n", err.msg);
	CHECK_EQ(r, 0);
	return p;
}

/* Expects failure, with a message mentioning `needle`. */
static void decode_fails(const void *data, size_t n, int code, const char *needle)
{
	struct kerr err = KERR_INIT;
	struct profile *p = NULL;
	int r = profile_decode(data, n, NULL, &p, &err);

	CHECK_EQ(r, code);
	CHECK(p == NULL);
	if (needle && !strstr(err.msg, needle)) {
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.msg, needle);
		check_failures++;
	}
	if (r < 0 && (strchr(err.msg, '\n') || !err.msg[0])) {
		fprintf(stderr, "not one line: \"%s\"\n", err.msg);
		check_failures++;
	}
	profile_free(p);
}

static struct profile *rich_with_everything(void)
{
	struct profile *p = fixture_rich(0);

	/* Fields the fixture leaves unset. */
	p->drop_frames = profile_str(p, "malloc|free");
	p->keep_frames = profile_str(p, "malloc_keep");
	p->doc_url = profile_str(p, "https://example.com/doc");
	p->locations[3].is_folded = true;
	p->lines[p->locations[2].line_off].column = 17;
	return p;
}

static void test_round_trip(void)
{
	struct profile *src = rich_with_everything(), *p;
	struct kbuf raw = KBUF_INIT, gz = KBUF_INIT;
	struct kerr err = KERR_INIT;
	int fds[2];

	profile_encode(src, &raw);
	CHECK_EQ(profile_encode_gzip(src, &gz, &err), 0);
	p = decode_ok(raw.buf, raw.len);
	if (p)
		check_same(src, p);
	profile_free(p);
	p = decode_ok(gz.buf, gz.len);
	if (p)
		check_same(src, p);
	profile_free(p);
	/* Through a pipe, as from standard input. */
	for (int which = 0; which < 2; which++) {
		const struct kbuf *b = which ? &gz : &raw;
		pid_t pid;
		CHECK_EQ(pipe(fds), 0);
		pid = fork();
		if (pid == 0) {
			close(fds[0]);
			if (write(fds[1], b->buf, b->len) != (ssize_t)b->len)
				_exit(1);
			_exit(0);
		}
		close(fds[1]);
		p = NULL;
		CHECK_EQ(profile_decode_fd(fds[0], NULL, &p, &err), 0);
		close(fds[0]);
		if (p)
			check_same(src, p);
		profile_free(p);
	}
	/* Two gzip members holding one profile split in two (Go's reader is
	 * multistream, so is ours). */
	{
		struct kbuf two = KBUF_INIT;
		size_t half = raw.len / 2;
		CHECK_EQ(gzip_compress(raw.buf, half, 6, &two, &err), 0);
		CHECK_EQ(gzip_compress(raw.buf + half, raw.len - half, 6, &two, &err), 0);
		p = decode_ok(two.buf, two.len);
		if (p)
			check_same(src, p);
		profile_free(p);
		kbuf_release(&two);
	}
	/* The worked case too (dense ids, no mappings). */
	{
		struct profile *w = fixture_worked(false);
		kbuf_reset(&raw);
		profile_encode(w, &raw);
		p = decode_ok(raw.buf, raw.len);
		if (p)
			check_same(w, p);
		profile_free(p);
		profile_free(w);
	}
	profile_free(src);
	kbuf_release(&raw);
	kbuf_release(&gz);
}

/* ---- hand-written wire data ---- */

static void msg(struct kbuf *out, unsigned field, const struct kbuf *m)
{
	pb_put_bytes(out, field, m->buf, m->len);
}

static void str(struct kbuf *out, const char *s)
{
	pb_put_bytes(out, 6, s, strlen(s));
}

/* A minimal valid profile: sample type cpu/ns, function 1 "f", location 1
 * on it, one sample; with optional additions written by the caller. */
static void minimal(struct kbuf *out, bool unpacked, bool unknowns)
{
	struct kbuf m = KBUF_INIT, sub = KBUF_INIT;

	kbuf_reset(&m);
	pb_put_int(&m, 1, 1);
	pb_put_int(&m, 2, 2);
	if (unknowns) {
		pb_put_tag(&m, 9, PB_FIXED32);
		kbuf_add(&m, "abcd", 4);
	}
	msg(out, 1, &m);
	/* sample */
	kbuf_reset(&m);
	if (unpacked) {
		pb_put_tag(&m, 1, PB_VARINT); pb_put_varint(&m, 1);
		pb_put_tag(&m, 2, PB_VARINT); pb_put_varint(&m, 5);
		pb_put_tag(&m, 1, PB_VARINT); pb_put_varint(&m, 1);
	} else {
		kbuf_reset(&sub);
		pb_put_varint(&sub, 1);
		pb_put_varint(&sub, 1);
		msg(&m, 1, &sub);
		kbuf_reset(&sub);
		pb_put_varint(&sub, 5);
		msg(&m, 2, &sub);
	}
	if (unknowns) {
		pb_put_tag(&m, 15, PB_FIXED64);
		kbuf_add(&m, "12345678", 8);
		pb_put_int(&m, 99, 3);
	}
	/* a label with nothing set: pprof drops it */
	kbuf_reset(&sub);
	pb_put_int(&sub, 1, 3);
	msg(&m, 3, &sub);
	msg(out, 2, &m);
	/* location 1 -> function 1 */
	kbuf_reset(&m);
	pb_put_int(&m, 1, 1);
	kbuf_reset(&sub);
	pb_put_int(&sub, 1, 1);
	pb_put_int(&sub, 2, 42);
	if (unknowns)
		pb_put_bytes(&sub, 7, "zz", 2);
	msg(&m, 4, &sub);
	msg(out, 4, &m);
	/* function 1 */
	kbuf_reset(&m);
	pb_put_int(&m, 1, 1);
	pb_put_int(&m, 2, 4);
	msg(out, 5, &m);
	if (unknowns) {
		pb_put_bytes(out, 100, "unknown", 7);
		pb_put_tag(out, 0, PB_VARINT); /* field 0: skipped, as pprof does */
		pb_put_varint(out, 1);
		pb_put_tag(out, 101, PB_FIXED64);
		kbuf_add(out, "87654321", 8);
	}
	str(out, "");
	str(out, "cpu");
	str(out, "nanoseconds");
	str(out, "label");
	str(out, "f");
	kbuf_release(&m);
	kbuf_release(&sub);
}

static void test_wire_forms(void)
{
	struct kbuf b = KBUF_INIT;
	struct profile *p;

	for (int unpacked = 0; unpacked < 2; unpacked++) {
		for (int unknowns = 0; unknowns < 2; unknowns++) {
			kbuf_reset(&b);
			minimal(&b, unpacked, unknowns);
			p = decode_ok(b.buf, b.len);
			if (!p)
				continue;
			CHECK_EQ(p->n_samples, 1);
			CHECK_EQ(p->samples[0].n_loc, 2);
			CHECK_EQ(p->samples[0].n_val, 1);
			CHECK_EQ(pf_sample_values(p, &p->samples[0])[0], 5);
			CHECK_EQ(p->samples[0].n_lab, 0); /* empty label dropped */
			CHECK_EQ(p->n_locations, 1);
			CHECK_EQ(p->lines[0].line, 42);
			CHECK_STR(S(p, p->functions[0].name), "f");
			profile_free(p);
		}
	}
	kbuf_release(&b);
}

static void test_errors(void)
{
	struct kbuf b = KBUF_INIT, m = KBUF_INIT, gz = KBUF_INIT;
	struct kerr err = KERR_INIT;
	struct profile *src;

	decode_fails("", 0, -EBADMSG, "empty");
	/* string_table[0] must be "" */
	str(&b, "x");
	decode_fails(b.buf, b.len, -EBADMSG, "string_table[0]");
	/* no string table at all */
	kbuf_reset(&b);
	pb_put_int(&b, 10, 5);
	decode_fails(b.buf, b.len, -EBADMSG, "string table");
	/* bad wire type (3, a group) */
	kbuf_reset(&b);
	pb_put_tag(&b, 2, 3);
	decode_fails(b.buf, b.len, -EBADMSG, "byte 0");
	/* a known scalar field with the wrong wire type */
	kbuf_reset(&b);
	str(&b, "");
	pb_put_bytes(&b, 9, "x", 1);
	decode_fails(b.buf, b.len, -EBADMSG, "mismatch");
	/* a length running past the end */
	kbuf_reset(&b);
	str(&b, "");
	pb_put_tag(&b, 2, PB_LEN);
	pb_put_varint(&b, 100);
	kbuf_add(&b, "abc", 3);
	decode_fails(b.buf, b.len, -EBADMSG, "truncated");
	/* an over-long varint */
	kbuf_reset(&b);
	kbuf_add(&b, "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12);
	decode_fails(b.buf, b.len, -EBADMSG, "byte");
	/* concatenated profiles */
	src = fixture_worked(false);
	src->time_nanos = 1;
	kbuf_reset(&b);
	profile_encode(src, &b);
	profile_encode(src, &b);
	decode_fails(b.buf, b.len, -EBADMSG, "concatenated");
	/* ... also when gzip-compressed as two members (cat a.gz b.gz) */
	kbuf_reset(&m);
	profile_encode(src, &m);
	CHECK_EQ(gzip_compress(m.buf, m.len, 6, &gz, &err), 0);
	CHECK_EQ(gzip_compress(m.buf, m.len, 6, &gz, &err), 0);
	decode_fails(gz.buf, gz.len, -EBADMSG, "concatenated");
	/* corrupt and truncated gzip */
	gz.buf[gz.len / 4] ^= 0x55;
	gz.buf[gz.len / 4 + 1] ^= 0xaa;
	decode_fails(gz.buf, gz.len, -EBADMSG, "gzip");
	kbuf_reset(&gz);
	CHECK_EQ(gzip_compress(m.buf, m.len, 6, &gz, &err), 0);
	decode_fails(gz.buf, gz.len - 6, -EBADMSG, "truncated gzip");
	/* the size cap */
	{
		struct profile_decode_opts o = { 64 };
		struct profile *p = NULL;
		CHECK_EQ(profile_decode(gz.buf, gz.len, &o, &p, &err), -EFBIG);
		CHECK_EQ(profile_decode(m.buf, m.len, &o, &p, &err), -EFBIG);
	}
	profile_free(src);

	/* Semantic checks on otherwise well-formed data. */
	src = fixture_worked(false);
	src->samples[1].n_val = 1;
	kbuf_reset(&b);
	profile_encode(src, &b);
	decode_fails(b.buf, b.len, -EBADMSG, "values vs. 2 types");
	profile_free(src);
	src = fixture_worked(false);
	src->sample_locs[0] = 77;
	kbuf_reset(&b);
	profile_encode(src, &b);
	decode_fails(b.buf, b.len, -EBADMSG, "unknown location id 77");
	profile_free(src);
	src = fixture_worked(false);
	src->lines[0].function_id = 55;
	kbuf_reset(&b);
	profile_encode(src, &b);
	decode_fails(b.buf, b.len, -EBADMSG, "unknown function id 55");
	profile_free(src);
	src = fixture_worked(false);
	src->locations[2].id = 2;
	kbuf_reset(&b);
	profile_encode(src, &b);
	decode_fails(b.buf, b.len, -EBADMSG, "multiple locations with id 2");
	profile_free(src);
	src = fixture_worked(false);
	src->functions[1].id = 0;
	kbuf_reset(&b);
	profile_encode(src, &b);
	decode_fails(b.buf, b.len, -EBADMSG, "reserved id 0");
	profile_free(src);
	src = fixture_worked(false);
	src->locations[0].mapping_id = 3;
	kbuf_reset(&b);
	profile_encode(src, &b);
	decode_fails(b.buf, b.len, -EBADMSG, "unknown mapping id 3");
	profile_free(src);
	src = fixture_worked(false);
	src->functions[0].name = 999;
	kbuf_reset(&b);
	profile_encode(src, &b);
	decode_fails(b.buf, b.len, -EBADMSG, "string 999");
	profile_free(src);
	src = profile_new();
	{
		uint64_t loc = 0;
		int64_t v = 1;
		profile_add_sample(src, &loc, 0, &v, 1, NULL, 0);
	}
	kbuf_reset(&b);
	profile_encode(src, &b);
	decode_fails(b.buf, b.len, -EBADMSG, "missing sample type");
	profile_free(src);

	kbuf_release(&b);
	kbuf_release(&m);
	kbuf_release(&gz);
}

/* Every prefix of a valid profile either decodes or fails cleanly with an
 * offset; never crashes (run under ASan in the sanitizer build). */
static void test_truncations(void)
{
	struct profile *src = rich_with_everything();
	struct kbuf raw = KBUF_INIT, gz = KBUF_INIT;
	struct kerr err = KERR_INIT;
	size_t failures = 0;

	profile_encode(src, &raw);
	CHECK_EQ(profile_encode_gzip(src, &gz, &err), 0);
	for (size_t n = 0; n < raw.len; n++) {
		struct profile *p = NULL;
		struct kerr e = KERR_INIT;
		if (profile_decode(raw.buf, n, NULL, &p, &e) < 0) {
			failures++;
			CHECK(p == NULL);
			CHECK(e.msg[0] != '\0');
		}
		profile_free(p);
	}
	/* Most prefixes cut a message or lose the string table. */
	CHECK(failures > raw.len / 2);
	for (size_t n = 0; n < gz.len; n++) {
		struct profile *p = NULL;
		struct kerr e = KERR_INIT;
		CHECK(profile_decode(gz.buf, n, NULL, &p, &e) < 0);
		profile_free(p);
	}
	profile_free(src);
	kbuf_release(&raw);
	kbuf_release(&gz);
}

static void test_read_file(void)
{
	struct profile *src = fixture_worked(false), *p = NULL;
	struct kerr err = KERR_INIT;
	char path[] = "/tmp/kiln-test-decode-XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(profile_write_file(src, path, &err), 0);
	CHECK_EQ(profile_read_file(path, NULL, &p, &err), 0);
	if (p)
		check_same(src, p);
	profile_free(p);
	unlink(path);
	CHECK(profile_read_file(path, NULL, &p, &err) == -ENOENT);
	CHECK(strstr(err.msg, path) != NULL);
	profile_free(src);
}

int main(void)
{
	test_round_trip();
	test_wire_forms();
	test_errors();
	test_truncations();
	test_read_file();
	return CHECK_DONE();
}
