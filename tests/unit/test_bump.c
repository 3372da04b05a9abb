/* dsci bump's decision: every rule of versioning.rules with its default part, the
 * overrides, which rule decides when several fire, and the decision without a baseline
 * (from the version file's record). Also the spec keys that configure it. */
#include "test_helpers.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version/bump.h"
#include "util/sha256.h"
#include "spec/spec.h"
#include "util/err.h"
#include "util/xalloc.h"

#define MAX_FILES 4
#define N_SPLITS 2
#define N_CATEGORIES 3

static const char *const SPEC_BASE =
    "dsci: 1\n"
    "dataset:\n"
    "  name: t\n"
    "  files: {train: data/train.jsonl, test: data/test.jsonl}\n"
    "gates:\n"
    "  coverage:\n"
    "    categories:\n"
    "      - {name: A, min: 1, keywords: [a]}\n"
    "      - {name: B, min: 1, keywords: [b]}\n"
    "      - {name: C, min: 1, keywords: [c]}\n"
    "  regression: {max_removed: 10%}\n";

static struct spec *load_spec(const char *extra)
{
    struct spec *spec = NULL;
    char *text = xasprintf("%s%s", SPEC_BASE, extra ? extra : "");
    if (spec_load_buffer(&spec, "specs/t.yaml", text, strlen(text)) != 0)
        fail_msg("spec does not load: %s", err_last());
    free(text);
    return spec;
}

/* One side's files: train is one file, test another, each with its bytes' digest. */
struct side {
    struct result r;
    struct result_file files[MAX_FILES];
    char paths[MAX_FILES][64];
};

static void side_init(struct side *s)
{
    memset(s, 0, sizeof(*s));
    s->r.files = s->files;
    s->r.n_files = 2;
    for (size_t i = 0; i < 2; i++) {
        snprintf(s->paths[i], sizeof(s->paths[i]), "data/%s.jsonl", i ? "test" : "train");
        s->files[i].path = s->files[i].root_path = s->paths[i];
        s->files[i].split = i;
        s->files[i].format = FORMAT_SHAREGPT;
        s->files[i].examples = i ? 20 : 80;
        s->files[i].bytes = i ? 2000 : 8000;
        s->files[i].sha256_valid = true;
        memset(s->files[i].sha256, (int)(0x10 + i), 32);
    }
}

/* The baseline and the head, and the diff between them, all unchanged to start with. */
struct fixture {
    struct spec *spec;
    struct side base, head;
    struct diff diff;
    uint64_t base_cat[N_CATEGORIES + 1], head_cat[N_CATEGORIES + 1];
    uint64_t base_split[N_SPLITS], head_split[N_SPLITS];
    struct bump_decision d;
};

static void fixture_init(struct fixture *f, const char *spec_extra)
{
    memset(f, 0, sizeof(*f));
    f->spec = load_spec(spec_extra);
    side_init(&f->base);
    side_init(&f->head);
    static const uint64_t cats[N_CATEGORIES + 1] = { 40, 30, 30, 0 };
    memcpy(f->base_cat, cats, sizeof(cats));
    memcpy(f->head_cat, cats, sizeof(cats));
    f->base_split[0] = f->head_split[0] = 80;
    f->base_split[1] = f->head_split[1] = 20;
    f->diff.n_splits = N_SPLITS;
    f->diff.n_categories = N_CATEGORIES;
    f->diff.base_examples = f->diff.head_examples = 100;
    f->diff.total.unchanged = 100;
    f->diff.base_category_counts = f->base_cat;
    f->diff.head_category_counts = f->head_cat;
    f->diff.base_split_counts = f->base_split;
    f->diff.head_split_counts = f->head_split;
}

/* The head's examples change: added and removed in split 0, categories as given. */
static void change(struct fixture *f, uint64_t added, uint64_t removed, uint64_t modified)
{
    f->diff.total.added = added;
    f->diff.total.removed = removed;
    f->diff.total.modified = modified;
    f->diff.total.unchanged = 100 - removed - modified;
    f->diff.head_examples = 100 + added - removed;
    f->head_split[0] = 80 + added - removed;
    f->head.files[0].examples = f->head_split[0];
    f->head.files[0].sha256[0] ^= 0xff;   /* the file's bytes changed */
    f->head_cat[0] = f->base_cat[0] + added - removed;
}

