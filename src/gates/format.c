/*
 * Format: every record must be valid JSON, follow its format's schema, have its turns in
 * order, and have no empty message (and, for OpenAI chat, valid tool calls). Each check
 * must be 100%. Unlike the other gates, this one also sees records that are not parsed.
 *
 * The reader records the byte and structure problems in ex->errors / ex->issues; the
 * conversation shape (turn order, a missing assistant, empty texts) is judged here, from
 * the turns. A record counts once per check it fails, with its first problem as the
 * finding. A broken JSON array is a broken record (the reader delivers it); a file that
 * holds no records to read (an LFS pointer) fails "Valid JSON" as one more broken record;
 * hygiene (BOM, CRLF, blank lines, no final newline) is only ever a warning.
 */
#include <stdlib.h>
#include <string.h>

#include "gates/gates.h"
#include "gates/common.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"
#include "util/wire.h"
#include "util/xalloc.h"

#define BIT(k) (1u << (k))

enum format_check {
    CK_JSON,
    CK_SCHEMA,
    CK_TURNS,
    CK_EMPTY,
    CK_TOOLS,
    CK_COUNT
};

static const uint32_t check_mask[CK_COUNT] = {
    [CK_JSON] = BIT(EX_INVALID_JSON) | BIT(EX_INVALID_UTF8) | BIT(EX_NUL_BYTE) |
                BIT(EX_LINE_TOO_LONG) | BIT(EX_TOO_DEEP),
    [CK_SCHEMA] = BIT(EX_DATA_TYPE) | BIT(EX_MISSING_MESSAGES_LIST) | BIT(EX_MESSAGE_MISSING_KEY) |
                  BIT(EX_MESSAGE_UNRECOGNIZED_KEY) | BIT(EX_UNRECOGNIZED_ROLE) |
                  BIT(EX_MISSING_CONTENT) | BIT(EX_MISSING_FIELD),
    [CK_TURNS] = BIT(EX_TURN_ORDER) | BIT(EX_EXAMPLE_MISSING_ASSISTANT_MESSAGE) | BIT(EX_ENDS_WITHOUT_REPLY) |
                 BIT(EX_REPLY_NOT_ASSISTANT) | BIT(EX_NO_SHARED_PROMPT),
    [CK_EMPTY] = BIT(EX_EMPTY_MESSAGE),
    [CK_TOOLS] = BIT(EX_TOOL_ARGUMENTS_INVALID) | BIT(EX_TOOL_UNDECLARED) |
                 BIT(EX_TOOL_MISSING_PARAMETER),
};

static const char *const check_id[CK_COUNT] = {
    "format.valid_json", "format.schema", "format.turn_order", "format.non_empty", "format.tool_calls",
};

static const char *const check_name[CK_COUNT] = {
    "Valid JSON", "Schema", "Turn order", "Non-empty messages", "Tool calls",
};

struct pending {
    uint32_t file;
    size_t line;
    size_t column;           /* JSON array files only (see struct finding) */
    size_t char_column;
    uint64_t record;
    bool has_record;
    enum example_error kind;
    char *message;
};

struct check_state {
    uint64_t failed, judged;
    struct pending *v;       /* the first RESULT_MAX_FINDINGS failures */
    size_t n, alloc;
};

struct format_state {
    const struct spec *spec;
    uint64_t records, valid_json, examples;
    bool saw_openai;
    uint64_t *split_examples;   /* parsed examples per spec split */
    struct check_state checks[CK_COUNT];
    bool damaged;            /* replay() met bytes no extract() wrote */
};

static bool format_enabled(const struct spec *spec)
{
    return spec->gates.format.level != LEVEL_OFF;
}

static void *format_begin(const struct gate_ctx *ctx)
{
    struct format_state *st = xcalloc(1, sizeof(*st));
    st->spec = ctx->spec;
    st->saw_openai = ctx->spec->dataset.format == FORMAT_OPENAI ||
                     ctx->spec->dataset.format == FORMAT_PREFERENCE;
    st->split_examples = xcalloc(ctx->spec->dataset.n_splits + 1, sizeof(*st->split_examples));
    return st;
}

