/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The keys of a domain configuration: each statement from the syntax layer
 * (config_syntax.c) is checked and applied to a private copy of struct
 * config, first the file's, then the command line's overrides; checks that
 * need the whole picture (required keys, maxmem against memory, the kernel
 * file) run at the end, and only then is the caller's struct written.
 *
 * A key set twice in the file (or twice on the command line) behaves as in
 * xl: the last value wins, with a warning. An override replaces the file's
 * value silently, since that is what it is for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <public/errno.h>

#include "config_private.h"

enum key_id {
    KEY_NAME,
    KEY_KERNEL,
    KEY_CMDLINE,
    KEY_EXTRA,
    KEY_MEMORY,
    KEY_MAXMEM,
    KEY_VCPUS,
    KEY_ON_POWEROFF,
    KEY_ON_REBOOT,
    KEY_ON_CRASH,
    KEY_VIF,
    KEY_DISK,
    NR_KEYS
};

static const char *const key_names[NR_KEYS] = {
    "name",  "kernel",      "cmdline",   "extra",    "memory", "maxmem",
    "vcpus", "on_poweroff", "on_reboot", "on_crash", "vif",    "disk",
};

/* Keys an xl user may bring along that mean nothing to exo yet: named as
 * such rather than met with a guess at a typo. */
static const char *const xl_only_keys[] = {
    "type",
    "builder",
    "ramdisk",
    "bootloader",
    "bootloader_args",
    "root",
    "maxvcpus",
    "cpus",
    "cpus_soft",
    "cpu_weight",
    "cap",
    "uuid",
    "pci",
    "vfb",
    "vkb",
    "serial",
    "boot",
    "pvh",
    "device_model_version",
    "vnc",
    "sdl",
    "seclabel",
    "localtime",
    "usb",
    "channel",
    "p9",
    "vtpm",
    "shadow_memory",
    "on_watchdog",
    "on_soft_reset",
    "nestedhvm",
    "viridian",
};

/* Where a key was set: line of the file, or an override (arg != 0). */
struct place {
    int arg;
    unsigned int line;
};

struct parse_state {
    struct config *c; /* the private copy */
    const struct config_input *in;
    struct origin o; /* what is being parsed now */
    const char *dir; /* base of relative paths there */
    bool is_set[NR_KEYS];
    struct place set[NR_KEYS];
    unsigned int statements; /* in the current override */
    char *err;
    size_t err_size;
};

void config_verror(char *err, size_t size, const struct origin *o, unsigned int line,
                   unsigned int column, const char *fmt, va_list ap)
{
    int n;

    if (!size)
        return;
    if (o->arg)
        n = snprintf(err, size, "<command line>:argument %d: ", o->arg);
    else if (line && column)
        n = snprintf(err, size, "%s:%u:%u: ", o->file, line, column);
    else if (line)
        n = snprintf(err, size, "%s:%u: ", o->file, line);
    else
        n = snprintf(err, size, "%s: ", o->file);
    if (n >= 0 && (size_t)n < size)
        vsnprintf(err + n, size - (size_t)n, fmt, ap);
}

void config_error(char *err, size_t size, const struct origin *o, unsigned int line,
                  unsigned int column, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    config_verror(err, size, o, line, column, fmt, ap);
    va_end(ap);
}

static int key_error(struct parse_state *s, unsigned int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int key_error(struct parse_state *s, unsigned int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    config_verror(s->err, s->err_size, &s->o, line, 0, fmt, ap);
    va_end(ap);
    return -HV_EINVAL;
}

static void warn(struct parse_state *s, unsigned int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void warn(struct parse_state *s, unsigned int line, const char *fmt, ...)
{
    char msg[CONFIG_MESSAGE_MAX], text[CONFIG_MESSAGE_MAX];
    va_list ap;

    if (!s->in->warn)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    config_error(msg, sizeof(msg), &s->o, line, 0, "warning: %s", text);
    s->in->warn(msg, s->in->warn_arg);
}

/* Optimal string alignment distance (edits and swaps of neighbours), so
 * that "memroy" is one step from "memory". */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), d[3][33];

    if (la > 32 || lb > 32)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t *row = d[i % 3], *prev = d[(i - 1) % 3], *prev2 = d[(i + 1) % 3];

        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1], best = prev[j - 1] + cost;

            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            row[j] = best;
        }
    }
    return d[la % 3][lb];
}

