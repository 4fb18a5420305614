/* Runs the decoder's libFuzzer target (tests/fuzz/fuzz-profile.c) as an
 * ordinary test, so every build exercises it: each file of the corpus
 * folders given as arguments, then a few thousand deterministic mutations
 * (bit flips, byte overwrites, truncations, duplicated and deleted ranges)
 * of valid profiles, raw and gzip-compressed. A crash, a sanitizer report
 * or an abort() in the target fails the test. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "fixtures.h"
#include "profile/encode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUTATIONS 5000
#define MAX_SEEDS 64

static struct kbuf seeds[MAX_SEEDS];
static size_t n_seeds;

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d) {
		fprintf(stderr, "fuzz-replay: cannot open %s\n", dir);
		exit(1);
	}
	while ((e = readdir(d))) {
		struct kbuf b = KBUF_INIT;
		char path[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (kbuf_read_file(&b, path, 64u << 20) == 0) {
			LLVMFuzzerTestOneInput((const uint8_t *)b.buf, b.len);
			n++;
			if (n_seeds < MAX_SEEDS) {
				seeds[n_seeds++] = b; /* also mutated below */
				continue;
			}
		}
		kbuf_release(&b);
	}
	closedir(d);
	return n;
}

static void mutate(const struct kbuf *seed, struct kbuf *out)
{
	size_t n = seed->len, at, len;

	kbuf_reset(out);
	kbuf_add(out, seed->buf, seed->len);
	if (!n)
		return;
	switch (next() % 6) {
	case 0: /* flip a few bits */
		for (int i = 0, k = 1 + (int)(next() % 4); i < k; i++)
			out->buf[next() % n] ^= (char)(1u << (next() % 8));
		break;
	case 1: /* overwrite a byte with an interesting value */
		out->buf[next() % n] = (char)"\x00\x01\x7f\x80\xff\x08\x12\x1a"[next() % 8];
		break;
	case 2: /* truncate */
		out->len = next() % n;
		out->buf[out->len] = '\0';
		break;
	case 3: /* delete a range */
		at = next() % n;
		len = 1 + next() % 16;
		if (at + len > n)
			len = n - at;
		memmove(out->buf + at, out->buf + at + len, n - at - len);
		out->len -= len;
		break;
	case 4: /* duplicate a range */
		at = next() % n;
		len = 1 + next() % 32;
		if (at + len > n)
			len = n - at;
		{
			struct kbuf t = KBUF_INIT;
			kbuf_add(&t, seed->buf, at + len);
			kbuf_add(&t, seed->buf + at, n - at);
			kbuf_reset(out);
			kbuf_add(out, t.buf, t.len);
			kbuf_release(&t);
		}
		break;
	default: /* a varint that never ends */
		at = next() % n;
		for (size_t i = at; i < n && i < at + 11; i++)
			out->buf[i] = (char)0xff;
	}
}

static void add_seed(struct profile *p, bool gz)
{
	struct kerr err = KERR_INIT;
	struct kbuf *b = &seeds[n_seeds++];

	kbuf_init(b);
	if (gz)
		profile_encode_gzip(p, b, &err);
	else
		profile_encode(p, b);
	LLVMFuzzerTestOneInput((const uint8_t *)b->buf, b->len);
}

int main(int argc, char **argv)
{
	struct kbuf m = KBUF_INIT;
	struct profile *p;
	size_t files = 0;

	for (int i = 1; i < argc; i++)
		files += run_dir(argv[i]);
	/* A moved or emptied corpus folder must not pass as "no crash". */
	if (argc > 1 && files == 0) {
		fprintf(stderr, "fuzz-replay: no corpus file in the folders given\n");
		return 1;
	}
	if (n_seeds > MAX_SEEDS - 4)
		n_seeds = MAX_SEEDS - 4;
	p = fixture_rich(0);
	add_seed(p, false);
	add_seed(p, true);
	profile_free(p);
	p = fixture_worked(false);
	add_seed(p, false);
	add_seed(p, true);
	profile_free(p);
	for (int i = 0; i < MUTATIONS; i++) {
		mutate(&seeds[(size_t)i % n_seeds], &m);
		LLVMFuzzerTestOneInput((const uint8_t *)m.buf, m.len);
	}
	for (size_t i = 0; i < n_seeds; i++)
		kbuf_release(&seeds[i]);
	kbuf_release(&m);
	printf("fuzz-replay: %zu corpus files, %zu seeds, %d mutations, no crash\n", files, n_seeds,
	       MUTATIONS);
	return 0;
}
