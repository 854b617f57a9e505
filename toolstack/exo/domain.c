/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The domain commands (create, list, destroy ...). They need the
 * management channel to exod, which this version of exo does not have:
 * each checks its arguments as it will then (a configuration file is
 * parsed and checked in full), and stops with EXO_UNAVAILABLE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "exo.h"
#include "state.h"

static void warn(const char *msg, void *arg)
{
    fprintf(stderr, "exo: warning: %s\n", msg);
}

/* create CONFIG [KEY=VALUE...]: the configuration is checked now, so a
 * bad file is reported as such (exit 1). */
static int check_config(const struct exo_command *c, int argc, char **argv)
{
    char err[CONFIG_MESSAGE_MAX];
    struct config *config;
    int rc;

    if (argc < 2)
        return exo_usage(c, "create needs a configuration file");
    config = malloc(sizeof(*config)); /* large: not on the stack */
    if (!config)
        return exo_error(EXO_FAILED, "out of memory");
    rc = config_load(config, argv[1], argc - 2, argv + 2, warn, NULL, err, sizeof(err));
    free(config);
    if (rc)
        return exo_error(EXO_FAILED, "%s", err);
    return EXO_OK;
}

int exo_domain_unavailable(const struct exo_globals *g, int argc, char **argv)
{
    const struct exo_command *c = exo_command_find(NULL, argv[0]);
    unsigned long id;
    int rc;

    if (!strcmp(argv[0], "create")) {
        rc = check_config(c, argc, argv);
        if (rc)
            return rc;
    } else if (!strcmp(argv[0], "list")) {
        if (argc > 1)
            return exo_usage(c, "list takes no arguments");
    } else {
        if (argc != 2)
            return exo_usage(c, "%s needs one domain", argv[0]);
        if (domain_ref_parse(argv[1], &id) < 0)
            return exo_usage(c, "'%s' is neither a domain name nor a domain id", argv[1]);
    }
    return exo_error(EXO_UNAVAILABLE, "%s: not available yet: needs the management channel",
                     argv[0]);
}
