/* The normalized example: error names, issue bookkeeping, code points, content hash. */
#include "test_helpers.h"

#include <string.h>

#include "read/example.h"

static void test_example__error_names_match_openai_kinds(void **state)
{
    (void)state;
    assert_string_equal(example_error_name(EX_DATA_TYPE), "data_type");
    assert_string_equal(example_error_name(EX_MISSING_MESSAGES_LIST), "missing_messages_list");
    assert_string_equal(example_error_name(EX_MESSAGE_MISSING_KEY), "message_missing_key");
    assert_string_equal(example_error_name(EX_MESSAGE_UNRECOGNIZED_KEY), "message_unrecognized_key");
    assert_string_equal(example_error_name(EX_UNRECOGNIZED_ROLE), "unrecognized_role");
    assert_string_equal(example_error_name(EX_MISSING_CONTENT), "missing_content");
    assert_string_equal(example_error_name(EX_EXAMPLE_MISSING_ASSISTANT_MESSAGE), "example_missing_assistant_message");
    assert_string_equal(example_error_name((enum example_error)999), "unknown");
    for (int k = 0; k < EX_ERROR_KIND_COUNT; k++)
        assert_non_null(example_error_name((enum example_error)k));
}

static void test_example__issues_are_bounded(void **state)
{
    (void)state;
    struct example ex;
    memset(&ex, 0, sizeof(ex));
    for (int i = 0; i < 20; i++)
        example_add_issue(&ex, i % 2 ? EX_EMPTY_MESSAGE : EX_TURN_ORDER, 3, "m");
    assert_int_equal(ex.n_issues, EXAMPLE_MAX_ISSUES);
    assert_true(example_has(&ex, EX_EMPTY_MESSAGE));
    assert_true(example_has(&ex, EX_TURN_ORDER));
    assert_false(example_has(&ex, EX_INVALID_JSON));
}

static void test_example__code_points(void **state)
{
    (void)state;
    assert_int_equal(utf8_chars("", 0), 0);
    assert_int_equal(utf8_chars("abc", 3), 3);
    assert_int_equal(utf8_chars("h\xc3\xa9", 3), 2);                 /* hé */
    assert_int_equal(utf8_chars("\xe4\xb8\xad\xe6\x96\x87", 6), 2);  /* 中文 */
    assert_int_equal(utf8_chars("\xf0\x9f\x98\x80!", 5), 2);         /* emoji + ! */
}

static void hash_of(unsigned char out[32], const char *a, const char *b, enum role ra)
{
    struct turn turns[2];
    struct example ex;
    memset(turns, 0, sizeof(turns));
    memset(&ex, 0, sizeof(ex));
    turns[0].role = ra;
    turns[0].text = a;
    turns[0].text_len = strlen(a);
    turns[1].role = ROLE_ASSISTANT;
    turns[1].text = b;
    turns[1].text_len = strlen(b);
    ex.turns = turns;
    ex.n_turns = 2;
    example_hash(out, &ex);
}

static void test_example__hash_is_unambiguous(void **state)
{
    (void)state;
    unsigned char h1[32], h2[32], h3[32], h4[32];
    hash_of(h1, "ab", "c", ROLE_USER);
    hash_of(h2, "a", "bc", ROLE_USER);      /* same bytes, other boundary */
    hash_of(h3, "ab", "c", ROLE_SYSTEM);    /* other role */
    hash_of(h4, "ab", "c", ROLE_USER);
    assert_memory_not_equal(h1, h2, 32);
    assert_memory_not_equal(h1, h3, 32);
    assert_memory_equal(h1, h4, 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example__error_names_match_openai_kinds),
        cmocka_unit_test(test_example__issues_are_bounded),
        cmocka_unit_test(test_example__code_points),
        cmocka_unit_test(test_example__hash_is_unambiguous),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
