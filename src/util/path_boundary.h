/*
 * The one path-boundary check: where a path really leads (symlinks followed), and
 * whether that stays inside a folder. Readers (the work-tree source), the spec's place
 * in the repository, the dataset root's place in it (bump) and every file dsci writes
 * (dataset_write_target) ask here; so does every comparison of two file names.
 *
 *   char *real = NULL;
 *   if (path_resolve("data/new/README.md", &real) == 0 && path_inside(top, real)) ...
 *   free(real);
 */
#ifndef DSCI_PATH_BOUNDARY_H
#define DSCI_PATH_BOUNDARY_H

#include <stdbool.h>

/* Whether `real` is `boundary` itself or below it (both absolute real paths, no
 * trailing slash except "/"). */
bool path_inside(const char *boundary, const char *real);

/* The part of `real` below `boundary` (same conditions as path_inside): "" when they
 * are the same, "a/b" for <boundary>/a/b, NULL when `real` is outside. Points into
 * `real` (borrowed). How a resolved path is named relative to a repository's top. */
const char *path_below(const char *boundary, const char *real);

/* Whether two relative paths name the same file by name, a leading "./" aside
 * ("./data/a.jsonl" and "data/a.jsonl"): how the spec, the version file and the run
 * compare file names. Lexical only: no ".." resolved, no symlinks followed. */
bool path_same(const char *a, const char *b);

enum path_resolve_result {
    PATH_RESOLVED = 0,
    PATH_ERRNO = -1,      /* realpath failed for another reason than a missing file: see errno */
    PATH_DANGLING = -2,   /* a component is a symbolic link to nothing */
};

/*
 * The real path of `path` when it exists. When it does not, the real path of its
 * nearest existing folder with the missing rest appended: where a file about to be
 * created would land. A dangling symbolic link on the way is PATH_DANGLING (writing
 * there would replace the link or follow it anywhere). *out is malloc'd on success.
 */
int path_resolve(const char *path, char **out);

/* Whether a component of `path` is `.git`, in any case (case-insensitive file systems
 * and git's own rules treat .GIT as .git). */
bool path_has_git_component(const char *path);

/*
 * The exit class of an errno met while opening or resolving a path the spec or the user
 * named: a path that names nothing usable (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EISDIR)
 * is their mistake, DSCI_EUSAGE (exit 2); anything else (EACCES, EIO, ...) is the
 * environment, DSCI_EENV (exit 3), reported with strerror.
 */
int path_error_code(int errnum);

#endif
