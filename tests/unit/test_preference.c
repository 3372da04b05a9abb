/*
 * The preference gate and its parts: the edit distance against a plain full-table
 * Levenshtein, the near threshold at its edges, contradiction matching, and the gate
 * driven by hand-built pairs (extract + replay as the engine does, then finish), with
 * the PII gate reading the rejected side.
 */
#include "test_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gates/gates.h"
#include "gates/pair_distance.h"
#include "gates/pair_order.h"
#include "spec/spec.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

/* ---- edit distance ------------------------------------------------------------------- */

static size_t full_levenshtein(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t *prev = xmalloc((nb + 1) * sizeof(*prev)), *cur = xmalloc((nb + 1) * sizeof(*cur));
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t v = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            cur[j] = v;
        }
        size_t *t = prev;
        prev = cur;
        cur = t;
    }
    size_t d = prev[nb];
    free(prev);
    free(cur);
    return d;
}

static size_t cps(uint32_t *out, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)s[i];
    return n;
}

static void test_preference__distance_known_values(void **state)
{
    (void)state;
    uint32_t a[32], b[32];
    size_t na = cps(a, "kitten"), nb = cps(b, "sitting");
    assert_int_equal(pair_edit_distance(a, na, b, nb, 100), 3);
    assert_int_equal(pair_edit_distance(a, na, b, nb, 3), 3);
    assert_int_equal(pair_edit_distance(a, na, b, nb, 2), 3);   /* over the limit: limit + 1 */
    assert_int_equal(pair_edit_distance(a, 0, b, nb, 100), 7);
    assert_int_equal(pair_edit_distance(a, na, a, na, 0), 0);
    nb = cps(b, "");
    assert_int_equal(pair_edit_distance(a, na, b, nb, 10), 6);
}

/* Random texts on a small alphabet (so they share a lot) against the full table, at
 * every limit around the true distance. */
static void test_preference__distance_matches_full_table(void **state)
{
    (void)state;
    unsigned seed = 12345;
    uint32_t a[64], b[64];
    for (int round = 0; round < 3000; round++) {
        size_t na = (size_t)(rand_r(&seed) % 40), nb = (size_t)(rand_r(&seed) % 40);
        unsigned alphabet = 2 + (unsigned)(rand_r(&seed) % 4);
        for (size_t i = 0; i < na; i++)
            a[i] = 'a' + (unsigned)rand_r(&seed) % alphabet;
        /* b: often an edited copy of a, sometimes random */
        if (rand_r(&seed) % 2 && na) {
            nb = 0;
            for (size_t i = 0; i < na && nb < 60; i++) {
                int op = rand_r(&seed) % 10;
                if (op == 0)
                    continue;   /* delete */
                if (op == 1)
                    b[nb++] = 'a' + (unsigned)rand_r(&seed) % alphabet;   /* insert */
                b[nb++] = op == 2 ? 'z' : a[i];
            }
        } else {
            for (size_t i = 0; i < nb; i++)
                b[i] = 'a' + (unsigned)rand_r(&seed) % alphabet;
        }
        size_t want = full_levenshtein(a, na, b, nb);
        for (size_t limit = 0; limit <= want + 2; limit++) {
            size_t got = pair_edit_distance(a, na, b, nb, limit);
            if (want <= limit)
                assert_int_equal(got, want);
            else
                assert_int_equal(got, limit + 1);
        }
    }
}

