/*
 * Where specs are and what they govern: "is this file a spec?" (one answer for spec
 * discovery and the pre-commit hook), the spec folder's listing, the default spec, and
 * the dataset root derived from a spec's path.
 */
#include "spec/spec_impl.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/strv.h"
#include "util/err.h"
#include "util/xalloc.h"

/* A line of `text` starting with "dsci:": how a spec that does not parse is recognised. */
static bool has_dsci_line(const char *text)
{
    for (const char *p = text; p; p = strchr(p, '\n')) {
        if (*p == '\n')
            p++;
        if (!strncmp(p, "dsci:", 5))
            return true;
    }
    return false;
}

int spec_sniff(const char *path, enum spec_sniff how)
{
    struct buf data = BUF_INIT;
    struct ynode *root = NULL;
    int yes = 0;
    int r = spec_read_capped(&data, path, SPEC_MAX_BYTES);

    if (r < 0) {
        if (r != DSCI_EUSAGE && how == SPEC_SNIFF_PARSE)
            yes = r;
        else
            err_clear();
        goto done;
    }
    if (how == SPEC_SNIFF_LINES) {
        yes = r == 0 && has_dsci_line(buf_cstr(&data));
        goto done;
    }
    if (r == 0 && yaml_tree_parse(&root, path, buf_cstr(&data), data.len) == 0) {
        yes = root && root->kind == Y_MAP && map_get(root, "dsci");
        goto done;
    }
    yes = has_dsci_line(buf_cstr(&data));   /* too large or broken: spec_load will say why */
done:
    ynode_free(root);
    buf_release(&data);
    return yes;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && !strcmp(s + n - m, suffix);
}

int spec_list(char ***out, size_t *n_out, const char *specs_dir, enum spec_sniff how)
{
    char **names = NULL;
    size_t n = 0, alloc = 0;
    struct dirent *de;
    DIR *d;
    int r = 0;

    *out = NULL;
    *n_out = 0;
    if (!(d = opendir(specs_dir))) {
        if (errno != ENOENT && errno != ENOTDIR)
            return err_set(DSCI_EENV, "%s: cannot read: %s", specs_dir, strerror(errno));
        return 0;
    }
    while ((de = readdir(d))) {
        struct stat st;
        char *full;

        if (de->d_name[0] == '.' ||
            (!has_suffix(de->d_name, ".yaml") && !has_suffix(de->d_name, ".yml")))
            continue;
        full = xasprintf("%s/%s", specs_dir, de->d_name);
        int yes = stat(full, &st) == 0 && S_ISREG(st.st_mode) ? spec_sniff(full, how) : 0;
        free(full);
        if (yes < 0) {
            r = yes;
            strv_free(names, n);
            goto done;
        }
        if (yes) {
            ALLOC_GROW(names, n + 1, alloc);
            names[n++] = xstrdup(de->d_name);
        }
    }
    if (n)
        qsort(names, n, sizeof(*names), strv_cmp);
    *out = names;
    *n_out = n;
done:
    closedir(d);
    return r;
}

int spec_find(char **out, const char *dir)
{
    bool here = !*dir || !strcmp(dir, ".");
    size_t dlen = strlen(dir);
    const char *sep = dlen && dir[dlen - 1] == '/' ? "" : "/";
    char *specs_dir = here ? xstrdup("specs") : xasprintf("%s%sspecs", dir, sep);
    char *shown_dir = here ? xstrdup("specs/") : xasprintf("%s%sspecs/", dir, sep);
    char **names = NULL;
    size_t n = 0;
    int r;

    *out = NULL;
    if ((r = spec_list(&names, &n, specs_dir, SPEC_SNIFF_PARSE)) < 0)
        goto done;
    if (n == 0) {
        r = err_set(DSCI_EUSAGE, "no spec found: put a spec with a 'dsci:' key in %s, or pass "
                    "--spec PATH", shown_dir);
        goto done;
    }
    if (n > 1) {
        struct buf list = BUF_INIT;
        for (size_t i = 0; i < n; i++)
            buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
        r = err_set(DSCI_EUSAGE, "several specs in %s: %s; choose one with --spec", shown_dir,
                    buf_cstr(&list));
        buf_release(&list);
        goto done;
    }
    *out = xasprintf("%s%s", shown_dir, names[0]);
done:
    strv_free(names, n);
    free(specs_dir);
    free(shown_dir);
    return r;
}

/* ------------------------------------------------------------------------------ */
/* The dataset root                                                                */

/* The length of the folder part of path[0..len), lexically: "a/b/c" -> "a/b", "/c" -> "/",
 * and 0 for "c" (the current folder). */
static size_t dir_len(const char *path, size_t len)
{
    while (len > 1 && path[len - 1] == '/')
        len--;
    while (len > 0 && path[len - 1] != '/')
        len--;
    while (len > 1 && path[len - 1] == '/')
        len--;
    return len;
}

size_t spec_root_len(const char *path)
{
    size_t dir = dir_len(path, strlen(path)), name = dir;

    while (name > 0 && path[name - 1] != '/')
        name--;
    if (dir - name == 5 && !strncmp(path + name, "specs", 5))
        return dir_len(path, dir);
    return dir;
}

char *spec_root_of(const char *path)
{
    size_t len = spec_root_len(path);
    return len ? xstrndup(path, len) : xstrdup(".");
}

const char *spec_path_in_root(const char *path)
{
    const char *rest = path + spec_root_len(path);

    while (*rest == '/')
        rest++;
    return rest;
}