/*
 * What extract() keeps of an example is the list of its failures, in the order they
 * count; whether a check judged it at all follows from ex->errors and ex->parsed, which
 * replay() has. Per failure: the check, the kind, the line as an offset from the
 * record's own line (a cached chunk may be replayed further down the file), the columns
 * (places on that line, so they never move), the message, and where in the message the
 * reader wrote that line ("invalid JSON at line 12, column 4: ..."): the number is cut
 * out and written again by replay(), so the text says the line the finding says.
 */
static void put_fail(struct buf *out, const struct example *ex, enum format_check ck, size_t line,
                     size_t column, size_t char_column, enum example_error kind, const char *message,
                     bool reader_message)
{
    /* line 0 means the record's own line: the same place, and the same columns below */
    int64_t delta = (int64_t)(line ? line : ex->line) - (int64_t)ex->line;
    wire_put_u8(out, (uint8_t)ck);
    wire_put_varint(out, (uint64_t)kind);
    wire_put_varint(out, ((uint64_t)delta << 1) ^ (uint64_t)(delta >> 63));   /* zigzag */
    wire_put_varint(out, column);
    wire_put_varint(out, column ? char_column : 0);
    if (!message)
        message = example_error_name(kind);
    size_t len = strlen(message), number_at = 0, digits = 0;
    char at_line[48];
    int n = snprintf(at_line, sizeof(at_line), " at line %zu,", line);
    const char *found = reader_message && line ? strstr(message, at_line) : NULL;
    if (found) {
        digits = (size_t)n - strlen(" at line ,");
        number_at = (size_t)(found - message) + strlen(" at line ");
    }
    wire_put_varint(out, len - digits);
    wire_put_raw(out, message, found ? number_at : len);
    if (found)
        wire_put_raw(out, message + number_at + digits, len - number_at - digits);
    wire_put_varint(out, found ? number_at + 1 : 0);   /* 0: the message names no line */
}

static void put_fail_line(struct buf *out, const struct example *ex, enum format_check ck,
                          enum example_error kind, const char *message)
{
    put_fail(out, ex, ck, ex->line, 0, 0, kind, message, false);
}

/* Fails `ck` with the record's first recorded issue among `bits`. */
static void put_fail_from_issues(struct buf *out, const struct example *ex, enum format_check ck,
                                 uint32_t bits)
{
    for (size_t i = 0; i < ex->n_issues; i++)
        if (bits & BIT(ex->issues[i].kind)) {
            put_fail(out, ex, ck, ex->issues[i].line, ex->issues[i].column, ex->issues[i].char_column,
                     ex->issues[i].kind, ex->issues[i].message, true);
            return;
        }
    /* The details did not fit in the record's issue list: name the kind. */
    enum example_error kind = (enum example_error)__builtin_ctz(bits);
    put_fail_line(out, ex, ck, kind, example_error_name(kind));
}

/* ---- judging the conversation --------------------------------------------------------- */

static enum dataset_format example_format(const struct format_state *st, const struct example *ex)
{
    if (ex->format != FORMAT_AUTO)
        return ex->format;
    return st->spec->dataset.format != FORMAT_AUTO ? st->spec->dataset.format : FORMAT_SHAREGPT;
}

static const char *role_or(const char *configured, const char *fallback)
{
    return configured ? configured : fallback;
}

