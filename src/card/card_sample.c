/*
 * The example the card shows, and the features the Hub's dataset_info lists. The record
 * is read again from the file (the first of the first split) rather than rebuilt from
 * the normalized example, so the card shows it as it is, with every key.
 */
#include "card/card_impl.h"

#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "read/example.h"
#include "util/err.h"
#include "util/json_write.h"
#include "util/xalloc.h"

/* Nesting the example and the features follow; deeper values are cut. */
#define SAMPLE_MAX_DEPTH 16

/* The first line of JSON Lines `data` that is a JSON object: its tree and line. */
static yajl_val first_object_line(const char *data, size_t len, size_t *line_out)
{
    size_t line = 1, next;
    for (size_t off = 0; off < len; off = next, line++) {
        const char *nl = memchr(data + off, '\n', len - off);
        size_t end = nl ? (size_t)(nl - data) : len;
        next = nl ? end + 1 : len;
        size_t s = off;
        while (s < end && (data[s] == ' ' || data[s] == '\t' || data[s] == '\r'))
            s++;
        if (s == end || data[s] != '{')
            continue;
        char *copy = xmemdup(data + off, end - off);
        yajl_val v = yajl_tree_parse(copy, NULL, 0);
        free(copy);
        if (v && YAJL_IS_OBJECT(v)) {
            *line_out = line;
            return v;
        }
        yajl_tree_free(v);
    }
    return NULL;
}

/* The first element of a JSON array file that is an object; the tree is the whole
 * array, *element points into it. */
static yajl_val first_object_element(const char *data, size_t len, yajl_val *element)
{
    char *copy = xmemdup(data, len);
    yajl_val v = yajl_tree_parse(copy, NULL, 0);
    free(copy);
    if (v && YAJL_IS_ARRAY(v))
        for (size_t i = 0; i < v->u.array.len; i++)
            if (YAJL_IS_OBJECT(v->u.array.values[i])) {
                *element = v->u.array.values[i];
                return v;
            }
    yajl_tree_free(v);
    return NULL;
}

struct sample_impl {
    struct card_sample pub;   /* first: the public part */
    yajl_val tree;            /* owns record (the record, or the array holding it) */
};

void card_sample_load(struct card_sample **out, const struct spec *spec, const struct result *result,
                      card_read_fn read, void *read_ctx)
{
    *out = NULL;
    for (size_t i = 0; i < result->n_files; i++) {
        const struct result_file *f = &result->files[i];
        if (f->split != 0 || f->examples == 0)
            continue;
        struct sample_impl *s = xcalloc(1, sizeof(*s));
        s->pub.path = xstrdup(f->root_path ? f->root_path : f->path);   /* as the spec names it: the same in every checkout */
        s->pub.split = f->split;
        s->pub.format = f->format;
        char *data = NULL;
        size_t len = 0;
        if (f->lfs_pointer || read(read_ctx, f->root_path, &data, &len) < 0) {
            err_clear();
            s->pub.unreadable = true;   /* named in the card: deterministic either way */
            *out = &s->pub;
            return;
        }
        size_t skip = len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3) ? 3 : 0;
        while (skip < len && (data[skip] == ' ' || data[skip] == '\t' || data[skip] == '\r' || data[skip] == '\n'))
            skip++;
        if (skip < len && data[skip] == '[') {
            yajl_val element = NULL;
            s->tree = first_object_element(data, len, &element);
            s->pub.record = element;
            s->pub.is_array = true;
        } else {
            s->tree = first_object_line(data, len, &s->pub.line);
            s->pub.record = s->tree;
        }
        free(data);
        if (s->tree) {
            *out = &s->pub;
            return;
        }
        card_sample_free(&s->pub);
    }
}

void card_sample_free(struct card_sample *sample)
{
    if (!sample)
        return;
    struct sample_impl *s = (struct sample_impl *)sample;
    yajl_tree_free(s->tree);
    free(s->pub.path);
    free(s);
}

/* ---- pretty JSON ------------------------------------------------------------------- */

/* Bytes of the first `chars` code points of s (valid UTF-8 from yajl). */
static size_t prefix_bytes(const char *s, size_t len, size_t chars)
{
    size_t i = 0;
    while (i < len && chars) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
            i++;
        chars--;
    }
    return i;
}

/*
 * A string as JSON. Long texts are cut with a note inside the string. A string with a
 * run of three backticks gets every backtick as \u0060 (the same JSON value), so the
 * text can never close the card's ``` fence.
 */