static void test_preference__near_threshold_edges(void **state)
{
    (void)state;
    struct pair_distance d;
    /* 100 characters, 5 substitutions: similarity exactly 0.95 */
    char a[101], b[101];
    memset(a, 'x', 100);
    memcpy(b, a, 100);
    a[100] = b[100] = '\0';
    for (int i = 0; i < 5; i++)
        b[i * 20] = 'y';
    assert_true(pair_distance_near(&d, a, 100, b, 100, 0.95));
    assert_int_equal(d.distance, 5);
    assert_int_equal(d.length, 100);
    b[99] = 'y';   /* 6 edits: 0.94 */
    assert_false(pair_distance_near(&d, a, 100, b, 100, 0.95));
    assert_true(pair_distance_near(&d, a, 100, b, 100, 0.94));
    assert_int_equal(pair_distance_limit(100, 0.95), 5);
    assert_int_equal(pair_distance_limit(20, 0.9), 2);
    assert_int_equal(pair_distance_limit(7, 1.0), 0);
    /* code points, not bytes: "é" against "e" is one edit in 4 characters */
    assert_true(pair_distance_near(&d, "caf\xc3\xa9", 5, "cafe", 4, 0.75));
    assert_int_equal(d.distance, 1);
    assert_int_equal(d.length, 4);
    /* damaged bytes never crash and count as one each */
    assert_false(pair_distance_near(&d, "\xff\xfe", 2, "ab", 2, 0.5));
    assert_true(pair_distance_near(&d, "", 0, "", 0, 0.95));
}

/* ---- contradictions ------------------------------------------------------------------ */

struct seen {
    uint64_t at[8], other[8];
    size_t n;
};

static void on_pair(void *arg, const struct pair_order *at, const struct pair_order *other)
{
    struct seen *s = arg;
    s->at[s->n] = at->file * 1000 + at->pos;
    s->other[s->n++] = other->file * 1000 + other->pos;
}

static void test_preference__contradictions(void **state)
{
    (void)state;
    struct pair_order_list l = PAIR_ORDER_LIST_INIT;
    /* prompt 7: A > B at 1:5, B > A at 0:9 (file 0 comes first: the original),
     * again A > B at 1:2; prompt 8: A > B and A > B (agree); prompt 9: B > A alone */
    pair_order_add(&l, 7, 100, 200, 1, 5, 1, 1);
    pair_order_add(&l, 8, 100, 200, 0, 1, 2, 2);
    pair_order_add(&l, 7, 200, 100, 0, 9, 3, 3);
    pair_order_add(&l, 8, 100, 200, 0, 2, 4, 4);
    pair_order_add(&l, 9, 200, 100, 0, 3, 5, 5);
    pair_order_add(&l, 7, 100, 200, 1, 2, 6, 6);
    pair_order_add(&l, 7, 300, 300, 1, 7, 7, 7);   /* equal replies: never a contradiction */
    assert_int_equal(l.n, 6);
    struct seen s = { { 0 }, { 0 }, 0 };
    assert_int_equal(pair_order_contradictions(&l, on_pair, &s), 2);
    assert_int_equal(s.n, 2);
    /* in file order of the contradicting record, each naming the first of its group */
    assert_int_equal(s.at[0], 1002);
    assert_int_equal(s.other[0], 9);
    assert_int_equal(s.at[1], 1005);
    assert_int_equal(s.other[1], 9);
    pair_order_release(&l);
}

/* ---- the gate, by hand ------------------------------------------------------------- */

static const char *const paths[2] = { "data/a.jsonl", "data/b.jsonl" };

struct pair {
    struct turn t[4];
    struct turn r[2];
    struct example ex;
};

static struct turn T(enum role role, const char *text)
{
    struct turn t = { 0 };
    t.role = role;
    t.role_name = role == ROLE_USER ? "user" : "assistant";
    t.role_name_len = strlen(t.role_name);
    t.text = text;
    t.text_len = strlen(text);
    t.text_chars = utf8_chars(text, t.text_len);
    return t;
}

static void pair_init(struct pair *p, size_t file, size_t line, const char *prompt, const char *chosen,
                      const char *rejected)
{
    memset(p, 0, sizeof(*p));
    p->t[0] = T(ROLE_USER, prompt);
    p->t[1] = T(ROLE_ASSISTANT, chosen);
    p->r[0] = T(ROLE_ASSISTANT, rejected);
    p->ex.path = paths[file];
    p->ex.file_index = file;
    p->ex.line = line;
    p->ex.format = FORMAT_PREFERENCE;
    p->ex.parsed = true;
    p->ex.turns = p->t;
    p->ex.n_turns = 2;
    p->ex.n_prompt_turns = 1;
    p->ex.rejected = p->r;
    p->ex.n_rejected = 1;
    p->ex.has_rejected = true;
    memcpy(p->ex.hash, &line, sizeof(line));
    p->ex.hash[12] = (unsigned char)(file + 1);
}

