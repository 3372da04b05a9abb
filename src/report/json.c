/*
 * The machine report (--format json): one pretty-printed object with the verdict,
 * the raw metrics and every gate's checks and stored findings, for other tools
 * to read and compare. Keys keep a fixed order so diffs of two reports are small.
 * Every string goes through json_write_string(), the one escaper.
 */
#include "report/report.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "util/err.h"
#include "util/json_pretty.h"
#include "util/json_write.h"
#include "util/sha256.h"

#ifndef DSCI_VERSION
#define DSCI_VERSION "0.0.0"
#endif

static const char *status_word(enum status s)
{
    switch (s) {
    case STATUS_PASS: return "pass";
    case STATUS_WARN: return "warn";
    case STATUS_FAIL: return "fail";
    case STATUS_SKIP: break;
    }
    return "skip";
}

/* A gate's status is its worst check's (FAIL > WARN > PASS > SKIP); "skip" when empty. */
static enum status section_status(const struct section *s)
{
    enum status worst = STATUS_SKIP;
    for (size_t i = 0; i < s->n_checks; i++)
        if (s->checks[i].status > worst)
            worst = s->checks[i].status;
    return worst;
}

static void write_token_stats(struct jw *w, const char *key, const struct result_token_stats *s)
{
    jw_open(w, key, '{');
    jw_u64(w, "examples", s->examples);
    jw_u64(w, "tokens", s->total);
    jw_num(w, "mean", s->mean);
    jw_u64(w, "p50", s->p50);
    jw_u64(w, "p95", s->p95);
    jw_u64(w, "max", s->max);
    jw_u64(w, "over_max_tokens", s->over);
    jw_u64(w, "under_min_tokens", s->under);
    jw_close(w, '}');
}

/* Only when the tokens gate ran: a spec without it gives the same report as before. */
static void write_tokens(struct jw *w, const struct result *r)
{
    const struct result_tokens *t = r->tokens;
    char hex[65];
    jw_open(w, "tokens", '{');
    jw_str(w, "tokenizer", t->path);
    jw_str(w, "kind", t->kind);
    if (t->sha256_valid) {
        sha256_hex(hex, t->sha256);
        jw_str(w, "sha256", hex);
    } else {
        jw_null(w, "sha256");
    }
    if (t->kind) {
        jw_open(w, "splits", '{');
        for (size_t i = 0; i < t->n_splits; i++)
            write_token_stats(w, t->split_names[i], &t->splits[i]);
        jw_close(w, '}');
        write_token_stats(w, "all", &t->all);
    }
    if (t->price_per_million >= 0) {
        jw_num(w, "price_per_million", t->price_per_million);
        jw_num(w, "cost_per_epoch", t->price_per_million * (double)t->all.total / 1e6);
    }
    jw_close(w, '}');
}

/* Only when the preference gate saw pairs: other formats' reports stay as they were. */
static void write_preference(struct jw *w, const struct result_preference *p)
{
    jw_open(w, "preference", '{');
    jw_u64(w, "pairs", p->pairs);
    jw_u64(w, "identical", p->identical);
    jw_u64(w, "near_identical", p->near);
    jw_u64(w, "contradictory", p->contradictory);
    jw_u64(w, "chosen_longer", p->chosen_longer);
    jw_num(w, "chosen_longer_share", p->pairs ? (double)p->chosen_longer / (double)p->pairs : 0);
    jw_close(w, '}');
}

static void write_metrics(struct jw *w, const struct result *r)
{
    const struct result_metrics *m = &r->metrics;

    jw_open(w, "metrics", '{');
    jw_u64(w, "records", m->records);
    jw_u64(w, "valid_json", m->valid_json);
    jw_u64(w, "examples", m->examples);
    jw_u64(w, "bytes", m->bytes);
    jw_u64(w, "files", m->files);
    jw_num(w, "human_length", m->human_length);
    jw_num(w, "assistant_length", m->assistant_length);
    jw_num(w, "unique_messages", m->unique_messages);
    jw_num(w, "turn_variance", m->turn_variance);

    jw_open(w, "splits", '{');
    for (size_t i = 0; i < r->n_splits && r->split_names; i++)
        jw_u64(w, r->split_names[i], m->split_examples ? m->split_examples[i] : 0);
    jw_close(w, '}');

    jw_open(w, "coverage", '{');
    if (m->category_counts) {
        for (size_t i = 0; i < r->n_categories && r->category_names; i++)
            jw_u64(w, r->category_names[i], m->category_counts[i]);
        jw_u64(w, "(none)", m->category_counts[r->n_categories]);
    }
    jw_close(w, '}');

    jw_u64(w, "overlaps", m->overlaps);
    if (r->tokens)
        write_tokens(w, r);
    if (r->preference)
        write_preference(w, r->preference);
    jw_close(w, '}');
}