const char *config_suggest(const char *word, const char *const *names, size_t count)
{
    size_t limit = strlen(word) <= 3 ? 1 : 2, best = SIZE_MAX;
    const char *found = NULL;

    for (size_t i = 0; i < count; i++) {
        size_t d = distance(word, names[i]);

        if (d <= limit && d < best) {
            best = d;
            found = names[i];
        }
    }
    return found;
}

int config_resolve_path(const char *dir, const char *path, char *out, size_t out_size)
{
    size_t dl = dir ? strlen(dir) : 0;
    int n;

    if (path[0] == '/' || !dl)
        n = snprintf(out, out_size, "%s", path);
    else
        n = snprintf(out, out_size, "%s%s%s", dir, dir[dl - 1] == '/' ? "" : "/", path);
    return n < 0 || (size_t)n >= out_size ? -HV_E2BIG : 0;
}

static const char *type_name(enum value_type type)
{
    return type == VALUE_STRING ? "a string" : type == VALUE_NUMBER ? "an integer" : "a list";
}

/* The statement's value must be of this type; what describes it. */
static int want(struct parse_state *s, const struct statement *st, enum value_type type,
                const char *what)
{
    if (st->type == type)
        return 0;
    return key_error(s, st->line, "%s: expected %s, got %s", st->key, what, type_name(st->type));
}

static int copy_string(struct parse_state *s, const struct statement *st, char *out, size_t size)
{
    size_t n = strlen(st->scalar.str);

    if (n >= size)
        return key_error(s, st->line, "%s: longer than %zu bytes", st->key, size - 1);
    memcpy(out, st->scalar.str, n + 1);
    return 0;
}

static int apply_name(struct parse_state *s, const struct statement *st)
{
    const char *v = st->scalar.str;
    size_t n, digits = 0;

    if (want(s, st, VALUE_STRING, "a string"))
        return -HV_EINVAL;
    n = strlen(v);
    if (n == 0 || n > CONFIG_NAME_MAX)
        return key_error(s, st->line, "name: must be 1 to %u characters", CONFIG_NAME_MAX);
    for (size_t i = 0; i < n; i++) {
        if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
              (v[i] >= '0' && v[i] <= '9') || v[i] == '_' || v[i] == '.' || v[i] == '-'))
            return key_error(s, st->line,
                             "name: '%s' may hold only letters, digits, '_', '.' "
                             "and '-'",
                             v);
        digits += v[i] >= '0' && v[i] <= '9';
    }
    if (digits == n)
        return key_error(s, st->line, "name: '%s' is a number, which exo takes for a domain id", v);
    if (v[0] == '-')
        return key_error(s, st->line, "name: '%s' starts with '-', like an option", v);
    memcpy(s->c->name, v, n + 1);
    return 0;
}

static int apply_kernel(struct parse_state *s, const struct statement *st)
{
    if (want(s, st, VALUE_STRING, "a string (the path of an ELF image)"))
        return -HV_EINVAL;
    if (!st->scalar.str[0])
        return key_error(s, st->line, "kernel: empty path");
    if (config_resolve_path(s->dir, st->scalar.str, s->c->kernel, sizeof(s->c->kernel)))
        return key_error(s, st->line, "kernel: the path is longer than %u bytes",
                         CONFIG_PATH_MAX - 1);
    return 0;
}

