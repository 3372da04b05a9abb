/*
 * How many threads a run may use: --jobs N, else DSCI_JOBS, else the online CPUs (at
 * most JOBS_MAX). Results never depend on it; only the time does.
 *
 *   jobs_set(4);              // from the command line; 0 keeps the default
 *   unsigned n = jobs_count();
 */
#ifndef DSCI_JOBS_H
#define DSCI_JOBS_H

#define JOBS_MAX 64

void jobs_set(unsigned n);
unsigned jobs_count(void);

/* Parses a job count "1".."JOBS_MAX"; returns 0 for anything else (a DSCI_JOBS like that
 * is ignored; main() says so). */
unsigned jobs_parse(const char *s);

#endif
