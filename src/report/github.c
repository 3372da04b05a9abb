/*
 * GitHub Actions output (--format github): workflow-command annotations on the exact
 * line of each finding, then the text report inside a ::stop-commands:: region.
 *
 * Dataset text is untrusted. Annotations are escaped as actions/toolkit escapes them,
 * so no CR or LF in a message reaches the log raw and no data can start a line of its
 * own; they must come before the stop-commands region (inside it the runner ignores
 * them). The text report echoes data as written, so it goes inside the region, whose
 * end token is random and never printed anywhere else.
 *
 * The runner shows 10 annotations of each type per step. dsci picks the 10 most useful
 * of each type (blocking first, one per check before a second of the same check) and
 * adds one notice saying how many more there are and where all of them are (json or
 * sarif output: text, like this format and the summary, lists only the first few).
 */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/gh_escape.h"
#include "util/xalloc.h"

#define GH_PER_TYPE 10
#define GH_TITLE_MAX 256

enum ann_type { ANN_ERROR, ANN_WARNING, ANN_NOTICE, ANN_TYPES };

static const char *const ann_cmd[ANN_TYPES] = { "error", "warning", "notice" };
static const char *const ann_noun[ANN_TYPES] = { "error", "warning", "notice" };

struct ann {
    enum ann_type type;
    int priority;                /* 0 blocking, 1 failed non-blocking, 2 warning, 3 note */
    size_t round;                /* the finding's index in its check */
    size_t order;                /* report order, the last tie-break */
    const struct section *sec;
    const struct check *chk;
    const struct finding *f;     /* NULL: the check itself */
    const char *note;            /* a run-level note */
};

struct ann_list {
    struct ann *v;
    size_t n, alloc;
    uint64_t hidden[ANN_TYPES];  /* findings counted but not stored */
};

static void push(struct ann_list *l, struct ann a)
{
    if (l->n == l->alloc) {
        l->alloc = l->alloc ? 2 * l->alloc : 64;
        l->v = xreallocarray(l->v, l->alloc, sizeof(*l->v));
    }
    a.order = l->n;
    l->v[l->n++] = a;
}

