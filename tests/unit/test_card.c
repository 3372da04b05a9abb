/*
 * The dataset card: Hub size buckets, front matter that a YAML parser (libyaml) reads
 * back as written, marker errors with their lines, hand-written text kept byte for
 * byte, blocks inserted into a card without markers, idempotence, code fence escaping,
 * the changelog, and the diff of --dry-run.
 */
#include "test_helpers.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "card/card.h"
#include "card/card_impl.h"
#include "gates/gate.h"
#include "run/result.h"
#include "spec/spec.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"
#include "util/yaml_emit.h"
#include "version/version_file.h"

/* ---- fixture: a spec, a run's result, files in memory -------------------------------- */

static const char spec_yaml[] =
    "dsci: 1\n"
    "dataset:\n"
    "  name: tiny\n"
    "  format: sharegpt\n"
    "  files:\n"
    "    train: data/train.jsonl\n"
    "    test: data/test.jsonl\n"
    "  card: README.md\n"
    "  version_file: version.json\n"
    "  license: apache-2.0\n"
    "  language: [en]\n";

static const char train_jsonl[] =
    "not json\n"
    "{\"id\": \"t-1\", \"conversations\": [{\"from\": \"human\", \"value\": \"Add task: buy milk\"}, "
    "{\"from\": \"gpt\", \"value\": \"Done: TSK-1 \\\"buy milk\\\" created.\"}], \"meta\": {\"n\": 3, \"ok\": true, "
    "\"tags\": [\"a\", \"b\"], \"score\": 0.5}}\n";

struct fx {
    struct spec *spec;
    struct result result;
    struct version_file *vf;
    struct card_sample *sample;
    struct card_input in;
    const char *train;       /* the train file's text */
    const char *card;        /* the card on "disk", for the gate; NULL: none */
    const char *vf_json;
};

static int mem_read(void *ctx, const char *path, char **out, size_t *len)
{
    struct fx *f = ctx;
    const char *text = !strcmp(path, "data/train.jsonl") ? f->train
                     : !strcmp(path, "README.md") ? f->card
                     : !strcmp(path, "version.json") ? f->vf_json : NULL;
    if (!text)
        return err_set(DSCI_EUSAGE, "%s: no such file", path);
    *out = xstrdup(text);
    *len = strlen(text);
    return 0;
}

static void add_file(struct result *r, const char *path, size_t split, uint64_t examples, uint64_t bytes,
                     unsigned char fill)
{
    r->files = xreallocarray(r->files, r->n_files + 1, sizeof(*r->files));
    struct result_file *f = &r->files[r->n_files++];
    memset(f, 0, sizeof(*f));
    f->path = xstrdup(path);
    f->root_path = xstrdup(path);
    f->split = split;
    f->format = FORMAT_SHAREGPT;
    f->examples = examples;
    f->records = examples;
    f->bytes = bytes;
    memset(f->sha256, fill, sizeof(f->sha256));
    f->sha256_valid = true;
}

/* A fixture with `spec_text` (NULL: spec_yaml), the version file `vf_json` (NULL: none)
 * and the train file `train` (NULL: train_jsonl). */
static struct fx *fx_new(const char *spec_text, const char *vf_json, const char *train)
{
    struct fx *f = xcalloc(1, sizeof(*f));
    spec_text = spec_text ? spec_text : spec_yaml;
    if (spec_load_buffer(&f->spec, "specs/tiny.yaml", spec_text, strlen(spec_text)) < 0)
        fail_msg("spec: %s", err_last());
    if (vf_json && version_file_parse(&f->vf, "version.json", vf_json, strlen(vf_json)) < 0)
        fail_msg("version file: %s", err_last());
    f->vf_json = vf_json;
    f->train = train ? train : train_jsonl;
    result_init(&f->result);
    add_file(&f->result, "data/train.jsonl", 0, 1, strlen(f->train), 0xab);
    add_file(&f->result, "data/test.jsonl", 1, 1, 100, 0xcd);
    card_sample_load(&f->sample, f->spec, &f->result, mem_read, f);
    f->in = (struct card_input){ f->spec, &f->result, f->vf, f->sample, NULL, NULL, 0, .release = NULL };
    return f;
}

static void fx_free(struct fx *f)
{
    card_sample_free(f->sample);
    version_file_free(f->vf);
    result_release(&f->result);
    spec_free(f->spec);
    free(f);
}

