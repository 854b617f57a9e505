/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the VT-x back end's pure parts (hv/arch/x86/vmx/): every
 * VMCS field encoding against the width and type its name claims, the
 * decode helpers, control words from capability MSRs ((wanted | allowed-0)
 * & allowed-1, and required bits that cannot be set), the VMX_BASIC and
 * EPT/VPID verdicts on the values Bochs' Skylake-X model reports, the CR0
 * and CR4 fixed bits, the EPT entry format and the diagnostic names.
 */
#include "unit.h"

#include <hv/arch.h>
#include <public/start_info.h>
#include <string.h>

#include "caps.h"
#include "vmcs.h"

/* Measured under Bochs 2.7, cpu model corei7_skylake_x (PLATFORM.md). */
#define BOCHS_VMX_BASIC 0x00d810000000002bull
#define BOCHS_EPT_VPID_CAP 0xf0106334141ull
#define BOCHS_CR0_FIXED0 0x80000021ull
#define BOCHS_CR4_FIXED0 0x2000ull
#define BOCHS_CR4_FIXED1 0x3727ffull

struct field {
    const char *name;
    uint32_t encoding;
    unsigned int width, type;
};

static const struct field fields[] = {
#define FIELD_ENTRY(name, encoding, width, type) {#name, encoding, width, type},
    VMCS_FIELDS(FIELD_ENTRY)
#undef FIELD_ENTRY
};

static void test_field_table(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        const struct field *f = &fields[i];

        if (!vmcs_field_valid(f->encoding) || vmcs_field_width(f->encoding) != f->width ||
            vmcs_field_type(f->encoding) != f->type || vmcs_field_is_high(f->encoding))
            fail_msg("VMCS field %s (%#x) does not decode as declared", f->name, f->encoding);
        assert_int_equal(f->encoding,
                         VMCS_ENCODE(f->width, f->type, vmcs_field_index(f->encoding)));
        for (size_t j = 0; j < i; j++)
            if (fields[j].encoding == f->encoding)
                fail_msg("%s and %s share encoding %#x", fields[j].name, f->name, f->encoding);
    }
}

static void test_field_decode(void **state)
{
    assert_int_equal(vmcs_field_width(VMCS_HOST_RIP), VMCS_WNAT);
    assert_int_equal(vmcs_field_type(VMCS_HOST_RIP), VMCS_HOST);
    assert_int_equal(vmcs_field_index(VMCS_HOST_RIP), 11);
    assert_int_equal(vmcs_field_width(VMCS_GUEST_TR_SELECTOR), VMCS_W16);
    assert_int_equal(vmcs_field_type(VMCS_GUEST_TR_SELECTOR), VMCS_GUEST);
    assert_int_equal(vmcs_field_index(VMCS_GUEST_TR_SELECTOR), 7);
    assert_int_equal(vmcs_field_type(VMCS_EXIT_REASON), VMCS_EXIT_INFO);
    assert_int_equal(vmcs_field_width(VMCS_EXIT_REASON), VMCS_W32);
    assert_int_equal(vmcs_field_type(VMCS_EPT_POINTER), VMCS_CONTROL);
    assert_int_equal(vmcs_field_width(VMCS_EPT_POINTER), VMCS_W64);
    /* The high half of a 64-bit field is an access of its own. */
    assert_true(vmcs_field_valid(VMCS_GUEST_IA32_EFER | 1));
    assert_true(vmcs_field_is_high(VMCS_GUEST_IA32_EFER | 1));
    /* No high half for other widths; reserved bits 12 and 15 and up. */
    assert_false(vmcs_field_valid(VMCS_EXIT_REASON | 1));
    assert_false(vmcs_field_valid(VMCS_GUEST_RIP | 1));
    assert_false(vmcs_field_valid(0x1000));
    assert_false(vmcs_field_valid(0x8000));
    assert_false(vmcs_field_valid(0x10000));
    assert_int_equal(VMCS_HOST_RSP, VMCS_HOST_RSP_ENCODING);
}