struct run {
    struct spec spec;
    struct run_file files[2];
    struct result result;
    struct gate_ctx ctx;
};

static struct run *run_new(void)
{
    struct run *r = xcalloc(1, sizeof(*r));
    r->spec.path = (char *)"specs/task.yaml";
    r->spec.root = (char *)".";
    r->spec.dataset.format = FORMAT_PREFERENCE;
    r->spec.gates.preference.level = LEVEL_BLOCK;
    r->spec.gates.preference.identical = LEVEL_BLOCK;
    r->spec.gates.preference.near = LEVEL_WARN;
    r->spec.gates.preference.contradictory = LEVEL_BLOCK;
    r->spec.gates.preference.length_bias = LEVEL_WARN;
    r->spec.gates.preference.near_threshold = 0.95;
    r->spec.gates.preference.length_band = (struct spec_band){ 0.35, 0.65 };
    r->spec.gates.pii.level = LEVEL_BLOCK;
    r->spec.gates.pii.detect = PII_EMAIL;
    for (size_t i = 0; i < 2; i++) {
        r->files[i].path = (char *)paths[i];
        r->files[i].root_path = (char *)paths[i];
    }
    result_init(&r->result);
    r->ctx.spec = &r->spec;
    r->ctx.files = r->files;
    r->ctx.n_files = 2;
    r->ctx.result = &r->result;
    return r;
}

static void run_free(struct run *r)
{
    result_release(&r->result);
    free(r);
}

/* As the engine: extract, then replay with the example stripped of its texts. */
static void run_gate(const struct gate *g, struct run *r, struct pair *p, size_t n)
{
    assert_true(g->enabled(&r->spec));
    void *st = g->begin(&r->ctx);
    for (size_t i = 0; i < n; i++) {
        struct buf b = BUF_INIT;
        g->extract(st, &p[i].ex, &b);
        struct example at = p[i].ex;
        at.turns = at.rejected = NULL;
        at.n_turns = at.n_rejected = 0;
        g->replay(st, &at, b.ptr, b.len);
        buf_release(&b);
    }
    assert_int_equal(g->finish(st, &r->ctx), 0);
    g->free(st);
}

static struct check *check(struct run *r, const char *id)
{
    for (size_t i = 0; i < r->result.n_sections; i++)
        for (size_t j = 0; j < r->result.sections[i].n_checks; j++)
            if (!strcmp(r->result.sections[i].checks[j].id, id))
                return &r->result.sections[i].checks[j];
    fail_msg("no check %s", id);
    return NULL;
}

