/* Declarations shared by the files of the events module only: the static
 * tables of perf's named events, sysfs PMU access and tracefs access. Other
 * modules use events.h. */
#ifndef KILN_EVENTS_INTERNAL_H
#define KILN_EVENTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/buf.h"
#include "events.h"

/* ---- tables.c: hardware, software, tool and cache events ------------- */

struct sym_event {
	const char *name;   /* perf's canonical spelling */
	const char *alias;  /* second spelling or NULL */
	uint32_t type;      /* PERF_TYPE_HARDWARE or PERF_TYPE_SOFTWARE */
	uint64_t config;
};

extern const struct sym_event events_hw_table[];
extern const size_t events_hw_count;
extern const struct sym_event events_sw_table[];
extern const size_t events_sw_count;

/* Tool events computed by kiln itself; index = enum kevent_tool - 1. */
extern const char *const events_tool_names[];
extern const size_t events_tool_count;

/* Finds a symbolic hardware/software event by name or alias (exact,
 * case-sensitive as perf's lexer). */
const struct sym_event *events_find_symbol(const char *name, size_t len);
/* Finds a tool event; KEVENT_TOOL_NONE when `name` is none. */
enum kevent_tool events_find_tool(const char *name, size_t len);

#define CACHE_TYPES 7   /* PERF_COUNT_HW_CACHE_MAX */
#define CACHE_OPS 3     /* PERF_COUNT_HW_CACHE_OP_MAX */
#define CACHE_RESULTS 2 /* PERF_COUNT_HW_CACHE_RESULT_MAX */

/* Spellings of cache types, ops and results; [x][0] is canonical. */
extern const char *const events_cache_type_names[CACHE_TYPES][6];
extern const char *const events_cache_op_names[CACHE_OPS][5];
extern const char *const events_cache_result_names[CACHE_RESULTS][5];
/* Which ops a cache type can count (perf's table). */
bool events_cache_op_valid(unsigned type, unsigned op);
/* Parses "L1-dcache-load-misses" and its alias spellings. Returns 1 and
 * sets *config, 0 when the text is not a cache event name, or -EINVAL with
 * err when it is one but names an impossible op ("L1-icache-stores"). */
int events_parse_cache(const char *name, size_t len, uint64_t *config, struct kerr *err);
/* perf's name for a cache config: "L1-dcache-loads", "LLC-load-misses". */
void events_cache_name(uint64_t config, struct kbuf *out);

/* ---- pmu.c: PMUs under <sysfs>/bus/event_source/devices ------------- */

/* One format field: which attr word and which bits, low bits first. */
struct pmu_format {
	char *name;
	int word;          /* 0 config, 1 config1, 2 config2, 3 config3 */
	uint64_t mask;     /* bits of that word, filled in ascending order */
};

struct pmu_alias {
	char *name;
	char *terms;       /* "event=0x3c,umask=0x1" as in sysfs, trimmed */
	char *unit;        /* from <name>.unit, or NULL */
	double scale;      /* from <name>.scale, or 1 */
};

struct pmu {
	char *name;
	uint32_t type;
	struct pmu_format *formats;
	size_t nformats;
	struct pmu_alias *aliases;  /* sorted by name */
	size_t naliases;
};

/* Reads one PMU. -ENOENT when it does not exist, other -errno with err. */
int pmu_load(const char *sysfs_root, const char *name, size_t len, struct pmu *out,
	     struct kerr *err);
void pmu_release(struct pmu *p);
/* Names of every PMU, sorted (caller frees each and the array). */
int pmu_names(const char *sysfs_root, char ***names, size_t *n, struct kerr *err);
void pmu_names_free(char **names, size_t n);
const struct pmu_format *pmu_find_format(const struct pmu *p, const char *name, size_t len);
const struct pmu_alias *pmu_find_alias(const struct pmu *p, const char *name, size_t len);
/* Parses a format file's text ("config1:0-3,8"). */
int pmu_parse_format(const char *text, struct pmu_format *f);
/* Places value v into the field's bits (clearing them first). -ERANGE
 * when v has more significant bits than the field. */
int pmu_format_apply(const struct pmu_format *f, uint64_t v, struct perf_event_attr *attr);
/* Number of bits in a field, for messages. */
int pmu_format_bits(const struct pmu_format *f);

/* ---- tracefs.c ------------------------------------------------------ */

/* True when events/<sys> is a folder under `root`. */
bool tracefs_has_system(const char *root, const char *sys);
/* Reads events/<sys>/<name>/id under `root`. -ENOENT when absent. */
int tracefs_event_id(const char *root, const char *sys, const char *name, uint64_t *id);
/* Appends "sys:name" for every tracepoint whose subsystem and name match
 * the globs (fnmatch), sorted. */
struct tp_name {
	char *sys, *name;
	uint64_t id;
};
int tracefs_glob(const char *root, const char *sys_glob, const char *name_glob,
		 struct tp_name **out, size_t *n, struct kerr *err);
void tracefs_names_free(struct tp_name *v, size_t n);

/* ---- open.c ---------------------------------------------------------- */

/* kernel.perf_event_paranoid (2, the strictest default, if unreadable). */
int events_paranoid_level(void);

/* Default roots, used when events_env leaves them NULL. */
#define EVENTS_SYSFS_DEFAULT "/sys"

#endif
