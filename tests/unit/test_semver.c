/* Semantic versions: strict parsing, §11 precedence, bump rules and the baseline pick. */
#include "test_helpers.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "version/semver.h"
#include "util/buf.h"
#include "util/err.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parses a version the test knows to be valid; the message names it when it is not. */
static struct semver must_parse(const char *text)
{
    struct semver v = SEMVER_INIT;
    if (semver_parse(&v, text) != 0)
        fail_msg("'%s' should parse: %s", text, err_last());
    return v;
}

static int compare_text(const char *a, const char *b)
{
    struct semver va = must_parse(a), vb = must_parse(b);
    int c = semver_compare(&va, &vb);
    semver_release(&va);
    semver_release(&vb);
    return c;
}

static void test_semver__parse_valid(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        uint64_t major, minor, patch;
        const char *pre, *build;
    } cases[] = {
        { "0.0.0", 0, 0, 0, NULL, NULL },
        { "1.2.3", 1, 2, 3, NULL, NULL },
        { "10.20.30", 10, 20, 30, NULL, NULL },
        { "1.0.0-alpha", 1, 0, 0, "alpha", NULL },
        { "1.0.0-alpha.1", 1, 0, 0, "alpha.1", NULL },
        { "1.0.0-0.3.7", 1, 0, 0, "0.3.7", NULL },
        { "1.0.0-x.7.z.92", 1, 0, 0, "x.7.z.92", NULL },
        { "1.0.0-x-y-z.--", 1, 0, 0, "x-y-z.--", NULL },
        { "1.0.0--", 1, 0, 0, "-", NULL },
        { "1.0.0-0", 1, 0, 0, "0", NULL },
        { "1.0.0-0a.00a", 1, 0, 0, "0a.00a", NULL },   /* leading zeros are fine when not numeric */
        { "1.0.0-rc.1+build.1", 1, 0, 0, "rc.1", "build.1" },
        { "1.0.0+20130313144700", 1, 0, 0, NULL, "20130313144700" },
        { "1.0.0-beta+exp.sha.5114f85", 1, 0, 0, "beta", "exp.sha.5114f85" },
        { "1.0.0+21AF26D3----117B344092BD", 1, 0, 0, NULL, "21AF26D3----117B344092BD" },
        { "1.0.0+001.0002", 1, 0, 0, NULL, "001.0002" },  /* build metadata may have leading zeros */
        { "2.0.0-SNAPSHOT-123", 2, 0, 0, "SNAPSHOT-123", NULL },
        { "1.0.0-18446744073709551616", 1, 0, 0, "18446744073709551616", NULL }, /* no bound here */
        { "18446744073709551615.18446744073709551615.18446744073709551615",
          UINT64_MAX, UINT64_MAX, UINT64_MAX, NULL, NULL },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct semver v = must_parse(cases[i].text);
        assert_true(v.major == cases[i].major);
        assert_true(v.minor == cases[i].minor);
        assert_true(v.patch == cases[i].patch);
        if (cases[i].pre)
            assert_string_equal(v.prerelease, cases[i].pre);
        else
            assert_null(v.prerelease);
        if (cases[i].build)
            assert_string_equal(v.build, cases[i].build);
        else
            assert_null(v.build);
        semver_release(&v);
    }
}

