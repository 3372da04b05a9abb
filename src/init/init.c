/*
 * The starter spec. Three steps, each on its own:
 *   - find: walk the folder for *.jsonl / *.json names and keep the files whose first
 *     record the reader recognizes (a probe that stops after a few records);
 *   - measure: stream every record of the kept files once through the reader, the
 *     way the gates see them, with one candidate label field; other candidates get
 *     a label-only pass each, only when the earlier ones did not qualify;
 *   - render: the numbers become a commented YAML spec, checked with spec_load before
 *     anything is written.
 * Label fields cannot be discovered from the records (the reader hands over one
 * dotted path's string value, not the record), so the candidates are the usual names
 * of a label, probed on the first file before any full pass.
 */
#include "init/init.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "read/reader.h"
#include "data/source.h"
#include "util/atomic_file.h"
#include "util/err.h"
#include "util/strv.h"
#include "util/text_hash.h"
#include "util/xalloc.h"

#define INIT_MAX_DEPTH 32
#define INIT_MAX_FILES 10000        /* data file names looked at; more is not a dataset folder */
#define INIT_PROBE_RECORDS 16       /* records read to find the first object of a file */
#define INIT_PROBE_EXAMPLES 200     /* examples read to see whether a label field is used */
#define INIT_MAX_LABEL_PASSES 8     /* full label-only passes, after the measuring one */
#define INIT_COMMENT_COLUMN 40

/* Usual names of a label, most telling first; tried under metadata., at the top level,
 * then under meta. */
static const char *const label_names[] = {
    "operation", "category", "label", "intent", "task", "task_type", "type", "topic",
    "domain", "skill", "class", "kind", "action", "scenario", "difficulty",
};
static const char *const label_prefixes[] = { "metadata.", "", "meta." };

/* ---- small string helpers -------------------------------------------------------- */

static bool has_suffix_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcasecmp(s + n - m, suffix);
}

static char *join(const char *dir, const char *name)
{
    if (!dir || !*dir || !strcmp(dir, "."))
        return xstrdup(name);
    size_t n = strlen(dir);
    return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", name);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t need;
        if (*p < 0x80)
            need = 0;
        else if (*p >= 0xC2 && *p <= 0xDF)
            need = 1;
        else if (*p >= 0xE0 && *p <= 0xEF)
            need = 2;
        else if (*p >= 0xF0 && *p <= 0xF4)
            need = 3;
        else
            return false;
        p++;
        for (size_t k = 0; k < need; k++, p++)
            if ((*p & 0xC0) != 0x80)
                return false;
    }
    return true;
}

/* ---- names: splits and the dataset ----------------------------------------------- */

static const struct {
    const char *word, *split;
} split_words[] = {
    { "train", "train" }, { "training", "train" },
    { "val", "validation" }, { "valid", "validation" }, { "validation", "validation" }, { "dev", "validation" },
    { "test", "test" }, { "testing", "test" }, { "eval", "test" }, { "evaluation", "test" },
};

/* The split named by the last split word in s[0..len), or NULL. */
static const char *words_split(const char *s, size_t len)
{
    const char *found = NULL;
    size_t i = 0;
    while (i < len) {
        while (i < len && !isalnum((unsigned char)s[i]))
            i++;
        size_t start = i;
        while (i < len && isalnum((unsigned char)s[i]))
            i++;
        for (size_t k = 0; k < sizeof(split_words) / sizeof(split_words[0]); k++) {
            size_t wl = strlen(split_words[k].word);
            if (i - start == wl && !strncasecmp(s + start, split_words[k].word, wl))
                found = split_words[k].split;
        }
    }
    return found;
}

/* The file name without .jsonl / .json: its bytes are path[*start .. *end). */
static void stem_of(const char *path, size_t *start, size_t *end)
{
    const char *b = base_name(path);
    size_t n = strlen(b);
    if (has_suffix_ci(b, ".jsonl"))
        n -= 6;
    else if (has_suffix_ci(b, ".json"))
        n -= 5;
    *start = (size_t)(b - path);
    *end = *start + n;
}

const char *init_split_word(const char *path)
{
    size_t start, end;
    stem_of(path, &start, &end);
    const char *split = words_split(path + start, end - start);
    /* then the folders, nearest first */
    size_t dir_end = start;
    while (!split && dir_end > 0) {
        size_t e = dir_end - 1;          /* the '/' before the part already looked at */
        size_t s = e;
        while (s > 0 && path[s - 1] != '/')
            s--;
        split = words_split(path + s, e - s);
        dir_end = s;
    }
    return split;
}

/* Letters, digits, '.', '_', '-' kept, anything else '_'; "split" when empty. */
static char *sanitize_split(const char *s, size_t len)
{
    if (!len)
        return xstrdup("split");
    char *out = xstrndup(s, len);
    for (char *p = out; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
            *p = '_';
    return out;
}

static bool in_list(char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && !strcmp(names[i], name))
            return true;
    return false;
}

