/* libFuzzer target for what libkiln's /debug/pprof server reads from a
 * request (src/runtime/httparg.h, used by src/runtime/http.c): integer
 * query arguments (?seconds=N, ?debug=N) and the body of
 * POST /debug/pprof/symbol that pprof's remote symbolizer sends.
 *
 * The input is a query string up to the first NUL, then the POST body.
 * The query is split at '&' and '=' and each key and value is unescaped
 * with libmicrohttpd's own MHD_http_unescape(), as the server's
 * connection does before the handler looks a value up; values of the
 * keys the server reads go through rt_http_arg_value(). The body gets
 * rt_http_symbol_reply() with a stand-in for rt_symbolize_name() that
 * names some addresses (short and long names) and not others. Checked:
 * argument values are -1 or >= 0, and the reply is "num_symbols: 1" then
 * one "0xADDR name" line per named address, nothing else.
 * seeds/rthttp/ holds requests as go tool pprof sends them. */
#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/httparg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fake_symbolize(uintptr_t addr, struct kbuf *out, bool with_line)
{
	(void)with_line;
	if (addr % 3 == 0)
		return 0; /* no symbol there */
	if (addr % 3 == 1)
		kbuf_addf(out, "fn_%llx", (unsigned long long)addr);
	else
		for (int i = 0; i < 40; i++)
			kbuf_addstr(out, "std::__detail::_Map_base<long_name>::");
	return 1;
}

static void check_reply(const struct kbuf *b)
{
	static const char head[] = "num_symbols: 1\n";
	const char *p = b->buf + sizeof(head) - 1, *nl;

	if (b->len < sizeof(head) - 1 || memcmp(b->buf, head, sizeof(head) - 1) ||
	    strlen(b->buf) != b->len)
		abort();
	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			abort(); /* a line left half-written */
		/* %#llx writes 0 without the 0x prefix */
		if (strncmp(p, "0x", 2) && strncmp(p, "0 ", 2))
			abort();
		if (!memchr(p, ' ', (size_t)(nl - p)))
			abort();
	}
}

static void query_args(char *q)
{
	static const char *const keys[] = { "seconds", "debug", "gc" };
	char *save = NULL;

	for (char *kv = strtok_r(q, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		const char *value = NULL;

		if (eq) {
			*eq = '\0';
			MHD_http_unescape(eq + 1);
			value = eq + 1;
		}
		MHD_http_unescape(kv);
		for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
			long v;

			if (strcmp(kv, keys[i]) != 0)
				continue;
			v = rt_http_arg_value(value, 30);
			if (v < -1 || (!value && v != 30))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kbuf reply = KBUF_INIT;
	char *in, *body;
	size_t qlen;

	/* The server refuses bodies over 1 MiB (http.c, MAX_BODY). */
	if (size > (1u << 20))
		return 0;
	in = malloc(size + 2);
	if (!in)
		abort();
	memcpy(in, data, size);
	in[size] = in[size + 1] = '\0';
	qlen = strlen(in);
	body = in + qlen + 1;
	rt_http_symbol_reply(body, fake_symbolize, &reply);
	check_reply(&reply);
	query_args(in);
	kbuf_release(&reply);
	free(in);
	return 0;
}