/* The role as written, quoted for a message; at most 40 bytes of it. */
static void put_role(struct buf *b, const struct turn *t)
{
    if (!t->role_name) {
        buf_addstr(b, "no role");
        return;
    }
    /* a NUL in the name is shown, so "gpt\u0000x" never reads as 'gpt' */
    size_t n = t->role_name_len > 40 ? 40 : t->role_name_len;
    while (n > 0 && n < t->role_name_len && ((unsigned char)t->role_name[n] & 0xC0) == 0x80)
        n--;
    buf_addch(b, '\'');
    for (size_t i = 0; i < n; i++) {
        if (t->role_name[i] == '\0')
            buf_addstr(b, "\\u0000");
        else
            buf_addch(b, t->role_name[i]);
    }
    buf_addch(b, '\'');
}

/* The judges write their failures to out; msg is their scratch for the messages. */
static void judge_sharegpt_order(const struct spec *spec, const struct example *ex, struct buf *out,
                                 struct buf *msg)
{
    const char *human = role_or(spec->gates.format.role_human, "human");
    const char *gpt = role_or(spec->gates.format.role_assistant, "gpt");
    size_t start = 0;
    if (ex->n_turns && ex->turns[0].role == ROLE_SYSTEM && spec->gates.format.allow_system)
        start = 1;
    struct buf *b = msg;
    buf_reset(b);
    for (size_t i = start; i < ex->n_turns; i++) {
        enum role want = (i - start) % 2 == 0 ? ROLE_USER : ROLE_ASSISTANT;
        const struct turn *t = &ex->turns[i];
        if (t->role == want)
            continue;
        buf_printf(b, "conversations[%zu] is from ", i);
        put_role(b, t);
        buf_printf(b, ", expected '%s'", want == ROLE_USER ? human : gpt);
        if (i == 0 && t->role == ROLE_SYSTEM)
            buf_addstr(b, " (a first system message needs gates.format.allow_system)");
        put_fail_line(out, ex, CK_TURNS, EX_TURN_ORDER, buf_cstr(b));
        return;
    }
    if (ex->n_turns - start < 2) {
        buf_printf(b, "conversation has %zu message%s, needs at least a %s and a %s turn",
                   ex->n_turns, ex->n_turns == 1 ? "" : "s", human, gpt);
        put_fail_line(out, ex, CK_TURNS, EX_TURN_ORDER, buf_cstr(b));
    } else if ((ex->n_turns - start) % 2 == 1 && spec->gates.format.ends_with_reply) {
        /* alternating from the human's turn, an odd count ends on it: nothing answers it */
        buf_printf(b, "conversation ends on a '%s' turn (conversations[%zu]) with no '%s' reply: "
                   "nothing to train on after it (gates.format.ends_with_reply)",
                   human, ex->n_turns - 1, gpt);
        put_fail_line(out, ex, CK_TURNS, EX_ENDS_WITHOUT_REPLY, buf_cstr(b));
    }
}

static void judge_turns(const struct spec *spec, const struct example *ex, enum dataset_format fmt,
                        struct buf *out, struct buf *msg)
{
    uint32_t bits = ex->errors & check_mask[CK_TURNS];
    if (bits) {   /* the reader already judged it */
        put_fail_from_issues(out, ex, CK_TURNS, bits);
        return;
    }
    /* Without a messages list there is no conversation to judge: the schema check fails. */
    if (example_has(ex, EX_MISSING_MESSAGES_LIST))
        return;
    if (fmt == FORMAT_SHAREGPT) {
        judge_sharegpt_order(spec, ex, out, msg);
    } else if (fmt == FORMAT_OPENAI) {
        bool any = false;
        for (size_t i = 0; i < ex->n_turns && !any; i++)
            any = ex->turns[i].role == ROLE_ASSISTANT;
        if (!any) {
            put_fail_line(out, ex, CK_TURNS, EX_EXAMPLE_MISSING_ASSISTANT_MESSAGE, "no assistant message");
        } else if (spec->gates.format.ends_with_reply &&
                   ex->turns[ex->n_turns - 1].role != ROLE_ASSISTANT) {
            const struct turn *t = &ex->turns[ex->n_turns - 1];
            struct buf *b = msg;
            buf_reset(b);
            buf_printf(b, "the last message (messages[%zu]) is ", ex->n_turns - 1);
            put_role(b, t);
            buf_addstr(b, ", not 'assistant': nothing to train on after it (gates.format.ends_with_reply)");
            put_fail_line(out, ex, CK_TURNS, EX_ENDS_WITHOUT_REPLY, buf_cstr(b));
        }
    }
}

