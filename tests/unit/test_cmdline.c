/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the command line parser (hv/common/cmdline.c): defaults,
 * every option, size suffixes and overflow, and the warnings for unknown
 * options and bad values, which must leave the previous value in force.
 */
#include "unit.h"

#include <hv/cmdline.h>
#include <public/errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_WARNINGS 8

static char warnings[MAX_WARNINGS][256];
static unsigned int nr_warnings;

static void record_warning(const char *msg)
{
    assert_true(nr_warnings < MAX_WARNINGS);
    assert_true(strlen(msg) < sizeof(warnings[0]));
    strcpy(warnings[nr_warnings++], msg);
}

/* Parse line over the defaults; returns the number of problems. */
static int parse(const char *line, struct hv_options *opt)
{
    int problems;

    cmdline_defaults(opt);
    nr_warnings = 0;
    problems = cmdline_parse(line, opt, record_warning);
    assert_int_equal(problems, nr_warnings);
    return problems;
}

static void assert_defaults(const struct hv_options *opt)
{
    assert_int_equal(opt->loglvl, 3);
    assert_int_equal(opt->dom0_mem, 64ull << 20);
    assert_int_equal(opt->domu_mem, 32ull << 20);
    assert_false(opt->poweroff);
}

static void test_defaults(void **state)
{
    struct hv_options opt;

    memset(&opt, 0xff, sizeof(opt));
    cmdline_defaults(&opt);
    assert_defaults(&opt);
}

static void test_empty_lines(void **state)
{
    static const char *const lines[] = {"", " ", "\t", "  \t  \t"};
    struct hv_options opt;

    for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
        assert_int_equal(parse(lines[i], &opt), 0);
        assert_defaults(&opt);
    }
    assert_int_equal(parse(NULL, &opt), 0);
    assert_defaults(&opt);
}

static void test_every_option(void **state)
{
    struct hv_options opt;

    assert_int_equal(parse("loglvl=4 dom0_mem=128M domu_mem=16m poweroff noreboot", &opt), 0);
    assert_int_equal(opt.loglvl, 4);
    assert_int_equal(opt.dom0_mem, 128ull << 20);
    assert_int_equal(opt.domu_mem, 16ull << 20);
    assert_true(opt.poweroff);

    assert_int_equal(parse("loglvl=0", &opt), 0);
    assert_int_equal(opt.loglvl, 0);
}

static void test_blanks_between_tokens(void **state)
{
    struct hv_options opt;

    assert_int_equal(parse("  loglvl=1\t\t dom0_mem=1G   \tpoweroff\t", &opt), 0);
    assert_int_equal(opt.loglvl, 1);
    assert_int_equal(opt.dom0_mem, 1ull << 30);
    assert_true(opt.poweroff);
}

static void test_last_value_wins(void **state)
{
    struct hv_options opt;

    assert_int_equal(parse("loglvl=1 loglvl=2 poweroff poweroff=off", &opt), 0);
    assert_int_equal(opt.loglvl, 2);
    assert_false(opt.poweroff);
}

static void test_sizes(void **state)
{
    static const struct {
        const char *text;
        uint64_t value;
    } good[] = {
        {"0", 0},
        {"4096", 4096},
        {"4k", 4096},
        {"4K", 4096},
        {"2m", 2ull << 20},
        {"3G", 3ull << 30},
        {"1t", 1ull << 40},
        {"0x1000", 0x1000},
        {"0X10M", 16ull << 20},
        {"18446744073709551615", UINT64_MAX},
        {"16777215T", 16777215ull << 40},
        {"0xfffffffffffffK", 0xfffffffffffffull << 10},
    };
    static const char *const bad[] = {"",   "M",  "12Q", "1MB", "1.5G", "-1", " 1",
                                      "1 ", "0x", "0xG", "k1",  "1kk",  "+5"};
    static const char *const huge[] = {"18446744073709551616", "16777216T", "0x40000000000000K",
                                       "99999999999999999999999", "0x1ffffffffffffffff"};
    uint64_t v;

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        v = 12345;
        assert_int_equal(cmdline_parse_size(good[i].text, &v), 0);
        assert_int_equal(v, good[i].value);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        v = 12345;
        if (cmdline_parse_size(bad[i], &v) != -HV_EINVAL)
            fail_msg("'%s' should be rejected", bad[i]);
        assert_int_equal(v, 12345);
    }
    for (size_t i = 0; i < ARRAY_SIZE(huge); i++) {
        v = 12345;
        if (cmdline_parse_size(huge[i], &v) != -HV_ERANGE)
            fail_msg("'%s' should be out of range", huge[i]);
        assert_int_equal(v, 12345);
    }
    assert_int_equal(cmdline_parse_size(NULL, &v), -HV_EINVAL);
}

