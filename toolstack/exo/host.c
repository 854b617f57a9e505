/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exo host start, stop, status and list (host.h has the state folder's
 * files). A start or stop holds the host's lock file, so that two of them
 * never race; status and list only read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "host.h"
#include "state.h"

#define START_TIMEOUT_S 60
#define STOP_WAIT_MS 5000
#define KILL_WAIT_MS 2000
/* exod's line once domain 0 runs: the host is up. */
#define READY_LINE "(d0) exod: serving"

/* The host a command addresses: its NAME argument, else -H's. */
static const char *host_name(const struct exo_command *c, const struct exo_globals *g,
                             const char *arg, int *rc)
{
    const char *name = arg ? arg : g->host;

    *rc = 0;
    if (!host_name_valid(name))
        *rc = exo_usage(c, "'%s' is not a host name (1 to %d of A-Z a-z 0-9 _ . -, not "
                        "starting with '.' or '-')", name, HOST_NAME_MAX_LEN);
    return name;
}

/* getopt_long over a command's arguments (options may come before or
 * after NAME), leaving at most one NAME. Returns 0 with *name (NULL if
 * none), or an exit code. */
static int parse(const struct exo_command *c, int argc, char **argv, const struct option *opts,
                 int (*option)(const struct exo_command *c, int opt, const char *arg, void *ctx),
                 void *ctx, const char **name)
{
    int opt;

    optind = 0; /* glibc: start afresh */
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        int rc;

        if (opt == ':')
            return exo_usage(c, "%s needs a value", argv[optind - 1]);
        if (opt == '?')
            return exo_usage(c, "unknown option '%s'", argv[optind - 1]);
        rc = option(c, opt, optarg, ctx);
        if (rc)
            return rc;
    }
    *name = optind < argc ? argv[optind++] : NULL;
    if (optind < argc)
        return exo_usage(c, "unexpected argument '%s'", argv[optind]);
    return 0;
}

/* Takes the host's lock without waiting: 0 with *fd, or an exit code. */
static int lock_host(const struct host *h, int *fd)
{
    char hosts[PATH_MAX + 8];
    const char *dirs[] = {h->state, hosts, h->dir};

    snprintf(hosts, sizeof(hosts), "%s/hosts", h->state);
    for (unsigned int i = 0; i < 3; i++)
        if (mkdir(dirs[i], 0700) && errno != EEXIST)
            return exo_error(EXO_FAILED, "cannot make %s: %s", dirs[i], strerror(errno));
    *fd = open(h->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (*fd < 0)
        return exo_error(EXO_FAILED, "cannot open %s: %s", h->lock, strerror(errno));
    if (flock(*fd, LOCK_EX | LOCK_NB)) {
        close(*fd);
        return exo_error(EXO_FAILED, "host '%s' is being started or stopped by another exo",
                         h->name);
    }
    return 0;
}

/* The last lines of a log, indented, on stderr. */
static void show_tail(const char *what, const char *path, unsigned int lines)
{
    char ring[20][256];
    unsigned int n = 0;
    FILE *f = fopen(path, "r");

    if (!f)
        return;
    if (lines > 20)
        lines = 20;
    while (fgets(ring[n % lines], sizeof(ring[0]), f))
        n++;
    fclose(f);
    if (!n)
        return;
    fprintf(stderr, "exo: the last lines of %s (%s):\n", what, path);
    for (unsigned int i = n > lines ? n - lines : 0; i < n; i++) {
        char *l = ring[i % lines];

        l[strcspn(l, "\r\n")] = '\0';
        fprintf(stderr, "    %s\n", l);
    }
}

static int log_has(const char *path, const char *text)
{
    char line[1024];
    FILE *f = fopen(path, "r");
    int found = 0;

    if (!f)
        return 0;
    while (!found && fgets(line, sizeof(line), f))
        found = strstr(line, text) != NULL;
    fclose(f);
    return found;
}

static void remove_run_files(const struct host *h)
{
    unlink(h->pid);
    unlink(h->mgmt);
    unlink(h->qmp);
}

/* Stops pid for good: SIGTERM, then SIGKILL. 0 once it is gone. */
static int kill_host(const struct host *h, pid_t pid)
{
    kill(pid, SIGTERM);
    if (!host_wait_gone(h, pid, KILL_WAIT_MS))
        return 0;
    kill(pid, SIGKILL);
    return host_wait_gone(h, pid, KILL_WAIT_MS);
}

struct start_options {
    struct host_params p;
    const char *accel; /* as asked: tcg, kvm or auto */
};

enum { OPT_MEMORY = 256, OPT_CPUS, OPT_ACCEL, OPT_FORCE };

static int start_option(const struct exo_command *c, int opt, const char *arg, void *ctx)
{
    struct start_options *o = ctx;

    switch (opt) {
    case OPT_MEMORY:
        if (parse_number(arg, 128, 65536, &o->p.memory_mib))
            return exo_usage(c, "--memory %s: expected MiB from 128 to 65536", arg);
        return 0;
    case OPT_CPUS:
        if (parse_number(arg, 1, 16, &o->p.cpus))
            return exo_usage(c, "--cpus %s: expected 1 to 16", arg);
        return 0;
    case OPT_ACCEL:
        if (strcmp(arg, "tcg") && strcmp(arg, "kvm") && strcmp(arg, "auto"))
            return exo_usage(c, "--accel %s: expected tcg, kvm or auto", arg);
        o->accel = arg;
        return 0;
    }
    return exo_usage(c, "unknown option");
}

static int write_conf(const struct host *h, const struct host_params *p, pid_t pid,
                      const char *hv, const char *dom0)
{
    char tmp[PATH_MAX + 8];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.tmp", h->conf);
    f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f, "# How exo host start started this host.\nname=%s\npid=%d\nstarted=%lld\n"
               "accel=%s\nmemory=%lu\ncpus=%lu\nqemu=%s\nhv=%s\ndom0=%s\n",
            h->name, (int)pid, (long long)time(NULL), p->accel, p->memory_mib, p->cpus,
            getenv("QEMU") && *getenv("QEMU") ? getenv("QEMU") : "qemu-system-x86_64", hv, dom0);
    if (fclose(f))
        return -1;
    return rename(tmp, h->conf);
}