static void judge_empty(const struct example *ex, enum dataset_format fmt, struct buf *out,
                        struct buf *msg)
{
    uint32_t bits = ex->errors & check_mask[CK_EMPTY];
    if (bits) {
        put_fail_from_issues(out, ex, CK_EMPTY, bits);
        return;
    }
    /* pairs, completions and texts: the reader judged them, knowing each turn's key */
    if (fmt == FORMAT_PREFERENCE || fmt == FORMAT_COMPLETION || fmt == FORMAT_TEXT)
        return;
    for (size_t i = 0; i < ex->n_turns; i++) {
        const struct turn *t = &ex->turns[i];
        if (!t->text || !utf8_is_blank(t->text, t->text_len))
            continue;
        /* An OpenAI assistant message that calls tools may have no content. */
        if (fmt == FORMAT_OPENAI && t->role == ROLE_ASSISTANT && t->n_tool_calls)
            continue;
        struct buf *b = msg;
        buf_reset(b);
        if (fmt == FORMAT_ALPACA) {
            buf_printf(b, "%s is empty or whitespace only", i == 0 ? "instruction" : "output");
        } else {
            buf_printf(b, "%s[%zu] (", fmt == FORMAT_OPENAI ? "messages" : "conversations", i);
            put_role(b, t);
            buf_addstr(b, ") is empty or whitespace only");
        }
        put_fail_line(out, ex, CK_EMPTY, EX_EMPTY_MESSAGE, buf_cstr(b));
        return;
    }
}

/* The checks a record takes follow from ex->errors and ex->parsed alone; this writes the
 * ones it fails, in the order the checks come. */
static void format_extract(void *state, const struct example *ex, struct buf *out)
{
    const struct format_state *st = state;
    uint32_t e = ex->errors;
    if (e & check_mask[CK_JSON]) {
        put_fail_from_issues(out, ex, CK_JSON, e & check_mask[CK_JSON]);
        return;
    }
    if (e & check_mask[CK_SCHEMA])
        put_fail_from_issues(out, ex, CK_SCHEMA, e & check_mask[CK_SCHEMA]);
    if (!ex->parsed)
        return;
    enum dataset_format fmt = example_format(st, ex);
    struct buf msg = BUF_INIT;   /* local: extract() may run on any thread */
    judge_turns(st->spec, ex, fmt, out, &msg);
    judge_empty(ex, fmt, out, &msg);
    buf_release(&msg);
    if (e & check_mask[CK_TOOLS])
        put_fail_from_issues(out, ex, CK_TOOLS, e & check_mask[CK_TOOLS]);
}

/* What format_extract() depends on besides the example. */
static void format_digest_key(const struct spec *spec, const void *state, struct buf *out)
{
    (void)state;
    const char *human = role_or(spec->gates.format.role_human, "human");
    const char *gpt = role_or(spec->gates.format.role_assistant, "gpt");
    wire_put_varint(out, (uint64_t)spec->dataset.format);   /* example_format()'s fallback */
    wire_put_bytes(out, human, strlen(human));
    wire_put_bytes(out, gpt, strlen(gpt));
    wire_put_u8(out, spec->gates.format.allow_system);
    wire_put_u8(out, spec->gates.format.ends_with_reply);
}

/* `column`, `char_column`: where on `line` the problem is in bytes and in characters,
 * 0 for the record's own place. number_at: 1 + where `line` goes in the message, 0 for
 * nowhere. */