/* The fixture's data as a version file records it (checksums of add_file's fills). */
#define AB8 "abababababababab"
#define CD8 "cdcdcdcdcdcdcdcd"
#define RECORDED                                                                                        \
    "\"splits\": {\"train\": {\"path\": \"data/train.jsonl\", \"examples\": 1, \"checksum\": \"sha256:" AB8 AB8 AB8 AB8 \
    "\"}, \"test\": {\"path\": \"data/test.jsonl\", \"examples\": 1, \"checksum\": \"sha256:" CD8 CD8 CD8 CD8 "\"}}"

static const char vf_100[] =
    "{\"version\": \"1.0.0\", \"created\": \"2025-01-01T00:00:00Z\", \"previous\": null, " RECORDED "}";
static const char vf_110[] =
    "{\"version\": \"1.1.0\", \"created\": \"2025-02-03T10:00:00Z\", \"previous\": \"1.0.0\", " RECORDED "}";

/* Renders `existing` (NULL: a new card); the test fails on an error. Caller frees. */
static char *render(struct fx *f, const char *existing)
{
    struct buf out = BUF_INIT;
    if (card_render(&out, "README.md", existing, existing ? strlen(existing) : 0, &f->in) < 0)
        fail_msg("render: %s", err_last());
    return buf_detach(&out, NULL);
}

/* Renders, expecting an error; returns err_last(). */
static const char *render_error(struct fx *f, const char *existing)
{
    struct buf out = BUF_INIT;
    int rc = card_render(&out, "README.md", existing, strlen(existing), &f->in);
    assert_int_equal(rc, DSCI_EUSAGE);
    assert_int_equal(out.len, 0);
    buf_release(&out);
    return err_last();
}

/* ---- a small YAML tree through libyaml -------------------------------------------- */

struct ynode {
    yaml_node_type_t kind;
    char *value;              /* scalars */
    bool plain;               /* a plain (unquoted) scalar */
    struct ynode **items;     /* sequences; mappings alternate key, value */
    size_t n;
};

static void ynode_free(struct ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        ynode_free(n->items[i]);
    free(n->items);
    free(n->value);
    free(n);
}

static struct ynode *ynode_from(yaml_document_t *doc, yaml_node_t *node)
{
    struct ynode *n = xcalloc(1, sizeof(*n));
    n->kind = node->type;
    if (node->type == YAML_SCALAR_NODE) {
        n->value = xmemdup(node->data.scalar.value, node->data.scalar.length);
        n->plain = node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    } else if (node->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
            n->items = xreallocarray(n->items, n->n + 1, sizeof(*n->items));
            n->items[n->n++] = ynode_from(doc, yaml_document_get_node(doc, *it));
        }
    } else if (node->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
            n->items = xreallocarray(n->items, n->n + 2, sizeof(*n->items));
            n->items[n->n++] = ynode_from(doc, yaml_document_get_node(doc, p->key));
            n->items[n->n++] = ynode_from(doc, yaml_document_get_node(doc, p->value));
        }
    }
    return n;
}

/* The front matter of `card` parsed by libyaml; the test fails when it does not parse. */
static struct ynode *front_matter(const char *card)
{
    assert_memory_equal(card, "---\n", 4);
    const char *end = strstr(card + 4, "\n---\n");
    assert_non_null(end);
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)card + 4, (size_t)(end + 1 - (card + 4)));
    if (!yaml_parser_load(&parser, &doc))
        fail_msg("front matter does not parse: %s (line %zu)", parser.problem, parser.problem_mark.line + 1);
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    assert_non_null(root);
    struct ynode *n = ynode_from(&doc, root);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return n;
}

static const struct ynode *get(const struct ynode *map, const char *key)
{
    assert_int_equal(map->kind, YAML_MAPPING_NODE);
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (!strcmp(map->items[i]->value, key))
            return map->items[i + 1];
    fail_msg("no key '%s'", key);
    return NULL;
}

static const struct ynode *at(const struct ynode *seq, size_t i)
{
    assert_int_equal(seq->kind, YAML_SEQUENCE_NODE);
    assert_true(i < seq->n);
    return seq->items[i];
}

/* ---- tests -------------------------------------------------------------------------- */