static int apply_cmdline(struct parse_state *s, const struct statement *st)
{
    if (want(s, st, VALUE_STRING, "a string"))
        return -HV_EINVAL;
    /* xl prefers cmdline to extra whatever their order; an override
     * replaces either. */
    if (!s->o.arg) {
        enum key_id other = st->key[0] == 'c' ? KEY_EXTRA : KEY_CMDLINE;

        if (s->is_set[other] && !s->set[other].arg && other == KEY_CMDLINE) {
            warn(s, st->line, "'extra' ignored: 'cmdline' (line %u) takes precedence, as in xl",
                 s->set[KEY_CMDLINE].line);
            return 0;
        }
        if (s->is_set[other] && !s->set[other].arg && !s->is_set[KEY_CMDLINE])
            warn(s, st->line, "'cmdline' replaces 'extra' (line %u), as in xl",
                 s->set[KEY_EXTRA].line);
    }
    return copy_string(s, st, s->c->cmdline, sizeof(s->c->cmdline));
}

/* A size in MiB, within what the hypervisor builds. */
static int memory_value(struct parse_state *s, const struct statement *st, uint32_t *out)
{
    uint64_t v = st->scalar.number;

    if (want(s, st, VALUE_NUMBER, "an integer (MiB)"))
        return -HV_EINVAL;
    if (v < CONFIG_MEMORY_MIN)
        return key_error(s, st->line, "%s: %llu MiB is less than the smallest domain, %u MiB",
                         st->key, (unsigned long long)v, CONFIG_MEMORY_MIN);
    if (v > CONFIG_MEMORY_MAX)
        return key_error(s, st->line, "%s: %llu MiB is more than the limit, %u MiB", st->key,
                         (unsigned long long)v, CONFIG_MEMORY_MAX);
    if (v % CONFIG_MEMORY_ALIGN)
        return key_error(s, st->line, "%s: %llu MiB is not a multiple of %u MiB", st->key,
                         (unsigned long long)v, CONFIG_MEMORY_ALIGN);
    *out = (uint32_t)v;
    return 0;
}

static int apply_memory(struct parse_state *s, const struct statement *st)
{
    return memory_value(s, st, &s->c->memory);
}

static int apply_maxmem(struct parse_state *s, const struct statement *st)
{
    return memory_value(s, st, &s->c->maxmem);
}

static int apply_vcpus(struct parse_state *s, const struct statement *st)
{
    if (want(s, st, VALUE_NUMBER, "an integer"))
        return -HV_EINVAL;
    if (st->scalar.number < 1 || st->scalar.number > HV_MAX_VCPUS)
        return key_error(s, st->line, "vcpus: %llu is outside 1..%u",
                         (unsigned long long)st->scalar.number, HV_MAX_VCPUS);
    s->c->vcpus = (uint32_t)st->scalar.number;
    return 0;
}

static const char *const action_names[] = {"destroy", "restart", "preserve"};

const char *config_action_name(enum config_action action)
{
    return (unsigned int)action < 3 ? action_names[action] : "?";
}

static int apply_action(struct parse_state *s, const struct statement *st)
{
    static const char *const xl_actions[] = {
        "rename-restart",
        "coredump-destroy",
        "coredump-restart",
        "soft-reset",
    };
    enum config_action *out = st->key[3] == 'p'   ? &s->c->on_poweroff
                              : st->key[3] == 'r' ? &s->c->on_reboot
                                                  : &s->c->on_crash;
    const char *v = st->scalar.str;

    if (want(s, st, VALUE_STRING, "a string (destroy, restart or preserve)"))
        return -HV_EINVAL;
    for (unsigned int i = 0; i < 3; i++) {
        if (!strcmp(v, action_names[i])) {
            *out = (enum config_action)i;
            return 0;
        }
    }
    for (unsigned int i = 0; i < sizeof(xl_actions) / sizeof(xl_actions[0]); i++)
        if (!strcmp(v, xl_actions[i]))
            return key_error(s, st->line,
                             "%s: xl's '%s' is not supported (supported: destroy, "
                             "restart, preserve)",
                             st->key, v);
    return key_error(s, st->line,
                     "%s: '%.80s' is not an action (supported: destroy, restart, "
                     "preserve)",
                     st->key, v);
}