void init_name_splits(char ***out, char *const *paths, size_t n)
{
    char **names = xcalloc(n ? n : 1, sizeof(*names));
    char **stems = xcalloc(n ? n : 1, sizeof(*stems));
    size_t unknown = 0;

    for (size_t i = 0; i < n; i++) {
        const char *known = init_split_word(paths[i]);
        if (known) {
            names[i] = xstrdup(known);
            continue;
        }
        size_t start, end;
        stem_of(paths[i], &start, &end);
        stems[i] = sanitize_split(paths[i] + start, end - start);
        unknown++;
    }
    if (n == 1 && unknown == 1) {
        names[0] = xstrdup("train");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (!stems[i])
            continue;
        /* Two files with the same stem: the parent folder tells them apart. */
        bool shared = false;
        for (size_t j = 0; j < n && !shared; j++)
            shared = j != i && stems[j] && !strcmp(stems[i], stems[j]);
        char *candidate;
        size_t start, end;
        stem_of(paths[i], &start, &end);
        if (shared && start > 1) {
            size_t e = start - 1, s = e;
            while (s > 0 && paths[i][s - 1] != '/')
                s--;
            char *both = xasprintf("%.*s_%.*s", (int)(e - s), paths[i] + s, (int)(end - start), paths[i] + start);
            candidate = sanitize_split(both, strlen(both));
            free(both);
        } else {
            candidate = xstrdup(stems[i]);
        }
        /* Still taken (by a split word or an earlier file): number it. */
        char *name = xstrdup(candidate);
        for (int k = 2; in_list(names, n, name); k++) {
            free(name);
            name = xasprintf("%s-%d", candidate, k);
        }
        free(candidate);
        names[i] = name;
    }
done:
    free_strv(stems, n);
    *out = names;
}

char *init_sanitize_name(const char *folder)
{
    struct buf b = BUF_INIT;
    bool dash = false;
    for (const char *p = folder; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) || c == '.' || c == '_' || c == '-') {
            if (dash && b.len)
                buf_addch(&b, '-');
            dash = false;
            buf_addch(&b, (char)tolower(c));
        } else {
            dash = true;
        }
    }
    /* no leading or trailing '-' or '.' */
    size_t start = 0, end = b.len;
    while (start < end && (b.ptr[start] == '-' || b.ptr[start] == '.'))
        start++;
    while (end > start && (b.ptr[end - 1] == '-' || b.ptr[end - 1] == '.'))
        end--;
    char *name = end > start ? xstrndup(b.ptr + start, end - start) : xstrdup("dataset");
    buf_release(&b);
    return name;
}

bool init_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 100 || name[0] == '.' || name[0] == '-')
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
            return false;
    return true;
}

char *init_spec_root(const char *path)
{
    /* as spec_load does it: lexically, so a relative path stays relative */
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    while (len > 0 && path[len - 1] != '/')
        len--;
    while (len > 1 && path[len - 1] == '/')
        len--;
    char *dir = len ? xstrndup(path, len) : xstrdup(".");
    if (strcmp(base_name(dir), "specs"))
        return dir;
    char *root = init_spec_root(dir);
    free(dir);
    return root;
}

/* ---- label fields ----------------------------------------------------------------- */

void init_field_add(struct init_field *f, const char *value, size_t len)
{
    if (!value || !len || f->too_many || f->unusable)
        return;
    if (len > INIT_MAX_LABEL_BYTES) {
        f->unusable = true;
        return;
    }
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f) {
            f->unusable = true;
            return;
        }
    for (size_t i = 0; i < f->n_values; i++)
        if (strlen(f->values[i].text) == len && !memcmp(f->values[i].text, value, len)) {
            f->values[i].count++;
            f->labeled++;
            return;
        }
    if (f->n_values == INIT_MAX_CATEGORIES) {
        f->too_many = true;
        return;
    }
    ALLOC_GROW(f->values, f->n_values + 1, f->alloc_values);
    f->values[f->n_values].text = xstrndup(value, len);
    f->values[f->n_values++].count = 1;
    f->labeled++;
}

static int cmp_value(const void *a, const void *b)
{
    const struct init_value *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->text, y->text);
}

void init_field_sort(struct init_field *f)
{
    if (f->n_values)
        qsort(f->values, f->n_values, sizeof(*f->values), cmp_value);
}

bool init_field_qualifies(const struct init_field *f, uint64_t examples)
{
    if (f->too_many || f->unusable || !examples)
        return false;
    if (f->n_values < INIT_MIN_CATEGORIES || f->n_values > INIT_MAX_CATEGORIES)
        return false;
    if ((double)f->labeled < INIT_LABEL_COVERAGE * (double)examples)
        return false;
    return 2 * (uint64_t)f->n_values <= f->labeled;
}

void init_field_release(struct init_field *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_values; i++)
        free(f->values[i].text);
    free(f->values);
    free(f->path);
    memset(f, 0, sizeof(*f));
}

/* Forgets the counts, keeps the path. */
static void field_reset(struct init_field *f)
{
    char *path = f->path;
    f->path = NULL;
    init_field_release(f);
    f->path = path;
}

/* ---- rounding ----------------------------------------------------------------------- */

double init_round_to(double x, double step)
{
    return round(x / step) * step;
}

/* The unit of the second significant digit (1 below 100 ... at least 1). */
static double nice_step(double x)
{
    if (x < 100)
        return 1;
    return pow(10, floor(log10(x)) - 1);
}

double init_round_down(double x)
{
    if (x <= 0)
        return 0;
    double step = nice_step(x);
    /* x/step computed a hair below a whole number must not lose a step */
    return floor(x / step + 1e-9) * step;
}

double init_round_up(double x)
{
    if (x <= 0)
        return 0;
    double step = nice_step(x);
    return ceil(x / step - 1e-9) * step;
}

void init_length_bands(struct spec_band *target, struct spec_band *acceptable, double mean)
{
    target->lo = init_round_down(mean / 2);
    target->hi = init_round_up(mean * 2);
    acceptable->lo = init_round_down(mean / 4);
    acceptable->hi = init_round_up(mean * 4);
    if (acceptable->lo > target->lo)
        acceptable->lo = target->lo;
    if (acceptable->hi < target->hi)
        acceptable->hi = target->hi;
}

/* ---- robust bands ------------------------------------------------------------------- */

