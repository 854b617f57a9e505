/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QEMU for a host (host.h): its command line and launch in the background,
 * the monitor request that makes it quit, and the test boot that decides
 * whether KVM can run the hypervisor. /dev/kvm existing proves nothing:
 * KVM without nested SVM or VMX starts QEMU and never runs the hypervisor,
 * so only a boot that reaches a guest's output counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "host.h"
#include "state.h"

#define ARGS_MAX 48
#define PROBE_MS 10000
#define PROBE_LINE "hello from a unikernel"

static const char *qemu_binary(void)
{
    const char *q = getenv("QEMU");

    return q && *q ? q : "qemu-system-x86_64";
}

pid_t host_spawn(char *const *argv, const char *out)
{
    pid_t pid = fork();

    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        /* Its own session: a terminal's hang-up or ^C never reaches it. */
        setsid();
        if (in < 0 || fd < 0 || dup2(in, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(127);
        execvp(argv[0], argv);
        dprintf(2, "exo: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

/* The machine every boot uses: q35, no display, no default devices, the
 * console on COM1 into serial, and the isa-debug-exit port through which
 * the hypervisor powers off. */
static int machine_args(char **argv, char *buf, size_t size, const char *accel,
                        unsigned long memory_mib, unsigned long cpus, const char *serial)
{
    int n = 0;
    size_t used = 0;

#define ARG(...)                                                                                   \
    do {                                                                                           \
        int len_ = snprintf(buf + used, size - used, __VA_ARGS__);                                 \
        if (len_ < 0 || (size_t)len_ >= size - used || n == ARGS_MAX - 1)                          \
            return -1;                                                                             \
        argv[n++] = buf + used;                                                                    \
        used += (size_t)len_ + 1;                                                                  \
    } while (0)
    ARG("%s", qemu_binary());
    ARG("-machine");
    ARG("q35");
    ARG("-cpu");
    ARG("%s", strcmp(accel, "kvm") ? "max" : "host");
    ARG("-accel");
    ARG("%s", accel);
    ARG("-m");
    ARG("%lu", memory_mib);
    ARG("-smp");
    ARG("%lu", cpus);
    ARG("-display");
    ARG("none");
    ARG("-nodefaults");
    ARG("-no-reboot");
    ARG("-serial");
    ARG("file:%s", serial);
    ARG("-device");
    ARG("isa-debug-exit,iobase=0xf4,iosize=4");
    argv[n] = NULL;
    return n;
#undef ARG
}

pid_t host_launch(const struct host *h, const struct host_params *p, const char *hv,
                  const char *dom0)
{
    static char buf[32768]; /* five paths of PATH_MAX fit */
    char *argv[ARGS_MAX];
    int n = machine_args(argv, buf, sizeof(buf), p->accel, p->memory_mib, p->cpus, h->serial);
    size_t used;
    char *extra[12];
    int e = 0;

    if (n < 0) {
        errno = ENAMETOOLONG;
        return -1;
    }
    used = (size_t)(argv[n - 1] - buf) + strlen(argv[n - 1]) + 1;
    /* The management channel: a second 16550 at COM2 whose other end is a
     * socket that the multiplexer connects to; wait=off lets the machine
     * run before. */
    extra[e++] = "-chardev";
    extra[e++] = buf + used;
    used += (size_t)snprintf(buf + used, sizeof(buf) - used,
                             "socket,id=mgmt,path=%s,server=on,wait=off", h->qemu_mgmt) +
            1;
    extra[e++] = "-device";
    extra[e++] = "isa-serial,chardev=mgmt,iobase=0x2f8,irq=3";
    extra[e++] = "-qmp";
    extra[e++] = buf + used;
    used +=
        (size_t)snprintf(buf + used, sizeof(buf) - used, "unix:%s,server=on,wait=off", h->qmp) + 1;
    extra[e++] = "-kernel";
    extra[e++] = buf + used;
    used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s", hv) + 1;
    /* poweroff: if exod ends, the machine ends, and status tells. */
    extra[e++] = "-append";
    extra[e++] = "poweroff";
    extra[e++] = "-initrd";
    extra[e++] = buf + used;
    used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s serve", dom0) + 1;
    if (strchr(dom0, ',')) {
        /* -initrd separates modules with commas. */
        errno = EINVAL;
        return -1;
    }
    if (used > sizeof(buf) || n + e >= ARGS_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(argv + n, extra, (size_t)e * sizeof(*argv));
    argv[n + e] = NULL;
    return host_spawn(argv, h->qemu_log);
}

/* One line from the monitor into buf (NUL-terminated): 0, or -1 on error
 * or time-out (the socket has SO_RCVTIMEO). */
static int qmp_read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;

    while (n < size - 1) {
        ssize_t r = read(fd, buf + n, 1);

        if (r <= 0)
            return -1;
        if (buf[n] == '\n')
            break;
        n++;
    }
    buf[n] = '\0';
    return 0;
}

static int qmp_command(int fd, const char *command, char *reply, size_t size)
{
    size_t len = strlen(command);

    /* MSG_NOSIGNAL: a QEMU that closes the socket must not kill exo. */
    if (send(fd, command, len, MSG_NOSIGNAL) != (ssize_t)len)
        return -1;
    /* Events may come before the answer; the answer has "return". */
    do {
        if (qmp_read_line(fd, reply, size))
            return -1;
    } while (!strstr(reply, "\"return\"") && !strstr(reply, "\"error\""));
    return strstr(reply, "\"return\"") ? 0 : -1;
}

int host_qmp_quit(const struct host *h)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    struct timeval tv = {.tv_sec = 2};
    char line[4096];
    int fd, err = -1;

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (strlen(h->qmp) >= sizeof(sun.sun_path)) {
        close(fd);
        return -1;
    }
    memcpy(sun.sun_path, h->qmp, strlen(h->qmp) + 1);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 &&
        !qmp_read_line(fd, line, sizeof(line)) && strstr(line, "\"QMP\"") &&
        !qmp_command(fd, "{\"execute\": \"qmp_capabilities\"}\n", line, sizeof(line)) &&
        !qmp_command(fd, "{\"execute\": \"quit\"}\n", line, sizeof(line)))
        err = 0;
    close(fd);
    return err;
}

/* The test boot itself: 1 if hello ran under KVM within PROBE_MS, 0 if
 * not, -1 if it could not be tried (not a verdict to keep). */
static int kvm_probe(const struct host *h, char *reason, size_t size)
{
    static char buf[8192];
    char hv[PATH_MAX], hello[PATH_MAX], log[PATH_MAX], out[PATH_MAX], *argv[ARGS_MAX];
    int n, status, seen = 0;
    pid_t pid;

    if (access("/dev/kvm", R_OK | W_OK)) {
        snprintf(reason, size, "/dev/kvm: %s", strerror(errno));
        return 0;
    }
    if (host_find_image("hv.elf", hv, sizeof(hv)) ||
        host_find_image("hello.elf", hello, sizeof(hello))) {
        snprintf(reason, size, "no images for the test boot");
        return -1;
    }
    if (path_format(log, sizeof(log), "%s/kvm-probe.log", h->state) ||
        path_format(out, sizeof(out), "%s/kvm-probe.qemu.log", h->state))
        return -1;
    unlink(log);
    n = machine_args(argv, buf, sizeof(buf), "kvm", 256, 1, log);
    if (n < 0 || n + 6 >= ARGS_MAX)
        return -1;
    argv[n++] = "-kernel";
    argv[n++] = hv;
    argv[n++] = "-append";
    argv[n++] = "poweroff";
    argv[n++] = "-initrd";
    argv[n++] = hello;
    argv[n] = NULL;
    pid = host_spawn(argv, out);
    if (pid < 0) {
        snprintf(reason, size, "cannot run QEMU: %s", strerror(errno));
        return -1;
    }
    for (int waited = 0; waited < PROBE_MS && !seen; waited += 100) {
        nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
        seen = host_file_contains(log, PROBE_LINE);
        if (!seen && waitpid(pid, &status, WNOHANG) == pid) {
            pid = 0;
            break;
        }
    }
    if (pid) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    if (!seen)
        snprintf(reason, size, "a test boot under KVM printed nothing of its guest within %d s",
                 PROBE_MS / 1000);
    return seen;
}

int host_kvm_usable(const struct host *h, char *reason, size_t size)
{
    char cache[PATH_MAX], line[512];
    FILE *f;
    int yes;

    if (path_format(cache, sizeof(cache), "%s/kvm-probe", h->state))
        return 0;
    f = fopen(cache, "r");
    if (f) {
        int ok = fgets(line, sizeof(line), f) != NULL;

        fclose(f);
        line[strcspn(line, "\n")] = '\0';
        if (ok && !strcmp(line, "yes")) {
            snprintf(reason, size, "cached in %s", cache);
            return 1;
        }
        if (ok && !strncmp(line, "no: ", 4)) {
            snprintf(reason, size, "%s (cached in %s)", line + 4, cache);
            return 0;
        }
    }
    yes = kvm_probe(h, reason, size);
    if (yes < 0)
        return 0;
    f = fopen(cache, "w");
    if (f) {
        fprintf(f, yes ? "yes\n" : "no: %s\n", reason);
        fclose(f);
    }
    return yes;
}
