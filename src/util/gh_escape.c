/*
 * Escaping for GitHub workflow commands. The runner splits the log on '\n', treats a
 * line that starts with "::" as a command and unescapes %25 %0D %0A (and in
 * properties %3A %2C); escaping the same set here makes every value round-trip and
 * keeps any newline in the data from reaching the log raw.
 */
#include "util/gh_escape.h"

#include "util/atomic_file.h"
#include "util/utf8.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>


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

void term_escape(struct buf *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    while (*s) {
        size_t n;
        if (*s == '\n')
            buf_addstr(out, "\\n"), s++;
        else if (*s == '\r')
            buf_addstr(out, "\\r"), s++;
        else if (*s == '\t')
            buf_addstr(out, "\\t"), s++;
        else if (*s >= 0x20 && *s < 0x7f)
            buf_addch(out, (char)*s++);
        else if (*s >= 0x80 && (n = utf8_len(s)) != 0)
            buf_add(out, s, n), s += n;
        else
            buf_printf(out, "\\x%02x", *s++);
    }
}

/*
 * The guarded streams. Each keeps where it stands in the current line across writes,
 * so a command split over several fputs calls is seen whole.
 */
enum guard_state {
    G_START,    /* at the start of a line, or only blanks so far */
    G_COLON,    /* one ':' held back at the start of a line */
    G_MID,      /* inside a line */
};

struct guard {
    int fd;
    bool allow;
    enum guard_state state;
    unsigned hashes;    /* '#' just before the current byte */
};

static struct guard out_guard = { 1, false, G_START, 0 }, err_guard = { 2, false, G_START, 0 };
static FILE *guarded_out, *guarded_err;

/* Bytes that may be part of what the runner trims before a command: it trims with .NET's
 * String.TrimStart (Char.IsWhiteSpace: TAB to CR, space, U+0085, U+00A0, U+1680,
 * U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) and other runners with
 * JavaScript's trimStart (also U+FEFF), so a name holding "\n\u00a0::error::" is a
 * command. Byte-wise and on the safe side: the lead bytes of those characters and
 * continuation bytes keep a line "at its start". */
static bool start_blank(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) || (c >= 0x80 && c <= 0xbf) || c == 0xc2 ||
           c == 0xe1 || c == 0xe2 || c == 0xe3 || c == 0xef;
}

static ssize_t guard_write(void *cookie, const char *data, size_t size)
{
    struct guard *g = cookie;
    struct buf b = BUF_INIT;
    int rc;

    if (g->allow) {
        /* dsci's own escaped commands: the line state restarts after them */
        rc = output_write_all(g->fd, data, size);
        g->state = size && (data[size - 1] == '\n' || data[size - 1] == '\r') ? G_START : G_MID;
        g->hashes = 0;
        return rc < 0 ? -1 : (ssize_t)size;
    }
    for (size_t i = 0; i < size; i++) {
        char c = data[i];
        if (g->state == G_COLON) {
            buf_addstr(&b, c == ':' ? "\\::" : ":");
            g->state = G_MID;
            if (c == ':')
                continue;
        }
        if (c == '\n' || c == '\r') {
            g->state = G_START;
            g->hashes = 0;
            buf_addch(&b, c);
            continue;
        }
        if (g->state == G_START && c == ':') {
            g->state = G_COLON;
            continue;
        }
        if (g->state == G_START && !start_blank((unsigned char)c))
            g->state = G_MID;
        if (c == '[' && g->hashes >= 2)
            buf_addch(&b, '\\');
        g->hashes = c == '#' ? g->hashes + 1 : 0;
        buf_addch(&b, c);
    }
    rc = b.len ? output_write_all(g->fd, b.ptr, b.len) : 0;
    buf_release(&b);
    return rc < 0 ? -1 : (ssize_t)size;
}

static FILE *guard_open(struct guard *g, int mode)
{
    cookie_io_functions_t io = { .read = NULL, .write = guard_write, .seek = NULL, .close = NULL };
    FILE *f = fopencookie(g, "w", io);
    if (f && setvbuf(f, NULL, mode, BUFSIZ) != 0) {
        fclose(f);
        f = NULL;
    }
    return f;
}

int gh_guard_install(void)
{
    const char *v = getenv("GITHUB_ACTIONS");
    if (!v || strcmp(v, "true") != 0 || guarded_out)
        return 0;
    fflush(stdout);
    fflush(stderr);
    guarded_out = guard_open(&out_guard, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF);
    guarded_err = guard_open(&err_guard, _IONBF);
    if (!guarded_out || !guarded_err) {
        if (guarded_out)
            fclose(guarded_out);
        if (guarded_err)
            fclose(guarded_err);
        guarded_out = guarded_err = NULL;
        return -1;
    }
    stdout = guarded_out;
    stderr = guarded_err;
    return 0;
}

void gh_guard_commands(FILE *stream, bool allow)
{
    struct guard *g = stream && stream == guarded_out ? &out_guard : stream && stream == guarded_err ? &err_guard : NULL;
    if (!g)
        return;
    fflush(stream);
    if (g->state == G_COLON)   /* a ':' held back at the end of the last write */
        output_write_all(g->fd, ":", 1), g->state = G_MID;
    if (allow && g->state == G_MID)   /* a command must start its own line */
        output_write_all(g->fd, "\n", 1), g->state = G_START;
    g->allow = allow;
}

bool gh_guard_active(void)
{
    return guarded_out != NULL;
}