static size_t big_bucket(uint64_t v)
{
    double b = (log2((double)v) - 16.0) * 16.0;
    return b < 0 ? 0 : b >= INIT_HIST_BIG ? INIT_HIST_BIG - 1 : (size_t)b;
}

static double big_lower(size_t b)
{
    return exp2(16.0 + (double)b / 16.0);
}

void init_hist_add(struct init_hist *h, uint64_t v)
{
    h->n++;
    if (v < INIT_HIST_EXACT) {
        if (!h->exact)
            h->exact = xcalloc(INIT_HIST_EXACT, sizeof(*h->exact));
        h->exact[v]++;
        return;
    }
    size_t b = big_bucket(v);
    h->big_n[b]++;
    h->big_sum[b] += (double)v;
}

double init_hist_quantile(const struct init_hist *h, double q)
{
    if (!h->n)
        return 0;
    uint64_t rank = (uint64_t)ceil(q * (double)h->n - 1e-9), seen = 0;
    if (rank < 1)
        rank = 1;
    for (size_t v = 0; h->exact && v < INIT_HIST_EXACT; v++)
        if ((seen += h->exact[v]) >= rank)
            return (double)v;
    for (size_t b = 0; b < INIT_HIST_BIG; b++)
        if ((seen += h->big_n[b]) >= rank)
            return big_lower(b);
    return big_lower(INIT_HIST_BIG - 1);
}

void init_hist_stats(const struct init_hist *h, double limit, uint64_t *n, double *mean, double *variance)
{
    double sum = 0, sq = 0;
    uint64_t k = 0;
    for (size_t v = 0; h->exact && v < INIT_HIST_EXACT && (double)v <= limit; v++) {
        k += h->exact[v];
        sum += (double)v * (double)h->exact[v];
        sq += (double)v * (double)v * (double)h->exact[v];
    }
    for (size_t b = 0; b < INIT_HIST_BIG && big_lower(b) <= limit; b++) {
        if (!h->big_n[b])
            continue;
        double m = h->big_sum[b] / (double)h->big_n[b];
        k += h->big_n[b];
        sum += h->big_sum[b];
        sq += m * m * (double)h->big_n[b];
    }
    *n = k;
    *mean = k ? sum / (double)k : 0;
    double var = k ? sq / (double)k - *mean * *mean : 0;
    *variance = var > 0 ? var : 0;
}

void init_hist_release(struct init_hist *h)
{
    free(h->exact);
    memset(h, 0, sizeof(*h));
}

double init_outlier_fence(double q1, double q3)
{
    if (q1 < 1)
        q1 = 1;
    if (q3 < q1)
        q3 = q1;
    double r = q3 / q1;
    double fence = q3 * r * r * r;
    return fence > 4 * q3 ? fence : 4 * q3;
}

/* The outliers of h: values beyond the fence, when they are rare (one value, or at most
 * 1% of them). More than that is a part of the data, not an accident. */
static uint64_t outliers(const struct init_hist *h, double *fence)
{
    *fence = init_outlier_fence(init_hist_quantile(h, 0.25), init_hist_quantile(h, 0.75));
    uint64_t n;
    double mean, var;
    init_hist_stats(h, *fence, &n, &mean, &var);
    uint64_t out = h->n - n;
    return out && (out == 1 || out <= h->n / 100) ? out : 0;
}

static void add_concern(struct init_quality *q, char *text)
{
    q->concerns = xreallocarray(q->concerns, q->n_concerns + 1, sizeof(*q->concerns));
    q->concerns[q->n_concerns++] = text;
}

static void decide_length(struct init_quality *q, struct init_measure *m, const struct init_hist *h,
                          uint64_t chars, uint64_t texts, const char *role)
{
    m->measured = texts > 0;
    if (!m->measured)
        return;
    m->value = (double)chars / (double)texts;
    m->robust = m->value;
    m->outliers = outliers(h, &m->fence);
    if (m->outliers) {
        uint64_t n;
        double var;
        init_hist_stats(h, m->fence, &n, &m->robust, &var);
    }
    init_length_bands(&m->target, &m->acceptable, m->robust);
    if (m->value >= m->target.lo && m->value <= m->target.hi)
        return;
    unsigned long long k = (unsigned long long)m->outliers;
    if (m->longest.path)
        add_concern(q, xasprintf("%llu %s message%s %s far longer than the rest (%llu chars, at %s:%zu): "
                                 "%s the mean to %.1f chars; the band is set from the other messages "
                                 "(mean %.1f)", k, role, k == 1 ? "" : "s", k == 1 ? "is" : "are",
                                 (unsigned long long)m->longest.value, m->longest.path, m->longest.line,
                                 k == 1 ? "it pulls" : "they pull", m->value, m->robust));
}

static void decide_turns(struct init_quality *q, struct init_measure *m, const struct init_hist *h,
                         double variance)
{
    m->measured = h->n > 0;
    m->value = variance;
    m->robust = variance;
    m->outliers = outliers(h, &m->fence);
    if (m->outliers) {
        uint64_t n;
        double mean;
        init_hist_stats(h, m->fence, &n, &mean, &m->robust);
    }
    double target = init_round_up(2 * m->robust), acceptable = init_round_up(4 * m->robust);
    if (target < 1)
        target = 1;
    if (acceptable < 2 * target)
        acceptable = 2 * target;
    m->target.hi = target;
    m->acceptable.hi = acceptable;
    if (m->value <= target || !m->longest.path)
        return;
    unsigned long long k = (unsigned long long)m->outliers;
    add_concern(q, xasprintf("%llu example%s %s far more messages than the rest (%llu, at %s:%zu): the "
                             "variance of messages per example is %.2f; the band is set from the others (%.2f)",
                             k, k == 1 ? "" : "s", k == 1 ? "has" : "have", (unsigned long long)m->longest.value,
                             m->longest.path, m->longest.line, m->value, m->robust));
}

