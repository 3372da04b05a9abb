/*
 * YAML -> struct spec, in two passes: yaml_tree.c builds a bounded tree of our own,
 * then schema.c and schema_gates.c walk it with the getters (getters.c), keeping the
 * dotted key path for messages. Every error names file:line:column of the node at
 * fault. This file: loading, defaults, freeing, names.
 */
#include "spec/spec_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/sha256.h"
#include "util/path_boundary.h"
#include "util/xalloc.h"

static void spec_defaults(struct spec *s)
{
    s->version = SPEC_FORMAT;
    s->dataset.format = FORMAT_AUTO;
    s->dataset.id_field = xstrdup("id");
    s->dataset.max_line_bytes = (size_t)64 << 20;
    s->versioning.tag_prefix = xstrdup("v");
    s->versioning.rules[BUMP_RULE_FORMAT_CHANGE] = SEMVER_MAJOR;
    s->versioning.rules[BUMP_RULE_SPLIT_REMOVED] = SEMVER_MAJOR;
    s->versioning.rules[BUMP_RULE_CATEGORY_REMOVED] = SEMVER_MAJOR;
    s->versioning.rules[BUMP_RULE_REMOVED_OVER_LIMIT] = SEMVER_MAJOR;
    s->versioning.rules[BUMP_RULE_EXAMPLES_ADDED] = SEMVER_MINOR;
    s->versioning.rules[BUMP_RULE_CATEGORY_ADDED] = SEMVER_MINOR;
    s->versioning.rules[BUMP_RULE_EXAMPLES_MODIFIED] = SEMVER_PATCH;
    s->versioning.rules[BUMP_RULE_METADATA_CHANGED] = SEMVER_PATCH;
    s->versioning.rules[BUMP_RULE_TOKENIZER_CHANGED] = SEMVER_MAJOR;

    s->gates.format.level = LEVEL_BLOCK;
    s->gates.format.role_human = xstrdup("human");
    s->gates.format.role_assistant = xstrdup("gpt");
    s->gates.format.role_system = xstrdup("system");
    s->gates.format.allow_system = true;
    s->gates.format.ends_with_reply = true;

    s->gates.coverage.level = LEVEL_OFF;   /* block once categories are given */
    s->gates.coverage.by = COVERAGE_KEYWORDS;

    s->gates.quality.level = LEVEL_WARN;
    s->gates.quality.human_length.target = (struct spec_band){ 10, 2000 };
    s->gates.quality.human_length.acceptable = (struct spec_band){ 1, 8000 };
    s->gates.quality.assistant_length.target = (struct spec_band){ 20, 4000 };
    s->gates.quality.assistant_length.acceptable = (struct spec_band){ 1, 16000 };
    s->gates.quality.unique_messages.target = 95;
    s->gates.quality.unique_messages.acceptable = 90;
    s->gates.quality.turn_variance.target = 4.0;
    s->gates.quality.turn_variance.acceptable = 16.0;

    s->gates.duplicates.exact = LEVEL_BLOCK;
    s->gates.duplicates.near = LEVEL_WARN;
    s->gates.duplicates.threshold = 0.8;
    s->gates.duplicates.shingle = 5;
    s->gates.duplicates.permutations = 128;

    s->gates.leakage.level = LEVEL_BLOCK;
    s->gates.leakage.near_threshold = 0.9;

    s->gates.pii.level = LEVEL_BLOCK;
    s->gates.pii.detect = PII_EMAIL | PII_PHONE | PII_CREDIT_CARD | PII_IPV4 | PII_IPV6 | PII_API_KEY;

    s->gates.reproducibility.level = LEVEL_WARN;
    s->gates.reproducibility.require =
        REPRO_VERSION | REPRO_CHECKSUMS | REPRO_RANDOM_SEED | REPRO_MODEL | REPRO_CARD;

    s->gates.splits.level = LEVEL_BLOCK;
    s->gates.splits.tolerance = 0.05;

    s->gates.regression.level = LEVEL_BLOCK;
    s->gates.regression.coverage_drop = LEVEL_BLOCK;
    s->gates.regression.max_removed = 0.05;
    s->gates.regression.metric_drift = LEVEL_WARN;

    s->gates.tokens.level = LEVEL_OFF;   /* block once a tokenizer is given */
    s->gates.tokens.per_message = 3;
    s->gates.tokens.per_example = 3;
    s->gates.tokens.price_per_million = -1;

    s->gates.preference.level = LEVEL_BLOCK;
    s->gates.preference.identical = LEVEL_BLOCK;
    s->gates.preference.near = LEVEL_WARN;
    s->gates.preference.contradictory = LEVEL_BLOCK;
    s->gates.preference.length_bias = LEVEL_WARN;
    s->gates.preference.near_threshold = 0.95;
    s->gates.preference.length_band = (struct spec_band){ 0.35, 0.65 };
}

