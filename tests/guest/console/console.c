/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The console ring from an application's side. Modes (the first argument):
 *   echo     reads stdin lines with fgets and prints "echo: LINE" (a
 *            summary for long lines) until "quit"; first it checks that
 *            stdout goes through the console ring, and writes 50 lines in
 *            one write, more than the output ring holds.
 *   nonblock with O_NONBLOCK on stdin, reads get EAGAIN (only domain 0
 *            receives input, so this one never does); without it, a
 *            program that never gets input would wait for ever.
 *   hostile  writes garbage indices into its own console ring and
 *            notifies, several times; then repairs the ring, prints again
 *            and releases the ring page, after which the hypervisor must
 *            neither read nor write it.
 * Each mode ends with "console: MODE: done" and status 0.
 */
#include <errno.h>
#include <exo/hypercall.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile struct hv_console_ring *const ring =
    (volatile struct hv_console_ring *)(uintptr_t)HV_GUEST_CONSOLE_GPA;
static int failures;

static void check(int ok, const char *what)
{
    failures += !ok;
    printf("%s - %s\n", ok ? "ok" : "FAIL", what);
}

static int echo(void)
{
    static char bulk[50 * 100 + 1], line[4096];
    uint32_t before = ring->out_prod;
    size_t len;

    printf("echo: ready\n");
    check(ring->out_prod - before == sizeof("echo: ready\n") - 1,
          "stdout went through the console ring");
    check(ring->out_cons == ring->out_prod, "the hypervisor drained the ring");
    for (int i = 0; i < 50; i++)
        snprintf(bulk + i * 100, 101, "bulk %02d %-91.91s\n", i,
                 "..........................................................................");
    fwrite(bulk, 1, 50 * 100, stdout);
    fflush(stdout);
    while (fgets(line, sizeof(line), stdin)) {
        len = strlen(line);
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        if (!strcmp(line, "quit"))
            return 0;
        if (len > 100) {
            size_t xs = strspn(line, "x");

            printf("echo: a line of %zu bytes, %s\n", len,
                   xs == len ? "all x" : "NOT all x");
        } else {
            printf("echo: %s\n", line);
        }
    }
    check(0, "stdin ended before quit");
    return 1;
}

static int nonblock(void)
{
    char c;
    int flags = fcntl(0, F_GETFL);

    check(flags >= 0 && !(flags & O_NONBLOCK), "stdin starts blocking");
    check(fcntl(0, F_SETFL, flags | O_NONBLOCK) == 0, "fcntl sets O_NONBLOCK");
    check(fcntl(0, F_GETFL) & O_NONBLOCK, "fcntl reports O_NONBLOCK");
    for (int i = 0; i < 3; i++) {
        errno = 0;
        check(read(0, &c, 1) == -1 && errno == EAGAIN, "read with no input: EAGAIN");
    }
    errno = 0;
    check(read(5, &c, 1) == -1 && errno == EBADF, "read of a file that is not open: EBADF");
    return 0;
}

static void notify(void)
{
    hv_console_write(0, 0);
}

static int hostile(void)
{
    const uint32_t bad[][2] = {{0, 0x80000000u}, {0xfffff000u, 0x10}, {5, 4}, {0, 0xffffffffu}};
    uint32_t prod;

    printf("hostile: before\n");
    /* The library OS owns the ring; this program breaks it on purpose,
     * and talks through the hypercall until it is repaired. */
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        for (unsigned int j = 0; j < sizeof(ring->out); j++)
            ring->out[j] = (char)('A' + i);
        ring->out[sizeof(ring->out) - 1] = '\n';
        ring->out_cons = bad[i][0];
        ring->out_prod = bad[i][1];
        ring->in_cons = bad[i][1];
        ring->in_prod = bad[i][0];
        notify();
        hv_console_write((long)(uintptr_t)"hostile: notified\n", 18);
    }
    /* Repair it: the indices equal, where the back end left out_cons. */
    prod = ring->out_cons;
    ring->out_prod = prod;
    ring->in_cons = ring->in_prod;
    printf("hostile: after the repair\n");
    /* Without its ring page the domain's notifications find nothing (and
     * from here on only the hypercall may print). */
    fflush(stdout);
    if (hv_memory_op(HV_MEMOP_release, HV_GUEST_CONSOLE_GPA >> 12, 1) != 1)
        failures++;
    notify();
    hv_console_write((long)(uintptr_t)"hostile: still running\n", 23);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    int status;

    if (!strcmp(mode, "echo"))
        status = echo();
    else if (!strcmp(mode, "nonblock"))
        status = nonblock();
    else if (!strcmp(mode, "hostile"))
        status = hostile();
    else {
        printf("console: unknown mode '%s'\n", mode);
        return 2;
    }
    /* After the hostile run the ring page is gone: the hypercall it is. */
    if (!strcmp(mode, "hostile")) {
        if (failures)
            hv_console_write((long)(uintptr_t)"console: hostile: FAIL\n", 23);
        else
            hv_console_write((long)(uintptr_t)"console: hostile: done\n", 23);
        return failures != 0;
    }
    if (status || failures) {
        printf("console: %s: FAIL\n", mode);
        return 1;
    }
    printf("console: %s: done\n", mode);
    return 0;
}
