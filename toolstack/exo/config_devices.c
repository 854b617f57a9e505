/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The strings inside vif = [...] and disk = [...]: comma-separated
 * parameters as xl-network-configuration(5) and xl-disk-configuration(5)
 * define them, restricted to what exo's back ends serve. A vif is
 * key=value pairs; a disk is positional parameters (target, format, vdev,
 * access, in that order), key=value pairs, or both, with "target=" taking
 * the rest of the string since a path may hold commas.
 */
#include <stdio.h>
#include <string.h>

#include <public/errno.h>

#include "config_private.h"

static int why_error(char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int why_error(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return -HV_EINVAL;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* XX:XX:XX:XX:XX:XX, two hex digits each. */
static int parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);

        if (hi < 0 || lo < 0 || s[2] != (i == 5 ? '\0' : ':'))
            return -1;
        mac[i] = (uint8_t)(hi << 4 | lo);
        s += 3;
    }
    return 0;
}

/* A decimal number without a leading zero, at most max; advances *s. */
static int parse_decimal(const char **s, unsigned int max, unsigned int *out)
{
    const char *p = *s;
    unsigned int v = 0;

    if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (unsigned int)(*p - '0');
        if (v > max)
            return -1;
    }
    *s = p;
    *out = v;
    return 0;
}

/* A.B.C.D, optionally /PREFIX (1..32). Leading zeros are refused: some
 * readers take them as octal. */
static int parse_ip(const char *s, uint8_t ip[4], uint8_t *prefix)
{
    unsigned int v;

    for (int i = 0; i < 4; i++) {
        if (parse_decimal(&s, 255, &v))
            return -1;
        ip[i] = (uint8_t)v;
        if (i < 3 && *s++ != '.')
            return -1;
    }
    *prefix = 0;
    if (*s == '/') {
        s++;
        if (parse_decimal(&s, 32, &v) || v == 0)
            return -1;
        *prefix = (uint8_t)v;
    }
    return *s ? -1 : 0;
}

/* Interface and model names: what a shell and a netlink call take
 * without quoting. */
static int check_word(const char *what, const char *s, size_t max, char *out, char *why,
                      size_t why_size)
{
    size_t n = strlen(s);

    if (n == 0 || n > max)
        return why_error(why, why_size, "%s: must be 1 to %zu characters", what, max);
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' || s[i] == '.'))
            return why_error(why, why_size,
                             "%s: '%.80s' may hold only letters, digits, '_', '-' "
                             "and '.'",
                             what, s);
    memcpy(out, s, n + 1);
    return 0;
}

/* The next comma-separated item of *s, leading blanks skipped, into buf
 * (NUL-terminated); *s moves past the comma. Returns -1 at the end. */
static int next_item(const char **s, char *buf, size_t size, size_t *len)
{
    const char *p = *s, *end;

    if (!p)
        return -1;
    while (*p == ' ' || *p == '\t')
        p++;
    end = strchr(p, ',');
    *len = end ? (size_t)(end - p) : strlen(p);
    *s = end ? end + 1 : NULL;
    if (*len >= size)
        *len = size - 1; /* a caller's buffer holds any whole spec */
    memcpy(buf, p, *len);
    buf[*len] = '\0';
    return 0;
}

static const char *const vif_keys[] = {"mac", "ip", "bridge", "model", "vifname"};