static void put_string(struct buf *out, const char *s)
{
    size_t len = strlen(s), chars = utf8_chars(s, len);
    struct buf esc = BUF_INIT;
    if (chars > CARD_SAMPLE_MAX_TEXT) {
        struct buf cut = BUF_INIT;
        buf_add(&cut, s, prefix_bytes(s, len, CARD_SAMPLE_MAX_TEXT));
        buf_printf(&cut, "\xe2\x80\xa6 [%zu more characters]", chars - CARD_SAMPLE_MAX_TEXT);
        json_buf_string(&esc, cut.ptr, cut.len);
        buf_release(&cut);
    } else {
        json_buf_string(&esc, s, len);
    }
    if (!memmem(esc.ptr, esc.len, "```", 3)) {
        buf_add(out, esc.ptr, esc.len);
    } else {
        for (size_t i = 0; i < esc.len; i++) {
            if (esc.ptr[i] == '`')
                buf_addstr(out, "\\u0060");
            else
                buf_addch(out, esc.ptr[i]);
        }
    }
    buf_release(&esc);
}

static void indent(struct buf *out, int depth)
{
    for (int i = 0; i < depth; i++)
        buf_addstr(out, "  ");
}

static void put_value(struct buf *out, yajl_val v, int depth)
{
    if (YAJL_IS_STRING(v)) {
        put_string(out, YAJL_GET_STRING(v));
    } else if (YAJL_IS_NUMBER(v)) {
        buf_addstr(out, YAJL_GET_NUMBER(v));
    } else if (YAJL_IS_TRUE(v)) {
        buf_addstr(out, "true");
    } else if (YAJL_IS_FALSE(v)) {
        buf_addstr(out, "false");
    } else if (YAJL_IS_OBJECT(v) || YAJL_IS_ARRAY(v)) {
        bool obj = YAJL_IS_OBJECT(v);
        size_t n = obj ? v->u.object.len : v->u.array.len;
        if (n == 0) {
            buf_addstr(out, obj ? "{}" : "[]");
            return;
        }
        if (depth >= SAMPLE_MAX_DEPTH) {
            buf_addstr(out, obj ? "{\"\xe2\x80\xa6\": null}" : "[\"\xe2\x80\xa6\"]");
            return;
        }
        buf_addstr(out, obj ? "{\n" : "[\n");
        for (size_t i = 0; i < n; i++) {
            indent(out, depth + 1);
            if (obj) {
                put_string(out, v->u.object.keys[i]);
                buf_addstr(out, ": ");
            }
            put_value(out, obj ? v->u.object.values[i] : v->u.array.values[i], depth + 1);
            buf_addstr(out, i + 1 < n ? ",\n" : "\n");
        }
        indent(out, depth);
        buf_addstr(out, obj ? "}" : "]");
    } else {
        buf_addstr(out, "null");
    }
}

void card_sample_json(struct buf *out, const struct card_sample *sample)
{
    if (sample && sample->record)
        put_value(out, sample->record, 0);
    buf_addch(out, '\n');
}

/* ---- features ---------------------------------------------------------------------- */

/* The scalar type of a JSON value; false for null, objects and arrays. */
static bool scalar_type(yajl_val v, enum card_ftype *out)
{
    if (YAJL_IS_STRING(v))
        *out = CARD_F_STRING;
    else if (YAJL_IS_INTEGER(v))
        *out = CARD_F_INT;
    else if (YAJL_IS_NUMBER(v))
        *out = CARD_F_FLOAT;
    else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
        *out = CARD_F_BOOL;
    else
        return false;
    return true;
}

static bool infer(struct card_feature *f, const char *name, yajl_val v, int depth);

/* The fields of an object; false when none can be typed. */
static bool infer_fields(struct card_feature *f, yajl_val obj, int depth)
{
    f->fields = xcalloc(obj->u.object.len ? obj->u.object.len : 1, sizeof(*f->fields));
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (infer(&f->fields[f->n_fields], obj->u.object.keys[i], obj->u.object.values[i], depth + 1))
            f->n_fields++;
    if (f->n_fields)
        return true;
    free(f->fields);
    f->fields = NULL;
    return false;
}

/* The feature of one value, as the Hub would type it; false when it cannot be told
 * (null, empty, too deep, a list of lists). */
