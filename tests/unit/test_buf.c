/* struct buf, the arena and xalloc: the capped buffer is what turns a hostile line into an error. */
#include "test_helpers.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

static void test_buf__grows_and_stays_terminated(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_string_equal(buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        assert_int_equal(buf_addch(&b, 'a'), 0);
    assert_int_equal(b.len, 1000);
    assert_int_equal(b.ptr[1000], '\0');
    assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), 0);
    assert_string_equal(b.ptr + 1000, "42-x");
    buf_reset(&b);
    assert_string_equal(buf_cstr(&b), "");
    buf_release(&b);
}

static void test_buf__cap_refuses_without_changing(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    b.max = 10;
    assert_int_equal(buf_add(&b, "0123456789", 10), 0);
    assert_int_equal(buf_add(&b, "x", 1), -1);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.ptr, "0123456789");
    assert_int_equal(buf_grow(&b, SIZE_MAX), -1);
    size_t len;
    char *p = buf_detach(&b, &len);
    assert_int_equal(len, 10);
    assert_null(b.ptr);
    free(p);
}

static void test_buf__arena_keeps_pointers_until_reset(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    char *first = arena_dup(&a, "hello", 5);
    char *big = arena_alloc(&a, 1 << 20); /* a block of its own */
    memset(big, 'z', 1 << 20);
    char *after = arena_dup(&a, "world", 5);
    assert_string_equal(first, "hello");
    assert_string_equal(after, "world");
    assert_int_equal(((uintptr_t)big) % 16, 0);
    char *grown = arena_realloc(&a, first, 6, 100);
    assert_string_equal(grown, "hello");
    arena_reset(&a);
    assert_non_null(arena_alloc(&a, 10));
    arena_release(&a);
}

static void test_buf__err_codes_map_to_exit_codes(void **state)
{
    (void)state;
    assert_int_equal(err_set(DSCI_EUSAGE, "%s:%d: bad", "x.yaml", 3), DSCI_EUSAGE);
    assert_string_equal(err_last(), "x.yaml:3: bad");
    assert_int_equal(err_exit_code(DSCI_EUSAGE), 2);
    assert_int_equal(err_exit_code(DSCI_EENV), 3);
    assert_int_equal(err_exit_code(DSCI_EINTERNAL), 3);
    assert_int_equal(err_exit_code(0), 0);
    err_clear();
    assert_string_equal(err_last(), "");
    char *s = xasprintf("%s=%d", "n", 5);
    assert_string_equal(s, "n=5");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf__grows_and_stays_terminated),
        cmocka_unit_test(test_buf__cap_refuses_without_changing),
        cmocka_unit_test(test_buf__arena_keeps_pointers_until_reset),
        cmocka_unit_test(test_buf__err_codes_map_to_exit_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
