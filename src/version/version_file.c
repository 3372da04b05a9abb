#include "version/version_file.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "util/err.h"
#include "util/json_pretty.h"
#include "util/json_write.h"
#include "util/xalloc.h"

/* 1-based line of byte `offset`. */
static size_t line_at(const char *data, size_t len, size_t offset)
{
    size_t line = 1;
    if (offset > len)
        offset = len;
    for (const char *p = data; (p = memchr(p, '\n', (size_t)(data + offset - p))); p++)
        line++;
    return line;
}

/* Where the key path keys[0..n) is written: each "key" searched after the previous one.
 * Good enough to point a person at the line; 0 when not found. */
static size_t key_line(const char *data, size_t len, const char *const *keys, size_t n)
{
    size_t from = 0, at = 0;
    for (size_t i = 0; i < n; i++) {
        char *quoted = xasprintf("\"%s\"", keys[i]);
        size_t qlen = strlen(quoted);
        const char *hit = qlen <= len - from ? memmem(data + from, len - from, quoted, qlen) : NULL;
        free(quoted);
        if (!hit)
            return 0;
        at = (size_t)(hit - data);
        from = at + qlen;
    }
    return line_at(data, len, at);
}

/* A syntax error: run the streaming parser without callbacks to learn where it stopped
 * (the tree API only gives a multi-line message) and a one-line message. */
static int syntax_error(const char *path, const char *data, size_t len)
{
    yajl_handle h = yajl_alloc(NULL, NULL, NULL);
    yajl_config(h, yajl_allow_comments, 1);   /* as yajl_tree_parse */
    yajl_status s = yajl_parse(h, (const unsigned char *)data, len);
    size_t offset = len;
    if (s == yajl_status_ok)
        s = yajl_complete_parse(h);
    else
        offset = yajl_get_bytes_consumed(h);
    char message[256] = "invalid JSON";
    if (s != yajl_status_ok) {
        unsigned char *e = yajl_get_error(h, 0, NULL, 0);
        snprintf(message, sizeof(message), "%s", (const char *)e);
        yajl_free_error(h, e);
        size_t n = strlen(message);
        while (n && isspace((unsigned char)message[n - 1]))
            message[--n] = '\0';
    }
    yajl_free(h);
    return err_set(DSCI_EUSAGE, "%s:%zu: invalid version file: %s", path, line_at(data, len, offset),
                   message);
}

struct parse {
    const char *path, *data;
    size_t len;
};

static int type_error(const struct parse *p, const char *const *keys, size_t n, const char *want)
{
    char name[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < n && used < sizeof(name); i++)
        used += (size_t)snprintf(name + used, sizeof(name) - used, "%s%s", i ? "." : "", keys[i]);
    return err_set(DSCI_EUSAGE, "%s:%zu: '%s' must be %s", p->path, key_line(p->data, p->len, keys, n),
                   name, want);
}

/* The same for element `index` of splits.SPLIT.files (key NULL: the element itself):
 * the line is found from the keys, the name shows the index. */
static int file_type_error(const struct parse *p, const char *split, size_t index, const char *key,
                           const char *want)
{
    const char *keys[4] = { "splits", split, "files", key };
    return err_set(DSCI_EUSAGE, "%s:%zu: 'splits.%s.files[%zu]%s%s' must be %s", p->path,
                   key_line(p->data, p->len, keys, key ? 4 : 3), split, index, key ? "." : "",
                   key ? key : "", want);
}

static yajl_val member(yajl_val obj, const char *key)
{
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (!strcmp(obj->u.object.keys[i], key))
            return obj->u.object.values[i];
    return NULL;
}

/* An optional string: NULL/absent gives NULL. */
static int get_string(char **out, const struct parse *p, yajl_val obj, const char *const *keys, size_t n)
{
    yajl_val v = member(obj, keys[n - 1]);
    *out = NULL;
    if (!v || YAJL_IS_NULL(v))
        return 0;
    if (!YAJL_IS_STRING(v))
        return type_error(p, keys, n, "a string");
    *out = xstrdup(YAJL_GET_STRING(v));
    return 0;
}

