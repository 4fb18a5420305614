/* Go's text/tabwriter for the few pprof reports printed through it (-tags):
 * tab-terminated cells of consecutive lines form aligned columns; the text
 * after a line's last tab is not aligned. Only the configuration pprof uses
 * is offered: minwidth 0, padding with spaces, optional right alignment. */
#ifndef KILN_REPORT_TABWRITER_H
#define KILN_REPORT_TABWRITER_H

#include <stdbool.h>

#include "../base/buf.h"

/* Formats `text` (lines ending in '\n') into out. */
void tabwriter_format(const char *text, int padding, bool align_right, struct kbuf *out);

#endif
