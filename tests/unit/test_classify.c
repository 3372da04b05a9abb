/*
 * The classifier shared by the coverage gate and the diff: by keywords (lower-cased
 * substrings of the texts joined by one space, first category in spec order wins) and
 * by field (the label equals a category name).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

#include "read/example.h"
#include "run/classify.h"
#include "run/classify_scan.h"
#include "spec/spec.h"
#include "util/buf.h"

#define HEAD "dsci: 1\ndataset:\n  name: t\n  files: {train: data/train.jsonl}\ngates:\n  coverage:\n    level: warn\n"

static struct spec *load(const char *text)
{
    struct spec *spec = NULL;
    assert_int_equal(spec_load_buffer(&spec, "specs/t.yaml", text, strlen(text)), 0);
    return spec;
}

/* The category of an example whose texts are `texts` (NULL-terminated: user, assistant...). */
static size_t classify_texts(const struct classifier *c, const char *const *texts)
{
    struct turn turns[4];
    struct example ex;
    memset(&ex, 0, sizeof(ex));
    memset(turns, 0, sizeof(turns));
    size_t n = 0;
    for (; texts[n] && n < 4; n++) {
        turns[n].role = n % 2 ? ROLE_ASSISTANT : ROLE_USER;
        turns[n].text = texts[n];
        turns[n].text_len = strlen(texts[n]);
    }
    ex.parsed = true;
    ex.turns = turns;
    ex.n_turns = n;
    return classify_example(c, &ex);
}

static void test_classify__keywords(void **state)
{
    (void)state;
    struct spec *spec = load(HEAD
                             "    categories:\n"
                             "      - {name: Create, min: 1, keywords: [create, new task]}\n"
                             "      - {name: Delete, min: 1, keywords: [delete, 'ÉTAPE']}\n"
                             "      - {name: Any, min: 1, keywords: [task]}\n");
    struct classifier *c = classify_new(spec);
    enum { CREATE, DELETE, ANY, NONE };
    static const struct {
        const char *texts[3];
        size_t want;
    } cases[] = {
        { { "please create it", NULL }, CREATE },
        { { "CREATE IT", NULL }, CREATE },                      /* ASCII capitals fold */
        { { "a new task", NULL }, CREATE },                     /* first in spec order, before Any */
        { { "delete the task", NULL }, DELETE },                /* Delete comes before Any */
        { { "an étape", NULL }, DELETE },                       /* the keyword is lower-cased too */
        { { "UNE ÉTAPE", NULL }, DELETE },                      /* and so is the text */
        { { "a task", NULL }, ANY },
        { { "new", "task done" }, CREATE },                     /* texts joined by one space */
        { { "cre", "ate" }, NONE },                             /* ... never glued */
        { { "hello", "world" }, NONE },
        { { NULL }, NONE },
    };
    assert_int_equal(spec->gates.coverage.n_categories, NONE);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        print_message("case %zu\n", i);
        assert_int_equal(classify_texts(c, cases[i].texts), cases[i].want);
    }
    classify_free(c);
    spec_free(spec);
}

/* A long text goes through the two-halves scan: a keyword in either half, or across the
 * middle, is found. */
static void test_classify__long_texts(void **state)
{
    (void)state;
    struct spec *spec = load(HEAD "    categories:\n      - {name: A, min: 1, keywords: [needle]}\n");
    struct classifier *c = classify_new(spec);
    const size_t len = 5000;
    char *text = malloc(len + 1);
    static const size_t at[] = { 0, 100, 2497, 2500, 4000, 4994 };
    for (size_t i = 0; i < sizeof(at) / sizeof(*at); i++) {
        memset(text, 'x', len);
        text[len] = '\0';
        memcpy(text + at[i], "NEEDLE", 6);
        const char *texts[] = { text, NULL };
        print_message("at %zu\n", at[i]);
        assert_int_equal(classify_texts(c, texts), 0);
    }
    memset(text, 'x', len);
    const char *texts[] = { text, NULL };
    assert_int_equal(classify_texts(c, texts), 1);
    free(text);
    classify_free(c);
    spec_free(spec);
}