static int get_count(uint64_t *out, bool *has, const struct parse *p, yajl_val obj,
                     const char *const *keys, size_t n)
{
    yajl_val v = member(obj, keys[n - 1]);
    *has = false;
    if (!v || YAJL_IS_NULL(v))
        return 0;
    if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0)
        return type_error(p, keys, n, "a non-negative integer");
    *out = (uint64_t)YAJL_GET_INTEGER(v);
    *has = true;
    return 0;
}

/* "files": [{path, checksum, examples, bytes}, ...] under splits.NAME. */
static int parse_split_files(struct version_split *s, const struct parse *p, yajl_val files, const char *split)
{
    static const char *const fields[4] = { "path", "checksum", "examples", "bytes" };
    if (YAJL_IS_NULL(files))
        return 0;
    if (!YAJL_IS_ARRAY(files)) {
        const char *keys[3] = { "splits", split, "files" };
        return type_error(p, keys, 3, "a list of files");
    }
    size_t n = files->u.array.len;
    s->files = xcalloc(n ? n : 1, sizeof(*s->files));
    for (size_t i = 0; i < n; i++) {
        struct version_split_file *f = &s->files[s->n_files++];
        yajl_val v = files->u.array.values[i];
        if (!YAJL_IS_OBJECT(v))
            return file_type_error(p, split, i, NULL, "an object");
        for (int k = 0; k < 4; k++) {
            yajl_val x = member(v, fields[k]);
            if (!x || YAJL_IS_NULL(x))
                continue;
            if (k < 2) {
                if (!YAJL_IS_STRING(x))
                    return file_type_error(p, split, i, fields[k], "a string");
                *(k == 0 ? &f->path : &f->checksum) = xstrdup(YAJL_GET_STRING(x));
            } else {
                if (!YAJL_IS_INTEGER(x) || YAJL_GET_INTEGER(x) < 0)
                    return file_type_error(p, split, i, fields[k], "a non-negative integer");
                *(k == 2 ? &f->examples : &f->bytes) = (uint64_t)YAJL_GET_INTEGER(x);
                *(k == 2 ? &f->has_examples : &f->has_bytes) = true;
            }
        }
    }
    return 0;
}

static int parse_splits(struct version_file *vf, const struct parse *p, yajl_val splits)
{
    const char *keys[3] = { "splits", NULL, NULL };
    if (!YAJL_IS_OBJECT(splits))
        return type_error(p, keys, 1, "an object of splits");
    size_t n = splits->u.object.len;
    vf->splits = xcalloc(n ? n : 1, sizeof(*vf->splits));
    for (size_t i = 0; i < n; i++) {
        struct version_split *s = &vf->splits[vf->n_splits++];
        yajl_val v = splits->u.object.values[i];
        keys[1] = splits->u.object.keys[i];
        s->name = xstrdup(keys[1]);
        if (!YAJL_IS_OBJECT(v))
            return type_error(p, keys, 2, "an object");
        int rc;
        keys[2] = "path";
        if ((rc = get_string(&s->path, p, v, keys, 3)) < 0)
            return rc;
        keys[2] = "checksum";
        if ((rc = get_string(&s->checksum, p, v, keys, 3)) < 0)
            return rc;
        keys[2] = "examples";
        if ((rc = get_count(&s->examples, &s->has_examples, p, v, keys, 3)) < 0)
            return rc;
        keys[2] = "bytes";
        if ((rc = get_count(&s->bytes, &s->has_bytes, p, v, keys, 3)) < 0)
            return rc;
        yajl_val files = member(v, "files");
        if (files && (rc = parse_split_files(s, p, files, keys[1])) < 0)
            return rc;
    }
    return 0;
}

