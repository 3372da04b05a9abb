/*
 * Files dsci writes (reports, the version file, the dataset card, the spec from init,
 * hooks) are written whole or not at all: a temporary file in the same folder, fsync,
 * rename over the target, fsync of the folder. An interrupted run leaves the old file.
 * The temporary is hidden and named ".<name>.dsci-tmp.<pid>.XXXXXX"; a run killed
 * before the rename leaves it, and the next write of the same target removes it once
 * stale (its pid gone, or an hour old). docs/files.md says it for users.
 *
 *   if (atomic_write_file("data/version.json", text, len, 0644) < 0)
 *       ... DSCI_EENV, err_last() names the file ...
 */
#ifndef DSCI_ATOMIC_FILE_H
#define DSCI_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

int atomic_write_file(const char *path, const void *data, size_t len, mode_t mode);

/* The same, for a file written in pieces: atomic_open gives a descriptor on the
 * temporary (0 or DSCI_EENV), atomic_finish makes it `path` (0 or DSCI_EENV; the
 * temporary is gone either way), atomic_abort drops it. */
struct atomic_out {
    int fd;
    char *tmp, *path;
};
int atomic_open(struct atomic_out *o, const char *path);
int atomic_finish(struct atomic_out *o, mode_t mode);
void atomic_abort(struct atomic_out *o);

/*
 * A file the user named (--output): a regular file, or a new one, is written with
 * atomic_write_file. Anything else is opened and written in place, never replaced: a
 * FIFO, a device (/dev/null, a terminal), a symbolic link (/dev/stdout ->
 * /proc/self/fd/1, or a link to a report kept elsewhere: the link stays, its target is
 * rewritten). A folder is DSCI_EUSAGE; I/O errors are DSCI_EENV naming the path.
 */
int output_write_file(const char *path, const void *data, size_t len, mode_t mode);

/* 1 or 2 when `path` names this process's standard output or error ("/dev/stdout",
 * "/dev/fd/1", "/proc/self/fd/2", or a link to one of those), else 0: the caller writes
 * through its own stream then, so the order with what else it prints is kept and a
 * redirected file is not truncated. */
int output_std_alias(const char *path);

/* Writes all len bytes to fd, retrying short writes and EINTR: 0, or -1 with errno set
 * by the failing write (0 bytes written counts as a failure). */
int output_write_all(int fd, const void *data, size_t len);

#endif
