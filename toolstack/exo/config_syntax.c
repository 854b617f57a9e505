/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The syntax of xl.cfg(5) files: statements KEY = VALUE separated by
 * newlines or ';', '#' comments to the end of the line, values that are
 * quoted strings, integers (decimal or 0x hexadecimal) or lists of those in
 * brackets, which may span lines and end with a comma. The first problem
 * ends the parse with its line and column; nothing here knows the keys.
 */
#include <stdio.h>
#include <string.h>

#include <public/errno.h>

#include "config_private.h"

enum token_type {
    TOKEN_EOF,
    TOKEN_NEWLINE, /* a newline or ';': the end of a statement */
    TOKEN_IDENT,
    TOKEN_STRING,
    TOKEN_NUMBER,
    TOKEN_EQUALS,
    TOKEN_OPEN,  /* [ */
    TOKEN_CLOSE, /* ] */
    TOKEN_COMMA,
};

struct token {
    enum token_type type;
    char semicolon; /* a TOKEN_NEWLINE that was ';' */
    unsigned int line, column;
    const char *str; /* in the arena: an ident or a string */
    uint64_t number;
};

struct lexer {
    const struct origin *o;
    const char *text;
    size_t len, pos;
    unsigned int line;
    size_t line_start;
    char *arena;
    size_t arena_used;
    char *err;
    size_t err_size;
};

static int lex_error(struct lexer *lx, unsigned int line, unsigned int column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int lex_error(struct lexer *lx, unsigned int line, unsigned int column, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    config_verror(lx->err, lx->err_size, lx->o, line, column, fmt, ap);
    va_end(ap);
    return -HV_EINVAL;
}

static unsigned int column_of(const struct lexer *lx, size_t pos)
{
    return (unsigned int)(pos - lx->line_start + 1);
}

static int is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.';
}

/* Describes the byte at pos for an error message, quoted when printable. */
static const char *describe(char c, char *buf, size_t size)
{
    if (c > 0x20 && c < 0x7f)
        snprintf(buf, size, "'%c'", c);
    else
        snprintf(buf, size, "byte 0x%02x", (unsigned char)c);
    return buf;
}

static int lex_string(struct lexer *lx, struct token *t)
{
    char quote = lx->text[lx->pos++];
    char *out = lx->arena + lx->arena_used;
    size_t n = 0;

    for (;;) {
        char c;

        if (lx->pos == lx->len || lx->text[lx->pos] == '\n')
            return lex_error(lx, t->line, t->column, "unterminated string");
        c = lx->text[lx->pos];
        if (c == quote) {
            lx->pos++;
            break;
        }
        /* Only double-quoted strings have escapes, and only for the
         * characters a string could not hold otherwise. */
        if (c == '\\' && quote == '"') {
            char next = lx->pos + 1 < lx->len ? lx->text[lx->pos + 1] : '\n';

            if (next == '\n')
                return lex_error(lx, t->line, t->column, "unterminated string");
            if (next != '\\' && next != '"' && next != '\'') {
                char buf[16];

                return lex_error(lx, lx->line, column_of(lx, lx->pos),
                                 "unsupported escape: a backslash before %s (only \\\\, \\\" "
                                 "and \\' are escapes)",
                                 describe(next, buf, sizeof(buf)));
            }
            c = next;
            lx->pos++;
        } else if ((unsigned char)c < 0x20 || c == 0x7f) {
            return lex_error(lx, lx->line, column_of(lx, lx->pos),
                             "control character 0x%02x in a string", (unsigned char)c);
        }
        out[n++] = c;
        lx->pos++;
    }
    out[n] = '\0';
    lx->arena_used += n + 1;
    t->type = TOKEN_STRING;
    t->str = out;
    return 0;
}

/* A number is a run of letters and digits starting with a digit, so that
 * "64M" is one bad number rather than a number and a stray word. */
