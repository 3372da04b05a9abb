/*
 * The spec's top level (dsci:, dataset:, versioning:, gates:) and the dataset and
 * versioning sections, read from the YAML tree with the getters. Gates live in
 * schema_gates.c. Keys may come in any order: checks across keys run after a mapping
 * is read in full.
 */
#include "spec/spec_impl.h"

#include <stdlib.h>
#include <string.h>

#include "util/strv.h"
#include "util/err.h"
#include "util/suggest.h"
#include "util/xalloc.h"

/* ------------------------------------------------------------------------------ */
/* dataset:                                                                        */

static int split_paths(struct ctx *c, const struct ynode *val, struct spec_split *split)
{
    int r;

    if (val->is_null)
        return expected(c, val, "a path, a glob or a list of them");
    r = get_strlist(c, val, &split->patterns, &split->n_patterns, true);
    if (r == 0 && !split->n_patterns)
        r = fail(c, val, "%s: needs at least one path", kp(c));
    for (size_t j = 0; r == 0 && j < split->n_patterns; j++) {
        if (split->patterns[j][0] == '/') {
            char tmp[64];
            r = fail(c, val->kind == Y_SEQ ? val->items[j] : val,
                     "%s: paths are relative to the dataset root, got '%s'", kp(c),
                     shown(split->patterns[j], tmp, sizeof(tmp)));
        }
    }
    return r;
}

static int parse_files(struct ctx *c, const struct ynode *v)
{
    struct spec *s = c->spec;
    int r;

    if ((r = expect_map(c, v)) < 0)
        return r;
    s->dataset.splits = xcalloc(v->n / 2 + 1, sizeof(*s->dataset.splits));
    for (size_t i = 0; i < v->n; i += 2) {
        const struct ynode *k = v->items[i];
        struct spec_split *split = &s->dataset.splits[s->dataset.n_splits++];
        size_t mark;

        split->name = xstrdup(k->value);
        split->loc = loc_of(k);
        if (!k->len || strpbrk(k->value, "/\\ \t")) {
            char tmp[64];
            return fail(c, k, "%s: split name '%s' must be non-empty, without spaces or slashes",
                        kp(c), shown(k->value, tmp, sizeof(tmp)));
        }
        mark = kp_push(c, k->value);
        r = split_paths(c, v->items[i + 1], split);
        kp_pop(c, mark);
        if (r < 0)
            return r;
    }
    if (!s->dataset.n_splits)
        return fail(c, v, "%s: needs at least one split, such as 'train: data/train.jsonl'", kp(c));
    return 0;
}

static int dataset_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    static const char *const formats[] = { "sharegpt", "openai", "alpaca", "preference", "completion",
                                           "text", "auto" };
    static const int format_values[] = { FORMAT_SHAREGPT, FORMAT_OPENAI, FORMAT_ALPACA, FORMAT_PREFERENCE,
                                         FORMAT_COMPLETION, FORMAT_TEXT, FORMAT_AUTO };
    struct spec *s = c->spec;
    const char *k = key->value;
    int format = (int)s->dataset.format, r = 0;

    (void)arg;
    if (!strcmp(k, "name"))
        return get_str(c, val, &s->dataset.name, true);
    if (!strcmp(k, "pretty_name"))
        return get_str(c, val, &s->dataset.pretty_name, true);
    if (!strcmp(k, "format")) {
        r = get_choice(c, val, formats, format_values, ARRAY_SIZE(formats), &format);
        s->dataset.format = (enum dataset_format)format;
        return r;
    }
    if (!strcmp(k, "files"))
        return val->is_null ? 0 : parse_files(c, val);
    if (!strcmp(k, "card")) {
        s->dataset.card_loc = loc_of(key);
        return get_path(c, val, &s->dataset.card);
    }
    if (!strcmp(k, "version_file")) {
        s->dataset.version_file_loc = loc_of(key);
        return get_path(c, val, &s->dataset.version_file);
    }
    if (!strcmp(k, "license"))
        return get_str(c, val, &s->dataset.license, true);
    if (!strcmp(k, "language"))
        return get_strlist(c, val, &s->dataset.language, &s->dataset.n_language, true);
    if (!strcmp(k, "task_categories"))
        return get_strlist(c, val, &s->dataset.task_categories, &s->dataset.n_task_categories, true);
    if (!strcmp(k, "id_field"))
        return get_str(c, val, &s->dataset.id_field, true);
    return get_size(c, val, &s->dataset.max_line_bytes);   /* max_line_bytes */
}

static int parse_dataset(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = {
        "name", "pretty_name", "format", "files", "card", "version_file", "license",
        "language", "task_categories", "id_field", "max_line_bytes",
    };
    struct spec *s = c->spec;
    int r;

    s->dataset.loc = loc_of(key);
    if (v->is_null)
        return fail(c, key, "missing required key 'dataset.files'");
    if ((r = walk_map(c, v, keys, ARRAY_SIZE(keys), dataset_key, NULL)) < 0)
        return r;
    if (!s->dataset.n_splits)
        return fail(c, key, "missing required key 'dataset.files'");
    return 0;
}

/* ------------------------------------------------------------------------------ */
/* versioning:                                                                     */

static const char *const bump_rule_names[BUMP_RULE_COUNT] = {
    "format_change", "split_removed", "category_removed", "removed_over_limit",
    "examples_added", "category_added", "examples_modified", "metadata_changed",
    "tokenizer_changed",
};

