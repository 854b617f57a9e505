/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A host's files (host.h): the paths of its state folder, whether its QEMU
 * runs, and where the images it boots are.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "host.h"
#include "state.h"

int host_init(struct host *h, const char *name)
{
    char cwd[PATH_MAX];
    struct sockaddr_un sun;
    int bad = 0;

    memset(h, 0, sizeof(*h));
    h->name = name;
    if (state_dir_resolve(getenv("EXO_STATE_DIR"), getenv("XDG_STATE_HOME"), getenv("HOME"),
                          getcwd(cwd, sizeof(cwd)), h->state, sizeof(h->state)))
        return exo_error(EXO_FAILED, "no state folder: set EXO_STATE_DIR or HOME");
    bad |= path_format(h->dir, sizeof(h->dir), "%s/hosts/%s", h->state, name);
    bad |= path_format(h->lock, sizeof(h->lock), "%s/lock", h->dir);
    bad |= path_format(h->pid, sizeof(h->pid), "%s/qemu.pid", h->dir);
    bad |= path_format(h->conf, sizeof(h->conf), "%s/host.conf", h->dir);
    bad |= path_format(h->serial, sizeof(h->serial), "%s/serial.log", h->dir);
    bad |= path_format(h->qemu_log, sizeof(h->qemu_log), "%s/qemu.log", h->dir);
    bad |= path_format(h->qemu_mgmt, sizeof(h->qemu_mgmt), "%s/qemu-mgmt.sock", h->dir);
    bad |= path_format(h->sock, sizeof(h->sock), "%s/exo.sock", h->dir);
    bad |= path_format(h->mux_pid, sizeof(h->mux_pid), "%s/mux.pid", h->dir);
    bad |= path_format(h->mux_log, sizeof(h->mux_log), "%s/mux.log", h->dir);
    bad |= path_format(h->qmp, sizeof(h->qmp), "%s/qmp.sock", h->dir);
    /* QEMU's options are comma-separated: a path holding one would be cut. */
    if (!bad && strchr(h->dir, ','))
        return exo_error(EXO_FAILED,
                         "%s: QEMU cannot take a path with a comma; "
                         "set EXO_STATE_DIR to another folder",
                         h->dir);
    /* A Unix socket's path has a hard limit; better said now than by QEMU.
     * qemu-mgmt.sock is the longest of the host's sockets. */
    if (bad || strlen(h->qemu_mgmt) >= sizeof(sun.sun_path))
        return exo_error(EXO_FAILED,
                         "%s: too long a path for a socket (at most %zu bytes); "
                         "set EXO_STATE_DIR to a shorter folder",
                         h->qemu_mgmt, sizeof(sun.sun_path) - 1);
    return 0;
}

int host_file_contains(const char *path, const char *text)
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

/* An argument containing word counts (QEMU's -qmp unix:PATH,...). */
int host_pid_mentions(pid_t pid, const char *word)
{
    char path[64], buf[8192];
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0; /* a zombie has an empty command line: it is gone */
    buf[n] = '\0';
    for (char *p = buf; p < buf + n; p += strlen(p) + 1)
        if (strstr(p, word))
            return 1;
    return 0;
}

pid_t host_running(const struct host *h)
{
    FILE *f = fopen(h->pid, "r");
    long pid = 0;

    if (!f)
        return 0;
    if (fscanf(f, "%ld", &pid) != 1 || pid <= 1 || pid > INT_MAX)
        pid = 0;
    fclose(f);
    if (pid && kill((pid_t)pid, 0) && errno == ESRCH)
        pid = 0;
    return pid && host_pid_mentions((pid_t)pid, h->qmp) ? (pid_t)pid : 0;
}

int host_wait_gone(const struct host *h, pid_t pid, unsigned int ms)
{
    for (unsigned int waited = 0;; waited += 50) {
        if (!host_pid_mentions(pid, h->qmp))
            return 0;
        if (waited >= ms)
            return -1;
        nanosleep(&(struct timespec){.tv_nsec = 50 * 1000 * 1000}, NULL);
    }
}

int host_find_image(const char *file, char *path, size_t size)
{
    char self[PATH_MAX], *slash;
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    const char *guest = strcmp(file, "hv.elf") ? "guests/" : "";

    if (n <= 0)
        return exo_error(EXO_FAILED, "cannot find the exo binary: %s", strerror(errno));
    self[n] = '\0';
    slash = strrchr(self, '/');
    *slash = '\0'; /* .../bin */
    slash = strrchr(self, '/');
    if (slash)
        *slash = '\0'; /* the build tree, or PREFIX */
    if (!path_format(path, size, "%s/%s%s", self, guest, file) && !access(path, R_OK))
        return 0;
    if (!path_format(path, size, "%s/share/exovisor/%s", self, file) && !access(path, R_OK))
        return 0;
    return exo_error(EXO_FAILED, "cannot find %s: not in %s/%s nor in %s/share/exovisor/", file,
                     self, *guest ? "guests" : ".", self);
}