static const struct bump_decision *decide_with(struct fixture *f, const struct spec *base_spec,
                                               const struct version_file *recorded, const char *card)
{
    struct bump_input in = {
        .spec = f->spec, .diff = &f->diff, .base = &f->base.r, .head = &f->head.r,
        .recorded = recorded, .base_spec = base_spec, .card_changed = card,
    };
    bump_decide(&f->d, &in);
    return &f->d;
}

static const struct bump_decision *decide(struct fixture *f)
{
    return decide_with(f, NULL, NULL, NULL);
}

static void fixture_release(struct fixture *f)
{
    bump_decision_release(&f->d);
    spec_free(f->spec);
}

static bool fired(const struct bump_decision *d, enum bump_rule rule, enum semver_part part)
{
    for (size_t i = 0; i < d->n_hits; i++)
        if (d->hits[i].rule == rule)
            return d->hits[i].part == part;
    return false;
}

static void expect(const struct bump_decision *d, enum semver_part part, const char *reason)
{
    if (d->part != part || strcmp(d->reason, reason))
        fail_msg("got %s '%s', want %s '%s'", semver_part_name(d->part), d->reason, semver_part_name(part), reason);
}

static void test_bump__nothing_changed_is_none(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL);
    const struct bump_decision *d = decide(&f);
    expect(d, SEMVER_NONE, "no change in the data files");
    assert_false(d->data_changed);
    assert_int_equal(d->n_hits, 0);
    fixture_release(&f);
}

static void test_bump__reformatted_file_is_patch(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL);
    f.head.files[1].sha256[5] ^= 1;
    f.head.files[1].bytes += 7;
    const struct bump_decision *d = decide(&f);
    expect(d, SEMVER_PATCH, "data/test.jsonl changed, its examples did not");
    assert_true(fired(d, BUMP_RULE_METADATA_CHANGED, SEMVER_PATCH));
    assert_true(d->data_changed);
    fixture_release(&f);
}

static void test_bump__card_change_is_patch(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL);
    const struct bump_decision *d = decide_with(&f, NULL, NULL, "README.md");
    expect(d, SEMVER_PATCH, "the dataset card README.md changed");
    assert_true(d->data_changed);
    fixture_release(&f);
}

static void test_bump__modified_examples_are_patch(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL);
    change(&f, 0, 0, 3);
    expect(decide(&f), SEMVER_PATCH, "3 examples modified");
    bump_decision_release(&f.d);

    change(&f, 0, 0, 1);
    expect(decide(&f), SEMVER_PATCH, "1 example modified");
    fixture_release(&f);
}

static void test_bump__replaced_examples_without_growth_are_patch(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL);
    change(&f, 2, 2, 1);
    expect(decide(&f), SEMVER_PATCH, "examples changed: 2 added, 2 removed, 1 modified, net 0");
    bump_decision_release(&f.d);

    /* a few removed, within max_removed (10%): still a fix */
    change(&f, 0, 10, 0);
    const struct bump_decision *d = decide(&f);
    expect(d, SEMVER_PATCH, "examples changed: 10 removed, net -10");
    assert_false(fired(d, BUMP_RULE_REMOVED_OVER_LIMIT, SEMVER_MAJOR));
    fixture_release(&f);
}

static void test_bump__net_growth_is_minor(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL);
    change(&f, 12, 0, 0);
    const struct bump_decision *d = decide(&f);
    expect(d, SEMVER_MINOR, "12 examples added, net +12");
    assert_true(fired(d, BUMP_RULE_EXAMPLES_ADDED, SEMVER_MINOR));
    assert_false(fired(d, BUMP_RULE_EXAMPLES_MODIFIED, SEMVER_PATCH));
    bump_decision_release(&f.d);

    change(&f, 5, 2, 1);
    d = decide(&f);
    expect(d, SEMVER_MINOR, "5 examples added, 2 removed, net +3");
    assert_true(fired(d, BUMP_RULE_EXAMPLES_MODIFIED, SEMVER_PATCH));
    fixture_release(&f);
}

