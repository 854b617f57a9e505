/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The state folder's resolution and the checks of names and numbers
 * (state.h). Pure functions: the environment comes in as arguments.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

int path_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

int state_dir_resolve(const char *exo_state_dir, const char *xdg_state_home, const char *home,
                      const char *cwd, char *buf, size_t size)
{
    if (exo_state_dir && *exo_state_dir) {
        if (*exo_state_dir == '/')
            return path_format(buf, size, "%s", exo_state_dir);
        /* QEMU and the sockets get absolute paths: exo may run anywhere. */
        if (!cwd || *cwd != '/')
            return -1;
        return path_format(buf, size, "%s/%s", cwd, exo_state_dir);
    }
    if (xdg_state_home && *xdg_state_home == '/')
        return path_format(buf, size, "%s/exovisor", xdg_state_home);
    if (home && *home == '/')
        return path_format(buf, size, "%s/.local/state/exovisor", home);
    return -1;
}

int host_name_valid(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > HOST_NAME_MAX_LEN || name[0] == '.' || name[0] == '-')
        return 0;
    return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

int domain_ref_parse(const char *s, unsigned long *id)
{
    size_t n = strlen(s);

    if (n && strspn(s, "0123456789") == n) {
        if (n > 1 && s[0] == '0')
            return -1;
        return parse_number(s, 0, 32767, id) ? -1 : 1;
    }
    if (n == 0 || n > 31 || s[0] == '-')
        return -1;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n ? 0
                                                                                               : -1;
}

int parse_number(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    unsigned long v;
    char *end;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}
