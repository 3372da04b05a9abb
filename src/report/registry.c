/*
 * The reporters --format can name. Exact names only, like the command table: a
 * CI script must not change meaning when a format is added. Also the few words
 * and lines several reporters spell the same way.
 */
#include "report/report.h"

#include <string.h>

#include "util/buf.h"

static const struct reporter *const reporters[] = {
    &report_text,
    &report_json,
    &report_github,
    &report_markdown,
    &report_sarif,
    &report_junit,
    &report_html,
    NULL,
};

const struct reporter *report_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; reporters[i]; i++)
        if (!strcmp(reporters[i]->name, name))
            return reporters[i];
    return NULL;
}

const struct reporter *report_at(size_t i)
{
    for (size_t k = 0; k <= i; k++)
        if (!reporters[k])
            return NULL;
    return reporters[i];
}

/* Local rather than spec_level_name() so the reports' words (json, junit) cannot
 * drift from their schemas if the spec's spelling of levels ever grows aliases. */
const char *report_level_word(enum gate_level level)
{
    static const char *const words[] = { [LEVEL_OFF] = "off", [LEVEL_WARN] = "warn", [LEVEL_BLOCK] = "block" };
    return (size_t)level < sizeof(words) / sizeof(words[0]) ? words[level] : words[LEVEL_OFF];
}

void report_check_line(struct buf *b, const struct check *c)
{
    buf_addstr(b, c->name ? c->name : (c->id ? c->id : "check"));
    if (c->value_text)
        buf_printf(b, ": %s", c->value_text);
    if (c->threshold_text)
        buf_printf(b, " (%s)", c->threshold_text);
}
