/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's command line parser. Options are described by one table
 * (name, kind of value, field of struct hv_options), so adding an option is
 * one line. The command line is never modified: tokens are handled as
 * (pointer, length) pairs, which lets it live in read-only boot memory.
 */
#include <hv/cmdline.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <string.h>

enum option_kind {
    OPTION_FLAG,     /* bool; bare name means true */
    OPTION_UNSIGNED, /* unsigned int within [min, max] */
    OPTION_SIZE,     /* uint64_t number of bytes with an optional suffix */
};

struct option {
    const char *name;
    enum option_kind kind;
    size_t offset; /* of the field in struct hv_options, or NO_FIELD */
    unsigned int min, max;
};

/* For a flag that is accepted and checked but has no effect (flags only). */
#define NO_FIELD ((size_t)-1)

#define FIELD(f) offsetof(struct hv_options, f)

static const struct option options[] = {
    {"loglvl", OPTION_UNSIGNED, FIELD(loglvl), 0, 4},
    {"dom0_mem", OPTION_SIZE, FIELD(dom0_mem), 0, 0},
    {"domu_mem", OPTION_SIZE, FIELD(domu_mem), 0, 0},
    {"poweroff", OPTION_FLAG, FIELD(poweroff), 0, 0},
    {"maxcpus", OPTION_UNSIGNED, FIELD(maxcpus), 1, 16},
#define BOOT_DOMAIN_OPTIONS(n)                                                                     \
    {"dom" #n "_vcpus", OPTION_UNSIGNED, FIELD(dom_vcpus[n]), 1, 32},                             \
    {"dom" #n "_weight", OPTION_UNSIGNED, FIELD(dom_weight[n]), 1, 65535},
    BOOT_DOMAIN_OPTIONS(0) BOOT_DOMAIN_OPTIONS(1) BOOT_DOMAIN_OPTIONS(2) BOOT_DOMAIN_OPTIONS(3)
    BOOT_DOMAIN_OPTIONS(4) BOOT_DOMAIN_OPTIONS(5) BOOT_DOMAIN_OPTIONS(6) BOOT_DOMAIN_OPTIONS(7)
#undef BOOT_DOMAIN_OPTIONS
    {"dom1_mem", OPTION_SIZE, FIELD(dom_mem[1]), 0, 0},
    {"dom2_mem", OPTION_SIZE, FIELD(dom_mem[2]), 0, 0},
    {"dom3_mem", OPTION_SIZE, FIELD(dom_mem[3]), 0, 0},
    {"dom4_mem", OPTION_SIZE, FIELD(dom_mem[4]), 0, 0},
    {"dom5_mem", OPTION_SIZE, FIELD(dom_mem[5]), 0, 0},
    {"dom6_mem", OPTION_SIZE, FIELD(dom_mem[6]), 0, 0},
    {"dom7_mem", OPTION_SIZE, FIELD(dom_mem[7]), 0, 0},
    {"noreboot", OPTION_FLAG, NO_FIELD, 0, 0},
};

/* Longest piece of user text quoted back in a warning. */
#define QUOTE_MAX 64

void cmdline_defaults(struct hv_options *opt)
{
    *opt = (struct hv_options){
        .loglvl = 3,
        .dom0_mem = 64ull << 20,
        .domu_mem = 32ull << 20,
        .poweroff = false,
        .maxcpus = 16,
    };
}

static int digit_value(char c, unsigned int base)
{
    unsigned int v;

    if (c >= '0' && c <= '9')
        v = (unsigned int)(c - '0');
    else if (c >= 'a' && c <= 'f')
        v = (unsigned int)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
        v = (unsigned int)(c - 'A' + 10);
    else
        return -1;
    return v < base ? (int)v : -1;
}

/*
 * Parse a decimal or 0x-prefixed hexadecimal number at the start of
 * s[0, len). Sets *used to the number of characters consumed.
 */
static int parse_number(const char *s, size_t len, uint64_t *out, size_t *used)
{
    unsigned int base = 10;
    size_t i = 0, start;
    uint64_t v = 0;
    int d;

    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    start = i;
    for (; i < len && (d = digit_value(s[i], base)) >= 0; i++)
        if (mul_overflow(v, (uint64_t)base, &v) || add_overflow(v, (uint64_t)d, &v))
            return -HV_ERANGE;
    if (i == start)
        return -HV_EINVAL;
    *out = v;
    *used = i;
    return 0;
}

static int parse_unsigned(const char *s, size_t len, uint64_t *out)
{
    size_t used;
    int rc = parse_number(s, len, out, &used);

    if (rc)
        return rc;
    return used == len ? 0 : -HV_EINVAL;
}

static int parse_size(const char *s, size_t len, uint64_t *out)
{
    unsigned int shift = 0;
    uint64_t v;
    size_t used;
    int rc;

    rc = parse_number(s, len, &v, &used);
    if (rc)
        return rc;
    if (used + 1 == len) {
        /* K, M, G, T in either case: each step is a factor of 1024. */
        static const char suffixes[] = "kmgt";
        char c = s[used];
        const char *suffix;

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        suffix = c ? strchr(suffixes, c) : NULL;
        if (!suffix)
            return -HV_EINVAL;
        shift = 10 * (unsigned int)(suffix - suffixes + 1);
    } else if (used != len) {
        return -HV_EINVAL;
    }
    if (v > (UINT64_MAX >> shift))
        return -HV_ERANGE;
    *out = v << shift;
    return 0;
}

int cmdline_parse_size(const char *s, uint64_t *out)
{
    if (!s || !out)
        return -HV_EINVAL;
    return parse_size(s, strlen(s), out);
}

static bool word_is(const char *s, size_t len, const char *word)
{
    if (strlen(word) != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != word[i])
            return false;
    }
    return true;
}

static int parse_bool(const char *s, size_t len, bool *out)
{
    static const char *const yes[] = {"1", "yes", "on", "true"};
    static const char *const no[] = {"0", "no", "off", "false"};

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (word_is(s, len, yes[i])) {
            *out = true;
            return 0;
        }
        if (word_is(s, len, no[i])) {
            *out = false;
            return 0;
        }
    }
    return -HV_EINVAL;
}

