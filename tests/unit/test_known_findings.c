/*
 * The known-findings file: parse errors, the render -> parse -> apply round trip (a
 * check whose findings are all accepted passes), partial acceptance (the step points at
 * the first open finding), keys from before a recipe change, and stale entries.
 */
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

#include "run/known_findings.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

#define FILE_NAME ".dsci-baseline.json"

static void key_of(unsigned char out[FINDING_KEY_SIZE], unsigned char b)
{
    memset(out, b, FINDING_KEY_SIZE);
}

/* A failing duplicates check with one keyed finding per byte in `keys` (at line 10 + i),
 * its remediation naming the first; `old` gives each finding an older key (byte + 0x80). */
static void make_result(struct result *r, const unsigned char *keys, size_t n, bool old)
{
    result_init(r);
    struct section *s = result_add_section(r, "duplicates", "DUPLICATES", LEVEL_BLOCK, (struct spec_loc){ 3, 1 });
    struct check *c = result_add_check(s, "duplicates.exact", "Exact duplicates");
    check_set_value(c, "%zu (1 group)", n);
    c->status = STATUS_FAIL;
    for (size_t i = 0; i < n; i++) {
        unsigned char key[FINDING_KEY_SIZE];
        key_of(key, keys[i]);
        check_add_keyed_finding(c, key, "data/a.jsonl", 10 + i, "exact_duplicate", "duplicate of data/a.jsonl:1");
        if (old) {
            key_of(key, (unsigned char)(keys[i] + 0x80));
            check_set_old_key_last(c, key);
        }
    }
    check_set_remediation_first(c, "Remove the duplicates (", "first: data/a.jsonl:10", ")");
    check_apply_level(c, LEVEL_BLOCK, false);
    /* a passing check with a keyed finding is not written to the file */
    struct check *p = result_add_check(s, "duplicates.near", "Near duplicates");
    check_set_value(p, "0");
    p->status = STATUS_PASS;
}

static struct known_findings *parse_ok(const char *text)
{
    struct known_findings *k = NULL;
    assert_int_equal(known_findings_parse(&k, text, strlen(text), FILE_NAME), 0);
    assert_non_null(k);
    return k;
}

static const struct check *first_check(const struct result *r)
{
    return &r->sections[0].checks[0];
}

static void test_known_findings__parse_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *error;
    } cases[] = {
        { "{", FILE_NAME ": not valid JSON (" },
        { "[]", "expected an object with \"dsci_baseline\": 1 and an \"accepted\" list" },
        { "{\"dsci_baseline\": 1}", "expected an object with \"dsci_baseline\": 1 and an \"accepted\" list" },
        { "{\"dsci_baseline\": 2, \"accepted\": []}", FILE_NAME ": format 2 is not one this dsci reads (1)" },
        { "{\"dsci_baseline\": 1, \"accepted\": [{\"check\": \"x\", \"key\": \"ABCD\"}]}",
          FILE_NAME ": accepted[0]: needs \"check\" and a \"key\" of 32 lower-case hex digits" },
        { "{\"dsci_baseline\": 1, \"accepted\": [{\"key\": \"00000000000000000000000000000000\"}]}",
          FILE_NAME ": accepted[0]: needs \"check\"" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct known_findings *k = (void *)1;
        print_message("case: %s\n", cases[i].text);
        assert_int_equal(known_findings_parse(&k, cases[i].text, strlen(cases[i].text), FILE_NAME), DSCI_EUSAGE);
        assert_null(k);
        assert_non_null(strstr(err_last(), cases[i].error));
    }
    struct known_findings *k = NULL;
    assert_int_equal(known_findings_parse(&k, "{\0}", 3, FILE_NAME), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "contains a NUL byte"));
}

/* What --update-baseline writes, read back, accepts every finding it lists. */
static void test_known_findings__round_trip(void **state)
{
    (void)state;
    static const unsigned char keys[] = { 0x22, 0x11 };
    struct result r;
    make_result(&r, keys, 2, false);
    struct buf text = BUF_INIT;
    assert_int_equal(known_findings_render(&text, &r), 2);
    /* sorted by check, path, line: the finding at line 10 (key 22) first */
    const char *k22 = strstr(text.ptr, "22222222222222222222222222222222"),
               *k11 = strstr(text.ptr, "11111111111111111111111111111111");
    assert_non_null(k22);
    assert_non_null(k11);
    assert_true(k22 < k11);
    assert_null(strstr(text.ptr, "duplicates.near"));

    struct known_findings *k = parse_ok(text.ptr);
    assert_int_equal(known_findings_count(k), 2);
    struct result again;
    make_result(&again, keys, 2, false);
    known_findings_apply(k, &again, FILE_NAME);
    const struct check *c = first_check(&again);
    assert_int_equal(c->accepted, 2);
    assert_int_equal(c->status, STATUS_PASS);
    assert_false(c->blocking);
    assert_null(c->remediation);
    assert_string_equal(c->value_text, "2 (1 group) (2 accepted)");
    assert_true(result_passed(&again));
    assert_int_equal(known_findings_stale(k), 0);
    assert_int_equal(again.n_notes, 0);

    /* the accepted check is written again: the file is stable */
    struct buf text2 = BUF_INIT;
    assert_int_equal(known_findings_render(&text2, &again), 2);
    assert_string_equal(text.ptr, text2.ptr);

    buf_release(&text);
    buf_release(&text2);
    known_findings_free(k);
    result_release(&r);
    result_release(&again);
}

