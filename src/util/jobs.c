#include "util/jobs.h"

#include <stdlib.h>
#include <unistd.h>

static unsigned chosen;

void jobs_set(unsigned n)
{
    chosen = n > JOBS_MAX ? JOBS_MAX : n;
}

unsigned jobs_parse(const char *s)
{
    char *end;
    if (!s || *s < '0' || *s > '9')   /* no sign, no space: "1".."64" only */
        return 0;
    long v = strtol(s, &end, 10);
    if (*end || v < 1 || v > JOBS_MAX)
        return 0;
    return (unsigned)v;
}

unsigned jobs_count(void)
{
    if (chosen)
        return chosen;
    unsigned env = jobs_parse(getenv("DSCI_JOBS"));
    if (env)
        return env;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1)
        return 1;
    return cpus > JOBS_MAX ? JOBS_MAX : (unsigned)cpus;
}
