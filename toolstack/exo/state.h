/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where exo keeps its hosts, and the pure checks of what the user types:
 * the state folder, host names, numbers. No side effects, so the unit
 * test (tests/unit/test_exo_state.c) covers all of it.
 */
#ifndef EXO_STATE_H
#define EXO_STATE_H

#include <stddef.h>

#define HOST_NAME_MAX_LEN 31
#define HOST_DEFAULT "default"

/*
 * The state folder: $EXO_STATE_DIR if set and not empty (relative to cwd
 * if relative), else $XDG_STATE_HOME/exovisor if that is absolute (the
 * XDG rule: a relative one is ignored), else HOME/.local/state/exovisor.
 * Each argument may be NULL. Returns 0, or -1 if none applies or the path
 * does not fit in size bytes.
 */
int state_dir_resolve(const char *exo_state_dir, const char *xdg_state_home, const char *home,
                      const char *cwd, char *buf, size_t size);

/* 1 if name is a host name: 1 to 31 of A-Z a-z 0-9 _ . -, not starting
 * with '.' or '-' (no hidden folder, no option look-alike). */
int host_name_valid(const char *name);

/* A domain as the user names it: all digits is an id (0 to 32767, no
 * leading zero), anything else a name (1 to 31 of A-Z a-z 0-9 _ . -, not
 * starting with '-', as config files have them). Returns 1 for an id (in
 * *id), 0 for a name, -1 for neither. */
int domain_ref_parse(const char *s, unsigned long *id);

/* A decimal number in [min, max], no sign, no suffix: 0 or -1. */
int parse_number(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/* snprintf that says whether it fitted: 0 or -1. */
__attribute__((format(printf, 3, 4))) int path_format(char *buf, size_t size, const char *fmt, ...);

#endif
