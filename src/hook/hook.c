/*
 * The pre-commit hook: installing the script, and finding the specs whose dataset the
 * staged changes touch (so that `dsci hook run` can skip at once when there are none).
 */
#include "hook/hook.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/spec.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* Keep byte for byte equal to hooks/pre-commit (test_hook checks). */
const char hook_script[] =
    "#!/bin/sh\n"
    "# dsci pre-commit hook: checks the staged dataset before each commit.\n"
    "# installed by dsci hook install\n"
    "#\n"
    "# `dsci hook run` exits 0 at once, with one line, when no staged path touches a dataset\n"
    "# spec or its files; otherwise it checks what is staged (the index this commit records,\n"
    "# not the work tree) and exits non-zero, blocking the commit, when a blocking gate fails.\n"
    "# To commit anyway: git commit --no-verify\n"
    "#\n"
    "# Set DSCI to the dsci binary when it is not on PATH.\n"
    "dsci=${DSCI:-dsci}\n"
    "if ! command -v \"$dsci\" >/dev/null 2>&1; then\n"
    "    echo \"dsci pre-commit hook: '$dsci' not found; install dsci (or set DSCI=/path/to/dsci), or commit with --no-verify\" >&2\n"
    "    exit 1\n"
    "fi\n"
    "exec \"$dsci\" hook run \"$@\"\n";

/* A hook or a spec larger than this is not one dsci wrote or can use. */
#define SMALL_FILE_MAX (1 << 20)

/* Reads a whole small file; 1 when it is larger than SMALL_FILE_MAX (b holds the start),
 * -1 with errno on failure. */
static int read_small(struct buf *b, const char *path)
{
    char chunk[8192];
    ssize_t got;
    /* non-blocking, and only a regular file is read: a FIFO there must not hang us */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    b->max = SMALL_FILE_MAX;
    while ((got = read(fd, chunk, sizeof(chunk))) != 0) {
        if (got < 0) {
            if (errno == EINTR)
                continue;
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        if (buf_add(b, chunk, (size_t)got) < 0) {
            close(fd);
            return 1;
        }
    }
    close(fd);
    return 0;
}

/* mkdir -p, with the umask deciding the mode as git's own hooks folder. */
static int make_dirs(const char *dir)
{
    char *path = xstrdup(dir);
    int rc = 0;

    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        struct stat st;
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            rc = err_set(DSCI_EENV, "%s: cannot create the folder: %s", path, strerror(errno));
            break;
        }
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
            rc = err_set(DSCI_EENV, "%s: not a folder", path);
            break;
        }
        *p = c;
        if (c == '\0')
            break;
    }
    free(path);
    return rc;
}

/* Writes the script to a new temporary file in `dir`, flushed to disk and executable;
 * *tmp_out names it. */
static int write_temp(const char *dir, char **tmp_out)
{
    char *tmp = xasprintf("%s/.pre-commit.dsci-XXXXXX", dir);
    const char *p = hook_script;
    size_t left = strlen(hook_script);
    int fd = mkstemp(tmp);

    if (fd < 0) {
        int rc = err_set(DSCI_EENV, "%s: cannot create a file: %s", dir, strerror(errno));
        free(tmp);
        return rc;
    }
    while (left > 0) {
        ssize_t put = write(fd, p, left);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            goto fail;
        p += put;
        left -= (size_t)put;
    }
    if (fchmod(fd, 0755) != 0 || fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    *tmp_out = tmp;
    return 0;
fail:;
    int rc = err_set(DSCI_EENV, "%s: cannot write: %s", tmp, strerror(errno ? errno : EIO));
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return rc;
}

/* Makes the renames in `dir` durable; a failure here loses nothing already visible. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* The first of PATH.dsci-backup, PATH.dsci-backup.1, ... that does not exist. */
static char *backup_name(const char *path)
{
    struct stat st;
    char *name = xasprintf("%s.dsci-backup", path);
    for (unsigned i = 1; lstat(name, &st) == 0; i++) {
        free(name);
        name = xasprintf("%s.dsci-backup.%u", path, i);
    }
    return name;
}

enum existing { EXISTING_NONE, EXISTING_SAME, EXISTING_OURS, EXISTING_FOREIGN };

/* What is at `path` now. *framework is set when it is the pre-commit framework's hook. */
static int classify(const char *path, enum existing *out, bool *framework)
{
    struct buf content = BUF_INIT;
    struct stat st;
    int r;

    *out = EXISTING_FOREIGN;
    *framework = false;
    if (lstat(path, &st) != 0) {
        if (errno != ENOENT)
            return err_set(DSCI_EENV, "%s: %s", path, strerror(errno));
        *out = EXISTING_NONE;
        return 0;
    }
    /* A folder or a dangling link cannot be read: it is not ours. */
    r = read_small(&content, path);
    if (r == 0) {
        const char *text = buf_cstr(&content);
        bool executable = stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR);
        if (content.len == strlen(hook_script) && !memcmp(text, hook_script, content.len) && executable)
            *out = EXISTING_SAME;
        else if (strstr(text, HOOK_MARKER))
            *out = EXISTING_OURS;
        else
            *framework = strstr(text, "File generated by pre-commit") != NULL;
    }
    buf_release(&content);
    return 0;
}