/* Pieces random texts and keywords are made of: ASCII of both cases, the joining space,
 * code points whose lower case differs in length or bytes (İ -> i̇, K (Kelvin) -> k,
 * the combining dot of i̇ alone,
 * Ⱥ -> ⱥ, Σ -> σ/ς by context), ones lower() leaves alone (中, 🚀, ß, é) and filler
 * that matches nothing, so runs of skipped bytes come between the candidates. */
static const char *const pieces[] = {
    "a", "b", "A", "B", "ab", "Ba", " ", "i", "I", "k", "x", "é", "É", "İ", "\xcc\x87",
    "K", "Ⱥ", "ⱥ", "Σ", "σ", "ς", "ß", "中", "🚀", "ı", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
    "qwqwqwqwqwqwqwqwq ", "..:;-", "0123456789",
};
#define N_PIECES (sizeof(pieces) / sizeof(*pieces))

static unsigned rand_below(unsigned *seed, unsigned n)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 8) % n;
}

static void add_piece(struct buf *b, size_t piece)
{
    buf_add(b, pieces[piece], strlen(pieces[piece]));
}

/* The prefilter (each kernel this CPU runs) against the plain DFA scan on random
 * keyword sets and texts; texts sit in exact-size heap buffers so ASan sees any read past
 * their end. */
static void test_classify__filter_matches_plain_scan(void **state)
{
    (void)state;
    const char *const *names;
    size_t n_variants = kw_filter_variants(&names);
    unsigned seed = 12345;
    size_t filtered_specs = 0;
    for (int round = 0; round < 500; round++) {
        struct buf yaml = BUF_INIT;
        buf_add(&yaml, HEAD, strlen(HEAD));
        buf_add(&yaml, "    categories:\n", strlen("    categories:\n"));
        unsigned n_cats = 1 + rand_below(&seed, 4);
        unsigned many = rand_below(&seed, 8) == 0 ? 12 : 3;   /* sometimes too many for the filter */
        for (unsigned ci = 0; ci < n_cats; ci++) {
            char head[64];
            snprintf(head, sizeof(head), "      - {name: C%u, min: 1, keywords: [", ci);
            buf_add(&yaml, head, strlen(head));
            unsigned n_kw = 1 + rand_below(&seed, many);
            for (unsigned k = 0; k < n_kw; k++) {
                buf_add(&yaml, k ? ", '" : "'", k ? 3 : 1);
                unsigned n_p = 1 + rand_below(&seed, 3);
                for (unsigned j = 0; j < n_p; j++)
                    add_piece(&yaml, rand_below(&seed, N_PIECES - 4));   /* no filler */
                buf_add(&yaml, "'", 1);
            }
            buf_add(&yaml, "]}\n", 3);
        }
        struct spec *spec = load(yaml.ptr);
        struct classifier *c = classify_new(spec);
        filtered_specs += classify_use_filter_variant(c, n_variants - 1);
        for (int e = 0; e < 40; e++) {
            struct turn turns[3];
            char *texts[3];
            memset(turns, 0, sizeof(turns));
            unsigned n_turns = rand_below(&seed, 4);
            for (unsigned t = 0; t < n_turns; t++) {
                struct buf b = BUF_INIT;
                unsigned n_p = rand_below(&seed, 4) ? rand_below(&seed, 12) : rand_below(&seed, 80);
                for (unsigned j = 0; j < n_p; j++)
                    add_piece(&b, rand_below(&seed, N_PIECES));
                texts[t] = malloc(b.len ? b.len : 1);
                if (b.len)   /* an empty buf has no buffer at all */
                    memcpy(texts[t], b.ptr, b.len);
                turns[t].role = t % 2 ? ROLE_ASSISTANT : ROLE_USER;
                turns[t].text = texts[t];
                turns[t].text_len = b.len;
                buf_release(&b);
            }
            struct example ex;
            memset(&ex, 0, sizeof(ex));
            ex.parsed = true;
            ex.turns = turns;
            ex.n_turns = n_turns;
            size_t want = classify_example_plain(c, &ex);
            for (size_t v = 0; v < n_variants; v++) {
                if (classify_use_filter_variant(c, v) && classify_example(c, &ex) != want) {
                    print_message("round %d example %d kernel %s: spec\n%s", round, e, names[v],
                                  yaml.ptr);
                    for (unsigned t = 0; t < n_turns; t++)
                        print_message("text %u: '%.*s'\n", t, (int)turns[t].text_len, texts[t]);
                    assert_int_equal(classify_example(c, &ex), want);
                }
            }
            for (unsigned t = 0; t < n_turns; t++)
                free(texts[t]);
        }
        classify_free(c);
        spec_free(spec);
        buf_release(&yaml);
    }
    assert_true(filtered_specs > 300);   /* most keyword sets do use the filter */
}

