/*
 * The gates, driven by hand: a spec filled in code (no YAML), examples built from turn
 * arrays, then begin / extract + replay (as the engine) / finish, and assertions on the result's checks,
 * findings and metrics.
 */
#include "test_helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gates/gates.h"
#include "run/signatures.h"
#include "util/sha256.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/text_hash.h"
#include "util/unicode_lower.h"
#include "util/xalloc.h"
#include "version/version_file.h"

/* ---- fixture ------------------------------------------------------------------------- */

#define MAX_TURNS 8

struct fx {
    struct spec spec;
    struct spec_split splits[3];
    struct spec_category categories[8];
    struct spec_split_rule rules[3];
    struct run_file files[4];
    struct result result;
    struct gate_ctx ctx;
    /* what run_gate() fed, so ctx.reread can find an example again */
    struct example *const *run_ex;
    size_t run_n;
    size_t rereads;
    uint64_t line_shift;   /* replay() sees every example this many lines further down */
};

/* gate_ctx.reread over the examples of the run (engine = the fixture). */
static int fx_reread(void *engine, size_t file, uint64_t pos, void (*cb)(void *arg, const struct example *ex),
                     void *arg)
{
    struct fx *f = engine;
    f->rereads++;
    for (size_t i = 0; i < f->run_n; i++) {
        const struct example *ex = f->run_ex[i];
        uint64_t at = ex->column ? ex->ordinal : ex->line + f->line_shift;
        if (ex->file_index == file && at == pos) {
            cb(arg, ex);
            return 0;
        }
    }
    return DSCI_EUSAGE;
}

/* Strings in the hand-built spec are literals; the spec is never spec_free()d. */
static char *S(const char *s)
{
    return (char *)s;
}

static const char *const split_names[3] = { "train", "validation", "test" };
static const char *const file_paths[3] = {
    "data/splits/train.jsonl", "data/splits/val.jsonl", "data/splits/test.jsonl",
};

static struct fx *fx_new(void)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    struct spec *s = &f->spec;
    s->path = S("specs/task.yaml");
    s->root = S(".");
    for (int i = 0; i < 3; i++) {
        f->splits[i].name = S(split_names[i]);
        f->files[i].path = S(file_paths[i]);
        f->files[i].root_path = S(file_paths[i]);
        f->files[i].split = (size_t)i;
        f->files[i].format = FORMAT_SHAREGPT;
    }
    s->dataset.splits = f->splits;
    s->dataset.n_splits = 3;
    s->dataset.format = FORMAT_SHAREGPT;
    s->gates.format.level = LEVEL_BLOCK;
    s->gates.format.role_human = S("human");
    s->gates.format.role_assistant = S("gpt");
    s->gates.format.role_system = S("system");
    s->gates.format.allow_system = true;
    s->gates.coverage.level = LEVEL_BLOCK;
    s->gates.coverage.categories = f->categories;
    s->gates.quality.level = LEVEL_WARN;
    s->gates.quality.human_length = (struct spec_band_metric){ { 30, 80 }, { 20, 100 }, { 0, 0 } };
    s->gates.quality.assistant_length = (struct spec_band_metric){ { 80, 200 }, { 50, 300 }, { 0, 0 } };
    s->gates.quality.unique_messages = (struct spec_limit_metric){ 95, 90, { 0, 0 } };
    s->gates.quality.turn_variance = (struct spec_limit_metric){ 2.0, 3.0, { 0, 0 } };
    s->gates.duplicates.exact = LEVEL_BLOCK;
    s->gates.duplicates.near = LEVEL_OFF;
    s->gates.splits.level = LEVEL_BLOCK;
    s->gates.splits.tolerance = 0.05;
    s->gates.splits.rules = f->rules;
    s->gates.reproducibility.level = LEVEL_BLOCK;
    result_init(&f->result);
    f->ctx.spec = s;
    f->ctx.files = f->files;
    f->ctx.n_files = 3;
    f->ctx.result = &f->result;
    f->ctx.reread = fx_reread;
    f->ctx.engine = f;
    return f;
}

static void fx_free(struct fx *f)
{
    result_release(&f->result);
    free(f);
}

static void add_category(struct fx *f, const char *name, size_t min, const char **keywords, size_t n)
{
    struct spec_category *c = &f->categories[f->spec.gates.coverage.n_categories++];
    c->name = S(name);
    c->min = min;
    c->keywords = (char **)keywords;
    c->n_keywords = n;
    c->loc.line = 10 + f->spec.gates.coverage.n_categories;
}

static void add_rule(struct fx *f, const char *name, double ratio, size_t min)
{
    struct spec_split_rule *r = &f->rules[f->spec.gates.splits.n_rules++];
    r->name = S(name);
    r->has_ratio = ratio >= 0;
    r->ratio = ratio;
    r->min = min;
    r->loc.line = 40 + f->spec.gates.splits.n_rules;
}

/* A conversation: turns and the example that points at them. */
struct conv {
    struct turn t[MAX_TURNS];
    struct example ex;
};

static struct turn T(enum role role, const char *text)
{
    static const char *const names[] = {
        [ROLE_NONE] = NULL, [ROLE_SYSTEM] = "system", [ROLE_USER] = "human",
        [ROLE_ASSISTANT] = "gpt", [ROLE_TOOL] = "tool", [ROLE_FUNCTION] = "function",
        [ROLE_OTHER] = "narrator",
    };
    struct turn t = { 0 };
    t.role = role;
    t.role_name = names[role];
    t.role_name_len = t.role_name ? strlen(t.role_name) : 0;
    t.text = text;
    t.text_len = text ? strlen(text) : 0;
    t.text_chars = text ? utf8_chars(text, t.text_len) : 0;
    return t;
}

/* A parsed example in `split` (file index = split) at `line`; its hash is unique to
 * (split, line) unless set_hash() says otherwise. */
static void conv_init(struct conv *c, size_t split, size_t line, size_t n_turns)
{
    c->ex.path = file_paths[split];
    c->ex.split = split;
    c->ex.file_index = split;
    c->ex.line = line;
    c->ex.format = FORMAT_SHAREGPT;
    c->ex.parsed = true;
    c->ex.turns = c->t;
    c->ex.n_turns = n_turns;
    memset(c->ex.hash, 0, sizeof(c->ex.hash));
    memcpy(c->ex.hash, &line, sizeof(line));
    c->ex.hash[12] = (unsigned char)(split + 1);
    c->ex.hash[15] = 0xA5;
}

static void set_hash(struct example *ex, unsigned value)
{
    memset(ex->hash, 0, sizeof(ex->hash));
    memcpy(ex->hash, &value, sizeof(value));
    ex->hash[20] = 0x5A;   /* beyond the 128 bits compared: must not matter */
}

/* What replay() gets, as the engine makes it: the example without its texts. */
static struct example example_at(const struct example *ex)
{
    struct example at = *ex;
    at.turns = NULL;
    at.n_turns = 0;
    at.tools = NULL;
    at.n_tools = 0;
    at.has_tools = false;
    at.id = at.label = NULL;
    at.id_len = at.label_len = 0;
    at.n_issues = 0;
    return at;
}

/* One example through a gate as the engine gives it: extract(), learn() with the
 * example and the bytes, then replay() of the bytes with the example stripped of its
 * texts, its line moved by line_shift (as a chunk replayed further down the file). */
static void see(const struct gate *g, void *st, const struct example *ex, uint64_t line_shift)
{
    struct buf scratch = BUF_INIT;
    if (g->extract)
        g->extract(st, ex, &scratch);
    if (g->learn)
        g->learn(st, ex, scratch.ptr, scratch.len);
    struct example at = example_at(ex);
    at.line += line_shift;
    if (g->replay)
        g->replay(st, &at, scratch.ptr, scratch.len);
    buf_release(&scratch);
}

/* Like the engine: the similarity gates find the signatures in the run's store. */
static void run_gate(const struct gate *g, struct fx *f, struct example *const *ex, size_t n)
{
    assert_true(g->enabled(&f->spec));
    struct signature_store *sigs = NULL;
    if (f->spec.gates.duplicates.near != LEVEL_OFF || f->spec.gates.leakage.level != LEVEL_OFF)
        sigs = signature_store_new(f->spec.gates.duplicates.shingle, f->spec.gates.duplicates.permutations, 0);
    void *st = g->begin(&f->ctx);
    struct buf scratch = BUF_INIT;
    f->run_ex = ex;
    f->run_n = n;
    for (size_t i = 0; i < n; i++) {
        see(g, st, ex[i], f->line_shift);
        if (sigs && ex[i]->parsed)
            signature_store_add(sigs, ex[i]);
    }
    buf_release(&scratch);
    if (sigs)
        signature_store_finish(sigs);
    f->ctx.signatures = sigs;
    assert_int_equal(g->finish(st, &f->ctx), 0);
    f->ctx.signatures = NULL;
    f->run_ex = NULL;
    f->run_n = 0;
    g->free(st);
    signature_store_free(sigs);
}

static void run_convs(const struct gate *g, struct fx *f, struct conv *c, size_t n)
{
    struct example **ex = xcalloc(n ? n : 1, sizeof(*ex));
    for (size_t i = 0; i < n; i++)
        ex[i] = &c[i].ex;
    run_gate(g, f, ex, n);
    free(ex);
}

static struct section *section(struct fx *f, const char *gate)
{
    for (size_t i = 0; i < f->result.n_sections; i++)
        if (!strcmp(f->result.sections[i].gate, gate))
            return &f->result.sections[i];
    return NULL;
}

static struct check *check(struct fx *f, const char *id)
{
    for (size_t i = 0; i < f->result.n_sections; i++)
        for (size_t j = 0; j < f->result.sections[i].n_checks; j++)
            if (!strcmp(f->result.sections[i].checks[j].id, id))
                return &f->result.sections[i].checks[j];
    fail_msg("no check %s", id);
    return NULL;
}

static bool has_check(struct fx *f, const char *id)
{
    for (size_t i = 0; i < f->result.n_sections; i++)
        for (size_t j = 0; j < f->result.sections[i].n_checks; j++)
            if (!strcmp(f->result.sections[i].checks[j].id, id))
                return true;
    return false;
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (!haystack || !strstr(haystack, needle))
        fail_msg("'%s' does not contain '%s'", haystack ? haystack : "(null)", needle);
}

/* A text of n copies of s (malloc'd). */
static char *repeat_text(const char *s, size_t n)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        buf_addstr(&b, s);
    if (!b.ptr)
        return xstrdup("");
    return buf_detach(&b, NULL);
}

/* ---- registry ------------------------------------------------------------------------ */

static void test_gates__registry_order(void **state)
{
    const struct gate *const *g = gate_list();
    /* the card gate reports inside REPRODUCIBILITY, after the version file checks */
    static const char *const want[] = { "format", "coverage", "quality", "tokens", "splits", "duplicates",
                                        "preference", "pii", "leakage", "reproducibility", "card" };
    static const char *const titles[] = { "FORMAT", "COVERAGE", "QUALITY", "TOKENS", "SPLITS", "DUPLICATES",
                                          "PREFERENCE", "PII", "LEAKAGE", "REPRODUCIBILITY", "REPRODUCIBILITY" };
    size_t n = 0;
    for (; g[n]; n++) {
        assert_true(n < 11);
        assert_string_equal(g[n]->name, want[n]);
        assert_string_equal(g[n]->title, titles[n]);
    }
    assert_int_equal(n, 11);
}

static void test_gates__off_gates_are_disabled(void **state)
{
    struct fx *f = fx_new();
    f->spec.gates.format.level = LEVEL_OFF;
    f->spec.gates.coverage.level = LEVEL_OFF;
    f->spec.gates.quality.level = LEVEL_OFF;
    f->spec.gates.splits.level = LEVEL_OFF;
    f->spec.gates.duplicates.exact = LEVEL_OFF;
    f->spec.gates.reproducibility.level = LEVEL_OFF;
    assert_false(gate_format.enabled(&f->spec));
    assert_false(gate_coverage.enabled(&f->spec));
    assert_false(gate_quality.enabled(&f->spec));
    assert_false(gate_splits.enabled(&f->spec));
    assert_false(gate_duplicates.enabled(&f->spec));
    /* reproducibility still runs for the header's version */
    assert_true(gate_reproducibility.enabled(&f->spec));
    f->spec.gates.duplicates.near = LEVEL_WARN;
    assert_true(gate_duplicates.enabled(&f->spec));
    fx_free(f);
}

/* ---- coverage ------------------------------------------------------------------------ */

static const char *kw_create[] = { "create", "new task" };
static const char *kw_update[] = { "update", "change" };
static const char *kw_delete[] = { "delete", "remove", "cancel" };

static void coverage_fx(struct fx *f)
{
    add_category(f, "Create", 2, kw_create, 2);
    add_category(f, "Update", 1, kw_update, 2);
    add_category(f, "Delete", 1, kw_delete, 3);
}