void init_decide_quality(struct init_scan *scan, const struct init_hist hist[INIT_MEASURES],
                         struct init_longest longest[INIT_MEASURES])
{
    struct init_quality *q = &scan->quality;
    struct init_measure *m[INIT_MEASURES] = { &q->human, &q->assistant, &q->turns };
    for (int i = 0; i < INIT_MEASURES; i++) {
        m[i]->longest = longest[i];
        memset(&longest[i], 0, sizeof(longest[i]));
    }
    decide_length(q, &q->human, &hist[INIT_HUMAN], scan->user_chars, scan->user_texts, "user");
    decide_length(q, &q->assistant, &hist[INIT_ASSISTANT], scan->assistant_chars, scan->assistant_texts,
                  "assistant");
    decide_turns(q, &q->turns, &hist[INIT_TURNS], scan->turns_variance);

    /* unique messages: today's share, never below the floor; 95/90 once it is there */
    q->unique = scan->texts ? 100.0 * (double)scan->distinct_texts / (double)scan->texts : 100;
    if (q->unique >= 95) {
        q->unique_target = 95;
        q->unique_acceptable = 90;
    } else if (q->unique >= INIT_UNIQUE_FLOOR) {
        q->unique_target = floor(q->unique);
        q->unique_acceptable = q->unique_target - 5 > INIT_UNIQUE_FLOOR ? q->unique_target - 5 : INIT_UNIQUE_FLOOR;
    } else {
        q->unique_target = 50;
        q->unique_acceptable = INIT_UNIQUE_FLOOR;
        add_concern(q, xasprintf("only %.1f%% of message texts are distinct (each text appears %.1f times on "
                                 "average): unique_messages keeps a floor of %.0f%%, so the check fails until "
                                 "the repeats are gone", q->unique,
                                 scan->distinct_texts ? (double)scan->texts / (double)scan->distinct_texts : 0.0,
                                 INIT_UNIQUE_FLOOR));
    }
}

/* ---- YAML --------------------------------------------------------------------------- */

static bool plain_ok(const char *s)
{
    static const char *const reserved[] = {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };
    if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if (!strcasecmp(s, reserved[i]))
            return false;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (!(isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == ' '))
            return false;
    }
    return s[strlen(s) - 1] != ' ';
}

void init_yaml_scalar(struct buf *out, const char *s)
{
    if (plain_ok(s)) {
        buf_addstr(out, s);
        return;
    }
    buf_addch(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_printf(out, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            buf_printf(out, "\\x%02x", *p);
        else
            buf_addch(out, (char)*p);
    }
    buf_addch(out, '"');
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
            } else if (S_ISREG(st.st_mode) &&
                       (has_suffix_ci(names[i], ".jsonl") || has_suffix_ci(names[i], ".json"))) {
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
    free_strv(names, n);
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
         * some format only when the format's list (or Alpaca's instruction) is there. */
        p->recognized = !example_has(ex, EX_MISSING_MESSAGES_LIST);
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
    free_strv(names, n);
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
                field_reset(&f);     /* counted again over all the data */
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
    if ((rc = source_open_worktree(&src, root)) < 0)
        goto done;

    /* find: the files whose first object is a record */
    taken = xcalloc(found.n ? found.n : 1, sizeof(*taken));
    for (size_t i = 0; i < found.n; i++) {
        const char *path = found.paths[i];
        struct probe p = { 0 };
        struct run_file file;
        if (strpbrk(path, "*?[")) {
            skip_file(&found, "%s (a spec path with * ? or [ would be read as a pattern; rename the file)", path);
            continue;
        }
        if (!valid_utf8(path)) {
            skip_file(&found, "%s (the name is not UTF-8)", path);
            continue;
        }
        /* A file that cannot be opened or read (outside the repository through a
         * symbolic link, unreadable) is left out with the reason, not fatal. */
        rc = read_one(src, path, NULL, &file, probe_cb, &p);
        if (rc < 0) {
            skip_file(&found, "%s (%s)", path, err_last());
            err_clear();
        } else if (file.lfs_pointer) {
            skip_file(&found, "%s (a git LFS pointer; run git lfs pull)", path);
        } else if (!p.parsed && !file.is_array && has_suffix_ci(path, ".json")) {
            skip_file(&found, "%s (one JSON document, not records)", path);
        } else if (!p.parsed) {
            skip_file(&found, "%s (no JSON object among its first records)", path);
        } else if (!p.recognized) {
            skip_file(&found, "%s (not ShareGPT, OpenAI or Alpaca records)", path);
        } else {
            taken[n_taken++] = found.paths[i];
            found.paths[i] = NULL;
        }
    }
    rc = 0;
    out->skipped = found.skipped;
    out->n_skipped = found.n_skipped;
    found.skipped = NULL;
    found.n_skipped = 0;
    if (n_taken == 0) {
        struct buf b = BUF_INIT;
        buf_printf(&b, "no data found in %s%s: dsci init looks for .jsonl and .json files of ShareGPT, "
                   "OpenAI chat or Alpaca records", !strcmp(root, ".") ? "this folder" : root,
                   " or its subfolders");
        if (out->n_skipped)
            buf_printf(&b, "; left out: %s%s", out->skipped[0], out->n_skipped > 1 ? ", ..." : "");
        rc = err_set(DSCI_EUSAGE, "%s", buf_cstr(&b));
        buf_release(&b);
        goto done;
    }
    arrange(out, taken, n_taken);

    /* measure: one pass with the first label candidate that the probe kept */
    if ((rc = probe_labels(&candidates, &n_candidates, src, out->files[0].path)) < 0)
        goto done;
    m.scan = out;
    m.field = n_candidates ? &candidates[0] : NULL;
    for (size_t i = 0; i < out->n_files; i++) {
        struct init_file *f = &out->files[i];
        struct run_file file;
        m.file = f;
        m.split = &out->splits[split_index(out, f->split)];
        if ((rc = read_one(src, f->path, m.field ? m.field->path : NULL, &file, measure_cb, &m)) < 0)
            goto done;
        f->format = file.format;
        f->is_array = file.is_array;
        f->records = file.records;
        out->records += file.records;
    }
    out->format = out->files[0].format;
    for (size_t i = 1; i < out->n_files; i++)
        if (out->files[i].format != out->format)
            out->format = FORMAT_AUTO;
    out->turns_mean = m.turns_mean;
    out->turns_variance = m.turns_n ? m.turns_m2 / (double)m.turns_n : 0;
    init_decide_quality(out, m.hist, m.longest);

    /* the label: the first candidate, in order, that qualifies over all the data */
    for (size_t c = 0; c < n_candidates && c <= INIT_MAX_LABEL_PASSES; c++) {
        struct init_field *f = &candidates[c];
        if (c > 0) {
            struct label_count l = { f, 0, 0 };
            for (size_t i = 0; i < out->n_files && !f->too_many && !f->unusable; i++) {
                struct run_file file;
                if ((rc = read_one(src, out->files[i].path, f->path, &file, label_cb, &l)) < 0)
                    goto done;
            }
        }
        if (init_field_qualifies(f, out->examples)) {
            out->field = xmalloc(sizeof(*out->field));
            *out->field = *f;
            memset(f, 0, sizeof(*f));
            init_field_sort(out->field);
            break;
        }
    }

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
    free_strv(taken, n_taken);
    free_strv(found.paths, found.n);
    free_strv(found.skipped, found.n_skipped);
    source_free(src);
    return rc;
}

