/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sample messages of every type of the management protocol, laid out as
 * docs/toolstack.md describes their payloads, for the tests of
 * toolstack/libexo/msg.c: the host unit test, the in-VM test and the fuzz
 * seed generator build them the same way. msg_sample_build() writes one
 * frame; msg_sample_check() reads a decoded one back with the typed
 * getters and names the first property that differs.
 */
#ifndef TESTS_UNIT_MSG_SAMPLES_H
#define TESTS_UNIT_MSG_SAMPLES_H

#include <libfdt.h>
#include <string.h>

#include "msg.h"

enum sample_kind { S_NONE, S_U32, S_U64, S_S32, S_STR, S_BYTES, S_FLAG, S_NODE, S_END };

struct sample_prop {
    enum sample_kind kind;
    const char *name;
    uint64_t value;  /* S_U32, S_U64, S_S32 (as int64_t) */
    const char *str; /* S_STR, S_BYTES (with len) */
    size_t len;
};

#define SAMPLE_PROPS_MAX 12

struct msg_sample {
    uint16_t type;
    uint32_t flags;
    struct sample_prop props[SAMPLE_PROPS_MAX]; /* up to the first S_NONE */
};

static const struct msg_sample msg_samples[] = {
    {MSG_HELLO,
     0,
     {{S_U32, "version", 1, 0, 0}, {S_STR, "capabilities", 0, "image-data console", 0}}},
    {MSG_CREATE,
     0,
     {{S_STR, "name", 0, "web", 0},
      {S_U32, "memory-mib", 64, 0, 0},
      {S_U32, "vcpus", 2, 0, 0},
      {S_STR, "cmdline", 0, "port=80", 0},
      {S_STR, "on-poweroff", 0, "destroy", 0},
      {S_STR, "on-reboot", 0, "restart", 0},
      {S_STR, "on-crash", 0, "preserve", 0},
      {S_U64, "image", 0x0123456789abcdefull, 0, 0},
      {S_FLAG, "paused", 0, 0, 0}}},
    {MSG_DESTROY, 0, {{S_U32, "domain", 3, 0, 0}}},
    {MSG_SHUTDOWN, 0, {{S_U32, "domain", 4, 0, 0}}},
    {MSG_REBOOT, 0, {{S_U32, "domain", 5, 0, 0}}},
    {MSG_PAUSE, 0, {{S_STR, "name", 0, "web", 0}}},
    {MSG_UNPAUSE, 0, {{S_STR, "name", 0, "web", 0}}},
    {MSG_LIST, 0, {{0}}},
    {MSG_INFO, 0, {{S_U32, "domain", 1, 0, 0}}},
    {MSG_DMESG, 0, {{S_U32, "max-bytes", 65536, 0, 0}}},
    {MSG_CONSOLE_ATTACH, 0, {{S_U32, "domain", 2, 0, 0}}},
    {MSG_CONSOLE_INPUT,
     0,
     {{S_U32, "domain", 2, 0, 0}, {S_BYTES, "data", 0, "ls\n\0\x01\x01\x01", 7}}},
    {MSG_VCPU_LIST, 0, {{S_U32, "domain", 2, 0, 0}}},
    {MSG_VCPU_PIN,
     0,
     {{S_U32, "domain", 2, 0, 0}, {S_U32, "vcpu", 1, 0, 0}, {S_U32, "cpu", 0, 0, 0}}},
    {MSG_STATS, 0, {{0}}},
    {MSG_IMAGE_DATA,
     MSG_FLAG_MORE,
     {{S_U64, "image", 0xfeedfacecafebeefull, 0, 0},
      {S_U64, "size", 300000, 0, 0},
      {S_U64, "offset", 0, 0, 0},
      {S_BYTES, "data", 0,
       "\x7f"
       "ELF\x02\x01\x01",
       7}}},
    {MSG_OK,
     0,
     {{S_S32, "status", 0, 0, 0},
      {S_NODE, "domain@0", 0, 0, 0},
      {S_U32, "id", 0, 0, 0},
      {S_STR, "name", 0, "exod", 0},
      {S_STR, "state", 0, "running", 0},
      {S_U64, "memory-kib", 65536, 0, 0},
      {S_U32, "vcpus", 1, 0, 0},
      {S_END, 0, 0, 0, 0},
      {S_NODE, "domain@1", 0, 0, 0},
      {S_U32, "id", 1, 0, 0},
      {S_STR, "name", 0, "web", 0},
      {S_END, 0, 0, 0, 0}}},
    {MSG_ERROR,
     0,
     {{S_S32, "status", (uint64_t)-3, 0, 0}, {S_STR, "message", 0, "no domain named 'web'", 0}}},
    {MSG_CONSOLE_OUTPUT,
     MSG_FLAG_MORE,
     {{S_U32, "domain", 2, 0, 0}, {S_BYTES, "data", 0, "hello\r\n", 7}}},
};