int device_parse_vif(const char *spec, struct config_vif *vif, char *why, size_t why_size)
{
    char item[CONFIG_LINE_MAX + 1];
    unsigned int seen = 0;
    size_t len;

    memset(vif, 0, sizeof(*vif));
    while (!next_item(&spec, item, sizeof(item), &len)) {
        char *value = strchr(item, '=');
        unsigned int k;

        while (len && (item[len - 1] == ' ' || item[len - 1] == '\t'))
            item[--len] = '\0';
        if (!len)
            continue; /* an empty spec is a vif with every default */
        if (!value)
            return why_error(why, why_size, "'%.80s' is not KEY=VALUE", item);
        *value++ = '\0';
        for (k = 0; k < sizeof(vif_keys) / sizeof(vif_keys[0]); k++)
            if (!strcmp(item, vif_keys[k]))
                break;
        if (k == sizeof(vif_keys) / sizeof(vif_keys[0])) {
            const char *near = config_suggest(item, vif_keys, k);

            if (near)
                return why_error(why, why_size, "unknown key '%.80s' (did you mean '%.80s'?)", item,
                                 near);
            return why_error(why, why_size,
                             "unknown key '%.80s' (supported: mac, ip, bridge, model, vifname)",
                             item);
        }
        if (seen & (1u << k))
            return why_error(why, why_size, "'%.80s' given twice", item);
        seen |= 1u << k;
        switch (k) {
        case 0:
            if (parse_mac(value, vif->mac))
                return why_error(why, why_size, "mac: '%.80s' is not XX:XX:XX:XX:XX:XX", value);
            if (vif->mac[0] & 1)
                return why_error(why, why_size,
                                 "mac: %s is a multicast address; a vif needs a unicast one",
                                 value);
            if (!(vif->mac[0] | vif->mac[1] | vif->mac[2] | vif->mac[3] | vif->mac[4] |
                  vif->mac[5]))
                return why_error(why, why_size, "mac: the all-zero address is not usable");
            vif->has_mac = true;
            break;
        case 1:
            if (parse_ip(value, vif->ip, &vif->prefix))
                return why_error(why, why_size, "ip: '%.80s' is not A.B.C.D or A.B.C.D/PREFIX",
                                 value);
            vif->has_ip = true;
            break;
        case 2:
            if (check_word("bridge", value, CONFIG_IFNAME_MAX, vif->bridge, why, why_size))
                return -HV_EINVAL;
            break;
        case 3:
            if (check_word("model", value, CONFIG_MODEL_MAX, vif->model, why, why_size))
                return -HV_EINVAL;
            break;
        case 4:
            if (check_word("vifname", value, CONFIG_IFNAME_MAX, vif->vifname, why, why_size))
                return -HV_EINVAL;
            break;
        }
    }
    return 0;
}

/*
 * Disk names as xl takes them: a prefix, the disk as letters counted in
 * bijective base 26 (a is 0, z 25, aa 26), then an optional partition
 * number without leading zeros. hd has 4 disks of 64 partitions, sd 16 of
 * 16, xvd 2^20 of 256; d<disk>[p<partition>] is another way to write xvd.
 */
static int vdev_letters(const char *s, const char *prefix, unsigned int max_disk,
                        unsigned int max_part, unsigned int *disk, unsigned int *part)
{
    size_t n = strlen(prefix);
    unsigned int d = 0;
    const char *p;

    if (strncmp(s, prefix, n))
        return -1;
    p = s + n;
    if (*p < 'a' || *p > 'z')
        return -1;
    for (; *p >= 'a' && *p <= 'z'; p++) {
        d = d * 26 + (unsigned int)(*p - 'a') + 1;
        if (d - 1 > max_disk)
            return -1;
    }
    *disk = d - 1;
    *part = 0;
    /* Partitions count from 1; the whole disk has no number. */
    if (*p && (parse_decimal(&p, max_part, part) || *p || !*part))
        return -1;
    return 0;
}

/* d<disk>[p<partition>], xvd's numeric form. */
static int vdev_numeric(const char *s, unsigned int *disk, unsigned int *part)
{
    const char *p = s + 1;

    if (s[0] != 'd' || parse_decimal(&p, (1u << 20) - 1, disk))
        return -1;
    *part = 0;
    if (!*p)
        return 0;
    if (*p++ != 'p' || parse_decimal(&p, 255, part) || *p || !*part)
        return -1;
    return 0;
}

int device_vdev_number(const char *vdev, uint32_t *devid)
{
    unsigned int disk, part;

    if (!vdev_letters(vdev, "xvd", (1u << 20) - 1, 255, &disk, &part) ||
        !vdev_numeric(vdev, &disk, &part)) {
        /* Xen's two encodings: the compact one while it fits. */
        if (disk <= 15 && part <= 15)
            *devid = 202u << 8 | disk << 4 | part;
        else
            *devid = 1u << 28 | disk << 8 | part;
        return 0;
    }
    if (!vdev_letters(vdev, "hd", 3, 63, &disk, &part)) {
        *devid = (disk < 2 ? 3u << 8 | disk << 6 : 22u << 8 | (disk - 2) << 6) | part;
        return 0;
    }
    if (!vdev_letters(vdev, "sd", 15, 15, &disk, &part)) {
        *devid = 8u << 8 | disk << 4 | part;
        return 0;
    }
    return -HV_EINVAL;
}

enum { DISK_TARGET, DISK_FORMAT, DISK_VDEV, DISK_ACCESS, DISK_PARAMS };
static const char *const disk_keys[] = {"target", "format", "vdev", "access"};