/* versioning.rules: rule -> major | minor | patch | none. */
static int bump_rule_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    static const char *const parts[] = { "major", "minor", "patch", "none" };
    static const int part_values[] = { SEMVER_MAJOR, SEMVER_MINOR, SEMVER_PATCH, SEMVER_NONE };
    int r = 0;

    (void)arg;
    for (size_t rule = 0; rule < BUMP_RULE_COUNT; rule++) {
        if (strcmp(key->value, bump_rule_names[rule]))
            continue;
        int part = (int)c->spec->versioning.rules[rule];
        r = get_choice(c, val, parts, part_values, ARRAY_SIZE(parts), &part);
        c->spec->versioning.rules[rule] = (enum semver_part)part;
    }
    return r;
}

static int versioning_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    int r;

    (void)arg;
    if (!strcmp(key->value, "rules")) {
        if (val->is_null)
            return 0;
        return walk_map(c, val, bump_rule_names, BUMP_RULE_COUNT, bump_rule_key, NULL);
    }
    /* tag_prefix. An empty prefix (tags like 1.2.0) is fine; characters git refuses
     * in a tag name are caught here rather than at `bump --tag`. */
    r = get_str(c, val, &c->spec->versioning.tag_prefix, false);
    if (r == 0 && is_value(val) && strpbrk(val->value, " \t~^:?*[\\")) {
        char tmp[64];
        r = fail(c, val, "%s: '%s' cannot start a git tag name", kp(c),
                 shown(val->value, tmp, sizeof(tmp)));
    }
    return r;
}

static int parse_versioning(struct ctx *c, const struct ynode *key, const struct ynode *v)
{
    static const char *const keys[] = { "tag_prefix", "rules" };

    c->spec->versioning.loc = loc_of(key);
    if (v->is_null)
        return 0;
    return walk_map(c, v, keys, ARRAY_SIZE(keys), versioning_key, NULL);
}

const char *spec_bump_rule_name(enum bump_rule rule)
{
    return (unsigned)rule < BUMP_RULE_COUNT ? bump_rule_names[rule] : "unknown";
}

/* ------------------------------------------------------------------------------ */
/* The top level                                                                   */

/* Every split rule must name a split of dataset.files. */
static int check_split_rules(struct ctx *c)
{
    struct spec *s = c->spec;
    size_t n = s->dataset.n_splits;
    const char **sorted = xreallocarray(NULL, n + 2, sizeof(*sorted));
    int r = 0;

    for (size_t i = 0; i < n; i++)
        sorted[i] = s->dataset.splits[i].name;
    qsort(sorted, n, sizeof(*sorted), strv_cmp);
    for (size_t i = 0; i < s->gates.splits.n_rules; i++) {
        const struct spec_split_rule *rule = &s->gates.splits.rules[i];
        const char *hint;
        char tmp[64];

        if (bsearch(&rule->name, sorted, n, sizeof(*sorted), strv_cmp))
            continue;
        /* The hint may also be a gate key the user misspelt (`tolerence`). */
        sorted[n] = "level";
        sorted[n + 1] = "tolerance";
        hint = suggest_closest(rule->name, sorted, n + 2);
        r = fail_at(c, rule->loc, "split '%s' is not in dataset.files%s%s%s",
                    shown(rule->name, tmp, sizeof(tmp)), hint ? " (did you mean '" : "",
                    hint ? hint : "", hint ? "'?)" : "");
        break;
    }
    free(sorted);
    return r;
}

/* The format version first: a newer spec may use keys this build has never heard of,
 * and "upgrade dsci" is the useful answer then, not "unknown key". */
static int parse_format_version(struct ctx *c, const struct ynode *root)
{
    const struct ynode *v = map_get(root, "dsci");
    size_t version;
    char tmp[80];

    if (!v)
        return fail(c, root, "missing required key 'dsci' (the spec format version: 'dsci: %d')",
                    SPEC_FORMAT);
    if (v->kind != Y_SCALAR || !parse_uint_text(v->value, &version))
        return fail(c, v, "dsci: expected the spec format version %d, got %s", SPEC_FORMAT,
                    describe(v, tmp, sizeof(tmp)));
    if (version > SPEC_FORMAT)
        return fail(c, v, "spec format %zu is newer than this dsci supports (%d); upgrade dsci",
                    version, SPEC_FORMAT);
    if (version < 1)
        return fail(c, v, "dsci: spec format %zu does not exist; use 'dsci: %d'", version, SPEC_FORMAT);
    c->spec->version = (int)version;
    return 0;
}

static int top_key(struct ctx *c, const struct ynode *key, const struct ynode *val, void *arg)
{
    if (!strcmp(key->value, "dataset")) {
        *(const struct ynode **)arg = key;
        return parse_dataset(c, key, val);
    }
    if (!strcmp(key->value, "versioning"))
        return parse_versioning(c, key, val);
    if (!strcmp(key->value, "gates"))
        return schema_parse_gates(c, val);
    return 0;   /* dsci: read first */
}

int schema_parse(struct ctx *c, const struct ynode *root)
{
    static const char *const keys[] = { "dsci", "dataset", "versioning", "gates" };
    const struct ynode *dataset = NULL;
    int r;

    if (!root)
        return err_set(DSCI_EUSAGE, "%s: the spec is empty; it needs 'dsci: 1' and a 'dataset' "
                       "with 'files'", c->path);
    if (root->kind != Y_MAP) {
        char tmp[80];
        return fail(c, root, "expected a mapping at the top level, got %s",
                    describe(root, tmp, sizeof(tmp)));
    }
    if ((r = expect_map(c, root)) < 0 || (r = parse_format_version(c, root)) < 0 ||
        (r = walk_keys(c, root, keys, ARRAY_SIZE(keys), top_key, &dataset)) < 0)
        return r;
    if (!dataset)
        return fail(c, root, "missing required key 'dataset' (with 'files': split -> path)");
    return check_split_rules(c);
}