static void test_bump__category_added_is_minor(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL);
    f.base_cat[2] = 0;
    f.base_cat[3] = 30;   /* were uncategorized, now C */
    change(&f, 0, 0, 0);
    expect(decide(&f), SEMVER_MINOR, "category 'C' added (30 examples)");
    fixture_release(&f);
}

static void test_bump__category_removed_is_major(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL);
    f.head_cat[1] = 0;
    f.head_cat[3] = 30;
    change(&f, 0, 0, 30);
    const struct bump_decision *d = decide(&f);
    expect(d, SEMVER_MAJOR, "category 'B' removed (30 examples before, none now)");
    assert_true(fired(d, BUMP_RULE_EXAMPLES_MODIFIED, SEMVER_PATCH));
    fixture_release(&f);
}

static void test_bump__removed_over_limit_is_major(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL);
    change(&f, 0, 11, 0);
    expect(decide(&f), SEMVER_MAJOR, "11 of 100 examples removed (11.0%, max 10%)");
    bump_decision_release(&f.d);

    /* growth does not hide the removals */
    change(&f, 20, 11, 0);
    expect(decide(&f), SEMVER_MAJOR, "11 of 100 examples removed (11.0%, max 10%)");
    fixture_release(&f);
}

static void test_bump__split_emptied_or_dropped_is_major(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL);
    f.head_split[1] = 0;
    f.head.files[1].examples = 0;
    f.head.files[1].sha256[0] ^= 1;
    f.diff.head_examples = 80;
    f.diff.total.removed = 20;
    expect(decide(&f), SEMVER_MAJOR, "split 'test' has no examples any more (20 examples before)");
    fixture_release(&f);

    /* a split the baseline's spec had and the head's does not */
    fixture_init(&f, NULL);
    struct spec *old = NULL;
    const char *text = "dsci: 1\ndataset:\n  files: {train: a.jsonl, test: b.jsonl, extra: c.jsonl}\n";
    assert_int_equal(spec_load_buffer(&old, "specs/t.yaml", text, strlen(text)), 0);
    expect(decide_with(&f, old, NULL, NULL), SEMVER_MAJOR, "split 'extra' is no longer in the spec");
    assert_true(f.d.data_changed);
    spec_free(old);
    fixture_release(&f);

    /* or that the baseline's version file lists */
    fixture_init(&f, NULL);
    struct version_split vs = { .name = (char *)"dev", .examples = 7, .has_examples = true };
    struct version_file vf = { .splits = &vs, .n_splits = 1 };
    expect(decide_with(&f, NULL, &vf, NULL), SEMVER_MAJOR, "split 'dev' is no longer in the spec (7 examples before)");
    fixture_release(&f);
}

static void test_bump__format_change_is_major(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL);
    f.head.files[1].format = FORMAT_OPENAI;
    f.head.files[1].sha256[0] ^= 1;
    expect(decide(&f), SEMVER_MAJOR, "split 'test' changed format from sharegpt to openai");
    fixture_release(&f);

    /* dataset.format itself changed between the specs */
    fixture_init(&f, "");
    f.spec->dataset.format = FORMAT_ALPACA;
    struct spec *old = load_spec(NULL);
    old->dataset.format = FORMAT_SHAREGPT;
    expect(decide_with(&f, old, NULL, NULL), SEMVER_MAJOR, "dataset.format changed from sharegpt to alpaca");
    spec_free(old);
    fixture_release(&f);
}

static void test_bump__largest_part_decides(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, NULL);
    /* growth (minor), a category gone (major), edits (patch): major, by its reason */
    f.head_cat[2] = 0;
    change(&f, 40, 0, 3);
    f.head_cat[0] = 110;
    const struct bump_decision *d = decide(&f);
    expect(d, SEMVER_MAJOR, "category 'C' removed (30 examples before, none now)");
    assert_int_equal(d->n_hits, 3);
    assert_int_equal(d->hits[0].rule, BUMP_RULE_CATEGORY_REMOVED);
    assert_int_equal(d->hits[1].rule, BUMP_RULE_EXAMPLES_ADDED);
    assert_int_equal(d->hits[2].rule, BUMP_RULE_EXAMPLES_MODIFIED);
    fixture_release(&f);
}

