/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exod, the control daemon, for now a batch builder: it runs the jobs its
 * command line names, one after the other, and exits with the number that
 * failed. A job starts at build=PATH (an ELF image in exod's own file
 * tree) and takes the words after it:
 *
 *   name=NAME            the domain's name (default: the file's base name)
 *   memory=MiB           its memory (default 8)
 *   vcpus=N              its vCPUs (default 1)
 *   cmdline=WORD         its command line (default: the name) ...
 *   arg=WORD             ... with WORD added; may repeat
 *   cmdline-file=PATH    its command line, read from a file in the tree
 *   stop-after=MS        if it still runs after MS milliseconds, pause it
 *                        and shut it down (poweroff, code 0)
 *
 * jobs=PATH reads more such words from a file in the tree (the boot
 * loader passes at most 255 bytes of command line).
 *
 * chan-test=BYTES, alone, runs the management channel's transport test
 * instead (chan_test.c).
 *
 * Each domain is built paused, started, watched until it stops, reported
 * with its exit code and destroyed; then free memory must be back where it
 * was before the build. A job that cannot be built says why, and the same
 * check shows nothing was left behind.
 *
 * `serve` instead serves the management protocol over the channel
 * (serve.c) until a client shuts domain 0 down: what `exo host start`
 * boots.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "chan.h"
#include "serve.h"

#define MIB (1ull << 20)
#define POLL_US 1000

struct job {
    const char *path;
    char name[64];
    unsigned long long memory_mib;
    unsigned long long vcpus;
    char cmdline[2048];
    int cmdline_set;
    unsigned long long stop_after_ms;
};

static const char *const reasons[] = {"poweroff", "reboot", "crash"};
static const char *const states[] = {"building", "paused", "running", "shutdown", "dying"};

/* Say what is wrong with an argument; returns -1. */
__attribute__((format(printf, 1, 2))) static int bad(const char *fmt, ...)
{
    va_list ap;

    printf("exod: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    return -1;
}

/* A whole file of the tree in memory (malloc), or NULL with errno set. */
static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    void *data = NULL;
    long end;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (end = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        data = malloc(end ? (size_t)end : 1);
        if (data && fread(data, 1, (size_t)end, f) != (size_t)end) {
            free(data);
            data = NULL;
            errno = EIO;
        }
        *size = (size_t)end;
    }
    fclose(f);
    return data;
}

static int append(char *dst, size_t size, const char *word)
{
    size_t len = strlen(dst), n = strlen(word);

    if (len + (len ? 1 : 0) + n >= size)
        return -1;
    if (len)
        dst[len++] = ' ';
    memcpy(dst + len, word, n + 1);
    return 0;
}

static int number(const char *s, unsigned long long *out)
{
    char *end;

    errno = 0;
    *out = strtoull(s, &end, 10);
    return errno || end == s || *end || *s == '-' ? -1 : 0;
}

/* How many domains exist: a job must leave as many as it found. */
static unsigned int count_domains(void)
{
    struct hv_domctl_info list[1];
    unsigned int count = 0;
    const char *why;

    if (exod_list(list, 0, &count, &why))
        printf("exod: FAIL: listing the domains: %s\n", why);
    return count;
}

static uint64_t now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* Wait for domid to stop; 0 once it has, with its info. With a limit
 * (ms, 0 for none) -HV_EAGAIN if it is still running then. */
static int wait_stopped(uint32_t domid, uint64_t limit_ms, struct hv_domctl_info *info,
                        const char **why)
{
    uint64_t deadline = now_ms() + limit_ms;

    for (;;) {
        int err = exod_getinfo(domid, info, why);

        if (err || info->state == HV_DOMSTATE_shutdown)
            return err;
        if (limit_ms && now_ms() >= deadline)
            return -HV_EAGAIN;
        usleep(POLL_US);
    }
}

/* stop-after: the domain is still running; pause it, then stop it as the
 * exo tool's shutdown will. 0, or an error with *why. */
static int stop(const struct job *job, uint32_t domid, const char **why)
{
    struct hv_domctl_info info;
    int err = exod_pause(domid, why);

    if (!err)
        err = exod_getinfo(domid, &info, why);
    if (err)
        return err;
    printf("exod: %s (d%u) still running after %llu ms: %s, shutting it down\n", job->name, domid,
           job->stop_after_ms, states[info.state <= HV_DOMSTATE_dying ? info.state : 0]);
    return exod_shutdown(domid, HV_SHUTDOWN_poweroff, 0, why);
}