/* "changes": {added, removed, modified}. Informative only, so a value of another shape
 * is not an error: it reads as absent (and bump rewrites it). */
static void parse_changes(struct version_file *vf, yajl_val changes)
{
    static const char *const names[3] = { "added", "removed", "modified" };
    uint64_t *counts[3] = { &vf->added, &vf->removed, &vf->modified };
    if (!YAJL_IS_OBJECT(changes))
        return;
    for (int i = 0; i < 3; i++) {
        yajl_val v = member(changes, names[i]);
        if (!v || !YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0)
            return;
    }
    for (int i = 0; i < 3; i++)
        *counts[i] = (uint64_t)YAJL_GET_INTEGER(member(changes, names[i]));
    vf->has_changes = true;
}

static int parse_generation(struct version_file *vf, const struct parse *p, yajl_val gen)
{
    const char *keys[2] = { "generation_config", NULL };
    if (YAJL_IS_NULL(gen))
        return 0;
    if (!YAJL_IS_OBJECT(gen))
        return type_error(p, keys, 1, "an object");
    yajl_val seed = member(gen, "random_seed");
    if (seed && !YAJL_IS_NULL(seed)) {
        vf->has_random_seed = true;
        if (YAJL_IS_NUMBER(seed))
            vf->seed_text = xstrdup(YAJL_GET_NUMBER(seed));
        else if (YAJL_IS_STRING(seed))
            vf->seed_text = xstrdup(YAJL_GET_STRING(seed));
        else if (YAJL_IS_TRUE(seed) || YAJL_IS_FALSE(seed))
            vf->seed_text = xstrdup(YAJL_IS_TRUE(seed) ? "true" : "false");
        else
            vf->seed_text = xstrdup(YAJL_IS_ARRAY(seed) ? "[...]" : "{...}");
    }
    yajl_val model = member(gen, "model");
    if (model && !YAJL_IS_NULL(model)) {
        vf->has_model = true;
        if (YAJL_IS_STRING(model))
            vf->model = xstrdup(YAJL_GET_STRING(model));
    }
    return 0;
}

/* Lenient: the object is dsci's record; a value of another type is read as absent. */
static void parse_tokenizer(struct version_file *vf, yajl_val tok)
{
    if (!YAJL_IS_OBJECT(tok))
        return;
    vf->has_tokenizer = true;
    const char *keys[] = { "path", "kind", "sha256" };
    char **fields[] = { &vf->tokenizer_path, &vf->tokenizer_kind, &vf->tokenizer_sha256 };
    for (size_t i = 0; i < 3; i++) {
        yajl_val v = member(tok, keys[i]);
        if (v && YAJL_IS_STRING(v))
            *fields[i] = xstrdup(YAJL_GET_STRING(v));
    }
}

