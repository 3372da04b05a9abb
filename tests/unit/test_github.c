/*
 * The github and markdown reporters, read back the way GitHub's runner reads them:
 * split the log into lines, a line "::cmd props::message" is a command, values are
 * unescaped (%25 %0D %0A, and in properties %3A %2C). Inside ::stop-commands::T ...
 * ::T:: nothing but the end token may be a command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_helpers.h"

#include "report/ci_outputs.h"
#include "report/report.h"
#include "run/result.h"
#include "util/buf.h"
#include "util/gh_escape.h"
#include "util/xalloc.h"

struct cmd {
    char cmd[32];
    char *file, *title, *message;
    size_t line;
};

struct parsed {
    struct cmd v[256];
    size_t n;
    size_t in_region_commands;  /* commands seen inside a stop-commands region */
    bool region_closed;
    char token[64];
};

static char *unescape(const char *s, size_t n, bool property)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n) {
            if (!strncmp(s + i, "%25", 3)) { buf_addch(&b, '%'); i += 2; continue; }
            if (!strncmp(s + i, "%0D", 3)) { buf_addch(&b, '\r'); i += 2; continue; }
            if (!strncmp(s + i, "%0A", 3)) { buf_addch(&b, '\n'); i += 2; continue; }
            if (property && !strncmp(s + i, "%3A", 3)) { buf_addch(&b, ':'); i += 2; continue; }
            if (property && !strncmp(s + i, "%2C", 3)) { buf_addch(&b, ','); i += 2; continue; }
        }
        buf_addch(&b, s[i]);
    }
    return buf_detach(&b, NULL);
}

/* The runner's rules (actions/runner ActionCommand.TryParseV2), enough for dsci. */
static void parse_log(struct parsed *p, const char *log)
{
    memset(p, 0, sizeof(*p));
    bool stopped = false;
    const char *line = log;
    while (*line) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        char *l = xstrndup(line, len);
        line += len + (eol ? 1 : 0);
        if (strncmp(l, "::", 2)) {
            free(l);
            continue;
        }
        char *end = strstr(l + 2, "::");
        if (!end) {
            free(l);
            continue;
        }
        if (stopped) {
            char want[80];
            snprintf(want, sizeof(want), "::%s::", p->token);
            if (!strcmp(l, want)) {
                stopped = false;
                p->region_closed = true;
            } else {
                p->in_region_commands++;
            }
            free(l);
            continue;
        }
        struct cmd *c = &p->v[p->n < 255 ? p->n++ : 255];
        memset(c, 0, sizeof(*c));
        char *head = xstrndup(l + 2, (size_t)(end - l - 2));
        char *sp = strchr(head, ' ');
        if (sp)
            *sp = '\0';
        snprintf(c->cmd, sizeof(c->cmd), "%s", head);
        c->message = unescape(end + 2, strlen(end + 2), false);
        if (!strcmp(c->cmd, "stop-commands")) {
            snprintf(p->token, sizeof(p->token), "%s", c->message);
            stopped = true;
        }
        for (char *prop = sp ? sp + 1 : NULL; prop && *prop;) {
            char *comma = strchr(prop, ',');
            size_t plen = comma ? (size_t)(comma - prop) : strlen(prop);
            char *eq = memchr(prop, '=', plen);
            if (eq) {
                char *val = unescape(eq + 1, plen - (size_t)(eq + 1 - prop), true);
                if (!strncmp(prop, "file=", 5))
                    c->file = val;
                else if (!strncmp(prop, "title=", 6))
                    c->title = val;
                else {
                    if (!strncmp(prop, "line=", 5))
                        c->line = strtoul(val, NULL, 10);
                    free(val);
                }
            }
            prop = comma ? comma + 1 : NULL;
        }
        free(head);
        free(l);
    }
}

static void parsed_free(struct parsed *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].file);
        free(p->v[i].title);
        free(p->v[i].message);
    }
}

static char *render(const struct reporter *rep, const struct result *r, size_t max_bytes)
{
    /* The stream's buffer pointer lives on the heap: with it on the stack, gcc -O3
     * takes every later use of the returned text for a dangling pointer into this frame. */
    struct memstream_out {
        char *text;
        size_t len;
    } *out = calloc(1, sizeof(*out));
    assert_non_null(out);
    FILE *mem = open_memstream(&out->text, &out->len);
    struct report_options o = { .max_examples = 5, .max_bytes = max_bytes };
    assert_int_equal(rep->write(mem, r, &o), 0);
    fclose(mem);
    char *text = out->text;
    free(out);
    return text;
}

static size_t count_cmd(const struct parsed *p, const char *cmd)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++)
        n += !strcmp(p->v[i].cmd, cmd);
    return n;
}

static const char *const hostile[] = {
    "100% sure: a, b, c",
    "line one\r\nline two\n::set-output name=x::y",
    "::add-mask::secret",
    "\n::stop-commands::abc\n::error::pwned",
    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac %0A literal",
    "trailing %",
};