static void fail_at(struct format_state *st, enum format_check ck, const struct example *at,
                    size_t line, size_t column, size_t char_column, enum example_error kind,
                    const char *message, size_t message_len, size_t number_at)
{
    struct check_state *c = &st->checks[ck];
    c->failed++;
    if (c->n >= RESULT_MAX_FINDINGS)
        return;
    ALLOC_GROW(c->v, c->n + 1, c->alloc);
    struct pending *p = &c->v[c->n++];
    p->file = (uint32_t)at->file_index;
    p->line = line;
    /* a record of a JSON array file: its column and index tell it from its neighbours */
    p->has_record = at->column != 0;
    p->column = column ? column : p->line == at->line ? at->column : 0;
    p->char_column = column ? char_column : p->line == at->line ? at->char_column : 0;
    p->record = at->ordinal;
    p->kind = kind;
    p->message = number_at ? xasprintf("%.*s%zu%.*s", (int)(number_at - 1), message, line,
                                       (int)(message_len - (number_at - 1)), message + number_at - 1)
                           : xmemdup(message, message_len);
}

static void format_replay(void *state, const struct example *at, const void *bytes, size_t len)
{
    struct format_state *st = state;
    st->records++;
    st->checks[CK_JSON].judged++;
    if (!(at->errors & check_mask[CK_JSON])) {
        st->valid_json++;
        st->checks[CK_SCHEMA].judged++;
        if (at->parsed) {
            st->examples++;
            if (at->split < st->spec->dataset.n_splits)
                st->split_examples[at->split]++;
            /* pairs carry tool calls too (OpenAI's preference records, TRL's lists) */
            enum dataset_format f = example_format(st, at);
            st->saw_openai |= f == FORMAT_OPENAI || f == FORMAT_PREFERENCE;
            st->checks[CK_TURNS].judged++;
            st->checks[CK_EMPTY].judged++;
            st->checks[CK_TOOLS].judged++;
        }
    }
    struct wire_in in = wire_in(bytes, len);
    while (in.p < in.end) {
        uint8_t ck = wire_get_u8(&in);
        uint64_t kind = wire_get_varint(&in);
        uint64_t zz = wire_get_varint(&in);
        int64_t delta = (int64_t)(zz >> 1) ^ -(int64_t)(zz & 1);
        size_t column = (size_t)wire_get_varint(&in);
        size_t char_column = (size_t)wire_get_varint(&in);
        size_t message_len;
        const char *message = wire_get_bytes(&in, &message_len);
        uint64_t number_at = wire_get_varint(&in);
        if (in.bad || ck >= CK_COUNT || kind >= EX_ERROR_KIND_COUNT || number_at > message_len + 1) {
            st->damaged = true;   /* finish() says so: the report would be wrong */
            return;
        }
        fail_at(st, (enum format_check)ck, at, (size_t)((int64_t)at->line + delta), column,
                char_column, (enum example_error)kind, message, message_len, (size_t)number_at);
    }
}

/* ---- the report ------------------------------------------------------------------------- */

/* "Fix 3 records that are not valid JSON" */
static void remediation_head(struct buf *b, enum format_check ck, uint64_t n)
{
    unsigned long long count = (unsigned long long)n;
    bool one = n == 1;
    switch (ck) {
    case CK_JSON:
        buf_printf(b, "Fix %llu record%s that %s not valid JSON", count, one ? "" : "s",
                   one ? "is" : "are");
        break;
    case CK_SCHEMA:
        buf_printf(b, "Fix %llu record%s that do%s not follow the format's schema", count,
                   one ? "" : "s", one ? "es" : "");
        break;
    case CK_TURNS:
        buf_printf(b, "Fix %llu conversation%s whose turns are out of order", count, one ? "" : "s");
        break;
    case CK_EMPTY:
        buf_printf(b, "Fill in or remove the empty messages of %llu record%s", count, one ? "" : "s");
        break;
    case CK_TOOLS:
    case CK_COUNT:
        buf_printf(b, "Fix the tool calls of %llu record%s", count, one ? "" : "s");
        break;
    }
}