static int ann_cmp(const void *pa, const void *pb)
{
    const struct ann *a = pa, *b = pb;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    if (a->priority != b->priority)
        return a->priority < b->priority ? -1 : 1;
    if (a->round != b->round)
        return a->round < b->round ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static void collect(struct ann_list *l, const struct result *r)
{
    for (size_t si = 0; si < r->n_sections; si++) {
        const struct section *s = &r->sections[si];
        for (size_t ci = 0; ci < s->n_checks; ci++) {
            const struct check *c = &s->checks[ci];
            if (c->status != STATUS_FAIL && c->status != STATUS_WARN)
                continue;
            struct ann a = { 0 };
            a.type = c->status == STATUS_FAIL && c->blocking ? ANN_ERROR : ANN_WARNING;
            a.priority = c->status == STATUS_WARN ? 2 : c->blocking ? 0 : 1;
            a.sec = s;
            a.chk = c;
            if (c->n_findings == 0)
                push(l, a);
            for (size_t k = 0; k < c->n_findings; k++) {
                if (c->findings[k].accepted)
                    continue;
                a.f = &c->findings[k];
                a.round = k;
                push(l, a);
            }
            if (c->findings_total > c->n_findings)
                l->hidden[a.type] += c->findings_total - c->n_findings;
        }
    }
    for (size_t i = 0; i < r->n_notes; i++) {
        struct ann a = { .type = ANN_NOTICE, .priority = 3, .note = r->notes[i] };
        push(l, a);
    }
}

/* "::error file=F,line=N,title=T::message\n" with every value escaped. */
static void put_ann(struct buf *b, const struct result *r, const struct ann *a)
{
    const char *path = NULL;
    size_t line = 0;
    struct buf msg = BUF_INIT;

    buf_printf(b, "::%s ", ann_cmd[a->type]);
    if (a->note) {
        buf_addstr(b, "title=dsci");
        buf_addstr(&msg, a->note);
    } else {
        if (a->f && a->f->path) {
            path = a->f->path;
            line = a->f->line;
        } else {
            path = r->spec_repo_path ? r->spec_repo_path : r->spec_path;
            line = a->sec->loc.line;
        }
        if (path) {
            buf_addstr(b, "file=");
            gh_escape_property(b, path, GH_MESSAGE_MAX);
            if (line)
                buf_printf(b, ",line=%zu", line);
            if (line && a->f && a->f->path && a->f->column)
                buf_printf(b, ",col=%zu", a->f->column);
            buf_addch(b, ',');
        }
        struct buf title = BUF_INIT;
        buf_printf(&title, "%s: %s", a->sec->title, a->chk->name);
        buf_addstr(b, "title=");
        gh_escape_property(b, buf_cstr(&title), GH_TITLE_MAX);
        buf_release(&title);

        if (a->f) {
            buf_addstr(&msg, a->f->message ? a->f->message : a->chk->name);
            if (a->f->has_record)   /* a JSON array file: which element */
                buf_printf(&msg, " (record %llu)", (unsigned long long)a->f->record);
        } else {
            buf_addstr(&msg, a->chk->name);
            if (a->chk->value_text)
                buf_printf(&msg, ": %s", a->chk->value_text);
            if (a->chk->threshold_text)
                buf_printf(&msg, " (%s)", a->chk->threshold_text);
        }
        /* the step rides on the first open finding (accepted ones have no annotation) */
        if (a->chk->remediation && (a->f ? a->f == check_first_open(a->chk) : a->round == 0))
            buf_printf(&msg, "\n%s", a->chk->remediation);
    }
    buf_addstr(b, "::");
    gh_escape_data(b, buf_cstr(&msg), GH_MESSAGE_MAX);
    buf_addch(b, '\n');
    buf_release(&msg);
}

static void put_overflow(struct buf *b, const uint64_t *more)
{
    struct buf msg = BUF_INIT;
    const char *sep = "";
    buf_addstr(&msg, "dsci: ");
    for (int t = 0; t < ANN_TYPES; t++) {
        if (!more[t])
            continue;
        buf_printf(&msg, "%s%llu more %s%s", sep, (unsigned long long)more[t], ann_noun[t],
                   more[t] == 1 ? "" : "s");
        sep = ", ";
    }
    buf_printf(&msg, " not shown here (GitHub shows %d annotations of each type per step); the step "
               "summary lists the first %d findings of each gate, and every finding is in the output of "
               "'dsci check --format json' or '--format sarif' (add '--output FILE' and upload it as an "
               "artifact or to code scanning)", GH_PER_TYPE, REPORT_FINDINGS_PER_GATE);
    buf_addstr(b, "::notice title=dsci::");
    gh_escape_data(b, buf_cstr(&msg), GH_MESSAGE_MAX);
    buf_addch(b, '\n');
    buf_release(&msg);
}

static void write_annotations(struct buf *b, const struct result *r)
{
    struct ann_list l = { 0 };
    size_t total[ANN_TYPES] = { 0 };
    uint64_t more[ANN_TYPES] = { 0 };
    bool overflow = false;

    collect(&l, r);
    if (l.n)
        qsort(l.v, l.n, sizeof(*l.v), ann_cmp);
    for (size_t i = 0; i < l.n; i++)
        total[l.v[i].type]++;
    for (int t = 0; t < ANN_TYPES; t++)
        if (total[t] > GH_PER_TYPE || l.hidden[t])
            overflow = true;
    /* The overflow notice is itself a notice: keep room for it. */
    size_t cap[ANN_TYPES] = { GH_PER_TYPE, GH_PER_TYPE, overflow ? GH_PER_TYPE - 1 : GH_PER_TYPE };
    size_t shown[ANN_TYPES] = { 0 };
    for (size_t i = 0; i < l.n; i++) {
        enum ann_type t = l.v[i].type;
        if (shown[t] < cap[t]) {
            put_ann(b, r, &l.v[i]);
            shown[t]++;
        } else {
            more[t]++;
        }
    }
    for (int t = 0; t < ANN_TYPES; t++)
        more[t] += l.hidden[t];
    if (overflow)
        put_overflow(b, more);
    free(l.v);
}

static int github_write(FILE *out, const struct result *r, const struct report_options *opts)
{
    struct buf b = BUF_INIT;
    char token[GH_TOKEN_LEN + 1];
    int rc = 0;

    write_annotations(&b, r);
    gh_guard_commands(out, true);   /* every value in them is escaped */
    if (fwrite(b.ptr ? b.ptr : "", 1, b.len, out) != b.len)
        rc = DSCI_EENV;
    gh_guard_commands(out, false);
    buf_release(&b);
    if (rc == 0 && gh_random_token(token) < 0) {
        /* Without an unguessable token the data could end the region: leave it out. */
        fputs("dsci: no randomness for ::stop-commands::, the text report is left out "
              "(run 'dsci check --format text')\n", out);
    } else if (rc == 0) {
        struct report_options text_opts = *opts;
        text_opts.color = false;
        gh_guard_commands(out, true);
        fprintf(out, "::stop-commands::%s\n", token);
        gh_guard_commands(out, false);
        rc = report_text.write(out, r, &text_opts);
        gh_guard_commands(out, true);
        fprintf(out, "::%s::\n", token);
        gh_guard_commands(out, false);
    }
    if (rc == 0 && ferror(out))
        rc = DSCI_EENV;
    return rc;
}

const struct reporter report_github = { "github", github_write };
