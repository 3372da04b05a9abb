/*
 * The run's date, as ISO-8601 UTC. SOURCE_DATE_EPOCH (integer seconds since the
 * epoch, see reproducible-builds.org) overrides the clock, so tests and rebuilt
 * version files and cards get a fixed date.
 *
 *   char *date = clock_now_iso8601();   // "2025-01-01T15:30:00Z"; free() it
 */
#ifndef DSCI_CLOCK_H
#define DSCI_CLOCK_H

#include <time.h>

/* "YYYY-MM-DDTHH:MM:SSZ" for now, or SOURCE_DATE_EPOCH when set to a valid
 * non-negative integer (anything else is ignored). Malloc'd; never NULL. */
char *clock_now_iso8601(void);

/* The same format for a given time; "1970-01-01T00:00:00Z" when t is before 1970
 * or after year 9999. Malloc'd; never NULL. */
char *clock_format_iso8601(time_t t);

#endif
