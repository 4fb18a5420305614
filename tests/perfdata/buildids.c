/* Prints the build ids a perf.data names (perfdata_buildids(), the
 * export for kiln buildid-list) as perf buildid-list does: "ID PATH" a
 * line. usage: buildids FILE */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "perfdata/perfdata.h"

int main(int argc, char **argv)
{
	struct kbuf b = KBUF_INIT;
	struct kerr err = KERR_INIT;
	struct perfdata_buildid *ids;
	size_t n;
	int ret;

	if (argc != 2)
		return 2;
	if ((ret = kbuf_read_file(&b, argv[1], 0)) < 0) {
		fprintf(stderr, "buildids: %s: %s\n", argv[1], strerror(-ret));
		return 1;
	}
	if (perfdata_buildids(b.buf, b.len, &ids, &n, &err) < 0) {
		fprintf(stderr, "buildids: %s\n", err.msg);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s %s\n", ids[i].build_id, ids[i].filename);
	perfdata_buildids_free(ids, n);
	kbuf_release(&b);
	return 0;
}
