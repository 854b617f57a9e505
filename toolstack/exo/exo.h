/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The exo command's framework: its exit codes, the command table every
 * command is a row of, and the error helpers that give every message the
 * same shape ("exo: ..." on stderr). docs/toolstack.md lists the commands.
 */
#ifndef EXO_EXO_H
#define EXO_EXO_H

/* Exit codes scripts can rely on (docs/toolstack.md, "Exit codes"). */
#define EXO_OK 0          /* done */
#define EXO_FAILED 1      /* the operation was tried and failed */
#define EXO_USAGE 2       /* bad command line: nothing was done */
#define EXO_NOT_RUNNING 3 /* the host exists but is not running */
#define EXO_NOT_FOUND 4   /* no such host (or domain) */
#define EXO_UNAVAILABLE 5 /* the command needs what this build does not have yet */

/* What every command sees: the host it addresses (-H, $EXO_HOST or
 * "default") and whether -H named it explicitly. */
struct exo_globals {
    const char *host;
    int host_given;
};

struct exo_command {
    const char *group; /* "host" for `exo host start`; NULL for a top-level command */
    const char *name;
    const char *synopsis; /* the arguments, for usage lines */
    const char *summary;  /* one line, for `exo help` */
    const char *help;     /* the rest of `--help`: options and details */
    /* argv[0] is the command's name; returns an exit code. */
    int (*run)(const struct exo_globals *g, int argc, char **argv);
};

/* Every command, ending with a row of NULLs (main.c). */
extern const struct exo_command exo_commands[];

/* "exo: MESSAGE" on stderr; returns code, so that `return exo_error(...)`
 * ends a command. */
__attribute__((format(printf, 2, 3))) int exo_error(int code, const char *fmt, ...);

/* A usage error: the message, then "see 'exo help COMMAND'"; returns
 * EXO_USAGE. */
__attribute__((format(printf, 2, 3))) int exo_usage(const struct exo_command *c, const char *fmt,
                                                    ...);

const struct exo_command *exo_command_find(const char *group, const char *name);

/* The commands, one per row of the table. */
int exo_host_start(const struct exo_globals *g, int argc, char **argv);
int exo_host_stop(const struct exo_globals *g, int argc, char **argv);
int exo_host_status(const struct exo_globals *g, int argc, char **argv);
int exo_host_list(const struct exo_globals *g, int argc, char **argv);
int exo_domain_list(const struct exo_globals *g, int argc, char **argv);
int exo_domain_op(const struct exo_globals *g, int argc, char **argv);
int exo_domain_unavailable(const struct exo_globals *g, int argc, char **argv);

#endif