void init_scan_release(struct init_scan *scan)
{
    if (!scan)
        return;
    for (size_t i = 0; i < scan->n_files; i++) {
        free(scan->files[i].path);
        free(scan->files[i].split);
    }
    free(scan->files);
    free_strv(scan->skipped, scan->n_skipped);
    for (size_t i = 0; i < scan->n_splits; i++)
        free(scan->splits[i].name);
    free(scan->splits);
    init_field_release(scan->field);
    free(scan->field);
    free(scan->card);
    free(scan->version_file);
    free(scan->root);
    free(scan->quality.human.longest.path);
    free(scan->quality.assistant.longest.path);
    free(scan->quality.turns.longest.path);
    free_strv(scan->quality.concerns, scan->quality.n_concerns);
    memset(scan, 0, sizeof(*scan));
}

/* ---- rendering ------------------------------------------------------------------------ */

/* Text for a comment: control characters (a newline would end the comment) and, in a
 * string that is not UTF-8, every non-ASCII byte become '?'. */
static void add_comment_text(struct buf *out, const char *s)
{
    bool utf8 = valid_utf8(s);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        buf_addch(out, *p < 0x20 || *p == 0x7f || (*p >= 0x80 && !utf8) ? '?' : (char)*p);
}

/* One line: `text`, then "# comment" at INIT_COMMENT_COLUMN (or one space after). */
static void emit(struct buf *out, const char *text, const char *comment)
{
    buf_addstr(out, text);
    if (comment && *comment) {
        size_t col = strlen(text);
        for (size_t i = col; i < INIT_COMMENT_COLUMN - 1; i++)
            buf_addch(out, ' ');
        buf_addstr(out, " # ");
        add_comment_text(out, comment);
    }
    buf_addch(out, '\n');
}

/* A whole comment line (or a blank comment line for ""), at `indent` spaces. */
static void comment_line(struct buf *out, int indent, const char *text)
{
    buf_printf(out, "%*s#%s", indent, "", *text ? " " : "");
    add_comment_text(out, text);
    buf_addch(out, '\n');
}

/* "%.10g": 0.8, 0.05, 2.5, 80 */
static const char *num(char buf[32], double v)
{
    snprintf(buf, 32, "%.10g", v);
    return buf;
}

static const char *plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

void init_describe(struct buf *out, const struct init_scan *s)
{
    buf_printf(out, "%zu file%s, ", s->n_files, plural(s->n_files));
    if (s->format != FORMAT_AUTO) {
        buf_addstr(out, spec_format_name(s->format));
    } else {
        buf_addstr(out, "mixed formats (");
        const char *sep = "";
        for (int f = FORMAT_SHAREGPT; f <= FORMAT_ALPACA; f++)
            for (size_t i = 0; i < s->n_files; i++)
                if (s->files[i].format == (enum dataset_format)f) {
                    buf_printf(out, "%s%s", sep, spec_format_name((enum dataset_format)f));
                    sep = ", ";
                    break;
                }
        buf_addch(out, ')');
    }
    buf_printf(out, ", %llu example%s", (unsigned long long)s->examples, plural(s->examples));
    if (s->records > s->examples)
        buf_printf(out, " (and %llu record%s that do%s not parse)", (unsigned long long)(s->records - s->examples),
                   plural(s->records - s->examples), s->records - s->examples == 1 ? "es" : "");
    if (s->field)
        buf_printf(out, ", categories from %s (%zu values)", s->field->path, s->field->n_values);
    else
        buf_addstr(out, ", no label field for categories");
}

