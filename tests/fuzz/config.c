/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libFuzzer harness of exo's configuration-file parser
 * (toolstack/exo/config.c): the input is a file's text, then, after each
 * NUL byte, one command-line override. The kernel the seeds name, k.elf,
 * exists in a scratch folder the file is taken to live in, so inputs get
 * past the final checks. A parse must either succeed with every value
 * inside the limits config.h promises, or fail with one printable line
 * that names the file or the argument, leaving the caller's struct as it
 * was; warnings must be such lines too.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <public/errno.h>

#include "config_private.h"

#define NAME "fuzz.cfg"
#define MAX_ARGS 4

static char dir[64];
static char kernel[96];
static struct config before, after;

static void fail(const char *why, const char *detail)
{
    fprintf(stderr, "config fuzzer: %s%s%s\n", why, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void cleanup(void)
{
    unlink(kernel);
    rmdir(dir);
}

static void make_folder(void)
{
    FILE *f;

    snprintf(dir, sizeof(dir), "/tmp/exo-config-fuzz.XXXXXX");
    if (!mkdtemp(dir))
        fail("no scratch folder", NULL);
    snprintf(kernel, sizeof(kernel), "%s/k.elf", dir);
    f = fopen(kernel, "w");
    if (!f || fputs("\177ELF", f) < 0 || fclose(f))
        fail("cannot write the kernel", kernel);
    atexit(cleanup);
}

/* One line, no control characters, starting with a place. */
static void check_message(const char *msg, int warning)
{
    size_t len = strlen(msg);

    if (len == 0 || len >= CONFIG_MESSAGE_MAX)
        fail("a message of a bad length", msg);
    if (strncmp(msg, NAME ":", strlen(NAME ":")) && strncmp(msg, "<command line>:argument ", 24))
        fail("a message that names no place", msg);
    if (warning && !strstr(msg, ": warning: "))
        fail("a warning that does not say so", msg);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
            fail("a control character in a message", msg);
}

static void check_warning(const char *msg, void *arg)
{
    ++*(int *)arg;
    check_message(msg, 1);
}

static void check_string(const char *s, size_t size, const char *what)
{
    if (!memchr(s, '\0', size))
        fail("a string without its NUL", what);
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            fail("a control character in a value", what);
}

static int is_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '.' || ch == '-';
}

static void check_config(const struct config *c)
{
    char err[CONFIG_MESSAGE_MAX];
    size_t n;
    struct stat st;

    check_string(c->name, sizeof(c->name), "name");
    n = strlen(c->name);
    if (n == 0 || n > CONFIG_NAME_MAX || strspn(c->name, "0123456789") == n || c->name[0] == '-')
        fail("a bad name accepted", c->name);
    for (size_t i = 0; i < n; i++)
        if (!is_name_char(c->name[i]))
            fail("a bad name accepted", c->name);
    check_string(c->kernel, sizeof(c->kernel), "kernel");
    if (stat(c->kernel, &st) || !S_ISREG(st.st_mode))
        fail("a kernel that is not a file accepted", c->kernel);
    check_string(c->cmdline, sizeof(c->cmdline), "cmdline");
    if (c->memory < CONFIG_MEMORY_MIN || c->memory > CONFIG_MEMORY_MAX ||
        c->memory % CONFIG_MEMORY_ALIGN || c->maxmem < c->memory || c->maxmem > CONFIG_MEMORY_MAX ||
        c->maxmem % CONFIG_MEMORY_ALIGN)
        fail("memory or maxmem out of range", NULL);
    if (c->vcpus < 1 || c->vcpus > HV_MAX_VCPUS)
        fail("vcpus out of range", NULL);
    if ((unsigned int)c->on_poweroff > CONFIG_PRESERVE ||
        (unsigned int)c->on_reboot > CONFIG_PRESERVE || (unsigned int)c->on_crash > CONFIG_PRESERVE)
        fail("an action out of range", NULL);
    if (c->nr_vifs > CONFIG_VIFS_MAX || c->nr_disks > CONFIG_DISKS_MAX)
        fail("too many devices", NULL);
    for (unsigned int i = 0; i < c->nr_vifs; i++) {
        const struct config_vif *v = &c->vif[i];

        if (v->has_mac && (v->mac[0] & 1))
            fail("a multicast mac accepted", NULL);
        if (v->prefix > 32 || (!v->has_ip && v->prefix))
            fail("a bad prefix accepted", NULL);
        check_string(v->bridge, sizeof(v->bridge), "bridge");
        check_string(v->vifname, sizeof(v->vifname), "vifname");
        check_string(v->model, sizeof(v->model), "model");
    }
    for (unsigned int i = 0; i < c->nr_disks; i++) {
        const struct config_disk *d = &c->disk[i];
        uint32_t devid;

        check_string(d->target, sizeof(d->target), "target");
        check_string(d->vdev, sizeof(d->vdev), "vdev");
        if (!d->target[0] || device_vdev_number(d->vdev, &devid) || devid != d->devid)
            fail("a disk whose vdev and number disagree", d->vdev);
        for (unsigned int j = 0; j < i; j++)
            if (c->disk[j].devid == d->devid)
                fail("two disks on one device", d->vdev);
    }
    check_string(c->memory_origin, sizeof(c->memory_origin), "memory_origin");
    if (config_check_memory(c, c->memory, err, sizeof(err)))
        fail("memory does not fit in itself", NULL);
    if (config_check_memory(c, c->memory - 1, err, sizeof(err)) != -HV_ENOMEM)
        fail("memory fits in less than itself", NULL);
    check_message(err, 0);
    if (strncmp(err, c->memory_origin, strlen(c->memory_origin)))
        fail("the memory error is not at the memory key", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy, *args[MAX_ARGS], err[CONFIG_MESSAGE_MAX];
    const char *end;
    struct config_input in = {.name = NAME, .warn = check_warning};
    int warnings = 0, rc;

    if (!dir[0])
        make_folder();
    /* The text gets an allocation of exactly its size, for ASan. */
    end = memchr(data, '\0', size);
    in.len = end ? (size_t)(end - (const char *)data) : size;
    copy = malloc(in.len ? in.len : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, in.len);
    in.text = copy;
    in.dir = dir;
    in.warn_arg = &warnings;
    while (end && in.argc < MAX_ARGS) {
        const char *arg = end + 1,
                   *next = memchr(arg, '\0', size - (size_t)(arg - (const char *)data));
        size_t len = next ? (size_t)(next - arg) : size - (size_t)(arg - (const char *)data);

        args[in.argc] = strndup(arg, len);
        if (!args[in.argc])
            break;
        in.argc++;
        end = next;
    }
    in.argv = args;

    memset(&after, 0x5a, sizeof(after));
    memcpy(&before, &after, sizeof(before));
    err[0] = '\0';
    rc = config_parse(&after, &in, err, sizeof(err));
    if (rc == 0) {
        check_config(&after);
    } else {
        if (rc != -HV_EINVAL && rc != -HV_E2BIG)
            fail("an unexpected return value", NULL);
        check_message(err, 0);
        if (memcmp(&after, &before, sizeof(after)))
            fail("a failed parse changed the struct", err);
    }
    for (int i = 0; i < in.argc; i++)
        free(args[i]);
    free(copy);
    return 0;
}