/* dsci reads an LFS object from the local store (data/source_lfs.h); only one that is
 * not there leaves the pointer to report. */
#define LFS_ABSENT "LFS pointer, object not in the local LFS store: run `git lfs pull` (or `git lfs fetch origin REV`)"

/* File-level problems that make "Valid JSON" fail. Returns how many. */
static size_t file_problems(struct check *c, const struct gate_ctx *ctx, struct buf *first)
{
    size_t n = 0;
    for (size_t i = 0; i < ctx->n_files; i++) {
        const struct run_file *f = &ctx->files[i];
        if (f->lfs_pointer) {
            check_add_finding(c, f->path, 0, "lfs_pointer", LFS_ABSENT);
            if (!n++)
                buf_printf(first, "%s is a git LFS pointer whose object is not in the local LFS store: "
                           "fetch it with `git lfs pull` (for another revision: `git lfs fetch origin REV`)",
                           f->path);
        }
        if (f->read_error) {
            check_add_finding(c, f->path, f->read_error_line, "invalid_json", "%s", f->read_error);
            if (!n++)
                buf_printf(first, "Fix %s:%zu: %s", f->path, f->read_error_line, f->read_error);
        }
    }
    return n;
}

static void add_record_check(struct section *sec, const struct gate_ctx *ctx, struct format_state *st,
                             enum format_check ck)
{
    struct check_state *cs = &st->checks[ck];
    struct check *c = result_add_check(sec, check_id[ck], check_name[ck]);
    struct buf file_first = BUF_INIT;
    size_t file_failed = ck == CK_JSON ? file_problems(c, ctx, &file_first) : 0;

    /* A file that could not be read as records at all counts as one broken record, so
     * the line never reads "100%" next to a failure. */
    uint64_t judged = cs->judged + file_failed, failed = cs->failed + file_failed;
    char value[96];
    gate_format_fraction(value, sizeof(value), judged - failed, judged);
    check_set_value(c, "%s", value);   /* the line reads "106/106 (100%)": no target text */
    c->value = gate_percent(judged - failed, judged);
    c->threshold = 100.0;
    for (size_t i = 0; i < cs->n; i++) {
        check_add_finding(c, gate_file_path(ctx, cs->v[i].file), cs->v[i].line,
                          example_error_name(cs->v[i].kind), "%s", cs->v[i].message);
        if (cs->v[i].has_record)
            check_locate_last(c, cs->v[i].column, cs->v[i].char_column, cs->v[i].record);
    }
    c->findings_total += cs->failed - cs->n;   /* the failures beyond the stored ones */

    c->status = cs->failed || file_failed ? STATUS_FAIL : STATUS_PASS;
    if (cs->failed) {
        const struct pending *p = &cs->v[0];
        struct buf head = BUF_INIT;
        char place[FINDING_PLACE_SIZE];
        remediation_head(&head, ck, cs->failed);
        check_set_remediation(c, "%s (first: %s:%zu%s: %s)", buf_cstr(&head),
                              gate_file_path(ctx, p->file), p->line,
                              finding_place_of(place, p->column, p->has_record, p->record), p->message);
        buf_release(&head);
    } else if (file_failed) {
        check_set_remediation(c, "%s", buf_cstr(&file_first));
    }
    buf_release(&file_first);
    check_apply_level(c, ctx->spec->gates.format.level, false);
}

/*
 * A split the spec lists must hold examples: an empty file, `[]` or blank lines train
 * nothing, and a dataset of them is not "production-ready". The line is shown only when
 * a split is empty. A split whose file is an LFS pointer is left to "Valid JSON", which
 * already says why its content is missing.
 */