static void test_card__size_category_boundaries(void **state)
{
    static const struct {
        uint64_t n;
        const char *bucket;
    } cases[] = {
        { 0, "n<1K" }, { 999, "n<1K" }, { 1000, "1K<n<10K" }, { 9999, "1K<n<10K" },
        { 10000, "10K<n<100K" }, { 99999, "10K<n<100K" }, { 100000, "100K<n<1M" },
        { 999999, "100K<n<1M" }, { 1000000, "1M<n<10M" }, { 10000000, "10M<n<100M" },
        { 100000000, "100M<n<1B" }, { 1000000000, "1B<n<10B" }, { 10000000000ull, "10B<n<100B" },
        { 100000000000ull, "100B<n<1T" }, { 999999999999ull, "100B<n<1T" }, { 1000000000000ull, "n>1T" },
        { UINT64_MAX, "n>1T" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (strcmp(card_size_category(cases[i].n), cases[i].bucket))
            fail_msg("%llu: got %s, want %s", (unsigned long long)cases[i].n, card_size_category(cases[i].n),
                     cases[i].bucket);
}

/* The bucket in the card itself follows the examples counted in the run. */
static void test_card__size_category_in_front_matter(void **state)
{
    static const uint64_t totals[] = { 999, 1000, 9999, 10000 };
    static const char *const want[] = { "n<1K", "1K<n<10K", "1K<n<10K", "10K<n<100K" };
    for (size_t i = 0; i < 4; i++) {
        struct fx *f = fx_new(NULL, vf_100, NULL);
        f->result.files[0].examples = totals[i] - 1;
        char *card = render(f, NULL);
        struct ynode *y = front_matter(card);
        assert_string_equal(at(get(y, "size_categories"), 0)->value, want[i]);
        ynode_free(y);
        free(card);
        fx_free(f);
    }
}

static void test_card__scalar_quoting(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "Task API Assistant", "Task API Assistant" },
        { "apache-2.0", "apache-2.0" },
        { "data/splits/train.jsonl", "data/splits/train.jsonl" },
        { "n<1K", "n<1K" },
        { "a: b", "\"a: b\"" },
        { "issue #4", "\"issue #4\"" },
        { "-leading", "\"-leading\"" },
        { "no", "\"no\"" },
        { "Yes", "\"Yes\"" },
        { "null", "\"null\"" },
        { "1.0", "\"1.0\"" },
        { "", "\"\"" },
        { "trailing ", "\"trailing \"" },
        { "Caf\xc3\xa9", "\"Caf\xc3\xa9\"" },
        { "say \"hi\"\\", "\"say \\\"hi\\\"\\\\\"" },
        { "two\nlines\ttab", "\"two\\nlines\\ttab\"" },
        { "bell\x07", "\"bell\\x07\"" },
        { "sep\xe2\x80\xa8", "\"sep\\u2028\"" },
        { "bad\xff", "\"bad\\uFFFD\"" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf b = BUF_INIT;
        yaml_emit_scalar(&b, cases[i].in, YAML_SCALAR_CARD);
        if (strcmp(buf_cstr(&b), cases[i].out))
            fail_msg("'%s': got %s, want %s", cases[i].in, buf_cstr(&b), cases[i].out);
        buf_release(&b);
    }
}

/* Whatever the names, the front matter parses and reads back as the same strings. */
static void test_card__front_matter_parses_with_libyaml(void **state)
{
    static const char tricky[] =
        "dsci: 1\n"
        "dataset:\n"
        "  name: tiny\n"
        "  pretty_name: \"Tasks: the #1 set - \\u00fcber \\\"quoted\\\"\"\n"
        "  format: sharegpt\n"
        "  files:\n"
        "    train: data/train.jsonl\n"
        "    test: [\"data/test.jsonl\", \"data/more test.jsonl\"]\n"
        "  card: README.md\n"
        "  license: \"-other\"\n"
        "  language: [\"no\", en]\n"
        "  task_categories: [text-generation, \"question-answering\"]\n";
    struct fx *f = fx_new(tricky, vf_100, NULL);
    char *card = render(f, NULL);
    struct ynode *y = front_matter(card);
    assert_string_equal(get(y, "pretty_name")->value, "Tasks: the #1 set - \xc3\xbc" "ber \"quoted\"");
    assert_string_equal(get(y, "license")->value, "-other");
    assert_string_equal(at(get(y, "language"), 0)->value, "no");
    assert_false(at(get(y, "language"), 0)->plain);   /* else YAML 1.1 reads false */
    assert_string_equal(at(get(y, "task_categories"), 1)->value, "question-answering");
    const struct ynode *cfg = at(get(y, "configs"), 0);
    assert_string_equal(get(cfg, "config_name")->value, "default");
    const struct ynode *files = get(cfg, "data_files");
    assert_string_equal(get(at(files, 0), "split")->value, "train");
    assert_string_equal(get(at(files, 0), "path")->value, "data/train.jsonl");
    assert_string_equal(at(get(at(files, 1), "path"), 1)->value, "data/more test.jsonl");
    const struct ynode *info = get(y, "dataset_info");
    const struct ynode *split = at(get(info, "splits"), 0);
    assert_string_equal(get(split, "name")->value, "train");
    assert_string_equal(get(split, "num_examples")->value, "1");
    assert_true(get(split, "num_examples")->plain);
    char bytes[32];
    snprintf(bytes, sizeof(bytes), "%zu", strlen(train_jsonl) + 100);
    assert_string_equal(get(info, "dataset_size")->value, bytes);
    /* features: the record's keys in order, the format's own list, inferred types */
    const struct ynode *feats = get(info, "features");
    assert_string_equal(get(at(feats, 0), "name")->value, "id");
    assert_string_equal(get(at(feats, 0), "dtype")->value, "string");
    const struct ynode *conv = at(feats, 1);
    assert_string_equal(get(conv, "name")->value, "conversations");
    assert_string_equal(get(at(get(conv, "list"), 1), "name")->value, "value");
    const struct ynode *meta = get(at(feats, 2), "struct");
    assert_string_equal(get(at(meta, 0), "dtype")->value, "int64");
    assert_string_equal(get(at(meta, 1), "dtype")->value, "bool");
    assert_string_equal(get(at(meta, 2), "sequence")->value, "string");
    assert_string_equal(get(at(meta, 3), "dtype")->value, "float64");
    ynode_free(y);
    free(card);
    fx_free(f);
}

static void test_card__marker_errors_name_lines(void **state)
{
    static const struct {
        const char *card, *message;
    } cases[] = {
        { "---\npretty_name: x\n# no end\n",
          "README.md:1: the front matter is not closed: no '---' line after the opening one" },
        { "# T\n\n<!-- dsci:begin summary -->\nx\n",
          "README.md:3: '<!-- dsci:begin summary -->' has no matching '<!-- dsci:end summary -->'" },
        { "# T\n<!-- dsci:end quality -->\n", "README.md:2: '<!-- dsci:end quality -->' without a matching begin" },
        { "---\na: 1\n---\n<!-- dsci:begin summary -->\n<!-- dsci:begin quality -->\n<!-- dsci:end quality -->\n",
          "README.md:5: '<!-- dsci:begin quality -->' inside block 'summary' (opened at line 4): blocks cannot nest" },
        { "<!-- dsci:begin summary -->\n<!-- dsci:end quality -->\n",
          "README.md:2: '<!-- dsci:end quality -->' does not close block 'summary' (opened at line 1)" },
        { "<!-- dsci:begin coverage -->\n<!-- dsci:end coverage -->\ntext\n<!-- dsci:begin coverage -->\n"
          "<!-- dsci:end coverage -->\n",
          "README.md:4: block 'coverage' appears twice (first at line 1)" },
        { "a\n\n  <!-- dsci:begin stats -->\n",
          "README.md:3: unknown dsci block 'stats' (known: summary, structure, statistics, coverage, quality, "
          "checksums, changelog)" },
        { "<!-- dsci:start summary -->\n",
          "README.md:1: '<!-- dsci:start summary -->' is not a dsci marker (expected '<!-- dsci:begin NAME -->' or "
          "'<!-- dsci:end NAME -->')" },
    };
    struct fx *f = fx_new(NULL, vf_100, NULL);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = render_error(f, cases[i].card);
        if (strcmp(got, cases[i].message))
            fail_msg("case %zu:\n got: %s\nwant: %s", i, got, cases[i].message);
        err_clear();
    }
    fx_free(f);
}

