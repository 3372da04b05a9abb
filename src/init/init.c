/*
 * dsci init's names (the splits from the file names, the dataset name, the dataset
 * root a spec would have) and init_run: scan, render, check that the text loads, write.
 * The folder: init.h (the API and the whole flow), init_impl.h (what the files share).
 */
#include "init/init.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/stream_codec.h"
#include "init/init_impl.h"
#include "spec/spec.h"
#include "util/atomic_file.h"
#include "util/err.h"
#include "util/path_boundary.h"
#include "util/strv.h"
#include "util/xalloc.h"

bool init_has_suffix_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcasecmp(s + n - m, suffix);
}

static bool has_suffix_n(const char *s, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && !strncasecmp(s + n - m, suffix, m);
}

size_t init_data_ext_len(const char *name)
{
    size_t n = stream_codec_stem_len(name);   /* train.jsonl.gz is read decompressed */
    size_t packed = strlen(name) - n;
    if (has_suffix_n(name, n, ".jsonl"))
        return packed + 6;
    if (has_suffix_n(name, n, ".json"))
        return packed + 5;
    return 0;
}

bool init_is_json_name(const char *name)
{
    return has_suffix_n(name, stream_codec_stem_len(name), ".json");
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* ---- names: splits and the dataset ----------------------------------------------- */

static const struct {
    const char *word, *split;
} split_words[] = {
    { "train", "train" }, { "training", "train" },
    { "val", "validation" }, { "valid", "validation" }, { "validation", "validation" }, { "dev", "validation" },
    { "test", "test" }, { "testing", "test" }, { "eval", "test" }, { "evaluation", "test" },
};

/* The split named by the last split word in s[0..len), or NULL. */
static const char *words_split(const char *s, size_t len)
{
    const char *found = NULL;
    size_t i = 0;
    while (i < len) {
        while (i < len && !isalnum((unsigned char)s[i]))
            i++;
        size_t start = i;
        while (i < len && isalnum((unsigned char)s[i]))
            i++;
        for (size_t k = 0; k < sizeof(split_words) / sizeof(split_words[0]); k++) {
            size_t wl = strlen(split_words[k].word);
            if (i - start == wl && !strncasecmp(s + start, split_words[k].word, wl))
                found = split_words[k].split;
        }
    }
    return found;
}

/* The file name without .jsonl / .json (and .gz / .zst): its bytes are path[*start .. *end). */
static void stem_of(const char *path, size_t *start, size_t *end)
{
    const char *b = base_name(path);
    size_t n = strlen(b) - init_data_ext_len(b);
    *start = (size_t)(b - path);
    *end = *start + n;
}

const char *init_split_word(const char *path)
{
    size_t start, end;
    stem_of(path, &start, &end);
    const char *split = words_split(path + start, end - start);
    /* then the folders, nearest first */
    size_t dir_end = start;
    while (!split && dir_end > 0) {
        size_t e = dir_end - 1;          /* the '/' before the part already looked at */
        size_t s = e;
        while (s > 0 && path[s - 1] != '/')
            s--;
        split = words_split(path + s, e - s);
        dir_end = s;
    }
    return split;
}

/* Letters, digits, '.', '_', '-' kept, anything else '_'; "split" when empty. */
static char *sanitize_split(const char *s, size_t len)
{
    if (!len)
        return xstrdup("split");
    char *out = xstrndup(s, len);
    for (char *p = out; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
            *p = '_';
    return out;
}

static bool in_list(char **names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && !strcmp(names[i], name))
            return true;
    return false;
}

void init_name_splits(char ***out, char *const *paths, size_t n)
{
    char **names = xcalloc(n ? n : 1, sizeof(*names));
    char **stems = xcalloc(n ? n : 1, sizeof(*stems));
    size_t unknown = 0;

    for (size_t i = 0; i < n; i++) {
        const char *known = init_split_word(paths[i]);
        if (known) {
            names[i] = xstrdup(known);
            continue;
        }
        size_t start, end;
        stem_of(paths[i], &start, &end);
        stems[i] = sanitize_split(paths[i] + start, end - start);
        unknown++;
    }
    if (n == 1 && unknown == 1) {
        names[0] = xstrdup("train");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (!stems[i])
            continue;
        /* Two files with the same stem: the parent folder tells them apart. */
        bool shared = false;
        for (size_t j = 0; j < n && !shared; j++)
            shared = j != i && stems[j] && !strcmp(stems[i], stems[j]);
        char *candidate;
        size_t start, end;
        stem_of(paths[i], &start, &end);
        if (shared && start > 1) {
            size_t e = start - 1, s = e;
            while (s > 0 && paths[i][s - 1] != '/')
                s--;
            char *both = xasprintf("%.*s_%.*s", (int)(e - s), paths[i] + s, (int)(end - start), paths[i] + start);
            candidate = sanitize_split(both, strlen(both));
            free(both);
        } else {
            candidate = xstrdup(stems[i]);
        }
        /* Still taken (by a split word or an earlier file): number it. */
        char *name = xstrdup(candidate);
        for (int k = 2; in_list(names, n, name); k++) {
            free(name);
            name = xasprintf("%s-%d", candidate, k);
        }
        free(candidate);
        names[i] = name;
    }
done:
    strv_free(stems, n);
    *out = names;
}

char *init_sanitize_name(const char *folder)
{
    struct buf b = BUF_INIT;
    bool dash = false;
    for (const char *p = folder; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) || c == '.' || c == '_' || c == '-') {
            if (dash && b.len)
                buf_addch(&b, '-');
            dash = false;
            buf_addch(&b, (char)tolower(c));
        } else {
            dash = true;
        }
    }
    /* no leading or trailing '-' or '.' */
    size_t start = 0, end = b.len;
    while (start < end && (b.ptr[start] == '-' || b.ptr[start] == '.'))
        start++;
    while (end > start && (b.ptr[end - 1] == '-' || b.ptr[end - 1] == '.'))
        end--;
    char *name = end > start ? xstrndup(b.ptr + start, end - start) : xstrdup("dataset");
    buf_release(&b);
    return name;
}