int version_file_parse(struct version_file **out, const char *path, const char *data, size_t len)
{
    struct version_file *vf = NULL;
    char *text = NULL;
    yajl_val root = NULL;
    int rc = 0;
    struct parse p = { path, data, len };
    *out = NULL;

    if (len > VERSION_FILE_MAX_BYTES) {
        rc = err_set(DSCI_EUSAGE, "%s: version file is larger than %zu MiB", path,
                     VERSION_FILE_MAX_BYTES >> 20);
        goto done;
    }
    const char *nul = memchr(data, '\0', len);
    if (nul) {
        rc = err_set(DSCI_EUSAGE, "%s:%zu: invalid version file: NUL byte", path,
                     line_at(data, len, (size_t)(nul - data)));
        goto done;
    }
    text = xmemdup(data, len);   /* yajl_tree_parse wants a C string */
    char errbuf[512];
    root = yajl_tree_parse(text, errbuf, sizeof(errbuf));
    if (!root) {
        rc = syntax_error(path, data, len);
        goto done;
    }
    if (!YAJL_IS_OBJECT(root)) {
        rc = err_set(DSCI_EUSAGE, "%s:1: invalid version file: not a JSON object", path);
        goto done;
    }

    vf = xcalloc(1, sizeof(*vf));
    const char *key[1];
    key[0] = "version";
    if ((rc = get_string(&vf->version, &p, root, key, 1)) < 0)
        goto done;
    key[0] = "previous";
    if ((rc = get_string(&vf->previous, &p, root, key, 1)) < 0)
        goto done;
    key[0] = "created";
    if ((rc = get_string(&vf->created, &p, root, key, 1)) < 0)
        goto done;
    yajl_val splits = member(root, "splits");
    if (splits && !YAJL_IS_NULL(splits) && (rc = parse_splits(vf, &p, splits)) < 0)
        goto done;
    yajl_val gen = member(root, "generation_config");
    if (gen && (rc = parse_generation(vf, &p, gen)) < 0)
        goto done;
    yajl_val changes = member(root, "changes");
    if (changes)
        parse_changes(vf, changes);
    yajl_val tok = member(root, "tokenizer");
    if (tok)
        parse_tokenizer(vf, tok);

    *out = vf;
    vf = NULL;
done:
    version_file_free(vf);
    yajl_tree_free(root);
    free(text);
    return rc;
}

static void split_file_release(struct version_split_file *f)
{
    free(f->path);
    free(f->checksum);
}

static void split_release(struct version_split *s)
{
    free(s->name);
    free(s->path);
    free(s->checksum);
    for (size_t j = 0; j < s->n_files; j++)
        split_file_release(&s->files[j]);
    free(s->files);
}

void version_file_free(struct version_file *vf)
{
    if (!vf)
        return;
    for (size_t i = 0; i < vf->n_splits; i++)
        split_release(&vf->splits[i]);
    free(vf->splits);
    char *const strings[] = { vf->version, vf->previous, vf->created, vf->seed_text, vf->model,
                              vf->tokenizer_path, vf->tokenizer_kind, vf->tokenizer_sha256 };
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
        free(strings[i]);
    free(vf);
}

/* ------------------------------------------------------------------------------ */
/* Writing                                                                         */

/* Deeper than this, a value is not something a person wrote by hand; the emitter
 * recurses, so it refuses rather than risk the stack. */
#define RENDER_MAX_DEPTH 256

/* The offset of a \u0000 escape in a JSON text (an odd run of backslashes before
 * "u0000"), or SIZE_MAX. yajl's tree hands strings over NUL-terminated, so such a
 * string would come back cut short: refusing is better than losing text silently. */
static size_t nul_escape_at(const char *data, size_t len)
{
    for (const char *p = data; (p = memmem(p, len - (size_t)(p - data), "u0000", 5)); p++) {
        const char *q = p;
        while (q > data && q[-1] == '\\')
            q--;
        if ((p - q) % 2)
            return (size_t)(p - data) - 1;
    }
    return SIZE_MAX;
}

/* Writes `v` as it was written, under `key` (NULL in an array). -1 when too deep. */
static int emit_value(struct jw *w, const char *key, yajl_val v, int depth)
{
    if (depth > RENDER_MAX_DEPTH)
        return -1;
    switch (v->type) {
    case yajl_t_string:
        jw_str(w, key, v->u.string);
        return 0;
    case yajl_t_number:
        /* the text as written: no float round trip, no integer overflow */
        jw_prefix(w, key);
        fputs(v->u.number.r, w->out);
        return 0;
    case yajl_t_object:
        jw_open(w, key, '{');
        for (size_t i = 0; i < v->u.object.len; i++)
            if (emit_value(w, v->u.object.keys[i], v->u.object.values[i], depth + 1) < 0)
                return -1;
        jw_close(w, '}');
        return 0;
    case yajl_t_array:
        jw_open(w, key, '[');
        for (size_t i = 0; i < v->u.array.len; i++)
            if (emit_value(w, NULL, v->u.array.values[i], depth + 1) < 0)
                return -1;
        jw_close(w, ']');
        return 0;
    case yajl_t_true:
    case yajl_t_false:
        jw_bool(w, key, v->type == yajl_t_true);
        return 0;
    default:
        jw_null(w, key);
        return 0;
    }
}

