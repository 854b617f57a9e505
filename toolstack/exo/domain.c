/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The domain commands: list, destroy, pause, unpause and shutdown talk to
 * exod through the host's multiplexer (STATE/hosts/NAME/exo.sock) with
 * libexo's client. create and console still only check their arguments
 * and stop with EXO_UNAVAILABLE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>
#include <public/errno.h>

#include "client.h"
#include "config.h"
#include "exo.h"
#include "host.h"
#include "state.h"

#define CALL_TIMEOUT_MS 30000

static void warn(const char *msg, void *arg)
{
    fprintf(stderr, "exo: warning: %s\n", msg);
}

/* Connects to the addressed host's exod and says hello. Returns 0 or an
 * exit code (the error printed). */
static int connect_host(const struct exo_globals *g, const char *cmd, struct exo_client *cl)
{
    struct host h;
    const char *message;
    uint32_t version;
    int err;

    if (host_init(&h, g->host))
        return exo_error(EXO_FAILED, "%s: cannot find the state folder", cmd);
    if (host_running(&h) <= 0)
        return exo_error(EXO_NOT_RUNNING, "%s: host '%s' is not running", cmd, g->host);
    err = exo_client_connect(cl, h.sock);
    if (err)
        return exo_error(EXO_NOT_RUNNING, "%s: cannot connect to %s: %s", cmd, h.sock,
                         strerror(-err));
    err = exo_client_hello(cl, CALL_TIMEOUT_MS, &version, &message);
    if (err) {
        exo_client_close(cl);
        return exo_error(EXO_FAILED, "%s: hello: %s", cmd, err > -4096 && err < 0 ? message : "");
    }
    return EXO_OK;
}

/* Sends b and checks the reply. 0, or an exit code (the error printed):
 * lookup_error says an unknown domain (ESRCH, ENOENT) exits 4. */
static int call(struct exo_client *cl, struct msg_builder *b, const char *cmd, int lookup_error,
                struct msg_frame *f)
{
    const char *message;
    int err = exo_client_call(cl, b, CALL_TIMEOUT_MS, f);

    if (err)
        return exo_error(EXO_FAILED, "%s: %s", cmd, strerror(-err));
    err = exo_client_status(f, &message);
    if (err == 0)
        return EXO_OK;
    if (lookup_error && (err == -HV_ESRCH || err == -HV_ENOENT))
        return exo_error(EXO_NOT_FOUND, "%s: %s", cmd, message);
    return exo_error(EXO_FAILED, "%s: %s", cmd, message);
}

static const char *get_string(const struct msg_frame *f, int node, const char *name)
{
    const char *s;

    return msg_get_string(f, node, name, &s) ? "?" : s;
}

/* list [--json]: one line per domain, xl list's columns. */
int exo_domain_list(const struct exo_globals *g, int argc, char **argv)
{
    const struct exo_command *c = exo_command_find(NULL, "list");
    struct exo_client cl;
    struct msg_builder b;
    struct msg_frame f;
    int json = 0, rc, node, first = 1;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else
            return exo_usage(c, "unknown argument '%s'", argv[i]);
    }
    rc = connect_host(g, "list", &cl);
    if (rc)
        return rc;
    exo_client_begin(&cl, &b, MSG_LIST, 0);
    rc = call(&cl, &b, "list", 0, &f);
    if (rc) {
        exo_client_close(&cl);
        return rc;
    }
    if (json)
        printf("[");
    else
        printf("%-31s %5s %6s %5s %-10s %8s\n", "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
    fdt_for_each_subnode(node, f.payload, 0) {
        uint32_t id = 0, vcpus = 0, code = 0;
        uint64_t kib = 0;
        const char *name = get_string(&f, node, "name"), *state = get_string(&f, node, "state");
        int stopped = !strcmp(state, "shutdown");

        if (msg_get_u32(&f, node, "id", &id) || msg_get_u32(&f, node, "vcpus", &vcpus) ||
            msg_get_u64(&f, node, "memory-kib", &kib))
            continue;
        if (stopped && msg_get_u32(&f, node, "exit-code", &code))
            code = 0;
        /* Names and states are exod's checked words (no quotes or
         * backslashes), so they go into JSON as they are. */
        if (json) {
            printf("%s\n {\"name\": \"%s\", \"id\": %u, \"memory-mib\": %llu, \"vcpus\": %u, "
                   "\"state\": \"%s\"",
                   first ? "" : ",", name, id, (unsigned long long)(kib / 1024), vcpus, state);
            if (stopped)
                printf(", \"shutdown-reason\": \"%s\", \"exit-code\": %u",
                       get_string(&f, node, "shutdown-reason"), code);
            printf("}");
        } else {
            char st[48];

            if (stopped)
                snprintf(st, sizeof(st), "%s(%s,%u)", state,
                         get_string(&f, node, "shutdown-reason"), code);
            else
                snprintf(st, sizeof(st), "%s", state);
            /* exod reports no CPU time yet (stats is not served): "-". */
            printf("%-31s %5u %6llu %5u %-10s %8s\n", name, id, (unsigned long long)(kib / 1024),
                   vcpus, st, "-");
        }
        first = 0;
    }
    if (json)
        printf("%s]\n", first ? "" : "\n");
    exo_client_close(&cl);
    return EXO_OK;
}

/* destroy, pause, unpause, shutdown DOMAIN: the request of that name. */
int exo_domain_op(const struct exo_globals *g, int argc, char **argv)
{
    static const struct {
        const char *name;
        uint16_t type;
    } ops[] = {{"destroy", MSG_DESTROY},
               {"pause", MSG_PAUSE},
               {"unpause", MSG_UNPAUSE},
               {"shutdown", MSG_SHUTDOWN}};
    const struct exo_command *c = exo_command_find(NULL, argv[0]);
    struct exo_client cl;
    struct msg_builder b;
    struct msg_frame f;
    unsigned long id;
    uint16_t type = 0;
    int kind, rc;

    if (argc != 2)
        return exo_usage(c, "%s needs one domain", argv[0]);
    kind = domain_ref_parse(argv[1], &id);
    if (kind < 0)
        return exo_usage(c, "'%s' is neither a domain name nor a domain id", argv[1]);
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (!strcmp(ops[i].name, argv[0]))
            type = ops[i].type;
    rc = connect_host(g, argv[0], &cl);
    if (rc)
        return rc;
    exo_client_begin(&cl, &b, type, 0);
    if (kind == 1)
        msg_put_u32(&b, "domain", (uint32_t)id);
    else
        msg_put_string(&b, "name", argv[1]);
    rc = call(&cl, &b, argv[0], 1, &f);
    if (!rc && type == MSG_SHUTDOWN) {
        const char *note;

        if (!msg_get_string(&f, 0, "note", &note))
            printf("%s\n", note);
    }
    exo_client_close(&cl);
    return rc;
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
    } else {
        if (argc != 2)
            return exo_usage(c, "%s needs one domain", argv[0]);
        if (domain_ref_parse(argv[1], &id) < 0)
            return exo_usage(c, "'%s' is neither a domain name nor a domain id", argv[1]);
    }
    return exo_error(EXO_UNAVAILABLE, "%s: not available yet", argv[0]);
}