static void test_gates__coverage_first_match_wins(void **state)
{
    struct fx *f = fx_new();
    coverage_fx(f);
    struct conv c[6] = { 0 };
    /* delete comes first in the text, but Create is first in the spec */
    conv_init(&c[0], 0, 1, 2);
    c[0].t[0] = T(ROLE_USER, "Please delete the old one and create another");
    c[0].t[1] = T(ROLE_ASSISTANT, "Done.");
    /* a keyword across two texts joined by one space: "new" + " " + "task" */
    conv_init(&c[1], 0, 2, 2);
    c[1].t[0] = T(ROLE_USER, "I need something new");
    c[1].t[1] = T(ROLE_ASSISTANT, "task added");
    conv_init(&c[2], 1, 1, 2);
    c[2].t[0] = T(ROLE_USER, "Change the due date");
    c[2].t[1] = T(ROLE_ASSISTANT, "ok, and I will remove the label");
    conv_init(&c[3], 2, 1, 2);
    c[3].t[0] = T(ROLE_USER, "CANCEL it");
    c[3].t[1] = T(ROLE_ASSISTANT, NULL);
    conv_init(&c[4], 2, 2, 2);
    c[4].t[0] = T(ROLE_USER, "hello");
    c[4].t[1] = T(ROLE_ASSISTANT, "hi there");
    /* not parsed: not counted at all */
    conv_init(&c[5], 2, 3, 0);
    c[5].ex.parsed = false;
    run_convs(&gate_coverage, f, c, 6);

    struct result *r = &f->result;
    assert_int_equal(r->n_categories, 3);
    assert_string_equal(r->category_names[0], "Create");
    assert_string_equal(r->category_names[2], "Delete");
    assert_int_equal(r->metrics.category_counts[0], 2);
    assert_int_equal(r->metrics.category_counts[1], 1);
    assert_int_equal(r->metrics.category_counts[2], 1);
    assert_int_equal(r->metrics.category_counts[3], 1);

    struct check *k = check(f, "coverage.Create");
    assert_int_equal(k->status, STATUS_PASS);
    assert_string_equal(k->name, "Create");
    assert_string_equal(k->value_text, "2 examples");
    assert_string_equal(k->threshold_text, "target: 2");
    assert_int_equal(check(f, "coverage.Update")->status, STATUS_PASS);

    struct section *s = section(f, "coverage");
    assert_non_null(s);
    assert_string_equal(s->title, "COVERAGE");
    assert_string_equal(s->note, "1 example matches no category (first: data/splits/test.jsonl:2)");
    fx_free(f);
}

static void test_gates__coverage_below_minimum(void **state)
{
    struct fx *f = fx_new();
    add_category(f, "Create", 20, kw_create, 2);
    add_category(f, "Delete", 15, kw_delete, 3);
    struct conv c[3] = { 0 };
    for (int i = 0; i < 3; i++) {
        conv_init(&c[i], 0, (size_t)i + 1, 1);
        c[i].t[0] = T(ROLE_USER, "remove it");
    }
    run_convs(&gate_coverage, f, c, 3);
    struct check *k = check(f, "coverage.Delete");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_true(k->blocking);
    assert_string_equal(k->value_text, "3 examples");
    assert_string_equal(k->remediation,
                        "Add at least 12 more 'Delete' conversations (have 3, need 15); "
                        "keywords: delete, remove, cancel");
    assert_int_equal(k->n_findings, 1);
    assert_string_equal(k->findings[0].path, "specs/task.yaml");
    assert_int_equal(k->findings[0].line, 12);
    k = check(f, "coverage.Create");
    assert_string_equal(k->value_text, "0 examples");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_null(section(f, "coverage")->note);
    fx_free(f);

    /* level warn: the failure shows as a warning and does not block */
    f = fx_new();
    f->spec.gates.coverage.level = LEVEL_WARN;
    add_category(f, "Delete", 15, kw_delete, 3);
    run_convs(&gate_coverage, f, c, 3);
    k = check(f, "coverage.Delete");
    assert_int_equal(k->status, STATUS_WARN);
    assert_false(k->blocking);
    fx_free(f);
}

static void test_gates__coverage_ascii_case_folding(void **state)
{
    static const char *kw[] = { "New Task", "SET UP" };
    struct fx *f = fx_new();
    add_category(f, "Create", 1, kw, 2);
    struct conv c[3] = { 0 };
    conv_init(&c[0], 0, 1, 1);
    c[0].t[0] = T(ROLE_USER, "a NEW TASK please");
    conv_init(&c[1], 0, 2, 1);
    c[1].t[0] = T(ROLE_USER, "Set Up my week");
    conv_init(&c[2], 0, 3, 1);
    c[2].t[0] = T(ROLE_USER, "newtask setup");
    run_convs(&gate_coverage, f, c, 3);
    assert_int_equal(f->result.metrics.category_counts[0], 2);
    assert_int_equal(f->result.metrics.category_counts[1], 1);
    fx_free(f);
}

static void test_gates__coverage_non_ascii_lowercase(void **state)
{
    static const char *kw_de[] = { "\xc3\xbc" "berpr\xc3\xbc" "fung" };    /* überprüfung */
    static const char *kw_tr[] = { "\xc4\xb0stanbul" };                     /* İstanbul */
    static const char *kw_el[] = { "\xce\x9f\xce\x94\xce\x9f\xce\xa3" };    /* ΟΔΟΣ -> οδος */
    struct fx *f = fx_new();
    add_category(f, "German", 1, kw_de, 1);
    add_category(f, "Turkish", 1, kw_tr, 1);
    add_category(f, "Greek", 1, kw_el, 1);
    struct conv c[7] = { 0 };
    conv_init(&c[0], 0, 1, 1);
    c[0].t[0] = T(ROLE_USER, "Die \xc3\x9c" "BERPR\xc3\x9c" "FUNG ist fertig");   /* ÜBERPRÜFUNG */
    conv_init(&c[1], 0, 2, 1);
    c[1].t[0] = T(ROLE_USER, "\xc4\xb0STANBUL trip");        /* İSTANBUL -> i̇stanbul */
    conv_init(&c[2], 0, 3, 1);
    c[2].t[0] = T(ROLE_USER, "ISTANBUL trip");               /* istanbul: no combining dot */
    conv_init(&c[3], 0, 4, 1);
    c[3].t[0] = T(ROLE_USER, "\xce\x9f\xce\xb4\xce\xbf\xcf\x82.");   /* Οδος. */
    conv_init(&c[4], 0, 5, 1);
    c[4].t[0] = T(ROLE_USER, "\xce\x9f\xce\x94\xce\x9f\xce\xa3");    /* ΟΔΟΣ: final sigma */
    conv_init(&c[5], 0, 6, 1);
    c[5].t[0] = T(ROLE_USER, "\xce\x9f\xce\x94\xce\x9f\xce\xa3\xce\x91");   /* ΟΔΟΣΑ: σ, no match */
    conv_init(&c[6], 0, 7, 1);
    c[6].t[0] = T(ROLE_USER, "\xe6\x9b\xb4\xe6\x96\xb0 ber");      /* CJK passes through */
    run_convs(&gate_coverage, f, c, 7);
    uint64_t *n = f->result.metrics.category_counts;
    assert_int_equal(n[0], 1);
    assert_int_equal(n[1], 1);
    assert_int_equal(n[2], 2);
    assert_int_equal(n[3], 3);
    fx_free(f);
}

static void test_gates__coverage_by_field(void **state)
{
    static const char *none[] = { "x" };
    struct fx *f = fx_new();
    f->spec.gates.coverage.by = COVERAGE_FIELD;
    f->spec.gates.coverage.field = S("metadata.operation");
    add_category(f, "Create", 1, none, 1);
    add_category(f, "Delete", 2, none, 1);
    struct conv c[4] = { 0 };
    const char *labels[4] = { "Create", "Delete", "delete", NULL };
    for (int i = 0; i < 4; i++) {
        conv_init(&c[i], 1, (size_t)i + 5, 1);
        c[i].t[0] = T(ROLE_USER, "x marks the spot");   /* keywords are ignored by field */
        c[i].ex.label = labels[i];
        c[i].ex.label_len = labels[i] ? strlen(labels[i]) : 0;
    }
    run_convs(&gate_coverage, f, c, 4);
    uint64_t *n = f->result.metrics.category_counts;
    assert_int_equal(n[0], 1);
    assert_int_equal(n[1], 1);
    assert_int_equal(n[2], 2);
    struct check *k = check(f, "coverage.Delete");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_string_equal(k->remediation, "Add at least 1 more 'Delete' conversation (have 1, need 2) "
                                        "with metadata.operation = \"Delete\"");
    assert_string_equal(section(f, "coverage")->note,
                        "2 examples match no category (first: data/splits/val.jsonl:7, "
                        "data/splits/val.jsonl:8)");
    fx_free(f);
}

static void test_gates__coverage_empty_keyword_matches_all(void **state)
{
    static const char *kw_a[] = { "zzz" };
    static const char *kw_b[] = { "" };
    struct fx *f = fx_new();
    add_category(f, "A", 0, kw_a, 1);
    add_category(f, "B", 0, kw_b, 1);
    struct conv c[3] = { 0 };
    conv_init(&c[0], 0, 1, 1);
    c[0].t[0] = T(ROLE_USER, "ZZZ");
    conv_init(&c[1], 0, 2, 1);
    c[1].t[0] = T(ROLE_USER, "abc");
    conv_init(&c[2], 0, 3, 0);   /* no text at all: "" contains "" */
    run_convs(&gate_coverage, f, c, 3);
    assert_int_equal(f->result.metrics.category_counts[0], 1);
    assert_int_equal(f->result.metrics.category_counts[1], 2);
    assert_int_equal(f->result.metrics.category_counts[2], 0);
    fx_free(f);
}

/* Python's rule, spelled out slowly: join, lower, search each keyword in order. */
static size_t naive_category(const struct fx *f, const struct example *ex)
{
    struct buf joined = BUF_INIT, hay = BUF_INIT, kw = BUF_INIT;
    bool first = true;
    for (size_t i = 0; i < ex->n_turns; i++) {
        if (!ex->turns[i].text)
            continue;
        if (!first)
            buf_addch(&joined, ' ');
        first = false;
        buf_add(&joined, ex->turns[i].text, ex->turns[i].text_len);
    }
    unicode_lower_utf8(&hay, joined.ptr ? joined.ptr : "", joined.len);
    size_t n = f->spec.gates.coverage.n_categories, found = n;
    for (size_t c = 0; c < n && found == n; c++)
        for (size_t k = 0; k < f->categories[c].n_keywords && found == n; k++) {
            buf_reset(&kw);
            unicode_lower_utf8(&kw, f->categories[c].keywords[k], strlen(f->categories[c].keywords[k]));
            if (!kw.len || memmem(hay.ptr ? hay.ptr : "", hay.len, kw.ptr, kw.len))
                found = c;
        }
    buf_release(&joined);
    buf_release(&hay);
    buf_release(&kw);
    return found;
}

/* Random texts over a small alphabet (ASCII of both cases, sigma, İ, ß, é/É, CJK) against
 * overlapping keywords: the automaton must agree with join + lower + search. Long texts
 * take the two-halves scan, so a keyword may straddle the middle. */
static void coverage_random(size_t n, size_t max_pieces, unsigned seed)
{
    static const char *const pieces[] = {
        "a", "b", "A", "B", "ab", "AB", " ", "\xce\xa3", "\xcf\x83", "\xcf\x82", "\xc4\xb0", "i",
        "\xcc\x87", "\xc3\x9f", "\xc3\xa9", "\xc3\x89", ".", "ba", "\xe4\xb8\xad", "x",
    };
    static const char *kw0[] = { "abab", "\xcf\x83" "a" };
    static const char *kw1[] = { "ba b", "i\xcc\x87", "\xc3\xa9\xc3\xa9" };
    static const char *kw2[] = { "b\xcf\x82", "\xc3\x9f" "a", "aaa", "\xe4\xb8\xad" "x" };
    static const char *kw3[] = { "A", "\xce\xa3" };
    struct fx *f = fx_new();
    add_category(f, "c0", 0, kw0, 2);
    add_category(f, "c1", 0, kw1, 3);
    add_category(f, "c2", 0, kw2, 4);
    add_category(f, "c3", 0, kw3, 2);
    struct conv *c = xcalloc(n, sizeof(*c));
    char **texts = xcalloc(n * 3, sizeof(*texts));
    uint64_t want[5] = { 0 };
    for (size_t i = 0; i < n; i++) {
        size_t n_turns = 1 + (seed = seed * 1103515245u + 12345u) % 3;
        conv_init(&c[i], 0, i + 1, n_turns);
        for (size_t t = 0; t < n_turns; t++) {
            struct buf b = BUF_INIT;
            size_t len = ((seed = seed * 1103515245u + 12345u) >> 8) % (max_pieces + 1);
            for (size_t k = 0; k < len; k++)
                buf_addstr(&b, pieces[((seed = seed * 1103515245u + 12345u) >> 8) %
                                      (sizeof(pieces) / sizeof(pieces[0]))]);
            texts[i * 3 + t] = buf_detach(&b, NULL);
            c[i].t[t] = T(t % 2 ? ROLE_ASSISTANT : ROLE_USER, texts[i * 3 + t]);
        }
        want[naive_category(f, &c[i].ex)]++;
    }
    run_convs(&gate_coverage, f, c, n);
    for (int k = 0; k < 5; k++)
        assert_int_equal(f->result.metrics.category_counts[k], want[k]);
    for (int k = 0; k < 5; k++)   /* the mix exercised every outcome */
        assert_true(want[k] > 0);
    for (size_t i = 0; i < n * 3; i++)
        free(texts[i]);
    free(texts);
    free(c);
    fx_free(f);
}

static void test_gates__coverage_keyword_at_every_offset(void **state)
{
    /* One keyword in a text that otherwise matches nothing, at every offset of texts
     * long enough for the two-halves scan: found wherever it sits, the middle included. */
    static const char *kw_needle[] = { "needle", "\xc3\xa9t\xc3\xa9" };   /* été */
    static const char *kw_join[] = { "end start" };
    static const char *const forms[] = { "NEEDLE", "\xc3\x89T\xc3\x89", "n\xc3\xa9\xc3\xa9" "dle" };
    static const bool found[] = { true, true, false };
    static const size_t lens[] = { 32, 33, 47, 64, 101 };
    for (size_t fm = 0; fm < 3; fm++) {
        for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
            size_t len = lens[li], klen = strlen(forms[fm]);
            struct fx *f = fx_new();
            add_category(f, "Needle", 0, kw_needle, 2);
            size_t n = len - klen + 1;
            struct conv *c = xcalloc(n, sizeof(*c));
            char **texts = xcalloc(n, sizeof(*texts));
            for (size_t k = 0; k < n; k++) {
                texts[k] = xmalloc(len + 1);
                memset(texts[k], 'q', len);
                memcpy(texts[k] + k, forms[fm], klen);
                texts[k][len] = '\0';
                conv_init(&c[k], 0, k + 1, 1);
                c[k].t[0] = T(ROLE_USER, texts[k]);
            }
            run_convs(&gate_coverage, f, c, n);
            assert_int_equal(f->result.metrics.category_counts[0], found[fm] ? n : 0);
            for (size_t k = 0; k < n; k++)
                free(texts[k]);
            free(texts);
            free(c);
            fx_free(f);
        }
    }

    /* Across the join of two long texts: "...end" + " " + "start..." */
    struct fx *f = fx_new();
    add_category(f, "Join", 0, kw_join, 1);
    char a[80], b[80];
    memset(a, 'q', sizeof(a));
    memcpy(a + sizeof(a) - 4, "END", 4);
    memset(b, 'q', sizeof(b) - 1);
    memcpy(b, "Start", 5);
    b[sizeof(b) - 1] = '\0';
    struct conv c = { 0 };
    conv_init(&c, 0, 1, 2);
    c.t[0] = T(ROLE_USER, a);
    c.t[1] = T(ROLE_ASSISTANT, b);
    run_convs(&gate_coverage, f, &c, 1);
    assert_int_equal(f->result.metrics.category_counts[0], 1);
    fx_free(f);
}

