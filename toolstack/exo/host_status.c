/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exo host status and list: what the state folder and the running QEMU
 * processes say, read without the lock (a start or stop may be under
 * way; what is shown is then the moment's truth).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "host.h"
#include "state.h"

/* One KEY's value from host.conf, or "?". */
static const char *conf_get(const struct host *h, const char *key, char *buf, size_t size)
{
    FILE *f = fopen(h->conf, "r");
    size_t klen = strlen(key);
    char line[PATH_MAX + 64];
    const char *v = "?";

    if (!f)
        return v;
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, key, klen) && line[klen] == '=') {
            line[strcspn(line, "\n")] = '\0';
            snprintf(buf, size, "%s", line + klen + 1);
            v = buf;
        }
    fclose(f);
    return v;
}

static const char *uptime(const struct host *h, char *buf, size_t size)
{
    char v[32];
    unsigned long started;
    long long s;

    if (parse_number(conf_get(h, "started", v, sizeof(v)), 1, (unsigned long)-1, &started))
        return "?";
    s = (long long)time(NULL) - (long long)started;
    if (s < 0)
        s = 0;
    if (s >= 86400)
        snprintf(buf, size, "%lldd%02lldh%02lldm", s / 86400, s / 3600 % 24, s / 60 % 60);
    else if (s >= 3600)
        snprintf(buf, size, "%lldh%02lldm%02llds", s / 3600, s / 60 % 60, s % 60);
    else if (s >= 60)
        snprintf(buf, size, "%lldm%02llds", s / 60, s % 60);
    else
        snprintf(buf, size, "%llds", s);
    return buf;
}

static int none_option(const struct exo_command *c, int opt, const char *arg, void *ctx)
{
    return exo_usage(c, "unknown option");
}

int exo_host_status(const struct exo_globals *g, int argc, char **argv)
{
    static const struct option opts[] = {{NULL, 0, NULL, 0}};
    const struct exo_command *c = exo_command_find("host", "status");
    char accel[16], mem[32], cpus[16], up[32];
    const char *arg;
    struct host h;
    pid_t pid;
    int rc;

    rc = host_parse_args(c, argc, argv, opts, none_option, NULL, &arg);
    if (rc || (rc = host_open_existing(c, g, arg, &h)))
        return rc;
    pid = host_running(&h);
    printf("host:     %s\n", h.name);
    printf("state:    %s\n", pid ? "running" : "stopped");
    if (pid) {
        printf("pid:      %d\n", (int)pid);
        printf("uptime:   %s\n", uptime(&h, up, sizeof(up)));
        printf("accel:    %s\n", conf_get(&h, "accel", accel, sizeof(accel)));
        printf("memory:   %s MiB, %s CPU(s)\n", conf_get(&h, "memory", mem, sizeof(mem)),
               conf_get(&h, "cpus", cpus, sizeof(cpus)));
        pid_t mux = host_mux_running(&h);

        if (mux)
            printf("mux:      %d\n", (int)mux);
        else
            printf("mux:      not running (see %s)\n", h.mux_log);
        printf("socket:   %s\n", h.sock);
    }
    printf("log:      %s\n", h.serial);
    printf("folder:   %s\n", h.dir);
    return pid ? EXO_OK : EXO_NOT_RUNNING;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_host_dir(const struct dirent *e)
{
    return host_name_valid(e->d_name);
}

int exo_host_list(const struct exo_globals *g, int argc, char **argv)
{
    static const struct option opts[] = {{NULL, 0, NULL, 0}};
    const struct exo_command *c = exo_command_find("host", "list");
    char hosts[PATH_MAX + 8];
    struct dirent **names;
    const char *arg;
    struct host h;
    int rc, n;

    rc = host_parse_args(c, argc, argv, opts, none_option, NULL, &arg);
    if (rc)
        return rc;
    if (arg)
        return exo_usage(c, "unexpected argument '%s'", arg);
    rc = host_init(&h, HOST_DEFAULT);
    if (rc)
        return rc;
    snprintf(hosts, sizeof(hosts), "%s/hosts", h.state);
    n = scandir(hosts, &names, is_host_dir, by_name);
    if (n < 0 && errno != ENOENT)
        return exo_error(EXO_FAILED, "cannot read %s: %s", hosts, strerror(errno));
    printf("%-31s %-8s %-8s %-5s %s\n", "NAME", "STATE", "PID", "ACCEL", "UPTIME");
    for (int i = 0; i < n; i++) {
        char accel[16], up[32], pid_text[16];
        pid_t pid;

        if (host_init(&h, names[i]->d_name) == 0 && !access(h.dir, X_OK)) {
            pid = host_running(&h);
            snprintf(pid_text, sizeof(pid_text), "%d", (int)pid);
            printf("%-31s %-8s %-8s %-5s %s\n", h.name, pid ? "running" : "stopped",
                   pid ? pid_text : "-", pid ? conf_get(&h, "accel", accel, sizeof(accel)) : "-",
                   pid ? uptime(&h, up, sizeof(up)) : "-");
        }
        free(names[i]);
    }
    if (n > 0)
        free(names);
    return EXO_OK;
}
