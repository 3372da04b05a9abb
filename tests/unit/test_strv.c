/* util/strv: the one comparator for arrays of strings, and their release. */
#include "test_helpers.h"

#include <stdlib.h>
#include <string.h>

#include "util/strv.h"
#include "util/xalloc.h"

static void test_strv__sorts_in_byte_order(void **state)
{
    (void)state;
    const char *v[] = { "b", "B", "a", "\xc3\xa9", "", "ab" };
    const char *want[] = { "", "B", "a", "ab", "b", "\xc3\xa9" };
    qsort(v, 6, sizeof(*v), strv_cmp);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(v[i], want[i]);
    const char *key = "ab", *missing = "c";
    assert_non_null(bsearch(&key, v, 6, sizeof(*v), strv_cmp));
    assert_null(bsearch(&missing, v, 6, sizeof(*v), strv_cmp));
}

static void test_strv__free_takes_null_and_owned(void **state)
{
    (void)state;
    strv_free(NULL, 0);
    char **v = xcalloc(2, sizeof(*v));
    v[0] = xstrdup("x");
    v[1] = NULL;   /* a slot already handed on */
    strv_free(v, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strv__sorts_in_byte_order),
        cmocka_unit_test(test_strv__free_takes_null_and_owned),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
