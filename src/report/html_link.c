/*
 * The only URLs in the HTML report: a finding's file at the run's commit on GitHub, and
 * the run's page. Each is built here from the runner's environment, each part checked
 * against the shape GitHub gives it, and a path percent-encoded byte by byte; a URL
 * found in the data is never a link (it is text, escaped like any other).
 */
#include "report/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool env_is(const char *name, const char *want)
{
    const char *v = getenv(name);
    return v && !strcmp(v, want);
}

/* https://host[:port] with a host of letters, digits, dots and hyphens. */
static bool server_ok(const char *s)
{
    if (!s || strncmp(s, "https://", 8))
        return false;
    s += 8;
    size_t host = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
    if (!host || host > 253 || s[0] == '.' || s[0] == '-')
        return false;
    s += host;
    if (*s == ':') {
        size_t port = strspn(s + 1, "0123456789");
        if (!port || port > 5)
            return false;
        s += 1 + port;
    }
    return *s == '\0';
}

/* OWNER/REPO as GitHub allows them: letters, digits, '-', '_', '.', never "." or "..". */
static bool repository_ok(const char *s)
{
    static const char name[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
    if (!s)
        return false;
    size_t owner = strspn(s, name);
    if (!owner || owner > 100 || s[owner] != '/' || s[0] == '.')
        return false;
    const char *repo = s + owner + 1;
    size_t n = strspn(repo, name);
    return n && n <= 100 && repo[n] == '\0' && strcmp(repo, ".") && strcmp(repo, "..");
}

static bool hex_ok(const char *s)
{
    size_t n = s ? strspn(s, "0123456789abcdef") : 0;
    return (n == 40 || n == 64) && s[n] == '\0';
}

static bool digits_ok(const char *s)
{
    size_t n = s ? strspn(s, "0123456789") : 0;
    return n && n <= 20 && s[n] == '\0';
}

/* https://SERVER/OWNER/REPO into out; false when not in GitHub Actions or a part is
 * malformed. */
static bool repo_url(char *out, size_t size)
{
    const char *server = getenv("GITHUB_SERVER_URL"), *repo = getenv("GITHUB_REPOSITORY");
    if (!env_is("GITHUB_ACTIONS", "true") || !server_ok(server) || !repository_ok(repo))
        return false;
    int n = snprintf(out, size, "%s/%s", server, repo);
    return n > 0 && (size_t)n < size;
}

const char *html_link_base(void)
{
    static char base[HTML_URL_SIZE];
    char url[HTML_URL_SIZE];
    const char *sha = getenv("GITHUB_SHA");
    if (!repo_url(url, sizeof(url)) || !hex_ok(sha))
        return NULL;
    int n = snprintf(base, sizeof(base), "%.400s/blob/%s/", url, sha);
    return n > 0 && (size_t)n < sizeof(base) ? base : NULL;
}

bool report_run_url(char out[REPORT_RUN_URL_SIZE])
{
    char url[HTML_URL_SIZE];
    const char *id = getenv("GITHUB_RUN_ID");
    if (!repo_url(url, sizeof(url)) || !digits_ok(id))
        return false;
    int n = snprintf(out, REPORT_RUN_URL_SIZE, "%.400s/actions/runs/%s", url, id);
    return n > 0 && n < REPORT_RUN_URL_SIZE;
}

/* A path as a URL's path: unreserved bytes and '/' as they are, every other byte
 * percent-encoded (so no quote, space or '#' of a file name reaches the attribute). */
static void url_path(struct buf *b, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/", *p))
            buf_addch(b, (char)*p);
        else
            buf_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

void html_place(struct buf *b, const char *path, size_t line, const char *place, bool link)
{
    const char *base = path && link ? html_link_base() : NULL;
    /* "..": a path that climbs out of the repository has no blob to link to. */
    bool linked = base && *path != '/' && !strstr(path, "..");
    if (linked) {
        buf_printf(b, "<a href=\"%s", base);
        url_path(b, path);
        if (line)
            buf_printf(b, "#L%zu", line);
        buf_addstr(b, "\">");
    }
    buf_addstr(b, "<code>");
    html_text(b, path ? path : "");
    if (line)
        buf_printf(b, ":%zu", line);
    html_text(b, place ? place : "");
    buf_addstr(b, "</code>");
    if (linked)
        buf_addstr(b, "</a>");
}
