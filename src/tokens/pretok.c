/*
 * Pre-tokenizer patterns with PCRE2. The published patterns are written for Rust's
 * regex (tiktoken) and Oniguruma (Hugging Face), where \s is Unicode's White_Space;
 * PCRE2's \s with UCP also takes U+180E, so \s and \S are spelled out here before
 * compiling. \p{L}, \p{N}, (?i:...) and possessive forms mean the same in all three.
 */
#include <string.h>

#include "tokens/tokenizer_impl.h"
#include "util/buf.h"
#include "util/err.h"

#define WHITE_SPACE "\\t\\n\\x{0B}\\f\\r \\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}" \
                    "\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}"

/* \s -> the White_Space set, inside a class or out; \S outside a class -> its complement. */
static int rewrite_spaces(struct buf *out, const char *p)
{
    bool in_class = false;
    for (; *p; p++) {
        if (*p == '\\' && p[1]) {
            if (p[1] == 's') {
                buf_addstr(out, in_class ? WHITE_SPACE : "[" WHITE_SPACE "]");
            } else if (p[1] == 'S' && !in_class) {
                buf_addstr(out, "[^" WHITE_SPACE "]");
            } else {
                buf_add(out, p, 2);
            }
            p++;
            continue;
        }
        if (*p == '[' && !in_class) {
            in_class = true;
            buf_addch(out, *p);
            if (p[1] == '^')
                buf_addch(out, *++p);
            if (p[1] == ']')   /* a ']' first in a class is a literal */
                buf_addch(out, *++p);
            continue;
        }
        if (*p == ']' && in_class)
            in_class = false;
        buf_addch(out, *p);
    }
    return 0;
}

int pretok_compile(struct tokenizer *t, const char *name, const char *pattern)
{
    struct buf b = BUF_INIT;
    rewrite_spaces(&b, pattern);
    int code;
    PCRE2_SIZE at;
    t->re = pcre2_compile((PCRE2_SPTR)buf_cstr(&b), b.len,
                          PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY | PCRE2_NO_UTF_CHECK,
                          &code, &at, NULL);
    buf_release(&b);
    if (!t->re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        return err_set(DSCI_EUSAGE, "%s: the pre-tokenizer pattern does not compile (%s): %s",
                       name, (const char *)msg, pattern);
    }
    /* No JIT (some platforms, or SELinux) is slower, not wrong: pcre2_match falls back. */
    pcre2_jit_compile(t->re, PCRE2_JIT_COMPLETE);
    return 0;
}