/* A line number; 0 means none is known, which the schema writes as null. */
static void put_line(struct jw *w, const char *key, size_t line)
{
    if (line)
        jw_u64(w, key, line);
    else
        jw_null(w, key);
}

static void write_finding(struct jw *w, const struct finding *f)
{
    jw_open(w, NULL, '{');
    jw_str(w, "path", f->path);
    put_line(w, "line", f->line);
    if (f->column)   /* JSON array files only: JSONL findings keep their shape */
        jw_u64(w, "column", f->column);
    if (f->has_record)
        jw_u64(w, "record", f->record);
    jw_str(w, "kind", f->kind);
    jw_str(w, "message", f->message);
    if (f->keyed) {
        char hex[2 * FINDING_KEY_SIZE + 1];
        for (size_t i = 0; i < FINDING_KEY_SIZE; i++)
            snprintf(hex + 2 * i, 3, "%02x", f->key[i]);
        jw_str(w, "key", hex);
    }
    jw_bool(w, "accepted", f->accepted);
    if (f->n_related) {
        jw_open(w, "related", '[');
        for (size_t i = 0; i < f->n_related; i++) {
            jw_open(w, NULL, '{');
            jw_str(w, "path", f->related[i].path);
            jw_u64(w, "line", f->related[i].line);
            jw_close(w, '}');
        }
        jw_close(w, ']');
    }
    jw_close(w, '}');
}

static void write_check(struct jw *w, const struct check *c)
{
    jw_open(w, NULL, '{');
    jw_str(w, "id", c->id);
    jw_str(w, "name", c->name);
    jw_str(w, "status", status_word(c->status));
    jw_bool(w, "blocking", c->blocking);
    jw_num(w, "value", c->value);
    jw_str(w, "value_text", c->value_text);
    jw_num(w, "threshold", c->threshold);
    jw_str(w, "threshold_text", c->threshold_text);
    jw_str(w, "remediation", c->remediation);
    jw_u64(w, "findings_total", c->findings_total);
    jw_u64(w, "accepted", c->accepted);
    jw_open(w, "findings", '[');
    for (size_t i = 0; i < c->n_findings; i++)
        write_finding(w, &c->findings[i]);
    jw_close(w, ']');
    jw_close(w, '}');
}

static void write_section(struct jw *w, const struct section *s)
{
    jw_open(w, NULL, '{');
    jw_str(w, "gate", s->gate);
    jw_str(w, "title", s->title);
    jw_str(w, "level", report_level_word(s->level));
    jw_str(w, "status", status_word(section_status(s)));
    put_line(w, "spec_line", s->loc.line);
    jw_str(w, "note", s->note);
    jw_open(w, "checks", '[');
    for (size_t i = 0; i < s->n_checks; i++)
        write_check(w, &s->checks[i]);
    jw_close(w, ']');
    jw_close(w, '}');
}

static int write_json(FILE *out, const struct result *r, const struct report_options *opts)
{
    struct jw w = { out, 0, true };
    (void)opts; /* the JSON report has no options: it always holds everything */

    jw_open(&w, NULL, '{');
    jw_str(&w, "dsci_version", DSCI_VERSION);
    jw_str(&w, "date", r->date);
    jw_str(&w, "spec", r->spec_path);
    jw_str(&w, "dataset", r->dataset_name);
    jw_str(&w, "version", r->version);
    jw_str(&w, "source", r->source);
    jw_str(&w, "baseline", r->baseline);
    jw_str(&w, "result", result_passed(r) ? "pass" : "fail");
    jw_u64(&w, "blocking_failures", result_blocking_failures(r));

    jw_open(&w, "notes", '[');
    for (size_t i = 0; i < r->n_notes; i++)
        jw_str(&w, NULL, r->notes[i]);
    jw_close(&w, ']');

    write_metrics(&w, r);

    jw_open(&w, "gates", '[');
    for (size_t i = 0; i < r->n_sections; i++)
        write_section(&w, &r->sections[i]);
    jw_close(&w, ']');

    jw_close(&w, '}');
    fputc('\n', out);

    if (fflush(out) != 0 || ferror(out))
        return err_set(DSCI_EENV, "cannot write the json report");
    return 0;
}

const struct reporter report_json = { "json", write_json };