int hook_install(struct hook_install_result *out, const char *hooks_dir, bool force)
{
    char *path = xasprintf("%s/pre-commit", hooks_dir);
    char *tmp = NULL, *backup = NULL;
    enum existing existing;
    bool framework;
    int rc;

    out->outcome = HOOK_INSTALLED;
    out->path = NULL;
    out->backup = NULL;
    if ((rc = make_dirs(hooks_dir)) < 0 || (rc = classify(path, &existing, &framework)) < 0)
        goto done;
    if (existing == EXISTING_SAME) {
        out->outcome = HOOK_UNCHANGED;
        goto done;
    }
    if (existing == EXISTING_FOREIGN) {
        backup = backup_name(path);
        if (!force) {
            rc = err_set(DSCI_EUSAGE, "a pre-commit hook already exists at %s; rerun with --force "
                         "(it will be kept as %s)%s", path, backup,
                         framework ? "; it is the pre-commit framework's: add the dsci-check hook to "
                                     ".pre-commit-config.yaml instead (see docs/hooks.md)" : "");
            goto done;
        }
    }
    if ((rc = write_temp(hooks_dir, &tmp)) < 0)
        goto done;
    if (backup && rename(path, backup) != 0) {
        rc = err_set(DSCI_EENV, "%s: cannot move it to %s: %s", path, backup, strerror(errno));
        goto done;
    }
    if (rename(tmp, path) != 0) {
        rc = err_set(DSCI_EENV, "%s: cannot write: %s", path, strerror(errno));
        if (backup && rename(backup, path) != 0)
            rc = err_set(DSCI_EENV, "%s: cannot write, and the previous hook is left at %s: %s",
                         path, backup, strerror(errno));
        goto done;
    }
    sync_dir(hooks_dir);
    out->outcome = existing == EXISTING_NONE ? HOOK_INSTALLED
                 : existing == EXISTING_OURS ? HOOK_UPDATED : HOOK_REPLACED;
    if (backup) {
        out->backup = backup;
        backup = NULL;
    }
done:
    if (tmp) {
        unlink(tmp); /* only still there when the rename failed */
        free(tmp);
    }
    free(backup);
    if (rc == 0)
        out->path = path;
    else
        free(path);
    return rc;
}

void hook_install_result_release(struct hook_install_result *res)
{
    free(res->path);
    free(res->backup);
    res->path = res->backup = NULL;
}

/*
 * `root`/`rel` as one repo-relative name with "." and ".." resolved by name; NULL when
 * it would leave the repository. With `glob`, the root's own glob characters are
 * escaped, so that only the spec's pattern matches as a glob.
 */
static char *repo_name(const char *root, const char *rel, bool glob)
{
    struct buf out = BUF_INIT;
    const char *parts[2] = { root, rel };
    char *result = NULL;

    for (int k = 0; k < 2; k++) {
        const char *p = parts[k];
        while (*p) {
            size_t len = strcspn(p, "/");
            if (len == 2 && p[0] == '.' && p[1] == '.') {
                if (out.len == 0)
                    goto done;
                char *slash = memrchr(out.ptr, '/', out.len);
                out.len = slash ? (size_t)(slash - out.ptr) : 0;
                out.ptr[out.len] = '\0';
            } else if (len > 0 && !(len == 1 && p[0] == '.')) {
                if (out.len)
                    buf_addch(&out, '/');
                for (size_t i = 0; i < len; i++) {
                    if (glob && k == 0 && strchr("*?[\\", p[i]))
                        buf_addch(&out, '\\');
                    buf_addch(&out, p[i]);
                }
            }
            p += len;
            if (*p == '/')
                p++;
        }
    }
    result = buf_detach(&out, NULL);
done:
    buf_release(&out);
    return result;
}

