/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A host: the hypervisor in a QEMU process in the background, and its
 * state folder STATE/hosts/NAME (state.h says where STATE is), which holds
 *
 *   lock        flock()ed while a start or stop runs, so that two cannot race
 *   qemu.pid    QEMU's PID while it runs
 *   host.conf   how it was started (KEY=VALUE lines)
 *   serial.log  the hypervisor's console: its lines and the domains' "(dN)" ones
 *   qemu.log    what QEMU itself printed
 *   qemu-mgmt.sock  the management channel: QEMU's socket for the second
 *               serial port (COM2, I/O 0x2f8, IRQ 3), which takes one
 *               connection: the multiplexer's
 *   exo.sock    the multiplexer's socket, where exo clients connect
 *   mux.pid     the multiplexer's PID while it runs (`exo __mux`, mux.h)
 *   mux.log     what the multiplexer logged
 *   qmp.sock    QEMU's monitor (QMP), through which exo asks it to quit
 */
#ifndef EXO_HOST_H
#define EXO_HOST_H

#include <limits.h>
#include <sys/types.h>

struct host {
    const char *name;
    char state[PATH_MAX]; /* the state folder */
    char dir[PATH_MAX];   /* STATE/hosts/NAME */
    char lock[PATH_MAX], pid[PATH_MAX], conf[PATH_MAX], serial[PATH_MAX], qemu_log[PATH_MAX],
        qemu_mgmt[PATH_MAX], sock[PATH_MAX], mux_pid[PATH_MAX], mux_log[PATH_MAX], qmp[PATH_MAX];
};

/* How a host is started (exo host start's options). */
struct host_params {
    unsigned long memory_mib, cpus;
    const char *accel; /* "tcg" or "kvm", as decided */
};

struct exo_command;
struct exo_globals;
struct option;

/* The host a command addresses: its NAME argument (arg, may be NULL),
 * else the global one. *rc is 0, or EXO_USAGE if the name is bad. */
const char *host_pick_name(const struct exo_command *c, const struct exo_globals *g,
                           const char *arg, int *rc);

/* host_pick_name and host_init for a host that must exist already (stop,
 * status): 0, or an exit code after a message (EXO_NOT_FOUND: no such
 * host folder). */
int host_open_existing(const struct exo_command *c, const struct exo_globals *g, const char *arg,
                       struct host *h);

/* getopt_long over a command's arguments, options before or after NAME;
 * option() takes each option (its val, its value) and returns 0 or an
 * exit code. Returns 0 with *name, the one NAME (NULL if none), or an
 * exit code after a usage message. */
int host_parse_args(const struct exo_command *c, int argc, char **argv, const struct option *opts,
                    int (*option)(const struct exo_command *c, int opt, const char *arg, void *ctx),
                    void *ctx, const char **name);

/* Fills h's paths for the host name (already checked) from the
 * environment. Returns 0, or an exit code after saying what is wrong. */
int host_init(struct host *h, const char *name);

/* QEMU's PID if the host runs: qemu.pid names a live process whose command
 * line holds this host's monitor socket (a reused PID is not taken for
 * it). 0 if not. */
pid_t host_running(const struct host *h);

/* The files QEMU boots, found from where the exo binary is: in the build
 * tree (BUILD/bin/exo: BUILD/hv.elf, BUILD/guests/NAME.elf) or installed
 * (PREFIX/bin/exo: PREFIX/share/exovisor/). file is "hv.elf", "exod.elf"
 * or "hello.elf". Returns 0, or an exit code after saying what is missing. */
int host_find_image(const char *file, char *path, size_t size);

/* Launches QEMU for h in the background (its own session, stdin from
 * /dev/null, its output in qemu.log). Returns its PID or -1 (errno). */
pid_t host_launch(const struct host *h, const struct host_params *p, const char *hv,
                  const char *dom0);

/* Asks the QEMU of h to quit through its monitor. 0 if it said yes. */
int host_qmp_quit(const struct host *h);

/* Whether KVM can run the hypervisor here: a boot of hv + hello with
 * -accel kvm, whose verdict is cached in STATE/kvm-probe. 1 yes, 0 no,
 * with why in reason. */
int host_kvm_usable(const struct host *h, char *reason, size_t size);

/* Waits up to ms milliseconds for pid (not a child) to be gone: 0 if it
 * went. */
int host_wait_gone(const struct host *h, pid_t pid, unsigned int ms);

/* Whether a line of the file at path (a log) holds text; 0 if it cannot
 * be read. */
int host_file_contains(const char *path, const char *text);

/* Whether /proc/PID/cmdline holds word in one of its arguments (a live
 * process that is what a PID file says, not a reused PID). */
int host_pid_mentions(pid_t pid, const char *word);

/* Runs argv in its own session, stdin from /dev/null, stdout and stderr to
 * out (truncated). Returns the child's PID or -1. */
pid_t host_spawn(char *const *argv, const char *out);

/* The multiplexer (host_mux.c): started after QEMU (given its PID) by
 * exo host start, it holds QEMU's management socket and serves exo.sock.
 * host_mux_start returns 0 once exo.sock exists, else an exit code after
 * saying why. host_mux_running: its PID, or 0. host_mux_stop: SIGTERM,
 * then SIGKILL; 0 once it is gone (or was not there). */
int host_mux_start(const struct host *h, pid_t qemu);
pid_t host_mux_running(const struct host *h);
int host_mux_stop(const struct host *h);

#endif
