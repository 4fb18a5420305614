/* profile_sniff() on one small input of each kind it names, and the
 * decoder's answer for the kinds kiln refuses: one line naming the kind,
 * never "corrupt profile at byte 0" for what is not a protobuf, while a
 * truncated or corrupt protobuf keeps its byte offset. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../src/profile/decode.h"
#include "../../src/profile/sniff.h"

static int failures;

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static void kind(const char *what, const void *d, size_t n, enum profile_kind want)
{
	enum profile_kind got = profile_sniff(d, n);
	if (got != want) {
		fprintf(stderr, "%s: sniffed as %s, want %s\n", what, profile_kind_name(got),
			profile_kind_name(want));
		failures++;
	}
}

static void refused(const char *what, const void *d, size_t n, const char *needle)
{
	struct profile *p = NULL;
	struct kerr err = KERR_INIT;
	int ret = profile_decode(d, n, NULL, &p, &err);

	if (ret >= 0 || p) {
		fprintf(stderr, "%s: accepted\n", what);
		failures++;
		profile_free(p);
		return;
	}
	if (!strstr(err.msg, needle) || strchr(err.msg, '\n')) {
		fprintf(stderr, "%s: message \"%s\" lacks \"%s\"\n", what, err.msg, needle);
		failures++;
	}
}

int main(void)
{
	static const unsigned char cpu64[] = { 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x27, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const unsigned char cpu32be[] = { 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0x27, 0x10,
		0, 0, 0, 0 };
	static const unsigned char proto[] = { 0x0a, 0x04, 0x08, 0x01, 0x10, 0x02 };
	static const unsigned char group[] = { 0x13 };
	static const unsigned char junk[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff };
	const char *t;

	kind("empty", "", 0, PROFILE_KIND_EMPTY);
	kind("gzip", "\x1f\x8b\x08", 3, PROFILE_KIND_GZIP);
	kind("perf.data", "PERFILE2\0\0\0\0", 12, PROFILE_KIND_PERF_DATA);
	kind("ELF", "\x7f" "ELF\x02\x01\x01", 7, PROFILE_KIND_ELF);
	kind("cpu 64-bit", cpu64, sizeof(cpu64), PROFILE_KIND_LEGACY_CPU);
	kind("cpu 32-bit big-endian", cpu32be, sizeof(cpu32be), PROFILE_KIND_LEGACY_CPU);
	kind("proto", proto, sizeof(proto), PROFILE_KIND_PROTO);
	kind("proto with a group", group, sizeof(group), PROFILE_KIND_PROTO);
	kind("junk", junk, sizeof(junk), PROFILE_KIND_BINARY);
	t = "heap profile:    1:  8 [ 1: 8] @ heap_v2/524288\n";
	kind("heap", t, strlen(t), PROFILE_KIND_LEGACY_HEAP);
	t = "heap profile: 1: 8 [1: 8] @ growthz\n";
	kind("growth", t, strlen(t), PROFILE_KIND_LEGACY_HEAP);
	t = "--- contentionz 1 ---\ncycles/second = 3\n";
	kind("contention", t, strlen(t), PROFILE_KIND_LEGACY_CONTENTION);
	t = "--- mutex:\ncycles/second=3\n";
	kind("mutex", t, strlen(t), PROFILE_KIND_LEGACY_CONTENTION);
	t = "\n# comment\n--- threadz 1 ---\n";
	kind("threadz", t, strlen(t), PROFILE_KIND_LEGACY_THREAD);
	t = "threadcreate profile: total 7\n1 @ 0x1\n";
	kind("go count", t, strlen(t), PROFILE_KIND_LEGACY_COUNT);
	t = "--- heapz 1 ---\nformat = java\n";
	kind("java heap", t, strlen(t), PROFILE_KIND_LEGACY_JAVA);
	t = "main;work;hot 12\nmain 1\n";
	kind("folded", t, strlen(t), PROFILE_KIND_FOLDED);
	t = "start;operator new(unsigned long) 3\r\n";
	kind("folded with spaces and CRLF", t, strlen(t), PROFILE_KIND_FOLDED);
	t = "my comm 12/13 [001] 15346.952763:    2004008 cpu-clock:ppp: \n\t1266 hot+0x26 (/bin/x)\n";
	kind("perf script", t, strlen(t), PROFILE_KIND_PERF_SCRIPT);
	t = "   sh 23056 15200.649818:    1001001 cpu-clock:ppp:   b053 f (/bin/sh)\n"
	    "   sh 23056 15200.649819:    1001001 cpu-clock:ppp:   b054 f (/bin/sh)\n";
	kind("perf script without call graphs", t, strlen(t), PROFILE_KIND_PERF_SCRIPT);
	t = "hello, world\n";
	kind("text", t, strlen(t), PROFILE_KIND_TEXT);

	refused("empty", "", 0, "empty profile");
	refused("perf.data", "PERFILE2\0\0\0\0", 12, "perf script -i FILE | kiln report -");
	refused("ELF", "\x7f" "ELF\x02\x01\x01", 7, "an ELF binary, not a profile");
	refused("junk", junk, sizeof(junk), "not a profile: binary data");
	refused("text", "hello, world\n", 13, "it starts \"hello, world\"");
	refused("truncated proto", proto, 3, "at byte 0");
	refused("group wire type", group, sizeof(group), "corrupt profile at byte 0");
	t = "heap profile: 1: 8 [1: 8] @ heap_v2/1\nnot a sample\n";
	refused("malformed heap", t, strlen(t), "malformed heap sample on line 2");
	t = "main;work 12\nno count here\n";
	refused("folded without count", t, strlen(t), "line 2 has no count");
	t = "--- Thread 1 (name: a/1) stack: ---";
	refused("threadz cut off", t, strlen(t), "no legacy parser of pprof's recognises it");

	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures != 0;
}
