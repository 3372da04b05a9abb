/*
 * The git pre-commit hook: the script dsci installs, installing it without clobbering
 * someone else's hook, and deciding which dataset specs a commit touches.
 *
 *   struct hook_install_result res = HOOK_INSTALL_RESULT_INIT;
 *   if (hook_install(&res, hooks_dir, force) < 0)    // DSCI_EUSAGE: a foreign hook is there
 *       ...
 *   hook_install_result_release(&res);
 *
 *   repo_staged_paths(repo, &staged, &n_staged);
 *   hook_touched_specs(&specs, &n, repo_workdir(repo), staged, n_staged);
 *
 * Nothing here prints, and nothing here needs git: src/cmd/hook.c asks the repository
 * what is staged and talks to the terminal.
 */
#ifndef DSCI_HOOK_H
#define DSCI_HOOK_H

#include <stdbool.h>
#include <stddef.h>

struct spec;

/* The script `dsci hook install` writes; byte for byte the repository's hooks/pre-commit
 * (a unit test holds them equal). */
extern const char hook_script[];

/* A line every hook dsci ever installed carries: such a hook may be replaced freely. */
#define HOOK_MARKER "# installed by dsci hook install"

enum hook_outcome {
    HOOK_INSTALLED,   /* there was no pre-commit hook */
    HOOK_UNCHANGED,   /* this very script was already installed */
    HOOK_UPDATED,     /* another version of dsci's hook was replaced */
    HOOK_REPLACED,    /* a foreign hook was moved to `backup` (force) */
};

struct hook_install_result {
    enum hook_outcome outcome;
    char *path;       /* the hook file */
    char *backup;     /* HOOK_REPLACED only: where the previous hook went */
};

#define HOOK_INSTALL_RESULT_INIT { HOOK_INSTALLED, NULL, NULL }

/*
 * Installs hook_script as `hooks_dir`/pre-commit (creating the folder), atomically: a
 * temporary file in the same folder, fsync, mode 0755, rename. A pre-commit hook that is
 * not dsci's is refused with DSCI_EUSAGE unless `force`; with `force` it is renamed to
 * pre-commit.dsci-backup (or .dsci-backup.1, .2, ... when taken). I/O errors: DSCI_EENV.
 */
int hook_install(struct hook_install_result *out, const char *hooks_dir, bool force);
void hook_install_result_release(struct hook_install_result *res);

/*
 * Whether a repo-relative `path` is one of the dataset's files: it matches a split
 * pattern (glob, '*' does not cross '/'), or is the card or the version file. `root` is
 * the spec's dataset root relative to the repository top ("" for the top).
 */
bool hook_spec_covers(const struct spec *spec, const char *root, const char *path);

/*
 * The specs (repo-relative paths, sorted) whose dataset the `staged` paths (repo-relative,
 * sorted, as repo_staged_paths gives them) touch: a staged path is a spec itself, or is
 * covered (hook_spec_covers) by a spec found in the work tree at `workdir`/DIR/specs/ for
 * a folder DIR above it. A spec is a .yaml/.yml file with a line starting `dsci:`; one
 * that does not load counts as touched (something below its root is staged), so that the
 * check reports the error. *out: free each and the array.
 */
int hook_touched_specs(char ***out, size_t *n, const char *workdir, char *const *staged, size_t n_staged);

#endif