static void render_files(struct buf *out, const struct init_scan *s)
{
    struct buf t = BUF_INIT;
    char *c;
    emit(out, "  files:", "split -> path, glob or list, relative to the dataset root");
    for (size_t k = 0; k < s->n_splits; k++) {
        const struct init_split *sp = &s->splits[k];
        size_t n = 0, first = 0;
        for (size_t i = 0; i < s->n_files; i++)
            if (!strcmp(s->files[i].split, sp->name) && n++ == 0)
                first = i;
        buf_reset(&t);
        buf_addstr(&t, "    ");
        init_yaml_scalar(&t, sp->name);
        buf_addstr(&t, ":");
        if (n == 1) {
            buf_addch(&t, ' ');
            init_yaml_scalar(&t, s->files[first].path);
            c = xasprintf("%llu example%s", (unsigned long long)sp->examples, plural(sp->examples));
            emit(out, buf_cstr(&t), c);
            free(c);
            continue;
        }
        c = xasprintf("%zu files, %llu example%s", n, (unsigned long long)sp->examples, plural(sp->examples));
        emit(out, buf_cstr(&t), c);
        free(c);
        for (size_t i = 0; i < s->n_files; i++) {
            if (strcmp(s->files[i].split, sp->name))
                continue;
            buf_reset(&t);
            buf_addstr(&t, "      - ");
            init_yaml_scalar(&t, s->files[i].path);
            emit(out, buf_cstr(&t), NULL);
        }
    }
    buf_release(&t);
}

static void render_dataset(struct buf *out, const struct init_scan *s, const char *name)
{
    struct buf t = BUF_INIT;

    emit(out, "dataset:", NULL);
    buf_addstr(&t, "  name: ");
    init_yaml_scalar(&t, name);
    emit(out, buf_cstr(&t), NULL);
    buf_reset(&t);
    buf_printf(&t, "  format: %s", spec_format_name(s->format));
    emit(out, buf_cstr(&t), s->format == FORMAT_AUTO ? "the files differ: auto decides per file"
                                                       : "sharegpt | openai | alpaca | auto (per file)");
    render_files(out, s);

    buf_reset(&t);
    if (s->card) {
        buf_addstr(&t, "  # card: ");
        init_yaml_scalar(&t, s->card);
        emit(out, buf_cstr(&t), "found: uncomment so `dsci card` keeps it current");
    } else {
        emit(out, "  # card: README.md", "the dataset card `dsci card` writes");
    }
    buf_reset(&t);
    if (s->version_file) {
        buf_addstr(&t, "  # version_file: ");
        init_yaml_scalar(&t, s->version_file);
        emit(out, buf_cstr(&t), "found: uncomment to check its checksums");
    } else {
        emit(out, "  # version_file: version.json", "version, checksums, seed: `dsci bump` writes it");
    }
    emit(out, "  # license: apache-2.0", "for the card: apache-2.0, mit, cc-by-4.0, ...");
    emit(out, "  # language: [en]", NULL);
    emit(out, "versioning:", NULL);
    emit(out, "  tag_prefix: v", "release tags look like v1.2.0 (`dsci bump --tag`)");
    emit(out, "  # rules: {examples_added: minor}", "which part each kind of change bumps");
    buf_release(&t);
}

/* A starter minimum: half of today's count, but never 0 (a rule that cannot fail). */
static uint64_t half_at_least_one(uint64_t count)
{
    return count / 2 ? count / 2 : 1;
}

static void render_coverage(struct buf *out, const struct init_scan *s)
{
    struct buf t = BUF_INIT;
    char *c;

    if (!s->field) {
        comment_line(out, 2, "coverage: no label field was found (looked for operation, category, label,");
        comment_line(out, 2, "intent, task, type, topic and the like, at the top level and under metadata.).");
        comment_line(out, 2, "To require a minimum number of examples per category, classify them by");
        comment_line(out, 2, "keywords (the first category with a keyword in the lower-cased text counts it):");
        comment_line(out, 2, "coverage:");
        comment_line(out, 2, "  level: block");
        comment_line(out, 2, "  by: keywords");
        comment_line(out, 2, "  categories:");
        comment_line(out, 2, "    - {name: Create, min: 20, keywords: [create, add, new]}");
        comment_line(out, 2, "    - {name: Delete, min: 20, keywords: [delete, remove]}");
        comment_line(out, 2, "or by a field's value: by: field, field: metadata.category,");
        comment_line(out, 2, "categories: [{name: A, min: 10}, {name: B, min: 10}]");
        buf_release(&t);
        return;
    }
    const struct init_field *f = s->field;
    comment_line(out, 2, "coverage: every category keeps at least `min` examples. Each min is half of");
    comment_line(out, 2, "today's count: raise them as the data grows, add categories you need.");
    emit(out, "  coverage:", NULL);
    emit(out, "    level: block", NULL);
    emit(out, "    by: field", "the category is the value of this field");
    buf_addstr(&t, "    field: ");
    init_yaml_scalar(&t, f->path);
    c = xasprintf("%zu values on %llu of %llu examples", f->n_values, (unsigned long long)f->labeled,
                  (unsigned long long)s->examples);
    emit(out, buf_cstr(&t), c);
    free(c);
    emit(out, "    categories:", NULL);
    for (size_t i = 0; i < f->n_values; i++) {
        buf_reset(&t);
        buf_addstr(&t, "      - {name: ");
        init_yaml_scalar(&t, f->values[i].text);
        buf_printf(&t, ", min: %llu}", (unsigned long long)half_at_least_one(f->values[i].count));
        c = xasprintf("%llu today", (unsigned long long)f->values[i].count);
        emit(out, buf_cstr(&t), c);
        free(c);
    }
    buf_release(&t);
}