static void test_bump__rules_override_defaults(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, "versioning:\n"
                     "  rules:\n"
                     "    examples_added: patch\n"
                     "    category_removed: minor\n"
                     "    examples_modified: minor\n"
                     "    metadata_changed: none\n"
                     "    format_change: minor\n"
                     "    split_removed: minor\n"
                     "    removed_over_limit: patch\n"
                     "    category_added: major\n");
    change(&f, 12, 0, 0);
    expect(decide(&f), SEMVER_PATCH, "12 examples added, net +12");
    bump_decision_release(&f.d);

    change(&f, 0, 0, 2);
    expect(decide(&f), SEMVER_MINOR, "2 examples modified");
    bump_decision_release(&f.d);

    change(&f, 0, 30, 0);
    f.head_cat[0] = 40;
    f.head_cat[1] = 0;
    const struct bump_decision *d = decide(&f);
    expect(d, SEMVER_MINOR, "category 'B' removed (30 examples before, none now)");
    assert_true(fired(d, BUMP_RULE_REMOVED_OVER_LIMIT, SEMVER_PATCH));
    fixture_release(&f);

    /* a rule set to none: the change is seen, nothing is bumped */
    fixture_init(&f, "versioning: {rules: {metadata_changed: none}}\n");
    f.head.files[0].sha256[0] ^= 1;
    d = decide(&f);
    expect(d, SEMVER_NONE, "only changes versioning.rules ignores (metadata_changed: data/train.jsonl changed, "
                           "its examples did not)");
    assert_true(d->data_changed);
    fixture_release(&f);
}