/* vif and disk: a list of strings, each one device. */
static int want_device_list(struct parse_state *s, const struct statement *st, unsigned int max)
{
    if (want(s, st, VALUE_LIST, "a list of strings"))
        return -HV_EINVAL;
    if (st->nr_items > max)
        return key_error(s, st->items[max].line, "%s: more than %u devices", st->key, max);
    for (unsigned int i = 0; i < st->nr_items; i++)
        if (st->items[i].type != VALUE_STRING)
            return key_error(s, st->items[i].line, "%s %u: expected a string, got %s", st->key,
                             i + 1, type_name(st->items[i].type));
    return 0;
}

static int apply_vif(struct parse_state *s, const struct statement *st)
{
    struct config_vif vifs[CONFIG_VIFS_MAX];
    char why[CONFIG_MESSAGE_MAX];

    if (want_device_list(s, st, CONFIG_VIFS_MAX))
        return -HV_EINVAL;
    for (unsigned int i = 0; i < st->nr_items; i++) {
        const struct config_vif *v = &vifs[i];

        if (device_parse_vif(st->items[i].str, &vifs[i], why, sizeof(why)))
            return key_error(s, st->items[i].line, "vif %u: %s", i + 1, why);
        for (unsigned int j = 0; j < i; j++) {
            if (v->has_mac && vifs[j].has_mac && !memcmp(v->mac, vifs[j].mac, 6))
                return key_error(s, st->items[i].line, "vif %u: the same mac as vif %u", i + 1,
                                 j + 1);
            if (v->vifname[0] && !strcmp(v->vifname, vifs[j].vifname))
                return key_error(s, st->items[i].line, "vif %u: the same vifname as vif %u", i + 1,
                                 j + 1);
        }
    }
    memcpy(s->c->vif, vifs, st->nr_items * sizeof(vifs[0]));
    s->c->nr_vifs = st->nr_items;
    return 0;
}

static int apply_disk(struct parse_state *s, const struct statement *st)
{
    char why[CONFIG_MESSAGE_MAX];
    struct config_disk *disks;

    if (want_device_list(s, st, CONFIG_DISKS_MAX))
        return -HV_EINVAL;
    disks = calloc(CONFIG_DISKS_MAX, sizeof(*disks));
    if (!disks) {
        key_error(s, st->line, "out of memory");
        return -HV_ENOMEM;
    }
    for (unsigned int i = 0; i < st->nr_items; i++) {
        if (device_parse_disk(st->items[i].str, s->dir, &disks[i], why, sizeof(why))) {
            free(disks);
            return key_error(s, st->items[i].line, "disk %u: %s", i + 1, why);
        }
        for (unsigned int j = 0; j < i; j++) {
            if (disks[i].devid == disks[j].devid) {
                key_error(s, st->items[i].line, "disk %u: vdev %s is disk %u's device", i + 1,
                          disks[i].vdev, j + 1);
                free(disks);
                return -HV_EINVAL;
            }
        }
    }
    memcpy(s->c->disk, disks, st->nr_items * sizeof(disks[0]));
    s->c->nr_disks = st->nr_items;
    free(disks);
    return 0;
}

static int (*const appliers[NR_KEYS])(struct parse_state *, const struct statement *) = {
    [KEY_NAME] = apply_name,        [KEY_KERNEL] = apply_kernel,
    [KEY_CMDLINE] = apply_cmdline,  [KEY_EXTRA] = apply_cmdline,
    [KEY_MEMORY] = apply_memory,    [KEY_MAXMEM] = apply_maxmem,
    [KEY_VCPUS] = apply_vcpus,      [KEY_ON_POWEROFF] = apply_action,
    [KEY_ON_REBOOT] = apply_action, [KEY_ON_CRASH] = apply_action,
    [KEY_VIF] = apply_vif,          [KEY_DISK] = apply_disk,
};