static void test_gates__coverage_matches_naive_search(void **state)
{
    coverage_random(3000, 6, 12345);
}

static void test_gates__coverage_matches_naive_search_long_texts(void **state)
{
    /* Sparser matches: mostly letters that match nothing, so the outcome is decided by
     * a keyword somewhere in a long text, often across the middle. */
    coverage_random(1500, 90, 777);
}

/* ---- quality ------------------------------------------------------------------------- */

/* One example whose human turn has `human` chars and assistant turn `assistant` chars. */
static void quality_one(struct fx *f, size_t human, size_t assistant)
{
    char *h = repeat_text("x", human), *a = repeat_text("\xc3\xa9", assistant);   /* é: 2 bytes */
    struct conv c = { 0 };
    conv_init(&c, 0, 1, 2);
    c.t[0] = T(ROLE_USER, h);
    c.t[1] = T(ROLE_ASSISTANT, a);
    run_convs(&gate_quality, f, &c, 1);
    free(h);
    free(a);
}

static void test_gates__quality_length_band_edges(void **state)
{
    /* human target [30, 80], acceptable [20, 100] */
    static const struct { size_t chars; enum status want; } cases[] = {
        { 30, STATUS_PASS }, { 80, STATUS_PASS }, { 29, STATUS_WARN }, { 81, STATUS_WARN },
        { 20, STATUS_WARN }, { 100, STATUS_WARN }, { 19, STATUS_FAIL }, { 101, STATUS_FAIL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fx *f = fx_new();
        quality_one(f, cases[i].chars, 100);
        struct check *k = check(f, "quality.human_length");
        assert_int_equal(k->status, cases[i].want);
        assert_false(k->blocking);   /* level warn */
        assert_float_equal(f->result.metrics.human_length, (double)cases[i].chars, 0);
        assert_int_equal(check(f, "quality.assistant_length")->status, STATUS_PASS);
        fx_free(f);
    }
}

static void test_gates__quality_assistant_counts_code_points(void **state)
{
    /* assistant target [80, 200], acceptable [50, 300]; é is 2 bytes but one char */
    static const struct { size_t chars; enum status want; } cases[] = {
        { 80, STATUS_PASS }, { 200, STATUS_PASS }, { 79, STATUS_WARN }, { 50, STATUS_WARN },
        { 300, STATUS_WARN }, { 49, STATUS_FAIL }, { 301, STATUS_FAIL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fx *f = fx_new();
        quality_one(f, 40, cases[i].chars);
        struct check *k = check(f, "quality.assistant_length");
        assert_int_equal(k->status, cases[i].want);
        assert_float_equal(f->result.metrics.assistant_length, (double)cases[i].chars, 0);
        fx_free(f);
    }
}

static void test_gates__quality_fail_stays_fail_at_warn(void **state)
{
    struct fx *f = fx_new();
    quality_one(f, 12, 100);
    struct check *k = check(f, "quality.human_length");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_false(k->blocking);
    assert_string_equal(k->value_text, "12.0 chars");
    assert_string_equal(k->threshold_text, "target: 30-80");
    assert_string_equal(k->remediation, "Average human message is 12.0 chars, below the acceptable "
                                        "20-100: add context to short prompts "
                                        "(shortest: data/splits/train.jsonl:1)");
    assert_int_equal(k->n_findings, 1);
    assert_string_equal(k->findings[0].kind, "short_messages");
    fx_free(f);

    f = fx_new();
    f->spec.gates.quality.level = LEVEL_BLOCK;
    quality_one(f, 12, 100);
    k = check(f, "quality.human_length");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_true(k->blocking);
    fx_free(f);
}

static void test_gates__quality_means_over_turns(void **state)
{
    /* The mean is over turns, not examples; NULL texts and other roles do not count. */
    struct fx *f = fx_new();
    struct conv c[3] = { 0 };
    conv_init(&c[0], 0, 1, 4);
    c[0].t[0] = T(ROLE_SYSTEM, "You are a helpful assistant for tasks.");
    c[0].t[1] = T(ROLE_USER, "0123456789");            /* 10 */
    c[0].t[2] = T(ROLE_ASSISTANT, "01234567890123456789"); /* 20 */
    c[0].t[3] = T(ROLE_USER, "01234567890123456789012345678901234567890123456789"); /* 50 */
    conv_init(&c[1], 0, 2, 3);
    c[1].t[0] = T(ROLE_USER, "0123456789012345678901234567890123456789");   /* 40 */
    c[1].t[1] = T(ROLE_ASSISTANT, NULL);
    c[1].t[2] = T(ROLE_TOOL, "tool output that does not count");
    conv_init(&c[2], 0, 3, 2);
    c[2].ex.parsed = false;   /* ignored */
    c[2].t[0] = T(ROLE_USER, "x");
    c[2].t[1] = T(ROLE_ASSISTANT, "y");
    run_convs(&gate_quality, f, c, 3);
    struct result_metrics *m = &f->result.metrics;
    assert_float_equal(m->human_length, 100.0 / 3.0, 1e-12);
    assert_float_equal(m->assistant_length, 20.0, 0);
    /* turns 4 and 3: mean 3.5, variance 0.25 */
    assert_float_equal(m->turn_variance, 0.25, 1e-15);
    assert_float_equal(m->unique_messages, 100.0, 0);
    assert_string_equal(check(f, "quality.human_length")->value_text, "33.3 chars");
    fx_free(f);
}

static void test_gates__quality_no_texts(void **state)
{
    struct fx *f = fx_new();
    run_convs(&gate_quality, f, NULL, 0);
    struct result_metrics *m = &f->result.metrics;
    assert_float_equal(m->human_length, 0, 0);
    assert_float_equal(m->assistant_length, 0, 0);
    assert_float_equal(m->unique_messages, 100.0, 0);
    assert_float_equal(m->turn_variance, 0, 0);
    assert_int_equal(check(f, "quality.unique_messages")->status, STATUS_PASS);
    /* an average of nothing is skipped, not failed: the format gate speaks for empty data */
    assert_int_equal(check(f, "quality.human_length")->status, STATUS_SKIP);
    assert_false(check(f, "quality.human_length")->blocking);
    fx_free(f);
}

static void test_gates__quality_unique_messages(void **state)
{
    /* 20 texts, 19 distinct: exactly 95% is the target (a minimum): PASS */
    struct fx *f = fx_new();
    struct conv c[10] = { 0 };
    char texts[20][16];
    for (int i = 0; i < 10; i++) {
        conv_init(&c[i], 0, (size_t)i + 1, 2);
        snprintf(texts[2 * i], sizeof(texts[0]), "question %d", i);
        snprintf(texts[2 * i + 1], sizeof(texts[0]), "answer %d", i);
        c[i].t[0] = T(ROLE_USER, texts[2 * i]);
        c[i].t[1] = T(ROLE_ASSISTANT, i == 9 ? "answer 0" : texts[2 * i + 1]);
    }
    run_convs(&gate_quality, f, c, 10);
    struct check *k = check(f, "quality.unique_messages");
    assert_float_equal(f->result.metrics.unique_messages, 95.0, 0);
    assert_int_equal(k->status, STATUS_PASS);
    assert_string_equal(k->value_text, "95.0%");
    assert_string_equal(k->threshold_text, "target: >= 95%");
    fx_free(f);

    /* 90% (acceptable): WARN; below: FAIL, with the repeated text as finding */
    f = fx_new();
    for (int i = 8; i < 10; i++)
        c[i].t[1] = T(ROLE_ASSISTANT, "answer 0");
    run_convs(&gate_quality, f, c, 10);
    k = check(f, "quality.unique_messages");
    assert_float_equal(f->result.metrics.unique_messages, 90.0, 0);
    assert_int_equal(k->status, STATUS_WARN);
    fx_free(f);

    f = fx_new();
    for (int i = 5; i < 10; i++)
        c[i].t[1] = T(ROLE_ASSISTANT, "answer 0");
    run_convs(&gate_quality, f, c, 10);
    k = check(f, "quality.unique_messages");
    assert_float_equal(f->result.metrics.unique_messages, 75.0, 0);
    assert_int_equal(k->status, STATUS_FAIL);
    assert_int_equal(k->n_findings, 1);   /* one text repeated, reported once */
    assert_string_equal(k->findings[0].message,
                        "the message \"answer 0\" appears 6 times (again at data/splits/train.jsonl:6)");
    assert_int_equal(k->findings[0].line, 1);
    assert_contains(k->remediation, "(5 repeated of 20)");
    assert_contains(k->remediation, "(most repeated: data/splits/train.jsonl:1, 6 times)");
    fx_free(f);
}

static void test_gates__quality_unique_is_exact_bytes_any_role(void **state)
{
    struct fx *f = fx_new();
    struct conv c[2] = { 0 };
    conv_init(&c[0], 0, 1, 3);
    c[0].t[0] = T(ROLE_USER, "Same");
    c[0].t[1] = T(ROLE_ASSISTANT, "Same");      /* same bytes, other role: a repeat */
    c[0].t[2] = T(ROLE_USER, "same");          /* other case: distinct */
    conv_init(&c[1], 0, 2, 2);
    c[1].t[0] = T(ROLE_USER, "");
    c[1].t[1] = T(ROLE_ASSISTANT, "");         /* empty texts count too */
    run_convs(&gate_quality, f, c, 2);
    assert_float_equal(f->result.metrics.unique_messages, 60.0, 1e-12);
    fx_free(f);
}

static void test_gates__quality_unique_many_messages(void **state)
{
    /* Enough texts to grow the hash set several times: 30000 texts, 20000 distinct. */
    struct fx *f = fx_new();
    enum { N = 15000 };
    struct conv *c = xcalloc(N, sizeof(*c));
    char (*texts)[24] = xcalloc(2 * N, sizeof(*texts));
    for (size_t i = 0; i < N; i++) {
        conv_init(&c[i], 0, i + 1, 2);
        snprintf(texts[2 * i], sizeof(texts[0]), "message number %zu", i);
        snprintf(texts[2 * i + 1], sizeof(texts[0]), "message number %zu", i % 5000 + N);
        c[i].t[0] = T(ROLE_USER, texts[2 * i]);
        c[i].t[1] = T(ROLE_ASSISTANT, texts[2 * i + 1]);
    }
    run_convs(&gate_quality, f, c, N);
    assert_float_equal(f->result.metrics.unique_messages, 100.0 * 20000 / 30000, 1e-12);
    free(texts);
    free(c);
    fx_free(f);
}

static void test_gates__quality_most_repeated_messages(void **state)
{
    /* One text per example: G x9, A x7, B x3, C x3, D x2, E x2, F x2 and 40 distinct. */
    static const struct { const char *text; size_t copies; } groups[] = {
        { "A", 7 }, { "B", 3 }, { "C", 3 }, { "D", 2 }, { "E", 2 }, { "F", 2 }, { "G", 9 },
    };
    struct fx *f = fx_new();
    f->spec.gates.quality.unique_messages.target = 99;
    f->spec.gates.quality.unique_messages.acceptable = 98;
    enum { N = 28 + 40 };
    struct conv c[N];
    char distinct[40][8];
    memset(c, 0, sizeof(c));
    size_t k = 0;
    for (size_t round = 0; round < 9; round++)   /* interleave the copies */
        for (size_t g = 0; g < 7; g++)
            if (round < groups[g].copies) {
                conv_init(&c[k], 0, k + 1, 1);
                c[k].t[0] = T(ROLE_USER, groups[g].text);
                k++;
            }
    for (size_t i = 0; i < 40; i++, k++) {
        snprintf(distinct[i], sizeof(distinct[i]), "u%zu", i);
        conv_init(&c[k], 0, k + 1, 1);
        c[k].t[0] = T(ROLE_USER, distinct[i]);
    }
    assert_int_equal(k, N);
    run_convs(&gate_quality, f, c, N);
    /* 7 + 40 distinct of 68 */
    assert_float_equal(f->result.metrics.unique_messages, 100.0 * 47 / 68, 1e-12);
    struct check *ch = check(f, "quality.unique_messages");
    assert_int_equal(ch->status, STATUS_FAIL);
    assert_int_equal(ch->n_findings, 5);
    /* G (first at line 7), A (line 1), B (line 2), C (line 3), D (line 4) */
    static const size_t lines[5] = { 7, 1, 2, 3, 4 };
    static const char *const counts[5] = { "9 times", "7 times", "3 times", "3 times", "2 times" };
    for (int i = 0; i < 5; i++) {
        assert_int_equal(ch->findings[i].line, lines[i]);
        assert_contains(ch->findings[i].message, counts[i]);
    }
    /* each names its own message */
    assert_string_equal(ch->findings[0].message, "the message \"G\" appears 9 times "
                                                 "(again at data/splits/train.jsonl:14)");
    static const char *const names[5] = { "\"G\"", "\"A\"", "\"B\"", "\"C\"", "\"D\"" };
    for (int i = 0; i < 5; i++)
        assert_contains(ch->findings[i].message, names[i]);
    fx_free(f);
}

/* Two texts landing in one slot of the name vote (the first 256 slots: the low byte of
 * the hash's second word). */
static void same_name_slot(const char *text, char *other, size_t size)
{
    uint64_t h[2], o[2];
    text_hash128(h, text, strlen(text));
    for (unsigned i = 0;; i++) {
        snprintf(other, size, "filler %u", i);
        text_hash128(o, other, strlen(other));
        if ((o[1] & 255) == (h[1] & 255))
            return;
    }
}

/* A text that wins its slot of the name vote on its last appearance was never seen by
 * learn() while it held the slot: its quote is read again from its first example
 * (gate_ctx.reread). With DSCI_TEST_FORGET_NAMES=1 every quote is read again, and the
 * findings are the same. */
static void test_gates__quality_quote_read_again(void **state)
{
    char filler[32];
    same_name_slot("Quote me, please.", filler, sizeof(filler));
    for (int forget = 0; forget < 2; forget++) {
        if (forget)
            setenv("DSCI_TEST_FORGET_NAMES", "1", 1);
        struct fx *f = fx_new();
        struct conv c[4];
        memset(c, 0, sizeof(c));
        for (size_t i = 0; i < 4; i++) {
            conv_init(&c[i], 0, i + 1, 1);
            c[i].t[0] = T(ROLE_USER, i < 2 ? filler : "Quote me, please.");
        }
        run_convs(&gate_quality, f, c, 4);
        unsetenv("DSCI_TEST_FORGET_NAMES");
        struct check *ch = check(f, "quality.unique_messages");
        assert_int_equal(ch->n_findings, 2);
        /* the filler lost its slot: not quoted, as before the vote ran on hashes alone */
        assert_string_equal(ch->findings[0].message, "a message here appears 2 times (again at data/splits/train.jsonl:2)");
        assert_string_equal(ch->findings[1].message,
                            "the message \"Quote me, please.\" appears 2 times (again at data/splits/train.jsonl:4)");
        assert_int_equal(f->rereads, 1);
        fx_free(f);
    }

    /* many repeated texts, each quote read again: the same findings as with the names kept */
    struct fx *kept = fx_new(), *again = fx_new();
    enum { N = 60 };
    struct conv *c = xcalloc(N, sizeof(*c));
    char (*texts)[80] = xcalloc(N, sizeof(*texts));
    for (size_t i = 0; i < N; i++) {
        conv_init(&c[i], i % 2, i + 1, 1);
        snprintf(texts[i], sizeof(texts[i]), "A message said %zu times, with a long tail \xc3\xa9t\xc3\xa9 that is cut: ok",
                 i % 7);
        c[i].t[0] = T(ROLE_ASSISTANT, texts[i]);
    }
    run_convs(&gate_quality, kept, c, N);
    setenv("DSCI_TEST_FORGET_NAMES", "1", 1);
    run_convs(&gate_quality, again, c, N);
    unsetenv("DSCI_TEST_FORGET_NAMES");
    struct check *a = check(kept, "quality.unique_messages"), *b = check(again, "quality.unique_messages");
    assert_int_equal(a->n_findings, 5);
    assert_int_equal(b->n_findings, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_contains(a->findings[i].message, "the message \"A message said");
        assert_contains(a->findings[i].message, "\xe2\x80\xa6\"");   /* cut: quoted with an ellipsis */
        assert_string_equal(a->findings[i].message, b->findings[i].message);
        assert_int_equal(a->findings[i].line, b->findings[i].line);
    }
    assert_int_equal(kept->rereads, 0);
    assert_int_equal(again->rereads, 5);
    free(texts);
    free(c);
    fx_free(kept);
    fx_free(again);
}

/* Every check, finding and metric of two results is the same, but for the findings'
 * lines: b's are a's plus line_shift. */
static void assert_same_but_lines(const struct result *a, const struct result *b, size_t line_shift)
{
    assert_int_equal(a->n_sections, b->n_sections);
    assert_memory_equal(&a->metrics, &b->metrics, sizeof(a->metrics));
    for (size_t s = 0; s < a->n_sections; s++) {
        const struct section *x = &a->sections[s], *y = &b->sections[s];
        assert_int_equal(x->n_checks, y->n_checks);
        for (size_t k = 0; k < x->n_checks; k++) {
            const struct check *p = &x->checks[k], *q = &y->checks[k];
            assert_string_equal(p->id, q->id);
            assert_int_equal(p->status, q->status);
            assert_string_equal(p->value_text, q->value_text);
            if (!line_shift) {
                assert_true((p->remediation == NULL) == (q->remediation == NULL));
                if (p->remediation)
                    assert_string_equal(p->remediation, q->remediation);
            }
            assert_int_equal(p->n_findings, q->n_findings);
            for (size_t i = 0; i < p->n_findings; i++) {
                assert_int_equal(p->findings[i].line + line_shift, q->findings[i].line);
                assert_string_equal(p->findings[i].kind, q->findings[i].kind);
                assert_memory_equal(p->findings[i].key, q->findings[i].key, FINDING_KEY_SIZE);
                if (!line_shift)
                    assert_string_equal(p->findings[i].message, q->findings[i].message);
            }
        }
    }
}

/* extract() writes nothing of where the example is: replayed 100 lines further down (the
 * records above its chunk grew), the report is the one of the data moved down 100 lines. */
static void shifted_replay(const struct gate *g, void (*setup)(struct fx *), void (*fill)(struct conv *, size_t, size_t),
                           size_t n)
{
    struct fx *here = fx_new(), *replayed = fx_new(), *moved = fx_new();
    setup(here);
    setup(replayed);
    setup(moved);
    struct conv *c = xcalloc(n, sizeof(*c)), *d = xcalloc(n, sizeof(*d));
    for (size_t i = 0; i < n; i++) {
        fill(&c[i], i, 0);
        fill(&d[i], i, 100);
    }
    run_convs(g, here, c, n);
    replayed->line_shift = 100;
    run_convs(g, replayed, c, n);
    run_convs(g, moved, d, n);
    assert_same_but_lines(&moved->result, &replayed->result, 0);
    assert_same_but_lines(&here->result, &replayed->result, 100);
    size_t findings = 0;
    for (size_t s = 0; s < here->result.n_sections; s++)
        for (size_t k = 0; k < here->result.sections[s].n_checks; k++)
            findings += here->result.sections[s].checks[k].n_findings;
    assert_true(findings >= 5);
    free(c);
    free(d);
    fx_free(here);
    fx_free(replayed);
    fx_free(moved);
}

static void no_setup(struct fx *f)
{
    (void)f;
}

/* Short prompts, short answers, repeats and conversations of 1 to 7 messages: every
 * quality check fails with findings. */
static void quality_conv(struct conv *c, size_t i, size_t shift)
{
    static const char *const answers[] = { "ok", "fine", "done", "sure thing", "no" };
    size_t n = 1 + i % 7;
    conv_init(c, i % 3, i + 1 + shift, n);
    memset(c->ex.hash, 0, sizeof(c->ex.hash));   /* by content, not by place */
    memcpy(c->ex.hash, &i, sizeof(i));
    for (size_t t = 0; t < n; t++)
        c->t[t] = T(t % 2 ? ROLE_ASSISTANT : ROLE_USER, t % 2 ? answers[(i + t) % 5] : "hi there");
}

static void test_gates__quality_replay_at_shifted_lines(void **state)
{
    shifted_replay(&gate_quality, no_setup, quality_conv, 40);
}

static void pii_setup(struct fx *f)
{
    f->spec.gates.pii.level = LEVEL_BLOCK;
    f->spec.gates.pii.detect = PII_EMAIL | PII_IPV4;
}

static void pii_conv(struct conv *c, size_t i, size_t shift)
{
    static char texts[40][64];
    snprintf(texts[i % 40], sizeof(texts[0]), "write to user%zu@corp.io or 10.0.%zu.7", i, i % 200);
    conv_init(c, i % 3, i + 1 + shift, 2);
    memset(c->ex.hash, 0, sizeof(c->ex.hash));
    memcpy(c->ex.hash, &i, sizeof(i));
    c->t[0] = T(ROLE_USER, i % 4 ? "nothing here" : texts[i % 40]);
    c->t[1] = T(ROLE_ASSISTANT, "noted");
}

static void test_gates__pii_replay_at_shifted_lines(void **state)
{
    shifted_replay(&gate_pii, pii_setup, pii_conv, 40);
}

/* Bytes no extract() wrote (cut short, a count past its end) end the run with an error,
 * never a read out of bounds or a silently wrong number. */
static void test_gates__quality_damaged_bytes(void **state)
{
    struct conv c;
    memset(&c, 0, sizeof(c));
    conv_init(&c, 0, 1, 2);
    c.t[0] = T(ROLE_USER, "hello there");
    c.t[1] = T(ROLE_ASSISTANT, "general kenobi");
    struct buf good = BUF_INIT;
    struct fx *f = fx_new();
    void *st = gate_quality.begin(&f->ctx);
    gate_quality.extract(st, &c.ex, &good);
    gate_quality.free(st);
    fx_free(f);
    static const unsigned char huge_count[] = { 2, 0xff, 0xff, 0x7f };
    const struct { const void *p; size_t len; } bad[] = {
        { good.ptr, good.len - 1 }, { good.ptr, 1 }, { huge_count, sizeof(huge_count) },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        f = fx_new();
        st = gate_quality.begin(&f->ctx);
        struct example at = c.ex;
        at.turns = NULL;
        at.n_turns = 0;
        gate_quality.replay(st, &at, bad[i].p, bad[i].len);
        assert_int_equal(gate_quality.finish(st, &f->ctx), DSCI_EINTERNAL);
        gate_quality.free(st);
        fx_free(f);
    }
    buf_release(&good);
}

static void test_gates__quality_turn_variance(void **state)
{
    static const struct { size_t turns[4]; size_t n; double variance; enum status want; } cases[] = {
        { { 2, 4, 4, 6 }, 4, 2.0, STATUS_PASS },         /* exactly the target */
        { { 1, 2, 3 }, 3, 2.0 / 3.0, STATUS_PASS },
        { { 1, 5 }, 2, 4.0, STATUS_FAIL },
        { { 2, 5 }, 2, 2.25, STATUS_WARN },
        { { 3, 3, 3 }, 3, 0.0, STATUS_PASS },
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct fx *f = fx_new();
        struct conv c[4] = { 0 };
        for (size_t i = 0; i < cases[k].n; i++) {
            conv_init(&c[i], 0, i + 1, cases[k].turns[i]);
            for (size_t t = 0; t < cases[k].turns[i]; t++)
                c[i].t[t] = T(t % 2 ? ROLE_ASSISTANT : ROLE_USER, NULL);   /* counted, no text */
        }
        run_convs(&gate_quality, f, c, cases[k].n);
        assert_float_equal(f->result.metrics.turn_variance, cases[k].variance, 1e-15);
        struct check *ch = check(f, "quality.turn_variance");
        assert_int_equal(ch->status, cases[k].want);
        assert_string_equal(ch->threshold_text, "target: <= 2.0");
        if (cases[k].want == STATUS_FAIL) {
            assert_int_equal(ch->n_findings, 2);
            /* 1 and 5 are as far from the mean: file order breaks the tie */
            assert_string_equal(ch->findings[0].message, "1 message (mean 3.0)");
            assert_string_equal(ch->findings[1].message, "5 messages (mean 3.0)");
            assert_contains(ch->remediation, "above the acceptable 3.0");
        }
        fx_free(f);
    }
}

static void test_gates__quality_findings_are_the_extremes(void **state)
{
    /* 8 examples with human lengths 1..8 (mean far below 20): the 5 shortest are findings. */
    struct fx *f = fx_new();
    struct conv c[8] = { 0 };
    char *texts[8];
    size_t lens[8] = { 7, 3, 8, 1, 5, 2, 6, 4 };
    for (int i = 0; i < 8; i++) {
        texts[i] = repeat_text("y", lens[i]);
        conv_init(&c[i], 0, (size_t)i + 1, 2);
        c[i].t[0] = T(ROLE_USER, texts[i]);
        c[i].t[1] = T(ROLE_ASSISTANT, "a fine answer that is long enough to pass the band, "
                                      "about a hundred characters long, give or take");
    }
    run_convs(&gate_quality, f, c, 8);
    struct check *k = check(f, "quality.human_length");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_int_equal(k->n_findings, 5);
    size_t want_lines[5] = { 4, 6, 2, 8, 5 };   /* lengths 1, 2, 3, 4, 5 */
    for (int i = 0; i < 5; i++)
        assert_int_equal(k->findings[i].line, want_lines[i]);
    assert_string_equal(k->findings[0].message, "human messages average 1.0 chars (target: 30-80)");
    assert_contains(k->remediation, "(shortest: data/splits/train.jsonl:4, data/splits/train.jsonl:6, "
                                    "data/splits/train.jsonl:2)");
    for (int i = 0; i < 8; i++)
        free(texts[i]);
    fx_free(f);
}

/* ---- splits -------------------------------------------------------------------------- */

/* counts[s] examples in split s, lines 1.., distinct hashes. */
static struct conv *split_convs(const size_t counts[3], size_t *n_out)
{
    size_t n = counts[0] + counts[1] + counts[2], k = 0;
    struct conv *c = xcalloc(n ? n : 1, sizeof(*c));
    for (size_t s = 0; s < 3; s++)
        for (size_t i = 0; i < counts[s]; i++, k++) {
            conv_init(&c[k], s, i + 1, 2);
            c[k].t[0] = T(ROLE_USER, "q");
            c[k].t[1] = T(ROLE_ASSISTANT, "a");
        }
    *n_out = n;
    return c;
}

static void test_gates__splits_ratio_and_tolerance(void **state)
{
    static const struct { size_t counts[3]; enum status want[3]; } cases[] = {
        { { 80, 10, 10 }, { STATUS_PASS, STATUS_PASS, STATUS_PASS } },
        { { 75, 15, 10 }, { STATUS_PASS, STATUS_PASS, STATUS_PASS } },   /* exactly +-5% */
        { { 74, 16, 10 }, { STATUS_FAIL, STATUS_FAIL, STATUS_PASS } },
        { { 85, 5, 10 }, { STATUS_PASS, STATUS_FAIL, STATUS_PASS } },    /* 5 < min 8 */
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct fx *f = fx_new();
        add_rule(f, "train", 0.8, 68);
        add_rule(f, "validation", 0.1, 8);
        add_rule(f, "test", 0.1, 8);
        size_t n;
        struct conv *c = split_convs(cases[k].counts, &n);
        run_convs(&gate_splits, f, c, n);
        static const char *const ids[3] = { "splits.train", "splits.validation", "splits.test" };
        for (int s = 0; s < 3; s++) {
            assert_int_equal(check(f, ids[s])->status, cases[k].want[s]);
            assert_int_equal(f->result.metrics.split_examples[s], cases[k].counts[s]);
        }
        assert_int_equal(f->result.n_splits, 3);
        assert_string_equal(f->result.split_names[1], "validation");
        free(c);
        fx_free(f);
    }
}

static void test_gates__splits_report_lines(void **state)
{
    struct fx *f = fx_new();
    add_rule(f, "train", 0.8, 68);
    add_rule(f, "validation", 0.1, 8);
    add_rule(f, "test", -1, 8);   /* min only */
    size_t counts[3] = { 85, 5, 16 }, n;
    struct conv *c = split_convs(counts, &n);
    run_convs(&gate_splits, f, c, n);
    struct check *k = check(f, "splits.train");
    assert_string_equal(k->value_text, "85 examples, 80.2%");
    assert_string_equal(k->threshold_text, "target: 80% \xc2\xb1 5%, min 68");
    k = check(f, "splits.validation");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_true(k->blocking);
    assert_contains(k->remediation, "Add at least 3 more examples to validation (have 5, need 8)");
    k = check(f, "splits.test");
    assert_string_equal(k->threshold_text, "target: min 8");
    assert_int_equal(k->status, STATUS_PASS);
    free(c);
    fx_free(f);
}

static void test_gates__splits_empty_split(void **state)
{
    struct fx *f = fx_new();
    add_rule(f, "validation", 0.1, 0);
    size_t counts[3] = { 10, 0, 1 }, n;
    struct conv *c = split_convs(counts, &n);
    run_convs(&gate_splits, f, c, n);
    struct check *k = check(f, "splits.validation");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_string_equal(k->value_text, "no examples");
    assert_int_equal(k->n_findings, 1);
    assert_string_equal(k->findings[0].path, "data/splits/val.jsonl");
    assert_false(has_check(f, "splits.train"));   /* no rule, no check */
    free(c);
    fx_free(f);
}

static void test_gates__splits_overlap(void **state)
{
    struct fx *f = fx_new();
    size_t counts[3] = { 5, 2, 4 }, n;
    struct conv *c = split_convs(counts, &n);
    /* train:2 == test:4 (and == test:1: two copies in test still one overlap) */
    set_hash(&c[1].ex, 77);
    set_hash(&c[7 + 3].ex, 77);
    set_hash(&c[7 + 0].ex, 77);
    /* train:3 == train:5: a duplicate, not an overlap */
    set_hash(&c[2].ex, 88);
    set_hash(&c[4].ex, 88);
    /* val:2 == test:2 */
    set_hash(&c[6].ex, 99);
    set_hash(&c[7 + 1].ex, 99);
    run_convs(&gate_splits, f, c, n);
    struct check *k = check(f, "splits.overlap");
    assert_int_equal(f->result.metrics.overlaps, 2);
    assert_int_equal(k->status, STATUS_FAIL);
    assert_string_equal(k->name, "No overlap between splits");
    assert_string_equal(k->value_text, "2 shared examples");
    assert_int_equal(k->n_findings, 2);
    assert_string_equal(k->findings[0].path, "data/splits/train.jsonl");
    assert_int_equal(k->findings[0].line, 2);
    assert_string_equal(k->findings[0].message, "also in data/splits/test.jsonl:1 (split test)");
    assert_string_equal(k->findings[1].path, "data/splits/val.jsonl");
    assert_string_equal(k->findings[1].message, "also in data/splits/test.jsonl:2 (split test)");
    free(c);
    fx_free(f);

    f = fx_new();
    c = split_convs(counts, &n);
    run_convs(&gate_splits, f, c, n);
    k = check(f, "splits.overlap");
    assert_int_equal(k->status, STATUS_PASS);
    assert_string_equal(k->value_text, "0 shared examples");
    free(c);
    fx_free(f);
}

static void test_gates__splits_overlap_many(void **state)
{
    /* Enough records for the bucketed sort; every 100th test example copies a train one. */
    struct fx *f = fx_new();
    size_t counts[3] = { 6000, 0, 3000 }, n;
    struct conv *c = split_convs(counts, &n);
    for (size_t i = 0; i < 3000; i++)
        set_hash(&c[6000 + i].ex, (unsigned)(1000000 + i));
    for (size_t i = 0; i < 6000; i++)
        set_hash(&c[i].ex, (unsigned)(2000000 + i * 7919 % 6000));
    for (size_t i = 0; i < 3000; i += 100)
        memcpy(c[6000 + i].ex.hash, c[i].ex.hash, sizeof(c[i].ex.hash));
    run_convs(&gate_splits, f, c, n);
    assert_int_equal(f->result.metrics.overlaps, 30);
    struct check *k = check(f, "splits.overlap");
    assert_int_equal(k->n_findings, 30);
    for (size_t i = 1; i < k->n_findings; i++)   /* in file order */
        assert_true(k->findings[i].line > k->findings[i - 1].line);
    free(c);
    fx_free(f);
}

/* ---- duplicates ---------------------------------------------------------------------- */

static void test_gates__duplicates_exact(void **state)
{
    struct fx *f = fx_new();
    size_t counts[3] = { 6, 0, 2 }, n;
    struct conv *c = split_convs(counts, &n);
    set_hash(&c[1].ex, 5);
    set_hash(&c[3].ex, 5);
    set_hash(&c[5].ex, 5);   /* three copies: two duplicates */
    set_hash(&c[6].ex, 5);   /* same content in test: an overlap, not a duplicate */
    set_hash(&c[2].ex, 9);
    set_hash(&c[4].ex, 9);
    run_convs(&gate_duplicates, f, c, n);
    struct check *k = check(f, "duplicates.exact");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_true(k->blocking);
    assert_string_equal(k->name, "Exact duplicates");
    assert_string_equal(k->value_text, "3 (2 groups)");
    assert_int_equal(k->n_findings, 3);
    assert_int_equal(k->findings[0].line, 4);
    assert_string_equal(k->findings[0].message, "duplicate of data/splits/train.jsonl:2");
    assert_string_equal(k->findings[0].kind, "exact_duplicate");
    assert_int_equal(k->findings[1].line, 5);
    assert_string_equal(k->findings[1].message, "duplicate of data/splits/train.jsonl:3");
    assert_int_equal(k->findings[2].line, 6);
    assert_string_equal(k->findings[2].message, "duplicate of data/splits/train.jsonl:2");
    assert_null(section(f, "duplicates")->note);
    free(c);
    fx_free(f);
}

static void test_gates__duplicates_many(void **state)
{
    /* 5000 train examples (the bucketed sort); every 50th repeats the one 7 lines up,
     * and test holds copies of train ones (overlaps, not duplicates). */
    struct fx *f = fx_new();
    size_t counts[3] = { 5000, 0, 100 }, n;
    struct conv *c = split_convs(counts, &n);
    size_t planted = 0;
    for (size_t i = 50; i < 5000; i += 50) {
        memcpy(c[i].ex.hash, c[i - 7].ex.hash, sizeof(c[i].ex.hash));
        planted++;
    }
    for (size_t i = 0; i < 100; i++)
        memcpy(c[5000 + i].ex.hash, c[i * 3 + 1].ex.hash, sizeof(c[0].ex.hash));
    run_convs(&gate_duplicates, f, c, n);
    struct check *k = check(f, "duplicates.exact");
    assert_int_equal(k->n_findings, planted);
    assert_int_equal(k->value, (double)planted);
    for (size_t i = 0; i < k->n_findings; i++) {
        char want[64];
        assert_int_equal(k->findings[i].line, 51 + 50 * i);
        snprintf(want, sizeof(want), "duplicate of data/splits/train.jsonl:%zu", 51 + 50 * i - 7);
        assert_string_equal(k->findings[i].message, want);
    }
    free(c);
    fx_free(f);
}

static void test_gates__duplicates_none_and_near_note(void **state)
{
    struct fx *f = fx_new();
    f->spec.gates.duplicates.exact = LEVEL_WARN;
    f->spec.gates.duplicates.near = LEVEL_WARN;
    size_t counts[3] = { 3000, 0, 0 }, n;
    struct conv *c = split_convs(counts, &n);
    run_convs(&gate_duplicates, f, c, n);
    struct check *k = check(f, "duplicates.exact");
    assert_int_equal(k->status, STATUS_PASS);
    assert_string_equal(k->value_text, "0");
    assert_null(section(f, "duplicates")->note);
    assert_non_null(check(f, "duplicates.near"));   /* the fixture's template texts may cluster */
    fx_free(f);

    /* exact off, near on: a section with only the near check */
    f = fx_new();
    f->spec.gates.duplicates.exact = LEVEL_OFF;
    f->spec.gates.duplicates.near = LEVEL_WARN;
    run_convs(&gate_duplicates, f, c, n);
    assert_int_equal(section(f, "duplicates")->n_checks, 1);
    assert_string_equal(section(f, "duplicates")->checks[0].id, "duplicates.near");
    free(c);
    fx_free(f);
}

/* ---- format -------------------------------------------------------------------------- */

static void test_gates__format_all_valid(void **state)
{
    struct fx *f = fx_new();
    size_t counts[3] = { 3, 1, 1 }, n;
    struct conv *c = split_convs(counts, &n);
    run_convs(&gate_format, f, c, n);
    struct check *k = check(f, "format.valid_json");
    assert_string_equal(k->name, "Valid JSON");
    assert_string_equal(k->value_text, "5/5 (100%)");
    assert_int_equal(k->status, STATUS_PASS);
    assert_string_equal(check(f, "format.schema")->value_text, "5/5 (100%)");
    assert_string_equal(check(f, "format.turn_order")->value_text, "5/5 (100%)");
    assert_string_equal(check(f, "format.non_empty")->value_text, "5/5 (100%)");
    assert_false(has_check(f, "format.tool_calls"));   /* not openai */
    assert_int_equal(check(f, "format.hygiene")->status, STATUS_PASS);
    assert_string_equal(check(f, "format.hygiene")->value_text, "3 files clean");
    assert_null(section(f, "format")->note);
    free(c);
    fx_free(f);
}

static void test_gates__format_json_errors(void **state)
{
    static const enum example_error kinds[] = {
        EX_INVALID_JSON, EX_INVALID_UTF8, EX_NUL_BYTE, EX_LINE_TOO_LONG, EX_TOO_DEEP,
    };
    enum { NK = sizeof(kinds) / sizeof(kinds[0]) };
    struct fx *f = fx_new();
    struct conv c[NK + 1] = { 0 };
    for (size_t i = 0; i < NK; i++) {
        conv_init(&c[i], 0, i + 1, 0);
        c[i].ex.parsed = false;
        example_add_issue(&c[i].ex, kinds[i], i + 1, "broken here");
    }
    conv_init(&c[NK], 0, NK + 1, 2);
    c[NK].t[0] = T(ROLE_USER, "q");
    c[NK].t[1] = T(ROLE_ASSISTANT, "a");
    run_convs(&gate_format, f, c, NK + 1);
    struct check *k = check(f, "format.valid_json");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_true(k->blocking);
    assert_string_equal(k->value_text, "1/6 (16.7%)");
    assert_int_equal(k->n_findings, NK);
    for (size_t i = 0; i < NK; i++) {
        assert_string_equal(k->findings[i].kind, example_error_name(kinds[i]));
        assert_string_equal(k->findings[i].path, "data/splits/train.jsonl");
        assert_int_equal(k->findings[i].line, i + 1);
        assert_string_equal(k->findings[i].message, "broken here");
    }
    assert_string_equal(k->remediation, "Fix 5 records that are not valid JSON "
                                        "(first: data/splits/train.jsonl:1: broken here)");
    /* the other checks judge only what they can */
    assert_string_equal(check(f, "format.schema")->value_text, "1/1 (100%)");
    assert_string_equal(check(f, "format.turn_order")->value_text, "1/1 (100%)");
    fx_free(f);
}

static void test_gates__format_schema_errors(void **state)
{
    static const enum example_error kinds[] = {
        EX_DATA_TYPE, EX_MISSING_MESSAGES_LIST, EX_MESSAGE_MISSING_KEY, EX_MESSAGE_UNRECOGNIZED_KEY,
        EX_UNRECOGNIZED_ROLE, EX_MISSING_CONTENT, EX_MISSING_FIELD,
    };
    enum { NK = sizeof(kinds) / sizeof(kinds[0]) };
    struct fx *f = fx_new();
    struct conv c[NK] = { 0 };
    for (size_t i = 0; i < NK; i++) {
        conv_init(&c[i], 1, 10 + i, 2);
        c[i].t[0] = T(ROLE_USER, "q");
        c[i].t[1] = T(ROLE_ASSISTANT, "a");
        c[i].ex.parsed = kinds[i] != EX_DATA_TYPE;
        example_add_issue(&c[i].ex, kinds[i], 10 + i, example_error_name(kinds[i]));
    }
    /* two kinds in one record: it counts once, with its first issue */
    example_add_issue(&c[2].ex, EX_MISSING_CONTENT, 12, "second problem");
    run_convs(&gate_format, f, c, NK);
    struct check *k = check(f, "format.schema");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_string_equal(k->value_text, "0/7 (0%)");
    assert_int_equal(k->n_findings, NK);
    for (size_t i = 0; i < NK; i++) {
        assert_string_equal(k->findings[i].kind, example_error_name(kinds[i]));
        assert_string_equal(k->findings[i].path, "data/splits/val.jsonl");
    }
    assert_string_equal(check(f, "format.valid_json")->value_text, "7/7 (100%)");
    /* a missing messages list is not judged for turn order again */
    assert_string_equal(check(f, "format.turn_order")->value_text, "6/6 (100%)");
    fx_free(f);
}

static void test_gates__format_sharegpt_turn_order(void **state)
{
    struct fx *f = fx_new();
    struct conv c[7] = { 0 };
    conv_init(&c[0], 0, 1, 3);   /* system first, allowed */
    c[0].t[0] = T(ROLE_SYSTEM, "be brief");
    c[0].t[1] = T(ROLE_USER, "q");
    c[0].t[2] = T(ROLE_ASSISTANT, "a");
    conv_init(&c[1], 0, 2, 2);   /* gpt first */
    c[1].t[0] = T(ROLE_ASSISTANT, "a");
    c[1].t[1] = T(ROLE_USER, "q");
    conv_init(&c[2], 0, 3, 1);   /* one message */
    c[2].t[0] = T(ROLE_USER, "q");
    conv_init(&c[3], 0, 4, 2);   /* system + human: no gpt turn */
    c[3].t[0] = T(ROLE_SYSTEM, "s");
    c[3].t[1] = T(ROLE_USER, "q");
    conv_init(&c[4], 0, 5, 4);   /* human gpt gpt human */
    c[4].t[0] = T(ROLE_USER, "q");
    c[4].t[1] = T(ROLE_ASSISTANT, "a");
    c[4].t[2] = T(ROLE_ASSISTANT, "a2");
    c[4].t[3] = T(ROLE_USER, "q2");
    conv_init(&c[5], 0, 6, 3);   /* a second system message is out of order */
    c[5].t[0] = T(ROLE_SYSTEM, "s");
    c[5].t[1] = T(ROLE_SYSTEM, "s");
    c[5].t[2] = T(ROLE_USER, "q");
    conv_init(&c[6], 0, 7, 2);   /* a role without a name */
    c[6].t[0] = T(ROLE_USER, "q");
    c[6].t[1] = T(ROLE_NONE, "a");
    run_convs(&gate_format, f, c, 7);
    struct check *k = check(f, "format.turn_order");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_string_equal(k->value_text, "1/7 (14.3%)");
    assert_int_equal(k->n_findings, 6);
    assert_string_equal(k->findings[0].message, "conversations[0] is from 'gpt', expected 'human'");
    assert_string_equal(k->findings[0].kind, "turn_order");
    assert_int_equal(k->findings[0].line, 2);
    assert_string_equal(k->findings[1].message,
                        "conversation has 1 message, needs at least a human and a gpt turn");
    assert_string_equal(k->findings[2].message,
                        "conversation has 2 messages, needs at least a human and a gpt turn");
    assert_string_equal(k->findings[3].message, "conversations[2] is from 'gpt', expected 'human'");
    assert_string_equal(k->findings[4].message, "conversations[1] is from 'system', expected 'human'");
    assert_string_equal(k->findings[5].message, "conversations[1] is from no role, expected 'gpt'");
    assert_contains(k->remediation, "Fix 6 conversations whose turns are out of order "
                                    "(first: data/splits/train.jsonl:2: ");
    fx_free(f);

    /* allow_system: false makes a first system message a turn order error */
    f = fx_new();
    f->spec.gates.format.allow_system = false;
    run_convs(&gate_format, f, c, 1);
    k = check(f, "format.turn_order");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_string_equal(k->findings[0].message,
                        "conversations[0] is from 'system', expected 'human' "
                        "(a first system message needs gates.format.allow_system)");
    fx_free(f);
}

static void test_gates__format_openai(void **state)
{
    struct fx *f = fx_new();
    f->spec.dataset.format = FORMAT_OPENAI;
    for (int i = 0; i < 3; i++)
        f->files[i].format = FORMAT_OPENAI;
    struct tool_call call = { "get_weather", 11, "{}", 2 };
    struct conv c[5] = { 0 };
    for (int i = 0; i < 5; i++) {
        conv_init(&c[i], 0, (size_t)i + 1, 0);
        c[i].ex.format = FORMAT_OPENAI;
    }
    c[0].ex.n_turns = 3;   /* fine: system, user, assistant */
    c[0].t[0] = T(ROLE_SYSTEM, "s");
    c[0].t[1] = T(ROLE_USER, "q");
    c[0].t[2] = T(ROLE_ASSISTANT, "a");
    c[1].ex.n_turns = 2;   /* no assistant */
    c[1].t[0] = T(ROLE_SYSTEM, "s");
    c[1].t[1] = T(ROLE_USER, "q");
    c[2].ex.n_turns = 4;   /* assistant with tool calls and empty content: fine */
    c[2].t[0] = T(ROLE_USER, "weather?");
    c[2].t[1] = T(ROLE_ASSISTANT, "");
    c[2].t[1].tool_calls = &call;
    c[2].t[1].n_tool_calls = 1;
    c[2].t[2] = T(ROLE_TOOL, "{\"t\": 20}");
    c[2].t[3] = T(ROLE_ASSISTANT, "20 degrees");
    c[3].ex.n_turns = 2;   /* assistant first is fine in OpenAI chat; empty user is not */
    c[3].t[0] = T(ROLE_ASSISTANT, "hello");
    c[3].t[1] = T(ROLE_USER, " \n\t");
    c[4].ex.n_turns = 2;   /* a tool call problem from the reader */
    c[4].t[0] = T(ROLE_USER, "q");
    c[4].t[1] = T(ROLE_ASSISTANT, "");
    c[4].t[1].tool_calls = &call;
    c[4].t[1].n_tool_calls = 1;
    example_add_issue(&c[4].ex, EX_TOOL_UNDECLARED, 5, "calls 'get_weather', which tools does not declare");
    run_convs(&gate_format, f, c, 5);

    struct check *k = check(f, "format.turn_order");
    assert_string_equal(k->value_text, "4/5 (80%)");
    assert_int_equal(k->n_findings, 1);
    assert_string_equal(k->findings[0].kind, "example_missing_assistant_message");
    assert_string_equal(k->findings[0].message, "no assistant message");
    k = check(f, "format.non_empty");
    assert_int_equal(k->n_findings, 1);
    assert_int_equal(k->findings[0].line, 4);
    assert_string_equal(k->findings[0].message, "messages[1] ('human') is empty or whitespace only");
    k = check(f, "format.tool_calls");
    assert_string_equal(k->name, "Tool calls");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_int_equal(k->n_findings, 1);
    assert_string_equal(k->findings[0].kind, "tool_undeclared");
    assert_contains(k->remediation, "Fix the tool calls of 1 record (first: data/splits/train.jsonl:5: ");
    fx_free(f);
}

static void test_gates__format_empty_messages(void **state)
{
    struct fx *f = fx_new();
    f->spec.gates.format.level = LEVEL_WARN;
    static const char *const texts[] = {
        " a ", "", "   ", "\xc2\xa0", "\xe3\x80\x80\t", "\x1c", "\xe2\x80\x8b",  /* ZWSP is not space */
    };
    static const bool empty[] = { false, true, true, true, true, true, false };
    enum { N = sizeof(texts) / sizeof(texts[0]) };
    struct conv c[N] = { 0 };
    for (size_t i = 0; i < N; i++) {
        conv_init(&c[i], 0, i + 1, 2);
        c[i].t[0] = T(ROLE_USER, "q");
        c[i].t[1] = T(ROLE_ASSISTANT, texts[i]);
    }
    run_convs(&gate_format, f, c, N);
    struct check *k = check(f, "format.non_empty");
    assert_int_equal(k->status, STATUS_WARN);   /* level warn */
    assert_false(k->blocking);
    size_t j = 0;
    for (size_t i = 0; i < N; i++)
        if (empty[i]) {
            assert_true(j < k->n_findings);
            assert_int_equal(k->findings[j].line, i + 1);
            assert_string_equal(k->findings[j].kind, "empty_message");
            j++;
        }
    assert_int_equal(j, k->n_findings);
    assert_string_equal(k->findings[0].message, "conversations[1] ('gpt') is empty or whitespace only");
    fx_free(f);
}

static void test_gates__format_alpaca(void **state)
{
    struct fx *f = fx_new();
    f->spec.dataset.format = FORMAT_ALPACA;
    struct conv c[2] = { 0 };
    conv_init(&c[0], 0, 1, 2);
    c[0].ex.format = FORMAT_ALPACA;
    c[0].t[0] = T(ROLE_USER, "Summarize");
    c[0].t[1] = T(ROLE_ASSISTANT, " ");
    conv_init(&c[1], 0, 2, 2);
    c[1].ex.format = FORMAT_ALPACA;
    c[1].t[0] = T(ROLE_USER, NULL);
    c[1].t[1] = T(ROLE_ASSISTANT, "x");
    example_add_issue(&c[1].ex, EX_MISSING_FIELD, 2, "'instruction' is missing");
    run_convs(&gate_format, f, c, 2);
    struct check *k = check(f, "format.non_empty");
    assert_int_equal(k->n_findings, 1);
    assert_string_equal(k->findings[0].message, "output is empty or whitespace only");
    assert_int_equal(check(f, "format.turn_order")->status, STATUS_PASS);
    assert_string_equal(check(f, "format.schema")->findings[0].message, "'instruction' is missing");
    fx_free(f);
}

static void test_gates__format_file_problems(void **state)
{
    struct fx *f = fx_new();
    f->files[0].bom = true;
    f->files[0].crlf_lines = 3;
    f->files[0].first_crlf_line = 2;
    f->files[2].blank_lines = 1;
    f->files[2].first_blank_line = 9;
    f->files[2].no_final_newline = true;
    run_convs(&gate_format, f, NULL, 0);
    struct check *k = check(f, "format.hygiene");
    assert_int_equal(k->status, STATUS_WARN);
    assert_false(k->blocking);
    assert_string_equal(k->value_text, "2 of 3 files to clean up");
    assert_int_equal(k->n_findings, 4);
    assert_string_equal(k->findings[1].message, "3 lines end with CRLF");
    assert_int_equal(k->findings[1].line, 2);
    assert_string_equal(k->findings[2].path, "data/splits/test.jsonl");
    assert_int_equal(k->findings[2].line, 9);
    assert_string_equal(k->remediation, "Clean up 2 files (first: data/splits/train.jsonl): remove "
                                        "the UTF-8 BOM, use LF line ends, drop blank lines, "
                                        "end with a newline");
    assert_int_equal(check(f, "format.valid_json")->status, STATUS_PASS);
    assert_string_equal(check(f, "format.valid_json")->value_text, "0/0");
    fx_free(f);

    f = fx_new();
    f->files[1].read_error = S("expected ',' or ']' in the array");
    f->files[1].read_error_line = 7;
    f->files[2].lfs_pointer = true;
    run_convs(&gate_format, f, NULL, 0);
    k = check(f, "format.valid_json");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_true(k->blocking);
    assert_int_equal(k->n_findings, 2);
    assert_string_equal(k->findings[0].path, "data/splits/val.jsonl");
    assert_int_equal(k->findings[0].line, 7);
    assert_string_equal(k->findings[1].message, "LFS pointer, object not in the local LFS store: run `git lfs pull` (or `git lfs fetch origin REV`)");
    assert_string_equal(k->remediation, "Fix data/splits/val.jsonl:7: expected ',' or ']' in the array");
    fx_free(f);
}

static void test_gates__format_auto_note(void **state)
{
    struct fx *f = fx_new();
    f->spec.dataset.format = FORMAT_AUTO;
    f->files[1].format = FORMAT_OPENAI;
    run_convs(&gate_format, f, NULL, 0);
    assert_string_equal(section(f, "format")->note,
                        "format: sharegpt (auto-detected: data/splits/train.jsonl, "
                        "data/splits/test.jsonl); openai (auto-detected: data/splits/val.jsonl)");
    assert_true(has_check(f, "format.tool_calls"));
    fx_free(f);
}

static void test_gates__format_findings_are_capped(void **state)
{
    struct fx *f = fx_new();
    enum { N = RESULT_DEFAULT_MAX_FINDINGS + 50 };
    struct conv *c = xcalloc(N, sizeof(*c));
    for (size_t i = 0; i < N; i++) {
        conv_init(&c[i], 0, i + 1, 0);
        c[i].ex.parsed = false;
        example_add_issue(&c[i].ex, EX_INVALID_JSON, i + 1, "bad");
    }
    run_convs(&gate_format, f, c, N);
    struct check *k = check(f, "format.valid_json");
    assert_int_equal(k->n_findings, RESULT_MAX_FINDINGS);
    assert_int_equal(k->findings_total, N);
    free(c);
    fx_free(f);
}

/* A run that writes json or sarif keeps every finding (cmd/check.c lifts the cap). */
static void test_gates__format_findings_uncapped_for_json(void **state)
{
    struct fx *f = fx_new();
    enum { N = RESULT_DEFAULT_MAX_FINDINGS + 50 };
    struct conv *c = xcalloc(N, sizeof(*c));
    result_set_max_findings(SIZE_MAX);
    for (size_t i = 0; i < N; i++) {
        conv_init(&c[i], 0, i + 1, 0);
        c[i].ex.parsed = false;
        example_add_issue(&c[i].ex, EX_INVALID_JSON, i + 1, "bad");
    }
    run_convs(&gate_format, f, c, N);
    struct check *k = check(f, "format.valid_json");
    assert_int_equal(k->n_findings, N);
    assert_int_equal(k->findings_total, N);
    assert_int_equal(k->findings[N - 1].line, N);
    result_set_max_findings(RESULT_DEFAULT_MAX_FINDINGS);
    free(c);
    fx_free(f);
}

/* ---- extract / replay -------------------------------------------------------------------- */

/* Records with every kind of format failure: reader issues with their details (below the
 * record's first line, with columns) and without (the kind alone), in JSONL and in a JSON
 * array file, and the verdicts judged here from the turns. */
static void replay_records(struct conv *c)
{
    conv_init(&c[0], 0, 5, 0);   /* broken JSON in an array file, two lines into the record */
    c[0].ex.parsed = false;
    c[0].ex.column = 2;
    c[0].ex.char_column = 2;
    c[0].ex.ordinal = 1;
    example_add_issue(&c[0].ex, EX_INVALID_JSON, 7, "invalid JSON at line 7, column 12: premature EOF");
    c[0].ex.issues[0].column = 12;
    c[0].ex.issues[0].char_column = 10;

    conv_init(&c[1], 0, 9, 2);   /* a record of a JSON array file: two humans in a row */
    c[1].ex.column = 3;
    c[1].ex.char_column = 3;
    c[1].ex.ordinal = 2;
    c[1].t[0] = T(ROLE_USER, "hi");
    c[1].t[1] = T(ROLE_USER, "again");
    example_add_issue(&c[1].ex, EX_MISSING_CONTENT, 9, "conversations[1].value is missing");

    conv_init(&c[2], 1, 12, 2);  /* an empty reply, and a role the issue list had no room for */
    c[2].ex.column = 5;
    c[2].ex.char_column = 4;
    c[2].ex.ordinal = 3;
    c[2].t[0] = T(ROLE_USER, "q");
    c[2].t[1] = T(ROLE_ASSISTANT, " \t");
    c[2].ex.errors |= 1u << EX_UNRECOGNIZED_ROLE;

    conv_init(&c[3], 2, 20, 3);  /* OpenAI: ends on the user, calls an undeclared tool */
    c[3].ex.format = FORMAT_OPENAI;
    c[3].t[0] = T(ROLE_USER, "q");
    c[3].t[1] = T(ROLE_ASSISTANT, "a");
    c[3].t[2] = T(ROLE_USER, "and?");
    example_add_issue(&c[3].ex, EX_TOOL_UNDECLARED, 22, "calls 'lookup', not in tools");
    c[3].ex.issues[0].column = 4;
    c[3].ex.issues[0].char_column = 4;

    conv_init(&c[4], 2, 25, 2);  /* clean */
    c[4].t[0] = T(ROLE_USER, "q");
    c[4].t[1] = T(ROLE_ASSISTANT, "a");
}

/* s with the first "<before>LINE" made "<before>LINE+shift" (malloc'd); NULL when s has
 * none. The remediation names the first finding's place, a reader's message its line. */
static char *shift_line(const char *s, const char *before, size_t line, size_t shift)
{
    char *from = xasprintf("%s%zu", before, line), *to = xasprintf("%s%zu", before, line + shift);
    const char *at = strstr(s, from);
    char *out = at ? xasprintf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from)) : NULL;
    free(from);
    free(to);
    return out;
}