static void test_bad_sizes_warn(void **state)
{
    struct hv_options opt;

    assert_int_equal(parse("dom0_mem=abc domu_mem=99999999T dom0_mem", &opt), 3);
    assert_string_equal(warnings[0], "dom0_mem: bad size 'abc'");
    assert_string_equal(warnings[1], "domu_mem: size too large '99999999T'");
    assert_string_equal(warnings[2], "dom0_mem: missing value");
    assert_int_equal(opt.dom0_mem, 64ull << 20);
    assert_int_equal(opt.domu_mem, 32ull << 20);
}

static void test_loglvl_range(void **state)
{
    struct hv_options opt;

    assert_int_equal(parse("loglvl=5 loglvl=x loglvl= loglvl 99999999999999999999999", &opt), 5);
    assert_string_equal(warnings[0], "loglvl: '5' is out of range 0..4");
    assert_string_equal(warnings[1], "loglvl: bad number 'x'");
    assert_string_equal(warnings[2], "loglvl: bad number ''");
    assert_string_equal(warnings[3], "loglvl: missing value");
    assert_string_equal(warnings[4], "unknown option '99999999999999999999999'");
    assert_int_equal(opt.loglvl, 3);

    assert_int_equal(parse("loglvl=99999999999999999999999 loglvl=-1", &opt), 2);
    assert_string_equal(warnings[0], "loglvl: '99999999999999999999999' is out of range 0..4");
    assert_string_equal(warnings[1], "loglvl: bad number '-1'");
    assert_int_equal(opt.loglvl, 3);
}

static void test_unknown_options(void **state)
{
    struct hv_options opt;

    assert_int_equal(parse("foo loglvl=2 bar=1 loglvlx=1 log=1 =3", &opt), 5);
    assert_string_equal(warnings[0], "unknown option 'foo'");
    assert_string_equal(warnings[1], "unknown option 'bar'");
    assert_string_equal(warnings[2], "unknown option 'loglvlx'");
    assert_string_equal(warnings[3], "unknown option 'log'");
    assert_string_equal(warnings[4], "unknown option ''");
    assert_int_equal(opt.loglvl, 2);
}

static void test_long_token_is_cut_in_warning(void **state)
{
    char line[600];
    struct hv_options opt;

    memset(line, 'a', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    assert_int_equal(parse(line, &opt), 1);
    assert_true(strncmp(warnings[0], "unknown option 'aaaa", 20) == 0);
}

static void test_flag_values(void **state)
{
    static const char *const yes[] = {"poweroff=1",    "poweroff=yes", "poweroff=on",
                                      "poweroff=true", "poweroff=YES", "poweroff=On"};
    static const char *const no[] = {"poweroff=0", "poweroff=no", "poweroff=off", "poweroff=false",
                                     "poweroff=FALSE"};
    struct hv_options opt;

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        assert_int_equal(parse(yes[i], &opt), 0);
        assert_true(opt.poweroff);
    }
    for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
        opt.poweroff = true;
        nr_warnings = 0;
        assert_int_equal(cmdline_parse(no[i], &opt, record_warning), 0);
        assert_false(opt.poweroff);
    }
    assert_int_equal(parse("poweroff=maybe noreboot=off noreboot=2 poweroff=", &opt), 3);
    assert_string_equal(warnings[0], "poweroff: bad boolean 'maybe'");
    assert_string_equal(warnings[1], "noreboot: bad boolean '2'");
    assert_string_equal(warnings[2], "poweroff: bad boolean ''");
    assert_false(opt.poweroff);
}

static void test_warn_may_be_null(void **state)
{
    struct hv_options opt;

    cmdline_defaults(&opt);
    assert_int_equal(cmdline_parse("foo loglvl=9 loglvl=1", &opt, NULL), 2);
    assert_int_equal(opt.loglvl, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),        cmocka_unit_test(test_empty_lines),
        cmocka_unit_test(test_every_option),    cmocka_unit_test(test_blanks_between_tokens),
        cmocka_unit_test(test_last_value_wins), cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_bad_sizes_warn),  cmocka_unit_test(test_loglvl_range),
        cmocka_unit_test(test_unknown_options), cmocka_unit_test(test_long_token_is_cut_in_warning),
        cmocka_unit_test(test_flag_values),     cmocka_unit_test(test_warn_may_be_null),
    };

    return RUN_TESTS(tests);
}
