/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exo host start and stop (host.h has the state folder's files), and the
 * argument parsing every host command shares. A start or stop holds the
 * host's lock file, so that two of them never race.
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

const char *host_pick_name(const struct exo_command *c, const struct exo_globals *g,
                           const char *arg, int *rc)
{
    const char *name = arg ? arg : g->host;

    *rc = 0;
    if (!host_name_valid(name))
        *rc = exo_usage(c,
                        "'%s' is not a host name (1 to %d of A-Z a-z 0-9 _ . -, not "
                        "starting with '.' or '-')",
                        name, HOST_NAME_MAX_LEN);
    return name;
}

int host_open_existing(const struct exo_command *c, const struct exo_globals *g, const char *arg,
                       struct host *h)
{
    int rc;
    const char *name = host_pick_name(c, g, arg, &rc);

    if (rc || (rc = host_init(h, name)))
        return rc;
    if (access(h->dir, F_OK))
        return exo_error(EXO_NOT_FOUND, "no host '%s' (in %s/hosts)", name, h->state);
    return 0;
}

int host_parse_args(const struct exo_command *c, int argc, char **argv, const struct option *opts,
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

/* mkdir -p, mode 0700 for what it makes: 0 or -1 (errno). */
static int make_folders(const char *path)
{
    char p[PATH_MAX];

    if (path_format(p, sizeof(p), "%s", path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *slash = strchr(p + 1, '/');; slash = strchr(slash + 1, '/')) {
        if (slash)
            *slash = '\0';
        if (mkdir(p, 0700) && errno != EEXIST)
            return -1;
        if (!slash)
            return 0;
        *slash = '/';
    }
}

/* Takes the host's lock without waiting (making its folder first): 0
 * with *fd, or an exit code. */
static int lock_host(const struct host *h, int *fd)
{
    if (make_folders(h->dir))
        return exo_error(EXO_FAILED, "cannot make %s: %s", h->dir, strerror(errno));
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

static void remove_run_files(const struct host *h)
{
    unlink(h->pid);
    unlink(h->qemu_mgmt);
    unlink(h->qmp);
    unlink(h->mux_pid);
    unlink(h->sock);
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

static int write_conf(const struct host *h, const struct host_params *p, pid_t pid, const char *hv,
                      const char *dom0)
{
    char tmp[PATH_MAX + 8];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.tmp", h->conf);
    f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f,
            "# How exo host start started this host.\nname=%s\npid=%d\nstarted=%lld\n"
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
        if (host_file_contains(h->serial, READY_LINE)) {
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
        if (host_file_contains(h->serial, "PANIC")) {
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
        exo_error(0, "host '%s' did not come up (no \"%s\" line within %d s): stopping it", h->name,
                  READY_LINE, START_TIMEOUT_S);
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

    rc = host_parse_args(c, argc, argv, opts, start_option, &o, &arg);
    if (rc)
        return rc;
    name = host_pick_name(c, g, arg, &rc);
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
            fprintf(stderr, "exo: note: using tcg: KVM cannot run the hypervisor here: %s\n", why);
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
    if (!rc && (rc = host_mux_start(&h, pid))) {
        exo_error(0, "stopping host '%s'", name);
        kill_host(&h, pid);
        host_mux_stop(&h);
        remove_run_files(&h);
    }
    close(lock);
    if (rc)
        return rc;
    printf("host '%s' running: PID %d, %s; management socket %s, serial log %s\n", name, (int)pid,
           o.p.accel, h.sock, h.serial);
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
    const char *arg;
    int rc, lock, force = 0;
    struct host h;
    pid_t pid;

    rc = host_parse_args(c, argc, argv, opts, stop_option, &force, &arg);
    if (rc || (rc = host_open_existing(c, g, arg, &h)))
        return rc;
    rc = lock_host(&h, &lock);
    if (rc)
        return rc;
    pid = host_running(&h);
    if (!pid) {
        /* A multiplexer left by a QEMU that ended on its own. */
        host_mux_stop(&h);
        remove_run_files(&h);
        close(lock);
        return exo_error(EXO_NOT_RUNNING, "host '%s' is not running", h.name);
    }
    if (force || host_qmp_quit(&h) || host_wait_gone(&h, pid, STOP_WAIT_MS)) {
        if (!force)
            fprintf(stderr, "exo: host '%s' did not quit when asked: killing QEMU (PID %d)\n",
                    h.name, (int)pid);
        if (kill_host(&h, pid)) {
            close(lock);
            return exo_error(EXO_FAILED, "QEMU (PID %d) of host '%s' does not die", (int)pid,
                             h.name);
        }
    }
    /* The multiplexer would end by itself within a second of QEMU; stop it
     * now, so that nothing of the host is left when stop returns. */
    if (host_mux_stop(&h)) {
        close(lock);
        return exo_error(EXO_FAILED, "the multiplexer of host '%s' does not die", h.name);
    }
    remove_run_files(&h);
    close(lock);
    printf("host '%s' stopped\n", h.name);
    return EXO_OK;
}
