/*
 * The human report (--format text): the layout data teams already read, a
 * banner, one line per check under each gate's title, the verdict, then numbered
 * remediation steps with the first offending examples as path:line.
 *
 * Finding messages and values quote dataset content, so every variable string
 * goes through put_clean(): a crafted record must not be able to move the cursor,
 * recolour or retitle the user's terminal.
 */
#include "report/report.h"

#include <string.h>

#include "util/utf8.h"

#include "util/err.h"

#define RULE "=================================================="
#define DEFAULT_MAX_EXAMPLES 5

#define COLOR_PASS "\033[32m"
#define COLOR_WARN "\033[33m"
#define COLOR_FAIL "\033[1;31m"
#define COLOR_RESET "\033[0m"


/* U+2028/U+2029 and the bidi controls, which can break a line or reorder what the
 * reader sees ("Trojan Source"). */
static bool is_format_control(const unsigned char *s, size_t n)
{
    uint32_t cp;
    if (n == 0 || utf8_decode(s, n, &cp) != n)
        return false;
    return cp == 0x2028 || cp == 0x2029 || utf8_is_bidi_control(cp);
}

/*
 * Writes untrusted text with every control character shown as '?': C0 bytes,
 * DEL, the C1 range U+0080..U+009F (U+009B is CSI to many terminals), line
 * separators and bidi controls, and bytes that are not UTF-8 (a raw 0x9b is CSI
 * to an 8-bit terminal). Other UTF-8 is kept, so names and messages in any
 * language print as written.
 */
static void put_clean(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        if (*s >= 0x20 && *s < 0x7f) {
            fputc(*s++, out);
            continue;
        }
        size_t n = *s >= 0x80 ? utf8_len(s) : 0;
        if (n == 0 || (n == 2 && s[0] == 0xc2 && s[1] < 0xa0) || is_format_control(s, n)) {
            fputc('?', out);
            s += n ? n : 1;
            continue;
        }
        fwrite(s, 1, n, out);
        s += n;
    }
}

/* An optional field: `before`, the cleaned text, `after`; nothing when str is NULL. */
static void put_field(FILE *out, const char *before, const char *str, const char *after)
{
    if (!str)
        return;
    fputs(before, out);
    put_clean(out, str);
    fputs(after, out);
}

static const char *status_color(enum status s)
{
    switch (s) {
    case STATUS_PASS: return COLOR_PASS;
    case STATUS_WARN: return COLOR_WARN;
    case STATUS_FAIL: return COLOR_FAIL;
    case STATUS_SKIP: break;
    }
    return NULL;
}

static void put_tag(FILE *out, enum status s, bool color)
{
    const char *c = color ? status_color(s) : NULL;
    if (c)
        fprintf(out, "%s[%s]%s", c, status_name(s), COLOR_RESET);
    else
        fprintf(out, "[%s]", status_name(s));
}

static void write_check(FILE *out, const struct check *c, bool color)
{
    fputs("  ", out);
    put_tag(out, c->status, color);
    fputc(' ', out);
    put_clean(out, c->name);
    put_field(out, ": ", c->value_text, "");
    put_field(out, " (", c->threshold_text, ")");
    fputc('\n', out);
}

/* Quiet mode keeps only what needs attention; a skipped check does not. */
static bool shown_when_quiet(const struct check *c)
{
    return c->status == STATUS_WARN || c->status == STATUS_FAIL;
}

static void write_section(FILE *out, const struct section *s, const struct report_options *o)
{
    if (o->quiet) {
        size_t shown = 0;
        for (size_t i = 0; i < s->n_checks; i++)
            shown += shown_when_quiet(&s->checks[i]);
        if (!shown)
            return;
    }
    put_clean(out, s->title);
    fputc('\n', out);
    if (!o->quiet)
        put_field(out, "  ", s->note, "\n");
    for (size_t i = 0; i < s->n_checks; i++)
        if (!o->quiet || shown_when_quiet(&s->checks[i]))
            write_check(out, &s->checks[i], o->color);
}

