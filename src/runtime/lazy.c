/* The libraries libkiln.so loads only when it first needs them: zlib
 * (compressing a large profile), libdw and libelf (symbolizing), libm (exp
 * when scaling heap samples) and libmicrohttpd (serving /debug/pprof, with
 * GnuTLS and a dozen more behind it). A preloaded libkiln is loaded into
 * every process of a tree, most of which (each `true` of a shell loop)
 * never symbolize or serve: as link-time dependencies these libraries cost
 * more to map and relocate than such a process takes to run.
 *
 * Built in two ways. For libkiln.so (RT_LAZY=1) this file defines, hidden,
 * each function of those libraries that kiln's code calls, as a stub that
 * dlopen()s the library on first call and jumps to the real function: the
 * linker binds the calls to the stubs, and --as-needed then records none
 * of the libraries (tests/runtime/libkiln-needed.sh checks it; a function
 * newly called elsewhere needs a line here). For libkiln.a (RT_LAZY=0) it
 * only defines rt_lib_need(), the programs linking the real libraries.
 *
 * Stubs run in writer context only (never in a hook or a signal handler:
 * dlopen allocates and takes the loader's lock). Pointers are published
 * with release stores, so threads racing on a first call each find the
 * same function. */
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "rt.h"

#if RT_LAZY
#include <elfutils/libdw.h>
#include <gelf.h>
#include <libelf.h>
#include <math.h>
#include <microhttpd.h>
#include <zlib.h>

/* Debian 12's sonames (those the build linked against before). */
static const char *const lib_names[RT_LIB_N] = {
	[RT_LIB_Z] = "libz.so.1",
	[RT_LIB_M] = "libm.so.6",
	[RT_LIB_DW] = "libdw.so.1", /* with libelf.so.1, its dependency */
	[RT_LIB_HTTP] = "libmicrohttpd.so.12",
};
static _Atomic(void *) handles[RT_LIB_N];
static rt_lock load_lock;

static void *lib_handle(enum rt_lib lib, struct kerr *err)
{
	void *h = atomic_load_explicit(&handles[lib], memory_order_acquire);
	const char *why;

	if (h)
		return h;
	rt_enter(); /* dlopen's allocations are libkiln's */
	rt_lock_acquire(&load_lock);
	h = atomic_load_explicit(&handles[lib], memory_order_relaxed);
	if (!h) {
		/* Local: the host's own copy, if any, is reused, not replaced. */
		h = dlopen(lib_names[lib], RTLD_NOW | RTLD_LOCAL);
		if (h) {
			atomic_store_explicit(&handles[lib], h, memory_order_release);
		} else if (err) {
			why = dlerror();
			kerr_set(err, -ENOTSUP, "cannot load %s: %s", lib_names[lib],
				 why ? why : "not found");
		}
	}
	rt_lock_release(&load_lock);
	rt_leave();
	return h;
}

int rt_lib_need(enum rt_lib lib, struct kerr *err)
{
	return lib_handle(lib, err) ? 0 : -ENOTSUP;
}

/* The real function `name` of `lib`, remembered in *slot; NULL when the
 * library or the function is missing. */
static void *lazy_sym(enum rt_lib lib, const char *name, _Atomic(void *) *slot)
{
	void *h = lib_handle(lib, NULL), *f = h ? dlsym(h, name) : NULL;

	if (f)
		atomic_store_explicit(slot, f, memory_order_release);
	return f;
}

/* A stub for `ret name params`, calling it with `args`; `fail` is returned
 * when the library cannot be loaded (callers check rt_lib_need() first
 * where they can say why). */