static void test_semver__parse_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *text, *why;
    } cases[] = {
        { "", "empty version" },
        { "1", "missing minor version" },
        { "1.2", "missing patch version" },
        { "1.2.", "missing patch version" },
        { "1..3", "missing minor version" },
        { "1.2.3.4", "unexpected '.' after patch version" },
        { "01.2.3", "leading zero in major version" },
        { "1.02.3", "leading zero in minor version" },
        { "1.2.03", "leading zero in patch version" },
        { "00.0.0", "leading zero in major version" },
        { "1.2.3-01", "leading zero in numeric pre-release identifier '01'" },
        { "1.2.3-rc.007", "leading zero in numeric pre-release identifier '007'" },
        { "1.2.3-", "empty pre-release identifier" },
        { "1.2.3+", "empty build metadata identifier" },
        { "1.2.3-a..b", "empty pre-release identifier" },
        { "1.2.3-a.", "empty pre-release identifier" },
        { "1.2.3-.a", "empty pre-release identifier" },
        { "1.2.3-+b", "empty pre-release identifier" },
        { "1.2.3+a..b", "empty build metadata identifier" },
        { "1.2.3+a+b", "invalid character '+' in build metadata" },
        { "1.2.3-rc_1", "invalid character '_' in pre-release" },
        { "1.2.3-α", "invalid character byte 0xce (non-ASCII) in pre-release" },
        { "1.2.3-beta+ü", "invalid character byte 0xc3 (non-ASCII) in build metadata" },
        { "v1.2.3", "major version must be a number, found 'v'" },
        { "V1.2.3", "major version must be a number, found 'V'" },
        { "-1.2.3", "major version must be a number, found '-'" },
        { "+1.2.3", "major version must be a number, found '+'" },
        { " 1.2.3", "major version must be a number, found ' '" },
        { "1.2.3 ", "unexpected ' ' after patch version" },
        { "1.2.3\n", "unexpected byte 0x0a (control) after patch version" },
        { "1.2.-3", "patch version must be a number, found '-'" },
        { "1.2a.3", "expected '.' after minor version, found 'a'" },
        { "1,2,3", "expected '.' after major version, found ','" },
        { "99999999999999999999.0.0", "major version is larger than 18446744073709551615" },
        { "18446744073709551616.0.0", "major version is larger than 18446744073709551615" },
        { "1.18446744073709551616.0", "minor version is larger than 18446744073709551615" },
        { "1.0.18446744073709551616", "patch version is larger than 18446744073709551615" },
        { "1.2.3-rc.1 +b", "invalid character ' ' in pre-release" },
        { "latest", "major version must be a number, found 'l'" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct semver v = { 7, 7, 7, NULL, NULL };
        err_clear();
        int ret = semver_parse(&v, cases[i].text);
        if (ret != DSCI_EUSAGE)
            fail_msg("'%s' should be rejected, got %d", cases[i].text, ret);
        if (!strstr(err_last(), cases[i].why))
            fail_msg("'%s': message \"%s\" lacks \"%s\"", cases[i].text, err_last(), cases[i].why);
        /* a failed parse leaves an empty version, safe to release */
        assert_true(v.major == 0 && v.minor == 0 && v.patch == 0);
        assert_null(v.prerelease);
        assert_null(v.build);
        semver_release(&v);
    }
}

static void test_semver__parse_message_quotes_the_input(void **state)
{
    (void)state;
    struct semver v = SEMVER_INIT;
    assert_int_equal(semver_parse(&v, "1.02.3"), DSCI_EUSAGE);
    assert_string_equal(err_last(), "'1.02.3': leading zero in minor version");
    assert_int_equal(err_last_code(), DSCI_EUSAGE);

    /* control characters are shown escaped, so the message stays one line */
    assert_int_equal(semver_parse(&v, "1.2.3\n"), DSCI_EUSAGE);
    assert_string_equal(err_last(), "'1.2.3\\x0a': unexpected byte 0x0a (control) after patch version");

    /* a hostile length is cut, not echoed whole */
    char long_text[1000];
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    assert_int_equal(semver_parse(&v, long_text), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "...'"));
    assert_true(strlen(err_last()) < 300);
}

/* Every pair of a strictly increasing chain, both ways, and each element with itself. */
static void check_chain(const char *const *chain, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            int want = i < j ? -1 : i > j ? 1 : 0;
            int got = compare_text(chain[i], chain[j]);
            if (got != want)
                fail_msg("compare('%s', '%s') = %d, want %d", chain[i], chain[j], got, want);
        }
    }
}

