/*
 * The front matter keys dsci owns, written the way the Hub writes them (block style,
 * two-space indent, list items at the parent key's column). Every string goes through
 * card_yaml_scalar, so a name with ': ', '#', a leading '-', a YAML keyword ("no", the
 * Norwegian language code) or unusual Unicode still reads back as the same string.
 */
#include "card/card_impl.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"

static const char *const key_names[CARD_KEY_COUNT] = {
    "pretty_name", "license", "language", "task_categories", "size_categories", "configs", "dataset_info",
};

const char *card_key_name(enum card_key key)
{
    return key_names[key];
}

static bool ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Characters a plain scalar may hold here after its first letter. Conservative: anything
 * else is quoted, which YAML reads the same. */
static bool plain_char(char c)
{
    return ascii_alpha(c) || (c >= '0' && c <= '9') || strchr(" _.-/<>+()", c) != NULL;
}

static bool plain_ok(const char *s)
{
    static const char *const keywords[] = {
        "y", "n", "yes", "no", "on", "off", "true", "false", "null",
    };
    size_t len = strlen(s);
    if (!len || !ascii_alpha(s[0]) || s[len - 1] == ' ')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!plain_char(s[i]))
            return false;
    for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
        if (!strcasecmp(s, keywords[k]))
            return false;
    return true;
}

void card_yaml_scalar(struct buf *out, const char *s)
{
    if (plain_ok(s)) {
        buf_addstr(out, s);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    buf_addch(out, '"');
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        size_t n = utf8_decode(p + i, len - i, &cp);
        if (!n) {
            buf_addstr(out, "\\uFFFD");   /* not UTF-8: YAML streams must be */
            i++;
            continue;
        }
        if (cp == '"' || cp == '\\') {
            buf_addch(out, '\\');
            buf_addch(out, (char)cp);
        } else if (cp == '\n') {
            buf_addstr(out, "\\n");
        } else if (cp == '\t') {
            buf_addstr(out, "\\t");
        } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
            buf_printf(out, "\\x%02X", cp);
        } else if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe || cp == 0xffff) {
            /* YAML line breaks and a byte order mark: not printable inside a scalar */
            buf_printf(out, "\\u%04X", cp);
        } else {
            buf_add(out, s + i, n);
        }
        i += n;
    }
    buf_addch(out, '"');
}

/* "key:\n- a\n- b\n" (or "key: []\n"). */
static void string_list(struct buf *out, const char *key, char *const *items, size_t n)
{
    buf_printf(out, "%s:%s\n", key, n ? "" : " []");
    for (size_t i = 0; i < n; i++) {
        buf_addstr(out, "- ");
        card_yaml_scalar(out, items[i]);
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
    card_yaml_scalar(out, f->name);
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
        card_yaml_scalar(out, sp->name);
        buf_addch(out, '\n');
        if (sp->n_patterns == 1) {
            buf_addstr(out, "    path: ");
            card_yaml_scalar(out, sp->patterns[0]);
            buf_addch(out, '\n');
            continue;
        }
        buf_addstr(out, "    path:\n");
        for (size_t p = 0; p < sp->n_patterns; p++) {
            buf_addstr(out, "    - ");
            card_yaml_scalar(out, sp->patterns[p]);
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
        card_yaml_scalar(out, spec->dataset.splits[s].name);
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
        card_yaml_scalar(out, card_pretty_name(spec));
        buf_addch(out, '\n');
        return true;
    case CARD_KEY_LICENSE:
        if (!spec->dataset.license)
            return false;
        buf_addstr(out, "license: ");
        card_yaml_scalar(out, spec->dataset.license);
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
