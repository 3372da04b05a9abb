/*
 * The progress line; see progress.h. The engine calls in once per chunk (a few MB) on
 * its reading thread, so the cost is a clock read per chunk and a redraw at most ten
 * times a second; nothing is counted per record here (the run's own counters are read).
 *
 * File names come from the repository: a name may hold escape sequences, so every
 * control character (C0, DEL, C1) and byte that is not UTF-8 is shown as '?' before it
 * reaches the terminal.
 */
#include "cli/progress.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "run/engine.h"
#include "util/buf.h"
#include "util/utf8.h"

#define REDRAW_SECONDS 0.1
#define DEFAULT_AFTER_SECONDS 1.0

static struct {
    double started;      /* when the command set the display up */
    double after;        /* seconds of run before the first draw */
    double last_draw;
    double run_started;  /* the current engine run */
    bool drawn;          /* a line is on the terminal */
    size_t n_files, index;
    uint64_t total, done;          /* stored bytes: all files, files finished */
    uint64_t read_before;          /* bytes the reader had from finished files */
    const char *path;
    uint64_t stored, offset, records;
    bool decompressed;
} st;

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void put(const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0)
            return;   /* a display is not worth failing a run over */
        s += w;
        n -= (size_t)w;
    }
}

void progress_clear(void)
{
    if (!st.drawn)
        return;
    put("\r\033[K", 4);
    st.drawn = false;
}

static unsigned terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

/* The path with what a terminal would act on replaced; its width in characters. */
static size_t clean_path(struct buf *out, const char *path)
{
    const unsigned char *s = (const unsigned char *)(path ? path : "");
    size_t avail = strlen((const char *)s), chars = 0;
    while (avail) {
        uint32_t cp;
        size_t n = utf8_decode(s, avail, &cp);
        if (!n || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || utf8_is_bidi_control(cp)) {
            buf_addch(out, '?');
            n = n ? n : 1;
        } else {
            buf_add(out, s, n);
        }
        s += n;
        avail -= n;
        chars++;
    }
    return chars;
}

/* "12.3 of 45.6 MB": both in the total's unit. */
static void amount(struct buf *b, uint64_t n, uint64_t total)
{
    uint64_t scale = (total ? total : n) >= (uint64_t)10 * 1000 * 1000 * 1000 ? 1000 * 1000 * 1000 : 1000 * 1000;
    const char *unit = scale == 1000 * 1000 ? "MB" : "GB";
    if (total)
        buf_printf(b, "%.1f of %.1f %s", (double)n / (double)scale, (double)total / (double)scale, unit);
    else
        buf_printf(b, "%.1f %s", (double)n / (double)scale, unit);
}

/* "412k": a count in at most 4 characters and a unit, for a line that must fit 80 columns. */
static void count(struct buf *b, uint64_t n)
{
    if (n < 10000)
        buf_printf(b, "%llu", (unsigned long long)n);
    else if (n < 10000000)
        buf_printf(b, "%lluk", (unsigned long long)(n / 1000));
    else
        buf_printf(b, "%lluM", (unsigned long long)(n / 1000000));
}

/* Everything after the file's name. The record count is the first thing dropped when the
 * name would not fit: which file is being read matters more. */
static void describe(struct buf *tail, uint64_t at, uint64_t read, double elapsed, bool with_records)
{
    if (st.n_files > 1)
        buf_printf(tail, " (%zu/%zu)", st.index + 1, st.n_files);
    buf_addstr(tail, ": ");
    if (st.decompressed) {   /* the stored size says nothing of how far in this file is */
        amount(tail, st.offset, 0);
        buf_addstr(tail, " decompressed");
    } else {
        amount(tail, at, st.total);
        if (st.total)
            buf_printf(tail, " (%.0f%%)", 100.0 * (double)at / (double)st.total);
    }
    if (with_records) {
        buf_addstr(tail, ", ");
        count(tail, st.records);
        buf_addstr(tail, " records");
    }
    if (elapsed > 0)
        buf_printf(tail, ", %.0f MB/s", (double)read / 1e6 / elapsed);
    if (st.total && at > 0 && at < st.total && elapsed > 0) {
        double left = (double)(st.total - at) * elapsed / (double)at;
        unsigned long s = (unsigned long)(left + 0.5);
        if (s >= 3600)
            buf_printf(tail, ", ETA %luh%02lum", s / 3600, s / 60 % 60);
        else
            buf_printf(tail, ", ETA %lu:%02lu", s / 60, s % 60);
    }
}

/* Puts a line ("\r" and what fits the terminal) up, erasing the rest of the old one. */
static void show(struct buf *line, double now)
{
    buf_addstr(line, "\033[K");
    put(line->ptr, line->len);
    st.drawn = true;
    st.last_draw = now;
}

