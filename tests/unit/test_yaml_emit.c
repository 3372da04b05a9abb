/* yaml_emit_scalar: the one YAML scalar writer, in both styles. The cases where the two
 * styles differ are the ones that keep init's specs and the card's front matter byte
 * for byte as they were written before the writer was shared. */
#include "test_helpers.h"

#include <string.h>

#include "util/buf.h"
#include "util/yaml_emit.h"

static const struct {
    const char *in, *spec, *card;
} cases[] = {
    /* the same in both */
    { "Create", "Create", "Create" },
    { "data/train.jsonl", "data/train.jsonl", "data/train.jsonl" },
    { "yes", "\"yes\"", "\"yes\"" },
    { "N", "\"N\"", "\"N\"" },
    { "12", "\"12\"", "\"12\"" },
    { "-x", "\"-x\"", "\"-x\"" },
    { "a: b", "\"a: b\"", "\"a: b\"" },
    { "", "\"\"", "\"\"" },
    { "trailing ", "\"trailing \"", "\"trailing \"" },
    { "say \"hi\"\\", "\"say \\\"hi\\\"\\\\\"", "\"say \\\"hi\\\"\\\\\"" },
    { "caf\xc3\xa9", "\"caf\xc3\xa9\"", "\"caf\xc3\xa9\"" },
    /* where they differ */
    { "_private", "_private", "\"_private\"" },
    { "c++ (gnu)", "\"c++ (gnu)\"", "c++ (gnu)" },
    { "two\nlines\ttab", "\"two\\x0alines\\x09tab\"", "\"two\\nlines\\ttab\"" },
    { "bell\x07\x7f", "\"bell\\x07\\x7f\"", "\"bell\\x07\\x7F\"" },
    { "sep\xe2\x80\xa8", "\"sep\xe2\x80\xa8\"", "\"sep\\u2028\"" },
    { "bad\xff", "\"bad\xff\"", "\"bad\\uFFFD\"" },
    { "c1\xc2\x85", "\"c1\xc2\x85\"", "\"c1\\x85\"" },
};

static void test_yaml_emit__both_styles(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf spec = BUF_INIT, card = BUF_INIT;
        yaml_emit_scalar(&spec, cases[i].in, YAML_SCALAR_SPEC);
        yaml_emit_scalar(&card, cases[i].in, YAML_SCALAR_CARD);
        if (strcmp(buf_cstr(&spec), cases[i].spec))
            fail_msg("case %zu spec: got %s, want %s", i, buf_cstr(&spec), cases[i].spec);
        if (strcmp(buf_cstr(&card), cases[i].card))
            fail_msg("case %zu card: got %s, want %s", i, buf_cstr(&card), cases[i].card);
        buf_release(&spec);
        buf_release(&card);
    }
}

/* The scalar is appended: what the buffer held stays in front. */
static void test_yaml_emit__appends(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_addstr(&b, "name: ");
    yaml_emit_scalar(&b, "no", YAML_SCALAR_CARD);
    assert_string_equal(buf_cstr(&b), "name: \"no\"");
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yaml_emit__both_styles),
        cmocka_unit_test(test_yaml_emit__appends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
