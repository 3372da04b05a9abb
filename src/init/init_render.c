/*
 * The commented YAML starter spec (init_render) and the one-line summary (init_describe).
 * Every string goes through yaml_emit_scalar (YAML_SCALAR_SPEC); comments are made safe
 * by add_comment_text. Nothing here decides a number: init_propose.c did.
 */
#include "init/init_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xalloc.h"
#include "util/yaml_emit.h"

#define INIT_COMMENT_COLUMN 40

/* ---- rendering ------------------------------------------------------------------------ */

/* Text for a comment: control characters (a newline would end the comment) and, in a
 * string that is not UTF-8, every non-ASCII byte become '?'. */
static void add_comment_text(struct buf *out, const char *s)
{
    bool utf8 = utf8_valid(s, strlen(s));
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

/* Consecutive comment lines: the NULL-terminated `lines`, each through comment_line. */
static void comment_lines(struct buf *out, int indent, const char *const *lines)
{
    for (; *lines; lines++)
        comment_line(out, indent, *lines);
}

/* The gates whose defaults do not depend on the data (duplicates, leakage, pii,
 * reproducibility), exactly as written into every spec. */
static const char fixed_gates[] =
    "  # duplicates: identical examples block; near duplicates (MinHash similarity at\n"
    "  # or above the threshold) warn. Lower the threshold to catch looser copies.\n"
    "  duplicates: {exact: block, near: warn, threshold: 0.8}\n"
    "  # leakage: no example (or a near copy of one) in two splits.\n"
    "  leakage: {level: block, near_threshold: 0.9}\n"
    "  # pii: personal data in the texts. The reserved example domains are allowed;\n"
    "  # add ipv6 to detect if your data may hold IPv6 addresses.\n"
    "  pii:\n"
    "    level: block\n"
    "    detect: [email, phone, credit_card, ipv4, api_key]\n"
    "    allow: [example.com, example.org, example.net]\n"
    "  # reproducibility: the version file records the version, the checksum of every\n"
    "  # file, the random seed and the model, and the card exists. Set\n"
    "  # dataset.version_file and dataset.card, run `dsci bump` and `dsci card`, then\n"
    "  # make it block.\n"
    "  reproducibility:\n"
    "    level: warn\n"
    "    require: [version, checksums, random_seed, model, card]\n";

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
        for (int f = FORMAT_SHAREGPT; f < FORMAT_COUNT; f++)
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
        yaml_emit_scalar(&t, sp->name, YAML_SCALAR_SPEC);
        buf_addstr(&t, ":");
        if (n == 1) {
            buf_addch(&t, ' ');
            yaml_emit_scalar(&t, s->files[first].path, YAML_SCALAR_SPEC);
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
            yaml_emit_scalar(&t, s->files[i].path, YAML_SCALAR_SPEC);
            emit(out, buf_cstr(&t), NULL);
        }
    }
    buf_release(&t);
}

/* A commented-out dataset key naming a file: the one found next to the data (path not
 * NULL) or the usual name. */
static void optional_file(struct buf *out, const char *key, const char *path, const char *found_note,
                          const char *usual, const char *usual_note)
{
    struct buf t = BUF_INIT;
    buf_printf(&t, "  # %s: ", key);
    if (path)
        yaml_emit_scalar(&t, path, YAML_SCALAR_SPEC);
    else
        buf_addstr(&t, usual);
    emit(out, buf_cstr(&t), path ? found_note : usual_note);
    buf_release(&t);
}