static void test_semver__precedence_spec_examples(void **state)
{
    (void)state;
    /* SemVer 2.0.0 §11.2 and §11.4 */
    static const char *const core[] = { "1.0.0", "2.0.0", "2.1.0", "2.1.1" };
    static const char *const pre[] = {
        "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
        "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0",
    };
    check_chain(core, ARRAY_SIZE(core));
    check_chain(pre, ARRAY_SIZE(pre));
}

static void test_semver__precedence_table(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        int want;
    } cases[] = {
        { "1.10.0", "1.2.0", 1 },                 /* numerically, not as text */
        { "1.2.10", "1.2.9", 1 },
        { "10.0.0", "9.99.99", 1 },
        { "3.0.0", "2.999.999", 1 },
        { "0.1.0", "0.0.99", 1 },
        { "0.0.0", "0.0.1", -1 },
        { "18446744073709551615.0.0", "18446744073709551614.99.99", 1 },
        { "2.0.0-rc.1", "2.0.0", -1 },            /* a pre-release is below its release */
        { "2.0.0-rc.1", "1.99.99", 1 },           /* ... and above the previous release */
        { "1.0.0-0", "1.0.0", -1 },
        { "1.2.0", "1.2.0+build.5", 0 },          /* build metadata is ignored */
        { "1.2.0+a", "1.2.0+b", 0 },
        { "1.0.0-rc.1+x", "1.0.0-rc.1+y", 0 },
        { "1.0.0-alpha+001", "1.0.0-alpha", 0 },
        { "1.0.0", "1.0.0", 0 },
        { "1.0.0-18446744073709551616", "1.0.0-9", 1 },  /* past uint64: still numeric */
        { "1.0.0-18446744073709551616", "1.0.0-18446744073709551615", 1 },
        { "1.0.0-99999999999999999999999", "1.0.0-99999999999999999999998", 1 },
        { "1.0.0-123456789012345678901234567890", "1.0.0-alpha", -1 }, /* numeric < alphanumeric */
        { "1.0.0-1", "1.0.0-a", -1 },
        { "1.0.0-999", "1.0.0--", -1 },           /* "-" is an alphanumeric identifier */
        { "1.0.0-1a", "1.0.0-2", 1 },             /* "1a" is alphanumeric */
        { "1.0.0-1a", "1.0.0-1b", -1 },
        { "1.0.0-9", "1.0.0-10", -1 },
        { "1.2.3-rc.2", "1.2.3-rc.10", -1 },
        { "1.2.3-rc10", "1.2.3-rc2", -1 },        /* alphanumeric: ASCII order, "rc1" < "rc2" */
        { "1.0.0-a", "1.0.0-A", 1 },              /* ASCII: 'A' (65) < 'a' (97) */
        { "1.0.0-Z", "1.0.0-a", -1 },
        { "1.0.0-zzz", "1.0.0-aaaa", 1 },
        { "1.0.0-a-b", "1.0.0-a", 1 },            /* a prefix sorts first */
        { "1.0.0-a.b", "1.0.0-a-b", -1 },         /* "a" < "a-b" decides before the fields count */
        { "1.0.0-alpha.1", "1.0.0-alpha.a", -1 },
        { "1.0.0-rc.1", "1.0.0-rc.1.0", -1 },     /* more fields, all shared ones equal */
        { "1.0.0-0.3.7", "1.0.0-0.3.7.0", -1 },
        { "1.0.0-x.7.z.92", "1.0.0-x.7.z.93", -1 },
        { "1.0.0-beta.11", "1.0.0-beta.2", 1 },
        { "1.0.0-alpha", "1.0.0-alpha", 0 },
        { "1.0.0-alpha.10.a", "1.0.0-alpha.9.b", 1 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        int got = compare_text(cases[i].a, cases[i].b);
        if (got != cases[i].want)
            fail_msg("compare('%s', '%s') = %d, want %d", cases[i].a, cases[i].b, got, cases[i].want);
        got = compare_text(cases[i].b, cases[i].a);
        if (got != -cases[i].want)
            fail_msg("compare('%s', '%s') = %d, want %d", cases[i].b, cases[i].a, got, -cases[i].want);
        assert_int_equal(compare_text(cases[i].a, cases[i].a), 0);
    }
    print_message("%zu precedence pairs, each both ways\n", ARRAY_SIZE(cases));
}

