/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of exo's pure checks (toolstack/exo/state.c): where the state
 * folder is for each combination of the environment, which host names and
 * domain references are accepted, and the number parser behind --memory
 * and --cpus.
 */
#include "unit.h"

#include <string.h>

#include "state.h"

static char buf[256];

static void test_state_dir_order(void **state)
{
    /* EXO_STATE_DIR wins over everything. */
    assert_int_equal(state_dir_resolve("/s", "/x", "/h", "/c", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/s");
    /* Then XDG_STATE_HOME, then HOME. */
    assert_int_equal(state_dir_resolve(NULL, "/x", "/h", "/c", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/x/exovisor");
    assert_int_equal(state_dir_resolve(NULL, NULL, "/h", "/c", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/h/.local/state/exovisor");
    /* Empty means unset. */
    assert_int_equal(state_dir_resolve("", "", "/h", "/c", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/h/.local/state/exovisor");
}

static void test_state_dir_relative(void **state)
{
    /* A relative EXO_STATE_DIR is taken from the current folder. */
    assert_int_equal(state_dir_resolve("st", NULL, "/h", "/work", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/work/st");
    assert_int_equal(state_dir_resolve("st", NULL, "/h", NULL, buf, sizeof(buf)), -1);
    /* A relative XDG_STATE_HOME is ignored, as the XDG rules say. */
    assert_int_equal(state_dir_resolve(NULL, "rel", "/h", "/c", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/h/.local/state/exovisor");
    /* Nothing usable at all. */
    assert_int_equal(state_dir_resolve(NULL, NULL, NULL, "/c", buf, sizeof(buf)), -1);
    assert_int_equal(state_dir_resolve(NULL, "rel", "also-rel", "/c", buf, sizeof(buf)), -1);
}

static void test_state_dir_too_long(void **state)
{
    char small[12];

    assert_int_equal(state_dir_resolve(NULL, NULL, "/home/user", "/", small, sizeof(small)), -1);
    assert_int_equal(state_dir_resolve("/0123456789", NULL, NULL, "/", small, sizeof(small)), 0);
    assert_int_equal(state_dir_resolve("/01234567890", NULL, NULL, "/", small, sizeof(small)), -1);
}

static void test_host_names(void **state)
{
    assert_true(host_name_valid("default"));
    assert_true(host_name_valid("a"));
    assert_true(host_name_valid("src-1.test_B"));
    assert_true(host_name_valid("0123456789012345678901234567890"));   /* 31 */
    assert_false(host_name_valid("01234567890123456789012345678901")); /* 32 */
    assert_false(host_name_valid(""));
    assert_false(host_name_valid("."));
    assert_false(host_name_valid(".."));
    assert_false(host_name_valid(".hidden"));
    assert_false(host_name_valid("-H"));
    assert_false(host_name_valid("a/b"));
    assert_false(host_name_valid("../x"));
    assert_false(host_name_valid("a b"));
    assert_false(host_name_valid("caf\xc3\xa9"));
}

static void test_domain_refs(void **state)
{
    unsigned long id = 99;

    assert_int_equal(domain_ref_parse("0", &id), 1);
    assert_int_equal(id, 0);
    assert_int_equal(domain_ref_parse("32767", &id), 1);
    assert_int_equal(id, 32767);
    assert_int_equal(domain_ref_parse("32768", &id), -1);
    assert_int_equal(domain_ref_parse("007", &id), -1); /* no leading zeros */
    assert_int_equal(domain_ref_parse("99999999999999999999999", &id), -1);
    assert_int_equal(domain_ref_parse("web", &id), 0);
    assert_int_equal(domain_ref_parse("web-2.a_b", &id), 0);
    assert_int_equal(domain_ref_parse("1web", &id), 0); /* not all digits: a name */
    assert_int_equal(domain_ref_parse("x123456789012345678901234567890", &id), 0);
    assert_int_equal(domain_ref_parse("x1234567890123456789012345678901", &id), -1);
    assert_int_equal(domain_ref_parse("", &id), -1);
    assert_int_equal(domain_ref_parse("-web", &id), -1);
    assert_int_equal(domain_ref_parse("no such!", &id), -1);
}

static void test_numbers(void **state)
{
    unsigned long v = 7;

    assert_int_equal(parse_number("128", 128, 65536, &v), 0);
    assert_int_equal(v, 128);
    assert_int_equal(parse_number("65536", 128, 65536, &v), 0);
    assert_int_equal(v, 65536);
    v = 7;
    assert_int_equal(parse_number("127", 128, 65536, &v), -1);
    assert_int_equal(parse_number("65537", 128, 65536, &v), -1);
    assert_int_equal(parse_number("", 0, 10, &v), -1);
    assert_int_equal(parse_number("-1", 0, 10, &v), -1);
    assert_int_equal(parse_number("+1", 0, 10, &v), -1);
    assert_int_equal(parse_number(" 1", 0, 10, &v), -1);
    assert_int_equal(parse_number("1M", 0, 10, &v), -1);
    assert_int_equal(parse_number("99999999999999999999999", 0, (unsigned long)-1, &v), -1);
    assert_int_equal(v, 7); /* untouched by failures */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_dir_order),    cmocka_unit_test(test_state_dir_relative),
        cmocka_unit_test(test_state_dir_too_long), cmocka_unit_test(test_host_names),
        cmocka_unit_test(test_domain_refs),        cmocka_unit_test(test_numbers),
    };

    return RUN_TESTS(tests);
}
