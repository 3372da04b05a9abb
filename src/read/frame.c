/*
 * Framing: the file's bytes cut into records, each with the line (and in an array
 * file the byte and the character column) it starts on. JSONL: one record a line; the file's own
 * oddities (CRLF, blank lines, a missing final newline) are counted on struct run_file
 * and a line over the limit becomes one broken record whose bytes are dropped as they
 * come, so memory stays at the limit. JSON array: see frame_read_array.
 */
#include "read/reader_impl.h"

#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

int frame_fill(struct frame_input *in, size_t want_cap)
{
    if (in->borrowed)   /* all there is, already there (and at its end) */
        return 0;
    if (in->start > 0) {
        memmove(in->buf, in->buf + in->start, in->end - in->start);
        in->end -= in->start;
        in->start = 0;
    }
    if (want_cap > in->cap) {
        in->buf = xrealloc(in->buf, want_cap);
        in->cap = want_cap;
    }
    if (in->end == in->cap)
        return 0;
    ssize_t n = in->in->read(in->in->ctx, in->buf + in->end, in->cap - in->end);
    if (n < 0)
        return (int)n;
    if (n == 0) {
        in->eof = true;
        return 0;
    }
    if (in->hash)
        sha256_update(&in->sha, in->buf + in->end, (size_t)n);
    in->file->bytes += (uint64_t)n;
    in->end += (size_t)n;
    return 0;
}

static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

static int handle_line(struct reader *rd, char *s, size_t len, size_t line)
{
    struct run_file *f = rd->file;
    if (len && s[len - 1] == '\r') {
        len--;
        if (f->crlf_lines++ == 0)
            f->first_crlf_line = line;
    }
    if (is_blank(s, len)) {
        if (f->blank_lines++ == 0)
            f->first_blank_line = line;
        return 0;
    }
    if (pool_use(rd))
        return pool_add(rd, s, len, line, false);
    return record_process(rd, s, len, line, 0, 0);
}

/* A line over the limit: its one broken record, in order with the parsed ones. */
static int too_long_line(struct reader *rd, size_t line)
{
    return pool_use(rd) ? pool_add(rd, NULL, 0, line, true) : reader_too_long(rd, line, 0, 0);
}

int frame_read_jsonl(struct reader *rd, struct frame_input *in, size_t line)
{
    size_t max = rd->o->max_line_bytes;
    bool skipping = false;   /* inside a line that passed the limit */
    int rc;

    for (;;) {
        char *p = in->buf + in->start;
        size_t avail = in->end - in->start;
        char *nl = memchr(p, '\n', avail);
        if (nl) {
            size_t len = (size_t)(nl - p);
            in->start += len + 1;
            if (skipping) {
                skipping = false;
            } else if (len > max) {
                rc = too_long_line(rd, line);
                if (rc != 0)
                    return rc;
            } else if ((rc = handle_line(rd, p, len, line)) != 0) {
                return rc;
            }
            line++;
            continue;
        }
        if (in->eof) {
            if (avail > 0) {
                rd->file->no_final_newline = true;
                in->start = in->end;
                if (!skipping && avail > max)
                    return too_long_line(rd, line);
                if (!skipping)
                    return handle_line(rd, p, avail, line);
            }
            return 0;
        }
        if (avail > max) {
            /* Report it once and drop its bytes as they come: memory stays at the limit. */
            if (!skipping) {
                rc = too_long_line(rd, line);
                if (rc != 0)
                    return rc;
            }
            skipping = true;
            in->start = in->end;
            avail = 0;
        }
        size_t want = in->cap;
        if (avail == in->cap)
            want = in->cap * 2 > max + 1 ? max + 1 : in->cap * 2;
        if (want < READ_BLOCK)
            want = READ_BLOCK;
        if ((rc = frame_fill(in, want < avail + 1 ? avail + 1 : want)) < 0)
            return rc;
    }
}

/*
 * A JSON array of records: a small state machine finds each element's bytes (strings
 * and nesting tracked, so brackets inside strings do not count) and hands them to the
 * record parser with the line and byte column where they start. A syntax error of the
 * array itself (a trailing comma, a missing one, an unclosed array) is a broken record
 * at its line and column, and ends the file; an element cut off by the end of the file
 * is parsed as it is, so it is the broken record.
 *
 * Each place also gets its character (code point) column, which SARIF's columnKind
 * asks for: the byte column less the UTF-8 continuation bytes (10xxxxxx) before it on
 * the line. Counting those is one test a byte, and no delimiter the loop steps back
 * over is one, so none is counted twice.
 */
enum array_state { A_BEFORE, A_ELEMENT_OR_END, A_ELEMENT, A_IN, A_AFTER, A_DONE };

/* A record that is only a syntax error of the array around the records. */
static int array_error(struct reader *rd, size_t line, size_t column, size_t char_column, const char *msg)
{
    reader_reset_example(rd, line, column, char_column);
    ISSUE(rd, EX_INVALID_JSON, line, "invalid JSON at line %zu, column %zu: %s", line, column, msg);
    if (rd->ex.n_issues) {
        rd->ex.issues[rd->ex.n_issues - 1].column = column;
        rd->ex.issues[rd->ex.n_issues - 1].char_column = char_column;
    }
    return reader_deliver(rd);
}