static void examples_check(struct section *sec, const struct gate_ctx *ctx, const struct format_state *st)
{
    const struct spec *spec = ctx->spec;
    struct check *c = NULL;
    struct buf value = BUF_INIT, fix = BUF_INIT, files = BUF_INIT;
    size_t empty = 0;
    for (size_t s = 0; s < spec->dataset.n_splits; s++) {
        if (st->split_examples[s])
            continue;
        bool lfs = false;
        size_t listed = 0, more = 0;
        buf_reset(&files);
        for (size_t i = 0; i < ctx->n_files; i++) {
            if (ctx->files[i].split != s)
                continue;
            lfs |= ctx->files[i].lfs_pointer;
            if (listed < 3) {   /* a glob of thousands of files must not make a 2 MB line */
                buf_printf(&files, "%s%s", files.len ? ", " : "", ctx->files[i].path);
                listed++;
            } else {
                more++;
            }
        }
        if (more)
            buf_printf(&files, " and %zu more file%s", more, more == 1 ? "" : "s");
        if (lfs)
            continue;
        const struct spec_split *split = &spec->dataset.splits[s];
        if (!c)
            c = result_add_check(sec, "format.examples", "Examples");
        buf_printf(&value, "%sno examples in split '%s' (%s)", empty ? "; " : "", split->name,
                   files.len ? buf_cstr(&files) : "no file");
        buf_printf(&fix, "%s'%s' (%s)", empty ? ", " : "", split->name,
                   files.len ? buf_cstr(&files) : "no file");
        size_t stored = c->n_findings;
        for (size_t i = 0; i < ctx->n_files; i++) {
            const struct run_file *f = &ctx->files[i];
            if (f->split != s)
                continue;
            if (f->records)
                check_add_finding(c, f->path, 0, "empty_split",
                                  "no examples in split '%s': none of the file's %llu record%s is usable",
                                  split->name, (unsigned long long)f->records, f->records == 1 ? "" : "s");
            else
                check_add_finding(c, f->path, 0, "empty_split",
                                  "no examples in split '%s': the file holds no record", split->name);
        }
        if (c->n_findings == stored)
            check_add_finding(c, spec->path, split->loc.line, "empty_split",
                              "no file of split '%s' holds an example", split->name);
        empty++;
    }
    if (c) {
        c->status = STATUS_FAIL;
        c->value = 0;
        check_set_value(c, "%s", buf_cstr(&value));
        check_set_remediation(c, "Add examples to %s: %s, or remove %s from dataset.files",
                              empty == 1 ? "the empty split" : "the empty splits", buf_cstr(&fix),
                              empty == 1 ? "it" : "them");
        check_apply_level(c, spec->gates.format.level, false);
    }
    buf_release(&value);
    buf_release(&fix);
    buf_release(&files);
}

static void hygiene_check(struct section *sec, const struct gate_ctx *ctx)
{
    struct check *c = result_add_check(sec, "format.hygiene", "File hygiene");
    size_t bad_files = 0;
    bool bom = false, crlf = false, blank = false, newline = false;
    const char *first = NULL;
    for (size_t i = 0; i < ctx->n_files; i++) {
        const struct run_file *f = &ctx->files[i];
        bool bad = false;
        if (f->bom) {
            check_add_finding(c, f->path, 1, "bom", "starts with a UTF-8 BOM (byte order mark)");
            bad = bom = true;
        }
        if (f->crlf_lines) {
            check_add_finding(c, f->path, f->first_crlf_line, "crlf", "%llu line%s end%s with CRLF",
                              (unsigned long long)f->crlf_lines, f->crlf_lines == 1 ? "" : "s",
                              f->crlf_lines == 1 ? "s" : "");
            bad = crlf = true;
        }
        if (f->blank_lines) {
            check_add_finding(c, f->path, f->first_blank_line, "blank_line", "%llu blank line%s",
                              (unsigned long long)f->blank_lines, f->blank_lines == 1 ? "" : "s");
            bad = blank = true;
        }
        if (f->no_final_newline) {
            check_add_finding(c, f->path, 0, "no_final_newline", "no newline at the end of the file");
            bad = newline = true;
        }
        if (bad && !bad_files++)
            first = f->path;
    }
    c->status = bad_files ? STATUS_WARN : STATUS_PASS;
    if (!bad_files) {
        check_set_value(c, "%zu file%s clean", ctx->n_files, ctx->n_files == 1 ? "" : "s");
        return;
    }
    check_set_value(c, "%zu of %zu file%s to clean up", bad_files, ctx->n_files,
                    ctx->n_files == 1 ? "" : "s");
    struct buf b = BUF_INIT;
    buf_printf(&b, "Clean up %zu file%s (first: %s):", bad_files, bad_files == 1 ? "" : "s", first);
    const char *sep = " ";
    if (bom) {
        buf_printf(&b, "%sremove the UTF-8 BOM", sep);
        sep = ", ";
    }
    if (crlf) {
        buf_printf(&b, "%suse LF line ends", sep);
        sep = ", ";
    }
    if (blank) {
        buf_printf(&b, "%sdrop blank lines", sep);
        sep = ", ";
    }
    if (newline)
        buf_printf(&b, "%send with a newline", sep);
    check_set_remediation(c, "%s", buf_cstr(&b));
    buf_release(&b);
    check_apply_level(c, ctx->spec->gates.format.level, false);   /* a warning never blocks */
}