/* Start a built domain and see it to its end; 0 if it ended well. */
static int run_domain(const struct job *job, uint32_t domid)
{
    struct hv_domctl_info info;
    const char *why;
    int err = exod_getinfo(domid, &info, &why);

    if (!err)
        printf("exod: %s: built as d%u from %s (%llu MiB, %u vCPUs), %s\n", job->name, domid,
               job->path, (unsigned long long)(info.memory / MIB), info.vcpus,
               states[info.state <= HV_DOMSTATE_dying ? info.state : 0]);
    if (!err)
        err = exod_unpause(domid, &why);
    if (!err)
        err = wait_stopped(domid, job->stop_after_ms, &info, &why);
    if (err == -HV_EAGAIN) {
        err = stop(job, domid, &why);
        if (!err)
            err = wait_stopped(domid, 0, &info, &why);
    }
    if (err) {
        printf("exod: FAIL: %s (d%u): %s (error %d)\n", job->name, domid, why, err);
        return 1;
    }
    printf("exod: %s (d%u) stopped: %s, exit code %u\n", job->name, domid,
           info.shutdown_reason <= HV_SHUTDOWN_MAX ? reasons[info.shutdown_reason] : "unknown",
           info.shutdown_code);
    return info.shutdown_reason != HV_SHUTDOWN_poweroff || info.shutdown_code != 0;
}

/* Run one job; 0 if the domain was built, ran and went, leaving nothing. */
static int run(const struct job *job)
{
    struct exod_build_params p = {.name = job->name,
                                  .memory = job->memory_mib * MIB,
                                  .vcpus = (unsigned int)job->vcpus,
                                  .cmdline = job->cmdline};
    uint64_t before, after;
    unsigned int domains;
    const char *why;
    uint32_t domid;
    void *image;
    int err, failed = 0;

    /* Out-of-range values are the builder's to refuse, not to wrap. */
    if (job->vcpus > UINT32_MAX)
        p.vcpus = UINT32_MAX;
    if (job->memory_mib > UINT64_MAX / MIB)
        p.memory = UINT64_MAX;
    image = read_file(job->path, &p.image_size);
    if (!image) {
        printf("exod: %s: cannot read %s: %s\n", job->name, job->path, strerror(errno));
        return 1;
    }
    p.image = image;
    domains = count_domains();
    if (exod_free_frames(&before, &why)) {
        printf("exod: FAIL: %s\n", why);
        free(image);
        return 1;
    }

    err = exod_build(&p, &domid, &why);
    if (err) {
        printf("exod: %s: cannot build the domain: %s (error %d)\n", job->name, why, err);
        failed = 1;
    } else {
        failed = run_domain(job, domid);
        err = exod_destroy(domid, &why);
        if (err) {
            printf("exod: FAIL: destroying %s (d%u): %s (error %d)\n", job->name, domid, why, err);
            failed = 1;
        } else {
            printf("exod: %s (d%u) destroyed\n", job->name, domid);
        }
    }
    free(image);

    if (exod_free_frames(&after, &why)) {
        printf("exod: FAIL: %s\n", why);
        return 1;
    }
    if (after != before || count_domains() != domains) {
        printf("exod: FAIL: %s left something behind: %llu frames free before, %llu after, "
               "%u domains before, %u after\n",
               job->name, (unsigned long long)before, (unsigned long long)after, domains,
               count_domains());
        return 1;
    }
    printf("exod: %s: free memory back to %llu frames\n", job->name, (unsigned long long)after);
    return failed;
}