/* The segment fields keep one stride, which vmcs.c's set_segment relies on. */
static void test_segment_strides(void **state)
{
    static const uint32_t selectors[] = {
        VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_SS_SELECTOR,
        VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_GS_SELECTOR,
        VMCS_GUEST_LDTR_SELECTOR, VMCS_GUEST_TR_SELECTOR,
    };
    static const uint32_t limits[] = {
        VMCS_GUEST_ES_LIMIT, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_DS_LIMIT,
        VMCS_GUEST_FS_LIMIT, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_LDTR_LIMIT, VMCS_GUEST_TR_LIMIT,
    };
    static const uint32_t access[] = {
        VMCS_GUEST_ES_ACCESS, VMCS_GUEST_CS_ACCESS, VMCS_GUEST_SS_ACCESS,
        VMCS_GUEST_DS_ACCESS, VMCS_GUEST_FS_ACCESS, VMCS_GUEST_GS_ACCESS,
        VMCS_GUEST_LDTR_ACCESS, VMCS_GUEST_TR_ACCESS,
    };
    static const uint32_t bases[] = {
        VMCS_GUEST_ES_BASE, VMCS_GUEST_CS_BASE, VMCS_GUEST_SS_BASE, VMCS_GUEST_DS_BASE,
        VMCS_GUEST_FS_BASE, VMCS_GUEST_GS_BASE, VMCS_GUEST_LDTR_BASE, VMCS_GUEST_TR_BASE,
    };

    for (size_t i = 0; i < ARRAY_SIZE(selectors); i++) {
        uint32_t offset = selectors[i] - VMCS_GUEST_ES_SELECTOR;

        assert_int_equal(offset, 2 * i);
        assert_int_equal(limits[i], VMCS_GUEST_ES_LIMIT + offset);
        assert_int_equal(access[i], VMCS_GUEST_ES_ACCESS + offset);
        assert_int_equal(bases[i], VMCS_GUEST_ES_BASE + offset);
    }
}

static uint64_t cap(uint32_t allowed0, uint32_t allowed1)
{
    return ((uint64_t)allowed1 << 32) | allowed0;
}

static void test_control_compute(void **state)
{
    uint32_t missing, forced, value;

    /* Wanted bits the CPU allows are set; the ones it does not are dropped. */
    value = vmx_control_compute(cap(0, 0x0f), 0x13, 0, &missing, &forced);
    assert_int_equal(value, 0x03);
    assert_int_equal(missing, 0);
    assert_int_equal(forced, 0);

    /* Allowed-0 bits are set whether wanted or not, and reported. */
    value = vmx_control_compute(cap(0x16, 0xff), 0x01, 0, &missing, &forced);
    assert_int_equal(value, 0x17);
    assert_int_equal(forced, 0x16);
    assert_int_equal(missing, 0);

    /* A required bit that allowed-1 forbids is missing; the rest is set. */
    value = vmx_control_compute(cap(0, 0x0f), 0x01, 0x30, &missing, &forced);
    assert_int_equal(value, 0x01);
    assert_int_equal(missing, 0x30);

    /* Required bits count as wanted. */
    value = vmx_control_compute(cap(0, ~0u), 0, 0x80000002u, &missing, &forced);
    assert_int_equal(value, 0x80000002u);
    assert_int_equal(missing, 0);
    assert_int_equal(forced, 0);

    /* A contradictory MSR (must be 1, may not be 1) can never be met. */
    vmx_control_compute(cap(0x100, 0xff), 0, 0, &missing, &forced);
    assert_int_equal(missing, 0x100);
}

