/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vsnprintf() for the library OS: the integer, character, string and
 * pointer conversions with flags, width, precision and length modifiers.
 * No floating point: the C library (musl) takes over formatting for
 * applications; this one serves the library OS itself.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct out {
    char *buf;
    size_t size, len;
};

static void emit(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void emit_padding(struct out *o, char c, int n)
{
    while (n-- > 0)
        emit(o, c);
}

struct spec {
    int left, zero, plus, space, alt;
    int width, precision; /* precision -1: none */
};

static void emit_number(struct out *o, const struct spec *s, uint64_t v, int negative,
                        unsigned int base, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, prefix_len, zeros, pad;
    const char *prefix = "";

    while (v) {
        tmp[n++] = digits[v % base];
        v /= base;
    }
    if (n == 0 && s->precision != 0)
        tmp[n++] = '0';
    if (negative)
        prefix = "-";
    else if (s->plus)
        prefix = "+";
    else if (s->space)
        prefix = " ";
    if (s->alt && base == 16 && n && !(n == 1 && tmp[0] == '0'))
        prefix = upper ? "0X" : "0x";
    prefix_len = (int)strlen(prefix);
    zeros = s->precision > n ? s->precision - n : 0;
    pad = s->width - prefix_len - zeros - n;
    if (s->zero && !s->left && s->precision < 0) {
        zeros += pad > 0 ? pad : 0;
        pad = 0;
    }
    if (!s->left)
        emit_padding(o, ' ', pad);
    while (*prefix)
        emit(o, *prefix++);
    emit_padding(o, '0', zeros);
    while (n)
        emit(o, tmp[--n]);
    if (s->left)
        emit_padding(o, ' ', pad);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, buf ? size : 0, 0};

    for (; *fmt; fmt++) {
        struct spec s = {0, 0, 0, 0, 0, 0, -1};
        int longness = 0;

        if (*fmt != '%') {
            emit(&o, *fmt);
            continue;
        }
        for (;; fmt++) {
            char f = fmt[1];
            if (f == '-') s.left = 1;
            else if (f == '0') s.zero = 1;
            else if (f == '+') s.plus = 1;
            else if (f == ' ') s.space = 1;
            else if (f == '#') s.alt = 1;
            else break;
        }
        fmt++;
        if (*fmt == '*') {
            s.width = va_arg(ap, int);
            if (s.width < 0) {
                s.left = 1;
                s.width = -s.width;
            }
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            s.width = s.width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            fmt++;
            s.precision = 0;
            if (*fmt == '*') {
                s.precision = va_arg(ap, int);
                fmt++;
            }
            while (*fmt >= '0' && *fmt <= '9')
                s.precision = s.precision * 10 + (*fmt++ - '0');
        }
        while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h') {
            if (*fmt != 'h')
                longness++;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = longness ? va_arg(ap, int64_t) : va_arg(ap, int);
            emit_number(&o, &s, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = longness ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int);
            unsigned int base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
            emit_number(&o, &s, v, 0, base, *fmt == 'X');
            break;
        }
        case 'p':
            s.alt = 1;
            emit_number(&o, &s, (uintptr_t)va_arg(ap, void *), 0, 16, 0);
            break;
        case 'c':
            emit_padding(&o, ' ', s.left ? 0 : s.width - 1);
            emit(&o, (char)va_arg(ap, int));
            emit_padding(&o, ' ', s.left ? s.width - 1 : 0);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            int n;

            if (!str)
                str = "(null)";
            n = (int)strnlen(str, s.precision < 0 ? (size_t)-1 : (size_t)s.precision);
            emit_padding(&o, ' ', s.left ? 0 : s.width - n);
            for (int i = 0; i < n; i++)
                emit(&o, str[i]);
            emit_padding(&o, ' ', s.left ? s.width - n : 0);
            break;
        }
        case '%':
            emit(&o, '%');
            break;
        default: /* unknown: print it as written */
            emit(&o, '%');
            if (*fmt)
                emit(&o, *fmt);
            else
                fmt--;
            break;
        }
    }
    if (o.size)
        o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
