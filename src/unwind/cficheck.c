/* A bound on the register numbers a file's CFI names, checked once per
 * CFI section before libdw runs any of it: libdw grows a frame's register
 * array to the largest number an instruction names, so one DW_CFA_offset_
 * extended of register 68,000,000 in a hostile (or broken) binary costs a
 * 1.6 GB allocation per lookup (fuzz-unwind found it). No architecture
 * numbers its DWARF registers past a few hundred.
 *
 * The walk follows DWARF's CFI layout (DWARF 5 §6.4, LSB's .eh_frame):
 * each CIE's augmentation gives the pointer encoding of its FDEs'
 * addresses, which must be skipped to reach an FDE's instructions. What
 * the walk cannot follow (an unknown augmentation without 'z', an unknown
 * opcode) ends that entry's scan: libdw stops at the same places. */
#include "cficheck.h"

#include <dwarf.h>
#include <gelf.h>
#include <string.h>

#include "../base/hashmap.h"

#define MAX_REGNO 256

struct rd {
	const uint8_t *p, *end;
	bool bad; /* ran past the end */
};

static uint64_t uleb(struct rd *r)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (r->p < r->end) {
		uint8_t b = *r->p++;
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			return v;
	}
	r->bad = true;
	return v;
}

static void skip(struct rd *r, uint64_t n)
{
	if (n > (uint64_t)(r->end - r->p)) {
		r->p = r->end;
		r->bad = true;
	} else {
		r->p += n;
	}
}

/* Bytes of a value in pointer encoding `enc`; 0 for the LEB128 forms, -1
 * for an unknown one. */
static int enc_size(uint8_t enc, int addr_size)
{
	switch (enc & 0x0f) {
	case DW_EH_PE_absptr: return addr_size;
	case DW_EH_PE_udata2: case DW_EH_PE_sdata2: return 2;
	case DW_EH_PE_udata4: case DW_EH_PE_sdata4: return 4;
	case DW_EH_PE_udata8: case DW_EH_PE_sdata8: return 8;
	case DW_EH_PE_uleb128: case DW_EH_PE_sleb128: return 0;
	default: return -1;
	}
}

static bool skip_encoded(struct rd *r, uint8_t enc, int addr_size)
{
	int n = enc_size(enc, addr_size);

	if (n < 0)
		return false;
	if (n == 0)
		uleb(r); /* the signed form skips alike */
	else
		skip(r, (uint64_t)n);
	return !r->bad;
}

/* False when an instruction names a register past MAX_REGNO. */
static bool insns_bounded(const uint8_t *p, const uint8_t *end, uint8_t fde_enc, int addr_size,
			  bool eh)
{
	struct rd r = { p, end, false };

	while (r.p < r.end && !r.bad) {
		uint8_t op = *r.p++;
		uint64_t reg = 0;

		switch (op & 0xc0) {
		case DW_CFA_advance_loc: continue;
		case DW_CFA_offset: uleb(&r); continue;
		case DW_CFA_restore: continue;
		}
		switch (op) {
		case DW_CFA_nop: case DW_CFA_remember_state: case DW_CFA_restore_state:
			break;
		case DW_CFA_set_loc:
			if (!skip_encoded(&r, eh ? fde_enc : DW_EH_PE_absptr, addr_size))
				return true;
			break;
		case DW_CFA_advance_loc1: skip(&r, 1); break;
		case DW_CFA_advance_loc2: skip(&r, 2); break;
		case DW_CFA_advance_loc4: skip(&r, 4); break;
		case DW_CFA_def_cfa_offset: case DW_CFA_def_cfa_offset_sf: case DW_CFA_GNU_args_size:
			uleb(&r);
			break;
		case DW_CFA_def_cfa_expression:
			skip(&r, uleb(&r));
			break;
		case DW_CFA_restore_extended: case DW_CFA_undefined: case DW_CFA_same_value:
		case DW_CFA_def_cfa_register:
			reg = uleb(&r);
			break;
		case DW_CFA_offset_extended: case DW_CFA_def_cfa: case DW_CFA_offset_extended_sf:
		case DW_CFA_def_cfa_sf: case DW_CFA_val_offset: case DW_CFA_val_offset_sf:
		case DW_CFA_GNU_negative_offset_extended:
			reg = uleb(&r);
			uleb(&r);
			break;
		case DW_CFA_register: {
			uint64_t r2;
			reg = uleb(&r);
			r2 = uleb(&r);
			if (r2 > reg)
				reg = r2;
			break;
		}
		case DW_CFA_expression: case DW_CFA_val_expression:
			reg = uleb(&r);
			skip(&r, uleb(&r));
			break;
		default:
			return true; /* libdw refuses it, and stops there too */
		}
		if (reg > MAX_REGNO)
			return false;
	}
	return true;
}

