/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the configuration parser: the syntax layer (config_syntax.c)
 * turns text into statements, KEY = VALUE with the value a string, an
 * integer or a list of those; the key layer (config.c) checks and applies
 * them; config_devices.c reads the strings inside vif and disk lists.
 */
#ifndef TOOLSTACK_EXO_CONFIG_PRIVATE_H
#define TOOLSTACK_EXO_CONFIG_PRIVATE_H

#include <stdarg.h>

#include "config.h"

#define CONFIG_LIST_MAX 32u /* items in one list */

enum value_type { VALUE_STRING, VALUE_NUMBER, VALUE_LIST };

struct scalar {
    enum value_type type; /* VALUE_STRING or VALUE_NUMBER */
    unsigned int line;
    const char *str; /* NUL-terminated, escapes resolved */
    uint64_t number;
};

struct statement {
    const char *key;
    unsigned int line;
    enum value_type type;
    struct scalar scalar;  /* a string or a number */
    unsigned int nr_items; /* a list */
    struct scalar items[CONFIG_LIST_MAX];
};

/* Where text comes from, for messages: a file, or one override. */
struct origin {
    const char *file; /* the file's name, when arg == 0 */
    int arg;          /* the override's number, counting from 1 */
};

/*
 * Writes "ORIGIN:LINE[:COLUMN]: message" to err; line 0 leaves the line
 * out, column 0 the column. Lines of an override are never shown.
 */
void config_error(char *err, size_t size, const struct origin *o, unsigned int line,
                  unsigned int column, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void config_verror(char *err, size_t size, const struct origin *o, unsigned int line,
                   unsigned int column, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

/*
 * Parses text (len bytes) and calls apply for each statement in order,
 * stopping at the first nonzero return, which it returns. Strings live in
 * arena, which must hold 2 * len + 16 bytes. Returns 0 or -HV_EINVAL
 * (syntax), -HV_E2BIG (a line too long) with err written.
 */
int syntax_parse(const struct origin *o, const char *text, size_t len, char *arena,
                 int (*apply)(const struct statement *st, void *arg), void *arg, char *err,
                 size_t err_size);

/* The closest of the count names to word, or NULL if none is close. */
const char *config_suggest(const char *word, const char *const *names, size_t count);

/*
 * One vif or disk string from the lists. Problems are written to why
 * (without a location) and return -HV_EINVAL. dir, if not NULL or "", is
 * the base of a relative target path.
 */
int device_parse_vif(const char *spec, struct config_vif *vif, char *why, size_t why_size);
int device_parse_disk(const char *spec, const char *dir, struct config_disk *disk, char *why,
                      size_t why_size);

/* Xen's virtual device number of a disk name (xvda, hdb1, sdc, d4p2). */
int device_vdev_number(const char *vdev, uint32_t *devid);

/* Joins dir and path unless path is absolute; -HV_E2BIG if it does not fit. */
int config_resolve_path(const char *dir, const char *path, char *out, size_t out_size);

#endif
