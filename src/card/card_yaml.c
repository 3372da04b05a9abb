/*
 * The front matter keys dsci owns, written the way the Hub writes them (block style,
 * two-space indent, list items at the parent key's column). Every string goes through
 * yaml_emit_scalar (YAML_SCALAR_CARD), so a name with ': ', '#', a leading '-', a YAML
 * keyword ("no", the Norwegian language code) or unusual Unicode still reads back as the
 * same string.
 */
#include "card/card_impl.h"

#include <stdio.h>
#include <string.h>

#include "util/yaml_emit.h"

static const char *const key_names[CARD_KEY_COUNT] = {
    "pretty_name", "license", "language", "task_categories", "size_categories", "configs", "dataset_info",
};

const char *card_key_name(enum card_key key)
{
    return key_names[key];
}

/* "key:\n- a\n- b\n" (or "key: []\n"). */
static void string_list(struct buf *out, const char *key, char *const *items, size_t n)
{
    buf_printf(out, "%s:%s\n", key, n ? "" : " []");
    for (size_t i = 0; i < n; i++) {
        buf_addstr(out, "- ");
        yaml_emit_scalar(out, items[i], YAML_SCALAR_CARD);
        buf_addch(out, '\n');
    }
}

static const char *dtype(enum card_ftype t)
{
    switch (t) {
    case CARD_F_INT: return "int64";
    case CARD_F_FLOAT: return "float64";
    case CARD_F_BOOL: return "bool";
    default: return "string";
    }
}

static void put_indent(struct buf *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_addch(out, ' ');
}

/* One feature as a list item at column `col`:
 *   - name: x            - name: m            - name: tags
 *     dtype: string        struct:              sequence: string
 *                          - name: ...                                 */
static void feature_yaml(struct buf *out, const struct card_feature *f, size_t col)
{
    put_indent(out, col);
    buf_addstr(out, "- name: ");
    yaml_emit_scalar(out, f->name, YAML_SCALAR_CARD);
    buf_addch(out, '\n');
    put_indent(out, col + 2);
    switch (f->type) {
    case CARD_F_STRUCT:
    case CARD_F_LIST:
        buf_addstr(out, f->type == CARD_F_STRUCT ? "struct:\n" : "list:\n");
        for (size_t i = 0; i < f->n_fields; i++)
            feature_yaml(out, &f->fields[i], col + 2);
        break;
    case CARD_F_SEQUENCE:
        buf_printf(out, "sequence: %s\n", dtype(f->item));
        break;
    default:
        buf_printf(out, "dtype: %s\n", dtype(f->type));
        break;
    }
}

static void configs_yaml(struct buf *out, const struct spec *spec)
{
    buf_addstr(out, "configs:\n- config_name: default\n  data_files:\n");
    for (size_t s = 0; s < spec->dataset.n_splits; s++) {
        const struct spec_split *sp = &spec->dataset.splits[s];
        buf_addstr(out, "  - split: ");
        yaml_emit_scalar(out, sp->name, YAML_SCALAR_CARD);
        buf_addch(out, '\n');
        if (sp->n_patterns == 1) {
            buf_addstr(out, "    path: ");
            yaml_emit_scalar(out, sp->patterns[0], YAML_SCALAR_CARD);
            buf_addch(out, '\n');
            continue;
        }
        buf_addstr(out, "    path:\n");
        for (size_t p = 0; p < sp->n_patterns; p++) {
            buf_addstr(out, "    - ");
            yaml_emit_scalar(out, sp->patterns[p], YAML_SCALAR_CARD);
            buf_addch(out, '\n');
        }
    }
}

static void dataset_info_yaml(struct buf *out, const struct card_input *in, const struct card_feature *features,
                              size_t n_features)
{
    const struct spec *spec = in->spec;
    buf_addstr(out, "dataset_info:\n");
    if (n_features) {
        buf_addstr(out, "  features:\n");
        for (size_t i = 0; i < n_features; i++)
            feature_yaml(out, &features[i], 2);
    }
    buf_addstr(out, "  splits:\n");
    for (size_t s = 0; s < spec->dataset.n_splits; s++) {
        uint64_t examples, bytes;
        card_split_totals(in->result, s, &examples, &bytes);
        buf_addstr(out, "  - name: ");
        yaml_emit_scalar(out, spec->dataset.splits[s].name, YAML_SCALAR_CARD);
        buf_printf(out, "\n    num_bytes: %llu\n    num_examples: %llu\n", (unsigned long long)bytes,
                   (unsigned long long)examples);
    }
    unsigned long long total = card_total_bytes(in->result);
    buf_printf(out, "  download_size: %llu\n  dataset_size: %llu\n", total, total);
}

bool card_yaml_key(struct buf *out, enum card_key key, const struct card_input *in, const struct card_doc *doc,
                   const struct card_feature *features, size_t n_features)
{
    const struct spec *spec = in->spec;
    bool in_card = doc && card_doc_key(doc, key_names[key]);
    switch (key) {
    case CARD_KEY_PRETTY_NAME:
        /* the spec's pretty_name wins; a card's own stays; else the dataset's name */
        if (!spec->dataset.pretty_name && (in_card || !spec->dataset.name))
            return false;
        buf_addstr(out, "pretty_name: ");
        yaml_emit_scalar(out, card_pretty_name(spec), YAML_SCALAR_CARD);
        buf_addch(out, '\n');
        return true;
    case CARD_KEY_LICENSE:
        if (!spec->dataset.license)
            return false;
        buf_addstr(out, "license: ");
        yaml_emit_scalar(out, spec->dataset.license, YAML_SCALAR_CARD);
        buf_addch(out, '\n');
        return true;
    case CARD_KEY_LANGUAGE:
        if (!spec->dataset.language)
            return false;
        string_list(out, "language", spec->dataset.language, spec->dataset.n_language);
        return true;
    case CARD_KEY_TASK_CATEGORIES:
        if (spec->dataset.task_categories) {
            string_list(out, "task_categories", spec->dataset.task_categories, spec->dataset.n_task_categories);
            return true;
        }
        if (in_card)
            return false;
        buf_addstr(out, "task_categories:\n- text-generation\n");
        return true;
    case CARD_KEY_SIZE_CATEGORIES:
        buf_printf(out, "size_categories:\n- %s\n", card_size_category(card_total_examples(in->result)));
        return true;
    case CARD_KEY_CONFIGS:
        configs_yaml(out, spec);
        return true;
    case CARD_KEY_DATASET_INFO:
        dataset_info_yaml(out, in, features, n_features);
        return true;
    default:
        return false;
    }
}
