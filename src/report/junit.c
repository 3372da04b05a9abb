/*
 * The test-report output (--format junit): JUnit XML as CI systems read it. One
 * <testsuite> per gate section, one <testcase> per check, so the counts are the
 * text report's: a [FAIL] line is a <failure> (with the findings as path:line
 * message lines), a [SKIP] line is <skipped/>, a [WARN] line passes with the
 * warning in <system-out>. Every string goes through xml_write_text(), the one
 * XML escaper, so dataset text can never break the document.
 */
#include "report/report.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/xml_write.h"

struct counts {
    size_t tests, failures, skipped;
};

static void count_section(struct counts *n, const struct section *s)
{
    for (size_t i = 0; i < s->n_checks; i++) {
        n->tests++;
        if (s->checks[i].status == STATUS_FAIL)
            n->failures++;
        else if (s->checks[i].status == STATUS_SKIP)
            n->skipped++;
    }
}

static void put(FILE *out, const char *s, bool attr)
{
    if (s)
        xml_write_text(out, s, strlen(s), attr);
}

static void put_attr(FILE *out, const char *name, const char *value)
{
    fprintf(out, " %s=\"", name);
    put(out, value, true);
    fputc('"', out);
}

static void put_counts(FILE *out, const struct counts *n)
{
    fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\"", n->tests, n->failures,
            n->skipped);
}

/* The body of a <failure> or <system-out>: the findings, the count of unlisted ones, the fix. */
static void check_details(struct buf *b, const struct check *c)
{
    for (size_t i = 0; i < c->n_findings; i++) {
        const struct finding *f = &c->findings[i];
        if (f->accepted)
            continue;
        if (f->path && *f->path) {
            buf_addstr(b, f->path);
            if (f->line) {
                char place[FINDING_PLACE_SIZE];
                buf_printf(b, ":%zu%s", f->line, finding_place(place, f));
            }
            buf_addstr(b, ": ");
        }
        buf_addstr(b, f->message ? f->message : "");
        buf_addch(b, '\n');
    }
    if (c->findings_total > c->n_findings)
        buf_printf(b, "... and %" PRIu64 " more\n", c->findings_total - c->n_findings);
    if (c->remediation)
        buf_printf(b, "Fix: %s\n", c->remediation);
}

static const char *case_name(const struct check *c)
{
    return c->name ? c->name : (c->id ? c->id : "check");
}

static const char *case_class(const struct section *s)
{
    return s->gate ? s->gate : "gate";
}

/*
 * Viewers and CI servers key a testcase by classname + name and merge the ones that
 * share it (reproducibility has two "Dataset card" checks). The first keeps its plain
 * name; a later one that repeats an earlier identity is told apart by its check id.
 */
static void unique_name(struct buf *out, const struct result *r, size_t si, size_t ci)
{
    const struct section *s = &r->sections[si];
    const struct check *c = &s->checks[ci];
    bool repeated = false;
    for (size_t i = 0; i <= si && !repeated; i++)
        for (size_t k = 0; k < (i == si ? ci : r->sections[i].n_checks) && !repeated; k++)
            repeated = !strcmp(case_class(&r->sections[i]), case_class(s)) &&
                       !strcmp(case_name(&r->sections[i].checks[k]), case_name(c));
    buf_addstr(out, case_name(c));
    if (repeated)
        buf_printf(out, " (%s)", c->id ? c->id : "check");
}

/* A failure or warning element ends with the check's details; then the testcase ends. */
static void end_with_details(FILE *out, struct buf *details, const char *tag)
{
    put(out, buf_cstr(details), false);
    fprintf(out, "</%s>\n    </testcase>\n", tag);
}

static void write_testcase(FILE *out, const struct result *r, size_t si, size_t ci)
{
    const struct section *s = &r->sections[si];
    const struct check *c = &s->checks[ci];
    struct buf classname = BUF_INIT, line = BUF_INIT, details = BUF_INIT, name = BUF_INIT;

    buf_printf(&classname, "dsci.%s", case_class(s));
    report_check_line(&line, c);
    check_details(&details, c);
    unique_name(&name, r, si, ci);

    fputs("    <testcase", out);
    put_attr(out, "classname", buf_cstr(&classname));
    put_attr(out, "name", buf_cstr(&name));
    fputs(" time=\"0\"", out);

    switch (c->status) {
    case STATUS_FAIL:
        fputs(">\n      <failure", out);
        put_attr(out, "message", buf_cstr(&line));
        put_attr(out, "type", c->blocking ? "blocking" : "non-blocking");
        fputc('>', out);
        end_with_details(out, &details, "failure");
        break;
    case STATUS_SKIP:
        fputs(">\n      <skipped", out);
        if (c->value_text)
            put_attr(out, "message", c->value_text);
        fputs("/>\n    </testcase>\n", out);
        break;
    case STATUS_WARN:
        fputs(">\n      <system-out>[WARN] ", out);
        put(out, buf_cstr(&line), false);
        fputc('\n', out);
        end_with_details(out, &details, "system-out");
        break;
    case STATUS_PASS:
        fputs("/>\n", out);
        break;
    }
    buf_release(&classname);
    buf_release(&line);
    buf_release(&details);
    buf_release(&name);
}

static void write_testsuite(FILE *out, const struct result *r, size_t si)
{
    const struct section *s = &r->sections[si];
    struct counts n = { 0 };
    count_section(&n, s);

    fputs("  <testsuite", out);
    put_attr(out, "name", s->title ? s->title : s->gate);
    put_counts(out, &n);
    fputs(" time=\"0\"", out);
    if (r->date)
        put_attr(out, "timestamp", r->date);
    fputs(">\n    <properties>\n      <property name=\"level\"", out);
    put_attr(out, "value", report_level_word(s->level));
    fputs("/>\n", out);
    if (s->loc.line)
        fprintf(out, "      <property name=\"spec_line\" value=\"%zu\"/>\n", s->loc.line);
    fputs("    </properties>\n", out);
    for (size_t i = 0; i < s->n_checks; i++)
        write_testcase(out, r, si, i);
    if (s->note) {
        fputs("    <system-out>", out);
        put(out, s->note, false);
        fputs("</system-out>\n", out);
    }
    fputs("  </testsuite>\n", out);
}

static int write_junit(FILE *out, const struct result *r, const struct report_options *opts)
{
    struct counts total = { 0 };
    (void)opts; /* like json, the file always holds everything */

    for (size_t i = 0; i < r->n_sections; i++)
        count_section(&total, &r->sections[i]);

    /* <testsuites> takes name, time, tests, failures and errors only (Jenkins'
     * junit-10.xsd): skipped and timestamp are on each <testsuite>. */
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dsci\"", out);
    fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"0\"", total.tests, total.failures);
    fputs(" time=\"0\"", out);
    fputs(">\n", out);
    for (size_t i = 0; i < r->n_sections; i++)
        write_testsuite(out, r, i);
    fputs("</testsuites>\n", out);

    if (fflush(out) != 0 || ferror(out))
        return err_set(DSCI_EENV, "cannot write the junit report");
    return 0;
}

const struct reporter report_junit = { "junit", write_junit };
