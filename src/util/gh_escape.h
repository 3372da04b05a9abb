/*
 * GitHub Actions workflow-command text: escaping exactly as actions/toolkit's
 * command.ts does it, a length cap, and random tokens for ::stop-commands:: and the
 * $GITHUB_OUTPUT delimiter form.
 *
 *   struct buf b = BUF_INIT;
 *   gh_escape_data(&b, finding->message, GH_MESSAGE_MAX);   // "%25 %0D %0A"
 *   gh_escape_property(&p, path, GH_MESSAGE_MAX);            // also "%3A %2C"
 *   char tok[GH_TOKEN_LEN + 1]; gh_random_token(tok);
 *
 * Escaped text never holds a raw CR or LF, so it cannot start a workflow command of
 * its own. Other C0 controls, DEL and bytes that are not UTF-8 become '?' (an ANSI
 * escape in a log line is a recolouring attack, not data anyone needs).
 */
#ifndef DSCI_GH_ESCAPE_H
#define DSCI_GH_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/buf.h"

/* The runner truncates annotation messages at 4096 characters; dsci stays below. */
#define GH_MESSAGE_MAX 4095
#define GH_TOKEN_LEN 32

/* Append `s` escaped as a command's message, cutting the raw text on a UTF-8 boundary
 * so the escaped text is at most `max` bytes. Returns 1 when it was cut, else 0. */
int gh_escape_data(struct buf *out, const char *s, size_t max);
/* The same for a property value (file=, title=): also ':' and ','. */
int gh_escape_property(struct buf *out, const char *s, size_t max);

/* GH_TOKEN_LEN lower-case hex characters from getrandom(2) and a NUL. Returns 0, or -1
 * when the kernel gives no randomness (the caller must then not emit a token). */
int gh_random_token(char out[GH_TOKEN_LEN + 1]);

/* Append `s` for a one-line terminal message: LF, CR, TAB, other C0 controls and DEL
 * as C escapes (\n \r \t \xNN), bytes that are not UTF-8 as \xNN. The result holds
 * no line break, so a name with "\n::error::" in it stays inside its own line. */
void term_escape(struct buf *out, const char *s);

/*
 * The guard for CI logs. In GitHub Actions (GITHUB_ACTIONS=true) gh_guard_install()
 * replaces stdout and stderr with streams that pass every byte through except a
 * workflow command dsci did not mean: a line (after LF or CR, as the runner splits
 * them) whose first non-blank characters are "::" gets a '\' in front, and "##["
 * (the runner's legacy command prefix, honoured anywhere in a line) becomes "##\[".
 * A reporter that writes real commands (the github format) opens the gate with
 * gh_guard_commands(stream, true) around them; it must have escaped every value.
 * Outside Actions both are no-ops. Returns 0, or -1 when a stream could not be made.
 */
int gh_guard_install(void);
void gh_guard_commands(FILE *stream, bool allow);
bool gh_guard_active(void);

#endif
