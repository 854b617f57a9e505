/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time as a guest sees it: system time is monotonic, the wall clock is a
 * plausible date, and a 10 ms sleep on the vCPU timer lands inside its
 * window. Run under QEMU -icount, where time counts instructions, so the
 * window is exact and the test cannot be upset by a busy host.
 */
#include <exo/time.h>
#include <stdio.h>

#define MS 1000000ul
#define WINDOW_NS (1 * MS) /* a sleep may overshoot by at most this */

int main(int argc, char **argv)
{
    uint64_t last = libos_time_ns(), sec;
    uint32_t nsec;
    int failures = 0;

    for (int i = 0; i < 100000; i++) {
        uint64_t now = libos_time_ns();

        if (now < last) {
            printf("timer: FAIL: time went back from %lu to %lu\n", last, now);
            return 1;
        }
        last = now;
    }
    printf("timer: monotonic over 100000 reads\n");

    libos_wallclock(&sec, &nsec);
    if (sec < 1700000000u || nsec >= 1000000000u) {
        printf("timer: FAIL: wall clock %lu.%09u is not a plausible date\n", sec, nsec);
        failures++;
    } else {
        printf("timer: wall clock is a plausible date\n");
    }

    for (int i = 0; i < 3; i++) {
        uint64_t start = libos_time_ns(), slept;

        libos_sleep_ns(10 * MS);
        slept = libos_time_ns() - start;
        if (slept < 10 * MS || slept > 10 * MS + WINDOW_NS) {
            printf("timer: FAIL: a 10 ms sleep took %lu ns\n", slept);
            failures++;
        } else {
            printf("timer: a 10 ms sleep took %lu.%03lu ms\n", slept / MS, slept / 1000 % 1000);
        }
    }
    return failures ? 1 : 0;
}