/*
 * The bytes of extract() are cached per chunk and replayed wherever the chunk lands in
 * a later version of the file: replayed with the record 100 lines further down, every
 * finding moves by exactly 100 lines, and so does the line a reader's message names;
 * nothing else changes.
 */
static void test_gates__format_replay_moves_only_lines(void **state)
{
    enum { N = 5, SHIFT = 100 };
    struct fx *a = fx_new(), *b = fx_new();
    a->spec.gates.format.ends_with_reply = b->spec.gates.format.ends_with_reply = true;
    struct conv c[N] = { 0 };
    replay_records(c);
    void *sa = gate_format.begin(&a->ctx), *sb = gate_format.begin(&b->ctx);
    struct buf bytes = BUF_INIT;
    for (size_t i = 0; i < N; i++) {
        buf_reset(&bytes);
        gate_format.extract(sa, &c[i].ex, &bytes);
        struct example at = example_at(&c[i].ex);
        gate_format.replay(sa, &at, bytes.ptr, bytes.len);
        at.line += SHIFT;
        gate_format.replay(sb, &at, bytes.ptr, bytes.len);
    }
    buf_release(&bytes);
    assert_int_equal(gate_format.finish(sa, &a->ctx), 0);
    assert_int_equal(gate_format.finish(sb, &b->ctx), 0);
    gate_format.free(sa);
    gate_format.free(sb);

    struct section *x = section(a, "format"), *y = section(b, "format");
    assert_int_equal(x->n_checks, y->n_checks);
    size_t compared = 0, failing = 0;
    for (size_t i = 0; i < x->n_checks; i++) {
        const struct check *p = &x->checks[i], *q = &y->checks[i];
        assert_string_equal(p->id, q->id);
        assert_int_equal(p->status, q->status);
        assert_string_equal(p->value_text, q->value_text);
        assert_int_equal(p->findings_total, q->findings_total);
        assert_int_equal(p->n_findings, q->n_findings);
        for (size_t k = 0; k < p->n_findings; k++) {
            const struct finding *u = &p->findings[k], *v = &q->findings[k];
            assert_true(u->line > 0);
            assert_int_equal(v->line, u->line + SHIFT);
            assert_string_equal(u->path, v->path);
            assert_string_equal(u->kind, v->kind);
            char *moved = shift_line(u->message, " at line ", u->line, SHIFT);
            assert_string_equal(moved ? moved : u->message, v->message);
            free(moved);
            assert_int_equal(u->column, v->column);
            assert_int_equal(u->char_column, v->char_column);
            assert_int_equal(u->has_record, v->has_record);
            assert_int_equal(u->record, v->record);
            compared++;
        }
        if (p->status == STATUS_FAIL && p->n_findings) {
            char path[256];
            snprintf(path, sizeof(path), "%s:", p->findings[0].path);
            char *want = shift_line(p->remediation, path, p->findings[0].line, SHIFT);
            assert_non_null(want);
            char *want2 = shift_line(want, " at line ", p->findings[0].line, SHIFT);
            assert_string_equal(q->remediation, want2 ? want2 : want);
            free(want);
            free(want2);
            failing++;
        } else {
            assert_int_equal(p->remediation == NULL, q->remediation == NULL);
            if (p->remediation)
                assert_string_equal(p->remediation, q->remediation);
        }
    }
    /* every check failed once: JSON, schema (twice), turns (twice), empty, tools */
    assert_int_equal(failing, 5);
    assert_int_equal(compared, 7);
    /* the details survived: the issue's line below the record and its columns */
    struct check *json = check(b, "format.valid_json");
    assert_int_equal(json->findings[0].line, 7 + SHIFT);
    assert_int_equal(json->findings[0].column, 12);
    assert_int_equal(json->findings[0].char_column, 10);
    assert_string_equal(json->findings[0].message, "invalid JSON at line 107, column 12: premature EOF");
    assert_string_equal(check(a, "format.valid_json")->findings[0].message,
                        "invalid JSON at line 7, column 12: premature EOF");
    assert_int_equal(json->findings[0].record, 1);
    struct check *schema = check(b, "format.schema");
    assert_int_equal(schema->findings[0].column, 3);   /* the record's own place */
    assert_true(schema->findings[0].has_record);
    assert_int_equal(schema->findings[0].record, 2);
    assert_string_equal(schema->findings[1].kind, "unrecognized_role");
    fx_free(a);
    fx_free(b);
}