int spec_load_buffer(struct spec **out, const char *path, const char *data, size_t len)
{
    struct ctx c = { path, NULL, BUF_INIT };
    struct ynode *root = NULL;
    struct spec *s = NULL;
    int r;

    *out = NULL;
    if (len > SPEC_MAX_BYTES) {
        r = err_set(DSCI_EUSAGE, "%s: spec is larger than 1 MiB; a dsci spec is a small YAML file",
                    path);
        goto done;
    }
    if ((r = yaml_tree_parse(&root, path, data ? data : "", len)) < 0)
        goto done;
    s = xcalloc(1, sizeof(*s));
    s->path = xstrdup(path);
    s->root = spec_root_of(path);
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, data ? data : "", len);
    sha256_final(&h, s->sha256);
    spec_defaults(s);
    c.spec = s;
    if ((r = schema_parse(&c, root)) < 0)
        goto done;
    *out = s;
    s = NULL;
done:
    buf_release(&c.kp);
    ynode_free(root);
    spec_free(s);
    return r;
}

/* Opened without blocking, so a FIFO is refused rather than waited on. */
int spec_read_capped(struct buf *out, const char *path, size_t max)
{
    FILE *f = NULL;
    struct stat st;
    char chunk[16384];
    size_t n;
    int r = 0;

    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return err_set(DSCI_EUSAGE, "%s: no such file", path);
        return err_set(path_error_code(errno), "%s: cannot read: %s", path, strerror(errno));
    }
    if (fstat(fd, &st) != 0) {
        r = err_set(DSCI_EENV, "%s: cannot read: %s", path, strerror(errno));
        close(fd);
        return r;
    }
    if (!S_ISREG(st.st_mode)) {
        r = err_set(DSCI_EUSAGE, "%s: is %s, not a spec file", path,
                    S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO"
                    : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device" : "not a regular file");
        close(fd);
        return r;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 || !(f = fdopen(fd, "rb"))) {
        r = err_set(DSCI_EENV, "%s: cannot read: %s", path, strerror(errno));
        close(fd);
        return r;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        size_t room = max + 1 - out->len;
        buf_add(out, chunk, n < room ? n : room);
        if (out->len > max) {
            r = 1;
            goto done;
        }
    }
    if (ferror(f))
        r = err_set(DSCI_EENV, "%s: cannot read: %s", path, strerror(errno));
done:
    fclose(f);
    return r;
}

int spec_load(struct spec **out, const char *path)
{
    struct buf data = BUF_INIT;
    int r;

    *out = NULL;
    r = spec_read_capped(&data, path, SPEC_MAX_BYTES);
    if (r == 1)
        r = err_set(DSCI_EUSAGE, "%s: spec is larger than 1 MiB; a dsci spec is a small YAML file",
                    path);
    if (r < 0)
        goto done;
    r = spec_load_buffer(out, path, buf_cstr(&data), data.len);
done:
    buf_release(&data);
    return r;
}