int frame_read_array(struct reader *rd, struct frame_input *in, size_t line)
{
    struct buf rec = BUF_INIT;
    enum array_state state = A_BEFORE;
    size_t depth = 0, rec_line = 0, rec_col = 0, col = 1;
    size_t rec_ccol = 0, ccol = 1;   /* the same places in characters */
    size_t cont = 0;                 /* UTF-8 continuation bytes on the line before p[i] */
    /* file offset of the current line's first byte (after a BOM, as in JSONL) */
    uint64_t line_start = in->file->bytes - (in->end - in->start);
    bool in_string = false, escape = false, overflow = false, scalar = false;
    int rc = 0;

    rec.max = rd->o->max_line_bytes;
    for (;;) {
        if (in->start == in->end) {
            if (in->eof)
                break;
            if ((rc = frame_fill(in, READ_BLOCK)) < 0)
                goto done;
            continue;
        }
        char *p = in->buf + in->start;
        size_t avail = in->end - in->start;
        uint64_t base = in->file->bytes - avail;   /* file offset of p[0] */
        size_t i = 0;
        for (; i < avail; i++) {
            char c = p[i];
            bool element_done = false;
            col = (size_t)(base + i - line_start) + 1;
            ccol = col - cont;
            switch (state) {
            case A_BEFORE:
            case A_ELEMENT_OR_END:
            case A_ELEMENT:
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                    break;
                if (state == A_BEFORE) {
                    if (c != '[') {
                        rc = array_error(rd, line, col, ccol, "expected '[' to start the JSON array");
                        goto done;
                    }
                    state = A_ELEMENT_OR_END;
                    break;
                }
                if (c == ']' && state == A_ELEMENT_OR_END) {
                    state = A_DONE;
                    break;
                }
                if (c == ']' || c == ',') {
                    rc = array_error(rd, line, col, ccol, c == ']' ? "trailing ',' before ']' in the JSON array"
                                                             : "empty element (two commas) in the JSON array");
                    goto done;
                }
                state = A_IN;
                rec_line = line;
                rec_col = col;
                rec_ccol = ccol;
                buf_reset(&rec);
                overflow = false;
                depth = 0;
                in_string = escape = false;
                scalar = !(c == '{' || c == '[' || c == '"');
                /* fall through: the first byte belongs to the element */
                /* FALLTHROUGH */
            case A_IN:
                if (scalar) {
                    if (c == ',' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                        element_done = true;
                        i--; /* the delimiter belongs to the array */
                        if (c == '\n')
                            line--; /* counted again below */
                        break;
                    }
                } else if (in_string) {
                    if (escape)
                        escape = false;
                    else if (c == '\\')
                        escape = true;
                    else if (c == '"')
                        in_string = false;
                } else if (c == '"') {
                    in_string = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                }
                if (!overflow && buf_add(&rec, &c, 1) < 0)
                    overflow = true;
                if (!in_string && depth == 0 && !scalar &&
                    (c == '}' || c == ']' || (c == '"' && rec.len > 1) ))
                    element_done = true;
                break;
            case A_AFTER:
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                    break;
                if (c == ',') {
                    state = A_ELEMENT;
                } else if (c == ']') {
                    state = A_DONE;
                } else {
                    rc = array_error(rd, line, col, ccol, "expected ',' or ']' after an element of the JSON array");
                    goto done;
                }
                break;
            case A_DONE:
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                    break;
                rc = array_error(rd, line, col, ccol, "data after the closing ']' of the JSON array");
                goto done;
            }
            if (c == '\n') {
                line++;
                line_start = base + i + 1;
                cont = 0;
            } else if (((unsigned char)c & 0xC0) == 0x80) {
                cont++;
            }
            if (element_done) {
                state = A_AFTER;
                in->start += i + 1;
                rc = overflow ? reader_too_long(rd, rec_line, rec_col, rec_ccol)
                              : record_process(rd, rec.ptr, rec.len, rec_line, rec_col, rec_ccol);
                if (rc != 0)
                    goto done;
                p = in->buf + in->start;
                avail = in->end - in->start;
                base = in->file->bytes - avail;
                i = (size_t)-1;
            }
        }
        in->start += i;
    }
    /* the end of the file: one past the last byte */
    col = (size_t)(rd->file->bytes - line_start) + 1;
    ccol = col - cont;
    if (state == A_IN) {
        /* the last element, cut off (or a scalar that the end of the file ends) */
        rc = overflow ? reader_too_long(rd, rec_line, rec_col, rec_ccol)
                      : record_process(rd, rec.ptr, rec.len, rec_line, rec_col, rec_ccol);
        if (rc == 0 && scalar)
            rc = array_error(rd, line, col, ccol, "unexpected end of file: the JSON array is not closed with ']'");
    } else if (state == A_ELEMENT_OR_END || state == A_ELEMENT || state == A_AFTER) {
        rc = array_error(rd, line, col, ccol, "unexpected end of file: the JSON array is not closed with ']'");
    }
done:
    buf_release(&rec);
    return rc;
}