static void render_quality(struct buf *out, const struct init_scan *s)
{
    const struct init_quality *q = &s->quality;
    char a[32], b[32], x[32], y[32];
    char *line, *c;

    comment_line(out, 2, "quality: measured means, judged against bands. Inside target: PASS; inside");
    comment_line(out, 2, "acceptable: WARN; outside: FAIL. The bands start wide around today's values");
    comment_line(out, 2, "(target half to twice the mean length, a rare far outlier left out of that");
    comment_line(out, 2, "mean); narrow them to what you want, then make the gate block.");
    if (q->n_concerns) {
        comment_line(out, 2, "The data does not meet these bands today, so the gate blocks until it is fixed:");
        for (size_t i = 0; i < q->n_concerns; i++) {
            c = xasprintf("- %s", q->concerns[i]);
            comment_line(out, 2, c);
            free(c);
        }
    }
    emit(out, "  quality:", NULL);
    if (q->n_concerns)
        emit(out, "    level: block", "the data fails a band today: see above");
    else
        emit(out, "    level: warn", "block once the bands say what you want");

    const struct {
        const char *key, *role;
        const struct init_measure *m;
    } lengths[] = {
        { "human_length:    ", "user", &q->human },
        { "assistant_length:", "assistant", &q->assistant },
    };
    for (size_t i = 0; i < 2; i++) {
        const struct init_measure *m = lengths[i].m;
        if (!m->measured) {
            c = xasprintf("%.*s: no %s messages to measure; the default band applies",
                          (int)strcspn(lengths[i].key, ":"), lengths[i].key, lengths[i].role);
            comment_line(out, 4, c);
            free(c);
            continue;
        }
        line = xasprintf("    %s {target: [%s, %s], acceptable: [%s, %s]}", lengths[i].key, num(a, m->target.lo),
                         num(b, m->target.hi), num(x, m->acceptable.lo), num(y, m->acceptable.hi));
        if (m->outliers)
            c = xasprintf("mean %s message: %.1f chars without %llu outlier%s (%.1f with)", lengths[i].role,
                          m->robust, (unsigned long long)m->outliers, m->outliers == 1 ? "" : "s", m->value);
        else
            c = xasprintf("mean %s message: %.1f chars", lengths[i].role, m->value);
        emit(out, line, c);
        free(line);
        free(c);
    }

    if (s->texts) {
        line = xasprintf("    unique_messages:  {target: %s%%, acceptable: %s%%}", num(a, q->unique_target),
                         num(b, q->unique_acceptable));
        c = q->unique >= 95 ? xasprintf("%.1f%% of message texts are distinct (a minimum)", q->unique)
            : q->unique >= INIT_UNIQUE_FLOOR
                ? xasprintf("%.1f%% distinct today: raise toward 95%% as repeats go", q->unique)
                : xasprintf("only %.1f%% distinct today: below the floor of %.0f%%", q->unique, INIT_UNIQUE_FLOOR);
        emit(out, line, c);
        free(line);
        free(c);
    }
    const struct init_measure *t = &q->turns;
    line = xasprintf("    turn_variance:    {target: %s, acceptable: %s}", num(a, t->target.hi),
                     num(b, t->acceptable.hi));
    if (t->outliers)
        c = xasprintf("variance of messages per example: %.2f without %llu outlier%s (%.2f with; a maximum)",
                      t->robust, (unsigned long long)t->outliers, t->outliers == 1 ? "" : "s", t->value);
    else
        c = xasprintf("variance of messages per example: %.2f (a maximum)", t->value);
    emit(out, line, c);
    free(line);
    free(c);
}

static void render_splits(struct buf *out, const struct init_scan *s)
{
    struct buf t = BUF_INIT;
    char a[32];
    char *c;

    if (s->n_splits > 1) {
        comment_line(out, 2, "splits: each split's share of all examples (within the tolerance) and a");
        comment_line(out, 2, "minimum, half of today's count. Set the ratios you mean to keep.");
    } else {
        comment_line(out, 2, "splits: a minimum number of examples (half of today's count). With more");
        comment_line(out, 2, "splits, each gets a ratio: {ratio: 0.8, min: 100}.");
    }
    emit(out, "  splits:", NULL);
    emit(out, "    level: block", NULL);
    if (s->n_splits > 1)
        emit(out, "    tolerance: 0.05", "allowed distance from each ratio");
    for (size_t k = 0; k < s->n_splits; k++) {
        const struct init_split *sp = &s->splits[k];
        double share = s->examples ? (double)sp->examples / (double)s->examples : 0;
        double ratio = init_round_to(share, 0.05);
        if (!strcmp(sp->name, "level") || !strcmp(sp->name, "tolerance")) {
            c = xasprintf("split '%s' can have no rule here: the key belongs to the gate", sp->name);
            comment_line(out, 4, c);
            free(c);
            continue;
        }
        buf_reset(&t);
        buf_addstr(&t, "    ");
        init_yaml_scalar(&t, sp->name);
        if (s->n_splits > 1 && ratio > 0)
            buf_printf(&t, ": {ratio: %s, min: %llu}", num(a, ratio),
                       (unsigned long long)half_at_least_one(sp->examples));
        else
            buf_printf(&t, ": {min: %llu}", (unsigned long long)half_at_least_one(sp->examples));
        c = xasprintf("%llu today (%.1f%%)", (unsigned long long)sp->examples, 100 * share);
        emit(out, buf_cstr(&t), c);
        free(c);
    }
    buf_release(&t);
}