static int apply(const struct statement *st, void *arg)
{
    struct parse_state *s = arg;
    enum key_id k;
    int rc;

    s->statements++;
    for (k = 0; k < NR_KEYS; k++)
        if (!strcmp(st->key, key_names[k]))
            break;
    if (k == NR_KEYS) {
        const char *near;

        for (size_t i = 0; i < sizeof(xl_only_keys) / sizeof(xl_only_keys[0]); i++)
            if (!strcmp(st->key, xl_only_keys[i]))
                return key_error(s, st->line, "'%s' is an xl key that exo does not support",
                                 st->key);
        near = config_suggest(st->key, key_names, NR_KEYS);
        if (near)
            return key_error(s, st->line, "unknown key '%.80s' (did you mean '%s'?)", st->key,
                             near);
        return key_error(s, st->line, "unknown key '%.80s'", st->key);
    }
    if ((rc = appliers[k](s, st)))
        return rc;
    if (s->is_set[k] && !s->set[k].arg == !s->o.arg) {
        if (s->o.arg)
            warn(s, st->line, "'%s' is set again (argument %d); the last value wins", st->key,
                 s->set[k].arg);
        else
            warn(s, st->line, "'%s' is set again (line %u); the last value wins", st->key,
                 s->set[k].line);
    }
    s->is_set[k] = true;
    s->set[k] = (struct place){s->o.arg, st->line};
    return 0;
}

static struct origin origin_of(const struct parse_state *s, enum key_id k)
{
    return (struct origin){s->in->name, s->set[k].arg};
}

/* The checks of the whole configuration, after the last override. */
static int finish(struct parse_state *s)
{
    struct config *c = s->c;
    struct origin o;
    struct stat st;

    s->o = (struct origin){s->in->name, 0};
    if (!s->is_set[KEY_NAME])
        return key_error(s, 0, "'name' is not set (the domain's name)");
    if (!s->is_set[KEY_KERNEL])
        return key_error(s, 0, "'kernel' is not set (the path of the domain's ELF image)");

    o = origin_of(s, KEY_KERNEL);
    if (stat(c->kernel, &st)) {
        config_error(s->err, s->err_size, &o, s->set[KEY_KERNEL].line, 0, "kernel: %s: %s",
                     c->kernel, strerror(errno));
        return -HV_EINVAL;
    }
    if (!S_ISREG(st.st_mode)) {
        config_error(s->err, s->err_size, &o, s->set[KEY_KERNEL].line, 0,
                     "kernel: %s: not a regular file", c->kernel);
        return -HV_EINVAL;
    }

    if (!s->is_set[KEY_MEMORY])
        c->memory = CONFIG_MEMORY_DEFAULT;
    if (!s->is_set[KEY_MAXMEM]) {
        c->maxmem = c->memory;
    } else if (c->maxmem < c->memory) {
        o = origin_of(s, KEY_MAXMEM);
        config_error(s->err, s->err_size, &o, s->set[KEY_MAXMEM].line, 0,
                     "maxmem: %u MiB is less than memory, %u MiB%s", c->maxmem, c->memory,
                     s->is_set[KEY_MEMORY] ? "" : " (the default)");
        return -HV_EINVAL;
    }

    o = origin_of(s, KEY_MEMORY);
    config_error(c->memory_origin, sizeof(c->memory_origin), &o,
                 s->is_set[KEY_MEMORY] ? s->set[KEY_MEMORY].line : 0, 0, "%s", "");
    /* config_error() leaves ": " after the place; the place alone is kept. */
    c->memory_origin[strlen(c->memory_origin) - 2] = '\0';
    return 0;
}