/* An example moved elsewhere (another line, index, file, split) gives the same bytes:
 * they are cached by content, not by place. */
static void test_gates__extract_ignores_the_place(void **state)
{
    struct fx *f = fx_new();
    f->spec.gates.format.ends_with_reply = true;
    coverage_fx(f);
    struct conv c[5] = { 0 };
    replay_records(c);
    c[4].t[0] = T(ROLE_USER, "please create it");
    const struct gate *gates[] = { &gate_format, &gate_coverage };
    for (size_t g = 0; g < 2; g++) {
        void *st = gates[g]->begin(&f->ctx);
        for (size_t i = 0; i < 5; i++) {
            struct buf here = BUF_INIT, there = BUF_INIT;
            gates[g]->extract(st, &c[i].ex, &here);
            struct example moved = c[i].ex;
            moved.line += 100;
            moved.ordinal += 7;
            moved.file_index = (moved.file_index + 1) % 3;
            moved.split = (moved.split + 1) % 3;
            moved.path = "elsewhere.jsonl";
            char *messages[EXAMPLE_MAX_ISSUES] = { 0 };
            for (size_t k = 0; k < moved.n_issues; k++) {   /* issue lines are the file's */
                messages[k] = shift_line(moved.issues[k].message, " at line ", moved.issues[k].line, 100);
                if (messages[k])
                    moved.issues[k].message = messages[k];
                moved.issues[k].line += 100;
            }
            gates[g]->extract(st, &moved, &there);
            for (size_t k = 0; k < moved.n_issues; k++)
                free(messages[k]);
            assert_true(here.len > 0 || !c[i].ex.parsed || gates[g] == &gate_format);
            assert_int_equal(here.len, there.len);
            assert_memory_equal(here.ptr ? here.ptr : "", there.ptr ? there.ptr : "", here.len);
            buf_release(&here);
            buf_release(&there);
        }
        gates[g]->free(st);
    }
    fx_free(f);
}

