/*
 * Reading the data for dsci init, in two steps:
 *   - find: walk the folder for *.jsonl / *.json names (also .gz / .zst compressed: the
 *     source decompresses them, and reads an LFS pointer's object) and keep the files whose first
 *     record the reader recognizes (a probe that stops after a few records);
 *   - measure: stream every record of the kept files once through the reader, the
 *     way the gates see them, with one candidate label field; other candidates get
 *     a label-only pass each, only when the earlier ones did not qualify.
 * The numbers then go to init_propose.c (the bands) and init_render.c (the YAML).
 * Label fields cannot be discovered from the records (the reader hands over one
 * dotted path's string value, not the record), so the candidates are the usual names
 * of a label, probed on the first file before any full pass.
 */
#include "init/init_impl.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "data/source.h"
#include "read/reader.h"
#include "util/err.h"
#include "util/strv.h"
#include "util/text_hash.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define INIT_MAX_DEPTH 32
#define INIT_MAX_FILES 10000        /* data file names looked at; more is not a dataset folder */
#define INIT_PROBE_RECORDS 16       /* records read to find the first object of a file */
#define INIT_PROBE_EXAMPLES 200     /* examples read to see whether a label field is used */
#define INIT_MAX_LABEL_PASSES 8     /* full label-only passes, after the measuring one */

/* Usual names of a label, most telling first; tried under metadata., at the top level,
 * then under meta. */
static const char *const label_names[] = {
    "operation", "category", "label", "intent", "task", "task_type", "type", "topic",
    "domain", "skill", "class", "kind", "action", "scenario", "difficulty",
};
static const char *const label_prefixes[] = { "metadata.", "", "meta." };

