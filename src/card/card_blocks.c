/*
 * What each generated block says. Numbers come from the run (result), thresholds from
 * the spec, statuses from the gates' own checks (so the card and `dsci check` agree),
 * the version and dates from the version file, changes from the diff. Nothing here
 * depends on the time of the run: the same inputs give the same bytes.
 */
#include "card/card_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version/bump.h"
#include "util/sha256.h"
#include "util/utf8.h"
#include "util/xalloc.h"

void card_split_totals(const struct result *r, size_t split, uint64_t *examples, uint64_t *bytes)
{
    *examples = *bytes = 0;
    for (size_t i = 0; i < r->n_files; i++)
        if (r->files[i].split == split) {
            *examples += r->files[i].examples;
            *bytes += r->files[i].bytes;
        }
}

uint64_t card_total_examples(const struct result *r)
{
    uint64_t n = 0;
    for (size_t i = 0; i < r->n_files; i++)
        n += r->files[i].examples;
    return n;
}

uint64_t card_total_bytes(const struct result *r)
{
    uint64_t n = 0;
    for (size_t i = 0; i < r->n_files; i++)
        n += r->files[i].bytes;
    return n;
}

enum dataset_format card_format(const struct card_input *in)
{
    if (in->sample && in->sample->format != FORMAT_AUTO)
        return in->sample->format;
    for (size_t i = 0; i < in->result->n_files; i++)
        if (in->result->files[i].format != FORMAT_AUTO)
            return in->result->files[i].format;
    return in->spec->dataset.format;
}

bool card_unreleased(const struct card_input *in)
{
    if (!in->vf || !in->vf->version)
        return false;
    for (size_t i = 0; i < in->result->n_files; i++)
        if (!in->result->files[i].sha256_valid)
            return false;   /* cannot tell: as if released */
    return !bump_records_data(in->vf, in->spec, in->result);
}

const char *card_pretty_name(const struct spec *spec)
{
    if (spec->dataset.pretty_name)
        return spec->dataset.pretty_name;
    return spec->dataset.name ? spec->dataset.name : "dataset";
}

/* ---- Markdown helpers -------------------------------------------------------------- */

/* Text for a table cell: '|' escaped, line breaks as spaces, bytes that are not UTF-8
 * (a file name can hold any) as U+FFFD, so the card stays UTF-8. */
void card_md_cell(struct buf *out, const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s >= 0x80) {
            size_t n = utf8_len((const unsigned char *)s);
            if (n) {
                buf_add(out, s, n);
            } else {
                size_t avail = 0, bad;
                while (avail < 4 && s[avail])
                    avail++;
                utf8_sequence((const unsigned char *)s, avail, &bad);
                buf_addstr(out, "\xef\xbf\xbd");
                n = bad;
            }
            s += n - 1;
        } else if (*s == '|')
            buf_addstr(out, "\\|");
        else if (*s == '\n' || *s == '\r')
            buf_addch(out, ' ');
        else
            buf_addch(out, *s);
    }
}