/* Cuts `text` at the dsci markers: the pieces outside them, concatenated. */
static char *outside_markers(const char *text)
{
    struct buf b = BUF_INIT;
    bool inside = false;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        bool begin = !strncmp(p, "<!-- dsci:begin ", 16), end = !strncmp(p, "<!-- dsci:end ", 14);
        if (begin)
            inside = true;
        if (!inside)
            buf_add(&b, p, len);
        if (end)
            inside = false;
        p += len;
    }
    return buf_detach(&b, NULL);
}

/* Everything outside the markers survives, to the byte (CRLF, trailing blanks, a note
 * inside a code fence that looks like a heading); the blocks' content is replaced. */
static void test_card__hand_written_text_kept_byte_for_byte(void **state)
{
    static const char card[] =
        "---\r\n"   /* not a front matter line: "---\r" trims to "---" */
        "tags:\r\n- mine\r\n"
        "---\r\n"
        "# My card \xf0\x9f\x98\x80\r\n"
        "\r\n"
        "Intro with trailing blanks   \r\n"
        "<!-- dsci:begin summary -->\n"
        "stale summary\n"
        "<!-- dsci:end summary -->   \n"
        "between\t\n"
        "```\n## Dataset Structure\n```\n"
        "<!-- dsci:begin statistics -->\n"
        "<!-- dsci:end statistics -->\n"
        "no final newline";
    struct fx *f = fx_new(NULL, vf_100, NULL);
    char *out = render(f, card);
    char *was = outside_markers(strstr(card, "# My card"));
    char *now = outside_markers(strstr(out, "# My card"));
    assert_string_equal(now, was);
    assert_null(strstr(out, "stale summary"));
    assert_non_null(strstr(out, "| train | 1 |"));
    assert_non_null(strstr(out, "tags:\r\n- mine\r\n"));
    free(was);
    free(now);
    free(out);
    fx_free(f);
}

