/*
 * The classifier shared by the coverage gate and the diff: by keywords (lower-cased
 * substrings of the texts joined by one space, first category in spec order wins) and
 * by field (the label equals a category name).
 */
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

#include "read/example.h"
#include "run/classify.h"
#include "spec/spec.h"

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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