#define FN(lib, fail, ret, name, params, args)                                 \
	ret name params                                                        \
	{                                                                      \
		static _Atomic(void *) lz_slot;                                \
		void *lz_v = atomic_load_explicit(&lz_slot, memory_order_acquire); \
		ret(*lz_f) params;                                             \
		if (!lz_v && !(lz_v = lazy_sym(lib, #name, &lz_slot)))         \
			return fail;                                           \
		memcpy(&lz_f, &lz_v, sizeof(lz_f));                            \
		return lz_f args;                                              \
	}
#define FN_VOID(lib, name, params, args)                                       \
	void name params                                                       \
	{                                                                      \
		static _Atomic(void *) lz_slot;                                \
		void *lz_v = atomic_load_explicit(&lz_slot, memory_order_acquire); \
		void(*lz_f) params;                                            \
		if (!lz_v && !(lz_v = lazy_sym(lib, #name, &lz_slot)))         \
			return;                                                \
		memcpy(&lz_f, &lz_v, sizeof(lz_f));                            \
		lz_f args;                                                     \
	}

/* zlib (profile/encode.c) */
#define Z RT_LIB_Z
FN(Z, Z_STREAM_ERROR, int, deflate, (z_streamp strm, int flush), (strm, flush))
FN(Z, 0, uLong, deflateBound, (z_streamp strm, uLong n), (strm, n))
FN(Z, 0, uLong, compressBound, (uLong n), (n))
FN(Z, Z_STREAM_ERROR, int, deflateEnd, (z_streamp strm), (strm))
FN(Z, Z_VERSION_ERROR, int, deflateInit2_,
   (z_streamp strm, int level, int method, int bits, int mem, int strategy,
    const char *version, int size),
   (strm, level, method, bits, mem, strategy, version, size))

/* libm (heap.c's scaling, at write time) */
FN(RT_LIB_M, __builtin_nan(""), double, exp, (double x), (x))

/* libelf and libdw (symbols/) */
#define D RT_LIB_DW
FN(D, NULL, Elf *, elf_begin, (int fd, Elf_Cmd cmd, Elf *ref), (fd, cmd, ref))
FN(D, -1, int, elf_cntl, (Elf *elf, Elf_Cmd cmd), (elf, cmd))
FN(D, 0, int, elf_end, (Elf *elf), (elf))
FN(D, "libelf is not loaded", const char *, elf_errmsg, (int error), (error))
FN(D, NULL, Elf_Data *, elf_getdata, (Elf_Scn *scn, Elf_Data *data), (scn, data))
FN(D, NULL, Elf_Data *, elf_getdata_rawchunk, (Elf *elf, int64_t off, size_t size, Elf_Type type),
   (elf, off, size, type))
FN(D, NULL, char *, elf_getident, (Elf *elf, size_t *n), (elf, n))
FN(D, -1, int, elf_getphdrnum, (Elf *elf, size_t *dst), (elf, dst))
FN(D, NULL, Elf_Scn *, elf_getscn, (Elf *elf, size_t index), (elf, index))
FN(D, -1, int, elf_getshdrnum, (Elf *elf, size_t *dst), (elf, dst))
FN(D, -1, int, elf_getshdrstrndx, (Elf *elf, size_t *dst), (elf, dst))
FN(D, ELF_K_NONE, Elf_Kind, elf_kind, (Elf *elf), (elf))
FN(D, NULL, Elf *, elf_memory, (char *image, size_t size), (image, size))
FN(D, NULL, Elf_Scn *, elf_nextscn, (Elf *elf, Elf_Scn *scn), (elf, scn))
FN(D, NULL, char *, elf_rawfile, (Elf *elf, size_t *n), (elf, n))
FN(D, NULL, char *, elf_strptr, (Elf *elf, size_t index, size_t off), (elf, index, off))
FN(D, EV_NONE, unsigned int, elf_version, (unsigned int version), (version))
FN(D, 0, size_t, gelf_fsize, (Elf *elf, Elf_Type type, size_t count, unsigned int version),
   (elf, type, count, version))
FN(D, NULL, GElf_Ehdr *, gelf_getehdr, (Elf *elf, GElf_Ehdr *dst), (elf, dst))
FN(D, 0, size_t, gelf_getnote,
   (Elf_Data *data, size_t off, GElf_Nhdr *res, size_t *name_off, size_t *desc_off),
   (data, off, res, name_off, desc_off))
FN(D, NULL, GElf_Phdr *, gelf_getphdr, (Elf *elf, int ndx, GElf_Phdr *dst), (elf, ndx, dst))
FN(D, NULL, GElf_Shdr *, gelf_getshdr, (Elf_Scn *scn, GElf_Shdr *dst), (scn, dst))
FN(D, NULL, GElf_Sym *, gelf_getsym, (Elf_Data *data, int ndx, GElf_Sym *dst), (data, ndx, dst))
FN(D, NULL, Dwarf_Attribute *, dwarf_attr, (Dwarf_Die *die, unsigned int name, Dwarf_Attribute *res),
   (die, name, res))
FN(D, NULL, Dwarf_Attribute *, dwarf_attr_integrate,
   (Dwarf_Die *die, unsigned int name, Dwarf_Attribute *res), (die, name, res))
FN(D, NULL, Dwarf *, dwarf_begin_elf, (Elf *elf, Dwarf_Cmd cmd, Elf_Scn *grp), (elf, cmd, grp))
FN(D, -1, int, dwarf_child, (Dwarf_Die *die, Dwarf_Die *res), (die, res))
FN(D, -1, int, dwarf_cu_info,
   (Dwarf_CU *cu, Dwarf_Half *version, uint8_t *unit_type, Dwarf_Die *cudie, Dwarf_Die *subdie,
    uint64_t *unit_id, uint8_t *address_size, uint8_t *offset_size),
   (cu, version, unit_type, cudie, subdie, unit_id, address_size, offset_size))
FN(D, -1, int, dwarf_decl_line, (Dwarf_Die *die, int *line), (die, line))
FN(D, (Dwarf_Off)-1, Dwarf_Off, dwarf_dieoffset, (Dwarf_Die *die), (die))
FN(D, -1, int, dwarf_end, (Dwarf *dwarf), (dwarf))
FN(D, NULL, const char *, dwarf_filesrc,
   (Dwarf_Files *file, size_t idx, Dwarf_Word *mtime, Dwarf_Word *length),
   (file, idx, mtime, length))
FN(D, NULL, Dwarf_Die *, dwarf_formref_die, (Dwarf_Attribute *attr, Dwarf_Die *mem), (attr, mem))
FN(D, NULL, const char *, dwarf_formstring, (Dwarf_Attribute *attr), (attr))
FN(D, -1, int, dwarf_formudata, (Dwarf_Attribute *attr, Dwarf_Word *v), (attr, v))
FN(D, -1, int, dwarf_get_units,
   (Dwarf *dwarf, Dwarf_CU *cu, Dwarf_CU **next, Dwarf_Half *version, uint8_t *unit_type,
    Dwarf_Die *cudie, Dwarf_Die *subdie),
   (dwarf, cu, next, version, unit_type, cudie, subdie))
FN(D, NULL, Dwarf_Line *, dwarf_getsrc_die, (Dwarf_Die *cudie, Dwarf_Addr addr), (cudie, addr))
FN(D, -1, int, dwarf_getsrcfiles, (Dwarf_Die *cudie, Dwarf_Files **files, size_t *n),
   (cudie, files, n))
FN(D, -1, int, dwarf_haspc, (Dwarf_Die *die, Dwarf_Addr pc), (die, pc))
/* libdw's CFI (unwind/, for KILN_CALL_GRAPH=dwarf) */
FN(D, -1, int, dwarf_cfi_addrframe, (Dwarf_CFI *cache, Dwarf_Addr address, Dwarf_Frame **frame),
   (cache, address, frame))
FN(D, -1, int, dwarf_cfi_end, (Dwarf_CFI *cache), (cache))
FN(D, -1, int, dwarf_frame_cfa, (Dwarf_Frame *frame, Dwarf_Op **ops, size_t *nops),
   (frame, ops, nops))
FN(D, -1, int, dwarf_frame_info, (Dwarf_Frame *frame, Dwarf_Addr *start, Dwarf_Addr *end,
				    bool *signalp), (frame, start, end, signalp))
FN(D, -1, int, dwarf_frame_register, (Dwarf_Frame *frame, int regno, Dwarf_Op ops_mem[3],
					Dwarf_Op **ops, size_t *nops), (frame, regno, ops_mem, ops, nops))
FN(D, NULL, Dwarf_CFI *, dwarf_getcfi, (Dwarf *dwarf), (dwarf))
FN(D, NULL, Dwarf_CFI *, dwarf_getcfi_elf, (Elf *elf), (elf))
FN(D, -1, int, dwarf_next_cfi,
   (const unsigned char e_ident[], Elf_Data *data, bool eh_frame_p, Dwarf_Off offset,
    Dwarf_Off *next_offset, Dwarf_CFI_Entry *entry),
   (e_ident, data, eh_frame_p, offset, next_offset, entry))
FN(D, -1, int, dwarf_linecol, (Dwarf_Line *line, int *col), (line, col))
FN(D, -1, int, dwarf_lineno, (Dwarf_Line *line, int *lineno), (line, lineno))
FN(D, NULL, const char *, dwarf_linesrc, (Dwarf_Line *line, Dwarf_Word *mtime, Dwarf_Word *length),
   (line, mtime, length))
FN(D, NULL, Dwarf_Die *, dwarf_offdie, (Dwarf *dbg, Dwarf_Off off, Dwarf_Die *res), (dbg, off, res))
FN(D, -1, ptrdiff_t, dwarf_ranges,
   (Dwarf_Die *die, ptrdiff_t off, Dwarf_Addr *basep, Dwarf_Addr *startp, Dwarf_Addr *endp),
   (die, off, basep, startp, endp))
FN(D, -1, int, dwarf_siblingof, (Dwarf_Die *die, Dwarf_Die *res), (die, res))
FN(D, -1, int, dwarf_tag, (Dwarf_Die *die), (die))

/* libmicrohttpd (http.c) */
#define H RT_LIB_HTTP
FN(H, MHD_NO, enum MHD_Result, MHD_add_response_header,
   (struct MHD_Response *r, const char *header, const char *content), (r, header, content))
FN(H, NULL, struct MHD_Response *, MHD_create_response_from_buffer,
   (size_t size, void *buffer, enum MHD_ResponseMemoryMode mode), (size, buffer, mode))
FN_VOID(H, MHD_destroy_response, (struct MHD_Response *r), (r))
FN(H, NULL, const char *, MHD_lookup_connection_value,
   (struct MHD_Connection *c, enum MHD_ValueKind kind, const char *key), (c, kind, key))
FN(H, MHD_NO, enum MHD_Result, MHD_queue_response,
   (struct MHD_Connection *c, unsigned int status, struct MHD_Response *r), (c, status, r))
FN(H, NULL, struct MHD_Daemon *, MHD_start_daemon_va,
   (unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc, void *apc_cls,
    MHD_AccessHandlerCallback dh, void *dh_cls, va_list ap),
   (flags, port, apc, apc_cls, dh, dh_cls, ap))
FN_VOID(H, MHD_stop_daemon, (struct MHD_Daemon *d), (d))

/* Variadic: forwarded through the va_list form. */
struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port,
				    MHD_AcceptPolicyCallback apc, void *apc_cls,
				    MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	struct MHD_Daemon *d;
	va_list ap;

	va_start(ap, dh_cls);
	d = MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

#else /* libkiln.a: the program links the libraries themselves */

int rt_lib_need(enum rt_lib lib, struct kerr *err)
{
	return 0;
}

#endif