/* The original is the output with the inserted parts taken out: a byte subsequence. */
static bool is_subsequence(const char *small, const char *big)
{
    for (; *small; small++) {
        big = strchr(big, *small);
        if (!big)
            return false;
        big++;
    }
    return true;
}

static void test_card__no_markers_inserts_and_keeps_every_byte(void **state)
{
    static const char card[] =
        "---\n"
        "# a comment\n"
        "tags:\n- sharegpt\n"
        "license: mit   # the card's own: the spec gives apache-2.0\n"
        "extra:\n  nested:\n  - 1\n"
        "---\n"
        "# Dataset Card for Tiny\n"
        "\n"
        "## Dataset Description\n"
        "\n"
        "Hand-written.\n"
        "\n"
        "```md\n"
        "## Dataset Structure\n"
        "```\n"
        "\n"
        "## Dataset Structure\n"
        "\n"
        "Prose about the fields.\n"
        "\n"
        "### Hand sub-section\n"
        "\n"
        "## Citation\n"
        "\n"
        "None.";
    struct fx *f = fx_new(NULL, vf_100, NULL);
    char *out = render(f, card);
    const char *body = strstr(card, "# Dataset Card");
    assert_true(is_subsequence(body, strstr(out, "# Dataset Card")));
    /* the summary at the end of "Dataset Description" (past the fenced look-alike), the
     * structure blocks after the prose of "Dataset Structure", before its sub-section */
    const char *summary = strstr(out, "<!-- dsci:begin summary -->");
    assert_non_null(summary);
    assert_true(summary > strstr(out, "```md\n## Dataset Structure\n```\n"));   /* a fence, not a heading */
    assert_true(summary < strstr(out, "\n## Dataset Structure\n\nProse"));
    const char *structure = strstr(out, "<!-- dsci:begin structure -->");
    assert_true(structure > strstr(out, "Prose about the fields."));
    assert_true(structure < strstr(out, "### Hand sub-section"));
    assert_true(strstr(out, "<!-- dsci:begin quality -->") < strstr(out, "### Hand sub-section"));
    /* no "More Information": checksums join the structure; the changelog gets its own */
    assert_true(strstr(out, "<!-- dsci:begin checksums -->") < strstr(out, "### Hand sub-section"));
    assert_null(strstr(out, "## Dataset statistics (generated by dsci)"));
    const char *changelog = strstr(out, "None.\n\n## Changelog\n\n<!-- dsci:begin changelog -->\n### 1.0.0 (2025-01-01)\n");
    assert_non_null(changelog);
    /* the front matter: foreign keys and comments verbatim; the license is the spec's,
     * in the card's place; the owned keys the card lacked join it, in their order */
    assert_non_null(strstr(out, "---\n# a comment\ntags:\n- sharegpt\npretty_name: tiny\nlicense: apache-2.0\n"
                                "language:\n- en\ntask_categories:\n- text-generation\nsize_categories:\n- n<1K\n"
                                "configs:\n"));
    char *tail = xasprintf("  dataset_size: %zu\nextra:\n  nested:\n  - 1\n---\n# Dataset Card for Tiny\n",
                           strlen(train_jsonl) + 100);
    assert_non_null(strstr(out, tail));
    free(tail);
    free(out);
    fx_free(f);
}

/* A card without any heading to go under gets the generated section at the end. */
static void test_card__no_headings_gets_a_generated_section(void **state)
{
    static const char card[] = "Just a note, no newline";
    struct fx *f = fx_new(NULL, vf_100, NULL);
    char *out = render(f, card);
    assert_non_null(strstr(out, "---\nJust a note, no newline\n\n## Dataset statistics (generated by dsci)\n\n"
                                "<!-- dsci:begin summary -->\n"));
    assert_true(strstr(out, "## Changelog") > strstr(out, "<!-- dsci:end checksums -->"));
    free(out);
    fx_free(f);
}

