/*
 * The numbers of the starter spec, from what the scan measured: which label field names
 * categories, the quality bands (robust: outliers beyond a log-scale fence are left out
 * of the means the bands are built on, and named), rounding to numbers a person would
 * write, and the concerns the spec does not bless.
 */
#include "init/init_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

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

void init_field_reset(struct init_field *f)
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
