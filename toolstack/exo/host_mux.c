/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A host's multiplexer process (host.h, mux.h): exo runs itself again as
 * `exo __mux EXO.SOCK QEMU-MGMT.SOCK QEMU-PID` in the background, in its own
 * session, logging to mux.log; its PID goes to mux.pid. One binary to
 * install and no search for another: /proc/self/exe is the exo running.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exo.h"
#include "host.h"

#define MUX_START_MS 3000
#define MUX_STOP_MS 2000

static void sleep_50ms(void)
{
    nanosleep(&(struct timespec){.tv_nsec = 50 * 1000 * 1000}, NULL);
}

/* Waits up to ms for pid, whose command line names h's exo.sock, to go. */
static int wait_gone(const struct host *h, pid_t pid, unsigned int ms)
{
    for (unsigned int waited = 0;; waited += 50) {
        /* Our child while exo host start runs: reap it, or it stays a zombie. */
        waitpid(pid, NULL, WNOHANG);
        if (!host_pid_mentions(pid, h->sock))
            return 0;
        if (waited >= ms)
            return -1;
        sleep_50ms();
    }
}

int host_mux_start(const struct host *h, pid_t qemu)
{
    static char self[PATH_MAX], sock[PATH_MAX], qemu_mgmt[PATH_MAX];
    char command[] = "__mux", qemu_pid[16];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    char *argv[] = {self, command, sock, qemu_mgmt, qemu_pid, NULL};
    struct stat st;
    FILE *f;
    pid_t pid;

    if (n <= 0)
        return exo_error(EXO_FAILED, "cannot find the exo binary: %s", strerror(errno));
    self[n] = '\0';
    snprintf(qemu_pid, sizeof(qemu_pid), "%d", (int)qemu);
    snprintf(sock, sizeof(sock), "%s", h->sock);
    snprintf(qemu_mgmt, sizeof(qemu_mgmt), "%s", h->qemu_mgmt);
    pid = host_spawn(argv, h->mux_log);
    if (pid < 0)
        return exo_error(EXO_FAILED, "cannot start the multiplexer: %s", strerror(errno));
    f = fopen(h->mux_pid, "w");
    if (!f || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f)) {
        exo_error(0, "cannot write %s: %s", h->mux_pid, strerror(errno));
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return EXO_FAILED;
    }
    for (unsigned int waited = 0; waited < MUX_START_MS; waited += 50) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            break;
        if (!stat(h->sock, &st) && S_ISSOCK(st.st_mode))
            return 0;
        sleep_50ms();
    }
    exo_error(0, "the multiplexer did not start (its log: %s)", h->mux_log);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return EXO_FAILED;
}

pid_t host_mux_running(const struct host *h)
{
    FILE *f = fopen(h->mux_pid, "r");
    long pid = 0;

    if (!f)
        return 0;
    if (fscanf(f, "%ld", &pid) != 1 || pid <= 1 || pid > 0x7fffffff)
        pid = 0;
    fclose(f);
    return pid && host_pid_mentions((pid_t)pid, h->sock) ? (pid_t)pid : 0;
}

int host_mux_stop(const struct host *h)
{
    pid_t pid = host_mux_running(h);

    if (!pid)
        return 0;
    kill(pid, SIGTERM);
    if (!wait_gone(h, pid, MUX_STOP_MS))
        return 0;
    kill(pid, SIGKILL);
    return wait_gone(h, pid, MUX_STOP_MS);
}