static void test_bump__spec_rules_defaults_and_errors(void **state)
{
    (void)state;
    struct spec *s = load_spec(NULL);
    static const enum semver_part defaults[BUMP_RULE_COUNT] = {
        SEMVER_MAJOR, SEMVER_MAJOR, SEMVER_MAJOR, SEMVER_MAJOR, SEMVER_MINOR, SEMVER_MINOR, SEMVER_PATCH, SEMVER_PATCH,
        SEMVER_MAJOR,
    };
    for (int i = 0; i < BUMP_RULE_COUNT; i++)
        assert_int_equal(s->versioning.rules[i], defaults[i]);
    assert_string_equal(spec_bump_rule_name(BUMP_RULE_REMOVED_OVER_LIMIT), "removed_over_limit");
    spec_free(s);

    static const struct {
        const char *yaml, *message;
    } bad[] = {
        { "versioning:\n  rules:\n    example_added: patch\n",
          "specs/t.yaml:14:5: unknown key 'example_added' in versioning.rules (did you mean 'examples_added'?)" },
        { "versioning:\n  rules:\n    split_removed: majr\n",
          "specs/t.yaml:14:20: versioning.rules.split_removed: expected one of major, minor, patch, none, got 'majr' "
          "(did you mean 'major'?)" },
        { "versioning:\n  rules: [major]\n", "specs/t.yaml:13:10: versioning.rules: expected a mapping" },
        { "versioning:\n  rule: {}\n", "unknown key 'rule' in versioning (did you mean 'rules'?)" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct spec *spec = NULL;
        char *text = xasprintf("%s%s", SPEC_BASE, bad[i].yaml);
        assert_int_equal(spec_load_buffer(&spec, "specs/t.yaml", text, strlen(text)), DSCI_EUSAGE);
        if (!strstr(err_last(), bad[i].message))
            fail_msg("error '%s' lacks '%s'", err_last(), bad[i].message);
        assert_null(spec);
        free(text);
    }
}

/* Without a baseline: the version file's record of the head's files. */
struct record {
    struct version_file vf;
    struct version_split splits[N_SPLITS];
    char sums[N_SPLITS][80];
};

static void record_of(struct record *rec, const struct side *head)
{
    memset(rec, 0, sizeof(*rec));
    for (size_t i = 0; i < N_SPLITS; i++) {
        char hex[65];
        sha256_hex(hex, head->files[i].sha256);
        snprintf(rec->sums[i], sizeof(rec->sums[i]), "sha256:%s", hex);
        rec->splits[i].name = (char *)(i ? "test" : "train");
        rec->splits[i].path = (char *)head->paths[i];
        rec->splits[i].checksum = rec->sums[i];
        rec->splits[i].examples = head->files[i].examples;
        rec->splits[i].has_examples = true;
    }
    rec->vf.version = (char *)"1.0.0";
    rec->vf.splits = rec->splits;
    rec->vf.n_splits = N_SPLITS;
}

static const struct bump_decision *decide_recorded(struct fixture *f, const struct record *rec)
{
    struct bump_input in = { .spec = f->spec, .head = &f->head.r, .recorded = &rec->vf };
    bump_decide(&f->d, &in);
    return &f->d;
}

static void test_bump__without_baseline_uses_the_record(void **state)
{
    (void)state;
    struct fixture f;
    struct record rec;
    fixture_init(&f, NULL);
    record_of(&rec, &f.head);

    const struct bump_decision *d = decide_recorded(&f, &rec);
    expect(d, SEMVER_NONE, "no change in the data files");
    assert_false(d->data_changed);
    bump_decision_release(&f.d);

    /* checksums compare case-insensitively, and "./" is the same path */
    for (char *p = rec.sums[0] + 7; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    rec.splits[0].path = (char *)"./data/train.jsonl";
    expect(decide_recorded(&f, &rec), SEMVER_NONE, "no change in the data files");
    bump_decision_release(&f.d);

    f.head.files[0].sha256[3] ^= 1;
    expect(decide_recorded(&f, &rec), SEMVER_PATCH, "split 'train' changed with as many examples");
    bump_decision_release(&f.d);

    f.head.files[0].examples = 90;
    expect(decide_recorded(&f, &rec), SEMVER_MINOR, "10 examples added, net +10");
    bump_decision_release(&f.d);

    f.head.files[0].examples = 75;
    expect(decide_recorded(&f, &rec), SEMVER_PATCH, "split 'train' changed, net -5");
    bump_decision_release(&f.d);

    f.head.files[0].examples = 60;
    expect(decide_recorded(&f, &rec), SEMVER_MAJOR, "20 of 100 examples gone (20.0%, max 10%)");
    bump_decision_release(&f.d);

    f.head.files[0].examples = 80;
    f.head.files[1].examples = 0;
    expect(decide_recorded(&f, &rec), SEMVER_MAJOR, "split 'test' has no examples any more (20 before)");
    bump_decision_release(&f.d);

    /* a split of the record the spec no longer has */
    f.head.files[1].examples = 20;
    record_of(&rec, &f.head);
    rec.splits[1].name = (char *)"dev";
    expect(decide_recorded(&f, &rec), SEMVER_MAJOR, "split 'dev' is no longer in the spec (20 examples before)");
    fixture_release(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bump__nothing_changed_is_none),
        cmocka_unit_test(test_bump__reformatted_file_is_patch),
        cmocka_unit_test(test_bump__card_change_is_patch),
        cmocka_unit_test(test_bump__modified_examples_are_patch),
        cmocka_unit_test(test_bump__replaced_examples_without_growth_are_patch),
        cmocka_unit_test(test_bump__net_growth_is_minor),
        cmocka_unit_test(test_bump__category_added_is_minor),
        cmocka_unit_test(test_bump__category_removed_is_major),
        cmocka_unit_test(test_bump__removed_over_limit_is_major),
        cmocka_unit_test(test_bump__split_emptied_or_dropped_is_major),
        cmocka_unit_test(test_bump__format_change_is_major),
        cmocka_unit_test(test_bump__largest_part_decides),
        cmocka_unit_test(test_bump__rules_override_defaults),
        cmocka_unit_test(test_bump__spec_rules_defaults_and_errors),
        cmocka_unit_test(test_bump__without_baseline_uses_the_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
