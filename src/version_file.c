#include "version_file.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "util/err.h"
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
    }
    return 0;
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

    *out = vf;
    vf = NULL;
done:
    version_file_free(vf);
    yajl_tree_free(root);
    free(text);
    return rc;
}

void version_file_free(struct version_file *vf)
{
    if (!vf)
        return;
    for (size_t i = 0; i < vf->n_splits; i++) {
        free(vf->splits[i].name);
        free(vf->splits[i].path);
        free(vf->splits[i].checksum);
    }
    free(vf->splits);
    free(vf->version);
    free(vf->previous);
    free(vf->created);
    free(vf->seed_text);
    free(vf->model);
    free(vf);
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