bool init_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 100 || name[0] == '.' || name[0] == '-')
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
            return false;
    return true;
}

char *init_spec_root(const char *path)
{
    return spec_root_of(path);   /* the one rule spec_load applies */
}

/* ---- writing ------------------------------------------------------------------------- */

static int output_free(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0)
        return err_set(DSCI_EUSAGE, "%s already exists; dsci init never overwrites \xe2\x80\x94 edit it, "
                       "or remove it first", path);
    if (errno != ENOENT && errno != ENOTDIR)
        return err_set(DSCI_EENV, "%s: cannot check whether it exists: %s", path, strerror(errno));
    return 0;
}

/* mkdir -p of the folder that will hold `path`. */
static int make_parents(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (!slash || slash == dir) {
        free(dir);
        return 0;
    }
    *slash = '\0';
    for (char *p = dir + 1; rc == 0; p++) {
        bool end = *p == '\0';
        if (*p != '/' && !end)
            continue;
        *p = '\0';
        struct stat st;
        if (mkdir(dir, 0777) != 0 && errno != EEXIST)
            rc = err_set(DSCI_EENV, "%s: cannot create the folder: %s", dir, strerror(errno));
        else if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            rc = err_set(DSCI_EENV, "%s: cannot create the folder: a file is in the way", dir);
        if (end)
            break;
        *p = '/';
    }
    free(dir);
    return rc;
}

/* The spec lands inside its dataset root, followed through symbolic links (a committed
 * `specs -> /elsewhere` must not make init write there), and never in a git directory. */
static int target_inside_root(const char *path)
{
    char *root = init_spec_root(path), *real_root = realpath(root, NULL), *real = NULL;
    int rc = 0, r;
    if (!real_root)
        rc = err_set(path_error_code(errno), "%s: %s", root, strerror(errno));
    else if ((r = path_resolve(path, &real)) == PATH_DANGLING)
        rc = err_set(DSCI_EUSAGE, "%s: a symbolic link on the way leads nowhere; dsci init does not write through it",
                     path);
    else if (r < 0)
        rc = 0;   /* a file in the way and the like: make_parents says what */
    else if (!path_inside(real_root, real))
        rc = err_set(DSCI_EUSAGE, "%s leads outside its dataset root (%s) through a symbolic link; dsci init "
                     "writes only inside it", path, root);
    else if (path_has_git_component(real + strlen(real_root)))
        rc = err_set(DSCI_EUSAGE, "%s leads into the git directory; dsci never writes there", path);
    free(real);
    free(real_root);
    free(root);
    return rc;
}

int init_write_spec(const char *path, const char *text, size_t len)
{
    int rc;
    if ((rc = output_free(path)) < 0 || (rc = target_inside_root(path)) < 0 || (rc = make_parents(path)) < 0)
        return rc;
    return atomic_write_file(path, text, len, 0644);
}

char *init_default_name(const char *root)
{
    char *real = realpath(root, NULL);
    char *name = init_sanitize_name(real ? base_name(real) : root);
    free(real);
    return name;
}

int init_run(struct init_scan *out, const struct init_options *o)
{
    struct buf text = BUF_INIT;
    struct spec *spec = NULL;
    char *root = init_spec_root(o->output);
    int rc;

    if ((rc = output_free(o->output)) < 0 || (rc = init_scan_run(out, root)) < 0)
        goto done;
    init_render(&text, out, o->name);
    if (spec_load_buffer(&spec, o->output, text.ptr, text.len) < 0) {
        char *why = xstrdup(err_last());
        rc = err_set(DSCI_EINTERNAL, "the starter spec does not load (a bug in dsci init): %s", why);
        free(why);
        goto done;
    }
    rc = init_write_spec(o->output, text.ptr, text.len);
done:
    spec_free(spec);
    buf_release(&text);
    free(root);
    return rc;
}