static void test_control_names(void **state)
{
    assert_string_equal(vmx_control_name(VMX_PROC2, 1), "enable EPT");
    assert_string_equal(vmx_control_name(VMX_PROC2, 5), "enable VPID");
    assert_string_equal(vmx_control_name(VMX_PIN, 0), "external-interrupt exiting");
    assert_string_equal(vmx_control_name(VMX_PROC, 7), "HLT exiting");
    assert_string_equal(vmx_control_name(VMX_EXIT, 21), "load IA32_EFER");
    assert_string_equal(vmx_control_name(VMX_ENTRY, 9), "IA-32e mode guest");
    assert_string_equal(vmx_control_name(VMX_PIN, 30), "reserved control");
    assert_string_equal(vmx_control_name(VMX_PIN, 32), "unknown control");
    assert_string_equal(vmx_control_name((enum vmx_control_set)9, 0), "unknown control");
    /* Every control the back end requires has a name. */
    assert_string_not_equal(vmx_control_name(VMX_PROC, 28), "reserved control");
    assert_string_not_equal(vmx_control_name(VMX_PROC, 25), "reserved control");
    assert_string_not_equal(vmx_control_name(VMX_ENTRY, 14), "reserved control");
}

static void test_basic(void **state)
{
    assert_null(vmx_basic_problem(BOCHS_VMX_BASIC));
    assert_int_equal(VMX_BASIC_REVISION(BOCHS_VMX_BASIC), 0x2b);
    assert_int_equal(VMX_BASIC_REGION_SIZE(BOCHS_VMX_BASIC), 0x1000);
    assert_true(BOCHS_VMX_BASIC & VMX_BASIC_TRUE_CONTROLS);
    /* A region larger than a page, 32-bit addresses, uncached VMCS. */
    assert_non_null(vmx_basic_problem((BOCHS_VMX_BASIC & ~(0x1fffull << 32)) | (0x1001ull << 32)));
    assert_non_null(vmx_basic_problem(BOCHS_VMX_BASIC & ~(0x1fffull << 32)));
    assert_non_null(vmx_basic_problem(BOCHS_VMX_BASIC | VMX_BASIC_32BIT_ADDRESSES));
    assert_non_null(vmx_basic_problem(BOCHS_VMX_BASIC & ~(0xfull << 50)));
}

static void test_ept_caps(void **state)
{
    static const uint64_t needed[] = {EPT_CAP_WALK_4, EPT_CAP_WB, EPT_CAP_2M, EPT_CAP_INVEPT};

    assert_null(vmx_ept_problem(BOCHS_EPT_VPID_CAP));
    for (size_t i = 0; i < ARRAY_SIZE(needed); i++)
        assert_non_null(vmx_ept_problem(BOCHS_EPT_VPID_CAP & ~needed[i]));
    /* INVEPT needs one usable type; single-context is preferred. */
    assert_non_null(
        vmx_ept_problem(BOCHS_EPT_VPID_CAP & ~(EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL)));
    assert_null(vmx_ept_problem(BOCHS_EPT_VPID_CAP & ~EPT_CAP_INVEPT_SINGLE));
    assert_int_equal(vmx_invept_type(BOCHS_EPT_VPID_CAP), INVEPT_SINGLE_CONTEXT);
    assert_int_equal(vmx_invept_type(BOCHS_EPT_VPID_CAP & ~EPT_CAP_INVEPT_SINGLE),
                     INVEPT_ALL_CONTEXT);

    /* VPIDs are optional: only with INVVPID and a usable type. */
    assert_true(vmx_vpid_usable(BOCHS_EPT_VPID_CAP));
    assert_int_equal(vmx_invvpid_type(BOCHS_EPT_VPID_CAP), INVVPID_SINGLE_CONTEXT);
    assert_int_equal(vmx_invvpid_type(BOCHS_EPT_VPID_CAP & ~VPID_CAP_INVVPID_SINGLE),
                     INVVPID_ALL_CONTEXT);
    assert_false(vmx_vpid_usable(BOCHS_EPT_VPID_CAP & ~VPID_CAP_INVVPID));
    assert_false(vmx_vpid_usable(BOCHS_EPT_VPID_CAP &
                                 ~(VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL)));
    assert_false(vmx_vpid_usable(0));
}