static void render_dataset(struct buf *out, const struct init_scan *s, const char *name)
{
    struct buf t = BUF_INIT;

    emit(out, "dataset:", NULL);
    buf_addstr(&t, "  name: ");
    yaml_emit_scalar(&t, name, YAML_SCALAR_SPEC);
    emit(out, buf_cstr(&t), NULL);
    buf_reset(&t);
    buf_printf(&t, "  format: %s", spec_format_name(s->format));
    emit(out, buf_cstr(&t), s->format == FORMAT_AUTO ? "the files differ: auto decides per file"
                                                       : "sharegpt | openai | alpaca | preference | completion | text | auto");
    render_files(out, s);

    optional_file(out, "card", s->card, "found: uncomment so `dsci card` keeps it current", "README.md",
                  "the dataset card `dsci card` writes");
    optional_file(out, "version_file", s->version_file, "found: uncomment to check its checksums", "version.json",
                  "version, checksums, seed: `dsci bump` writes it");
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
        comment_lines(out, 2, (const char *const[]){
            "coverage: no label field was found (looked for operation, category, label,",
            "intent, task, type, topic and the like, at the top level and under metadata.).",
            "To require a minimum number of examples per category, classify them by",
            "keywords (the first category with a keyword in the lower-cased text counts it):",
            "coverage:",
            "  level: block",
            "  by: keywords",
            "  categories:",
            "    - {name: Create, min: 20, keywords: [create, add, new]}",
            "    - {name: Delete, min: 20, keywords: [delete, remove]}",
            "or by a field's value: by: field, field: metadata.category,",
            "categories: [{name: A, min: 10}, {name: B, min: 10}]",
            NULL,
        });
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
    yaml_emit_scalar(&t, f->path, YAML_SCALAR_SPEC);
    c = xasprintf("%zu values on %llu of %llu examples", f->n_values, (unsigned long long)f->labeled,
                  (unsigned long long)s->examples);
    emit(out, buf_cstr(&t), c);
    free(c);
    emit(out, "    categories:", NULL);
    for (size_t i = 0; i < f->n_values; i++) {
        buf_reset(&t);
        buf_addstr(&t, "      - {name: ");
        yaml_emit_scalar(&t, f->values[i].text, YAML_SCALAR_SPEC);
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

    comment_lines(out, 2, (const char *const[]){
        "quality: measured means, judged against bands. Inside target: PASS; inside",
        "acceptable: WARN; outside: FAIL. The bands start wide around today's values",
        "(target half to twice the mean length, a rare far outlier left out of that",
        "mean); narrow them to what you want, then make the gate block.",
        NULL,
    });
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

static bool has_format(const struct init_scan *s, enum dataset_format f)
{
    for (size_t i = 0; i < s->n_files; i++)
        if (s->files[i].format == f)
            return true;
    return false;
}

/* The preference gate's block, commented: its defaults apply without it, and a spec
 * that names it must be read by a dsci that has the gate (docs/formats.md). */
static void render_preference(struct buf *out)
{
    comment_lines(out, 2, (const char *const[]){
        "preference: chosen and rejected identical (block) or near-identical (warn, from",
        "near_threshold similarity), the same prompt with contradictory pairs (block), and",
        "length bias: the share of pairs whose chosen reply is the longer one, warned",
        "outside the band. These are the defaults; uncomment to change them.",
        NULL,
    });
    emit(out, "  # preference: {level: block, near_threshold: 0.95, length_bias: [0.35, 0.65]}", NULL);
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
        yaml_emit_scalar(&t, sp->name, YAML_SCALAR_SPEC);
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
    comment_lines(out, 0, (const char *const[]){
        "",
        "Every number below starts from what the data looks like today, so `dsci check`",
        "passes unless the data has real problems (broken records, exact duplicates, an",
        "example in two splits, texts repeated over and over, a far outlier). Tighten them",
        "as the dataset matures; the comments say how. Each key is described in dsci's",
        "docs/spec.md.",
        NULL,
    });
    if (s->quality.n_concerns)
        comment_line(out, 0, "This data has such problems: see the notes under quality.");
    emit(out, "dsci: 1", "spec format version");
    render_dataset(out, s, name);

    emit(out, "gates:", NULL);
    comment_lines(out, 2, (const char *const[]){
        "Every gate takes level: block (a failure fails the check, exit 1), warn",
        "(reported, exit 0) or off.",
        "",
        "format: every record is valid JSON in its format, messages alternate, none is",
        "empty. It stays at block: training on a broken record fails late and quietly.",
        NULL,
    });
    emit(out, "  format: {level: block}", NULL);
    if (has_format(s, FORMAT_PREFERENCE))
        render_preference(out);
    render_coverage(out, s);
    render_quality(out, s);
    buf_addstr(out, fixed_gates);
    render_splits(out, s);
    comment_line(out, 2, "regression: against the latest version tag (versioning.tag_prefix), if any.");
    emit(out, "  regression:", NULL);
    emit(out, "    level: block", NULL);
    emit(out, "    coverage_drop: block", "a category falls below its count in that version");
    emit(out, "    max_removed: 5%", "share of its examples that may be removed");
    emit(out, "    metric_drift: warn", "a quality metric leaves its target band");
    buf_release(&d);
}