static void test_semver__compare_hand_built(void **state)
{
    (void)state;
    /* structs not from semver_parse: numeric ids with leading zeros, an empty pre-release */
    struct semver a = { 1, 0, 0, (char *)"rc.007", NULL };
    struct semver b = { 1, 0, 0, (char *)"rc.7", NULL };
    struct semver c = { 1, 0, 0, (char *)"", NULL };
    struct semver d = { 1, 0, 0, NULL, NULL };
    assert_int_equal(semver_compare(&a, &b), 0);
    assert_int_equal(semver_compare(&c, &d), 0);
    assert_int_equal(semver_compare(&a, &c), -1);
}

static void test_semver__format_round_trip(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "0.0.0", "1.2.3", "1.0.0-alpha.1", "1.0.0+build.7", "1.0.0-rc.1+build.1",
        "1.0.0--", "1.0.0-x-y-z.--+001", "1.0.0-18446744073709551616",
        "18446744073709551615.18446744073709551615.18446744073709551615",
    };
    for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
        struct semver v = must_parse(texts[i]), again = SEMVER_INIT;
        char *text = semver_format(&v);
        assert_string_equal(text, texts[i]);
        assert_int_equal(semver_parse(&again, text), 0);
        assert_int_equal(semver_compare(&v, &again), 0);
        free(text);
        semver_release(&v);
        semver_release(&again);
    }
    struct semver empty = SEMVER_INIT;
    char *text = semver_format(&empty);
    assert_string_equal(text, "0.0.0");
    free(text);
}