static const struct option *find_option(const char *name, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(options); i++)
        if (strlen(options[i].name) == len && !strncmp(options[i].name, name, len))
            return &options[i];
    return NULL;
}

static int quote_len(size_t len)
{
    return (int)MIN(len, (size_t)QUOTE_MAX);
}

/*
 * Apply one option whose value is val[0, len) (val is NULL for a bare
 * name). Writes a warning into msg and returns an error when the value is
 * bad; the option then keeps its previous value.
 */
static int apply_option(const struct option *o, struct hv_options *opt, const char *val, size_t len,
                        char *msg, size_t msg_size)
{
    void *field = o->offset == NO_FIELD ? NULL : (char *)opt + o->offset;
    uint64_t v;
    bool flag;
    int rc;

    if (o->kind == OPTION_FLAG) {
        flag = true;
        if (val && parse_bool(val, len, &flag)) {
            snprintf(msg, msg_size, "%s: bad boolean '%.*s'", o->name, quote_len(len), val);
            return -HV_EINVAL;
        }
        if (field)
            *(bool *)field = flag;
        return 0;
    }

    if (!val) {
        snprintf(msg, msg_size, "%s: missing value", o->name);
        return -HV_EINVAL;
    }
    if (o->kind == OPTION_SIZE) {
        rc = parse_size(val, len, &v);
        if (rc) {
            snprintf(msg, msg_size, "%s: %s '%.*s'", o->name,
                     rc == -HV_ERANGE ? "size too large" : "bad size", quote_len(len), val);
            return rc;
        }
        *(uint64_t *)field = v;
        return 0;
    }

    rc = parse_unsigned(val, len, &v);
    if (rc == 0 && (v < o->min || v > o->max))
        rc = -HV_ERANGE;
    if (rc) {
        if (rc == -HV_ERANGE)
            snprintf(msg, msg_size, "%s: '%.*s' is out of range %u..%u", o->name, quote_len(len),
                     val, o->min, o->max);
        else
            snprintf(msg, msg_size, "%s: bad number '%.*s'", o->name, quote_len(len), val);
        return rc;
    }
    *(unsigned int *)field = (unsigned int)v;
    return 0;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int cmdline_parse(const char *cmdline, struct hv_options *opt, void (*warn)(const char *msg))
{
    const char *p = cmdline;
    int problems = 0;

    if (!p)
        return 0;

    while (*p) {
        const char *token, *eq, *val = NULL;
        size_t len, name_len, val_len = 0;
        const struct option *o;
        char msg[160];

        while (is_blank(*p))
            p++;
        if (!*p)
            break;
        token = p;
        while (*p && !is_blank(*p))
            p++;
        len = (size_t)(p - token);

        eq = memchr(token, '=', len);
        name_len = eq ? (size_t)(eq - token) : len;
        if (eq) {
            val = eq + 1;
            val_len = len - name_len - 1;
        }

        o = find_option(token, name_len);
        if (!o)
            snprintf(msg, sizeof(msg), "unknown option '%.*s'", quote_len(name_len), token);
        else if (apply_option(o, opt, val, val_len, msg, sizeof(msg)) == 0)
            continue;

        problems++;
        if (warn)
            warn(msg);
    }
    return problems;
}