/* Some findings accepted: the check still fails, its step names the first open finding
 * and says how many need nothing. */
static void test_known_findings__partial(void **state)
{
    (void)state;
    static const unsigned char keys[] = { 0x22, 0x11 };
    struct known_findings *k = parse_ok("{\"dsci_baseline\": 1, \"accepted\": [{\"check\": \"duplicates.exact\", "
                                        "\"key\": \"22222222222222222222222222222222\"}]}");
    struct result r;
    make_result(&r, keys, 2, false);
    known_findings_apply(k, &r, FILE_NAME);
    const struct check *c = first_check(&r);
    assert_int_equal(c->accepted, 1);
    assert_int_equal(c->status, STATUS_FAIL);
    assert_true(c->blocking);
    assert_string_equal(c->remediation, "Remove the duplicates (first: data/a.jsonl:11) (of these, 1 is accepted in "
                                        ".dsci-baseline.json and needs nothing)");
    assert_true(c->findings[0].accepted);
    assert_false(c->findings[1].accepted);
    known_findings_free(k);
    result_release(&r);
}

/* An entry written before a key's recipe changed still matches through the old key; an
 * entry for another check does not. */
static void test_known_findings__old_keys(void **state)
{
    (void)state;
    static const unsigned char keys[] = { 0x01 };
    static const struct {
        const char *check, *key;
        bool old, accepted;
    } cases[] = {
        { "duplicates.exact", "01010101010101010101010101010101", false, true },
        { "duplicates.exact", "81818181818181818181818181818181", true, true },
        { "duplicates.exact", "81818181818181818181818181818181", false, false },
        { "splits.overlap", "01010101010101010101010101010101", false, false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char *text = xasprintf("{\"dsci_baseline\": 1, \"accepted\": [{\"check\": \"%s\", \"key\": \"%s\"}]}",
                               cases[i].check, cases[i].key);
        struct known_findings *k = parse_ok(text);
        struct result r;
        make_result(&r, keys, 1, cases[i].old);
        known_findings_apply(k, &r, FILE_NAME);
        print_message("case %zu\n", i);
        assert_int_equal(first_check(&r)->findings[0].accepted, cases[i].accepted);
        assert_int_equal(known_findings_stale(k), cases[i].accepted ? 0 : 1);
        known_findings_free(k);
        result_release(&r);
        free(text);
    }
}

/* Entries that match nothing are named (a few, then a count), unless their check kept
 * only some of its findings: it may hold them among the others. */
static void test_known_findings__stale(void **state)
{
    (void)state;
    static const unsigned char keys[] = { 0x01 };
    struct buf text = BUF_INIT;
    buf_addstr(&text, "{\"dsci_baseline\": 1, \"accepted\": [");
    for (int i = 0; i < 7; i++)
        buf_printf(&text, "%s{\"check\": \"duplicates.exact\", \"key\": \"%032x\", \"path\": \"data/a.jsonl\", "
                   "\"line\": %d}", i ? ", " : "", 0xa0 + i, 40 + i);
    buf_addstr(&text, "]}");
    struct known_findings *k = parse_ok(text.ptr);
    struct result r;
    make_result(&r, keys, 1, false);
    known_findings_apply(k, &r, FILE_NAME);
    assert_int_equal(known_findings_stale(k), 7);
    assert_int_equal(r.n_notes, 6);
    assert_string_equal(r.notes[0], ".dsci-baseline.json: accepted duplicates.exact finding at data/a.jsonl:40 is no "
                                    "longer found (stale); 'dsci check --update-baseline' drops it");
    assert_string_equal(r.notes[5], ".dsci-baseline.json: 2 more stale entries");
    result_release(&r);

    make_result(&r, keys, 1, false);
    r.sections[0].checks[0].findings_total = 1000;   /* findings were dropped past the cap */
    known_findings_apply(k, &r, FILE_NAME);
    assert_int_equal(known_findings_stale(k), 0);
    assert_int_equal(r.n_notes, 0);
    result_release(&r);
    known_findings_free(k);
    buf_release(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_findings__parse_errors),
        cmocka_unit_test(test_known_findings__round_trip),
        cmocka_unit_test(test_known_findings__partial),
        cmocka_unit_test(test_known_findings__old_keys),
        cmocka_unit_test(test_known_findings__stale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