/* "format: sharegpt (auto-detected: a.jsonl, b.jsonl); openai (auto-detected: c.jsonl)" */
static char *auto_note(const struct gate_ctx *ctx)
{
    static const enum dataset_format formats[] = { FORMAT_SHAREGPT, FORMAT_OPENAI, FORMAT_ALPACA,
                                                   FORMAT_PREFERENCE, FORMAT_COMPLETION, FORMAT_TEXT };
    struct buf b = BUF_INIT;
    for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
        size_t n = 0;
        for (size_t i = 0; i < ctx->n_files; i++) {
            if (ctx->files[i].format != formats[k])
                continue;
            if (!n)
                buf_printf(&b, "%s%s (auto-detected: ", b.len ? "; " : "format: ",
                           spec_format_name(formats[k]));
            if (n < 3)
                buf_printf(&b, "%s%s", n ? ", " : "", ctx->files[i].path);
            n++;
        }
        if (n > 3)
            buf_printf(&b, " and %zu more", n - 3);
        if (n)
            buf_addch(&b, ')');
    }
    return b.len ? buf_detach(&b, NULL) : NULL;
}

static int format_finish(void *state, const struct gate_ctx *ctx)
{
    struct format_state *st = state;
    const struct spec *spec = ctx->spec;
    if (st->damaged)
        return err_set(DSCI_EINTERNAL, "format: a kept summary of an example is damaged; "
                       "run again with --no-cache");

    struct section *sec = result_add_section(ctx->result, "format", "FORMAT",
                                             spec->gates.format.level, spec->gates.format.loc);
    bool openai = st->saw_openai;
    for (size_t i = 0; i < ctx->n_files; i++)
        openai |= ctx->files[i].format == FORMAT_OPENAI || ctx->files[i].format == FORMAT_PREFERENCE;
    examples_check(sec, ctx, st);
    for (int ck = 0; ck < CK_COUNT; ck++)
        if (ck != CK_TOOLS || openai)
            add_record_check(sec, ctx, st, (enum format_check)ck);
    hygiene_check(sec, ctx);
    if (spec->dataset.format == FORMAT_AUTO)
        sec->note = auto_note(ctx);
    return 0;
}

static void format_free(void *state)
{
    struct format_state *st = state;
    for (int ck = 0; ck < CK_COUNT; ck++) {
        for (size_t i = 0; i < st->checks[ck].n; i++)
            free(st->checks[ck].v[i].message);
        free(st->checks[ck].v);
    }
    free(st->split_examples);
    free(st);
}

GATE_DEFINE(format, format, "FORMAT", .extract = format_extract, .extract_threadsafe = true, .replay = format_replay,
            .digest_key = format_digest_key, .measures = false);