static bool names_file(const char *root, const char *rel, const char *path)
{
    if (!rel)
        return false;
    char *name = repo_name(root, rel, false);
    bool yes = name && !strcmp(name, path);
    free(name);
    return yes;
}

bool hook_spec_covers(const struct spec *spec, const char *root, const char *path)
{
    for (size_t i = 0; i < spec->dataset.n_splits; i++) {
        const struct spec_split *split = &spec->dataset.splits[i];
        for (size_t j = 0; j < split->n_patterns; j++) {
            char *pattern = repo_name(root, split->patterns[j], true);
            bool yes = pattern && fnmatch(pattern, path, FNM_PATHNAME) == 0;
            free(pattern);
            if (yes)
                return true;
        }
    }
    return names_file(root, spec->dataset.card, path) || names_file(root, spec->dataset.version_file, path);
}

/* The spec files (sorted names) in `workdir`/`dir`/specs/; none when there is no such folder.
 * "Is this a spec" is spec_sniff's lenient form: a line starting with "dsci:" is enough
 * (a broken spec still counts, so that the check reports it). */
static int list_specs(const char *workdir, const char *dir, char ***out, size_t *n)
{
    char *specs_dir = *dir ? xasprintf("%s/%s/specs", workdir, dir) : xasprintf("%s/specs", workdir);
    int rc = spec_list(out, n, specs_dir, SPEC_SNIFF_LINES);

    free(specs_dir);
    return rc;
}

/* Every folder above each path ("" for the top), sorted, each once. */
static void parent_dirs(char *const *paths, size_t n, char ***out, size_t *n_out)
{
    char **dirs = NULL;
    size_t count = 0, alloc = 0;

    for (size_t i = 0; i < n; i++) {
        char *dir = xstrdup(paths[i]);
        char *slash;
        while ((slash = strrchr(dir, '/'))) {
            *slash = '\0';
            ALLOC_GROW(dirs, count + 1, alloc);
            dirs[count++] = xstrdup(dir);
        }
        free(dir);
    }
    ALLOC_GROW(dirs, count + 1, alloc);
    dirs[count++] = xstrdup("");
    qsort(dirs, count, sizeof(*dirs), strv_cmp);
    size_t kept = 1;
    for (size_t i = 1; i < count; i++) {
        if (!strcmp(dirs[i], dirs[kept - 1]))
            free(dirs[i]);
        else
            dirs[kept++] = dirs[i];
    }
    *out = dirs;
    *n_out = kept;
}

/* Whether the dataset of the spec at `workdir`/`rel` (root `dir`) has a staged path. */
static bool spec_touched(const char *workdir, const char *dir, const char *rel, char *const *staged, size_t n)
{
    struct spec *spec = NULL;
    bool touched = false;

    if (bsearch(&rel, staged, n, sizeof(*staged), strv_cmp))
        return true;
    char *full = xasprintf("%s/%s", workdir, rel);
    if (spec_load(&spec, full) < 0) {
        /* `dir` is above a staged path: let the check report what is wrong. */
        err_clear();
        touched = true;
    } else {
        for (size_t i = 0; i < n && !touched; i++)
            touched = hook_spec_covers(spec, dir, staged[i]);
    }
    spec_free(spec);
    free(full);
    return touched;
}

int hook_touched_specs(char ***out, size_t *n, const char *workdir, char *const *staged, size_t n_staged)
{
    char **dirs = NULL, **result = NULL;
    size_t n_dirs = 0, count = 0, alloc = 0;
    int rc = 0;

    *out = NULL;
    *n = 0;
    if (n_staged == 0)
        return 0;
    parent_dirs(staged, n_staged, &dirs, &n_dirs);
    for (size_t i = 0; i < n_dirs && rc == 0; i++) {
        char **names = NULL;
        size_t n_names = 0;
        if ((rc = list_specs(workdir, dirs[i], &names, &n_names)) < 0)
            break;
        for (size_t j = 0; j < n_names; j++) {
            char *rel = *dirs[i] ? xasprintf("%s/specs/%s", dirs[i], names[j])
                                 : xasprintf("specs/%s", names[j]);
            if (spec_touched(workdir, dirs[i], rel, staged, n_staged)) {
                ALLOC_GROW(result, count + 1, alloc);
                result[count++] = rel;
            } else {
                free(rel);
            }
        }
        strv_free(names, n_names);
    }
    if (rc < 0) {
        strv_free(result, count);
        goto done;
    }
    if (count > 1)
        qsort(result, count, sizeof(*result), strv_cmp);
    *out = result;
    *n = count;
done:
    strv_free(dirs, n_dirs);
    return rc;
}
