/*
 * Where a broken record's first error is. yajl says that a record is broken; the
 * message names the line and column Python's json module would (JSONDecodeError.pos),
 * so users find the same place with the tools they already run, and a NUL byte,
 * invalid UTF-8 or too deep nesting is named as such rather than as a syntax error.
 */
#include "read/reader_impl.h"

#include <stdbool.h>
#include <string.h>

#include "util/utf8.h"

/* Line and 1-based column of byte `offset` in a record that starts at `line`, column
 * `col` (1 for a JSONL line). In a JSONL line the column counts characters (code points),
 * as Python's json.loads(line) does on real, non-ASCII data; in a JSON array file it
 * counts bytes, like the record's own place there ("file:1:48213 (record 6)").
 * *out_ccol is the same place in characters from the record's character column `ccol`
 * (SARIF's column in an array file). */
static void locate(const char *s, size_t offset, size_t line, size_t col, size_t ccol, bool chars,
                   size_t *out_line, size_t *out_col, size_t *out_ccol)
{
    for (size_t i = 0; i < offset; i++) {
        if (s[i] == '\n') {
            line++;
            col = ccol = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            col++;
            ccol++;
        } else if (!chars) {
            col++;
        }
    }
    *out_line = line;
    *out_col = col;
    *out_ccol = ccol;
}

/*
 * Where Python's json module puts the first error of a document (JSONDecodeError.pos,
 * counted in bytes here): the offending byte, the opening quote of an unterminated
 * string, the backslash of a bad escape, the end for a premature end. yajl's own offset
 * is the bytes it consumed, which is one past the culprit or the start of its token.
 * Returns len + 1 when the bytes are valid JSON by these rules (NaN and Infinity are not).
 */
#define JSON_NO_ERROR(len) ((len) + 1)

