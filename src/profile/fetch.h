/* A source of profiles beside the decoders: fetching them over HTTP(S)
 * with libcurl, as `go tool pprof` fetches
 * http://host:port/debug/pprof/... from Go programs and libkiln alike.
 *
 * URLs: http://, https://, and pprof's https+insecure:// (TLS without
 * certificate checks). A `seconds` > 0 sets the URL's seconds= query
 * parameter (replacing one already there), as pprof's -seconds does; the
 * request's timeout is that duration (or the URL's own seconds=) plus 60 s.
 * Responses are capped at FETCH_MAX_BYTES. */
#ifndef KILN_PROFILE_FETCH_H
#define KILN_PROFILE_FETCH_H

#include "../base/buf.h"
#include "../base/err.h"
#include "decode.h"
#include "profile.h"

#define FETCH_MAX_BYTES ((size_t)512 << 20)

/* Appends the response body of a 200 reply to `out`. Returns 0, or
 * -EINVAL (bad URL), -ETIMEDOUT, -ECONNREFUSED, -EFBIG (over the cap),
 * -EPROTO (a non-200 status: the message carries the server's text, as Go
 * servers explain their errors in a text/plain body), -EIO otherwise; err
 * names the URL and the cause. `out` may hold a partial body on error. */
int fetch_url(const char *url, int seconds, struct kbuf *out, struct kerr *err);

/* POSTs `len` bytes of `body` to url, appending the 200 reply's body to
 * `out`. The same returns as fetch_url(). */
int fetch_post(const char *url, const char *body, size_t len, struct kbuf *out, struct kerr *err);

/* fetch_url, then decodes the body as profile.proto (gzip or raw) with
 * `opts` (may be NULL). *out is the caller's (profile_free()); NULL on
 * error. */
int fetch_profile(const char *url, int seconds, const struct profile_decode_opts *opts,
		  struct profile **out, struct kerr *err);

#endif
