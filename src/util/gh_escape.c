/*
 * Escaping for GitHub workflow commands. The runner splits the log on '\n', treats a
 * line that starts with "::" as a command and unescapes %25 %0D %0A (and in
 * properties %3A %2C); escaping the same set here makes every value round-trip and
 * keeps any newline in the data from reaching the log raw.
 */
#include "util/gh_escape.h"

#include "util/utf8.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/random.h>


static int escape(struct buf *out, const char *str, size_t max, bool property)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    size_t used = 0;

    while (*s) {
        char tmp[4];
        const char *piece = tmp;
        size_t n, adv;

        if (*s == '%')
            piece = "%25", n = 3, adv = 1;
        else if (*s == '\r')
            piece = "%0D", n = 3, adv = 1;
        else if (*s == '\n')
            piece = "%0A", n = 3, adv = 1;
        else if (property && *s == ':')
            piece = "%3A", n = 3, adv = 1;
        else if (property && *s == ',')
            piece = "%2C", n = 3, adv = 1;
        else if (*s == '\t' || (*s >= 0x20 && *s < 0x7f))
            tmp[0] = (char)*s, n = 1, adv = 1;
        else if (*s >= 0x80 && (n = utf8_len(s)) != 0)
            memcpy(tmp, s, n), adv = n;
        else
            tmp[0] = '?', n = 1, adv = 1;
        if (used + n > max)
            return 1;
        buf_add(out, piece, n);
        used += n;
        s += adv;
    }
    return 0;
}

int gh_escape_data(struct buf *out, const char *s, size_t max)
{
    return escape(out, s, max, false);
}

int gh_escape_property(struct buf *out, const char *s, size_t max)
{
    return escape(out, s, max, true);
}

int gh_random_token(char out[GH_TOKEN_LEN + 1])
{
    unsigned char raw[GH_TOKEN_LEN / 2];
    size_t got = 0;

    while (got < sizeof(raw)) {
        ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof(raw); i++) {
        out[2 * i] = "0123456789abcdef"[raw[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[raw[i] & 15];
    }
    out[GH_TOKEN_LEN] = '\0';
    return 0;
}