static void test_github__hostile_strings_round_trip(void **state)
{
    (void)state;
    struct result r;
    result_init(&r);
    r.spec_path = xstrdup("specs/task.yaml");
    struct section *s = result_add_section(&r, "format", "FORMAT", LEVEL_BLOCK, (struct spec_loc){ 7, 1 });
    size_t n = sizeof(hostile) / sizeof(hostile[0]);
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof(id), "format.c%zu", i);
        struct check *c = result_add_check(s, id, hostile[i]);
        c->status = STATUS_FAIL;
        c->blocking = true;
        check_add_finding(c, hostile[i], i + 1, "k", "%s", hostile[i]);
    }
    char *log = render(&report_github, &r, 0);
    struct parsed p;
    parse_log(&p, log);
    assert_int_equal(count_cmd(&p, "error"), n);
    for (size_t i = 0; i < n; i++) {
        const struct cmd *c = &p.v[i];
        assert_string_equal(c->cmd, "error");
        assert_string_equal(c->file, hostile[i]);
        assert_int_equal(c->line, i + 1);
        assert_string_equal(c->message, hostile[i]);
        char title[256];
        snprintf(title, sizeof(title), "FORMAT: %s", hostile[i]);
        assert_string_equal(c->title, title);
    }
    /* Nothing else became a command: no set-output, add-mask, stray error. */
    assert_int_equal(count_cmd(&p, "set-output"), 0);
    assert_int_equal(count_cmd(&p, "add-mask"), 0);
    assert_int_equal(count_cmd(&p, "stop-commands"), 1);
    assert_int_equal(p.in_region_commands, 0);
    assert_true(p.region_closed);
    assert_int_equal(strlen(p.token), GH_TOKEN_LEN);
    /* The raw text report is inside the region, after every annotation. */
    char *region = strstr(log, "\n::stop-commands::");
    assert_non_null(region);
    assert_null(strstr(region, "::error "));
    assert_non_null(strstr(region, "DATASET VALIDATION REPORT"));
    parsed_free(&p);
    free(log);
    result_release(&r);
}

static void test_github__long_message_cut_below_4096(void **state)
{
    (void)state;
    struct result r;
    result_init(&r);
    struct section *s = result_add_section(&r, "quality", "QUALITY", LEVEL_WARN, (struct spec_loc){ 3, 1 });
    struct check *c = result_add_check(s, "quality.x", "Long");
    c->status = STATUS_WARN;
    /* 10 kB of percent signs and a multi-byte character: escaping triples most of it. */
    char *big = xmalloc(10001);
    for (size_t i = 0; i < 10000; i += 4)
        memcpy(big + i, i % 8 ? "%%%%" : "\xe2\x82\xac%", 4);
    big[10000] = '\0';
    check_add_finding(c, "data/a.jsonl", 9, "k", "%s", big);
    char *log = render(&report_github, &r, 0);
    const char *line = strstr(log, "::warning ");
    assert_non_null(line);
    const char *msg = strstr(line + 2, "::") + 2;
    size_t len = (size_t)(strchr(msg, '\n') - msg);
    assert_true(len < 4096);
    assert_true(len > 4000);
    struct parsed p;
    parse_log(&p, log);
    assert_string_equal(p.v[0].cmd, "warning");
    assert_true(!strncmp(big, p.v[0].message, strlen(p.v[0].message)));  /* a prefix, cut on a character */
    parsed_free(&p);
    free(big);
    free(log);
    result_release(&r);
}

static void test_github__ten_per_type_and_overflow_notice(void **state)
{
    (void)state;
    struct result r;
    result_init(&r);
    r.spec_path = xstrdup("specs/task.yaml");
    struct section *s = result_add_section(&r, "format", "FORMAT", LEVEL_BLOCK, (struct spec_loc){ 4, 1 });
    /* check A: 30 blocking findings; check B: 2 blocking findings; check C: a gate-level
     * failure without findings. One of each check must come before A's repeats. */
    struct check *a = result_add_check(s, "format.a", "A");
    a->status = STATUS_FAIL, a->blocking = true;
    for (size_t i = 0; i < 30; i++)
        check_add_finding(a, "data/a.jsonl", i + 1, "k", "a%zu", i);
    struct check *b = result_add_check(s, "format.b", "B");
    b->status = STATUS_FAIL, b->blocking = true;
    check_add_finding(b, "data/b.jsonl", 5, "k", "b0");
    check_add_finding(b, "data/b.jsonl", 6, "k", "b1");
    struct check *cc = result_add_check(s, "format.c", "C");
    cc->status = STATUS_FAIL, cc->blocking = true;
    check_set_value(cc, "0 files");
    struct section *w = result_add_section(&r, "quality", "QUALITY", LEVEL_WARN, (struct spec_loc){ 9, 1 });
    struct check *q = result_add_check(w, "quality.q", "Q");
    q->status = STATUS_WARN;
    check_add_finding(q, "data/q.jsonl", 2, "k", "q");
    for (size_t i = 0; i < 12; i++)
        result_add_note(&r, "note %zu", i);

    char *log = render(&report_github, &r, 0);
    struct parsed p;
    parse_log(&p, log);
    assert_int_equal(count_cmd(&p, "error"), 10);
    assert_int_equal(count_cmd(&p, "warning"), 1);
    assert_int_equal(count_cmd(&p, "notice"), 10);   /* 9 notes + the overflow notice */
    assert_string_equal(p.v[0].message, "a0");
    assert_string_equal(p.v[1].message, "b0");
    assert_string_equal(p.v[2].message, "C: 0 files");
    assert_string_equal(p.v[2].file, "specs/task.yaml");
    assert_int_equal(p.v[2].line, 4);
    assert_string_equal(p.v[3].message, "a1");
    assert_string_equal(p.v[4].message, "b1");
    const struct cmd *last = NULL;
    for (size_t i = 0; i < p.n; i++)
        if (!strcmp(p.v[i].cmd, "notice"))
            last = &p.v[i];
    assert_non_null(last);
    /* 33 errors - 10 shown = 23; 12 notes - 9 shown = 3. */
    assert_non_null(strstr(last->message, "23 more errors"));
    assert_non_null(strstr(last->message, "3 more notices"));
    assert_non_null(strstr(last->message, "step summary"));
    parsed_free(&p);
    free(log);
    result_release(&r);
}