/* One word of a job's description; 0, or -1 with a message. */
static int parse_word(struct job *job, const char *w)
{
    const char *v = strchr(w, '=') + 1;

    if (!strncmp(w, "name=", 5)) {
        /* Longer than the tree allows is the builder's to refuse; longer
         * than this buffer is refused here. */
        if (strlen(v) >= sizeof(job->name))
            return bad("name=%.16s...: longer than %zu bytes", v, sizeof(job->name) - 1);
        strcpy(job->name, v);
    } else if (!strncmp(w, "memory=", 7)) {
        if (number(v, &job->memory_mib))
            return bad("%s: not a number of MiB", w);
    } else if (!strncmp(w, "vcpus=", 6)) {
        if (number(v, &job->vcpus))
            return bad("%s: not a number", w);
    } else if (!strncmp(w, "stop-after=", 11)) {
        if (number(v, &job->stop_after_ms))
            return bad("%s: not a number of milliseconds", w);
    } else if (!strncmp(w, "cmdline=", 8) || !strncmp(w, "arg=", 4)) {
        if (w[0] == 'c')
            job->cmdline[0] = '\0';
        if (append(job->cmdline, sizeof(job->cmdline), v))
            return bad("%s: the command line is too long", w);
        job->cmdline_set = 1;
    } else if (!strncmp(w, "cmdline-file=", 13)) {
        size_t size;
        char *text = read_file(v, &size);

        if (!text)
            return bad("%s: %s", w, strerror(errno));
        while (size && (text[size - 1] == '\n' || text[size - 1] == '\0'))
            size--;
        if (size >= sizeof(job->cmdline) || memchr(text, '\0', size)) {
            free(text);
            return bad("%s: not a command line", w);
        }
        memcpy(job->cmdline, text, size);
        job->cmdline[size] = '\0';
        job->cmdline_set = 1;
        free(text);
    } else {
        return bad("%s: unknown argument", w);
    }
    return 0;
}

static void job_start(struct job *job, const char *path)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strcspn(base, ".");

    memset(job, 0, sizeof(*job));
    job->path = path;
    job->memory_mib = 8;
    job->vcpus = 1;
    if (n >= sizeof(job->name))
        n = sizeof(job->name) - 1;
    memcpy(job->name, base, n);
}

static struct job jobs[32];
static unsigned int nr_jobs;

static int add_word(const char *w);

/* jobs=PATH: the words of a file in the tree, as if on the command line;
 * a line starting with '#' is a comment. The text stays allocated: the
 * jobs point into it. */
static int add_file(const char *path)
{
    size_t size;
    char *data = read_file(path, &size), *text, *p, *end;

    if (!data)
        return bad("jobs=%s: %s", path, strerror(errno));
    text = realloc(data, size + 1);
    if (!text) {
        free(data);
        return bad("jobs=%s: out of memory", path);
    }
    text[size] = '\0';
    for (p = text; *p; p = end) {
        char *line_end = p + strcspn(p, "\n");

        end = *line_end ? line_end + 1 : line_end;
        *line_end = '\0';
        p += strspn(p, " \t");
        if (*p == '#')
            continue;
        for (char *save, *w = strtok_r(p, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
            if (add_word(w))
                return -1;
    }
    return 0;
}

static int add_word(const char *w)
{
    static int in_file;

    if (!strncmp(w, "jobs=", 5)) {
        int err;

        if (in_file)
            return bad("%s: a jobs file cannot name another", w);
        in_file = 1;
        err = add_file(w + 5);
        in_file = 0;
        return err;
    }
    if (!strncmp(w, "build=", 6)) {
        if (nr_jobs == sizeof(jobs) / sizeof(jobs[0]))
            return bad("more than %u jobs", nr_jobs);
        job_start(&jobs[nr_jobs++], w + 6);
        return 0;
    }
    if (!strchr(w, '=') || !nr_jobs)
        return bad("%s: expected build=PATH first, then NAME=VALUE words", w);
    return parse_word(&jobs[nr_jobs - 1], w);
}

int main(int argc, char **argv)
{
    unsigned int failed = 0;

    if (argc == 2 && !strcmp(argv[1], "serve"))
        return serve();
    if (argc == 2 && !strncmp(argv[1], "chan-test=", 10))
        return chan_test(argv[1] + 10);
    for (int i = 1; i < argc; i++)
        if (add_word(argv[i]))
            return 125;
    if (!nr_jobs) {
        printf("exod: nothing to do (usage: exod build=PATH [name=NAME] [memory=MiB] "
               "[vcpus=N] [cmdline=WORD] [arg=WORD]... [cmdline-file=PATH] [stop-after=MS], "
               "repeated, or jobs=PATH for a file of such words)\n");
        return 0;
    }
    for (unsigned int i = 0; i < nr_jobs; i++) {
        if (!jobs[i].cmdline_set)
            strcpy(jobs[i].cmdline, jobs[i].name);
        failed += run(&jobs[i]) != 0;
    }
    printf("exod: %u of %u jobs done, %u failed\n", nr_jobs - failed, nr_jobs, failed);
    return (int)failed;
}
