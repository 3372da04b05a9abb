#include "util/clock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "util/xalloc.h"

/* 9999-12-31T23:59:59Z */
#define CLOCK_MAX_SECONDS 253402300799ULL

/* Parses SOURCE_DATE_EPOCH: decimal digits only (no sign, no spaces, no fraction),
 * within time_t. Anything else means "not set", as reproducible-builds.org asks. */
static bool source_date_epoch(time_t *out)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s)
        return false;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    /* Four-digit years only (the format has no room for more), and a 32-bit time_t. */
    if (v > CLOCK_MAX_SECONDS || (unsigned long long)(time_t)v != v)
        return false;
    *out = (time_t)v;
    return true;
}

char *clock_format_iso8601(time_t t)
{
    struct tm tm;
    if (t < 0 || (unsigned long long)t > CLOCK_MAX_SECONDS || !gmtime_r(&t, &tm))
        return xstrdup("1970-01-01T00:00:00Z");
    return xasprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

char *clock_now_iso8601(void)
{
    time_t t;
    if (!source_date_epoch(&t))
        t = time(NULL);
    return clock_format_iso8601(t);
}
