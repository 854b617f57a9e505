/* SPDX-License-Identifier: GPL-2.0-only */
/* A guest that never ends by itself: exod must stop it (stop-after=). */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    printf("spin: running until stopped\n");
    for (;;)
        sleep(1);
}