static int write_pid(const struct host *h, pid_t pid)
{
    FILE *f = fopen(h->pid, "w");

    if (!f)
        return -1;
    fprintf(f, "%d\n", (int)pid);
    return fclose(f);
}

/* Waits for the hypervisor and domain 0 to come up. 0, or an exit code
 * after saying why not (QEMU is then stopped). */
static int wait_ready(const struct host *h, pid_t pid)
{
    int status, panicked = 0;

    for (int tenth = 0; tenth < START_TIMEOUT_S * 10; tenth++) {
        if (log_has(h->serial, READY_LINE)) {
            fputc('\n', stderr);
            return 0;
        }
        if (waitpid(pid, &status, WNOHANG) == pid) {
            fputc('\n', stderr);
            exo_error(0, "QEMU stopped before domain 0 started (%s %d)",
                      WIFEXITED(status) ? "exit status" : "signal",
                      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
            show_tail("QEMU's output", h->qemu_log, 5);
            show_tail("the serial log", h->serial, 10);
            remove_run_files(h);
            return EXO_FAILED;
        }
        if (log_has(h->serial, "PANIC")) {
            panicked = 1;
            break;
        }
        if (tenth % 10 == 9)
            fputc('.', stderr);
        nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
    }
    fputc('\n', stderr);
    if (panicked)
        exo_error(0, "the hypervisor of host '%s' panicked: stopping it", h->name);
    else
        exo_error(0, "host '%s' did not come up (no \"%s\" line within %d s): stopping it",
                  h->name, READY_LINE, START_TIMEOUT_S);
    show_tail("the serial log", h->serial, 10);
    kill_host(h, pid);
    waitpid(pid, &status, WNOHANG);
    remove_run_files(h);
    return EXO_FAILED;
}

int exo_host_start(const struct exo_globals *g, int argc, char **argv)
{
    static const struct option opts[] = {{"memory", required_argument, NULL, OPT_MEMORY},
                                         {"cpus", required_argument, NULL, OPT_CPUS},
                                         {"accel", required_argument, NULL, OPT_ACCEL},
                                         {NULL, 0, NULL, 0}};
    const struct exo_command *c = exo_command_find("host", "start");
    struct start_options o = {.p = {.memory_mib = 256, .cpus = 1}, .accel = "tcg"};
    char hv[PATH_MAX], dom0[PATH_MAX], why[512];
    const char *arg, *name;
    struct host h;
    int rc, lock;
    pid_t pid;

    rc = parse(c, argc, argv, opts, start_option, &o, &arg);
    if (rc)
        return rc;
    name = host_name(c, g, arg, &rc);
    if (rc || (rc = host_init(&h, name)))
        return rc;
    if ((rc = host_find_image("hv.elf", hv, sizeof(hv))) ||
        (rc = host_find_image("exod.elf", dom0, sizeof(dom0))))
        return rc;
    rc = lock_host(&h, &lock);
    if (rc)
        return rc;
    pid = host_running(&h);
    if (pid) {
        close(lock);
        return exo_error(EXO_FAILED, "host '%s' is already running (PID %d)", name, (int)pid);
    }

    o.p.accel = "tcg";
    if (strcmp(o.accel, "tcg")) {
        if (host_kvm_usable(&h, why, sizeof(why))) {
            o.p.accel = "kvm";
        } else if (!strcmp(o.accel, "kvm")) {
            close(lock);
            return exo_error(EXO_FAILED, "KVM cannot run the hypervisor here: %s", why);
        } else {
            fprintf(stderr, "exo: note: using tcg: KVM cannot run the hypervisor here: %s\n",
                    why);
        }
    }

    remove_run_files(&h);
    unlink(h.serial);
    fprintf(stderr, "exo: starting host '%s' (%s, %lu MiB, %lu CPU%s)", name, o.p.accel,
            o.p.memory_mib, o.p.cpus, o.p.cpus > 1 ? "s" : "");
    pid = host_launch(&h, &o.p, hv, dom0);
    if (pid < 0) {
        fputc('\n', stderr);
        close(lock);
        return exo_error(EXO_FAILED, "cannot start QEMU: %s", strerror(errno));
    }
    if (write_pid(&h, pid) || write_conf(&h, &o.p, pid, hv, dom0)) {
        fputc('\n', stderr);
        exo_error(0, "cannot write to %s: %s; stopping QEMU", h.dir, strerror(errno));
        kill_host(&h, pid);
        remove_run_files(&h);
        close(lock);
        return EXO_FAILED;
    }
    rc = wait_ready(&h, pid);
    close(lock);
    if (rc)
        return rc;
    printf("host '%s' running: PID %d, %s; management socket %s, serial log %s\n", name,
           (int)pid, o.p.accel, h.mgmt, h.serial);
    return EXO_OK;
}

static int stop_option(const struct exo_command *c, int opt, const char *arg, void *ctx)
{
    *(int *)ctx = 1;
    return 0;
}

int exo_host_stop(const struct exo_globals *g, int argc, char **argv)
{
    static const struct option opts[] = {{"force", no_argument, NULL, OPT_FORCE},
                                         {NULL, 0, NULL, 0}};
    const struct exo_command *c = exo_command_find("host", "stop");
    const char *arg, *name;
    int rc, lock, force = 0;
    struct host h;
    pid_t pid;

    rc = parse(c, argc, argv, opts, stop_option, &force, &arg);
    if (rc)
        return rc;
    name = host_name(c, g, arg, &rc);
    if (rc || (rc = host_init(&h, name)))
        return rc;
    if (access(h.dir, F_OK))
        return exo_error(EXO_NOT_FOUND, "no host '%s' (in %s/hosts)", name, h.state);
    rc = lock_host(&h, &lock);
    if (rc)
        return rc;
    pid = host_running(&h);
    if (!pid) {
        remove_run_files(&h);
        close(lock);
        return exo_error(EXO_NOT_RUNNING, "host '%s' is not running", name);
    }
    if (force || host_qmp_quit(&h) || host_wait_gone(&h, pid, STOP_WAIT_MS)) {
        if (!force)
            fprintf(stderr, "exo: host '%s' did not quit when asked: killing QEMU (PID %d)\n",
                    name, (int)pid);
        if (kill_host(&h, pid)) {
            close(lock);
            return exo_error(EXO_FAILED, "QEMU (PID %d) of host '%s' does not die", (int)pid,
                             name);
        }
    }
    remove_run_files(&h);
    close(lock);
    printf("host '%s' stopped\n", name);
    return EXO_OK;
}

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
    const char *arg, *name;
    struct host h;
    pid_t pid;
    int rc;

    rc = parse(c, argc, argv, opts, none_option, NULL, &arg);
    if (rc)
        return rc;
    name = host_name(c, g, arg, &rc);
    if (rc || (rc = host_init(&h, name)))
        return rc;
    if (access(h.dir, F_OK))
        return exo_error(EXO_NOT_FOUND, "no host '%s' (in %s/hosts)", name, h.state);
    pid = host_running(&h);
    printf("host:     %s\n", name);
    printf("state:    %s\n", pid ? "running" : "stopped");
    if (pid) {
        printf("pid:      %d\n", (int)pid);
        printf("uptime:   %s\n", uptime(&h, up, sizeof(up)));
        printf("accel:    %s\n", conf_get(&h, "accel", accel, sizeof(accel)));
        printf("memory:   %s MiB, %s CPU(s)\n", conf_get(&h, "memory", mem, sizeof(mem)),
               conf_get(&h, "cpus", cpus, sizeof(cpus)));
        printf("socket:   %s\n", h.mgmt);
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

    rc = parse(c, argc, argv, opts, none_option, NULL, &arg);
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
