/*
 * data/source: the work tree, the index and a revision read through the public API, on
 * a real repository the test builds. The file data/a.jsonl differs in all three places
 * (HEAD "A1", index "A2", work tree "A3"), so each read shows where it came from.
 *
 *   <tmp>/outside.txt                  outside the repository
 *   <tmp>/repo/data/a.jsonl b.jsonl notes.txt sub/c.jsonl
 *   <tmp>/repo/data/in.jsonl  -> a.jsonl              (a link inside)
 *   <tmp>/repo/data/out.jsonl -> ../../outside.txt    (a link leaving the repository)
 *   <tmp>/repo/data/new.jsonl                          staged, not committed
 */
#include "test_git_fixture.h"

#include "data/repo.h"
#include "data/source.h"
#include "util/buf.h"
#include "util/err.h"

struct fixture {
    char *base, *top, *cwd;
    struct repo *repo;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    f->cwd = getcwd(NULL, 0);
    f->base = fixture_new("source");
    fixture_write(f->base, "outside.txt", "OUT\n");
    f->top = fixture_repo(f->base, "repo");
    fixture_write(f->top, "data/a.jsonl", "A1\n");
    fixture_write(f->top, "data/b.jsonl", "B\n");
    fixture_write(f->top, "data/notes.txt", "notes\n");
    fixture_write(f->top, "data/sub/c.jsonl", "C\n");
    fixture_symlink(f->top, "data/in.jsonl", "a.jsonl");
    fixture_symlink(f->top, "data/out.jsonl", "../../outside.txt");
    fixture_git(f->top, "add -A && git commit -qm one");
    fixture_write(f->top, "data/a.jsonl", "A2\n");
    fixture_write(f->top, "data/new.jsonl", "N\n");
    fixture_git(f->top, "add -A");
    fixture_write(f->top, "data/a.jsonl", "A3\n");
    assert_int_equal(chdir(f->top), 0);
    assert_int_equal(repo_open(&f->repo, "."), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    repo_free(f->repo);
    assert_int_equal(chdir(f->cwd), 0);
    free(f->cwd);
    free(f->top);
    fixture_remove(f->base);
    free(f);
    return 0;
}

enum place { WORKTREE, INDEX, HEAD };

static struct source *open_at(const struct fixture *f, enum place place, const char *root)
{
    struct source *src = NULL;
    int rc = place == WORKTREE ? source_open_worktree(&src, root)
           : place == INDEX    ? source_open_index(&src, f->repo, root)
                               : source_open_rev(&src, f->repo, "HEAD", root);
    if (rc != 0)
        fprintf(stderr, "open: %s\n", err_last());
    assert_int_equal(rc, 0);
    return src;
}

/* The whole file, or NULL with the error code in *rc. */
static char *read_all(struct source *src, const char *path, int *rc)
{
    char *data = NULL;
    size_t len = 0;
    *rc = source_read_file(src, path, &data, &len);
    if (*rc < 0)
        return NULL;
    assert_int_equal(strlen(data), len);
    return data;
}

static void expect_content(struct source *src, const char *path, const char *want)
{
    int rc;
    char *got = read_all(src, path, &rc);
    if (!got)
        fprintf(stderr, "%s: %s\n", path, err_last());
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void expect_refused(struct source *src, const char *path, int code)
{
    int rc;
    char *got = read_all(src, path, &rc);
    assert_null(got);
    assert_int_equal(rc, code);
}

static void test_source__each_place_reads_its_own_version(void **state)
{
    struct fixture *f = *state;
    static const struct {
        enum place place;
        const char *a, *describe;
    } cases[] = {
        { WORKTREE, "A3\n", "worktree" },
        { INDEX, "A2\n", "index" },
        { HEAD, "A1\n", "HEAD (" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct source *src = open_at(f, cases[i].place, "");
        expect_content(src, "data/a.jsonl", cases[i].a);
        expect_content(src, "data/b.jsonl", "B\n");
        expect_content(src, "data/../data/sub/c.jsonl", "C\n");
        assert_memory_equal(source_describe(src), cases[i].describe, strlen(cases[i].describe));
        source_free(src);
    }
}

static void test_source__exists(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *path;
        int worktree, index, head;   /* 1 a file, 0 nothing, -1 an error */
    } cases[] = {
        { "data/b.jsonl", 1, 1, 1 },
        { "data/new.jsonl", 1, 1, 0 },
        { "data/none.jsonl", 0, 0, 0 },
        { "data/in.jsonl", 1, 1, 1 },
        { "data/sub", -1, 0, 0 },
        { "/etc/passwd", -1, -1, -1 },
    };
    struct source *srcs[] = { open_at(f, WORKTREE, ""), open_at(f, INDEX, ""), open_at(f, HEAD, "") };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        int want[] = { cases[i].worktree, cases[i].index, cases[i].head };
        for (size_t s = 0; s < 3; s++) {
            int got = source_exists(srcs[s], cases[i].path);
            if ((got < 0 ? -1 : got) != want[s])
                fprintf(stderr, "exists(%s) in %s: %d\n", cases[i].path, source_describe(srcs[s]), got);
            assert_int_equal(got < 0 ? -1 : got, want[s]);
            err_clear();
        }
    }
    for (size_t s = 0; s < 3; s++)
        source_free(srcs[s]);
}

static void expect_glob(struct source *src, const char *pattern, const char *const *want, size_t n_want)
{
    char **paths = NULL;
    size_t n = 0;
    int rc = source_expand(src, pattern, &paths, &n);
    if (rc != 0)
        fprintf(stderr, "%s: %s\n", pattern, err_last());
    assert_int_equal(rc, 0);
    fixture_expect_names(paths, n, want, n_want);
}

static void test_source__glob_is_sorted_and_root_relative(void **state)
{
    struct fixture *f = *state;
    static const char *const ab[] = { "data/a.jsonl", "data/b.jsonl" };
    static const char *const sub[] = { "data/sub/c.jsonl" };
    static const char *const from_data[] = { "a.jsonl", "b.jsonl" };
    static const char *const plain[] = { "data/none.jsonl" };
    for (enum place p = WORKTREE; p <= HEAD; p++) {
        struct source *src = open_at(f, p, "");
        expect_glob(src, "data/[ba].jsonl", ab, 2);
        expect_glob(src, "./data/sub/*.jsonl", sub, 1);
        expect_glob(src, "data/*.parquet", NULL, 0);
        /* a plain name is handed back as it is: opening it reports it missing */
        expect_glob(src, "data/./none.jsonl", plain, 1);
        source_free(src);
        src = open_at(f, p, "data");
        expect_glob(src, "[ab].jsonl", from_data, 2);
        source_free(src);
    }
}

static void test_source__glob_matching_a_link_outside_is_refused(void **state)
{
    struct fixture *f = *state;
    struct source *src = open_at(f, WORKTREE, "");
    char **paths = NULL;
    size_t n = 0;
    assert_int_equal(source_expand(src, "data/o*.jsonl", &paths, &n), DSCI_EUSAGE);
    assert_non_null(strstr(err_last(), "'data/o*.jsonl' matches files outside the repository"));
    /* the message never names the file the link leads to */
    assert_null(strstr(err_last(), "outside.txt"));
    assert_int_equal(n, 0);
    source_free(src);
}

static void test_source__symlinks_inside_are_followed_outside_refused(void **state)
{
    struct fixture *f = *state;
    static const char *const a[] = { "A3\n", "A2\n", "A1\n" };
    for (enum place p = WORKTREE; p <= HEAD; p++) {
        struct source *src = open_at(f, p, "");
        /* the index and HEAD follow the link to the blob of the same place */
        expect_content(src, "data/in.jsonl", a[p]);
        expect_refused(src, "data/out.jsonl", DSCI_EUSAGE);
        expect_refused(src, "../outside.txt", DSCI_EUSAGE);
        expect_refused(src, "data/../../outside.txt", DSCI_EUSAGE);
        expect_refused(src, "/etc/hostname", DSCI_EUSAGE);
        assert_non_null(strstr(err_last(), "absolute paths are not allowed"));
        expect_refused(src, "data/none.jsonl", DSCI_EUSAGE);
        source_free(src);
    }
}

static void test_source__dataset_root_and_display_path(void **state)
{
    struct fixture *f = *state;
    for (enum place p = WORKTREE; p <= HEAD; p++) {
        struct source *src = open_at(f, p, "data");
        expect_content(src, "b.jsonl", "B\n");
        expect_content(src, "sub/../b.jsonl", "B\n");
        char *shown = source_display_path(src, "sub/c.jsonl");
        assert_string_equal(shown, "data/sub/c.jsonl");
        free(shown);
        /* the root may change once the spec is known */
        source_set_root(src, "data/sub");
        expect_content(src, "c.jsonl", "C\n");
        source_set_root(src, "");
        expect_content(src, "data/b.jsonl", "B\n");
        source_free(src);
    }
}

static void test_source__stream_reads_to_the_end(void **state)
{
    struct fixture *f = *state;
    static const char *const a[] = { "A3\n", "A2\n", "A1\n" };
    for (enum place p = WORKTREE; p <= HEAD; p++) {
        struct source *src = open_at(f, p, "");
        struct byte_stream s;
        assert_int_equal(source_open_stream(src, "data/a.jsonl", &s), 0);
        char buf[64];
        size_t len = 0;
        ssize_t got;
        while ((got = s.read(s.ctx, buf + len, 1)) > 0)   /* a byte at a time: no short-read surprises */
            len += (size_t)got;
        assert_int_equal(got, 0);
        s.close(s.ctx);
        assert_int_equal(len, 3);
        assert_memory_equal(buf, a[p], 3);
        assert_int_equal(source_open_stream(src, "data/none.jsonl", &s), DSCI_EUSAGE);
        source_free(src);
    }
}

static void test_source__unknown_revision_is_a_usage_error(void **state)
{
    struct fixture *f = *state;
    struct source *src = NULL;
    assert_int_equal(source_open_rev(&src, f->repo, "no-such-tag", ""), DSCI_EUSAGE);
    assert_null(src);
    assert_non_null(strstr(err_last(), "unknown revision 'no-such-tag'"));
}

/* The lines of the big file: version 1 or 2 (one line changed, some appended). */
static char *big_text(int version)
{
    struct buf b = BUF_INIT;
    for (int i = 0; i < 4000; i++)
        buf_printf(&b, "{\"i\": %d, \"text\": \"%s line of the training data\"}\n", i,
                   version == 2 && i == 2000 ? "a changed" : "a");
    for (int i = 0; version == 2 && i < 50; i++)
        buf_printf(&b, "{\"i\": %d, \"text\": \"appended\"}\n", 4000 + i);
    return buf_detach(&b, NULL);
}

static char *stream_all(struct source *src, const char *path)
{
    struct byte_stream s;
    struct buf b = BUF_INIT;
    char chunk[1000];   /* smaller than a pack cursor's buffers: reads end mid-buffer */
    ssize_t got;
    assert_int_equal(source_open_stream(src, path, &s), 0);
    while ((got = s.read(s.ctx, chunk, sizeof(chunk))) > 0)
        buf_add(&b, chunk, (size_t)got);
    if (got < 0)
        fprintf(stderr, "%s: %s\n", path, err_last());
    assert_int_equal(got, 0);
    s.close(s.ctx);
    return buf_detach(&b, NULL);
}

/* Packed objects (whole and as deltas over their previous version) read the same as
 * loose ones; a damaged loose object is an error naming it, never a short read. */
static void test_source__packed_deltas_and_damaged_objects(void **state)
{
    struct fixture *f = *state;
    char *v1 = big_text(1), *v2 = big_text(2);
    char *top = fixture_repo(f->base, "packed");
    fixture_write(top, "data/big.jsonl", v1);
    fixture_git(top, "add -A && git commit -qm one");
    fixture_write(top, "data/big.jsonl", v2);
    fixture_git(top, "add -A && git commit -qm two && git repack -adfq --depth=10 --window=10 && git prune-packed");
    /* nothing loose is left: every read below goes through the pack */
    char *probe = xasprintf("test -z \"$(find '%s/.git/objects' -path '*/objects/[0-9a-f][0-9a-f]/*' -type f)\"", top);
    assert_int_equal(system(probe), 0);
    free(probe);

    struct repo *repo = NULL;
    assert_int_equal(repo_open(&repo, top), 0);
    static const char *const revs[] = { "HEAD", "HEAD~1" };
    for (size_t i = 0; i < 2; i++) {
        struct source *src = NULL;
        assert_int_equal(source_open_rev(&src, repo, revs[i], ""), 0);
        char *got = stream_all(src, "data/big.jsonl");
        assert_string_equal(got, i == 0 ? v2 : v1);
        free(got);
        source_free(src);
    }
    repo_free(repo);

    /* a loose blob cut short */
    fixture_write(top, "data/small.jsonl", "{\"i\": 1}\n");
    fixture_git(top, "add data/small.jsonl");
    char *cut = xasprintf("cd '%s' && o=.git/objects/$(git rev-parse :data/small.jsonl | sed 's#^..#&/#') && "
                          "chmod u+w $o && head -c 12 $o > $o.tmp && mv $o.tmp $o", top);
    assert_int_equal(system(cut), 0);
    free(cut);
    assert_int_equal(repo_open(&repo, top), 0);
    struct source *src = NULL;
    assert_int_equal(source_open_index(&src, repo, ""), 0);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(source_read_file(src, "data/small.jsonl", &data, &len), DSCI_EENV);
    assert_non_null(strstr(err_last(), "data/small.jsonl: git object "));
    assert_non_null(strstr(err_last(), "is damaged"));
    source_free(src);
    repo_free(repo);
    free(v1);
    free(v2);
    free(top);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source__each_place_reads_its_own_version),
        cmocka_unit_test(test_source__exists),
        cmocka_unit_test(test_source__glob_is_sorted_and_root_relative),
        cmocka_unit_test(test_source__glob_matching_a_link_outside_is_refused),
        cmocka_unit_test(test_source__symlinks_inside_are_followed_outside_refused),
        cmocka_unit_test(test_source__dataset_root_and_display_path),
        cmocka_unit_test(test_source__stream_reads_to_the_end),
        cmocka_unit_test(test_source__unknown_revision_is_a_usage_error),
        cmocka_unit_test(test_source__packed_deltas_and_damaged_objects),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