/* Damaged bytes (any prefix of good ones, or noise) never read out of bounds, and
 * finish() says the summary is damaged instead of writing a wrong report. */
static void test_gates__replay_survives_damaged_bytes(void **state)
{
    struct fx *f = fx_new();
    f->spec.gates.format.ends_with_reply = true;
    coverage_fx(f);
    struct conv c[5] = { 0 };
    replay_records(c);
    const struct gate *gates[] = { &gate_format, &gate_coverage };
    static const unsigned char noise[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 9 };
    for (size_t g = 0; g < 2; g++) {
        void *st = gates[g]->begin(&f->ctx);
        for (size_t i = 0; i < 5; i++) {
            struct buf bytes = BUF_INIT;
            gates[g]->extract(st, &c[i].ex, &bytes);
            struct example at = example_at(&c[i].ex);
            for (size_t n = 0; n < bytes.len; n++) {
                unsigned char *cut = xmalloc(n ? n : 1);   /* exact size: ASan sees an overread */
                memcpy(cut, bytes.ptr, n);
                gates[g]->replay(st, &at, cut, n);
                free(cut);
            }
            gates[g]->replay(st, &at, noise, sizeof(noise));
            buf_release(&bytes);
        }
        assert_int_equal(gates[g]->finish(st, &f->ctx), DSCI_EINTERNAL);
        assert_contains(err_last(), "damaged");
        gates[g]->free(st);
    }
    fx_free(f);
}