static void test_preference__gate_findings(void **state)
{
    (void)state;
    struct run *r = run_new();
    static char long_a[200], long_b[200];
    memset(long_a, 'q', 199);
    memcpy(long_b, long_a, 200);
    long_b[50] = 'r';   /* 1 edit in 199: 99.5% similar */
    struct pair p[5];
    pair_init(&p[0], 0, 1, "What is 2+2?", "4", "5");
    pair_init(&p[1], 0, 2, "Say hi", "hi", "hi");                       /* identical */
    pair_init(&p[2], 0, 3, "Write q", long_a, long_b);                  /* near */
    pair_init(&p[3], 1, 1, "What is 2+2?", "5", "4");                   /* contradicts a:1 */
    pair_init(&p[4], 1, 2, "Name a colour", "a rather long red", "red");
    run_gate(&gate_preference, r, p, 5);

    struct check *c = check(r, "preference.identical");
    assert_int_equal(c->status, STATUS_FAIL);
    assert_true(c->blocking);
    assert_int_equal(c->n_findings, 1);
    assert_string_equal(c->findings[0].path, "data/a.jsonl");
    assert_int_equal(c->findings[0].line, 2);
    assert_string_equal(c->findings[0].kind, "identical_pair");

    c = check(r, "preference.near");
    assert_int_equal(c->status, STATUS_WARN);
    assert_int_equal(c->n_findings, 1);
    assert_int_equal(c->findings[0].line, 3);
    assert_string_equal(c->findings[0].message,
                        "chosen and rejected replies are 99.5% similar (1 edit in 199 characters)");

    c = check(r, "preference.contradictory");
    assert_int_equal(c->status, STATUS_FAIL);
    assert_int_equal(c->n_findings, 1);
    assert_string_equal(c->findings[0].path, "data/b.jsonl");
    assert_int_equal(c->findings[0].line, 1);
    assert_string_equal(c->findings[0].message,
                        "the same prompt and replies as data/a.jsonl:1, with chosen and rejected swapped");
    assert_int_equal(c->findings[0].n_related, 1);
    assert_string_equal(c->findings[0].related[0].path, "data/a.jsonl");

    /* chosen longer: only the colour pair (ties and shorter ones are not): 1 of 5 */
    c = check(r, "preference.length_bias");
    assert_int_equal(c->status, STATUS_WARN);
    assert_string_equal(c->value_text, "1/5 (20%)");
    assert_non_null(r->result.preference);
    assert_int_equal(r->result.preference->pairs, 5);
    assert_int_equal(r->result.preference->identical, 1);
    assert_int_equal(r->result.preference->near, 1);
    assert_int_equal(r->result.preference->contradictory, 1);
    assert_int_equal(r->result.preference->chosen_longer, 1);
    run_free(r);
}

/* A known role counts by its kind, not its spelling: a pair written with role names and
 * the same pair without them (TRL's string form) are the same pair. */
static void test_preference__roles_by_kind(void **state)
{
    (void)state;
    struct run *r = run_new();
    struct pair p[2];
    pair_init(&p[0], 0, 1, "Pick one", "Yes, this one.", "No.");
    pair_init(&p[1], 1, 1, "Pick one", "No.", "Yes, this one.");
    for (size_t i = 0; i < 2; i++) {
        p[1].t[i].role_name = NULL;
        p[1].t[i].role_name_len = 0;
    }
    p[1].r[0].role_name = "gpt";
    p[1].r[0].role_name_len = 3;
    run_gate(&gate_preference, r, p, 2);
    assert_int_equal(check(r, "preference.contradictory")->n_findings, 1);
    run_free(r);
}

/* No pairs (a chat example in an auto run): no section at all. */
static void test_preference__no_pairs_no_section(void **state)
{
    (void)state;
    struct run *r = run_new();
    r->spec.dataset.format = FORMAT_AUTO;
    struct pair p[1];
    pair_init(&p[0], 0, 1, "hello", "hi", "yo");
    p[0].ex.format = FORMAT_SHAREGPT;
    p[0].ex.has_rejected = false;
    p[0].ex.rejected = NULL;
    p[0].ex.n_rejected = 0;
    run_gate(&gate_preference, r, p, 1);
    assert_int_equal(r->result.n_sections, 0);
    assert_null(r->result.preference);
    /* a spec that names a chat format does not run the gate */
    r->spec.dataset.format = FORMAT_SHAREGPT;
    assert_false(gate_preference.enabled(&r->spec));
    run_free(r);
}

/* A damaged summary is an error, never a silent count. */
static void test_preference__damaged_bytes(void **state)
{
    (void)state;
    struct run *r = run_new();
    void *st = gate_preference.begin(&r->ctx);
    struct pair p;
    pair_init(&p, 0, 1, "a", "b", "c");
    gate_preference.replay(st, &p.ex, "\x07", 1);
    assert_true(gate_preference.finish(st, &r->ctx) < 0);
    gate_preference.free(st);
    run_free(r);
}