static bool known(const char *key, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(key, names[i]))
            return true;
    return false;
}

/* The members of `obj` (may be NULL or not an object) that are not among `names`. */
static int emit_others(struct jw *w, yajl_val obj, const char *const *names, size_t n)
{
    if (!obj || !YAJL_IS_OBJECT(obj))
        return 0;
    for (size_t i = 0; i < obj->u.object.len; i++)
        if (!known(obj->u.object.keys[i], names, n) &&
            emit_value(w, obj->u.object.keys[i], obj->u.object.values[i], 2) < 0)
            return -1;
    return 0;
}

static void emit_file_fields(struct jw *w, const char *path, uint64_t examples, uint64_t bytes,
                             const char *checksum)
{
    if (path)
        jw_str(w, "path", path);
    jw_u64(w, "examples", examples);
    jw_u64(w, "bytes", bytes);
    if (checksum)
        jw_str(w, "checksum", checksum);
}

static int emit_split(struct jw *w, const struct version_split *s, yajl_val old_splits)
{
    static const char *const names[] = { "path", "examples", "bytes", "checksum", "files" };
    yajl_val old = old_splits && YAJL_IS_OBJECT(old_splits) ? member(old_splits, s->name) : NULL;
    jw_open(w, s->name, '{');
    emit_file_fields(w, s->path, s->examples, s->bytes, s->checksum);
    if (s->n_files) {
        jw_open(w, "files", '[');
        for (size_t i = 0; i < s->n_files; i++) {
            const struct version_split_file *f = &s->files[i];
            jw_open(w, NULL, '{');
            emit_file_fields(w, f->path, f->examples, f->bytes, f->checksum);
            jw_close(w, '}');
        }
        jw_close(w, ']');
    }
    if (emit_others(w, old, names, sizeof(names) / sizeof(names[0])) < 0)
        return -1;
    jw_close(w, '}');
    return 0;
}

static int emit_file(struct jw *w, const struct version_file *vf, yajl_val root)
{
    static const char *const top[] = {
        "version", "previous", "created", "splits", "generation_config", "tokenizer", "changes",
    };
    static const char *const change_names[] = { "added", "removed", "modified" };
    yajl_val old_splits = root ? member(root, "splits") : NULL;
    yajl_val gen = root ? member(root, "generation_config") : NULL;
    yajl_val tokenizer = root ? member(root, "tokenizer") : NULL;

    jw_open(w, NULL, '{');
    jw_str(w, "version", vf->version);
    jw_str(w, "previous", vf->previous);
    jw_str(w, "created", vf->created);
    jw_open(w, "splits", '{');
    for (size_t i = 0; i < vf->n_splits; i++)
        if (emit_split(w, &vf->splits[i], old_splits) < 0)
            return -1;
    jw_close(w, '}');
    if (gen) {
        if (emit_value(w, "generation_config", gen, 1) < 0)
            return -1;
    } else {
        jw_open(w, "generation_config", '{');
        jw_null(w, "random_seed");
        jw_null(w, "model");
        jw_close(w, '}');
    }
    if (vf->has_tokenizer) {
        static const char *const tok_names[] = { "path", "kind", "sha256" };
        jw_open(w, "tokenizer", '{');
        jw_str(w, "path", vf->tokenizer_path);
        jw_str(w, "kind", vf->tokenizer_kind);
        jw_str(w, "sha256", vf->tokenizer_sha256);
        if (emit_others(w, tokenizer && YAJL_IS_OBJECT(tokenizer) ? tokenizer : NULL, tok_names, 3) < 0)
            return -1;
        jw_close(w, '}');
    } else if (tokenizer && emit_value(w, "tokenizer", tokenizer, 1) < 0) {
        return -1;
    }
    jw_open(w, "changes", '{');
    jw_u64(w, "added", vf->added);
    jw_u64(w, "removed", vf->removed);
    jw_u64(w, "modified", vf->modified);
    if (emit_others(w, root ? member(root, "changes") : NULL, change_names, 3) < 0)
        return -1;
    jw_close(w, '}');
    if (emit_others(w, root, top, sizeof(top) / sizeof(top[0])) < 0)
        return -1;
    jw_close(w, '}');
    fputc('\n', w->out);
    return 0;
}

