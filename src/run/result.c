#include "run/result.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strv.h"
#include "util/xalloc.h"

static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return xstrdup("");
    char *out = xmalloc((size_t)n + 1);
    vsnprintf(out, (size_t)n + 1, fmt, ap);
    return out;
}

void result_init(struct result *r)
{
    memset(r, 0, sizeof(*r));
}

/* One release function per struct; each frees what its struct owns, the arrays too. */
static void finding_release(struct finding *f)
{
    free(f->path);
    free(f->kind);
    free(f->message);
    for (size_t k = 0; k < f->n_related; k++)
        free(f->related[k].path);
    free(f->related);
}

static void check_release(struct check *c)
{
    free(c->id);
    free(c->name);
    free(c->value_text);
    free(c->threshold_text);
    free(c->remediation);
    for (size_t i = 0; i < c->n_findings; i++)
        finding_release(&c->findings[i]);
    free(c->findings);
}

static void section_release(struct section *s)
{
    for (size_t j = 0; j < s->n_checks; j++)
        check_release(&s->checks[j]);
    free(s->checks);
    free(s->gate);
    free(s->title);
    free(s->note);
}

void result_release(struct result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_sections; i++)
        section_release(&r->sections[i]);
    free(r->sections);
    strv_free(r->notes, r->n_notes);
    free(r->date);
    free(r->spec_path);
    free(r->spec_repo_path);
    free(r->dataset_name);
    free(r->version);
    free(r->source);
    free(r->baseline);
    for (size_t i = 0; i < r->n_files; i++) {
        free(r->files[i].path);
        free(r->files[i].root_path);
    }
    free(r->files);
    free(r->metrics.split_examples);
    free(r->metrics.category_counts);
    result_tokens_free(r->tokens);
    free(r->preference);
    free(r->lengths.counts);
    free(r->token_lengths.counts);
    free(r->token_lengths.roles);
    memset(r, 0, sizeof(*r));
}

size_t result_length_bucket(uint64_t chars)
{
    size_t k = 0;
    while (chars && k < RESULT_LENGTH_BUCKETS - 1) {
        chars >>= 1;
        k++;
    }
    return k;
}

void result_tokens_free(struct result_tokens *t)
{
    if (!t)
        return;
    free(t->path);
    free(t->shown_path);
    free(t->kind);
    free(t->splits);
    strv_free(t->split_names, t->n_splits);
    free(t);
}

const struct section *result_find_section(const struct result *r, const char *gate)
{
    for (size_t i = 0; i < r->n_sections; i++)
        if (!strcmp(r->sections[i].gate, gate))
            return &r->sections[i];
    return NULL;
}

struct section *result_add_section(struct result *r, const char *gate, const char *title,
                                   enum gate_level level, struct spec_loc loc)
{
    struct section *s = ALLOC_APPEND(r->sections, r->n_sections, r->alloc_sections);
    s->gate = xstrdup(gate);
    s->title = xstrdup(title);
    s->level = level;
    s->loc = loc;
    return s;
}

struct check *result_add_check(struct section *s, const char *id, const char *name)
{
    struct check *c = ALLOC_APPEND(s->checks, s->n_checks, s->alloc_checks);
    c->id = xstrdup(id);
    c->name = xstrdup(name);
    c->status = STATUS_PASS;
    c->value = NAN;
    c->threshold = NAN;
    return c;
}

void result_add_note(struct result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *note = vformat(fmt, ap);
    va_end(ap);
    /* the same note twice (two runs, two gates noticing the same thing) says it once */
    for (size_t i = 0; i < r->n_notes; i++)
        if (!strcmp(r->notes[i], note)) {
            free(note);
            return;
        }
    ALLOC_GROW(r->notes, r->n_notes + 1, r->alloc_notes);
    r->notes[r->n_notes++] = note;
}

#define SET_FORMATTED(field)          \
    do {                              \
        va_list ap;                   \
        va_start(ap, fmt);            \
        char *s_ = vformat(fmt, ap);  \
        va_end(ap);                   \
        free(field);                  \
        (field) = s_;                 \
    } while (0)

void check_set_value(struct check *c, const char *fmt, ...)
{
    SET_FORMATTED(c->value_text);
}

void check_set_threshold(struct check *c, const char *fmt, ...)
{
    SET_FORMATTED(c->threshold_text);
}

void check_set_remediation(struct check *c, const char *fmt, ...)
{
    SET_FORMATTED(c->remediation);
    c->first_at = c->first_len = 0;
}

void check_set_remediation_first(struct check *c, const char *head, const char *first, const char *tail)
{
    free(c->remediation);
    c->remediation = xasprintf("%s%s%s", head, first, tail);
    c->first_at = strlen(head);
    c->first_len = strlen(first);
}

