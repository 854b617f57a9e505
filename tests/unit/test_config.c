/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of exo's configuration-file parser (toolstack/exo/config.c):
 * files are written into a fresh temporary folder with a kernel image
 * beside them, then loaded as `exo create` loads them. Good files must
 * give exactly the values written (or xl's defaults); each kind of bad
 * input must give its one-line "FILE:LINE: message" and leave the
 * caller's struct as it was.
 */
#define _GNU_SOURCE
#include "unit.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <public/errno.h>

#include "config.h"

/* Two lines every file starts with, so that errors after them are on line 3. */
#define HEAD "name = 'web'\nkernel = 'web.elf'\n"

static char dir[PATH_MAX];
static char cfg_path[PATH_MAX + 16];
static char err[CONFIG_MESSAGE_MAX];
static char warnings[8][CONFIG_MESSAGE_MAX];
static unsigned int nr_warnings;
static struct config *c;

static void record_warning(const char *msg, void *arg)
{
    assert_ptr_equal(arg, &nr_warnings);
    assert_true(nr_warnings < 8);
    snprintf(warnings[nr_warnings++], sizeof(warnings[0]), "%s", msg);
}

static void write_file(const char *name, const char *text, size_t len)
{
    char path[PATH_MAX + 64];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int setup(void **state)
{
    snprintf(dir, sizeof(dir), "%s/exo-config.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    snprintf(cfg_path, sizeof(cfg_path), "%s/web.cfg", dir);
    write_file("web.elf", "\177ELF", 4);
    c = malloc(sizeof(*c));
    return c ? 0 : -1;
}

static int teardown(void **state)
{
    free(c);
    return nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

static int load_args(const char *text, int argc, char **argv)
{
    write_file("web.cfg", text, strlen(text));
    nr_warnings = 0;
    err[0] = '\0';
    return config_load(c, cfg_path, argc, argv, record_warning, &nr_warnings, err, sizeof(err));
}

static int load(const char *text)
{
    return load_args(text, 0, NULL);
}

/* The struct is filled with a pattern first: a failure must leave it. */
static void expect_failure(const char *text, int argc, char **argv, int want_rc, const char *want)
{
    static struct config before;
    char full[CONFIG_MESSAGE_MAX + PATH_MAX];

    memset(c, 0xa5, sizeof(*c));
    memcpy(&before, c, sizeof(before));
    assert_int_equal(load_args(text, argc, argv), want_rc);
    if (want[0] == '<')
        snprintf(full, sizeof(full), "%s", want);
    else
        snprintf(full, sizeof(full), "%s%s", cfg_path, want);
    assert_string_equal(err, full);
    assert_memory_equal(c, &before, sizeof(before));
}

/* want is what follows the file's path: ":3: memory: ..." */
static void expect_error(const char *text, const char *want)
{
    expect_failure(text, 0, NULL, -HV_EINVAL, want);
}

static void expect_ok(const char *text)
{
    int rc = load(text);

    if (rc)
        fail_msg("unexpected error: %s", err);
}

static char *tmp_path(const char *name)
{
    static char buf[4][PATH_MAX + 64];
    static unsigned int next;
    char *p = buf[next++ % 4];

    snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
    return p;
}

static void test_minimal_file_gets_xl_defaults(void **state)
{
    expect_ok(HEAD);
    assert_string_equal(c->name, "web");
    assert_string_equal(c->kernel, tmp_path("web.elf"));
    assert_string_equal(c->cmdline, "");
    assert_int_equal(c->memory, 32);
    assert_int_equal(c->maxmem, 32);
    assert_int_equal(c->vcpus, 1);
    assert_int_equal(c->on_poweroff, CONFIG_DESTROY);
    assert_int_equal(c->on_reboot, CONFIG_RESTART);
    assert_int_equal(c->on_crash, CONFIG_DESTROY);
    assert_int_equal(c->nr_vifs, 0);
    assert_int_equal(c->nr_disks, 0);
    assert_string_equal(c->memory_origin, cfg_path);
    assert_int_equal(nr_warnings, 0);
}

static void test_full_file(void **state)
{
    expect_ok("# a web server\n"
              "name = \"web-1.a_b\"   # trailing comment\n"
              "kernel='web.elf'; memory = 128 ; maxmem = 0x100\n"
              "\n"
              "vcpus = 4\r\n"
              "cmdline = \"port=80 msg=\\\"hi\\\" path=C:\\\\x it's\"\n"
              "on_poweroff = 'preserve'\non_reboot = 'destroy'\non_crash = 'restart'\n"
              "vif = [ 'mac=00:16:3e:01:02:03, ip=10.0.0.2/24, bridge=br0,model=netfront,"
              "vifname=web0',\n"
              "        # a second interface, every default\n"
              "        '',\n"
              "      ]\n"
              "disk = [ 'site.tar,raw,xvda,r' ]\n");
    assert_string_equal(c->name, "web-1.a_b");
    assert_int_equal(c->memory, 128);
    assert_int_equal(c->maxmem, 256);
    assert_int_equal(c->vcpus, 4);
    assert_string_equal(c->cmdline, "port=80 msg=\"hi\" path=C:\\x it's");
    assert_int_equal(c->on_poweroff, CONFIG_PRESERVE);
    assert_int_equal(c->on_reboot, CONFIG_DESTROY);
    assert_int_equal(c->on_crash, CONFIG_RESTART);
    assert_string_equal(config_action_name(c->on_crash), "restart");
    assert_int_equal(c->nr_vifs, 2);
    assert_true(c->vif[0].has_mac);
    assert_memory_equal(c->vif[0].mac, ((uint8_t[]){0x00, 0x16, 0x3e, 1, 2, 3}), 6);
    assert_true(c->vif[0].has_ip);
    assert_memory_equal(c->vif[0].ip, ((uint8_t[]){10, 0, 0, 2}), 4);
    assert_int_equal(c->vif[0].prefix, 24);
    assert_string_equal(c->vif[0].bridge, "br0");
    assert_string_equal(c->vif[0].model, "netfront");
    assert_string_equal(c->vif[0].vifname, "web0");
    assert_false(c->vif[1].has_mac);
    assert_false(c->vif[1].has_ip);
    assert_string_equal(c->vif[1].bridge, "");
    assert_int_equal(c->nr_disks, 1);
    assert_int_equal(nr_warnings, 0);
    {
        char where[PATH_MAX + 32];

        snprintf(where, sizeof(where), "%s:3", cfg_path);
        assert_string_equal(c->memory_origin, where);
    }
}

static void test_disk_positional_form(void **state)
{
    expect_ok(HEAD "disk = [ 'site.tar,raw,xvda,r', '/dev/vg/data,,hdb', \n"
                   "         'logs.img,raw,sdc2,rw', 'x.img,,d20p3,w', 'y.img,,xvdaa' ]\n");
    assert_int_equal(c->nr_disks, 5);
    assert_string_equal(c->disk[0].target, tmp_path("site.tar"));
    assert_string_equal(c->disk[0].vdev, "xvda");
    assert_int_equal(c->disk[0].devid, 202 << 8);
    assert_true(c->disk[0].readonly);
    assert_string_equal(c->disk[1].target, "/dev/vg/data");
    assert_int_equal(c->disk[1].devid, 3 << 8 | 1 << 6);
    assert_false(c->disk[1].readonly);
    assert_int_equal(c->disk[2].devid, 8 << 8 | 2 << 4 | 2);
    assert_false(c->disk[2].readonly);
    assert_int_equal(c->disk[3].devid, 1 << 28 | 20 << 8 | 3);
    assert_false(c->disk[3].readonly);
    assert_string_equal(c->disk[4].vdev, "xvdaa");
    assert_int_equal(c->disk[4].devid, 1 << 28 | 26 << 8);
}

static void test_disk_key_value_form(void **state)
{
    expect_ok(HEAD "disk = [ 'format=raw, vdev=xvdb, access=ro, target=data/a,b.img',\n"
                   "         'vdev=xvdc,target=/abs.img', 'c.img,access=rw,vdev=hdd' ]\n");
    assert_int_equal(c->nr_disks, 3);
    /* target= takes the rest of the string, commas included. */
    assert_string_equal(c->disk[0].target, tmp_path("data/a,b.img"));
    assert_string_equal(c->disk[0].vdev, "xvdb");
    assert_int_equal(c->disk[0].devid, 202 << 8 | 1 << 4);
    assert_true(c->disk[0].readonly);
    assert_string_equal(c->disk[1].target, "/abs.img");
    assert_false(c->disk[1].readonly);
    /* Named parameters leave the positional ones to fill the rest. */
    assert_string_equal(c->disk[2].target, tmp_path("c.img"));
    assert_int_equal(c->disk[2].devid, 22 << 8 | 1 << 6);
}

static void test_disk_errors(void **state)
{
    static const struct {
        const char *spec, *msg;
    } cases[] = {
        {"a.img,raw,xvd",
         "disk 1: vdev 'xvd' is not a disk name (xvda, xvdb1, hda, sda, d0p1 ...)"},
        {"a.img,raw,hde",
         "disk 1: vdev 'hde' is not a disk name (xvda, xvdb1, hda, sda, d0p1 ...)"},
        {"a.img,raw,sdq",
         "disk 1: vdev 'sdq' is not a disk name (xvda, xvdb1, hda, sda, d0p1 ...)"},
        {"a.img,raw,xvda0",
         "disk 1: vdev 'xvda0' is not a disk name (xvda, xvdb1, hda, sda, d0p1 ...)"},
        {"a.img,raw,xvdA",
         "disk 1: vdev 'xvdA' is not a disk name (xvda, xvdb1, hda, sda, d0p1 ...)"},
        {"a.img,raw,hda64",
         "disk 1: vdev 'hda64' is not a disk name (xvda, xvdb1, hda, sda, d0p1 ...)"},
        {"a.img,raw,xvda,x", "disk 1: access 'x' is not r, ro, w or rw"},
        {"a.img,qcow2,xvda", "disk 1: format 'qcow2' is not supported (only raw images are)"},
        {"a.img,,", "disk 1: no vdev (the guest's name for the disk, e.g. xvda)"},
        {"vdev=xvda", "disk 1: no target (the image's path)"},
        {"a.img,raw,xvda,r,extra",
         "disk 1: 'extra': too many positional parameters (target, format, vdev, access)"},
        {"a.img,raw,xvda,vdev=xvdb", "disk 1: vdev given twice"},
        {"a.img,vdevv=xvda", "disk 1: unknown key 'vdevv' (did you mean 'vdev'?)"},
        {"a.img,colour=red", "disk 1: unknown key 'colour'"},
        {"a.img,,hdc,devtype=cdrom",
         "disk 1: 'devtype' is not supported (supported: target, format, vdev, access)"},
        {"a.img,,hdc,cdrom",
         "disk 1: 'cdrom' is not supported (supported: target, format, vdev, access)"},
    };
    char text[512], want[512];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(text, sizeof(text), HEAD "disk = [\n'%s' ]\n", cases[i].spec);
        snprintf(want, sizeof(want), ":4: %s", cases[i].msg);
        expect_error(text, want);
    }
    expect_error(HEAD "disk = [ 'a.img,,xvda', 'b.img,,d0' ]\n",
                 ":3: disk 2: vdev d0 is disk 1's device");
    expect_error(HEAD "disk = 'a.img,,xvda'\n",
                 ":3: disk: expected a list of strings, got a string");
    expect_error(HEAD "disk = [ 'a.img,,xvda', 7 ]\n",
                 ":3: disk 2: expected a string, got an integer");
    expect_error(HEAD "disk = [ '1,,xvda', '2,,xvdb', '3,,xvdc', '4,,xvdd', '5,,xvde', "
                      "'6,,xvdf', '7,,xvdg', '8,,xvdh', '9,,xvdi' ]\n",
                 ":3: disk: more than 8 devices");
}

static void test_vif_errors(void **state)
{
    static const struct {
        const char *spec, *msg;
    } cases[] = {
        {"mac=01:16:3e:00:00:01",
         "vif 1: mac: 01:16:3e:00:00:01 is a multicast address; a vif needs a unicast one"},
        {"mac=ff:ff:ff:ff:ff:ff",
         "vif 1: mac: ff:ff:ff:ff:ff:ff is a multicast address; a vif needs a unicast one"},
        {"mac=00:00:00:00:00:00", "vif 1: mac: the all-zero address is not usable"},
        {"mac=00:16:3e:00:00", "vif 1: mac: '00:16:3e:00:00' is not XX:XX:XX:XX:XX:XX"},
        {"mac=00:16:3e:0:00:01", "vif 1: mac: '00:16:3e:0:00:01' is not XX:XX:XX:XX:XX:XX"},
        {"mac=00:16:3e:00:00:0g", "vif 1: mac: '00:16:3e:00:00:0g' is not XX:XX:XX:XX:XX:XX"},
        {"ip=10.0.0.256", "vif 1: ip: '10.0.0.256' is not A.B.C.D or A.B.C.D/PREFIX"},
        {"ip=10.0.0", "vif 1: ip: '10.0.0' is not A.B.C.D or A.B.C.D/PREFIX"},
        {"ip=10.0.0.1/33", "vif 1: ip: '10.0.0.1/33' is not A.B.C.D or A.B.C.D/PREFIX"},
        {"ip=010.0.0.1", "vif 1: ip: '010.0.0.1' is not A.B.C.D or A.B.C.D/PREFIX"},
        {"bridge=a-very-long-bridge-name", "vif 1: bridge: must be 1 to 15 characters"},
        {"vifname=we b", "vif 1: vifname: 'we b' may hold only letters, digits, '_', '-' and '.'"},
        {"brigde=br0", "vif 1: unknown key 'brigde' (did you mean 'bridge'?)"},
        {"script=vif-nat",
         "vif 1: unknown key 'script' (supported: mac, ip, bridge, model, vifname)"},
        {"bridge=br0,bridge=br1", "vif 1: 'bridge' given twice"},
        {"br0", "vif 1: 'br0' is not KEY=VALUE"},
    };
    char text[512], want[512];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(text, sizeof(text), HEAD "vif = [ '%s' ]\n", cases[i].spec);
        snprintf(want, sizeof(want), ":3: %s", cases[i].msg);
        expect_error(text, want);
    }
    expect_error(HEAD "vif = [ 'mac=00:16:3e:00:00:01', 'mac=00:16:3E:00:00:01' ]\n",
                 ":3: vif 2: the same mac as vif 1");
    expect_error(HEAD "vif = [ 'vifname=a', 'vifname=a' ]\n",
                 ":3: vif 2: the same vifname as vif 1");
    expect_error(HEAD "vif = 'bridge=br0'\n", ":3: vif: expected a list of strings, got a string");
}

static void test_syntax_errors(void **state)
{
    expect_error(HEAD "cmdline = \"abc\n", ":3:11: unterminated string");
    expect_error(HEAD "cmdline = 'abc", ":3:11: unterminated string");
    expect_error(HEAD "cmdline = \"abc\\", ":3:11: unterminated string");
    expect_error(HEAD "cmdline = \"abc\\\n\"\n", ":3:11: unterminated string");
    expect_error(HEAD "memory 64\n", ":3:8: expected '=' after 'memory', got an integer");
    expect_error(HEAD "memory\n", ":3:7: expected '=' after 'memory', got the end of the line");
    expect_error(HEAD "memory =\n", ":3:9: expected a value for 'memory', got the end of the line");
    expect_error(HEAD "vif = [ 'a' 'b' ]\n",
                 ":3:13: expected ',' or ']' in the list, got a string");
    expect_error(HEAD "vif = [ 'a',\n\n", ":3:7: unterminated list for 'vif'");
    expect_error(HEAD "vif = [ , ]\n",
                 ":3:9: expected a list item (a quoted string or an integer), got ','");
    expect_error(HEAD "vif = [ [ 'a' ] ]\n", ":3:9: nested lists are not supported");
    expect_error(HEAD "on_crash = destroy\n",
                 ":3:12: expected a value for 'on_crash', got the word 'destroy' (strings need "
                 "quotes)");
    expect_error(HEAD "memory = 64 128\n",
                 ":3:13: expected the end of the line after the value of 'memory', got an "
                 "integer");
    expect_error(HEAD "memory = 64M\n",
                 ":3:10: '64M' is not a number (xl.cfg numbers are plain integers, without unit "
                 "suffixes)");
    expect_error(HEAD "memory = 064\n",
                 ":3:10: '064': a leading 0 makes a number octal in xl; write it in decimal "
                 "without the 0");
    expect_error(HEAD "memory = 99999999999999999999\n", ":3:10: number too large");
    expect_error(HEAD "memory = -64\n", ":3:10: unexpected '-'");
    expect_error(HEAD "vif += [ 'a' ]\n", ":3:5: '+=' is not supported; use '='");
    expect_error(HEAD "= 5\n", ":3:1: expected a key, got '='");
    expect_error(HEAD "cmdline = \"a\\tb\"\n",
                 ":3:13: unsupported escape: a backslash before 't' (only \\\\, \\\" and \\' are "
                 "escapes)");
    expect_error(HEAD "cmdline = 'a\tb'\n", ":3:13: control character 0x09 in a string");

    /* A NUL byte: the file is not text. */
    {
        static const char text[] = HEAD "memory = 64\0\n";

        write_file("nul.cfg", text, sizeof(text) - 1);
        assert_int_equal(config_load(c, tmp_path("nul.cfg"), 0, NULL, NULL, NULL, err, sizeof(err)),
                         -HV_EINVAL);
        assert_non_null(strstr(err, "nul.cfg:3:12: NUL byte: this is not a text file"));
    }
}

static void test_unknown_key_suggests(void **state)
{
    expect_error(HEAD "memroy = 64\n", ":3: unknown key 'memroy' (did you mean 'memory'?)");
    expect_error(HEAD "vpcus = 2\n", ":3: unknown key 'vpcus' (did you mean 'vcpus'?)");
    expect_error(HEAD "on_crahs = 'destroy'\n",
                 ":3: unknown key 'on_crahs' (did you mean 'on_crash'?)");
    expect_error(HEAD "colour = 'red'\n", ":3: unknown key 'colour'");
    expect_error(HEAD "ramdisk = 'initrd'\n",
                 ":3: 'ramdisk' is an xl key that exo does not support");
}

static void test_wrong_type(void **state)
{
    expect_error(HEAD "memory = '64'\n", ":3: memory: expected an integer (MiB), got a string");
    expect_error(HEAD "vcpus = [ 1 ]\n", ":3: vcpus: expected an integer, got a list");
    expect_error("name = 5\n", ":1: name: expected a string, got an integer");
    expect_error(HEAD "kernel = 5\n",
                 ":3: kernel: expected a string (the path of an ELF image), got an integer");
    expect_error(HEAD "on_reboot = 1\n",
                 ":3: on_reboot: expected a string (destroy, restart or preserve), got an "
                 "integer");
}

static void test_duplicate_key_last_wins_with_warning(void **state)
{
    char want[PATH_MAX + 128];

    expect_ok(HEAD "memory = 64\nvcpus = 2\nmemory = 96\n");
    assert_int_equal(c->memory, 96);
    assert_int_equal(nr_warnings, 1);
    snprintf(want, sizeof(want),
             "%s:5: warning: 'memory' is set again (line 3); the last value "
             "wins",
             cfg_path);
    assert_string_equal(warnings[0], want);

    /* xl's rule for the alias: cmdline wins over extra, in either order. */
    expect_ok(HEAD "cmdline = 'a'\nextra = 'b'\n");
    assert_string_equal(c->cmdline, "a");
    assert_int_equal(nr_warnings, 1);
    snprintf(want, sizeof(want),
             "%s:4: warning: 'extra' ignored: 'cmdline' (line 3) takes "
             "precedence, as in xl",
             cfg_path);
    assert_string_equal(warnings[0], want);
    expect_ok(HEAD "extra = 'b'\ncmdline = 'a'\n");
    assert_string_equal(c->cmdline, "a");
    assert_int_equal(nr_warnings, 1);
    expect_ok(HEAD "extra = 'b c'\n");
    assert_string_equal(c->cmdline, "b c");
    assert_int_equal(nr_warnings, 0);
}

static void test_missing_name_and_kernel(void **state)
{
    expect_error("kernel = 'web.elf'\nmemory = 64\n", ": 'name' is not set (the domain's name)");
    expect_error("name = 'web'\n", ": 'kernel' is not set (the path of the domain's ELF image)");
    expect_error("", ": 'name' is not set (the domain's name)");
}

static void test_kernel_must_exist(void **state)
{
    char want[2 * PATH_MAX];

    snprintf(want, sizeof(want), ":3: kernel: %s: No such file or directory", tmp_path("y.elf"));
    expect_error("name = 'web'\n\nkernel = 'y.elf'\n", want);
    snprintf(want, sizeof(want), ":2: kernel: /nonexistent/x.elf: No such file or directory");
    expect_error("name = 'web'\nkernel = '/nonexistent/x.elf'\n", want);
    snprintf(want, sizeof(want), ":2: kernel: %s: not a regular file", tmp_path("."));
    expect_error("name = 'web'\nkernel = '.'\n", want);
    memcpy(want, ":2: kernel: empty path", 23);
    expect_error("name = 'web'\nkernel = ''\n", want);
}

static void test_values_out_of_range(void **state)
{
    expect_error(HEAD "memory = 0\n", ":3: memory: 0 MiB is less than the smallest domain, 4 MiB");
    expect_error(HEAD "memory = 2\n", ":3: memory: 2 MiB is less than the smallest domain, 4 MiB");
    expect_error(HEAD "memory = 33\n", ":3: memory: 33 MiB is not a multiple of 2 MiB");
    expect_error(HEAD "memory = 1048578\n",
                 ":3: memory: 1048578 MiB is more than the limit, 1048576 MiB");
    expect_error(HEAD "maxmem = 3\n", ":3: maxmem: 3 MiB is less than the smallest domain, 4 MiB");
    expect_error(HEAD "memory = 128\nmaxmem = 64\n",
                 ":4: maxmem: 64 MiB is less than memory, 128 MiB");
    expect_error(HEAD "maxmem = 16\n",
                 ":3: maxmem: 16 MiB is less than memory, 32 MiB (the default)");
    expect_error(HEAD "vcpus = 0\n", ":3: vcpus: 0 is outside 1..32");
    expect_error(HEAD "vcpus = 33\n", ":3: vcpus: 33 is outside 1..32");
    expect_error("name = 'abcdefghijklmnopqrstuvwxyz012345'\n",
                 ":1: name: must be 1 to 31 characters");
    expect_error("name = ''\n", ":1: name: must be 1 to 31 characters");
    expect_error("name = 'we b'\n",
                 ":1: name: 'we b' may hold only letters, digits, '_', '.' and '-'");
    expect_error("name = '42'\n", ":1: name: '42' is a number, which exo takes for a domain id");
    expect_error("name = '-web'\n", ":1: name: '-web' starts with '-', like an option");
    expect_error(HEAD "on_crash = 'coredump-destroy'\n",
                 ":3: on_crash: xl's 'coredump-destroy' is not supported (supported: destroy, "
                 "restart, preserve)");
    expect_error(HEAD "on_reboot = 'rename-restart'\n",
                 ":3: on_reboot: xl's 'rename-restart' is not supported (supported: destroy, "
                 "restart, preserve)");
    expect_error(HEAD "on_poweroff = 'explode'\n",
                 ":3: on_poweroff: 'explode' is not an action (supported: destroy, restart, "
                 "preserve)");

    /* The edges themselves are accepted. */
    expect_ok(HEAD "memory = 4\nvcpus = 32\nmaxmem = 1048576\n"
                   "name = 'abcdefghijklmnopqrstuvwxyz01234'\n");
    assert_int_equal(c->memory, 4);
    assert_int_equal(c->maxmem, 1048576);
    assert_int_equal(c->vcpus, 32);
    assert_int_equal(strlen(c->name), 31);
}

static void test_size_limits(void **state)
{
    char *text = malloc(CONFIG_FILE_MAX + 2);
    char want[256];

    assert_non_null(text);
    /* A file over the limit, made of comment lines. */
    for (size_t i = 0; i < CONFIG_FILE_MAX + 1; i++)
        text[i] = i % 64 == 63 ? '\n' : '#';
    text[CONFIG_FILE_MAX + 1] = '\0';
    expect_failure(text, 0, NULL, -HV_E2BIG, ": larger than the limit of 65536 bytes");
    /* Exactly at the limit is fine. */
    text[CONFIG_FILE_MAX - 1] = '\n';
    memcpy(text, HEAD, strlen(HEAD));
    text[CONFIG_FILE_MAX] = '\0';
    expect_ok(text);

    /* One line over the limit. */
    strcpy(text, HEAD);
    memset(text + strlen(HEAD), '#', CONFIG_LINE_MAX + 1);
    strcpy(text + strlen(HEAD) + CONFIG_LINE_MAX + 1, "\nmemory = 64\n");
    snprintf(want, sizeof(want), ":3: line longer than %u bytes", CONFIG_LINE_MAX);
    expect_failure(text, 0, NULL, -HV_E2BIG, want);
    free(text);

    expect_error(HEAD "vif = [ '', '', '', '', '', '', '', '', '' ]\n",
                 ":3: vif: more than 8 devices");
    {
        char list[512] = HEAD "cmdline = [";

        for (int i = 0; i < 33; i++)
            strcat(list, " 1,");
        strcat(list, " ]\n");
        expect_error(list, ":3:109: a list of more than 32 items");
    }
}

static void test_relative_paths_resolve_against_the_file(void **state)
{
    char sub[PATH_MAX + 16], path[PATH_MAX + 32], cwd[PATH_MAX];
    static const char text[] = "name = 'web'\nkernel = '../web.elf'\n"
                               "disk = [ 'site.tar,,xvda', 'vdev=xvdb,target=/abs.img' ]\n";
    FILE *f;

    snprintf(sub, sizeof(sub), "%s/sub", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(path, sizeof(path), "%s/web.cfg", sub);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(config_load(c, path, 0, NULL, NULL, NULL, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s/../web.elf", sub);
    assert_string_equal(c->kernel, path);
    snprintf(path, sizeof(path), "%s/site.tar", sub);
    assert_string_equal(c->disk[0].target, path);
    assert_string_equal(c->disk[1].target, "/abs.img");

    /* A file named without a folder: paths stay relative to where exo runs. */
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(dir), 0);
    {
        static const char here[] = HEAD "disk = [ 'a.img,,xvda' ]\n";

        write_file("here.cfg", here, sizeof(here) - 1);
    }
    assert_int_equal(config_load(c, "here.cfg", 0, NULL, NULL, NULL, err, sizeof(err)), 0);
    assert_string_equal(c->kernel, "web.elf");
    assert_string_equal(c->disk[0].target, "a.img");
    assert_int_equal(config_load(c, "sub/web.cfg", 0, NULL, NULL, NULL, err, sizeof(err)), 0);
    assert_string_equal(c->kernel, "sub/../web.elf");
    assert_int_equal(chdir(cwd), 0);
}

static void test_overrides(void **state)
{
    char *args[] = {"memory=64", "cmdline=\"x y\"", "vif=['bridge=br1']", "on_crash='preserve'"};
    char want[PATH_MAX + 128];

    assert_int_equal(load_args(HEAD "memory = 128\ncmdline = 'a'\n"
                                    "vif = [ 'bridge=br0', 'bridge=br2' ]\n",
                               4, args),
                     0);
    assert_int_equal(c->memory, 64);
    assert_int_equal(c->maxmem, 64);
    assert_string_equal(c->cmdline, "x y");
    assert_int_equal(c->nr_vifs, 1);
    assert_string_equal(c->vif[0].bridge, "br1");
    assert_int_equal(c->on_crash, CONFIG_PRESERVE);
    assert_string_equal(c->memory_origin, "<command line>:argument 1");
    assert_int_equal(nr_warnings, 0);

    /* Errors name the argument. */
    {
        char *bad[] = {"memory=64", "memroy=64"};
        char *unterminated[] = {"cmdline='x"};
        char *empty[] = {"vcpus=2", ""};
        char *missing[] = {"memory"};

        expect_failure(HEAD, 2, bad, -HV_EINVAL,
                       "<command line>:argument 2: unknown key 'memroy' (did you mean "
                       "'memory'?)");
        expect_failure(HEAD, 1, unterminated, -HV_EINVAL,
                       "<command line>:argument 1: unterminated string");
        expect_failure(HEAD, 2, empty, -HV_EINVAL, "<command line>:argument 2: expected KEY=VALUE");
        expect_failure(HEAD, 1, missing, -HV_EINVAL,
                       "<command line>:argument 1: expected '=' after 'memory', got the end of "
                       "the input");
        expect_failure(HEAD "memory = 128\n", 1, (char *[]){"maxmem=64"}, -HV_EINVAL,
                       "<command line>:argument 1: maxmem: 64 MiB is less than memory, 128 MiB");
    }

    /* The kernel named on the command line is taken from where exo runs;
     * a missing one is reported at its argument. */
    {
        char *kernel[] = {"kernel='/nonexistent.elf'"};

        expect_failure(HEAD, 1, kernel, -HV_EINVAL,
                       "<command line>:argument 1: kernel: /nonexistent.elf: No such file or "
                       "directory");
    }

    /* Setting a key twice on the command line warns as in a file. */
    {
        char *twice[] = {"vcpus=2", "vcpus=3"};
        struct config_input in = {
            .name = "web.cfg",
            .text = HEAD,
            .len = strlen(HEAD),
            .dir = dir,
            .argc = 2,
            .argv = twice,
            .first_arg = 3,
            .warn = record_warning,
            .warn_arg = &nr_warnings,
        };

        nr_warnings = 0;
        assert_int_equal(config_parse(c, &in, err, sizeof(err)), 0);
        assert_int_equal(c->vcpus, 3);
        assert_int_equal(nr_warnings, 1);
        snprintf(want, sizeof(want),
                 "<command line>:argument 4: warning: 'vcpus' is set again "
                 "(argument 3); the last value wins");
        assert_string_equal(warnings[0], want);
    }
}

static void test_check_memory(void **state)
{
    char want[PATH_MAX + 128];
    char *args[] = {"memory=256"};

    expect_ok(HEAD "\nmemory = 512\n");
    assert_int_equal(config_check_memory(c, 512, err, sizeof(err)), 0);
    assert_int_equal(config_check_memory(c, 300, err, sizeof(err)), -HV_ENOMEM);
    snprintf(want, sizeof(want), "%s:4: memory: 512 MiB is more than the 300 MiB free", cfg_path);
    assert_string_equal(err, want);

    assert_int_equal(load_args(HEAD "memory = 128\n", 1, args), 0);
    assert_int_equal(config_check_memory(c, 200, err, sizeof(err)), -HV_ENOMEM);
    assert_string_equal(err,
                        "<command line>:argument 1: memory: 256 MiB is more than the 200 MiB free");

    expect_ok(HEAD);
    assert_int_equal(config_check_memory(c, 16, err, sizeof(err)), -HV_ENOMEM);
    snprintf(want, sizeof(want), "%s: memory: 32 MiB is more than the 16 MiB free", cfg_path);
    assert_string_equal(err, want);
}

static void test_unreadable_file(void **state)
{
    char want[PATH_MAX + 64];
    char *path = tmp_path("absent.cfg");

    memset(c, 0x5a, sizeof(*c));
    assert_int_equal(config_load(c, path, 0, NULL, NULL, NULL, err, sizeof(err)), -HV_ENOENT);
    snprintf(want, sizeof(want), "%s: No such file or directory", path);
    assert_string_equal(err, want);
    assert_int_equal((unsigned char)c->name[0], 0x5a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_file_gets_xl_defaults),
        cmocka_unit_test(test_full_file),
        cmocka_unit_test(test_disk_positional_form),
        cmocka_unit_test(test_disk_key_value_form),
        cmocka_unit_test(test_disk_errors),
        cmocka_unit_test(test_vif_errors),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_unknown_key_suggests),
        cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_duplicate_key_last_wins_with_warning),
        cmocka_unit_test(test_missing_name_and_kernel),
        cmocka_unit_test(test_kernel_must_exist),
        cmocka_unit_test(test_values_out_of_range),
        cmocka_unit_test(test_size_limits),
        cmocka_unit_test(test_relative_paths_resolve_against_the_file),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_check_memory),
        cmocka_unit_test(test_unreadable_file),
    };

    _Static_assert(sizeof(tests) / sizeof(tests[0]) > 0, "no tests");
    return cmocka_run_group_tests(tests, setup, teardown) == 0 ? 0 : 1;
}