int version_file_render(char **out, size_t *len, const struct version_file *vf, const char *path,
                        const char *old, size_t old_len)
{
    struct version_file *check = NULL;
    yajl_val root = NULL;
    char *text = NULL, *buf = NULL;
    size_t n = 0;
    FILE *mem = NULL;
    int rc = 0;

    *out = NULL;
    *len = 0;
    if (old) {
        /* the parser's checks first: they name the line of what is wrong */
        if ((rc = version_file_parse(&check, path, old, old_len)) < 0)
            goto done;
        size_t at = nul_escape_at(old, old_len);
        if (at != SIZE_MAX) {
            rc = err_set(DSCI_EUSAGE, "%s:%zu: a string holds \\u0000, which dsci cannot keep when it "
                         "rewrites the file; remove it", path, line_at(old, old_len, at));
            goto done;
        }
        text = xmemdup(old, old_len);
        char errbuf[256];
        if (!(root = yajl_tree_parse(text, errbuf, sizeof(errbuf)))) {
            rc = syntax_error(path, old, old_len);
            goto done;
        }
    }
    if (!(mem = open_memstream(&buf, &n))) {
        rc = err_set(DSCI_EENV, "out of memory");
        goto done;
    }
    struct jw w = { mem, 0, true };
    int deep = emit_file(&w, vf, root);
    if (fclose(mem) != 0 && deep == 0) {
        mem = NULL;
        rc = err_set(DSCI_EENV, "%s: cannot build the new version file", path);
        goto done;
    }
    mem = NULL;
    if (deep < 0) {
        rc = err_set(DSCI_EUSAGE, "%s: values nest deeper than %d levels; dsci will not rewrite it",
                     path, RENDER_MAX_DEPTH);
        goto done;
    }
    *out = buf;
    *len = n;
    buf = NULL;
done:
    free(buf);
    version_file_free(check);
    yajl_tree_free(root);
    free(text);
    return rc;
}

/* Digits without a leading zero (a lone 0 is fine). */
static const char *numeric(const char *s)
{
    if (!isdigit((unsigned char)*s))
        return NULL;
    if (s[0] == '0' && isdigit((unsigned char)s[1]))
        return NULL;
    while (isdigit((unsigned char)*s))
        s++;
    return s;
}

/* Dot-separated non-empty identifiers of [0-9A-Za-z-]; numeric ones without leading zeros
 * when `prerelease`. Returns the end, or NULL. */
static const char *identifiers(const char *s, bool prerelease)
{
    for (;;) {
        const char *start = s;
        bool digits_only = true;
        while (isalnum((unsigned char)*s) || *s == '-') {
            digits_only &= isdigit((unsigned char)*s) != 0;
            s++;
        }
        if (s == start)
            return NULL;
        if (prerelease && digits_only && *start == '0' && s - start > 1)
            return NULL;
        if (*s != '.')
            return s;
        s++;
    }
}

bool version_is_semver(const char *s)
{
    if (!s)
        return false;
    for (int i = 0; i < 3; i++) {
        if (!(s = numeric(s)))
            return false;
        if (i < 2 && *s++ != '.')
            return false;
    }
    if (*s == '-' && !(s = identifiers(s + 1, true)))
        return false;
    if (*s == '+' && !(s = identifiers(s + 1, false)))
        return false;
    return *s == '\0';
}