void spec_free(struct spec *spec)
{
    if (!spec)
        return;
    free(spec->path);
    free(spec->root);

    free(spec->dataset.name);
    free(spec->dataset.pretty_name);
    for (size_t i = 0; i < spec->dataset.n_splits; i++) {
        free(spec->dataset.splits[i].name);
        strv_free(spec->dataset.splits[i].patterns, spec->dataset.splits[i].n_patterns);
    }
    free(spec->dataset.splits);
    free(spec->dataset.card);
    free(spec->dataset.version_file);
    free(spec->dataset.license);
    strv_free(spec->dataset.language, spec->dataset.n_language);
    strv_free(spec->dataset.task_categories, spec->dataset.n_task_categories);
    free(spec->dataset.id_field);

    free(spec->versioning.tag_prefix);

    free(spec->gates.format.role_human);
    free(spec->gates.format.role_assistant);
    free(spec->gates.format.role_system);
    free(spec->gates.coverage.field);
    for (size_t i = 0; i < spec->gates.coverage.n_categories; i++) {
        free(spec->gates.coverage.categories[i].name);
        strv_free(spec->gates.coverage.categories[i].keywords,
                  spec->gates.coverage.categories[i].n_keywords);
    }
    free(spec->gates.coverage.categories);
    strv_free(spec->gates.pii.allow, spec->gates.pii.n_allow);
    free(spec->gates.pii.allow_loc);
    for (size_t i = 0; i < spec->gates.splits.n_rules; i++)
        free(spec->gates.splits.rules[i].name);
    free(spec->gates.splits.rules);
    free(spec->gates.tokens.tokenizer);
    free(spec->gates.tokens.encoding);
    free(spec->gates.tokens.sha256);
    free(spec);
}

const char *spec_level_name(enum gate_level level)
{
    static const char *const names[] = { [LEVEL_OFF] = "off", [LEVEL_WARN] = "warn",
                                         [LEVEL_BLOCK] = "block" };
    return (unsigned)level < ARRAY_SIZE(names) ? names[level] : "unknown";
}

const char *spec_format_name(enum dataset_format format)
{
    static const char *const names[] = { [FORMAT_AUTO] = "auto", [FORMAT_SHAREGPT] = "sharegpt",
                                         [FORMAT_OPENAI] = "openai", [FORMAT_ALPACA] = "alpaca",
                                         [FORMAT_PREFERENCE] = "preference",
                                         [FORMAT_COMPLETION] = "completion", [FORMAT_TEXT] = "text" };
    return (unsigned)format < ARRAY_SIZE(names) ? names[format] : "unknown";
}

/* The index of the first of `n` structs of `size` bytes whose `char *` at `name_at` is
 * `name`; n when none. */
static size_t index_named(const void *items, size_t n, size_t size, size_t name_at, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(*(char *const *)((const char *)items + i * size + name_at), name))
            return i;
    return n;
}

size_t spec_split_index(const struct spec *spec, const char *name)
{
    size_t n = spec->dataset.n_splits;
    size_t i = index_named(spec->dataset.splits, n, sizeof(struct spec_split),
                           offsetof(struct spec_split, name), name);
    return i < n ? i : SIZE_MAX;
}

const struct spec_category *spec_category_named(const struct spec *spec, const char *name)
{
    size_t n = spec->gates.coverage.n_categories;
    size_t i = index_named(spec->gates.coverage.categories, n, sizeof(struct spec_category),
                           offsetof(struct spec_category, name), name);
    return i < n ? &spec->gates.coverage.categories[i] : NULL;
}

const struct spec_split_rule *spec_split_rule_named(const struct spec *spec, const char *name)
{
    size_t n = spec->gates.splits.n_rules;
    size_t i = index_named(spec->gates.splits.rules, n, sizeof(struct spec_split_rule),
                           offsetof(struct spec_split_rule, name), name);
    return i < n ? &spec->gates.splits.rules[i] : NULL;
}