void check_set_remediation_firstf(struct check *c, const char *where, const char *tail, const char *head_fmt, ...)
{
    va_list ap;
    va_start(ap, head_fmt);
    char *head = vformat(head_fmt, ap);
    va_end(ap);
    char *first = xasprintf("first: %s", where);
    check_set_remediation_first(c, head, first, tail);
    free(head);
    free(first);
}

const struct finding *check_first_open(const struct check *c)
{
    for (size_t i = 0; i < c->n_findings; i++)
        if (!c->findings[i].accepted)
            return &c->findings[i];
    return NULL;
}

static size_t max_findings = RESULT_DEFAULT_MAX_FINDINGS;

size_t result_max_findings(void)
{
    return max_findings;
}

void result_set_max_findings(size_t n)
{
    max_findings = n;
}

static struct finding *add_finding(struct check *c, const char *path, size_t line, const char *kind,
                                   const char *fmt, va_list ap)
{
    c->findings_total++;
    if (c->n_findings >= RESULT_MAX_FINDINGS)
        return NULL;
    struct finding *f = ALLOC_APPEND(c->findings, c->n_findings, c->alloc_findings);
    f->path = path ? xstrdup(path) : NULL;
    f->line = line;
    f->kind = xstrdup(kind);
    f->message = vformat(fmt, ap);
    return f;
}

void check_add_finding(struct check *c, const char *path, size_t line, const char *kind,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_finding(c, path, line, kind, fmt, ap);
    va_end(ap);
}

void check_add_keyed_finding(struct check *c, const unsigned char key[FINDING_KEY_SIZE], const char *path,
                             size_t line, const char *kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct finding *f = add_finding(c, path, line, kind, fmt, ap);
    va_end(ap);
    if (f) {
        memcpy(f->key, key, FINDING_KEY_SIZE);
        f->keyed = true;
    }
}

void check_set_old_key_last(struct check *c, const unsigned char key[FINDING_KEY_SIZE])
{
    if (!c->n_findings || c->findings_total != c->n_findings)
        return;
    struct finding *f = &c->findings[c->n_findings - 1];
    memcpy(f->old_key, key, FINDING_KEY_SIZE);
    f->has_old_key = true;
}

void check_relate_last(struct check *c, const char *path, size_t line)
{
    /* only when the last add stored its finding: findings_total counts the unstored too */
    if (!c->n_findings || c->findings_total != c->n_findings)
        return;
    struct finding *f = &c->findings[c->n_findings - 1];
    f->related = xreallocarray(f->related, f->n_related + 1, sizeof(*f->related));
    f->related[f->n_related].path = xstrdup(path ? path : "");
    f->related[f->n_related].line = line;
    f->n_related++;
}

void check_locate_last(struct check *c, size_t column, size_t char_column, uint64_t record)
{
    if (!c->n_findings || c->findings_total != c->n_findings)
        return;
    struct finding *f = &c->findings[c->n_findings - 1];
    f->column = column;
    f->char_column = char_column;
    f->record = record;
    f->has_record = true;
}

const char *finding_place_of(char out[FINDING_PLACE_SIZE], size_t column, bool has_record, uint64_t record)
{
    out[0] = '\0';
    if (column && has_record)
        snprintf(out, FINDING_PLACE_SIZE, ":%zu (record %llu)", column, (unsigned long long)record);
    else if (column)
        snprintf(out, FINDING_PLACE_SIZE, ":%zu", column);
    else if (has_record)
        snprintf(out, FINDING_PLACE_SIZE, " (record %llu)", (unsigned long long)record);
    return out;
}

const char *finding_place(char out[FINDING_PLACE_SIZE], const struct finding *f)
{
    return finding_place_of(out, f->column, f->has_record, f->record);
}

void check_apply_level(struct check *c, enum gate_level level, bool keep_fail_at_warn)
{
    c->blocking = false;
    if (c->status != STATUS_FAIL)
        return;
    if (level == LEVEL_BLOCK)
        c->blocking = true;
    else if (!keep_fail_at_warn)
        c->status = STATUS_WARN;
}

size_t result_blocking_failures(const struct result *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_sections; i++)
        for (size_t j = 0; j < r->sections[i].n_checks; j++)
            n += r->sections[i].checks[j].blocking;
    return n;
}

bool result_passed(const struct result *r)
{
    return result_blocking_failures(r) == 0;
}

const char *status_name(enum status s)
{
    switch (s) {
    case STATUS_PASS: return "PASS";
    case STATUS_WARN: return "WARN";
    case STATUS_FAIL: return "FAIL";
    case STATUS_SKIP: break;
    }
    return "SKIP";
}