static void write_header(FILE *out, const struct result *r, const struct report_options *o)
{
    fputs(RULE "\nDATASET VALIDATION REPORT\n" RULE "\n", out);
    if (o->quiet)
        return;
    put_field(out, "Date: ", r->date, "\n");
    put_field(out, "Version: ", r->version ? r->version : "unversioned", "\n");
    if (r->dataset_name || r->spec_path) {
        fputs("Dataset:", out);
        put_field(out, " ", r->dataset_name, "");
        put_field(out, " (", r->spec_path, ")");
        fputc('\n', out);
    }
    put_field(out, "Source: ", r->source, "\n");
    put_field(out, "Baseline: ", r->baseline, "\n");
    for (size_t i = 0; i < r->n_notes; i++)
        put_field(out, "Note: ", r->notes[i], "\n");
    fputc('\n', out);
}

static void write_verdict(FILE *out, const struct result *r, const struct report_options *o)
{
    bool passed = result_passed(r);
    const char *c = o->color ? (passed ? COLOR_PASS : COLOR_FAIL) : NULL;

    fputs(RULE "\n", out);
    if (c)
        fprintf(out, "%sRESULT: %s%s\n", c, passed ? "PASS" : "FAIL", COLOR_RESET);
    else
        fprintf(out, "RESULT: %s\n", passed ? "PASS" : "FAIL");
    if (passed) {
        fputs("Dataset is production-ready for fine-tuning.\n", out);
    } else {
        fputs("Dataset does not meet production criteria.\n", out);
        fprintf(out, "Blocking failures: %zu\n", result_blocking_failures(r));
    }
    fputs(RULE "\n", out);
}

static void write_finding(FILE *out, const struct finding *f)
{
    fputs("   ", out);
    if (f->path) {
        put_clean(out, f->path);
        if (f->line) {
            char place[FINDING_PLACE_SIZE];
            fprintf(out, ":%zu%s", f->line, finding_place(place, f));
        }
        fputs(": ", out);
    }
    put_clean(out, f->message);
    fputc('\n', out);
}

/* A gate title ("FORMAT") as a word in a sentence; titles are ASCII. */
static void put_lower(FILE *out, const char *title)
{
    for (const unsigned char *p = (const unsigned char *)title; *p; p++) {
        unsigned char ch = *p;
        if (ch < 0x20 || ch == 0x7f)
            ch = '?';
        else if (ch >= 'A' && ch <= 'Z')
            ch = (unsigned char)(ch - 'A' + 'a');
        fputc(ch, out);
    }
}

enum step_pass { STEP_BLOCKING, STEP_NONBLOCKING_FAIL, STEP_WARNING, STEP_PASSED_FOLLOWUP };
static bool in_pass(const struct check *c, enum step_pass pass);

/* A check with no open finding of its own whose fix is the same sentence as another
 * step's is named in that step ("(also fixes Checksums, Model)") instead of repeating it. */
static bool same_fix(const struct check *a, const struct check *b)
{
    return a->remediation && b->remediation && !strcmp(a->remediation, b->remediation);
}

static bool no_open_findings(const struct check *c)
{
    return c->findings_total <= c->accepted;
}

/* Whether c is folded into the step of an earlier check of the pass. */
static bool folded(const struct result *r, const struct check *c, enum step_pass pass)
{
    if (!no_open_findings(c))
        return false;
    for (size_t i = 0; i < r->n_sections; i++)
        for (size_t j = 0; j < r->sections[i].n_checks; j++) {
            const struct check *e = &r->sections[i].checks[j];
            if (e == c)
                return false;
            if (in_pass(e, pass) && same_fix(e, c))
                return true;
        }
    return false;
}

/* "N. <what to do>" then up to max_examples findings and a count of the rest. */
static void write_step(FILE *out, size_t number, const struct result *r, enum step_pass pass,
                       const struct section *s, const struct check *c, size_t max_examples)
{
    fprintf(out, "%zu. ", number);
    if (c->remediation) {
        put_clean(out, c->remediation);
        const char *sep = " (also fixes ";
        bool after = false;
        for (size_t i = 0; i < r->n_sections; i++)
            for (size_t j = 0; j < r->sections[i].n_checks; j++) {
                const struct check *d = &r->sections[i].checks[j];
                if (d == c) {
                    after = true;
                } else if (after && in_pass(d, pass) && same_fix(c, d) && no_open_findings(d)) {
                    fputs(sep, out);
                    put_clean(out, d->name);
                    sep = ", ";
                }
            }
        if (strcmp(sep, " (also fixes "))
            fputc(')', out);
    } else {
        fputs("fix ", out);
        put_lower(out, s->title);
        fputs(" check '", out);
        put_clean(out, c->name);
        fputc('\'', out);
    }
    fputc('\n', out);

    /* accepted findings (the known-findings file) are not what needs fixing */
    size_t shown = 0;
    for (size_t i = 0; i < c->n_findings && shown < max_examples; i++)
        if (!c->findings[i].accepted) {
            write_finding(out, &c->findings[i]);
            shown++;
        }
    uint64_t unaccepted = c->findings_total - c->accepted;
    if (unaccepted > shown)
        fprintf(out, "   ... and %llu more\n", (unsigned long long)(unaccepted - shown));
}

