#include "util/jobs.h"

#include <stdbool.h>
#include <stdio.h>
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
    const char *v = getenv("DSCI_JOBS");
    unsigned env = jobs_parse(v);
    if (env)
        return env;
    static bool warned;
    if (v && *v && !warned) {
        /* the environment is not a command line: say so, and go on with the default */
        fprintf(stderr, "dsci: ignoring DSCI_JOBS='%s' (want a number of threads from 1 to %d)\n", v, JOBS_MAX);
        warned = true;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1)
        return 1;
    return cpus > JOBS_MAX ? JOBS_MAX : (unsigned)cpus;
}