/* dir/name, or name alone at the top ("", "."). Caller frees. */
static char *join(const char *dir, const char *name)
{
    if (!dir || !*dir || !strcmp(dir, "."))
        return xstrdup(name);
    size_t n = strlen(dir);
    return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

/* ---- finding the files -------------------------------------------------------------- */

struct found {
    char **paths;            /* relative to the root */
    size_t n, alloc;
    char **skipped;
    size_t n_skipped, alloc_skipped;
    bool truncated;
};

static void skip_file(struct found *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void skip_file(struct found *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = xmalloc((size_t)(n < 0 ? 0 : n) + 1);
    va_start(ap, fmt);
    vsnprintf(text, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    va_end(ap);
    ALLOC_GROW(f->skipped, f->n_skipped + 1, f->alloc_skipped);
    f->skipped[f->n_skipped++] = text;
}

static bool skipped_folder(const char *name)
{
    return name[0] == '.' || !strcmp(name, "node_modules") || !strcmp(name, "specs");
}

static int walk(struct found *f, const char *root, const char *rel, int depth)
{
    char *dir_path = rel ? join(root, rel) : xstrdup(root);
    DIR *d = opendir(dir_path);
    char **names = NULL;
    size_t n = 0, alloc = 0;
    struct dirent *de;
    int rc = 0;

    if (!d) {
        if (!rel)
            rc = err_set(errno == ENOENT || errno == ENOTDIR ? DSCI_EUSAGE : DSCI_EENV,
                         "%s: cannot read the folder: %s", root, strerror(errno));
        else
            skip_file(f, "%s/: cannot read the folder (%s)", rel, strerror(errno));
        free(dir_path);
        return rc;
    }
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        ALLOC_GROW(names, n + 1, alloc);
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), strv_cmp);

    for (size_t i = 0; i < n && rc == 0 && !f->truncated; i++) {
        char *child = rel ? join(rel, names[i]) : xstrdup(names[i]);
        char *full = join(root, child);
        struct stat st;
        if (lstat(full, &st) == 0) {
            bool link = S_ISLNK(st.st_mode);
            if (link && stat(full, &st) != 0)
                st.st_mode = 0;      /* dangling: neither a file nor a folder */
            if (S_ISDIR(st.st_mode) && !link && !skipped_folder(names[i])) {
                if (depth < INIT_MAX_DEPTH)
                    rc = walk(f, root, child, depth + 1);
            } else if (S_ISREG(st.st_mode) && init_data_ext_len(names[i])) {
                if (f->n == INIT_MAX_FILES) {
                    f->truncated = true;
                } else {
                    ALLOC_GROW(f->paths, f->n + 1, f->alloc);
                    f->paths[f->n++] = child;
                    child = NULL;
                }
            }
        }
        free(child);
        free(full);
    }
    strv_free(names, n);
    free(dir_path);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------- */

/* Streams one file through the reader; the run_file's own strings are freed here. */
static int read_one(struct source *src, const char *path, const char *label_field,
                    struct run_file *file, reader_callback cb, void *ctx)
{
    struct reader_options o;
    struct byte_stream stream;
    int rc;

    memset(&o, 0, sizeof(o));
    o.format = FORMAT_AUTO;
    o.max_line_bytes = READER_DEFAULT_MAX_LINE;
    o.id_field = "id";
    o.label_field = label_field;
    o.role_human = "human";
    o.role_assistant = "gpt";
    o.role_system = "system";
    memset(file, 0, sizeof(*file));
    file->path = (char *)path;
    if ((rc = source_open_stream(src, path, &stream)) < 0)
        return rc;
    rc = reader_run(file, &stream, &o, cb, ctx);
    stream.close(stream.ctx);
    free(file->read_error);
    file->read_error = NULL;
    file->path = NULL;
    return rc;
}

/* The first object of a file, to tell records from other JSON (package.json). */
struct probe {
    uint64_t seen;
    bool parsed;
    bool recognized;
};

static int probe_cb(void *ctx, const struct example *ex)
{
    struct probe *p = ctx;
    p->seen++;
    if (ex->parsed) {
        p->parsed = true;
        /* The reader calls an object without a known list ShareGPT; it is a record of
         * some format only when the format's list (or Alpaca's instruction) is there.
         * A `text`, `completion` or pair key that is not what the format wants (a config
         * file's "text": 5) does not make a dataset either. */
        bool keyed = ex->format == FORMAT_PREFERENCE || ex->format == FORMAT_COMPLETION ||
                     ex->format == FORMAT_TEXT;
        p->recognized = !example_has(ex, EX_MISSING_MESSAGES_LIST) &&
                        !(keyed && example_has(ex, EX_MISSING_FIELD));
        return 1;
    }
    return p->seen >= INIT_PROBE_RECORDS;
}

/* Distinct message texts: 128-bit hashes in an open-addressing table. The low bit of
 * the second word is forced on, so an all-zero slot means empty. */
struct text_set {
    uint64_t (*slots)[2];
    size_t size, used;
};

static bool text_set_add(struct text_set *s, const char *text, size_t len)
{
    uint64_t h[2];
    text_hash128(h, text, len);
    h[1] |= 1;
    if (2 * (s->used + 1) > s->size) {
        size_t size = s->size ? 2 * s->size : 1024;
        uint64_t (*slots)[2] = xcalloc(size, sizeof(*slots));
        for (size_t i = 0; i < s->size; i++) {
            if (!s->slots[i][1])
                continue;
            size_t j = (size_t)s->slots[i][0] & (size - 1);
            while (slots[j][1])
                j = (j + 1) & (size - 1);
            slots[j][0] = s->slots[i][0];
            slots[j][1] = s->slots[i][1];
        }
        free(s->slots);
        s->slots = slots;
        s->size = size;
    }
    size_t j = (size_t)h[0] & (s->size - 1);
    while (s->slots[j][1]) {
        if (s->slots[j][0] == h[0] && s->slots[j][1] == h[1])
            return false;
        j = (j + 1) & (s->size - 1);
    }
    s->slots[j][0] = h[0];
    s->slots[j][1] = h[1];
    s->used++;
    return true;
}

/* The measuring pass: what the quality and splits gates will see, and one label field. */
struct measure {
    struct init_scan *scan;
    struct init_file *file;
    struct init_split *split;
    struct init_field *field;   /* NULL: no label counted */
    struct text_set texts;
    double turns_mean, turns_m2;   /* Welford */
    uint64_t turns_n;
    struct init_hist hist[INIT_MEASURES];        /* user, assistant lengths; messages per example */
    struct init_longest longest[INIT_MEASURES];
};

static void note_longest(struct init_longest *l, uint64_t value, const struct measure *m,
                         const struct example *ex)
{
    if (l->path && value <= l->value)
        return;
    if (!l->path || strcmp(l->path, m->file->path)) {
        free(l->path);
        l->path = xstrdup(m->file->path);
    }
    l->value = value;
    l->line = ex->line;
}

static int measure_cb(void *ctx, const struct example *ex)
{
    struct measure *m = ctx;
    struct init_scan *s = m->scan;
    if (!ex->parsed)
        return 0;
    m->file->examples++;
    m->split->examples++;
    s->examples++;
    m->turns_n++;
    double d = (double)ex->n_turns - m->turns_mean;
    m->turns_mean += d / (double)m->turns_n;
    m->turns_m2 += d * ((double)ex->n_turns - m->turns_mean);
    init_hist_add(&m->hist[INIT_TURNS], ex->n_turns);
    note_longest(&m->longest[INIT_TURNS], ex->n_turns, m, ex);
    for (size_t i = 0; i < ex->n_turns; i++) {
        const struct turn *t = &ex->turns[i];
        if (!t->text)
            continue;
        if (t->role == ROLE_USER) {
            s->user_chars += t->text_chars;
            s->user_texts++;
            init_hist_add(&m->hist[INIT_HUMAN], t->text_chars);
            note_longest(&m->longest[INIT_HUMAN], t->text_chars, m, ex);
        } else if (t->role == ROLE_ASSISTANT) {
            s->assistant_chars += t->text_chars;
            s->assistant_texts++;
            init_hist_add(&m->hist[INIT_ASSISTANT], t->text_chars);
            note_longest(&m->longest[INIT_ASSISTANT], t->text_chars, m, ex);
        }
        s->texts++;
        if (text_set_add(&m->texts, t->text, t->text_len))
            s->distinct_texts++;
    }
    if (m->field)
        init_field_add(m->field, ex->label, ex->label_len);
    return 0;
}

/* A label-only pass: counts values, gives up (returns 1) once the field cannot qualify. */
struct label_count {
    struct init_field *field;
    uint64_t examples;
    uint64_t limit;             /* stop after this many examples; 0 for none */
};

static int label_cb(void *ctx, const struct example *ex)
{
    struct label_count *l = ctx;
    if (!ex->parsed)
        return 0;
    l->examples++;
    init_field_add(l->field, ex->label, ex->label_len);
    if (l->field->too_many || l->field->unusable)
        return 1;
    return l->limit && l->examples >= l->limit;
}

/* ---- the scan ------------------------------------------------------------------------ */

static size_t split_rank(const char *name)
{
    if (!strcmp(name, "train"))
        return 0;
    if (!strcmp(name, "validation"))
        return 1;
    if (!strcmp(name, "test"))
        return 2;
    return 3;
}

/* Takes the recognized files: names their splits, orders files and splits. */
static void arrange(struct init_scan *scan, char **paths, size_t n)
{
    char **names = NULL;
    init_name_splits(&names, paths, n);

    /* splits: the three usual ones first, then the others in order of their first file */
    scan->splits = xcalloc(n, sizeof(*scan->splits));
    for (size_t rank = 0; rank <= 3; rank++)
        for (size_t i = 0; i < n; i++) {
            if (split_rank(names[i]) != rank)
                continue;
            bool seen = false;
            for (size_t k = 0; k < scan->n_splits && !seen; k++)
                seen = !strcmp(scan->splits[k].name, names[i]);
            if (!seen)
                scan->splits[scan->n_splits++].name = xstrdup(names[i]);
        }
    scan->files = xcalloc(n, sizeof(*scan->files));
    for (size_t k = 0; k < scan->n_splits; k++)
        for (size_t i = 0; i < n; i++) {
            if (!names[i] || strcmp(names[i], scan->splits[k].name))
                continue;
            struct init_file *f = &scan->files[scan->n_files++];
            f->path = paths[i];
            paths[i] = NULL;
            f->split = names[i];
            names[i] = NULL;
        }
    strv_free(names, n);
}

static size_t split_index(const struct init_scan *scan, const char *name)
{
    for (size_t k = 0; k < scan->n_splits; k++)
        if (!strcmp(scan->splits[k].name, name))
            return k;
    return 0;
}

/* The candidates a probe of the first file keeps: used by at least half of its first
 * examples, with values that could still qualify. */
static int probe_labels(struct init_field **out, size_t *n_out, struct source *src, const char *path)
{
    size_t total = sizeof(label_prefixes) / sizeof(label_prefixes[0]) * (sizeof(label_names) / sizeof(label_names[0]));
    struct init_field *kept = xcalloc(total, sizeof(*kept));
    size_t n = 0;
    int rc = 0;

    for (size_t p = 0; p < sizeof(label_prefixes) / sizeof(label_prefixes[0]); p++)
        for (size_t i = 0; i < sizeof(label_names) / sizeof(label_names[0]); i++) {
            struct init_field f = { 0 };
            struct label_count l = { &f, 0, INIT_PROBE_EXAMPLES };
            struct run_file file;
            f.path = xasprintf("%s%s", label_prefixes[p], label_names[i]);
            rc = read_one(src, path, f.path, &file, label_cb, &l);
            if (rc < 0) {
                init_field_release(&f);
                goto done;
            }
            if (!f.too_many && !f.unusable && l.examples && 2 * f.labeled >= l.examples) {
                init_field_reset(&f);     /* counted again over all the data */
                kept[n++] = f;
            } else {
                init_field_release(&f);
            }
        }
    rc = 0;
done:
    if (rc < 0) {
        for (size_t i = 0; i < n; i++)
            init_field_release(&kept[i]);
        free(kept);
        kept = NULL;
        n = 0;
    }
    *out = kept;
    *n_out = n;
    return rc;
}

/* A README.md / version.json next to the data: data/hf_dataset/, then the folder of each
 * data file and the folders above it, up to the root. */
static char *find_beside(const struct init_scan *scan, const char *name)
{
    char *hf = xasprintf("data/hf_dataset/%s", name);
    struct stat st;
    char *full = join(scan->root, hf);
    bool there = stat(full, &st) == 0 && S_ISREG(st.st_mode);
    free(full);
    if (there)
        return hf;
    free(hf);
    for (size_t i = 0; i < scan->n_files; i++) {
        char *dir = xstrdup(scan->files[i].path);
        for (;;) {
            char *slash = strrchr(dir, '/');
            if (slash)
                *slash = '\0';
            char *rel = slash ? join(dir, name) : xstrdup(name);
            full = join(scan->root, rel);
            there = stat(full, &st) == 0 && S_ISREG(st.st_mode);
            free(full);
            if (there) {
                free(dir);
                return rel;
            }
            free(rel);
            if (!slash)
                break;
        }
        free(dir);
    }
    return NULL;
}

/* Keeps found->paths[i] in taken when its first object is a record; else lists it as
 * skipped with the reason. A file that cannot be opened or read (outside the repository
 * through a symbolic link, unreadable) is left out with the reason, not fatal. */
static void probe_file(struct found *found, struct source *src, size_t i, char **taken, size_t *n_taken)
{
    const char *path = found->paths[i];
    struct probe p = { 0 };
    struct run_file file;

    if (strpbrk(path, "*?[")) {
        skip_file(found, "%s (a spec path with * ? or [ would be read as a pattern; rename the file)", path);
    } else if (!utf8_valid(path, strlen(path))) {
        skip_file(found, "%s (the name is not UTF-8)", path);
    } else if (read_one(src, path, NULL, &file, probe_cb, &p) < 0) {
        skip_file(found, "%s (%s)", path, err_last());
        err_clear();
    } else if (file.lfs_pointer) {
        skip_file(found, "%s (a git LFS pointer whose object is not in the local LFS store; run `git lfs pull`)", path);
    } else if (!p.parsed && !file.is_array && init_is_json_name(path)) {
        skip_file(found, "%s (one JSON document, not records)", path);
    } else if (!p.parsed) {
        skip_file(found, "%s (no JSON object among its first records)", path);
    } else if (!p.recognized) {
        skip_file(found, "%s (not ShareGPT, OpenAI, Alpaca, preference, completion or text records)", path);
    } else {
        taken[(*n_taken)++] = found->paths[i];
        found->paths[i] = NULL;
    }
}

/* find: the files whose first object is a record, into *taken (caller frees); the list
 * of files left out moves to out->skipped. DSCI_EUSAGE when no file is taken. */
static int find_records(struct init_scan *out, struct found *found, struct source *src, char ***taken,
                        size_t *n_taken)
{
    *taken = xcalloc(found->n ? found->n : 1, sizeof(**taken));
    for (size_t i = 0; i < found->n; i++)
        probe_file(found, src, i, *taken, n_taken);
    out->skipped = found->skipped;
    out->n_skipped = found->n_skipped;
    found->skipped = NULL;
    found->n_skipped = 0;
    if (*n_taken)
        return 0;

    struct buf b = BUF_INIT;
    buf_printf(&b, "no data found in %s%s: dsci init looks for .jsonl and .json files of ShareGPT, "
               "OpenAI chat, Alpaca, preference, completion or text records (also .gz or .zst compressed)", !strcmp(out->root, ".") ? "this folder" : out->root,
               " or its subfolders");
    if (out->n_skipped)
        buf_printf(&b, "; left out: %s%s", out->skipped[0], out->n_skipped > 1 ? ", ..." : "");
    int rc = err_set(DSCI_EUSAGE, "%s", buf_cstr(&b));
    buf_release(&b);
    return rc;
}

/* measure: one pass over every file, counting `field` (NULL: no label) on the way; then
 * the format all files share, the turn statistics and the quality bands. */
static int measure_files(struct init_scan *out, struct measure *m, struct source *src, struct init_field *field)
{
    int rc;

    m->scan = out;
    m->field = field;
    for (size_t i = 0; i < out->n_files; i++) {
        struct init_file *f = &out->files[i];
        struct run_file file;
        m->file = f;
        m->split = &out->splits[split_index(out, f->split)];
        if ((rc = read_one(src, f->path, field ? field->path : NULL, &file, measure_cb, m)) < 0)
            return rc;
        f->format = file.format;
        f->is_array = file.is_array;
        f->records = file.records;
        out->records += file.records;
    }
    out->format = out->files[0].format;
    for (size_t i = 1; i < out->n_files; i++)
        if (out->files[i].format != out->format)
            out->format = FORMAT_AUTO;
    out->turns_mean = m->turns_mean;
    out->turns_variance = m->turns_n ? m->turns_m2 / (double)m->turns_n : 0;
    init_decide_quality(out, m->hist, m->longest);
    return 0;
}

/* The label: the first candidate, in order, that qualifies over all the data, moved to
 * out->field. The first was counted by the measuring pass; each later one gets a
 * label-only pass (at most INIT_MAX_LABEL_PASSES). */
static int choose_label(struct init_scan *out, struct init_field *candidates, size_t n, struct source *src)
{
    int rc;

    for (size_t c = 0; c < n && c <= INIT_MAX_LABEL_PASSES; c++) {
        struct init_field *f = &candidates[c];
        if (c > 0) {
            struct label_count l = { f, 0, 0 };
            for (size_t i = 0; i < out->n_files && !f->too_many && !f->unusable; i++) {
                struct run_file file;
                if ((rc = read_one(src, out->files[i].path, f->path, &file, label_cb, &l)) < 0)
                    return rc;
            }
        }
        if (init_field_qualifies(f, out->examples)) {
            out->field = xmalloc(sizeof(*out->field));
            *out->field = *f;
            memset(f, 0, sizeof(*f));
            init_field_sort(out->field);
            return 0;
        }
    }
    return 0;
}

int init_scan_run(struct init_scan *out, const char *root)
{
    struct found found = { 0 };
    struct source *src = NULL;
    struct init_field *candidates = NULL;
    size_t n_candidates = 0;
    struct measure m;
    char **taken = NULL;
    size_t n_taken = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&m, 0, sizeof(m));
    out->root = xstrdup(root);
    if ((rc = walk(&found, root, NULL, 0)) < 0)
        goto done;
    if (found.truncated)
        skip_file(&found, "every data file after the first %d (too many to look at)", INIT_MAX_FILES);
    if ((rc = source_open_worktree(&src, root)) < 0 || (rc = find_records(out, &found, src, &taken, &n_taken)) < 0)
        goto done;
    arrange(out, taken, n_taken);
    if ((rc = probe_labels(&candidates, &n_candidates, src, out->files[0].path)) < 0 ||
        (rc = measure_files(out, &m, src, n_candidates ? &candidates[0] : NULL)) < 0 ||
        (rc = choose_label(out, candidates, n_candidates, src)) < 0)
        goto done;
    out->card = find_beside(out, "README.md");
    out->version_file = find_beside(out, "version.json");
    rc = 0;
done:
    for (size_t i = 0; i < n_candidates; i++)
        init_field_release(&candidates[i]);
    free(candidates);
    free(m.texts.slots);
    for (int i = 0; i < INIT_MEASURES; i++) {
        init_hist_release(&m.hist[i]);
        free(m.longest[i].path);
    }
    strv_free(taken, n_taken);
    strv_free(found.paths, found.n);
    strv_free(found.skipped, found.n_skipped);
    source_free(src);
    return rc;
}

static void file_release(struct init_file *f)
{
    free(f->path);
    free(f->split);
}

static void quality_release(struct init_quality *q)
{
    struct init_measure *measures[] = { &q->human, &q->assistant, &q->turns };
    for (size_t i = 0; i < sizeof(measures) / sizeof(measures[0]); i++)
        free(measures[i]->longest.path);
    strv_free(q->concerns, q->n_concerns);
}

void init_scan_release(struct init_scan *scan)
{
    if (!scan)
        return;
    for (size_t i = 0; i < scan->n_files; i++)
        file_release(&scan->files[i]);
    free(scan->files);
    strv_free(scan->skipped, scan->n_skipped);
    for (size_t i = 0; i < scan->n_splits; i++)
        free(scan->splits[i].name);
    free(scan->splits);
    init_field_release(scan->field);
    free(scan->field);
    free(scan->card);
    free(scan->version_file);
    free(scan->root);
    quality_release(&scan->quality);
    memset(scan, 0, sizeof(*scan));
}
