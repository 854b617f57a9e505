/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Basic types of the hypervisor: fixed-width integers, and distinct one-member
 * types for machine frames, guest frames and addresses so they cannot be
 * mixed by accident.
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define TYPE_SAFE(base, name)                                                  \
    typedef struct {                                                           \
        base name;                                                             \
    } name##_t;                                                                \
    static inline name##_t _##name(base n) { return (name##_t){n}; }           \
    static inline base name##_x(name##_t n) { return n.name; }

TYPE_SAFE(uint64_t, mfn) /* machine (host-physical) frame number */
TYPE_SAFE(uint64_t, gfn) /* guest-physical frame number */
TYPE_SAFE(uint64_t, hpa) /* host-physical address */
TYPE_SAFE(uint64_t, gpa) /* guest-physical address */

#define INVALID_MFN _mfn(~0ull)

static inline hpa_t mfn_to_hpa(mfn_t m) { return _hpa(mfn_x(m) << PAGE_SHIFT); }
static inline mfn_t hpa_to_mfn(hpa_t a) { return _mfn(hpa_x(a) >> PAGE_SHIFT); }
static inline bool mfn_eq(mfn_t a, mfn_t b) { return mfn_x(a) == mfn_x(b); }

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define __must_check __attribute__((warn_unused_result))
#define __noreturn __attribute__((noreturn))
#define __packed __attribute__((packed))
#define __aligned(n) __attribute__((aligned(n)))
#define __section(s) __attribute__((section(s)))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __unused __attribute__((unused))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)

/* a + b, or true if the sum overflows. */
#define add_overflow(a, b, res) __builtin_add_overflow(a, b, res)
#define mul_overflow(a, b, res) __builtin_mul_overflow(a, b, res)

#endif