#define MSG_SAMPLE_COUNT (sizeof(msg_samples) / sizeof(msg_samples[0]))

/* Builds sample s with request id id into buf; returns the frame's size or
 * a negative enum msg_error. */
static inline long msg_sample_build(const struct msg_sample *s, uint32_t id, void *buf, size_t size)
{
    struct msg_builder b;

    msg_begin(&b, buf, size, s->type, s->flags, id);
    for (const struct sample_prop *p = s->props; p < s->props + SAMPLE_PROPS_MAX; p++) {
        switch (p->kind) {
        case S_NONE:
            return msg_finish(&b);
        case S_U32:
            msg_put_u32(&b, p->name, (uint32_t)p->value);
            break;
        case S_U64:
            msg_put_u64(&b, p->name, p->value);
            break;
        case S_S32:
            msg_put_s32(&b, p->name, (int32_t)p->value);
            break;
        case S_STR:
            msg_put_string(&b, p->name, p->str);
            break;
        case S_BYTES:
            msg_put_bytes(&b, p->name, p->str, p->len);
            break;
        case S_FLAG:
            msg_put_flag(&b, p->name);
            break;
        case S_NODE:
            msg_node_begin(&b, p->name);
            break;
        case S_END:
            msg_node_end(&b);
            break;
        }
    }
    return msg_finish(&b);
}

/* NULL if frame f holds sample s's type, flags and properties, else the
 * name of the first that differs. */
static inline const char *msg_sample_check(const struct msg_sample *s, const struct msg_frame *f)
{
    int node = 0, depth = 0, parents[4];

    if (f->type != s->type)
        return "type";
    if (f->flags != s->flags)
        return "flags";
    for (const struct sample_prop *p = s->props; p < s->props + SAMPLE_PROPS_MAX; p++) {
        uint32_t u32;
        uint64_t u64;
        int32_t s32;
        const char *str;
        const void *data;
        size_t len;

        switch (p->kind) {
        case S_NONE:
            return NULL;
        case S_U32:
            if (msg_get_u32(f, node, p->name, &u32) || u32 != p->value)
                return p->name;
            break;
        case S_U64:
            if (msg_get_u64(f, node, p->name, &u64) || u64 != p->value)
                return p->name;
            break;
        case S_S32:
            if (msg_get_s32(f, node, p->name, &s32) || s32 != (int32_t)p->value)
                return p->name;
            break;
        case S_STR:
            if (msg_get_string(f, node, p->name, &str) || strcmp(str, p->str))
                return p->name;
            break;
        case S_BYTES:
            if (msg_get_bytes(f, node, p->name, &data, &len) || len != p->len ||
                memcmp(data, p->str, len))
                return p->name;
            break;
        case S_FLAG:
            if (!msg_get_flag(f, node, p->name))
                return p->name;
            break;
        case S_NODE:
            if (depth == 4)
                return "nesting";
            parents[depth++] = node;
            node = fdt_subnode_offset(f->payload, node, p->name);
            if (node < 0)
                return p->name;
            break;
        case S_END:
            node = parents[--depth];
            break;
        }
    }
    return NULL;
}

#endif