static size_t json_skip_ws(const unsigned char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

static bool json_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string whose opening quote is at `q`: sets *end past the closing quote and returns
 * JSON_NO_ERROR, or returns the error's offset. */
static size_t json_scan_string(const unsigned char *s, size_t len, size_t q, size_t *end)
{
    size_t i = q + 1;
    for (;;) {
        while (i < len && s[i] != '"' && s[i] != '\\') {
            if (s[i] < 0x20)
                return i;                       /* Invalid control character at */
            i++;
        }
        if (i >= len)
            return q;                           /* Unterminated string starting at */
        if (s[i] == '"') {
            *end = i + 1;
            return JSON_NO_ERROR(len);
        }
        if (++i >= len)                         /* a backslash at the very end */
            return q;
        unsigned char c = s[i];
        if (c != 'u') {
            if (!strchr("\"\\/bfnrt", c) || c == 0)
                return i - 1;                   /* Invalid \escape: at the backslash */
            i++;
            continue;
        }
        size_t u = i;                           /* Invalid \uXXXX escape: at the 'u' */
        if (u + 5 >= len)
            return u;
        for (size_t k = 1; k <= 4; k++)
            if (!json_hex(s[u + k]))
                return u;
        i = u + 5;
        /* a high surrogate followed by a second escape: its digits are checked too */
        unsigned hi = 0;
        for (size_t k = 1; k <= 4; k++)
            hi = hi * 16 + (unsigned)(s[u + k] <= '9' ? s[u + k] - '0' : (s[u + k] | 0x20) - 'a' + 10);
        if (hi >= 0xD800 && hi <= 0xDBFF && i + 6 < len && s[i] == '\\' && s[i + 1] == 'u') {
            for (size_t k = 2; k <= 5; k++)
                if (!json_hex(s[i + k]))
                    return i + 1;
            i += 6;
        }
    }
}

/* A number as Python's scanner matches it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][-+]?[0-9]+)?
 * Returns its end, or `i` when there is none. */
static size_t json_scan_number(const unsigned char *s, size_t len, size_t i)
{
    size_t p = i;
    if (p < len && s[p] == '-')
        p++;
    if (p < len && s[p] == '0')
        p++;
    else if (p < len && s[p] >= '1' && s[p] <= '9')
        while (p < len && s[p] >= '0' && s[p] <= '9')
            p++;
    else
        return i;
    if (p + 1 < len && s[p] == '.' && s[p + 1] >= '0' && s[p + 1] <= '9') {
        p += 2;
        while (p < len && s[p] >= '0' && s[p] <= '9')
            p++;
    }
    if (p < len && (s[p] == 'e' || s[p] == 'E')) {
        size_t e = p + 1;
        if (e < len && (s[e] == '+' || s[e] == '-'))
            e++;
        if (e < len && s[e] >= '0' && s[e] <= '9') {
            while (e < len && s[e] >= '0' && s[e] <= '9')
                e++;
            p = e;
        }
    }
    return p;
}

size_t reader_json_error_offset(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char stack[READER_MAX_DEPTH];
    size_t depth = 0, i = json_skip_ws(s, len, 0), end = 0, e;

value:
    if (i >= len)
        return i;                               /* Expecting value */
    switch (s[i]) {
    case '"':
        if ((e = json_scan_string(s, len, i, &end)) != JSON_NO_ERROR(len))
            return e;
        i = end;
        goto after_value;
    case '{':
    case '[':
        if (depth == sizeof(stack))
            return JSON_NO_ERROR(len);          /* deeper than the reader reads: not judged here */
        stack[depth++] = s[i];
        i = json_skip_ws(s, len, i + 1);
        if (i < len && s[i] == (stack[depth - 1] == '{' ? '}' : ']')) {
            depth--;
            i++;
            goto after_value;
        }
        if (stack[depth - 1] == '{')
            goto key;
        goto value;
    case 'n':
    case 't':
    case 'f': {
        const char *lit = s[i] == 'n' ? "null" : s[i] == 't' ? "true" : "false";
        size_t n = strlen(lit);
        if (len - i < n || memcmp(s + i, lit, n) != 0)
            return i;
        i += n;
        goto after_value;
    }
    default:
        if ((e = json_scan_number(s, len, i)) == i)
            return i;
        i = e;
        goto after_value;
    }

key:
    if (i >= len || s[i] != '"')
        return i;                               /* Expecting property name enclosed in double quotes */
    if ((e = json_scan_string(s, len, i, &end)) != JSON_NO_ERROR(len))
        return e;
    i = json_skip_ws(s, len, end);
    if (i >= len || s[i] != ':')
        return i;                               /* Expecting ':' delimiter */
    i = json_skip_ws(s, len, i + 1);
    goto value;

after_value:
    i = json_skip_ws(s, len, i);
    if (depth == 0)
        return i < len ? i : JSON_NO_ERROR(len); /* Extra data */
    if (i >= len)
        return i;
    if (s[i] == (stack[depth - 1] == '{' ? '}' : ']')) {
        depth--;
        i++;
        goto after_value;
    }
    if (s[i] != ',')
        return i;                               /* Expecting ',' delimiter */
    i = json_skip_ws(s, len, i + 1);
    if (stack[depth - 1] == '{')
        goto key;
    goto value;
}

void json_error_describe(struct reader *rd, const struct record *r, yajl_handle h,
                         const char *s, size_t len)
{
    struct example *ex = &rd->ex;
    size_t line, col, ccol, start_col = ex->column ? ex->column : 1;
    size_t start_ccol = ex->char_column ? ex->char_column : 1;
    const char *nul = memchr(s, '\0', len);
    size_t bad_utf8 = utf8_invalid_at((const unsigned char *)s, len);

    if (r->too_deep) {
        ISSUE(rd, EX_TOO_DEEP, ex->line, "nesting deeper than %d levels", READER_MAX_DEPTH);
        return;
    } else if (nul) {
        locate(s, (size_t)(nul - s), ex->line, start_col, start_ccol, !ex->column, &line, &col, &ccol);
        ISSUE(rd, EX_NUL_BYTE, line, "NUL byte at line %zu, column %zu: remove it or escape it as \\u0000",
                                       line, col);
    } else if (bad_utf8 < len) {
        locate(s, bad_utf8, ex->line, start_col, start_ccol, !ex->column, &line, &col, &ccol);
        ISSUE(rd, EX_INVALID_UTF8, line, "invalid UTF-8 (byte 0x%02x) at line %zu, column %zu: re-encode the file as UTF-8",
                                       (unsigned char)s[bad_utf8], line, col);
    } else {
        unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)s, len);
        size_t offset = reader_json_error_offset(s, len);
        if (offset > len) {   /* valid by Python's rules, not by yajl's: yajl's place */
            offset = yajl_get_bytes_consumed(h);
            if (offset > len)
                offset = len;
        }
        locate(s, offset, ex->line, start_col, start_ccol, !ex->column, &line, &col, &ccol);
        const char *text = (const char *)msg;
        if (strncmp(text, "parse error: ", 13) == 0)
            text += 13;
        size_t tlen = strcspn(text, "\n");
        while (tlen && (text[tlen - 1] == '.' || text[tlen - 1] == ' '))
            tlen--;
        ISSUE(rd, EX_INVALID_JSON, line, "invalid JSON at line %zu, column %zu: %.*s", line, col,
                                       (int)tlen, text);
        yajl_free_error(h, msg);
    }
    /* In a JSON array file the column is part of the finding's place. */
    if (ex->column && ex->n_issues && ex->issues[ex->n_issues - 1].line == line) {
        ex->issues[ex->n_issues - 1].column = col;
        ex->issues[ex->n_issues - 1].char_column = ccol;
    }
}
