/* Path handling the way pprof's reports do it (Go's path/filepath on Unix,
 * report/source.go's trimPath), so file names in reports compare equal. All
 * results are appended to a caller's buffer. */
#ifndef KILN_REPORT_PATHS_H
#define KILN_REPORT_PATHS_H

#include "../base/buf.h"

/* filepath.Clean: lexical "." / ".." / "//" elimination; "" gives ".". */
void path_clean(struct kbuf *out, const char *path);
/* filepath.Base: last element; "" gives ".", all slashes give "/". */
void path_base(struct kbuf *out, const char *path);
/* pprof's trimPath(path, trim_path, search_path): strip the first matching
 * ':'-separated trim prefix (plus /proc/self/cwd/ forms); with no trim path,
 * strip up to "/<basename of a search dir>/". NULLs mean "". */
void path_trim(struct kbuf *out, const char *path, const char *trim_path,
	       const char *search_path);

#endif
