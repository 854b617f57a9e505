/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exo, the operator's command: global options, the command table and the
 * dispatch to one command. Every command answers --help, and every error
 * is one line "exo: ..." on stderr with an exit code of exo.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exo.h"
#include "mux.h"
#include "state.h"
#include "version.h"

#define DOMAIN_NOTE "DOMAIN is a domain's name or its numeric id (a name is never all digits).\n"

const struct exo_command exo_commands[] = {
    {"host", "start", "[NAME] [--memory MiB] [--cpus N] [--accel tcg|kvm|auto]",
     "start a hypervisor host in QEMU, in the background",
     "Boots the hypervisor with exod as domain 0 in QEMU and returns once domain 0\n"
     "has started. NAME (default: -H, $EXO_HOST, else \"default\") names the host\n"
     "and its state folder. Fails if the host is already running.\n"
     "\n"
     "  --memory MiB   the machine's memory (default 256, 128 to 65536)\n"
     "  --cpus N       its CPUs (default 1, up to 16)\n"
     "  --accel A      tcg (the default: emulation), kvm (only if a test boot\n"
     "                 proves KVM runs the hypervisor, else an error) or auto\n"
     "                 (kvm if it does, else tcg with a note); the test boot's\n"
     "                 verdict is kept in STATE/kvm-probe\n",
     exo_host_start},
    {"host", "stop", "[NAME] [--force]", "stop a host",
     "Asks QEMU to quit through its monitor, then, if it has not gone within\n"
     "5 seconds, kills it. The host's domains stop with it.\n"
     "\n"
     "  --force        kill QEMU at once\n",
     exo_host_stop},
    {"host", "status", "[NAME]", "show whether a host runs, and its files",
     "Prints the host's state (running or stopped), QEMU's PID, the uptime, the\n"
     "accelerator, the management socket and the serial log. Exits 0 if it runs,\n"
     "3 if it is stopped, 4 if no host has that name.\n",
     exo_host_status},
    {"host", "list", "", "list the hosts and their states",
     "One line per host of the state folder: name, state, PID, accelerator,\n"
     "uptime.\n",
     exo_host_list},
    {NULL, "create", "CONFIG [KEY=VALUE...]", "create and start a domain from a configuration file",
     "CONFIG is an xl.cfg-style file (docs/toolstack.md); each KEY=VALUE overrides\n"
     "one of its keys. This version checks the configuration and exits 5: create\n"
     "is not available yet.\n",
     exo_domain_unavailable},
    {NULL, "list", "[--json]", "list the host's domains",
     "One line per domain, as xl list: Name, ID, Mem (MiB), VCPUs, State (a stopped\n"
     "domain shows shutdown(REASON,EXIT-CODE)), Time(s) (\"-\": not reported yet).\n"
     "\n"
     "  --json         a JSON array of objects instead\n",
     exo_domain_list},
    {NULL, "destroy", "DOMAIN", "stop a domain at once and free it",
     DOMAIN_NOTE "Exits 4 if the host has no such domain.\n", exo_domain_op},
    {NULL, "shutdown", "DOMAIN", "power a domain off",
     DOMAIN_NOTE "The guest is not told: exod stops it (reason poweroff, code 0).\n"
                 "Exits 4 if the host has no such domain.\n",
     exo_domain_op},
    {NULL, "pause", "DOMAIN", "pause a domain's vCPUs",
     DOMAIN_NOTE "Exits 4 if the host has no such domain.\n", exo_domain_op},
    {NULL, "unpause", "DOMAIN", "let a paused domain run again",
     DOMAIN_NOTE "Exits 4 if the host has no such domain.\n", exo_domain_op},
    {NULL, "console", "DOMAIN", "attach to a domain's console",
     DOMAIN_NOTE "Not available yet (exit 5).\n",
     exo_domain_unavailable},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

int exo_error(int code, const char *fmt, ...)
{
    va_list ap;

    fputs("exo: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

static void print_name(FILE *f, const struct exo_command *c)
{
    if (c->group)
        fprintf(f, "%s ", c->group);
    fputs(c->name, f);
}

int exo_usage(const struct exo_command *c, const char *fmt, ...)
{
    va_list ap;

    fputs("exo: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nusage: exo ", stderr);
    print_name(stderr, c);
    fprintf(stderr, "%s%s (see 'exo help ", *c->synopsis ? " " : "", c->synopsis);
    print_name(stderr, c);
    fputs("')\n", stderr);
    return EXO_USAGE;
}

const struct exo_command *exo_command_find(const char *group, const char *name)
{
    for (const struct exo_command *c = exo_commands; c->name; c++)
        if (!strcmp(c->name, name) && (group ? c->group && !strcmp(c->group, group) : !c->group))
            return c;
    return NULL;
}

static int is_group(const char *word)
{
    for (const struct exo_command *c = exo_commands; c->name; c++)
        if (c->group && !strcmp(c->group, word))
            return 1;
    return 0;
}

static void command_help(const struct exo_command *c)
{
    printf("usage: exo [-H HOST] ");
    print_name(stdout, c);
    printf("%s%s\n\n%c%s.\n\n%s", *c->synopsis ? " " : "", c->synopsis, c->summary[0] - 'a' + 'A',
           c->summary + 1, c->help);
}

static void list_commands(FILE *f, const char *group)
{
    for (const struct exo_command *c = exo_commands; c->name; c++) {
        char name[32];

        if (group && (!c->group || strcmp(c->group, group)))
            continue;
        snprintf(name, sizeof(name), "%s%s%s", c->group ? c->group : "", c->group ? " " : "",
                 c->name);
        fprintf(f, "  %-14s %s\n", name, c->summary);
    }
}

static void main_help(void)
{
    printf("usage: exo [-H HOST] COMMAND [ARGUMENTS...]\n"
           "       exo help [COMMAND]\n"
           "\n"
           "Manages Exovisor hosts (the hypervisor in QEMU) and their domains.\n"
           "\n"
           "Options:\n"
           "  -H, --host HOST  the host to address (default: $EXO_HOST, else \"default\")\n"
           "  -h, --help       this text; 'exo help COMMAND' or 'exo COMMAND --help'\n"
           "                   for one command\n"
           "  --version        the version of this exo\n"
           "\n"
           "Commands:\n");
    list_commands(stdout, NULL);
    printf("\n"
           "Hosts live in $EXO_STATE_DIR, else $XDG_STATE_HOME/exovisor, else\n"
           "~/.local/state/exovisor: one folder hosts/HOST each.\n"
           "\n"
           "Exit codes: 0 done; 1 the operation failed; 2 usage error; 3 the host is\n"
           "not running; 4 no such host or domain; 5 not available in this version.\n");
}

/* exo help [GROUP] [COMMAND] */
static int help(int argc, char **argv)
{
    const struct exo_command *c = NULL;

    if (argc == 1) {
        main_help();
        return EXO_OK;
    }
    if (argc == 2 && is_group(argv[1])) {
        printf("usage: exo %s COMMAND [ARGUMENTS...]\n\nCommands:\n", argv[1]);
        list_commands(stdout, argv[1]);
        return EXO_OK;
    }
    if (argc == 2)
        c = exo_command_find(NULL, argv[1]);
    else if (argc == 3)
        c = exo_command_find(argv[1], argv[2]);
    if (!c)
        return exo_error(EXO_USAGE, "no command '%s%s%s' (exo help lists them)", argv[1],
                         argc > 2 ? " " : "", argc > 2 ? argv[2] : "");
    command_help(c);
    return EXO_OK;
}

/* --help (or -h) among a command's arguments, before any "--". */
static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    struct exo_globals g = {.host = HOST_DEFAULT};
    const struct exo_command *c;
    const char *env = getenv("EXO_HOST");
    int i;

    /* The multiplexer exo host start runs in the background: internal,
     * so not in the command table or the help. */
    if (argc > 1 && !strcmp(argv[1], "__mux"))
        return exo_mux_main(argc - 1, argv + 1);
    if (env && *env)
        g.host = env;
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            main_help();
            return EXO_OK;
        } else if (!strcmp(a, "--version")) {
            printf("exo %s\n", EXO_VERSION);
            return EXO_OK;
        } else if (!strcmp(a, "-H") || !strcmp(a, "--host")) {
            if (++i == argc)
                return exo_error(EXO_USAGE, "%s needs a host name", a);
            g.host = argv[i];
            g.host_given = 1;
        } else if (!strncmp(a, "-H", 2) || !strncmp(a, "--host=", 7)) {
            g.host = a + (a[1] == 'H' ? 2 : 7);
            g.host_given = 1;
        } else {
            return exo_error(EXO_USAGE, "unknown option '%s' (exo --help lists them)", a);
        }
    }
    if (!host_name_valid(g.host))
        return exo_error(EXO_USAGE,
                         "'%s' is not a host name (1 to %d of A-Z a-z 0-9 _ . -, "
                         "not starting with '.' or '-')",
                         g.host, HOST_NAME_MAX_LEN);
    if (i == argc) {
        fprintf(stderr, "exo: no command given; the commands are:\n");
        list_commands(stderr, NULL);
        return EXO_USAGE;
    }
    argc -= i;
    argv += i;
    if (!strcmp(argv[0], "help"))
        return help(argc, argv);
    if (is_group(argv[0])) {
        if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
            !exo_command_find(argv[0], argv[1])) {
            int asked = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));

            if (!asked && argc < 2)
                fprintf(stderr, "exo: %s needs a command; they are:\n", argv[0]);
            else if (!asked)
                fprintf(stderr, "exo: no command '%s %s'; the %s commands are:\n", argv[0], argv[1],
                        argv[0]);
            list_commands(asked ? stdout : stderr, argv[0]);
            return asked ? EXO_OK : EXO_USAGE;
        }
        c = exo_command_find(argv[0], argv[1]);
        argc--;
        argv++;
    } else {
        c = exo_command_find(NULL, argv[0]);
        if (!c)
            return exo_error(EXO_USAGE, "no command '%s' (exo help lists them)", argv[0]);
    }
    if (wants_help(argc, argv)) {
        command_help(c);
        return EXO_OK;
    }
    return c->run(&g, argc, argv);
}
