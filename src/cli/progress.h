/*
 * The progress line on stderr while a check reads its files: the file, bytes read of
 * the total, records, MB/s and the time left, redrawn in place with \r. Only for a
 * person watching: stderr is a terminal (not TERM=dumb), not in CI (CI or
 * GITHUB_ACTIONS set), not with -q; it appears once the run has lasted a second
 * (DSCI_PROGRESS_AFTER_MS changes that, for tests). When reading ends, a line says the
 * gates are deciding, until the engine's run ends; the line is erased then, so it is
 * gone before any report or message is printed.
 *
 *   progress_setup(quiet);    // before the run: installs the display when it is wanted
 *   ...engine_check...        // the engine reports to it (run/engine.h)
 */
#ifndef DSCI_PROGRESS_H
#define DSCI_PROGRESS_H

#include <stdbool.h>

/* Installs the display (engine_set_progress) when the conditions above hold; returns
 * whether it did. */
bool progress_setup(bool quiet);

/* Erases the line if one is drawn (before writing anything else to stderr). */
void progress_clear(void);

#endif
