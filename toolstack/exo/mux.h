/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's multiplexer (docs/toolstack.md, "Multiplexer"): QEMU's socket
 * for the management channel takes one connection at a time, so one
 * process holds it and lets several exo clients talk to exod at once,
 * renumbering their requests and routing the replies back.
 */
#ifndef EXO_MUX_H
#define EXO_MUX_H

#include <signal.h>
#include <sys/types.h>

#define MUX_CLIENTS_MAX 16     /* clients connected at once; more wait in the backlog */
#define MUX_IDS_PER_CLIENT 64  /* request ids one client may have open */
#define MUX_CLIENT_ERRORS 4    /* bad frames (or runs of garbage) before a client is dropped */
#define MUX_OUT_MAX (4u << 20) /* replies queued for a client that does not read them */
#define MUX_RECONNECT_MS 200   /* between attempts to reach QEMU's socket */

struct mux_config {
    const char *listen; /* the clients' socket (exo.sock), made by the multiplexer */
    const char *qemu;   /* QEMU's chardev socket (qemu-mgmt.sock) */
    pid_t qemu_pid;     /* exit once this process is gone; 0: never */
};

/* Runs until *stop is set (a signal handler sets it) or QEMU is gone,
 * logging to stderr. Returns 0, or 1 if the clients' socket cannot be made. */
int mux_run(const struct mux_config *c, volatile sig_atomic_t *stop);

/* `exo __mux LISTEN QEMU-SOCKET [QEMU-PID]`, what exo host start runs in
 * the background: mux_run until SIGTERM or SIGINT. */
int exo_mux_main(int argc, char **argv);

#endif