int config_parse(struct config *out, const struct config_input *in_arg, char *err, size_t err_size)
{
    struct config_input named = *in_arg;
    const struct config_input *in = &named;
    struct parse_state s = {
        .in = in,
        .o = {in->name, 0},
        .dir = in->dir,
        .err = err,
        .err_size = err_size,
    };
    int first = in->first_arg ? in->first_arg : 1, rc;
    char *arena = NULL;

    if (!named.name)
        named.name = s.o.file = "<configuration>";
    if (in->len > CONFIG_FILE_MAX) {
        config_error(err, err_size, &s.o, 0, 0, "%zu bytes, more than the limit of %u", in->len,
                     CONFIG_FILE_MAX);
        return -HV_E2BIG;
    }
    s.c = calloc(1, sizeof(*s.c));
    arena = malloc(2 * in->len + 16);
    if (!s.c || !arena) {
        config_error(err, err_size, &s.o, 0, 0, "out of memory");
        rc = -HV_ENOMEM;
        goto out;
    }
    s.c->vcpus = 1;
    s.c->on_poweroff = CONFIG_DESTROY;
    s.c->on_reboot = CONFIG_RESTART;
    s.c->on_crash = CONFIG_DESTROY;
    rc = syntax_parse(&s.o, in->text, in->len, arena, apply, &s, err, err_size);
    if (rc)
        goto out;

    for (int i = 0; i < in->argc; i++) {
        const char *arg = in->argv[i];
        size_t len = strlen(arg);

        s.o = (struct origin){in->name, first + i};
        s.dir = NULL; /* relative to where exo runs, as a shell would take it */
        s.statements = 0;
        if (len > CONFIG_LINE_MAX) {
            config_error(err, err_size, &s.o, 0, 0, "longer than %u bytes", CONFIG_LINE_MAX);
            rc = -HV_E2BIG;
            goto out;
        }
        free(arena);
        arena = malloc(2 * len + 16);
        if (!arena) {
            config_error(err, err_size, &s.o, 0, 0, "out of memory");
            rc = -HV_ENOMEM;
            goto out;
        }
        rc = syntax_parse(&s.o, arg, len, arena, apply, &s, err, err_size);
        if (rc)
            goto out;
        if (!s.statements) {
            config_error(err, err_size, &s.o, 0, 0, "expected KEY=VALUE");
            rc = -HV_EINVAL;
            goto out;
        }
    }

    rc = finish(&s);
    if (!rc)
        memcpy(out, s.c, sizeof(*out));
out:
    free(arena);
    free(s.c);
    return rc;
}

int config_load(struct config *c, const char *path, int argc, char *const *argv,
                void (*warn_fn)(const char *msg, void *arg), void *warn_arg, char *err,
                size_t err_size)
{
    struct origin o = {path, 0};
    struct config_input in = {
        .name = path,
        .argc = argc,
        .argv = argv,
        .warn = warn_fn,
        .warn_arg = warn_arg,
    };
    const char *slash = strrchr(path, '/');
    char *text = NULL, *dir = NULL;
    size_t len = 0;
    ssize_t n;
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = errno == ENOENT ? -HV_ENOENT : -HV_EIO;
        config_error(err, err_size, &o, 0, 0, "%s", strerror(errno));
        return rc;
    }
    /* One byte more than the limit tells a file over it. */
    text = malloc(CONFIG_FILE_MAX + 1);
    dir = strdup(path);
    if (!text || !dir) {
        config_error(err, err_size, &o, 0, 0, "out of memory");
        rc = -HV_ENOMEM;
        goto out;
    }
    while (len < CONFIG_FILE_MAX + 1 &&
           (n = read(fd, text + len, CONFIG_FILE_MAX + 1 - len)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            config_error(err, err_size, &o, 0, 0, "%s", strerror(errno));
            rc = -HV_EIO;
            goto out;
        }
        len += (size_t)n;
    }
    if (len > CONFIG_FILE_MAX) {
        config_error(err, err_size, &o, 0, 0, "larger than the limit of %u bytes", CONFIG_FILE_MAX);
        rc = -HV_E2BIG;
        goto out;
    }
    if (!slash)
        dir[0] = '\0';
    else
        dir[slash == path ? 1 : slash - path] = '\0';
    in.dir = dir;
    in.text = text;
    in.len = len;
    rc = config_parse(c, &in, err, err_size);
out:
    free(dir);
    free(text);
    close(fd);
    return rc;
}

int config_check_memory(const struct config *c, uint64_t free_mib, char *err, size_t err_size)
{
    if (c->memory <= free_mib)
        return 0;
    snprintf(err, err_size, "%s: memory: %u MiB is more than the %llu MiB free", c->memory_origin,
             c->memory, (unsigned long long)free_mib);
    return -HV_ENOMEM;
}