/* ---- reproducibility ----------------------------------------------------------------- */

struct tmpdir {
    char path[64];
};

static void tmp_write(const struct tmpdir *d, const char *rel, const char *text)
{
    char *full = xasprintf("%s/%s", d->path, rel);
    /* make the parent folders */
    for (char *p = full + strlen(d->path) + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        mkdir(full, 0700);
        *p = '/';
    }
    FILE *fp = fopen(full, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    free(full);
}

static int tmp_read(void *source, const char *path, char **out, size_t *len)
{
    const struct tmpdir *d = source;
    char *full = xasprintf("%s/%s", d->path, path);
    FILE *fp = fopen(full, "rb");
    free(full);
    if (!fp)
        return err_set(DSCI_EUSAGE, "%s: no such file", path);
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        buf_add(&b, chunk, n);
    fclose(fp);
    if (!b.ptr) {
        *out = xstrdup("");
        *len = 0;
        return 0;
    }
    *out = buf_detach(&b, len);
    return 0;
}

static void hex_of(char out[65], const char *text)
{
    struct sha256 h;
    unsigned char d[32];
    sha256_init(&h);
    sha256_update(&h, text, strlen(text));
    sha256_final(&h, d);
    sha256_hex(out, d);
}

static const char *const data_texts[3] = {
    "{\"conversations\": []}\n", "{\"conversations\": [1]}\n", "{\"conversations\": [2]}\n",
};

static void tmp_cleanup(const struct tmpdir *d)
{
    const char *files[] = { "data/splits/train.jsonl", "data/splits/val.jsonl", "data/splits/test.jsonl",
                            "data/hf_dataset/version.json", "data/hf_dataset/README.md" };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *full = xasprintf("%s/%s", d->path, files[i]);
        unlink(full);
        free(full);
    }
    const char *dirs[] = { "data/splits", "data/hf_dataset", "data" };
    for (size_t i = 0; i < 3; i++) {
        char *full = xasprintf("%s/%s", d->path, dirs[i]);
        rmdir(full);
        free(full);
    }
    rmdir(d->path);
}

/* A dataset in a temp dir with a version file listing `listed` splits; train's recorded
 * checksum is `train_sum` (NULL: the right one). */
static struct fx *repro_fx(struct tmpdir *d, size_t listed, const char *train_sum, const char *extra)
{
    snprintf(d->path, sizeof(d->path), "/tmp/dsci-test-gates-XXXXXX");
    assert_non_null(mkdtemp(d->path));
    struct buf v = BUF_INIT;
    buf_addstr(&v, "{\n  \"version\": \"1.2.0\",\n  \"previous\": \"1.1.0\",\n  \"splits\": {\n");
    for (size_t i = 0; i < 3; i++) {
        tmp_write(d, file_paths[i], data_texts[i]);
        if (i >= listed)
            continue;
        char hex[65], sum[80];
        hex_of(hex, data_texts[i]);
        snprintf(sum, sizeof(sum), "sha256:%s", hex);
        buf_printf(&v, "%s    \"%s\": {\"path\": \"%s\", \"examples\": 1, \"checksum\": \"%s\"}",
                   i ? ",\n" : "", split_names[i], file_paths[i],
                   i == 0 && train_sum ? train_sum : sum);
    }
    buf_printf(&v, "\n  },\n  \"generation_config\": {\"random_seed\": 20250101, "
                   "\"model\": \"gpt-4o-mini\"%s}\n}\n", extra ? extra : "");
    tmp_write(d, "data/hf_dataset/version.json", v.ptr);
    buf_release(&v);
    tmp_write(d, "data/hf_dataset/README.md", "# card\n");

    struct fx *f = fx_new();
    f->spec.dataset.version_file = S("data/hf_dataset/version.json");
    f->spec.dataset.card = S("data/hf_dataset/README.md");
    f->spec.gates.reproducibility.require =
        REPRO_VERSION | REPRO_CHECKSUMS | REPRO_RANDOM_SEED | REPRO_MODEL | REPRO_CARD;
    f->ctx.read_file = tmp_read;
    f->ctx.source = d;
    return f;
}