/* PII in the rejected reply is PII in the data. */
static void test_preference__pii_reads_rejected(void **state)
{
    (void)state;
    struct run *r = run_new();
    struct pair p[1];
    pair_init(&p[0], 0, 4, "Who to write to?", "Nobody.", "Write to jane.doe@corp-mail.io today.");
    run_gate(&gate_pii, r, p, 1);
    struct check *c = check(r, "pii.email");
    assert_int_equal(c->status, STATUS_FAIL);
    assert_int_equal(c->n_findings, 1);
    assert_int_equal(c->findings[0].line, 4);
    assert_non_null(strstr(c->findings[0].message, "in the rejected reply"));
    run_free(r);
}

/* ---- the spec ------------------------------------------------------------------------ */

static struct spec *load(const char *gates)
{
    char text[1024];
    snprintf(text, sizeof(text), "dsci: 1\ndataset: {name: p, format: auto, files: {train: a.jsonl}}\n"
             "gates:\n%s", gates);
    struct spec *s = NULL;
    spec_load_buffer(&s, "specs/p.yaml", text, strlen(text));
    return s;
}

static void test_preference__spec(void **state)
{
    (void)state;
    struct spec *s = load("  format: {level: block}\n");
    assert_non_null(s);
    assert_int_equal(s->gates.preference.level, LEVEL_BLOCK);
    assert_int_equal(s->gates.preference.identical, LEVEL_BLOCK);
    assert_int_equal(s->gates.preference.near, LEVEL_WARN);
    assert_int_equal(s->gates.preference.contradictory, LEVEL_BLOCK);
    assert_int_equal(s->gates.preference.length_bias, LEVEL_WARN);
    assert_true(s->gates.preference.near_threshold == 0.95);
    assert_true(s->gates.preference.length_band.lo == 0.35 && s->gates.preference.length_band.hi == 0.65);
    spec_free(s);

    s = load("  preference:\n    near_threshold: 0.9\n    length_bias: [30%, 0.8]\n    contradictory: warn\n");
    assert_non_null(s);
    assert_true(s->gates.preference.near_threshold == 0.9);
    assert_true(s->gates.preference.length_band.lo == 0.3 && s->gates.preference.length_band.hi == 0.8);
    assert_int_equal(s->gates.preference.length_bias, LEVEL_WARN);
    assert_int_equal(s->gates.preference.contradictory, LEVEL_WARN);
    assert_int_equal(s->gates.preference.length_bias_loc.line, 6);
    spec_free(s);

    /* a gate-wide level caps what nobody set; an explicit one wins */
    s = load("  preference: {level: warn, identical: block, length_bias: off}\n");
    assert_non_null(s);
    assert_int_equal(s->gates.preference.identical, LEVEL_BLOCK);
    assert_int_equal(s->gates.preference.contradictory, LEVEL_WARN);
    assert_int_equal(s->gates.preference.near, LEVEL_WARN);
    assert_int_equal(s->gates.preference.length_bias, LEVEL_OFF);
    spec_free(s);
    s = load("  preference: off\n");
    assert_non_null(s);
    assert_false(gate_preference.enabled(s));
    spec_free(s);

    assert_null(load("  preference: {length_bias: [0.7, 0.2]}\n"));
    assert_null(load("  preference: {length_bias: [0.2]}\n"));
    assert_null(load("  preference: {near_threshold: 2}\n"));
    assert_null(load("  preference: {nearr: warn}\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_preference__distance_known_values),
        cmocka_unit_test(test_preference__distance_matches_full_table),
        cmocka_unit_test(test_preference__near_threshold_edges),
        cmocka_unit_test(test_preference__contradictions),
        cmocka_unit_test(test_preference__gate_findings),
        cmocka_unit_test(test_preference__roles_by_kind),
        cmocka_unit_test(test_preference__no_pairs_no_section),
        cmocka_unit_test(test_preference__damaged_bytes),
        cmocka_unit_test(test_preference__pii_reads_rejected),
        cmocka_unit_test(test_preference__spec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
