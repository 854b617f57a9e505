/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domain configuration files for `exo create`, in the syntax of Xen's
 * xl.cfg(5): `KEY = VALUE` lines, '#' comments, quoted strings, integers
 * and lists that may span lines. The file is read, then the command line's
 * KEY=VALUE overrides are applied with the same grammar, then the result is
 * checked as a whole (required keys, maxmem against memory, the kernel
 * file). docs/toolstack.md describes the format for users.
 *
 * Every error is one line, "FILE:LINE: message" (with ":COLUMN" after the
 * line for syntax errors), or "<command line>:argument N: message" for an
 * override. Nothing is partially applied: the caller's struct is written
 * only on success.
 */
#ifndef TOOLSTACK_EXO_CONFIG_H
#define TOOLSTACK_EXO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/domctl.h>
#include <public/shared_info.h>

#define CONFIG_NAME_MAX (HV_DOMAIN_NAME_MAX - 1) /* characters in a domain name */
#define CONFIG_PATH_MAX 4096u                    /* bytes of a resolved path, with the NUL */
#define CONFIG_CMDLINE_MAX 1024u                 /* bytes of the guest's command line */
#define CONFIG_FILE_MAX (64u * 1024u)            /* bytes of a configuration file */
#define CONFIG_LINE_MAX 4096u                    /* bytes of one line, without the newline */
#define CONFIG_VIFS_MAX 8u
#define CONFIG_DISKS_MAX 8u
#define CONFIG_IFNAME_MAX 15u        /* a host interface name (Linux's IFNAMSIZ - 1) */
#define CONFIG_MODEL_MAX 31u         /* a vif model */
#define CONFIG_MEMORY_MIN 4u         /* MiB; the hypervisor's smallest domain */
#define CONFIG_MEMORY_ALIGN 2u       /* MiB; domains are built in 2 MiB pages */
#define CONFIG_MEMORY_MAX (1u << 20) /* MiB (1 TiB): frame numbers fit in 32 bits */
#define CONFIG_MEMORY_DEFAULT 32u    /* MiB, xl's default */
#define CONFIG_MESSAGE_MAX 640u      /* bytes of an error or warning, with the NUL */

enum config_action {
    CONFIG_DESTROY,
    CONFIG_RESTART,
    CONFIG_PRESERVE,
};

struct config_vif {
    bool has_mac;   /* else the toolstack picks one */
    uint8_t mac[6]; /* unicast, not all zero */
    bool has_ip;
    uint8_t ip[4];                      /* network byte order */
    uint8_t prefix;                     /* 1..32, or 0 when none was given */
    char bridge[CONFIG_IFNAME_MAX + 1]; /* "" when not given */
    char vifname[CONFIG_IFNAME_MAX + 1];
    char model[CONFIG_MODEL_MAX + 1];
};

struct config_disk {
    char target[CONFIG_PATH_MAX]; /* resolved against the file's folder */
    char vdev[16];                /* as written: xvda, hdb2, sdc, d3p1 ... */
    uint32_t devid;               /* Xen's virtual device number of vdev */
    bool readonly;
};

/* About 45 KiB with its paths: allocate it rather than put it on a small stack. */
struct config {
    char name[CONFIG_NAME_MAX + 1];
    char kernel[CONFIG_PATH_MAX];     /* resolved; it existed when parsed */
    char cmdline[CONFIG_CMDLINE_MAX]; /* "" by default */
    uint32_t memory;                  /* MiB */
    uint32_t maxmem;                  /* MiB, >= memory; memory by default */
    uint32_t vcpus;                   /* 1 .. HV_MAX_VCPUS */
    enum config_action on_poweroff;   /* destroy by default */
    enum config_action on_reboot;     /* restart by default */
    enum config_action on_crash;      /* destroy by default */
    unsigned int nr_vifs;
    struct config_vif vif[CONFIG_VIFS_MAX];
    unsigned int nr_disks;
    struct config_disk disk[CONFIG_DISKS_MAX];
    /* Where memory was set ("web.cfg:4", "<command line>:argument 1", or
     * the file's name for the default), for config_check_memory(). */
    char memory_origin[CONFIG_PATH_MAX + 32];
};

/* One configuration to parse: the file's text and the overrides. */
struct config_input {
    const char *name; /* the file as messages name it */
    const char *dir;  /* base of relative paths in the file; NULL or "": as written */
    const char *text; /* need not be NUL-terminated */
    size_t len;
    int argc; /* overrides, each "KEY=VALUE" */
    char *const *argv;
    int first_arg; /* the number messages give argv[0]; 0 means 1 */
    /* Warnings (a key set twice, cmdline beside extra), one line each;
     * NULL drops them. */
    void (*warn)(const char *msg, void *arg);
    void *warn_arg;
};

/*
 * Parses in->text and applies in->argv over it. Relative paths in
 * overrides are kept relative to the current directory. On success fills
 * *c and returns 0; otherwise writes one line to err (err_size bytes, at
 * most CONFIG_MESSAGE_MAX are needed), leaves *c untouched and returns
 * -HV_EINVAL (bad input), -HV_E2BIG (input over a size limit) or
 * -HV_ENOMEM.
 */
int config_parse(struct config *c, const struct config_input *in, char *err, size_t err_size)
    __attribute__((warn_unused_result));

/*
 * Reads the file at path (at most CONFIG_FILE_MAX bytes) and parses it as
 * config_parse() does, relative paths in it taken from path's folder.
 * Returns 0, or as config_parse() does, or -HV_EIO/-HV_ENOENT when the file
 * cannot be read ("web.cfg: No such file or directory").
 */
int config_load(struct config *c, const char *path, int argc, char *const *argv,
                void (*warn)(const char *msg, void *arg), void *warn_arg, char *err,
                size_t err_size) __attribute__((warn_unused_result));

/*
 * The host's check that c's memory fits in free_mib MiB, reported at the
 * memory key's place ("web.cfg:4: memory: 512 MiB is more than the 300 MiB
 * free"). Returns 0, or -HV_ENOMEM with err written.
 */
int config_check_memory(const struct config *c, uint64_t free_mib, char *err, size_t err_size)
    __attribute__((warn_unused_result));

/* The word a file uses for an action: "destroy", "restart" or "preserve". */
const char *config_action_name(enum config_action action);

#endif