static bool in_pass(const struct check *c, enum step_pass pass)
{
    switch (pass) {
    case STEP_BLOCKING:
        return c->status == STATUS_FAIL && c->blocking;
    case STEP_NONBLOCKING_FAIL:
        return c->status == STATUS_FAIL && !c->blocking;
    case STEP_WARNING:
        /* A warning without a fix or an example would only repeat its report line. */
        return c->status == STATUS_WARN && (c->remediation || c->findings_total);
    case STEP_PASSED_FOLLOWUP:
        return (in_pass(c, STEP_NONBLOCKING_FAIL) || in_pass(c, STEP_WARNING)) &&
               !(c->status == STATUS_FAIL && !c->remediation && !c->findings_total);
    }
    return false;
}

/* Writes the steps of one pass in report order, numbering on from *number. */
static void write_steps(FILE *out, const struct result *r, enum step_pass pass, size_t *number,
                        size_t max_examples)
{
    for (size_t i = 0; i < r->n_sections; i++) {
        const struct section *s = &r->sections[i];
        for (size_t j = 0; j < s->n_checks; j++)
            if (in_pass(&s->checks[j], pass) && !folded(r, &s->checks[j], pass))
                write_step(out, ++*number, r, pass, s, &s->checks[j], max_examples);
    }
}

static size_t count_in_pass(const struct result *r, enum step_pass pass)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_sections; i++)
        for (size_t j = 0; j < r->sections[i].n_checks; j++)
            n += in_pass(&r->sections[i].checks[j], pass);
    return n;
}

/*
 * After the verdict: on failure every FAIL (blocking first) as REMEDIATION STEPS;
 * then, unless quiet, the warnings worth acting on, so a passing run with a
 * non-blocking FAIL or a WARN still says what to fix.
 */
static void write_followups(FILE *out, const struct result *r, const struct report_options *o)
{
    size_t max_examples = o->max_examples ? o->max_examples : DEFAULT_MAX_EXAMPLES;
    size_t number = 0;

    if (!result_passed(r)) {
        fputs("\nREMEDIATION STEPS:\n", out);
        write_steps(out, r, STEP_BLOCKING, &number, max_examples);
        write_steps(out, r, STEP_NONBLOCKING_FAIL, &number, max_examples);
        if (!o->quiet && count_in_pass(r, STEP_WARNING)) {
            number = 0;
            fputs("\nWARNINGS:\n", out);
            write_steps(out, r, STEP_WARNING, &number, max_examples);
        }
        return;
    }
    if (o->quiet)
        return;
    /* Passing: non-blocking FAILs and WARNs together, in report order. */
    if (count_in_pass(r, STEP_PASSED_FOLLOWUP)) {
        fputs("\nWARNINGS:\n", out);
        write_steps(out, r, STEP_PASSED_FOLLOWUP, &number, max_examples);
    }
}

static int write_text(FILE *out, const struct result *r, const struct report_options *opts)
{
    static const struct report_options defaults = { .max_examples = DEFAULT_MAX_EXAMPLES };
    const struct report_options *o = opts ? opts : &defaults;

    write_header(out, r, o);
    for (size_t i = 0; i < r->n_sections; i++)
        write_section(out, &r->sections[i], o);
    write_verdict(out, r, o);
    write_followups(out, r, o);

    if (fflush(out) != 0 || ferror(out))
        return err_set(DSCI_EENV, "cannot write the text report");
    return 0;
}

const struct reporter report_text = { "text", write_text };