static bool infer(struct card_feature *f, const char *name, yajl_val v, int depth)
{
    memset(f, 0, sizeof(*f));
    if (!v || depth >= SAMPLE_MAX_DEPTH)
        return false;
    if (scalar_type(v, &f->type)) {
        f->name = xstrdup(name);
        return true;
    }
    if (YAJL_IS_OBJECT(v)) {
        f->type = CARD_F_STRUCT;
        if (!infer_fields(f, v, depth))
            return false;
        f->name = xstrdup(name);
        return true;
    }
    if (!YAJL_IS_ARRAY(v))
        return false;
    yajl_val first = NULL;
    for (size_t i = 0; i < v->u.array.len && !first; i++)
        if (!YAJL_IS_NULL(v->u.array.values[i]))
            first = v->u.array.values[i];
    if (!first)
        return false;
    if (scalar_type(first, &f->item)) {
        f->type = CARD_F_SEQUENCE;
    } else if (YAJL_IS_OBJECT(first)) {
        f->type = CARD_F_LIST;
        if (!infer_fields(f, first, depth))
            return false;
    } else {
        return false;
    }
    f->name = xstrdup(name);
    return true;
}

/* A list of string fields, for the format's own message lists. */
static void string_list(struct card_feature *f, const char *name, const char *a, const char *b)
{
    memset(f, 0, sizeof(*f));
    f->name = xstrdup(name);
    f->type = CARD_F_LIST;
    f->fields = xcalloc(2, sizeof(*f->fields));
    f->n_fields = 2;
    f->fields[0].name = xstrdup(a);
    f->fields[1].name = xstrdup(b);
}

/* Writes the format's feature for `key` when the format defines it; false otherwise. */
static bool format_feature(struct card_feature *f, enum dataset_format format, const char *key)
{
    if (format == FORMAT_SHAREGPT && !strcmp(key, "conversations")) {
        string_list(f, key, "from", "value");
        return true;
    }
    if (format == FORMAT_OPENAI && !strcmp(key, "messages")) {
        string_list(f, key, "role", "content");
        return true;
    }
    /* string fields; a pair's sides may be strings or message lists: inferred */
    bool string_key = (format == FORMAT_ALPACA && (!strcmp(key, "instruction") || !strcmp(key, "input") ||
                                                   !strcmp(key, "output"))) ||
                      (format == FORMAT_COMPLETION && (!strcmp(key, "prompt") || !strcmp(key, "completion"))) ||
                      (format == FORMAT_TEXT && !strcmp(key, "text"));
    if (string_key) {
        memset(f, 0, sizeof(*f));
        f->name = xstrdup(key);
        return true;
    }
    return false;
}

void card_features_build(struct card_feature **out, size_t *n, enum dataset_format format,
                         const struct card_sample *sample)
{
    static const char *const own[][3] = {
        [FORMAT_AUTO] = { NULL, NULL, NULL },
        [FORMAT_SHAREGPT] = { "conversations", NULL, NULL },
        [FORMAT_OPENAI] = { "messages", NULL, NULL },
        [FORMAT_ALPACA] = { "instruction", "input", "output" },
        [FORMAT_PREFERENCE] = { NULL, NULL, NULL },
        [FORMAT_COMPLETION] = { "prompt", "completion", NULL },
        [FORMAT_TEXT] = { "text", NULL, NULL },
    };
    yajl_val rec = sample ? sample->record : NULL;
    size_t cap = 3 + (rec ? rec->u.object.len : 0);
    struct card_feature *f = xcalloc(cap, sizeof(*f));
    size_t count = 0;
    bool seen[3] = { false, false, false };

    /* the record's keys in its order; the format's own keys as the format defines them */
    for (size_t i = 0; rec && i < rec->u.object.len; i++) {
        const char *key = rec->u.object.keys[i];
        bool dup = false;
        for (size_t j = 0; j < count && !dup; j++)
            dup = !strcmp(f[j].name, key);
        if (dup)
            continue;
        for (size_t k = 0; k < 3; k++)
            if (own[format][k] && !strcmp(own[format][k], key))
                seen[k] = true;
        if (format_feature(&f[count], format, key) || infer(&f[count], key, rec->u.object.values[i], 0))
            count++;
    }
    for (size_t k = 0; k < 3; k++)
        if (own[format][k] && !seen[k] && format_feature(&f[count], format, own[format][k]))
            count++;
    *out = f;
    *n = count;
}

void card_features_free(struct card_feature *f, size_t n)
{
    for (size_t i = 0; f && i < n; i++) {
        free(f[i].name);
        card_features_free(f[i].fields, f[i].n_fields);
    }
    free(f);
}