struct cie_info {
	uint8_t fde_enc;
	bool has_z, known; /* known: its FDEs' instructions can be found */
};

/* The FDE encoding and 'z' of a CIE, from its augmentation. */
static struct cie_info cie_info(const Dwarf_CIE *c)
{
	struct cie_info ci = { DW_EH_PE_absptr, false, true };
	struct rd r = { c->augmentation_data, c->augmentation_data + c->augmentation_data_size,
			false };
	const char *a = c->augmentation;

	if (!a || !*a)
		return ci;
	if (*a != 'z') {
		ci.known = false; /* where its FDEs' data ends is not known */
		return ci;
	}
	ci.has_z = true;
	for (a++; *a; a++) {
		switch (*a) {
		case 'L': skip(&r, 1); break;
		case 'R': ci.fde_enc = r.p < r.end ? *r.p++ : DW_EH_PE_absptr; break;
		case 'P': {
			uint8_t enc = r.p < r.end ? *r.p++ : 0;
			skip_encoded(&r, enc, 8);
			break;
		}
		case 'S': case 'B': break;
		default: return ci; /* 'z' gave the length: the rest is skipped */
		}
	}
	return ci;
}

bool cfi_regs_bounded(Elf *elf, const char *section)
{
	GElf_Ehdr eh;
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	Elf_Data *data = NULL;
	struct u64map cies = U64MAP_INIT; /* CIE offset → index in infos */
	struct cie_info infos[64];
	size_t n_infos = 0;
	bool eh_frame = strcmp(section, ".eh_frame") == 0, ok = true;
	int addr_size;
	const unsigned char *ident;

	if (!gelf_getehdr(elf, &eh) || elf_getshdrstrndx(elf, &shstrndx) < 0 ||
	    !(ident = (const unsigned char *)elf_getident(elf, NULL)))
		return true; /* nothing libdw could read either */
	addr_size = eh.e_ident[EI_CLASS] == ELFCLASS32 ? 4 : 8;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		if (gelf_getshdr(scn, &sh) && sh.sh_type != SHT_NOBITS &&
		    (name = elf_strptr(elf, shstrndx, sh.sh_name)) && strcmp(name, section) == 0) {
			data = elf_getdata(scn, NULL);
			break;
		}
	}
	if (!data || !data->d_buf)
		return true;
	for (Dwarf_Off off = 0, next; ok; off = next) {
		Dwarf_CFI_Entry e;
		uint64_t ix;

		int rc;

		next = (Dwarf_Off)-1;
		rc = dwarf_next_cfi(ident, data, eh_frame, off, &next, &e);
		if (rc == 1 || next == (Dwarf_Off)-1 || next <= off)
			break; /* the end, or what libdw cannot read past */
		if (rc != 0)
			continue; /* an entry libdw skips too */
		if (dwarf_cfi_cie_p(&e)) {
			struct cie_info ci = cie_info(&e.cie);
			ok = e.cie.return_address_register <= MAX_REGNO &&
			     insns_bounded(e.cie.initial_instructions, e.cie.initial_instructions_end,
					   ci.fde_enc, addr_size, eh_frame);
			if (n_infos < sizeof(infos) / sizeof(infos[0])) {
				infos[n_infos] = ci;
				u64map_put(&cies, off, n_infos++);
			}
			continue;
		}
		/* An FDE: past its address and range (and augmentation) to its
		 * instructions; a CIE beyond the table's room is looked up no
		 * further (real files have a handful). */
		if (!u64map_get(&cies, e.fde.CIE_pointer, &ix) || !infos[ix].known)
			continue;
		struct rd r = { e.fde.start, e.fde.end, false };
		uint8_t enc = eh_frame ? infos[ix].fde_enc : DW_EH_PE_absptr;
		if (!skip_encoded(&r, enc, addr_size) || !skip_encoded(&r, enc & 0x0f, addr_size))
			continue;
		if (infos[ix].has_z)
			skip(&r, uleb(&r));
		if (!r.bad)
			ok = insns_bounded(r.p, r.end, enc, addr_size, eh_frame);
	}
	u64map_release(&cies);
	return ok;
}