static int lex_number(struct lexer *lx, struct token *t)
{
    size_t start = lx->pos, end = start;
    const char *s = lx->text + start;
    uint64_t v = 0;
    unsigned int base = 10;
    size_t i = 0, digits = 0;

    while (end < lx->len && is_ident(lx->text[end]))
        end++;
    lx->pos = end;
    if (end - start > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (end - start > 1 && s[0] == '0') {
        int all_digits = 1;

        for (size_t k = 0; k < end - start; k++)
            all_digits &= s[k] >= '0' && s[k] <= '9';
        if (all_digits)
            return lex_error(lx, t->line, t->column,
                             "'%.*s': a leading 0 makes a number octal in xl; write it in "
                             "decimal without the 0",
                             (int)(end - start), s);
    }
    for (; i < end - start; i++, digits++) {
        char c = s[i];
        unsigned int d;

        if (c >= '0' && c <= '9')
            d = (unsigned int)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (unsigned int)(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = (unsigned int)(c - 'A' + 10);
        else
            return lex_error(lx, t->line, t->column,
                             "'%.*s' is not a number (xl.cfg numbers are plain integers, "
                             "without unit suffixes)",
                             (int)(end - start > 40 ? 40 : end - start), s);
        if (v > (UINT64_MAX - d) / base)
            return lex_error(lx, t->line, t->column, "number too large");
        v = v * base + d;
    }
    if (!digits)
        return lex_error(lx, t->line, t->column, "'%.*s' is not a number", (int)(end - start), s);
    t->type = TOKEN_NUMBER;
    t->number = v;
    return 0;
}

static int lex(struct lexer *lx, struct token *t)
{
    char c, buf[16];

    memset(t, 0, sizeof(*t));
    for (;;) {
        if (lx->pos == lx->len) {
            t->type = TOKEN_EOF;
            t->line = lx->line;
            t->column = column_of(lx, lx->pos);
            return 0;
        }
        c = lx->text[lx->pos];
        if (c == '#') {
            while (lx->pos < lx->len && lx->text[lx->pos] != '\n')
                lx->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            lx->pos++;
        } else {
            break;
        }
    }
    t->line = lx->line;
    t->column = column_of(lx, lx->pos);
    if (c == '\n') {
        lx->pos++;
        lx->line++;
        lx->line_start = lx->pos;
        t->type = TOKEN_NEWLINE;
        return 0;
    }
    if (c == '"' || c == '\'')
        return lex_string(lx, t);
    if (c >= '0' && c <= '9')
        return lex_number(lx, t);
    if (is_ident_start(c)) {
        size_t start = lx->pos;
        char *out = lx->arena + lx->arena_used;

        while (lx->pos < lx->len && is_ident(lx->text[lx->pos]))
            lx->pos++;
        memcpy(out, lx->text + start, lx->pos - start);
        out[lx->pos - start] = '\0';
        lx->arena_used += lx->pos - start + 1;
        t->type = TOKEN_IDENT;
        t->str = out;
        return 0;
    }
    lx->pos++;
    switch (c) {
    case ';':
        t->type = TOKEN_NEWLINE;
        t->semicolon = 1;
        return 0;
    case '=':
        t->type = TOKEN_EQUALS;
        return 0;
    case '[':
        t->type = TOKEN_OPEN;
        return 0;
    case ']':
        t->type = TOKEN_CLOSE;
        return 0;
    case ',':
        t->type = TOKEN_COMMA;
        return 0;
    case '+':
        if (lx->pos < lx->len && lx->text[lx->pos] == '=')
            return lex_error(lx, t->line, t->column, "'+=' is not supported; use '='");
        break;
    }
    return lex_error(lx, t->line, t->column, "unexpected %s", describe(c, buf, sizeof(buf)));
}

static const char *token_name(const struct token *t)
{
    switch (t->type) {
    case TOKEN_EOF:
        return "the end of the input";
    case TOKEN_NEWLINE:
        return t->semicolon ? "';'" : "the end of the line";
    case TOKEN_IDENT:
        return "a word";
    case TOKEN_STRING:
        return "a string";
    case TOKEN_NUMBER:
        return "an integer";
    case TOKEN_EQUALS:
        return "'='";
    case TOKEN_OPEN:
        return "'['";
    case TOKEN_CLOSE:
        return "']'";
    case TOKEN_COMMA:
        return "','";
    }
    return "?";
}

/* The next token that is not the end of a line (inside brackets). */
static int lex_skip_newlines(struct lexer *lx, struct token *t)
{
    int rc;

    do
        rc = lex(lx, t);
    while (!rc && t->type == TOKEN_NEWLINE && !t->semicolon);
    return rc;
}

static int parse_list(struct lexer *lx, const struct token *open, struct statement *st)
{
    struct token t;
    int rc;

    st->type = VALUE_LIST;
    st->nr_items = 0;
    for (;;) {
        if ((rc = lex_skip_newlines(lx, &t)))
            return rc;
        if (t.type == TOKEN_CLOSE)
            return 0; /* empty, or after a trailing comma */
        if (t.type == TOKEN_EOF)
            return lex_error(lx, open->line, open->column, "unterminated list for '%s'", st->key);
        if (t.type == TOKEN_OPEN)
            return lex_error(lx, t.line, t.column, "nested lists are not supported");
        if (t.type != TOKEN_STRING && t.type != TOKEN_NUMBER)
            return lex_error(lx, t.line, t.column,
                             "expected a list item (a quoted string or an integer), got %s%s",
                             token_name(&t), t.type == TOKEN_IDENT ? " (strings need quotes)" : "");
        if (st->nr_items == CONFIG_LIST_MAX)
            return lex_error(lx, t.line, t.column, "a list of more than %u items", CONFIG_LIST_MAX);
        st->items[st->nr_items++] = (struct scalar){
            .type = t.type == TOKEN_STRING ? VALUE_STRING : VALUE_NUMBER,
            .line = t.line,
            .str = t.str,
            .number = t.number,
        };
        if ((rc = lex_skip_newlines(lx, &t)))
            return rc;
        if (t.type == TOKEN_CLOSE)
            return 0;
        if (t.type == TOKEN_EOF)
            return lex_error(lx, open->line, open->column, "unterminated list for '%s'", st->key);
        if (t.type != TOKEN_COMMA)
            return lex_error(lx, t.line, t.column, "expected ',' or ']' in the list, got %s",
                             token_name(&t));
    }
}

static int parse_statement(struct lexer *lx, const struct token *key, struct statement *st)
{
    struct token t;
    int rc;

    st->key = key->str;
    st->line = key->line;
    if ((rc = lex(lx, &t)))
        return rc;
    if (t.type != TOKEN_EQUALS)
        return lex_error(lx, t.line, t.column, "expected '=' after '%s', got %s", key->str,
                         token_name(&t));
    if ((rc = lex(lx, &t)))
        return rc;
    switch (t.type) {
    case TOKEN_STRING:
    case TOKEN_NUMBER:
        st->type = t.type == TOKEN_STRING ? VALUE_STRING : VALUE_NUMBER;
        st->scalar = (struct scalar){st->type, t.line, t.str, t.number};
        break;
    case TOKEN_OPEN:
        if ((rc = parse_list(lx, &t, st)))
            return rc;
        break;
    case TOKEN_IDENT:
        return lex_error(lx, t.line, t.column,
                         "expected a value for '%s', got the word '%s' (strings need quotes)",
                         key->str, t.str);
    default:
        return lex_error(lx, t.line, t.column, "expected a value for '%s', got %s", key->str,
                         token_name(&t));
    }
    if ((rc = lex(lx, &t)))
        return rc;
    if (t.type != TOKEN_NEWLINE && t.type != TOKEN_EOF)
        return lex_error(lx, t.line, t.column,
                         "expected the end of the line after the value of '%s', got %s", key->str,
                         token_name(&t));
    return 0;
}

/* The whole text is checked for NUL bytes and line lengths first, so a
 * file that is not text at all gets one plain message. */
static int check_text(struct lexer *lx)
{
    size_t start = 0;
    unsigned int line = 1;

    for (size_t i = 0; i <= lx->len; i++) {
        if (i < lx->len && lx->text[i] == '\0')
            return lex_error(lx, line, (unsigned int)(i - start + 1),
                             "NUL byte: this is not a text file");
        if (i == lx->len || lx->text[i] == '\n') {
            if (i - start > CONFIG_LINE_MAX) {
                lex_error(lx, line, 0, "line longer than %u bytes", CONFIG_LINE_MAX);
                return -HV_E2BIG;
            }
            start = i + 1;
            line++;
        }
    }
    return 0;
}

int syntax_parse(const struct origin *o, const char *text, size_t len, char *arena,
                 int (*apply)(const struct statement *st, void *arg), void *arg, char *err,
                 size_t err_size)
{
    struct lexer lx = {
        .o = o,
        .text = text,
        .len = len,
        .line = 1,
        .arena = arena,
        .err = err,
        .err_size = err_size,
    };
    struct statement st;
    struct token t;
    int rc;

    if ((rc = check_text(&lx)))
        return rc;
    for (;;) {
        if ((rc = lex(&lx, &t)))
            return rc;
        if (t.type == TOKEN_EOF)
            return 0;
        if (t.type == TOKEN_NEWLINE)
            continue;
        if (t.type != TOKEN_IDENT)
            return lex_error(&lx, t.line, t.column, "expected a key, got %s", token_name(&t));
        memset(&st, 0, sizeof(st));
        if ((rc = parse_statement(&lx, &t, &st)))
            return rc;
        if ((rc = apply(&st, arg)))
            return rc;
    }
}