/* `s` as a code span (in a table: '|' escaped, which GFM allows inside code spans). */
void card_md_code(struct buf *out, const char *s)
{
    size_t longest = 0, run = 0;
    for (const char *p = s; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    bool pad = longest > 0 && (s[0] == '`' || (*s && s[strlen(s) - 1] == '`'));
    for (size_t i = 0; i <= longest; i++)
        buf_addch(out, '`');
    if (pad)
        buf_addch(out, ' ');
    card_md_cell(out, s);
    if (pad)
        buf_addch(out, ' ');
    for (size_t i = 0; i <= longest; i++)
        buf_addch(out, '`');
}

static void percent(struct buf *out, uint64_t part, uint64_t whole)
{
    if (!whole)
        buf_addstr(out, "\xe2\x80\x94");   /* an em dash: nothing to divide */
    else
        buf_printf(out, "%.1f%%", 100.0 * (double)part / (double)whole);
}

/* The check a gate reported under `id`, or NULL (the gate is off). */
static const struct check *find_check(const struct result *r, const char *id)
{
    for (size_t i = 0; i < r->n_sections; i++)
        for (size_t j = 0; j < r->sections[i].n_checks; j++)
            if (r->sections[i].checks[j].id && !strcmp(r->sections[i].checks[j].id, id))
                return &r->sections[i].checks[j];
    return NULL;
}

static bool has_section(const struct result *r, const char *gate)
{
    for (size_t i = 0; i < r->n_sections; i++)
        if (!strcmp(r->sections[i].gate, gate))
            return true;
    return false;
}

/* FORMAT_AUTO means the files disagree. */
static const char *format_name(enum dataset_format f)
{
    static const char *const names[] = {
        [FORMAT_AUTO] = "mixed formats", [FORMAT_SHAREGPT] = "ShareGPT",
        [FORMAT_OPENAI] = "OpenAI chat", [FORMAT_ALPACA] = "Alpaca",
        [FORMAT_PREFERENCE] = "preference pairs", [FORMAT_COMPLETION] = "prompt/completion",
        [FORMAT_TEXT] = "plain text",
    };
    return (size_t)f < sizeof(names) / sizeof(names[0]) ? names[f] : names[FORMAT_AUTO];
}

/* "2025-01-01" from the version file's created time; NULL when it has none. */
char *card_created_date(const struct version_file *vf)
{
    if (!vf || !vf->created || strlen(vf->created) < 10)
        return NULL;
    return xstrndup(vf->created, 10);
}

/* "130 examples (train 104, validation 13, test 13)" of run `r`; `unit` after the total. */
void card_example_counts(struct buf *out, const struct card_input *in, const struct result *r, const char *unit)
{
    const struct spec *spec = in->spec;
    buf_printf(out, "%llu%s", (unsigned long long)card_total_examples(r), unit);
    if (spec->dataset.n_splits < 2)
        return;
    buf_addstr(out, " (");
    for (size_t s = 0; s < spec->dataset.n_splits; s++) {
        uint64_t examples, bytes;
        card_split_totals(r, s, &examples, &bytes);
        buf_printf(out, "%s%s %llu", s ? ", " : "", spec->dataset.splits[s].name, (unsigned long long)examples);
    }
    buf_addch(out, ')');
}

/* The same from what the version file records (the released data, when the run's
 * differs): its splits in its own order. */
void card_recorded_counts(struct buf *out, const struct version_file *vf, const char *unit)
{
    uint64_t total = 0;
    for (size_t i = 0; i < vf->n_splits; i++)
        total += vf->splits[i].examples;
    buf_printf(out, "%llu%s", (unsigned long long)total, unit);
    if (vf->n_splits < 2)
        return;
    buf_addstr(out, " (");
    for (size_t i = 0; i < vf->n_splits; i++) {
        buf_addstr(out, i ? ", " : "");
        card_md_cell(out, vf->splits[i].name);
        buf_printf(out, " %llu", (unsigned long long)vf->splits[i].examples);
    }
    buf_addch(out, ')');
}

/* ---- the blocks ------------------------------------------------------------------ */

static void summary(struct buf *out, const struct card_input *in)
{
    const struct spec *spec = in->spec;
    buf_addstr(out, "- **Examples:** ");
    card_example_counts(out, in, in->result, "");
    buf_printf(out, "\n- **Format:** %s\n", format_name(card_format(in)));
    if (card_unreleased(in)) {
        buf_addstr(out, "- **Version:** ");
        card_md_cell(out, in->vf->version);
        buf_addstr(out, " + unreleased changes (the data differs from what the version file records for ");
        card_md_cell(out, in->vf->version);
        buf_addstr(out, "; run `dsci bump`, then `dsci card`)\n");
    } else if (in->vf && in->vf->version) {
        char *date = card_created_date(in->vf);
        buf_addstr(out, "- **Version:** ");
        card_md_cell(out, in->vf->version);
        if (date)
            buf_printf(out, " (%s)", date);
        buf_addch(out, '\n');
        free(date);
    } else {
        buf_addstr(out, "- **Version:** none recorded yet (run `dsci bump`)\n");
    }
    if (spec->dataset.license) {
        buf_addstr(out, "- **License:** ");
        card_md_cell(out, spec->dataset.license);
        buf_addch(out, '\n');
    }
    if (spec->dataset.n_language) {
        buf_addstr(out, "- **Language:** ");
        for (size_t i = 0; i < spec->dataset.n_language; i++) {
            if (i)
                buf_addstr(out, ", ");
            card_md_cell(out, spec->dataset.language[i]);
        }
        buf_addch(out, '\n');
    }
}

static const char *type_name(enum card_ftype t)
{
    switch (t) {
    case CARD_F_INT: return "int64";
    case CARD_F_FLOAT: return "float64";
    case CARD_F_BOOL: return "bool";
    default: return "string";
    }
}

/* "string", "list of {`from`: string, `value`: string}", "{`a`: int64}" */
static void describe_type(struct buf *out, const struct card_feature *f, int depth)
{
    switch (f->type) {
    case CARD_F_SEQUENCE:
        buf_printf(out, "list of %s", type_name(f->item));
        return;
    case CARD_F_STRUCT:
    case CARD_F_LIST:
        if (f->type == CARD_F_LIST)
            buf_addstr(out, "list of ");
        if (depth >= 2) {
            buf_addstr(out, "{\xe2\x80\xa6}");
            return;
        }
        buf_addch(out, '{');
        for (size_t i = 0; i < f->n_fields; i++) {
            if (i)
                buf_addstr(out, ", ");
            card_md_code(out, f->fields[i].name);
            buf_addstr(out, ": ");
            describe_type(out, &f->fields[i], depth + 1);
        }
        buf_addch(out, '}');
        return;
    default:
        buf_addstr(out, type_name(f->type));
    }
}

static void format_sentence(struct buf *out, const struct card_input *in)
{
    const struct spec *spec = in->spec;
    enum dataset_format f = card_format(in);
    const struct card_sample *s = in->sample;
    const char *layout = s && s->record ? (s->is_array ? ", as a JSON array of records" : ", as JSON Lines (one record per line)")
                                        : "";
    switch (f) {
    case FORMAT_SHAREGPT:
        buf_printf(out, "ShareGPT%s: `conversations` is a list of messages `{\"from\": ..., \"value\": ...}` "
                        "whose `from` alternates ", layout);
        card_md_code(out, spec->gates.format.role_human ? spec->gates.format.role_human : "human");
        buf_addstr(out, " and ");
        card_md_code(out, spec->gates.format.role_assistant ? spec->gates.format.role_assistant : "gpt");
        buf_addstr(out, ".\n");
        break;
    case FORMAT_OPENAI:
        buf_printf(out, "OpenAI chat%s: `messages` is a list of `{\"role\": ..., \"content\": ...}` messages "
                        "(roles `system`, `user`, `assistant`, `tool`).\n", layout);
        break;
    case FORMAT_ALPACA:
        buf_printf(out, "Alpaca%s: an `instruction`, an optional `input` and the `output`.\n", layout);
        break;
    case FORMAT_PREFERENCE:
        buf_printf(out, "Preference pairs%s: a prompt with a `chosen` and a `rejected` reply, as TRL "
                        "reads them (`prompt`, `chosen`, `rejected`: strings or lists of "
                        "`{\"role\": ..., \"content\": ...}` messages; without `prompt`, the shared start "
                        "of both) or as OpenAI's preference fine-tuning takes them (`input.messages`, "
                        "`preferred_output`, `non_preferred_output`).\n", layout);
        break;
    case FORMAT_COMPLETION:
        buf_printf(out, "Prompt/completion%s: a `prompt` string (possibly empty) and the `completion` "
                        "the model learns.\n", layout);
        break;
    case FORMAT_TEXT:
        buf_printf(out, "Plain text%s: one `text` string per record, learned whole.\n", layout);
        break;
    default:
        buf_printf(out, "Records in more than one format%s.\n", layout);
        break;
    }
}

static void structure(struct buf *out, const struct card_input *in, const struct card_feature *features,
                      size_t n_features)
{
    const struct spec *spec = in->spec;
    const struct card_sample *s = in->sample;
    buf_addstr(out, "### Data Fields\n\n");
    format_sentence(out, in);
    if (n_features) {
        buf_addstr(out, "\n| field | type |\n| --- | --- |\n");
        for (size_t i = 0; i < n_features; i++) {
            buf_addstr(out, "| ");
            card_md_code(out, features[i].name);
            buf_addstr(out, " | ");
            describe_type(out, &features[i], 0);
            buf_addstr(out, " |\n");
        }
    }
    buf_addstr(out, "\n### Data Instances\n\n");
    const char *split = spec->dataset.n_splits ? spec->dataset.splits[0].name : "first";
    if (!s) {
        buf_addstr(out, "No example to show: the ");
        card_md_code(out, split);
        buf_addstr(out, " split has no record that parses.\n");
        return;
    }
    if (!s->record) {
        buf_addstr(out, "No example shown: ");
        card_md_code(out, s->path);
        buf_addstr(out, " could not be read whole for the card (a git LFS pointer, or larger than dsci "
                        "reads at once).\n");
        return;
    }
    buf_addstr(out, "The first example of the ");
    card_md_code(out, split);
    buf_addstr(out, " split (");
    card_md_code(out, s->path);
    if (s->line)
        buf_printf(out, ", line %zu", s->line);
    buf_printf(out, "; texts longer than %d characters are cut):\n\n```json\n", CARD_SAMPLE_MAX_TEXT);
    card_sample_json(out, s);
    buf_addstr(out, "```\n");
}

/* Token counts per split, when the spec's gates.tokens counted them (the tokenizer by
 * path, kind and hash, so a reader can count the same way). */
static void tokens(struct buf *out, const struct card_input *in)
{
    const struct result_tokens *t = in->result->tokens;
    if (!t || !t->kind)
        return;
    char hex[65];
    sha256_hex(hex, t->sha256);
    buf_addstr(out, "\nTokens counted with ");
    card_md_code(out, t->path);
    buf_addstr(out, " (");
    card_md_cell(out, t->kind);
    buf_printf(out, ", sha256 `%.12s`), with the chat template's overhead per message and per example.\n\n"
                    "| split | tokens | mean | p50 | p95 | max |\n| --- | ---: | ---: | ---: | ---: | ---: |\n", hex);
    size_t n = t->n_splits < in->spec->dataset.n_splits ? t->n_splits : in->spec->dataset.n_splits;
    for (size_t s = 0; s <= n; s++) {
        bool all = s == n;
        const struct result_token_stats *st = all ? &t->all : &t->splits[s];
        if (all)
            buf_addstr(out, "| **total** | ");
        else {
            buf_addstr(out, "| ");
            card_md_cell(out, t->split_names[s]);
            buf_addstr(out, " | ");
        }
        buf_printf(out, "%llu | %.1f | %llu | %llu | %llu |\n", (unsigned long long)st->total, st->mean,
                   (unsigned long long)st->p50, (unsigned long long)st->p95, (unsigned long long)st->max);
    }
}

static void statistics(struct buf *out, const struct card_input *in)
{
    const struct spec *spec = in->spec;
    uint64_t total = card_total_examples(in->result);
    buf_addstr(out, "### Data Splits\n\n| split | examples | bytes | share of examples |\n| --- | ---: | ---: | ---: |\n");
    for (size_t s = 0; s < spec->dataset.n_splits; s++) {
        uint64_t examples, bytes;
        card_split_totals(in->result, s, &examples, &bytes);
        buf_addstr(out, "| ");
        card_md_cell(out, spec->dataset.splits[s].name);
        buf_printf(out, " | %llu | %llu | ", (unsigned long long)examples, (unsigned long long)bytes);
        percent(out, examples, total);
        buf_addstr(out, " |\n");
    }
    buf_printf(out, "| **total** | **%llu** | **%llu** | ", (unsigned long long)total,
               (unsigned long long)card_total_bytes(in->result));
    percent(out, total, total);
    buf_addstr(out, " |\n");
    tokens(out, in);
}

static void coverage(struct buf *out, const struct card_input *in)
{
    const struct spec *spec = in->spec;
    const struct result *r = in->result;
    size_t n = spec->gates.coverage.n_categories;
    buf_addstr(out, "### Coverage\n\n");
    if (!r->metrics.category_counts || !n) {
        buf_addstr(out, "Not measured: the spec's `gates.coverage` is off or names no categories.\n");
        return;
    }
    if (spec->gates.coverage.by == COVERAGE_FIELD) {
        buf_addstr(out, "Examples per category, by the value of ");
        card_md_code(out, spec->gates.coverage.field ? spec->gates.coverage.field : "?");
        buf_addstr(out, ".\n");
    } else {
        buf_addstr(out, "Examples per category: an example counts for the first category, in the spec's "
                        "order, with a keyword its text contains.\n");
    }
    uint64_t total = 0;
    for (size_t i = 0; i <= n; i++)
        total += r->metrics.category_counts[i];
    buf_addstr(out, "\n| category | examples | minimum | share | status |\n| --- | ---: | ---: | ---: | --- |\n");
    for (size_t i = 0; i < n; i++) {
        const struct spec_category *cat = &spec->gates.coverage.categories[i];
        uint64_t have = r->metrics.category_counts[i];
        char *id = xasprintf("coverage.%s", cat->name);
        const struct check *c = find_check(r, id);
        free(id);
        buf_addstr(out, "| ");
        card_md_cell(out, cat->name);
        buf_printf(out, " | %llu | %zu | ", (unsigned long long)have, cat->min);
        percent(out, have, total);
        buf_printf(out, " | %s |\n", c ? status_name(c->status) : have >= cat->min ? "PASS" : "FAIL");
    }
    if (r->metrics.category_counts[n]) {
        buf_printf(out, "| (none) | %llu | | ", (unsigned long long)r->metrics.category_counts[n]);
        percent(out, r->metrics.category_counts[n], total);
        buf_addstr(out, " | |\n");
    }
}

/* A limit as the spec's report shows it: 2.0, 2.5 (never "2"). */
static const char *decimal(char out[32], double v)
{
    if (v == (double)(long long)v && v > -1e15 && v < 1e15)
        snprintf(out, 32, "%.1f", v);
    else
        snprintf(out, 32, "%g", v);
    return out;
}

/* One row of the quality table. `fmt` formats the value (a double). */
static void quality_row(struct buf *out, const struct result *r, const char *id, const char *label,
                        const char *fmt, double value, const char *target, const char *acceptable)
{
    const struct check *c = find_check(r, id);
    buf_printf(out, "| %s | ", label);
    if (c && c->status == STATUS_SKIP)
        buf_addstr(out, "not measured");
    else
        buf_printf(out, fmt, value);
    buf_printf(out, " | %s | %s | %s |\n", target, acceptable, c ? status_name(c->status) : "\xe2\x80\x94");
}

static void quality(struct buf *out, const struct card_input *in)
{
    const struct spec *spec = in->spec;
    const struct result *r = in->result;
    const struct result_metrics *m = &r->metrics;
    buf_addstr(out, "### Quality\n\n");
    if (!has_section(r, "quality")) {
        buf_addstr(out, "Not measured: the spec's `gates.quality` is off.\n");
        return;
    }
    const struct spec_band_metric *h = &spec->gates.quality.human_length, *a = &spec->gates.quality.assistant_length;
    const struct spec_limit_metric *u = &spec->gates.quality.unique_messages, *t = &spec->gates.quality.turn_variance;
    char target[80], acceptable[80], num[64];
    buf_addstr(out, "Over all splits; lengths in Unicode code points.\n\n"
                    "| metric | value | target | acceptable | status |\n| --- | ---: | --- | --- | --- |\n");
    snprintf(target, sizeof(target), "%g\xe2\x80\x93%g", h->target.lo, h->target.hi);
    snprintf(acceptable, sizeof(acceptable), "%g\xe2\x80\x93%g", h->acceptable.lo, h->acceptable.hi);
    quality_row(out, r, "quality.human_length", "Mean user message length", "%.1f", m->human_length, target,
                acceptable);
    snprintf(target, sizeof(target), "%g\xe2\x80\x93%g", a->target.lo, a->target.hi);
    snprintf(acceptable, sizeof(acceptable), "%g\xe2\x80\x93%g", a->acceptable.lo, a->acceptable.hi);
    quality_row(out, r, "quality.assistant_length", "Mean assistant message length", "%.1f", m->assistant_length,
                target, acceptable);
    snprintf(target, sizeof(target), "at least %g%%", u->target);
    snprintf(acceptable, sizeof(acceptable), "at least %g%%", u->acceptable);
    quality_row(out, r, "quality.unique_messages", "Distinct message texts", "%.1f%%", m->unique_messages, target,
                acceptable);
    snprintf(target, sizeof(target), "at most %s", decimal(num, t->target));
    snprintf(acceptable, sizeof(acceptable), "at most %s", decimal(num + 32, t->acceptable));
    quality_row(out, r, "quality.turn_variance", "Variance of messages per example", "%.2f", m->turn_variance,
                target, acceptable);
}

static void checksums(struct buf *out, const struct card_input *in)
{
    const struct spec *spec = in->spec;
    const struct result *r = in->result;
    buf_addstr(out, "### Checksums\n\n");
    if (card_unreleased(in)) {
        buf_addstr(out, "Version ");
        card_md_cell(out, in->vf->version);
        buf_addstr(out, " + unreleased changes: these files are not the ones ");
        if (spec->dataset.version_file)
            card_md_code(out, spec->dataset.version_file);
        else
            buf_addstr(out, "the version file");
        buf_addstr(out, " records for ");
        card_md_cell(out, in->vf->version);
        buf_addstr(out, " (run `dsci bump`, then `dsci card`). SHA-256 of each data file as it is now:\n\n"
                        "| split | file | examples | bytes | sha256 |\n| --- | --- | ---: | ---: | --- |\n");
        goto rows;
    }
    if (in->vf && in->vf->version) {
        buf_addstr(out, "Version ");
        card_md_cell(out, in->vf->version);
        if (spec->dataset.version_file) {
            buf_addstr(out, " (");
            card_md_code(out, spec->dataset.version_file);
            buf_addch(out, ')');
        }
        buf_addstr(out, ". ");
    } else {
        buf_addstr(out, "No version recorded yet (run `dsci bump`). ");
    }
    buf_addstr(out, "SHA-256 of each data file:\n\n| split | file | examples | bytes | sha256 |\n"
                    "| --- | --- | ---: | ---: | --- |\n");
rows:
    for (size_t i = 0; i < r->n_files; i++) {
        const struct result_file *f = &r->files[i];
        buf_addstr(out, "| ");
        card_md_cell(out, f->split < spec->dataset.n_splits ? spec->dataset.splits[f->split].name : "?");
        buf_addstr(out, " | ");
        card_md_code(out, f->root_path ? f->root_path : f->path);
        buf_printf(out, " | %llu | %llu | ", (unsigned long long)f->examples, (unsigned long long)f->bytes);
        if (f->lfs_pointer) {
            buf_addstr(out, "git LFS pointer");
        } else if (f->sha256_valid) {
            char hex[65];
            sha256_hex(hex, f->sha256);
            buf_printf(out, "`%s`", hex);
        } else {
            buf_addstr(out, "\xe2\x80\x94");
        }
        buf_addstr(out, " |\n");
    }
}

void card_block_render(struct buf *out, enum card_block block, const struct card_input *in,
                       const struct card_feature *features, size_t n_features, const char *old, size_t old_len)
{
    switch (block) {
    case CARD_SUMMARY: summary(out, in); break;
    case CARD_STRUCTURE: structure(out, in, features, n_features); break;
    case CARD_STATISTICS: statistics(out, in); break;
    case CARD_COVERAGE: coverage(out, in); break;
    case CARD_QUALITY: quality(out, in); break;
    case CARD_CHECKSUMS: checksums(out, in); break;
    case CARD_CHANGELOG: card_changelog_render(out, in, old, old_len); break;
    default: break;
    }
}
