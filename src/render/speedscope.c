/* speedscope's JSON file format from the merged call tree: frames are the
 * node-table entries that appear (name, file, line), and each tree node
 * with self value becomes one weighted sample whose stack lists frame
 * indices root first. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../base/alloc.h"
#include "../base/vec.h"
#include "escape.h"
#include "render.h"

#define NONE UINT32_MAX

/* speedscope knows a few units; everything else is "none". */
static const char *ss_unit(const char *u)
{
	static const char *const map[][2] = {
		{ "nanoseconds", "nanoseconds" }, { "nanosecond", "nanoseconds" }, { "ns", "nanoseconds" },
		{ "microseconds", "microseconds" }, { "us", "microseconds" },
		{ "milliseconds", "milliseconds" }, { "ms", "milliseconds" },
		{ "seconds", "seconds" }, { "s", "seconds" },
		{ "bytes", "bytes" }, { "byte", "bytes" }, { "B", "bytes" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(u, map[i][0]))
			return map[i][1];
	return "none";
}

void render_speedscope(const struct ftree *t, const char *name, struct kbuf *out)
{
	const struct rtable *rt = &t->v->t;
	uint32_t *frame_of = xmalloc((rt->n + 1) * sizeof(uint32_t));
	uint32_t nframes = 0;
	VEC(uint32_t) path = VEC_INIT;
	struct kbuf weights = KBUF_INIT;
	bool first = true;

	memset(frame_of, 0xff, (rt->n + 1) * sizeof(uint32_t));
	kbuf_addstr(out, "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\","
			 "\"shared\":{\"frames\":[");
	for (size_t i = 1; i < t->count; i++) {
		uint32_t id = t->n[i].name;
		const struct rinfo *ri = &rt->info[id];

		if (frame_of[id] != NONE)
			continue;
		frame_of[id] = nframes;
		kbuf_addstr(out, nframes ? ",{\"name\":" : "{\"name\":");
		esc_json_str(out, ftree_name(t, (uint32_t)i));
		if (ri->file && rtable_str(rt, ri->file)[0]) {
			kbuf_addstr(out, ",\"file\":");
			esc_json_str(out, rtable_str(rt, ri->file));
		}
		if (ri->lineno > 0)
			kbuf_addf(out, ",\"line\":%" PRId64, ri->lineno);
		kbuf_addch(out, '}');
		nframes++;
	}
	kbuf_addstr(out, "]},\"profiles\":[{\"type\":\"sampled\",\"name\":");
	esc_json_str(out, name && name[0] ? name : t->v->prep.sample_type);
	kbuf_addf(out, ",\"unit\":\"%s\",\"startValue\":0,\"endValue\":%" PRId64 ",\"samples\":[",
		  ss_unit(t->v->prep.sample_unit), t->n[0].value > 0 ? t->n[0].value : 0);
	for (size_t i = 1; i < t->count; i++) {
		if (t->n[i].self <= 0)
			continue;
		path.n = 0;
		for (uint32_t c = (uint32_t)i; c != 0 && c != NONE; c = t->n[c].parent)
			vec_push(&path, c);
		kbuf_addstr(out, first ? "[" : ",[");
		for (size_t k = path.n; k-- > 0;)
			kbuf_addf(out, "%" PRIu32 "%s", frame_of[t->n[path.v[k]].name], k ? "," : "");
		kbuf_addch(out, ']');
		kbuf_addf(&weights, "%s%" PRId64, first ? "" : ",", t->n[i].self);
		first = false;
	}
	kbuf_addstr(out, "],\"weights\":[");
	kbuf_add(out, weights.buf, weights.len);
	kbuf_addstr(out, "]}],\"name\":");
	esc_json_str(out, name && name[0] ? name : t->v->prep.sample_type);
	kbuf_addstr(out, ",\"activeProfileIndex\":0,\"exporter\":\"kiln " KILN_VERSION "\"}\n");
	vec_free(&path);
	kbuf_release(&weights);
	free(frame_of);
}