static void test_fixed_bits(void **state)
{
    uint64_t cr4 = HV_GUEST_CR4 | (1ull << 13);

    /* The guest's CR0 already has what VMX fixes to 1. */
    assert_int_equal(vmx_fixed_apply(HV_GUEST_CR0, BOCHS_CR0_FIXED0, 0xffffffffull),
                     HV_GUEST_CR0);
    /* CR4 needs VMXE, and the guest's bits are all allowed. */
    assert_int_equal(vmx_fixed_apply(HV_GUEST_CR4, BOCHS_CR4_FIXED0, BOCHS_CR4_FIXED1), cr4);
    assert_int_equal(vmx_fixed_apply(cr4, BOCHS_CR4_FIXED0, BOCHS_CR4_FIXED1), cr4);
    /* A bit outside fixed-1 is cleared: the probe compares to catch that. */
    assert_int_equal(vmx_fixed_apply(cr4 | (1ull << 23), BOCHS_CR4_FIXED0, BOCHS_CR4_FIXED1),
                     cr4);
}

static void test_ept_entries(void **state)
{
    uint64_t e = vmx_ept_leaf(_mfn(0x1234), P2M_RWX, false);

    assert_int_equal(e, 0x1234000ull | EPT_R | EPT_W | EPT_X | (6u << 3));
    assert_true(vmx_ept_present(e));
    assert_int_equal(vmx_ept_perms(e), P2M_RWX);
    assert_int_equal((e & EPT_ADDR_MASK) >> 12, 0x1234);

    /* 2 MiB leaves carry the large bit where p2m.c looks for it. */
    e = vmx_ept_leaf(_mfn(0x200), P2M_R | P2M_X, true);
    assert_true(e & EPT_LARGE);
    assert_int_equal(EPT_LARGE, 1ull << 7);
    assert_int_equal(vmx_ept_perms(e), P2M_R | P2M_X);

    /* Read-only (a read-only grant): readable, neither writable nor executable. */
    e = vmx_ept_leaf(_mfn(7), P2M_R, false);
    assert_int_equal(vmx_ept_perms(e), P2M_R);
    assert_false(e & (EPT_W | EPT_X));
    /* Write without read would be a misconfiguration: read comes along. */
    assert_int_equal(vmx_ept_perms(vmx_ept_leaf(_mfn(7), P2M_W, false)), P2M_R | P2M_W);

    /* Tables grant everything and have no memory type. */
    e = vmx_ept_table(_mfn(0x42));
    assert_int_equal(e, 0x42000ull | EPT_R | EPT_W | EPT_X);
    assert_true(vmx_ept_present(e));
    assert_false(vmx_ept_present(0));
    assert_false(vmx_ept_present(0x42000ull | (6u << 3)));

    /* EPT pointer: write-back, 4-level walk, no accessed/dirty flags. */
    assert_int_equal(vmx_ept_pointer(_mfn(0x99)), 0x99000ull | (3u << 3) | 6u);
}

static void test_names(void **state)
{
    assert_string_equal(vmx_exit_reason_name(EXIT_REASON_EPT_VIOLATION), "EPT violation");
    assert_string_equal(vmx_exit_reason_name(EXIT_REASON_VMCALL), "VMCALL");
    assert_string_equal(vmx_exit_reason_name(EXIT_REASON_INVALID_GUEST_STATE),
                        "VM entry with invalid guest state");
    assert_string_equal(vmx_exit_reason_name(35), "unknown exit");
    assert_string_equal(vmx_exit_reason_name(1000), "unknown exit");
    assert_string_equal(vmx_instruction_error_name(7), "VM entry with invalid control fields");
    assert_string_equal(vmx_instruction_error_name(8),
                        "VM entry with invalid host-state fields");
    assert_string_equal(vmx_instruction_error_name(0), "unknown VM-instruction error");
    assert_string_equal(vmx_instruction_error_name(14), "unknown VM-instruction error");
    assert_string_equal(vmx_instruction_error_name(99), "unknown VM-instruction error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_table),     cmocka_unit_test(test_field_decode),
        cmocka_unit_test(test_segment_strides), cmocka_unit_test(test_control_compute),
        cmocka_unit_test(test_control_names),   cmocka_unit_test(test_basic),
        cmocka_unit_test(test_ept_caps),        cmocka_unit_test(test_fixed_bits),
        cmocka_unit_test(test_ept_entries),     cmocka_unit_test(test_names),
    };

    return RUN_TESTS(tests);
}
