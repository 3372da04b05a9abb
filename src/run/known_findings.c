#include "run/known_findings.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "data/dataset.h"
#include "data/source.h"
#include "util/atomic_file.h"
#include "util/err.h"
#include "util/json_write.h"
#include "util/xalloc.h"

#define FORMAT_VERSION 1
#define STALE_NOTES_MAX 5

struct entry {
    char *check;
    unsigned char key[FINDING_KEY_SIZE];
    char *where;             /* "path:line" as recorded, for the stale note */
    bool matched;
};

struct known_findings {
    struct entry *v;           /* in file order: stale entries are named in that order */
    size_t n, alloc;
    struct entry **by_key;     /* sorted by key, then check: looked up once per finding */
    size_t stale;
};

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static bool parse_key(unsigned char out[FINDING_KEY_SIZE], const char *s)
{
    if (strlen(s) != 2 * FINDING_KEY_SIZE)
        return false;
    for (size_t i = 0; i < FINDING_KEY_SIZE; i++) {
        int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

static const char *string_at(yajl_val obj, const char *name)
{
    const char *path[] = { name, NULL };
    yajl_val v = yajl_tree_get(obj, path, yajl_t_string);
    return v ? YAJL_GET_STRING(v) : NULL;
}

static int entry_cmp(const unsigned char *key, const char *check, const struct entry *e)
{
    int c = memcmp(key, e->key, FINDING_KEY_SIZE);
    return c ? c : strcmp(check, e->check);
}

static int by_key_cmp(const void *a, const void *b)
{
    const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;
    return entry_cmp(x->key, x->check, y);
}

int known_findings_parse(struct known_findings **out, const char *text, size_t len, const char *path)
{
    *out = NULL;
    if (len > KNOWN_FINDINGS_MAX_BYTES)
        return err_set(DSCI_EUSAGE, "%s: larger than %zu MiB; it lists accepted findings, not data", path,
                       KNOWN_FINDINGS_MAX_BYTES >> 20);
    if (memchr(text, '\0', len))
        return err_set(DSCI_EUSAGE, "%s: contains a NUL byte; regenerate it with 'dsci check --update-baseline'",
                       path);
    char *copy = xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    char msg[256] = "";
    yajl_val root = yajl_tree_parse(copy, msg, sizeof(msg));
    free(copy);
    if (!root) {
        char *nl = strchr(msg, '\n');
        if (nl)
            *nl = '\0';
        return err_set(DSCI_EUSAGE, "%s: not valid JSON (%s); fix it or regenerate it with "
                       "'dsci check --update-baseline'", path, *msg ? msg : "parse error");
    }
    int rc = 0;
    const char *vpath[] = { "dsci_baseline", NULL }, *apath[] = { "accepted", NULL };
    yajl_val version = YAJL_IS_OBJECT(root) ? yajl_tree_get(root, vpath, yajl_t_number) : NULL;
    yajl_val list = YAJL_IS_OBJECT(root) ? yajl_tree_get(root, apath, yajl_t_array) : NULL;
    if (!version || !YAJL_IS_INTEGER(version) || !list) {
        yajl_tree_free(root);
        return err_set(DSCI_EUSAGE, "%s: expected an object with \"dsci_baseline\": %d and an \"accepted\" list; "
                       "regenerate it with 'dsci check --update-baseline'", path, FORMAT_VERSION);
    }
    long long format = YAJL_GET_INTEGER(version);
    if (format != FORMAT_VERSION) {
        yajl_tree_free(root);
        return err_set(DSCI_EUSAGE, "%s: format %lld is not one this dsci reads (%d); upgrade dsci or regenerate "
                       "the file", path, format, FORMAT_VERSION);
    }
    struct known_findings *k = xcalloc(1, sizeof(*k));
    for (size_t i = 0; i < YAJL_GET_ARRAY(list)->len && rc == 0; i++) {
        yajl_val e = YAJL_GET_ARRAY(list)->values[i];
        const char *check = YAJL_IS_OBJECT(e) ? string_at(e, "check") : NULL;
        const char *key = YAJL_IS_OBJECT(e) ? string_at(e, "key") : NULL;
        unsigned char bytes[FINDING_KEY_SIZE];
        if (!check || !*check || !key || !parse_key(bytes, key)) {
            rc = err_set(DSCI_EUSAGE, "%s: accepted[%zu]: needs \"check\" and a \"key\" of %d lower-case hex "
                         "digits, as 'dsci check --update-baseline' writes them", path, i, 2 * FINDING_KEY_SIZE);
            break;
        }
        ALLOC_GROW(k->v, k->n + 1, k->alloc);
        struct entry *en = &k->v[k->n++];
        en->check = xstrdup(check);
        memcpy(en->key, bytes, sizeof(bytes));
        const char *p = string_at(e, "path");
        const char *lpath[] = { "line", NULL };
        yajl_val line = yajl_tree_get(e, lpath, yajl_t_number);
        if (p && line && YAJL_IS_INTEGER(line))
            en->where = xasprintf("%s:%lld", p, (long long)YAJL_GET_INTEGER(line));
        else
            en->where = xstrdup(p ? p : "?");
        en->matched = false;
    }
    yajl_tree_free(root);
    if (rc < 0) {
        known_findings_free(k);
        return rc;
    }
    k->by_key = xmalloc((k->n ? k->n : 1) * sizeof(*k->by_key));
    for (size_t i = 0; i < k->n; i++)
        k->by_key[i] = &k->v[i];
    if (k->n)
        qsort(k->by_key, k->n, sizeof(*k->by_key), by_key_cmp);
    *out = k;
    return 0;
}

void known_findings_free(struct known_findings *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->n; i++) {
        free(k->v[i].check);
        free(k->v[i].where);
    }
    free(k->v);
    free(k->by_key);
    free(k);
}

size_t known_findings_count(const struct known_findings *k)
{
    return k ? k->n : 0;
}

size_t known_findings_stale(const struct known_findings *k)
{
    return k ? k->stale : 0;
}

/* Marks every entry for (check, key) as matched (a file may list one twice); false when
 * there is none. Thousands of entries and findings: a binary search each. */
static bool match(struct known_findings *k, const char *check, const unsigned char *key)
{
    size_t lo = 0, hi = k->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (entry_cmp(key, check, k->by_key[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    bool found = false;
    for (size_t i = lo; i < k->n && entry_cmp(key, check, k->by_key[i]) == 0; i++)
        k->by_key[i]->matched = found = true;
    return found;
}

static const struct check *find_check(const struct result *r, const char *id)
{
    for (size_t s = 0; s < r->n_sections; s++)
        for (size_t c = 0; c < r->sections[s].n_checks; c++)
            if (!strcmp(r->sections[s].checks[c].id, id))
                return &r->sections[s].checks[c];
    return NULL;
}

/* The step's "first: ..." clause named an accepted finding: name the first open one. */
static void repoint_first(struct check *c)
{
    if (!c->remediation || !c->first_len || !c->n_findings || !c->findings[0].accepted)
        return;
    const struct finding *f = check_first_open(c);
    char *first;
    if (!f)
        first = xasprintf("first open one not among the %zu listed", c->n_findings);
    else if (f->line) {
        char place[FINDING_PLACE_SIZE];
        first = xasprintf("first: %s:%zu%s", f->path ? f->path : "?", f->line, finding_place(place, f));
    }
    else
        first = xasprintf("first: %s", f->path ? f->path : "?");
    char *old = c->remediation;
    size_t at = c->first_at, len = c->first_len;
    c->remediation = xasprintf("%.*s%s%s", (int)at, old, first, old + at + len);
    c->first_len = strlen(first);
    free(first);
    free(old);
}

static void rejudge(struct check *c)
{
    if (!c->accepted)
        return;
    repoint_first(c);
    char *old = c->value_text;
    bool all = c->accepted == c->findings_total;
    c->value_text = xasprintf("%s%s%llu accepted%s", old ? old : "", old && *old ? " (" : "",
                              (unsigned long long)c->accepted, old && *old ? ")" : "");
    free(old);
    if (all && (c->status == STATUS_FAIL || c->status == STATUS_WARN)) {
        c->status = STATUS_PASS;
        c->blocking = false;
        free(c->remediation);
        c->remediation = NULL;
    } else if (c->remediation) {
        /* the gate's step counts (and may point at) findings that are accepted */
        char *step = c->remediation;
        c->remediation = xasprintf("%s (of these, %llu %s accepted in %s and need%s nothing)", step,
                                   (unsigned long long)c->accepted, c->accepted == 1 ? "is" : "are",
                                   KNOWN_FINDINGS_FILE, c->accepted == 1 ? "s" : "");
        free(step);
    }
}

void known_findings_apply(struct known_findings *k, struct result *r, const char *path)
{
    if (!k)
        return;
    for (size_t s = 0; s < r->n_sections; s++)
        for (size_t ci = 0; ci < r->sections[s].n_checks; ci++) {
            struct check *c = &r->sections[s].checks[ci];
            for (size_t f = 0; f < c->n_findings; f++) {
                struct finding *fd = &c->findings[f];
                if (!fd->keyed)
                    continue;
                /* an entry from before a key changed its recipe (docs/known-findings.md) */
                bool now = match(k, c->id, fd->key);
                bool before = fd->has_old_key && match(k, c->id, fd->old_key);
                if (!now && !before)
                    continue;
                fd->accepted = true;
                c->accepted++;
            }
            rejudge(c);
        }
    k->stale = 0;
    for (size_t i = 0; i < k->n; i++) {
        if (k->v[i].matched)
            continue;
        /* a check with more findings than are kept may hold it among the unkept ones */
        const struct check *c = find_check(r, k->v[i].check);
        if (c && c->findings_total > c->n_findings)
            continue;
        if (++k->stale <= STALE_NOTES_MAX)
            result_add_note(r, "%s: accepted %s finding at %s is no longer found (stale); "
                            "'dsci check --update-baseline' drops it", path, k->v[i].check, k->v[i].where);
    }
    if (k->stale > STALE_NOTES_MAX)
        result_add_note(r, "%s: %zu more stale entries", path, k->stale - STALE_NOTES_MAX);
}

struct out_entry {
    const char *check;
    const struct finding *f;
};

static int out_entry_cmp(const void *a, const void *b)
{
    const struct out_entry *x = a, *y = b;
    int c = strcmp(x->check, y->check);
    if (c)
        return c;
    c = strcmp(x->f->path ? x->f->path : "", y->f->path ? y->f->path : "");
    if (c)
        return c;
    if (x->f->line != y->f->line)
        return x->f->line < y->f->line ? -1 : 1;
    return memcmp(x->f->key, y->f->key, FINDING_KEY_SIZE);
}

size_t known_findings_render(struct buf *out, const struct result *r)
{
    struct out_entry *v = NULL;
    size_t n = 0, alloc = 0;
    for (size_t s = 0; s < r->n_sections; s++)
        for (size_t ci = 0; ci < r->sections[s].n_checks; ci++) {
            const struct check *c = &r->sections[s].checks[ci];
            if (c->status == STATUS_PASS && !c->accepted)
                continue;
            for (size_t f = 0; f < c->n_findings; f++) {
                const struct finding *fd = &c->findings[f];
                if (!fd->keyed)
                    continue;
                bool dup = false;   /* one entry per (check, key): several PII hits in one example */
                for (size_t j = 0; j < f && !dup; j++)
                    dup = c->findings[j].keyed && !memcmp(c->findings[j].key, fd->key, FINDING_KEY_SIZE);
                if (dup)
                    continue;
                ALLOC_GROW(v, n + 1, alloc);
                v[n].check = c->id;
                v[n].f = fd;
                n++;
            }
        }
    if (n)
        qsort(v, n, sizeof(*v), out_entry_cmp);
    buf_printf(out, "{\n  \"dsci_baseline\": %d,\n", FORMAT_VERSION);
    buf_addstr(out, "  \"about\": \"Findings accepted with 'dsci check --update-baseline', keyed by check and "
                    "example content: they do not fail their check. An edited example is checked again. "
                    "path, line and message are for reading only.\",\n");
    buf_addstr(out, "  \"accepted\": [");
    for (size_t i = 0; i < n; i++) {
        const struct finding *fd = v[i].f;
        char hex[2 * FINDING_KEY_SIZE + 1];
        for (size_t b = 0; b < FINDING_KEY_SIZE; b++)
            snprintf(hex + 2 * b, 3, "%02x", fd->key[b]);
        buf_addstr(out, i ? ",\n    {\"check\": " : "\n    {\"check\": ");
        json_buf_string(out, v[i].check, strlen(v[i].check));
        buf_printf(out, ", \"key\": \"%s\", \"kind\": ", hex);
        json_buf_string(out, fd->kind, strlen(fd->kind));
        buf_addstr(out, ", \"path\": ");
        json_buf_string(out, fd->path ? fd->path : "", fd->path ? strlen(fd->path) : 0);
        buf_printf(out, ", \"line\": %zu, \"message\": ", fd->line);
        json_buf_string(out, fd->message, strlen(fd->message));
        buf_addstr(out, "}");
    }
    buf_addstr(out, n ? "\n  ]\n}\n" : "]\n}\n");
    free(v);
    return n;
}

/* Whether the file differs between two places (absent counts as a content). */
static bool file_differs(struct source *a, struct source *b, const char *path)
{
    bool in_a = source_exists(a, path) > 0, in_b = source_exists(b, path) > 0;
    if (in_a != in_b || !in_a)
        return in_a != in_b;
    char *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    bool differ = source_read_file(a, path, &x, &nx) < 0 || source_read_file(b, path, &y, &ny) < 0 ||
                  nx != ny || memcmp(x, y, nx) != 0;
    err_clear();
    free(x);
    free(y);
    return differ;
}

/*
 * The known-findings file, from the same place as the data; with --spec-from (the base
 * branch in a pull request) from that revision, like the spec: a pull request must not
 * accept its own findings. None is fine (*out stays NULL). Read before the run: a check
 * keeps as many more findings as the file accepts, so that none of them is judged open
 * only because the report stopped storing findings.
 */
int known_findings_load(struct known_findings **out, char **shown_out, bool *edited, struct dataset *ds,
                        const char *spec_rev)
{
    struct dataset at;
    struct source *from = ds->src;
    int rc = 0;
    memset(&at, 0, sizeof(at));
    if (spec_rev) {
        if ((rc = dataset_open_baseline(&at, ds, spec_rev)) < 0)
            return rc;
        from = at.src;
        *edited = file_differs(from, ds->src, KNOWN_FINDINGS_FILE);
    }
    if (source_exists(from, KNOWN_FINDINGS_FILE) != 0) {   /* < 0: reading says why */
        char *text = NULL, *shown = source_display_path(from, KNOWN_FINDINGS_FILE);
        size_t len = 0;
        rc = source_read_file(from, KNOWN_FINDINGS_FILE, &text, &len);
        if (rc == 0)
            rc = known_findings_parse(out, text, len, shown);
        if (rc == 0) {
            size_t cap = result_max_findings(), more = known_findings_count(*out);
            result_set_max_findings(cap > SIZE_MAX - more ? SIZE_MAX : cap + more);
            *shown_out = shown;
            shown = NULL;
        }
        free(text);
        free(shown);
    }
    dataset_close(&at);
    return rc;
}

/* --update-baseline: the file that accepts what this run found, in the work tree. */
int known_findings_update(const struct dataset *ds, struct result *r)
{
    const char *root = ds->spec->root && *ds->spec->root ? ds->spec->root : ".";
    char *target = !strcmp(root, ".") ? xstrdup(KNOWN_FINDINGS_FILE) : xasprintf("%s/%s", root, KNOWN_FINDINGS_FILE);
    char *real = NULL;
    struct buf text = BUF_INIT;
    size_t n = known_findings_render(&text, r);
    struct spec_loc nowhere = { 0, 0 };
    int rc = dataset_write_target(&real, ds, KNOWN_FINDINGS_FILE, NULL, nowhere);
    if (rc == 0)
        rc = atomic_write_file(real, text.ptr, text.len, 0644);
    free(real);
    if (rc == 0) {
        struct known_findings *k = NULL;
        /* judge by what was written, exactly as the next run will */
        if ((rc = known_findings_parse(&k, text.ptr, text.len, target)) == 0) {
            for (size_t s = 0; s < r->n_sections; s++)
                for (size_t c = 0; c < r->sections[s].n_checks; c++) {
                    struct check *ck = &r->sections[s].checks[c];
                    for (size_t f = 0; f < ck->n_findings; f++)
                        ck->findings[f].accepted = false;
                    ck->accepted = 0;
                }
            known_findings_apply(k, r, target);
            result_add_note(r, "wrote %s: %zu accepted finding%s", target, n, n == 1 ? "" : "s");
        }
        known_findings_free(k);
    }
    buf_release(&text);
    free(target);
    return rc;
}