void init_render(struct buf *out, const struct init_scan *s, const char *name)
{
    struct buf d = BUF_INIT;
    char *c;

    init_describe(&d, s);
    c = xasprintf("dsci spec for %s, written by `dsci init`: a starting point to edit.", name);
    comment_line(out, 0, c);
    free(c);
    c = xasprintf("detected: %s", buf_cstr(&d));
    comment_line(out, 0, c);
    free(c);
    for (size_t i = 0; i < s->n_skipped && i < 5; i++) {
        c = xasprintf("left out: %s", s->skipped[i]);
        comment_line(out, 0, c);
        free(c);
    }
    if (s->n_skipped > 5) {
        c = xasprintf("left out: %zu more files that are not records", s->n_skipped - 5);
        comment_line(out, 0, c);
        free(c);
    }
    comment_line(out, 0, "");
    comment_line(out, 0, "Every number below starts from what the data looks like today, so `dsci check`");
    comment_line(out, 0, "passes unless the data has real problems (broken records, exact duplicates, an");
    comment_line(out, 0, "example in two splits, texts repeated over and over, a far outlier). Tighten them");
    comment_line(out, 0, "as the dataset matures; the comments say how. Each key is described in dsci's");
    comment_line(out, 0, "docs/spec.md.");
    if (s->quality.n_concerns)
        comment_line(out, 0, "This data has such problems: see the notes under quality.");
    emit(out, "dsci: 1", "spec format version");
    render_dataset(out, s, name);

    emit(out, "gates:", NULL);
    comment_line(out, 2, "Every gate takes level: block (a failure fails the check, exit 1), warn");
    comment_line(out, 2, "(reported, exit 0) or off.");
    comment_line(out, 2, "");
    comment_line(out, 2, "format: every record is valid JSON in its format, messages alternate, none is");
    comment_line(out, 2, "empty. It stays at block: training on a broken record fails late and quietly.");
    emit(out, "  format: {level: block}", NULL);
    render_coverage(out, s);
    render_quality(out, s);
    comment_line(out, 2, "duplicates: identical examples block; near duplicates (MinHash similarity at");
    comment_line(out, 2, "or above the threshold) warn. Lower the threshold to catch looser copies.");
    emit(out, "  duplicates: {exact: block, near: warn, threshold: 0.8}", NULL);
    comment_line(out, 2, "leakage: no example (or a near copy of one) in two splits.");
    emit(out, "  leakage: {level: block, near_threshold: 0.9}", NULL);
    comment_line(out, 2, "pii: personal data in the texts. The reserved example domains are allowed;");
    comment_line(out, 2, "add ipv6 to detect if your data may hold IPv6 addresses.");
    emit(out, "  pii:", NULL);
    emit(out, "    level: block", NULL);
    emit(out, "    detect: [email, phone, credit_card, ipv4, api_key]", NULL);
    emit(out, "    allow: [example.com, example.org, example.net]", NULL);
    comment_line(out, 2, "reproducibility: the version file records the version, the checksum of every");
    comment_line(out, 2, "file, the random seed and the model, and the card exists. Set");
    comment_line(out, 2, "dataset.version_file and dataset.card, run `dsci bump` and `dsci card`, then");
    comment_line(out, 2, "make it block.");
    emit(out, "  reproducibility:", NULL);
    emit(out, "    level: warn", NULL);
    emit(out, "    require: [version, checksums, random_seed, model, card]", NULL);
    render_splits(out, s);
    comment_line(out, 2, "regression: against the latest version tag (versioning.tag_prefix), if any.");
    emit(out, "  regression:", NULL);
    emit(out, "    level: block", NULL);
    emit(out, "    coverage_drop: block", "a category falls below its count in that version");
    emit(out, "    max_removed: 5%", "share of its examples that may be removed");
    emit(out, "    metric_drift: warn", "a quality metric leaves its target band");
    buf_release(&d);
}

/* ---- writing ------------------------------------------------------------------------- */

static int output_free(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        return err_set(DSCI_EUSAGE, "%s already exists; dsci init never overwrites \xe2\x80\x94 edit it, "
                       "or remove it first", path);
    if (errno != ENOENT && errno != ENOTDIR)
        return err_set(DSCI_EENV, "%s: cannot check whether it exists: %s", path, strerror(errno));
    return 0;
}

/* mkdir -p of the folder that will hold `path`. */
static int make_parents(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (!slash || slash == dir) {
        free(dir);
        return 0;
    }
    *slash = '\0';
    for (char *p = dir + 1; rc == 0; p++) {
        bool end = *p == '\0';
        if (*p != '/' && !end)
            continue;
        *p = '\0';
        struct stat st;
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            rc = err_set(DSCI_EENV, "%s: cannot create the folder: %s", dir, strerror(errno));
        else if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            rc = err_set(DSCI_EENV, "%s: cannot create the folder: a file is in the way", dir);
        if (end)
            break;
        *p = '/';
    }
    free(dir);
    return rc;
}

int init_write_spec(const char *path, const char *text, size_t len)
{
    int rc;
    if ((rc = output_free(path)) < 0 || (rc = make_parents(path)) < 0)
        return rc;
    return atomic_write_file(path, text, len, 0644);
}

char *init_default_name(const char *root)
{
    char *real = realpath(root, NULL);
    char *name = init_sanitize_name(real ? base_name(real) : root);
    free(real);
    return name;
}

int init_run(struct init_scan *out, const struct init_options *o)
{
    struct buf text = BUF_INIT;
    struct spec *spec = NULL;
    char *root = init_spec_root(o->output);
    int rc;

    if ((rc = output_free(o->output)) < 0 || (rc = init_scan_run(out, root)) < 0)
        goto done;
    init_render(&text, out, o->name);
    if (spec_load_buffer(&spec, o->output, text.ptr, text.len) < 0) {
        char *why = xstrdup(err_last());
        rc = err_set(DSCI_EINTERNAL, "the starter spec does not load (a bug in dsci init): %s", why);
        free(why);
        goto done;
    }
    rc = init_write_spec(o->output, text.ptr, text.len);
done:
    spec_free(spec);
    buf_release(&text);
    free(root);
    return rc;
}