static void test_card__idempotent(void **state)
{
    static const char *const cards[] = {
        NULL,
        "# Hand\n\n## Dataset Structure\n\nText.\n",
        "---\npretty_name: Mine\ntags: [x]\n---\nBody\n<!-- dsci:begin quality -->\nold\n<!-- dsci:end quality -->\n",
        "",
    };
    for (size_t i = 0; i < sizeof(cards) / sizeof(cards[0]); i++) {
        struct fx *f = fx_new(NULL, vf_110, NULL);
        char *first = render(f, cards[i]);
        char *second = render(f, first);
        if (strcmp(first, second))
            fail_msg("card %zu changes on the second run:\n%s\n---- then ----\n%s", i, first, second);
        free(first);
        free(second);
        fx_free(f);
    }
}

/* Data that tries to close the code fence, or to fake a marker, stays inside. */
static void test_card__code_fence_escape(void **state)
{
    static const char train[] =
        "{\"conversations\": [{\"from\": \"human\", \"value\": \"```\\n<!-- dsci:end structure -->\\n# Title\"}, "
        "{\"from\": \"gpt\", \"value\": \"use `x` here\"}]}\n";
    struct fx *f = fx_new(NULL, vf_100, train);
    char *out = render(f, NULL);
    assert_non_null(strstr(out, "\"value\": \"\\u0060\\u0060\\u0060\\n<!-- dsci:end structure -->\\n# Title\""));
    assert_non_null(strstr(out, "\"value\": \"use `x` here\""));   /* single backticks stay readable */
    /* exactly two fence lines inside the structure block: the opening and the closing */
    const char *s = strstr(out, "<!-- dsci:begin structure -->"), *e = strstr(out, "<!-- dsci:end structure -->\n");
    size_t fences = 0;
    for (const char *p = s; p && p < e; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        fences += !strncmp(p, "```", 3);
    assert_int_equal(fences, 2);
    char *again = render(f, out);
    assert_string_equal(again, out);
    free(again);
    free(out);
    fx_free(f);
}

static void test_card__long_text_is_cut(void **state)
{
    struct buf train = BUF_INIT;
    buf_addstr(&train, "{\"conversations\": [{\"from\": \"human\", \"value\": \"");
    for (int i = 0; i < CARD_SAMPLE_MAX_TEXT + 10; i++)
        buf_addstr(&train, "\xc3\xa9");
    buf_addstr(&train, "\"}, {\"from\": \"gpt\", \"value\": \"ok\"}]}\n");
    struct fx *f = fx_new(NULL, vf_100, train.ptr);
    char *out = render(f, NULL);
    assert_non_null(strstr(out, "\xc3\xa9\xc3\xa9\xe2\x80\xa6 [10 more characters]\""));
    free(out);
    fx_free(f);
    buf_release(&train);
}

/* Entries already written stay; the current version gets one when it has none. */
static void test_card__changelog(void **state)
{
    static const char card[] =
        "## Changelog\n\n<!-- dsci:begin changelog -->\nNewest first.\n\n### 1.0.0 (2025-01-01)\n\n- hand-edited\n"
        "<!-- dsci:end changelog -->\n";
    struct fx *f = fx_new(NULL, vf_110, NULL);
    struct diff d;
    memset(&d, 0, sizeof(d));
    d.total.added = 5;
    d.total.modified = 2;
    f->in.diff = &d;
    f->in.baseline = "dataset-v1.0.0";
    char *out = render(f, card);
    assert_non_null(strstr(out, "<!-- dsci:begin changelog -->\nNewest first.\n\n### 1.1.0 (2025-02-03)\n\n"
                                "- 2 examples (train 1, test 1)\n"
                                "- Since `dataset-v1.0.0`: 5 added, 0 removed, 2 modified\n\n"
                                "### 1.0.0 (2025-01-01)\n\n- hand-edited\n<!-- dsci:end changelog -->\n"));
    /* with another diff, nothing changes: the entry exists */
    d.total.added = 50;
    char *again = render(f, out);
    assert_string_equal(again, out);
    free(again);
    free(out);
    fx_free(f);

    /* no baseline: the counts the version file records, or none */
    f = fx_new(NULL, "{\"version\": \"1.1.0\", \"previous\": \"1.0.0\", \"created\": \"2025-02-03T10:00:00Z\", "
                     "\"changes\": {\"added\": 3, \"removed\": 1, \"modified\": 0}, " RECORDED "}", NULL);
    out = render(f, NULL);
    assert_non_null(strstr(out, "### 1.1.0 (2025-02-03)\n\n- 2 examples (train 1, test 1)\n"
                                "- Since 1.0.0: 3 added, 1 removed, 0 modified (as the version file records)\n"));
    free(out);
    fx_free(f);
    f = fx_new(NULL, vf_110, NULL);
    out = render(f, NULL);
    assert_non_null(strstr(out, "- Previous version: 1.0.0 (not compared: no baseline to diff against)\n"));
    free(out);
    fx_free(f);

    /* the version already has its entry: the block is left as it is */
    f = fx_new(NULL, vf_100, NULL);
    out = render(f, card);
    assert_non_null(strstr(out, "-->\nNewest first.\n\n### 1.0.0 (2025-01-01)\n\n- hand-edited\n<!--"));
    free(out);
    fx_free(f);
}

/* Data the version file does not record is not labelled as the recorded version: the
 * card says "+ unreleased changes", and a new changelog entry counts what the version
 * had (its tag's run, else the version file's record), not the work tree. */
static void test_card__unreleased_data(void **state)
{
    static const char vf[] =
        "{\"version\": \"1.1.0\", \"created\": \"2025-02-03T10:00:00Z\", \"previous\": \"1.0.0\", "
        "\"changes\": {\"added\": 498, \"removed\": 0, \"modified\": 0}, "
        "\"splits\": {\"train\": {\"path\": \"data/train.jsonl\", \"examples\": 400, \"checksum\": \"sha256:" AB8 AB8 AB8 AB8
        "\"}, \"test\": {\"path\": \"data/test.jsonl\", \"examples\": 100, \"checksum\": \"sha256:" AB8 AB8 AB8 AB8 "\"}}}";
    struct fx *f = fx_new(NULL, vf, NULL);
    struct diff d;
    memset(&d, 0, sizeof(d));
    d.total.removed = 14;
    f->in.diff = &d;   /* the work tree's diff: not the version's */
    f->in.baseline = "dataset-v1.0.0";
    assert_true(card_unreleased(&f->in));
    char *out = render(f, NULL);
    assert_non_null(strstr(out, "- **Version:** 1.1.0 + unreleased changes (the data differs from what the "
                                "version file records for 1.1.0; run `dsci bump`, then `dsci card`)\n"));
    assert_non_null(strstr(out, "Version 1.1.0 + unreleased changes: these files are not the ones "
                                "`version.json` records for 1.1.0"));
    assert_null(strstr(out, "Version 1.1.0 (`version.json`)"));
    assert_non_null(strstr(out, "### 1.1.0 (2025-02-03)\n\n- 500 examples (train 400, test 100)\n"
                                "- Since 1.0.0: 498 added, 0 removed, 0 modified (as the version file records)\n"));
    assert_null(strstr(out, "14 removed"));
    free(out);

    /* with the version's own run (its tag) and its diff, those count */
    struct result tagged;
    result_init(&tagged);
    add_file(&tagged, "data/train.jsonl", 0, 401, 10, 0xab);
    add_file(&tagged, "data/test.jsonl", 1, 99, 10, 0xab);
    struct diff td;
    memset(&td, 0, sizeof(td));
    td.total.added = 3;
    f->in.release = &tagged;
    f->in.diff = &td;
    out = render(f, NULL);
    assert_non_null(strstr(out, "### 1.1.0 (2025-02-03)\n\n- 500 examples (train 401, test 99)\n"
                                "- Since `dataset-v1.0.0`: 3 added, 0 removed, 0 modified\n"));
    free(out);
    result_release(&tagged);

    /* the recorded data: no such wording */
    fx_free(f);
    f = fx_new(NULL, vf_110, NULL);
    assert_false(card_unreleased(&f->in));
    out = render(f, NULL);
    assert_null(strstr(out, "unreleased"));
    assert_non_null(strstr(out, "- **Version:** 1.1.0 (2025-02-03)\n"));
    free(out);
    fx_free(f);
}

/* A block the caller cannot compute is taken from the card as it is. */
static void test_card__keep_takes_the_old_block(void **state)
{
    static const char card[] = "<!-- dsci:begin checksums -->\nas written\n<!-- dsci:end checksums -->\n";
    struct fx *f = fx_new(NULL, vf_100, NULL);
    f->in.keep = 1u << CARD_CHECKSUMS;
    char *out = render(f, card);
    assert_non_null(strstr(out, "<!-- dsci:begin checksums -->\nas written\n<!-- dsci:end checksums -->\n"));
    free(out);
    fx_free(f);
}

static void test_card__text_diff(void **state)
{
    static const char a[] = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
    static const char b[] = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n11\n12\n13";
    struct buf out = BUF_INIT;
    card_text_diff(&out, "card.md", a, strlen(a), a, strlen(a));
    assert_int_equal(out.len, 0);
    card_text_diff(&out, "card.md", a, strlen(a), b, strlen(b));
    assert_string_equal(buf_cstr(&out),
                        "--- a/card.md\n+++ b/card.md\n"
                        "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
                        "@@ -10,3 +10,4 @@\n 10\n 11\n 12\n+13\n\\ No newline at end of file\n");
    buf_release(&out);
    assert_int_equal(card_first_difference(a, strlen(a), b, strlen(b)), 5);
    assert_int_equal(card_first_difference(a, strlen(a), a, strlen(a)), 0);
}

/* The check's card line, after running the card gate on the fixture with `card` on disk. */
static const struct check *run_gate(struct fx *f, enum gate_level level)
{
    f->spec->gates.reproducibility.level = level;
    f->spec->gates.reproducibility.require |= REPRO_CARD;
    assert_true(gate_card.enabled(f->spec));
    result_add_section(&f->result, "reproducibility", "REPRODUCIBILITY", level, (struct spec_loc){ 0, 0 });
    struct gate_ctx ctx = { f->spec, NULL, 0, &f->result, mem_read, f, .display_path = NULL };
    void *st = gate_card.begin(&ctx);
    assert_int_equal(gate_card.finish(st, &ctx), 0);
    gate_card.free(st);
    const struct section *s = &f->result.sections[f->result.n_sections - 1];
    assert_int_equal(s->n_checks, 1);
    assert_string_equal(s->checks[0].id, "reproducibility.card_current");
    assert_string_equal(s->checks[0].name, "Dataset card");
    return &s->checks[0];
}

/* The gate renders with the same code: a card `dsci card` wrote is current; an edit inside
 * a block is stale (FAIL at block, WARN at warn, with the line); broken markers are named. */
static void test_card__gate_uses_the_same_rendering(void **state)
{
    struct fx *f = fx_new(NULL, vf_100, NULL);
    char *written = render(f, "# Mine\n\n## Dataset Structure\n\nBy hand.\n");
    f->card = written;
    const struct check *c = run_gate(f, LEVEL_BLOCK);
    assert_int_equal(c->status, STATUS_PASS);
    assert_string_equal(c->value_text, "up to date");
    fx_free(f);

    f = fx_new(NULL, vf_100, NULL);
    char *edited = xstrdup(written);
    char *row = strstr(edited, "| train | 1 |");
    assert_non_null(row);
    row[10] = '7';
    f->card = edited;
    c = run_gate(f, LEVEL_BLOCK);
    assert_int_equal(c->status, STATUS_FAIL);
    assert_true(c->blocking);
    assert_string_equal(c->value_text, "stale (run `dsci card`)");
    assert_int_equal(c->n_findings, 1);
    assert_string_equal(c->findings[0].kind, "card_stale");
    assert_int_equal(c->findings[0].line, card_first_difference(edited, strlen(edited), written, strlen(written)));
    fx_free(f);

    f = fx_new(NULL, vf_100, NULL);
    f->card = edited;
    c = run_gate(f, LEVEL_WARN);
    assert_int_equal(c->status, STATUS_WARN);
    assert_false(c->blocking);
    fx_free(f);

    /* a new version: the entry is missing, so the card is stale (the diff is not needed) */
    f = fx_new(NULL, vf_110, NULL);
    f->card = written;
    c = run_gate(f, LEVEL_BLOCK);
    assert_int_equal(c->status, STATUS_FAIL);
    fx_free(f);

    f = fx_new(NULL, vf_100, NULL);
    f->card = "x\n<!-- dsci:begin quality -->\n";
    c = run_gate(f, LEVEL_BLOCK);
    assert_int_equal(c->status, STATUS_FAIL);
    assert_int_equal(c->findings[0].line, 2);
    assert_string_equal(c->findings[0].kind, "invalid_card");
    assert_string_equal(err_last(), "");
    fx_free(f);
    free(edited);
    free(written);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_card__size_category_boundaries),
        cmocka_unit_test(test_card__size_category_in_front_matter),
        cmocka_unit_test(test_card__scalar_quoting),
        cmocka_unit_test(test_card__front_matter_parses_with_libyaml),
        cmocka_unit_test(test_card__marker_errors_name_lines),
        cmocka_unit_test(test_card__hand_written_text_kept_byte_for_byte),
        cmocka_unit_test(test_card__no_markers_inserts_and_keeps_every_byte),
        cmocka_unit_test(test_card__no_headings_gets_a_generated_section),
        cmocka_unit_test(test_card__idempotent),
        cmocka_unit_test(test_card__code_fence_escape),
        cmocka_unit_test(test_card__long_text_is_cut),
        cmocka_unit_test(test_card__changelog),
        cmocka_unit_test(test_card__unreleased_data),
        cmocka_unit_test(test_card__keep_takes_the_old_block),
        cmocka_unit_test(test_card__text_diff),
        cmocka_unit_test(test_card__gate_uses_the_same_rendering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