static void draw(double now)
{
    double elapsed = now - st.run_started;
    uint64_t read = st.read_before + st.offset;
    uint64_t at = st.done + (st.decompressed ? 0 : (st.offset < st.stored ? st.offset : st.stored));
    struct buf tail = BUF_INIT, line = BUF_INIT, path = BUF_INIT;

    const char *head = "reading ";
    size_t width = terminal_width() - 1;   /* the last column would wrap on some terminals */
    size_t chars = clean_path(&path, st.path);
    describe(&tail, at, read, elapsed, true);
    if (strlen(head) + tail.len + chars > width) {
        buf_reset(&tail);
        describe(&tail, at, read, elapsed, false);
    }
    size_t fixed = strlen(head) + tail.len;   /* tail is ASCII */
    buf_addstr(&line, "\r");
    buf_addstr(&line, head);
    if (fixed + chars <= width) {
        buf_add(&line, path.ptr ? path.ptr : "", path.len);
    } else if (fixed + 2 <= width) {   /* keep the end of the path: the file's name */
        size_t keep = width - fixed - 1, skip = chars - keep;
        const unsigned char *p = (const unsigned char *)buf_cstr(&path);
        while (skip) {
            p++;
            if ((*p & 0xC0) != 0x80)
                skip--;
        }
        buf_addstr(&line, "\xe2\x80\xa6");
        buf_addstr(&line, (const char *)p);
    }
    buf_add(&line, tail.ptr, tail.len);
    if (fixed > width)   /* a very narrow terminal: a wrapped line could not be redrawn */
        line.len = 1 + width;   /* tail is ASCII: any byte is a character's end */
    show(&line, now);
    buf_release(&tail);
    buf_release(&line);
    buf_release(&path);
}

static void maybe_draw(void)
{
    double now = now_seconds();
    if (now - st.started < st.after || (st.drawn && now - st.last_draw < REDRAW_SECONDS))
        return;
    draw(now);
}

static void on_begin(void *ctx, size_t n_files, uint64_t total)
{
    (void)ctx;
    st.n_files = n_files;
    st.total = total;
    st.done = st.read_before = 0;
    st.path = NULL;
    st.stored = st.offset = st.records = 0;
    st.run_started = now_seconds();
}

static void on_file(void *ctx, size_t index, const char *path, uint64_t stored, bool decompressed)
{
    (void)ctx;
    if (st.path) {   /* the one before is finished */
        st.done += st.stored;
        st.read_before += st.offset;
    }
    st.index = index;
    st.path = path;
    st.stored = stored;
    st.offset = 0;
    st.decompressed = decompressed;
    maybe_draw();
}

static void on_tick(void *ctx, uint64_t offset, uint64_t records)
{
    (void)ctx;
    st.offset = offset;
    st.records = records;
    maybe_draw();
}

/* Reading is over: one line for the wait while the gates decide, drawn only when the run
 * has lasted long enough to show progress at all. It is not redrawn (nothing moves). */
static void on_finishing(void *ctx)
{
    (void)ctx;
    double now = now_seconds();
    if (now - st.started < st.after)
        return;
    uint64_t read = st.read_before + st.offset;
    struct buf line = BUF_INIT;
    buf_addstr(&line, "\rchecking: ");
    amount(&line, read, 0);
    buf_printf(&line, " read from %zu file%s in %.1f s; the gates are deciding", st.n_files,
               st.n_files == 1 ? "" : "s", now - st.run_started);
    size_t width = terminal_width() - 1;
    if (line.len > 1 + width)   /* ASCII: any byte ends a character */
        line.len = 1 + width;
    show(&line, now);
    buf_release(&line);
}

static void on_end(void *ctx)
{
    (void)ctx;
    progress_clear();
    st.path = NULL;
}

static const struct engine_progress display = {
    .begin = on_begin, .file = on_file, .tick = on_tick, .finishing = on_finishing, .end = on_end,
};

static bool set(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

bool progress_setup(bool quiet)
{
    const char *term = getenv("TERM");
    if (quiet || !isatty(STDERR_FILENO) || set("CI") || set("GITHUB_ACTIONS") || (term && !strcmp(term, "dumb")))
        return false;
    st.started = now_seconds();
    st.after = DEFAULT_AFTER_SECONDS;
    const char *after = getenv("DSCI_PROGRESS_AFTER_MS");   /* a test knob */
    if (after && *after) {
        char *end;
        unsigned long ms = strtoul(after, &end, 10);
        if (!*end)
            st.after = (double)ms / 1000.0;
    }
    engine_set_progress(&display);
    return true;
}