/* xl's disk keys and flags that exo's block back end does not serve. */
static const char *const disk_unsupported[] = {
    "devtype", "backend",    "backendtype", "script",  "cdrom",     "direct-io-safe",
    "discard", "no-discard", "colo",        "trusted", "untrusted", "specification",
};

static int disk_unsupported_error(const char *what, char *why, size_t why_size)
{
    return why_error(why, why_size,
                     "'%.80s' is not supported (supported: target, format, vdev, "
                     "access)",
                     what);
}

int device_parse_disk(const char *spec, const char *dir, struct config_disk *disk, char *why,
                      size_t why_size)
{
    char item[CONFIG_LINE_MAX + 1], values[DISK_PARAMS][CONFIG_LINE_MAX + 1];
    bool given[DISK_PARAMS] = {false};
    size_t len;

    memset(disk, 0, sizeof(*disk));
    while (!next_item(&spec, item, sizeof(item), &len)) {
        char *eq = strchr(item, '=');
        const char *value = item;
        unsigned int k;

        if (eq) {
            *eq = '\0';
            value = eq + 1;
            for (k = 0; k < DISK_PARAMS; k++)
                if (!strcmp(item, disk_keys[k]))
                    break;
            for (size_t u = 0;
                 k == DISK_PARAMS && u < sizeof(disk_unsupported) / sizeof(disk_unsupported[0]);
                 u++)
                if (!strcmp(item, disk_unsupported[u]))
                    return disk_unsupported_error(item, why, why_size);
            if (k == DISK_PARAMS) {
                const char *near = config_suggest(item, disk_keys, DISK_PARAMS);

                return why_error(why, why_size, "unknown key '%.80s'%s%s%s", item,
                                 near ? " (did you mean '" : "", near ? near : "",
                                 near ? "'?)" : "");
            }
            /* target= swallows the rest, commas and all. */
            if (k == DISK_TARGET && spec) {
                snprintf(values[k], sizeof(values[k]), "%s,%s", value, spec);
                value = values[k];
                spec = NULL;
            }
        } else {
            for (size_t u = 0; u < sizeof(disk_unsupported) / sizeof(disk_unsupported[0]); u++)
                if (!strcmp(item, disk_unsupported[u]))
                    return disk_unsupported_error(item, why, why_size);
            for (k = 0; k < DISK_PARAMS && given[k]; k++)
                ;
            if (k == DISK_PARAMS)
                return why_error(why, why_size,
                                 "'%.80s': too many positional parameters "
                                 "(target, format, vdev, access)",
                                 item);
        }
        if (given[k])
            return why_error(why, why_size, "%s given twice", disk_keys[k]);
        given[k] = true;
        if (value != values[k])
            snprintf(values[k], sizeof(values[k]), "%s", value);
    }

    /* An empty value means the default, as in xl. */
    if (!given[DISK_TARGET] || !values[DISK_TARGET][0])
        return why_error(why, why_size, "no target (the image's path)");
    if (given[DISK_FORMAT] && values[DISK_FORMAT][0] && strcmp(values[DISK_FORMAT], "raw"))
        return why_error(why, why_size, "format '%.80s' is not supported (only raw images are)",
                         values[DISK_FORMAT]);
    if (!given[DISK_VDEV] || !values[DISK_VDEV][0])
        return why_error(why, why_size, "no vdev (the guest's name for the disk, e.g. xvda)");
    if (strlen(values[DISK_VDEV]) >= sizeof(disk->vdev) ||
        device_vdev_number(values[DISK_VDEV], &disk->devid))
        return why_error(why, why_size,
                         "vdev '%.80s' is not a disk name (xvda, xvdb1, hda, sda, "
                         "d0p1 ...)",
                         values[DISK_VDEV]);
    strcpy(disk->vdev, values[DISK_VDEV]);
    if (given[DISK_ACCESS] && values[DISK_ACCESS][0]) {
        const char *a = values[DISK_ACCESS];

        if (!strcmp(a, "r") || !strcmp(a, "ro"))
            disk->readonly = true;
        else if (strcmp(a, "w") && strcmp(a, "rw"))
            return why_error(why, why_size, "access '%.80s' is not r, ro, w or rw", a);
    }
    if (config_resolve_path(dir, values[DISK_TARGET], disk->target, sizeof(disk->target)))
        return why_error(why, why_size, "target: the path is longer than %u bytes",
                         CONFIG_PATH_MAX - 1);
    return 0;
}