static void test_gates__repro_all_pass(void **state)
{
    struct tmpdir d;
    struct fx *f = repro_fx(&d, 3, NULL, NULL);
    /* the run hashed train itself: that digest is used, not the file */
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, data_texts[0], strlen(data_texts[0]));
    sha256_final(&h, f->files[0].sha256);
    f->files[0].sha256_valid = true;
    run_convs(&gate_reproducibility, f, NULL, 0);
    struct section *s = section(f, "reproducibility");
    assert_non_null(s);
    assert_string_equal(s->title, "REPRODUCIBILITY");
    assert_int_equal(s->n_checks, 5);
    for (size_t i = 0; i < s->n_checks; i++)
        if (s->checks[i].status != STATUS_PASS)
            fail_msg("%s: %s", s->checks[i].id, s->checks[i].value_text);
    assert_string_equal(check(f, "reproducibility.version")->value_text,
                        "1.2.0 (data/hf_dataset/version.json)");
    assert_string_equal(check(f, "reproducibility.version")->name, "Version file");
    assert_string_equal(check(f, "reproducibility.checksums")->value_text, "3/3 match");
    assert_string_equal(check(f, "reproducibility.random_seed")->value_text, "20250101");
    assert_string_equal(check(f, "reproducibility.model")->value_text, "gpt-4o-mini");
    assert_string_equal(check(f, "reproducibility.card")->value_text, "data/hf_dataset/README.md");
    assert_string_equal(f->result.version, "1.2.0");
    fx_free(f);
    tmp_cleanup(&d);
}

static void test_gates__repro_checksum_mismatch(void **state)
{
    struct tmpdir d;
    struct fx *f = repro_fx(&d, 3, "sha256:9c1b000000000000000000000000000000000000000000000000000000000000",
                            NULL);
    run_convs(&gate_reproducibility, f, NULL, 0);
    struct check *k = check(f, "reproducibility.checksums");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_true(k->blocking);
    assert_string_equal(k->value_text, "2/3 match");
    assert_int_equal(k->n_findings, 1);
    char hex[65];
    hex_of(hex, data_texts[0]);
    char *want = xasprintf("sha256 is %.8s\xe2\x80\xa6 but the version file says "
                           "9c1b0000\xe2\x80\xa6; run `dsci bump`", hex);
    assert_string_equal(k->findings[0].message, want);
    assert_string_equal(k->findings[0].path, "data/splits/train.jsonl");
    char *want_fix = xasprintf("data/splits/train.jsonl: %s", want);
    assert_string_equal(k->remediation, want_fix);
    free(want_fix);
    free(want);
    fx_free(f);
    tmp_cleanup(&d);
}

static void test_gates__repro_unlisted_split_and_bad_checksum(void **state)
{
    struct tmpdir d;
    struct fx *f = repro_fx(&d, 2, "md5:abc", NULL);
    f->spec.gates.reproducibility.level = LEVEL_WARN;
    run_convs(&gate_reproducibility, f, NULL, 0);
    struct check *k = check(f, "reproducibility.checksums");
    assert_int_equal(k->status, STATUS_WARN);
    assert_string_equal(k->value_text, "1/2 match");
    assert_int_equal(k->n_findings, 2);
    assert_string_equal(k->findings[0].kind, "invalid_checksum");
    assert_string_equal(k->findings[1].kind, "unlisted_split");
    assert_string_equal(k->findings[1].message, "split 'test' is not in the version file; run `dsci bump`");
    assert_string_equal(k->findings[1].path, "data/splits/test.jsonl");
    assert_string_equal(k->remediation, "data/hf_dataset/version.json: split 'train': checksum 'md5:abc' is "
                                        "not sha256:<64 hex digits> (and more: see the findings)");
    fx_free(f);
    tmp_cleanup(&d);
}

static void test_gates__repro_missing_version_file(void **state)
{
    struct tmpdir d;
    struct fx *f = repro_fx(&d, 3, NULL, NULL);
    f->spec.dataset.version_file = S("data/hf_dataset/nope.json");
    f->spec.dataset.card = S("data/hf_dataset/NOPE.md");
    run_convs(&gate_reproducibility, f, NULL, 0);
    struct check *k = check(f, "reproducibility.version");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_string_equal(k->remediation, "Run `dsci bump` to write data/hf_dataset/nope.json");
    assert_int_equal(check(f, "reproducibility.checksums")->status, STATUS_FAIL);
    assert_int_equal(check(f, "reproducibility.random_seed")->status, STATUS_FAIL);
    k = check(f, "reproducibility.card");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_string_equal(k->remediation, "Run `dsci card` to write data/hf_dataset/NOPE.md");
    assert_null(f->result.version);
    assert_string_equal(err_last(), "");   /* the gate handled the read failure */
    fx_free(f);
    tmp_cleanup(&d);
}

static void test_gates__repro_parse_error_names_line(void **state)
{
    struct tmpdir d;
    struct fx *f = repro_fx(&d, 3, NULL, NULL);
    tmp_write(&d, "data/hf_dataset/version.json", "{\n  \"version\": \"1.0.0\",\n  \"splits\": {,}\n}\n");
    run_convs(&gate_reproducibility, f, NULL, 0);
    struct check *k = check(f, "reproducibility.version");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_int_equal(k->n_findings, 1);
    assert_int_equal(k->findings[0].line, 3);
    assert_contains(k->findings[0].message, "data/hf_dataset/version.json:3: invalid version file: ");
    assert_null(f->result.version);
    fx_free(f);
    tmp_cleanup(&d);
}

static void test_gates__repro_seed_model_missing(void **state)
{
    struct tmpdir d;
    struct fx *f = repro_fx(&d, 3, NULL, NULL);
    tmp_write(&d, "data/hf_dataset/version.json",
              "{\"version\": \"2.0\", \"generation_config\": {\"random_seed\": null, \"model\": \"\"}}");
    f->spec.gates.reproducibility.require = REPRO_VERSION | REPRO_RANDOM_SEED | REPRO_MODEL;
    run_convs(&gate_reproducibility, f, NULL, 0);
    assert_int_equal(section(f, "reproducibility")->n_checks, 3);
    struct check *k = check(f, "reproducibility.version");
    assert_int_equal(k->status, STATUS_FAIL);
    assert_string_equal(k->value_text, "'2.0' is not a semantic version (data/hf_dataset/version.json)");
    assert_int_equal(check(f, "reproducibility.random_seed")->status, STATUS_FAIL);
    assert_int_equal(check(f, "reproducibility.model")->status, STATUS_FAIL);
    assert_string_equal(f->result.version, "2.0");
    fx_free(f);
    tmp_cleanup(&d);
}

static void test_gates__repro_off_still_sets_version(void **state)
{
    struct tmpdir d;
    struct fx *f = repro_fx(&d, 3, NULL, NULL);
    f->spec.gates.reproducibility.level = LEVEL_OFF;
    run_convs(&gate_reproducibility, f, NULL, 0);
    assert_null(section(f, "reproducibility"));
    assert_string_equal(f->result.version, "1.2.0");
    fx_free(f);
    tmp_cleanup(&d);
}

static void test_gates__version_file_parse(void **state)
{
    static const char text[] =
        "{\"version\": \"1.0.0\", \"created\": \"2025-01-01T00:00:00Z\", \"extra\": [1, 2],\n"
        " \"splits\": {\"train\": {\"path\": \"a.jsonl\", \"examples\": 85, \"bytes\": 1024,\n"
        "                        \"checksum\": \"sha256:00\"},\n"
        "            \"test\": {}},\n"
        " \"generation_config\": {\"random_seed\": \"abc\", \"model\": {\"name\": \"x\"}}}";
    struct version_file *vf = NULL;
    assert_int_equal(version_file_parse(&vf, "v.json", text, strlen(text)), 0);
    assert_string_equal(vf->version, "1.0.0");
    assert_null(vf->previous);
    assert_string_equal(vf->created, "2025-01-01T00:00:00Z");
    assert_int_equal(vf->n_splits, 2);
    assert_string_equal(vf->splits[0].name, "train");
    assert_string_equal(vf->splits[0].path, "a.jsonl");
    assert_true(vf->splits[0].has_examples);
    assert_int_equal(vf->splits[0].examples, 85);
    assert_int_equal(vf->splits[0].bytes, 1024);
    assert_false(vf->splits[1].has_examples);
    assert_null(vf->splits[1].path);
    assert_true(vf->has_random_seed);
    assert_string_equal(vf->seed_text, "abc");
    assert_true(vf->has_model);
    assert_null(vf->model);
    version_file_free(vf);

    static const char bad_type[] = "{\"version\": \"1.0.0\",\n \"splits\": {\n  \"train\": {\"examples\": -1}}}";
    vf = NULL;
    assert_int_equal(version_file_parse(&vf, "v.json", bad_type, strlen(bad_type)), DSCI_EUSAGE);
    assert_null(vf);
    assert_string_equal(err_last(), "v.json:3: 'splits.train.examples' must be a non-negative integer");

    assert_int_equal(version_file_parse(&vf, "v.json", "[1]", 3), DSCI_EUSAGE);
    assert_string_equal(err_last(), "v.json:1: invalid version file: not a JSON object");
    assert_int_equal(version_file_parse(&vf, "v.json", "{\n\"a\": 1,\n", 10), DSCI_EUSAGE);
    assert_contains(err_last(), "v.json:");
    assert_int_equal(version_file_parse(&vf, "v.json", "{\"version\": 1}", 14), DSCI_EUSAGE);
    assert_string_equal(err_last(), "v.json:1: 'version' must be a string");
    err_clear();
}

static void test_gates__version_is_semver(void **state)
{
    static const char *const good[] = { "0.0.0", "1.2.3", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1",
                                        "1.0.0-0.3.7", "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85" };
    static const char *const bad[] = { "", "1", "1.2", "1.2.3.4", "01.2.3", "1.02.3", "v1.2.3",
                                       "1.2.3-", "1.2.3-01", "1.2.3+", "1.2.3-a..b", " 1.2.3" };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        if (!version_is_semver(good[i]))
            fail_msg("'%s' should be a semantic version", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (version_is_semver(bad[i]))
            fail_msg("'%s' should not be a semantic version", bad[i]);
    assert_false(version_is_semver(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gates__registry_order),
        cmocka_unit_test(test_gates__off_gates_are_disabled),
        cmocka_unit_test(test_gates__coverage_first_match_wins),
        cmocka_unit_test(test_gates__coverage_below_minimum),
        cmocka_unit_test(test_gates__coverage_ascii_case_folding),
        cmocka_unit_test(test_gates__coverage_non_ascii_lowercase),
        cmocka_unit_test(test_gates__coverage_by_field),
        cmocka_unit_test(test_gates__coverage_empty_keyword_matches_all),
        cmocka_unit_test(test_gates__coverage_keyword_at_every_offset),
        cmocka_unit_test(test_gates__coverage_matches_naive_search),
        cmocka_unit_test(test_gates__coverage_matches_naive_search_long_texts),
        cmocka_unit_test(test_gates__quality_length_band_edges),
        cmocka_unit_test(test_gates__quality_assistant_counts_code_points),
        cmocka_unit_test(test_gates__quality_fail_stays_fail_at_warn),
        cmocka_unit_test(test_gates__quality_means_over_turns),
        cmocka_unit_test(test_gates__quality_no_texts),
        cmocka_unit_test(test_gates__quality_unique_messages),
        cmocka_unit_test(test_gates__quality_unique_is_exact_bytes_any_role),
        cmocka_unit_test(test_gates__quality_unique_many_messages),
        cmocka_unit_test(test_gates__quality_most_repeated_messages),
        cmocka_unit_test(test_gates__quality_quote_read_again),
        cmocka_unit_test(test_gates__quality_damaged_bytes),
        cmocka_unit_test(test_gates__quality_replay_at_shifted_lines),
        cmocka_unit_test(test_gates__pii_replay_at_shifted_lines),
        cmocka_unit_test(test_gates__quality_turn_variance),
        cmocka_unit_test(test_gates__quality_findings_are_the_extremes),
        cmocka_unit_test(test_gates__splits_ratio_and_tolerance),
        cmocka_unit_test(test_gates__splits_report_lines),
        cmocka_unit_test(test_gates__splits_empty_split),
        cmocka_unit_test(test_gates__splits_overlap),
        cmocka_unit_test(test_gates__splits_overlap_many),
        cmocka_unit_test(test_gates__duplicates_exact),
        cmocka_unit_test(test_gates__duplicates_many),
        cmocka_unit_test(test_gates__duplicates_none_and_near_note),
        cmocka_unit_test(test_gates__format_all_valid),
        cmocka_unit_test(test_gates__format_json_errors),
        cmocka_unit_test(test_gates__format_schema_errors),
        cmocka_unit_test(test_gates__format_sharegpt_turn_order),
        cmocka_unit_test(test_gates__format_openai),
        cmocka_unit_test(test_gates__format_empty_messages),
        cmocka_unit_test(test_gates__format_alpaca),
        cmocka_unit_test(test_gates__format_file_problems),
        cmocka_unit_test(test_gates__format_auto_note),
        cmocka_unit_test(test_gates__format_findings_are_capped),
        cmocka_unit_test(test_gates__format_findings_uncapped_for_json),
        cmocka_unit_test(test_gates__format_replay_moves_only_lines),
        cmocka_unit_test(test_gates__extract_ignores_the_place),
        cmocka_unit_test(test_gates__replay_survives_damaged_bytes),
        cmocka_unit_test(test_gates__repro_all_pass),
        cmocka_unit_test(test_gates__repro_checksum_mismatch),
        cmocka_unit_test(test_gates__repro_unlisted_split_and_bad_checksum),
        cmocka_unit_test(test_gates__repro_missing_version_file),
        cmocka_unit_test(test_gates__repro_parse_error_names_line),
        cmocka_unit_test(test_gates__repro_seed_model_missing),
        cmocka_unit_test(test_gates__repro_off_still_sets_version),
        cmocka_unit_test(test_gates__version_file_parse),
        cmocka_unit_test(test_gates__version_is_semver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
