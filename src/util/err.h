/*
 * One error message per thread, libgit2 style: a failing function records what went
 * wrong with err_set() and returns the (negative) code; callers pass it up unchanged.
 * Only main.c and src/cmd/ print it.
 *
 *   if (!f)
 *       return err_set(DSCI_EUSAGE, "%s: no such file", path);
 *
 * The codes map to the contract's exit codes (err_exit_code).
 */
#ifndef DSCI_ERR_H
#define DSCI_ERR_H

enum dsci_error {
    DSCI_OK = 0,
    DSCI_EUSAGE = -2,    /* bad flag, invalid spec, missing file: exit 2 */
    DSCI_EENV = -3,      /* not a repository, I/O error: exit 3 */
    DSCI_EINTERNAL = -4, /* a bug: exit 3 */
};

int err_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *err_last(void);  /* "" when none */
int err_last_code(void);
void err_clear(void);
int err_exit_code(int code); /* 0 for >= 0, 2 for DSCI_EUSAGE, 3 otherwise */
/* Whether the last error says a file is not there: every source reports a missing file
 * as "PATH: no such file..." (and only that), which callers that may go without the file
 * tell apart from one that is there but unreadable (a FIFO, a folder, EACCES). */
int err_last_is_not_found(void);

#endif
