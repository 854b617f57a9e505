/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The formatter behind printk() and snprintf(): C99's vsnprintf for the
 * integer, character, string and pointer conversions, with flags, width,
 * precision and length modifiers, and no floating point. Output goes through
 * a sink that counts every character but stores only what fits, so the
 * return value is always the untruncated length.
 */
#include <hv/lib.h>
#include <string.h>

/* Where the output goes: buf[0, size) receives the first size - 1 bytes. */
struct sink {
    char *buf;
    size_t size;
    size_t len; /* characters produced so far, stored or not */
};

/* The parsed part of a conversion between '%' and the conversion letter. */
struct spec {
    bool left;     /* '-' */
    bool zero;     /* '0' */
    bool plus;     /* '+' */
    bool space;    /* ' ' */
    bool alt;      /* '#' */
    int width;     /* 0 when none */
    int precision; /* -1 when none */
    unsigned int base;
    bool upper; /* %X */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

/* Characters needed for the digits of a 64-bit number in octal. */
#define DIGITS_MAX 22

BUILD_BUG_ON(sizeof(ptrdiff_t) != sizeof(size_t));
BUILD_BUG_ON(sizeof(uintmax_t) > sizeof(unsigned long long));

static void put(struct sink *out, char c)
{
    if (out->len + 1 < out->size)
        out->buf[out->len] = c;
    out->len++;
}

static void put_repeat(struct sink *out, char c, int n)
{
    for (; n > 0; n--)
        put(out, c);
}

static void put_string(struct sink *out, const char *s, size_t n)
{
    while (n--)
        put(out, *s++);
}

/* Emit body[0, n) padded with spaces to the width, on the side the '-' flag says. */
static void put_padded(struct sink *out, const struct spec *sp, const char *body, size_t n)
{
    int pad = (size_t)sp->width > n ? sp->width - (int)n : 0;

    if (!sp->left)
        put_repeat(out, ' ', pad);
    put_string(out, body, n);
    if (sp->left)
        put_repeat(out, ' ', pad);
}

/*
 * Format an integer magnitude with its sign or prefix. The layout is
 * [spaces] [sign or 0x] [zeros] digits [spaces], where the zeros come from
 * the precision, or from the '0' flag when there is no precision.
 */
static void put_number(struct sink *out, const struct spec *sp, unsigned long long v,
                       const char *prefix)
{
    static const char lower[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
    const char *digits = sp->upper ? upper : lower;
    char tmp[DIGITS_MAX];
    int n = 0, zeros, pad, prefix_len = (int)strlen(prefix);

    /* C99: a zero value with precision 0 has no digits at all. */
    while (v || (n == 0 && sp->precision != 0)) {
        tmp[n++] = digits[v % sp->base];
        v /= sp->base;
    }

    zeros = sp->precision > n ? sp->precision - n : 0;
    /* '#' with %o makes the first digit a zero, adding one if needed. */
    if (sp->alt && sp->base == 8 && zeros == 0 && (n == 0 || tmp[n - 1] != '0'))
        zeros = 1;
    pad = sp->width - prefix_len - zeros - n;
    if (pad < 0)
        pad = 0;
    if (sp->zero && !sp->left && sp->precision < 0) {
        zeros += pad;
        pad = 0;
    }

    if (!sp->left)
        put_repeat(out, ' ', pad);
    put_string(out, prefix, (size_t)prefix_len);
    put_repeat(out, '0', zeros);
    while (n > 0)
        put(out, tmp[--n]);
    if (sp->left)
        put_repeat(out, ' ', pad);
}

static long long get_signed(enum length len, va_list *ap)
{
    switch (len) {
    case LEN_HH:
        return (signed char)va_arg(*ap, int);
    case LEN_H:
        return (short)va_arg(*ap, int);
    case LEN_L:
        return va_arg(*ap, long);
    case LEN_LL:
        return va_arg(*ap, long long);
    case LEN_Z: /* the signed type of size_t's width */
    case LEN_T:
        return va_arg(*ap, ptrdiff_t);
    case LEN_J:
        return va_arg(*ap, intmax_t);
    case LEN_NONE:
        break;
    }
    return va_arg(*ap, int);
}

static unsigned long long get_unsigned(enum length len, va_list *ap)
{
    switch (len) {
    case LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:
        return va_arg(*ap, unsigned long);
    case LEN_LL:
        return va_arg(*ap, unsigned long long);
    case LEN_Z:
        return va_arg(*ap, size_t);
    case LEN_T: /* the unsigned type of ptrdiff_t's width */
        return (size_t)va_arg(*ap, ptrdiff_t);
    case LEN_J:
        return va_arg(*ap, uintmax_t);
    case LEN_NONE:
        break;
    }
    return va_arg(*ap, unsigned int);
}

static const char *parse_flags(const char *f, struct spec *sp)
{
    for (;; f++) {
        switch (*f) {
        case '-':
            sp->left = true;
            break;
        case '0':
            sp->zero = true;
            break;
        case '+':
            sp->plus = true;
            break;
        case ' ':
            sp->space = true;
            break;
        case '#':
            sp->alt = true;
            break;
        default:
            return f;
        }
    }
}

/* A run of decimal digits, saturating rather than overflowing. */
static const char *parse_decimal(const char *f, int *out)
{
    int v = 0;

    for (; *f >= '0' && *f <= '9'; f++)
        v = v > (__INT_MAX__ - 9) / 10 ? __INT_MAX__ : v * 10 + (*f - '0');
    *out = v;
    return f;
}

static const char *parse_length(const char *f, enum length *len)
{
    switch (*f) {
    case 'h':
        if (f[1] == 'h') {
            *len = LEN_HH;
            return f + 2;
        }
        *len = LEN_H;
        return f + 1;
    case 'l':
        if (f[1] == 'l') {
            *len = LEN_LL;
            return f + 2;
        }
        *len = LEN_L;
        return f + 1;
    case 'z':
        *len = LEN_Z;
        return f + 1;
    case 't':
        *len = LEN_T;
        return f + 1;
    case 'j':
        *len = LEN_J;
        return f + 1;
    default:
        *len = LEN_NONE;
        return f;
    }
}

static void convert_signed(struct sink *out, struct spec *sp, long long v)
{
    /* Negate in unsigned arithmetic so that the most negative value works. */
    unsigned long long magnitude = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    const char *sign = v < 0 ? "-" : sp->plus ? "+" : sp->space ? " " : "";

    sp->base = 10;
    put_number(out, sp, magnitude, sign);
}

static void convert_pointer(struct sink *out, struct spec *sp, const void *p)
{
    /* As glibc: "(nil)" for NULL, otherwise like %#lx. */
    if (!p) {
        put_padded(out, sp, "(nil)", 5);
        return;
    }
    sp->base = 16;
    put_number(out, sp, (uintptr_t)p, "0x");
}

static void convert_string(struct sink *out, struct spec *sp, const char *s)
{
    size_t n;

    if (!s)
        s = "(null)";
    /* Never read past the precision: the string need not be terminated. */
    n = sp->precision >= 0 ? strnlen(s, (size_t)sp->precision) : strlen(s);
    put_padded(out, sp, s, n);
}

/*
 * One conversion starting just after its '%'. Returns where the format
 * continues. An unknown conversion is copied out as written, so the
 * mistake shows in the output.
 */
static const char *convert(struct sink *out, const char *f, va_list *ap)
{
    const char *start = f - 1;
    struct spec sp = {.precision = -1};
    enum length len;
    unsigned long long v;
    char c;

    f = parse_flags(f, &sp);
    if (*f == '*') {
        sp.width = va_arg(*ap, int);
        /* A negative width from '*' is a '-' flag and a positive width. */
        if (sp.width < 0) {
            sp.left = true;
            sp.width = sp.width < -__INT_MAX__ ? __INT_MAX__ : -sp.width;
        }
        f++;
    } else {
        f = parse_decimal(f, &sp.width);
    }
    if (*f == '.') {
        f++;
        if (*f == '*') {
            /* A negative precision from '*' counts as none. */
            sp.precision = va_arg(*ap, int);
            if (sp.precision < 0)
                sp.precision = -1;
            f++;
        } else {
            f = parse_decimal(f, &sp.precision);
        }
    }
    f = parse_length(f, &len);

    switch (c = *f) {
    case 'd':
    case 'i':
        convert_signed(out, &sp, get_signed(len, ap));
        break;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        v = get_unsigned(len, ap);
        sp.base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
        sp.upper = c == 'X';
        put_number(out, &sp, v, sp.alt && v && sp.base == 16 ? (sp.upper ? "0X" : "0x") : "");
        break;
    case 'c':
        c = (char)va_arg(*ap, int);
        put_padded(out, &sp, &c, 1);
        break;
    case 's':
        convert_string(out, &sp, va_arg(*ap, const char *));
        break;
    case 'p':
        convert_pointer(out, &sp, va_arg(*ap, const void *));
        break;
    case '%':
        put(out, '%');
        break;
    case '\0':
        /* The format ended inside a conversion: show what there was. */
        put_string(out, start, (size_t)(f - start));
        return f;
    default:
        put_string(out, start, (size_t)(f + 1 - start));
        break;
    }
    return f + 1;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink out = {.buf = buf, .size = buf ? size : 0};
    va_list args;

    /* A copy, so that helpers can take its address portably. */
    va_copy(args, ap);
    while (*fmt) {
        if (*fmt != '%') {
            put(&out, *fmt++);
            continue;
        }
        fmt = convert(&out, fmt + 1, &args);
    }
    va_end(args);

    if (out.size)
        out.buf[MIN(out.len, out.size - 1)] = '\0';
    /* C99 has no way to report more than INT_MAX characters but failure. */
    return out.len > (size_t)__INT_MAX__ ? -1 : (int)out.len;
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