/* Texts of lengths around the vector widths, a keyword at every place in them. */
static void test_classify__filter_vector_edges(void **state)
{
    (void)state;
    struct spec *spec = load(HEAD "    categories:\n"
                                  "      - {name: A, min: 1, keywords: [xy]}\n"
                                  "      - {name: B, min: 1, keywords: [q]}\n"
                                  "      - {name: C, min: 1, keywords: ['y z']}\n");
    struct classifier *c = classify_new(spec);
    const char *const *names;
    size_t n_variants = kw_filter_variants(&names);
    for (size_t len = 1; len <= 70; len++) {
        for (size_t at = 0; at < len; at++) {
            for (int kind = 0; kind < 3; kind++) {
                char *text = malloc(len);
                memset(text, '.', len);
                if (kind == 0 && at + 1 < len)
                    memcpy(text + at, "XY", 2);
                else if (kind == 1)
                    text[at] = 'Q';
                else
                    text[at] = 'y';   /* "y" at the end + " " + "z..." of the next text */
                char next[] = { 'z', '.' };
                struct turn turns[2] = { { .text = text, .text_len = len },
                                         { .text = next, .text_len = sizeof(next) } };
                struct example ex;
                memset(&ex, 0, sizeof(ex));
                ex.parsed = true;
                ex.turns = turns;
                ex.n_turns = 2;
                size_t want = classify_example_plain(c, &ex);
                for (size_t v = 0; v < n_variants; v++) {
                    assert_true(classify_use_filter_variant(c, v));
                    if (classify_example(c, &ex) != want)
                        print_message("len %zu at %zu kind %d kernel %s\n", len, at, kind, names[v]);
                    assert_int_equal(classify_example(c, &ex), want);
                }
                free(text);
            }
        }
    }
    classify_free(c);
    spec_free(spec);
}

static void test_classify__by_field(void **state)
{
    (void)state;
    struct spec *spec = load(HEAD
                             "    by: field\n    field: meta.op\n"
                             "    categories:\n      - {name: create, min: 1}\n      - {name: delete, min: 1}\n");
    struct classifier *c = classify_new(spec);
    static const struct {
        const char *label;
        size_t want;
    } cases[] = {
        { "create", 0 }, { "delete", 1 }, { "Create", 2 }, { "creat", 2 }, { "", 2 }, { NULL, 2 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct example ex;
        memset(&ex, 0, sizeof(ex));
        ex.parsed = true;
        ex.label = cases[i].label;
        ex.label_len = cases[i].label ? strlen(cases[i].label) : 0;
        assert_int_equal(classify_example(c, &ex), cases[i].want);
    }
    classify_free(c);
    classify_free(NULL);
    spec_free(spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify__keywords),
        cmocka_unit_test(test_classify__long_texts),
        cmocka_unit_test(test_classify__by_field),
        cmocka_unit_test(test_classify__filter_matches_plain_scan),
        cmocka_unit_test(test_classify__filter_vector_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