static void test_semver__bump(void **state)
{
    (void)state;
    static const struct {
        const char *from;
        enum semver_part part;
        const char *want;
    } cases[] = {
        { "1.2.3", SEMVER_NONE, "1.2.3" },
        { "1.2.3", SEMVER_PATCH, "1.2.4" },
        { "1.2.3", SEMVER_MINOR, "1.3.0" },
        { "1.2.3", SEMVER_MAJOR, "2.0.0" },
        { "0.0.0", SEMVER_PATCH, "0.0.1" },
        { "0.9.9", SEMVER_MINOR, "0.10.0" },
        { "9.9.9", SEMVER_MAJOR, "10.0.0" },
        /* a pre-release counts as the change it precedes */
        { "1.2.3-rc.1", SEMVER_PATCH, "1.2.3" },
        { "1.2.3-rc.1", SEMVER_MINOR, "1.3.0" },
        { "1.2.3-rc.1", SEMVER_MAJOR, "2.0.0" },
        { "1.3.0-rc.1", SEMVER_PATCH, "1.3.0" },
        { "1.3.0-rc.1", SEMVER_MINOR, "1.3.0" },
        { "1.3.0-rc.1", SEMVER_MAJOR, "2.0.0" },
        { "2.0.0-rc.1", SEMVER_PATCH, "2.0.0" },
        { "2.0.0-rc.1", SEMVER_MINOR, "2.0.0" },
        { "2.0.0-rc.1", SEMVER_MAJOR, "2.0.0" },
        /* bumping drops build metadata; none keeps everything */
        { "1.2.3+build.7", SEMVER_PATCH, "1.2.4" },
        { "1.2.3-rc.1+build.7", SEMVER_PATCH, "1.2.3" },
        { "1.2.3+build.7", SEMVER_NONE, "1.2.3+build.7" },
        { "1.2.3-rc.1+build.7", SEMVER_NONE, "1.2.3-rc.1+build.7" },
        /* the numbers that would not fit are reset, not incremented */
        { "18446744073709551615.0.0-rc.1", SEMVER_MAJOR, "18446744073709551615.0.0" },
        { "1.18446744073709551615.18446744073709551615", SEMVER_MAJOR, "2.0.0" },
        { "1.2.18446744073709551615", SEMVER_MINOR, "1.3.0" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct semver from = must_parse(cases[i].from), next = SEMVER_INIT;
        assert_int_equal(semver_bump(&next, &from, cases[i].part), 0);
        char *text = semver_format(&next);
        if (strcmp(text, cases[i].want) != 0)
            fail_msg("bump %s of '%s' = '%s', want '%s'", semver_part_name(cases[i].part), cases[i].from,
                     text, cases[i].want);
        /* the result is never below where it started, and above it unless NONE */
        assert_int_equal(semver_compare(&next, &from), cases[i].part == SEMVER_NONE ? 0 : 1);
        free(text);
        semver_release(&from);
        semver_release(&next);
    }
}

static void test_semver__bump_in_place_and_errors(void **state)
{
    (void)state;
    struct semver v = must_parse("1.2.3-rc.1+b"), next = { 5, 5, 5, NULL, NULL };

    assert_int_equal(semver_bump(&v, &v, SEMVER_MINOR), 0);   /* out may be from */
    char *text = semver_format(&v);
    assert_string_equal(text, "1.3.0");
    free(text);
    semver_release(&v);

    static const struct {
        const char *from;
        enum semver_part part;
        const char *why;
    } overflows[] = {
        { "18446744073709551615.0.0", SEMVER_MAJOR, "'18446744073709551615.0.0': the major version cannot go past 18446744073709551615" },
        { "1.18446744073709551615.0", SEMVER_MINOR, "the minor version cannot go past" },
        { "1.2.18446744073709551615", SEMVER_PATCH, "the patch version cannot go past" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(overflows); i++) {
        v = must_parse(overflows[i].from);
        assert_int_equal(semver_bump(&next, &v, overflows[i].part), DSCI_EUSAGE);
        assert_non_null(strstr(err_last(), overflows[i].why));
        assert_true(next.major == 0 && next.prerelease == NULL);   /* left empty */
        /* in place, a failure leaves the version as it was */
        assert_int_equal(semver_bump(&v, &v, overflows[i].part), DSCI_EUSAGE);
        text = semver_format(&v);
        assert_string_equal(text, overflows[i].from);
        free(text);
        semver_release(&v);
    }

    v = must_parse("1.2.3");
    assert_int_equal(semver_bump(&next, &v, (enum semver_part)42), DSCI_EINTERNAL);
    semver_release(&v);
}

static void test_semver__part_names(void **state)
{
    (void)state;
    assert_string_equal(semver_part_name(SEMVER_NONE), "none");
    assert_string_equal(semver_part_name(SEMVER_PATCH), "patch");
    assert_string_equal(semver_part_name(SEMVER_MINOR), "minor");
    assert_string_equal(semver_part_name(SEMVER_MAJOR), "major");
    assert_true(SEMVER_NONE < SEMVER_PATCH && SEMVER_PATCH < SEMVER_MINOR && SEMVER_MINOR < SEMVER_MAJOR);
}

/* A fake history: every tag is an ancestor except those listed; `fail` makes the lookup fail. */
struct history {
    const char *const *not_ancestors;
    size_t n_not;
    const char *fail;
    size_t calls;
};

static int fake_is_ancestor(void *ctx, const char *tag)
{
    struct history *h = ctx;
    h->calls++;
    if (h->fail && strcmp(tag, h->fail) == 0)
        return err_set(DSCI_EENV, "cannot peel '%s'", tag);
    for (size_t i = 0; i < h->n_not; i++)
        if (strcmp(tag, h->not_ancestors[i]) == 0)
            return 0;
    return 1;
}

static const char *const issue_tags[] = {
    "dataset-v1.2.0", "dataset-v1.10.0", "dataset-v2.0.0-rc.1", "dataset-vnext", "other-v9.0.0",
};

static void test_semver__baseline_skips_non_ancestor(void **state)
{
    (void)state;
    static const char *const not_ancestors[] = { "dataset-v2.0.0-rc.1" };
    struct history h = { not_ancestors, 1, NULL, 0 };
    struct buf notes = BUF_INIT;
    size_t pick = 99;

    assert_int_equal(semver_pick_baseline(&pick, issue_tags, ARRAY_SIZE(issue_tags), "dataset-v",
                                          fake_is_ancestor, &h, NULL, &notes), 0);
    assert_int_equal(pick, 1);
    assert_string_equal(issue_tags[pick], "dataset-v1.10.0");
    assert_string_equal(buf_cstr(&notes),
                        "ignored tag 'dataset-vnext': not a semantic version\n"
                        "skipped tag 'dataset-v2.0.0-rc.1': not an ancestor of HEAD\n");
    /* asked from the top down, and no further than the pick */
    assert_int_equal(h.calls, 2);
    /* checking another revision (--rev): the note names it */
    buf_reset(&notes);
    assert_int_equal(semver_pick_baseline(&pick, issue_tags, ARRAY_SIZE(issue_tags), "dataset-v",
                                          fake_is_ancestor, &h, "release/1.x", &notes), 0);
    assert_non_null(strstr(buf_cstr(&notes), "skipped tag 'dataset-v2.0.0-rc.1': not an ancestor of release/1.x\n"));
    buf_release(&notes);
}

static void test_semver__baseline_all_ancestors(void **state)
{
    (void)state;
    struct history h = { NULL, 0, NULL, 0 };
    struct buf notes = BUF_INIT;
    size_t pick = 99;

    assert_int_equal(semver_pick_baseline(&pick, issue_tags, ARRAY_SIZE(issue_tags), "dataset-v",
                                          fake_is_ancestor, &h, NULL, &notes), 0);
    assert_int_equal(pick, 2);
    assert_string_equal(issue_tags[pick], "dataset-v2.0.0-rc.1");
    assert_string_equal(buf_cstr(&notes), "ignored tag 'dataset-vnext': not a semantic version\n");
    assert_int_equal(h.calls, 1);
    buf_release(&notes);

    /* no callback: every tag qualifies; no notes buffer: nothing written */
    pick = 99;
    assert_int_equal(semver_pick_baseline(&pick, issue_tags, ARRAY_SIZE(issue_tags), "dataset-v",
                                          NULL, NULL, NULL, NULL), 0);
    assert_int_equal(pick, 2);
}

static void test_semver__baseline_none(void **state)
{
    (void)state;
    static const char *const not_ancestors[] = {
        "dataset-v1.2.0", "dataset-v1.10.0", "dataset-v2.0.0-rc.1",
    };
    struct history h = { not_ancestors, ARRAY_SIZE(not_ancestors), NULL, 0 };
    struct buf notes = BUF_INIT;
    size_t pick = 99;

    assert_int_equal(semver_pick_baseline(&pick, issue_tags, ARRAY_SIZE(issue_tags), "dataset-v",
                                          fake_is_ancestor, &h, NULL, &notes), 0);
    assert_int_equal(pick, ARRAY_SIZE(issue_tags));
    assert_non_null(strstr(buf_cstr(&notes), "'dataset-vnext'"));
    assert_non_null(strstr(buf_cstr(&notes), "skipped tag 'dataset-v1.2.0'"));
    assert_null(strstr(buf_cstr(&notes), "other-v9.0.0"));   /* another prefix: not ours */
    buf_release(&notes);

    /* no tags at all, and no tag with the prefix */
    pick = 99;
    assert_int_equal(semver_pick_baseline(&pick, NULL, 0, "dataset-v", fake_is_ancestor, &h, NULL, NULL), 0);
    assert_int_equal(pick, 0);
    static const char *const foreign[] = { "v1.0.0", "release-2" };
    assert_int_equal(semver_pick_baseline(&pick, foreign, 2, "dataset-v", fake_is_ancestor, &h, NULL, NULL), 0);
    assert_int_equal(pick, 2);
}

static void test_semver__baseline_ties_by_name(void **state)
{
    (void)state;
    /* equal precedence: the name that sorts first, whatever order the tags came in */
    static const char *const forward[] = { "v1.2.0+b", "v1.2.0", "v1.1.0", "v1.2.0+a" };
    static const char *const backward[] = { "v1.2.0+a", "v1.1.0", "v1.2.0", "v1.2.0+b" };
    size_t pick = 99;

    assert_int_equal(semver_pick_baseline(&pick, forward, 4, "v", NULL, NULL, NULL, NULL), 0);
    assert_string_equal(forward[pick], "v1.2.0");
    assert_int_equal(semver_pick_baseline(&pick, backward, 4, "v", NULL, NULL, NULL, NULL), 0);
    assert_string_equal(backward[pick], "v1.2.0");

    /* when that one is not an ancestor, its equal twin is next */
    static const char *const not_ancestors[] = { "v1.2.0" };
    struct history h = { not_ancestors, 1, NULL, 0 };
    assert_int_equal(semver_pick_baseline(&pick, forward, 4, "v", fake_is_ancestor, &h, NULL, NULL), 0);
    assert_string_equal(forward[pick], "v1.2.0+a");
}

static void test_semver__baseline_prefix_and_errors(void **state)
{
    (void)state;
    /* an empty prefix takes whole tag names as versions; "v" tags are then not versions */
    static const char *const tags[] = { "1.0.0", "v2.0.0", "0.9.0", "dataset-v01.0.0" };
    struct buf notes = BUF_INIT;
    size_t pick = 99;
    assert_int_equal(semver_pick_baseline(&pick, tags, 4, "", NULL, NULL, NULL, &notes), 0);
    assert_int_equal(pick, 0);
    assert_string_equal(buf_cstr(&notes), "ignored tag 'v2.0.0': not a semantic version\n"
                                          "ignored tag 'dataset-v01.0.0': not a semantic version\n");
    buf_release(&notes);

    /* a prefix match that is not a version leaves err_last() alone */
    err_clear();
    assert_int_equal(semver_pick_baseline(&pick, issue_tags, ARRAY_SIZE(issue_tags), "dataset-v",
                                          NULL, NULL, NULL, NULL), 0);
    assert_string_equal(err_last(), "");

    /* a failing lookup is passed up with its message, and nothing is picked */
    struct history h = { NULL, 0, "dataset-v2.0.0-rc.1", 0 };
    pick = 99;
    assert_int_equal(semver_pick_baseline(&pick, issue_tags, ARRAY_SIZE(issue_tags), "dataset-v",
                                          fake_is_ancestor, &h, NULL, NULL), DSCI_EENV);
    assert_int_equal(pick, ARRAY_SIZE(issue_tags));
    assert_string_equal(err_last(), "cannot peel 'dataset-v2.0.0-rc.1'");

    /* notes past the caller's cap are dropped, not an error */
    struct buf small = BUF_INIT;
    small.max = 10;
    assert_int_equal(semver_pick_baseline(&pick, issue_tags, ARRAY_SIZE(issue_tags), "dataset-v",
                                          NULL, NULL, NULL, &small), 0);
    assert_int_equal(small.len, 0);
    buf_release(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_semver__parse_valid),
        cmocka_unit_test(test_semver__parse_invalid),
        cmocka_unit_test(test_semver__parse_message_quotes_the_input),
        cmocka_unit_test(test_semver__precedence_spec_examples),
        cmocka_unit_test(test_semver__precedence_table),
        cmocka_unit_test(test_semver__compare_hand_built),
        cmocka_unit_test(test_semver__format_round_trip),
        cmocka_unit_test(test_semver__bump),
        cmocka_unit_test(test_semver__bump_in_place_and_errors),
        cmocka_unit_test(test_semver__part_names),
        cmocka_unit_test(test_semver__baseline_skips_non_ancestor),
        cmocka_unit_test(test_semver__baseline_all_ancestors),
        cmocka_unit_test(test_semver__baseline_none),
        cmocka_unit_test(test_semver__baseline_ties_by_name),
        cmocka_unit_test(test_semver__baseline_prefix_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