static void test_markdown__escapes_and_caps(void **state)
{
    (void)state;
    struct result r;
    result_init(&r);
    r.dataset_name = xstrdup("d|<script>");
    struct section *s = result_add_section(&r, "coverage", "COVERAGE", LEVEL_BLOCK, (struct spec_loc){ 4, 1 });
    struct check *c = result_add_check(s, "coverage.x", "De|ete <b>`x`</b>");
    c->status = STATUS_FAIL, c->blocking = true;
    c->value = 3, c->threshold = 15;
    for (size_t i = 0; i < 1000; i++)
        check_add_finding(c, "data/a.jsonl", i + 1, "k", "%s", "<img src=x onerror=alert(1)> | `tick` & @team\nnext");
    char *md = render(&report_markdown, &r, 0);
    assert_non_null(strstr(md, "**dsci: FAIL** — 1 blocking failure"));
    assert_non_null(strstr(md, "| De\\|ete &lt;b&gt;&#96;x&#96;&lt;/b&gt; | 3 | 15 | n/a | 12 | 12 more"));
    assert_null(strstr(md, "<img"));
    assert_null(strstr(md, "<script"));
    assert_null(strstr(md, "@team"));
    assert_non_null(strstr(md, "<details><summary>COVERAGE: 1000 findings</summary>"));
    assert_non_null(strstr(md, "- `data/a.jsonl:1` **"));
    free(md);

    /* a bidi override in a name would reorder the table cell: shown, not passed on */
    struct check *rtl = result_add_check(s, "coverage.rtl", "evil \xe2\x80\xae fdp.exe");
    rtl->status = STATUS_PASS;
    md = render(&report_markdown, &r, 0);
    assert_null(strstr(md, "\xe2\x80\xae"));
    assert_non_null(strstr(md, "evil [U+202E] fdp.exe"));
    free(md);
    md = render(&report_markdown, &r, 4000);
    assert_true(strlen(md) < 4000);
    assert_non_null(strstr(md, "</details>"));
    assert_non_null(strstr(md, "more findings not shown"));
    free(md);
    result_release(&r);
}

/* Terminal messages: one line whatever the name holds, and valid UTF-8. */
static void test_term_escape__one_line(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    term_escape(&b, "a\n::add-mask::x\r::error::y\t\x1b[31m\xed\xb0\x80 \xc3\xa9");
    assert_string_equal(buf_cstr(&b), "a\\n::add-mask::x\\r::error::y\\t\\x1b[31m\\xed\\xb0\\x80 \xc3\xa9");
    buf_release(&b);
}

static void test_ci_outputs__delimiter_form(void **state)
{
    (void)state;
    char path[] = "/tmp/dsci-gh-out-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct ci_output kv[] = { { "result", "fail" }, { "notes", "a\nnext=evil" }, { "version", NULL } };
    assert_int_equal(ci_outputs_append(path, kv, 3), 0);
    FILE *f = fopen(path, "r");
    char text[512] = { 0 };
    assert_true(fread(text, 1, sizeof(text) - 1, f) > 0);
    fclose(f);
    unlink(path);
    assert_true(!strncmp(text, "result=fail\nnotes<<ghadelimiter_", 32));
    const char *d = text + strlen("result=fail\nnotes<<");
    size_t dlen = (size_t)(strchr(d, '\n') - d);
    assert_int_equal(dlen, strlen("ghadelimiter_") + GH_TOKEN_LEN);
    const char *body = d + dlen + 1;
    assert_true(!strncmp(body, "a\nnext=evil\n", 12));
    assert_true(!strncmp(body + 12, d, dlen));
    assert_non_null(strstr(text, "\nversion=\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_github__hostile_strings_round_trip),
        cmocka_unit_test(test_github__long_message_cut_below_4096),
        cmocka_unit_test(test_github__ten_per_type_and_overflow_notice),
        cmocka_unit_test(test_markdown__escapes_and_caps),
        cmocka_unit_test(test_ci_outputs__delimiter_form),
        cmocka_unit_test(test_term_escape__one_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
