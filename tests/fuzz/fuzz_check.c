/*
 * libFuzzer target: the record reader, every gate and every reporter, as `dsci check`
 * runs them, with a fixed spec and the fuzz input as the dataset's files.
 *
 * The input is split at each "\n%%\n" into up to five files, served from memory:
 *   data/train.jsonl  data/val.json  data/test.jsonl  data/version.json  data/README.md
 * (a missing part is an empty file), so one input can carry a JSON Lines split, a JSON
 * array split, a version file and a card. The input's length modulo 7 picks the spec's
 * format: auto, sharegpt, openai, alpaca, preference, completion or text. The engine runs on one thread so a crash
 * reproduces; every reporter writes the result to /dev/null.
 *
 *   build-fuzz/tests/fuzz/fuzz_check -max_total_time=60 tests/fuzz/corpus/check
 *
 * Nothing here may print or exit: the library (spec, source, reader, gates, result,
 * reporters) is driven without argv, as src/cmd/check.c drives it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "run/engine.h"
#include "report/report.h"
#include "run/result.h"
#include "data/source_backend.h"
#include "spec/spec.h"
#include "util/err.h"
#include "util/jobs.h"
#include "util/xalloc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char spec_yaml[] =
    "dsci: 1\n"
    "dataset:\n"
    "  name: fuzz\n"
    "  format: %s\n"
    "  files:\n"
    "    train: data/train.jsonl\n"
    "    validation: data/val.json\n"
    "    test: data/test.jsonl\n"
    "  card: data/README.md\n"
    "  version_file: data/version.json\n"
    "gates:\n"
    "  format: {level: block}\n"
    "  coverage:\n"
    "    level: block\n"
    "    categories:\n"
    "      - {name: Create, min: 1, keywords: [create, new task]}\n"
    "      - {name: Delete, min: 1, keywords: [delete, remove]}\n"
    "  quality:\n"
    "    level: warn\n"
    "    human_length: {target: [30, 80], acceptable: [20, 100]}\n"
    "    assistant_length: {target: [80, 200], acceptable: [50, 300]}\n"
    "    unique_messages: {target: 95%%, acceptable: 90%%}\n"
    "    turn_variance: {target: 2.0, acceptable: 3.0}\n"
    "  duplicates: {exact: block, near: warn, threshold: 0.8, shingle: 3, permutations: 16}\n"
    "  leakage: {level: block, near_threshold: 0.9}\n"
    "  preference: {level: block, near: warn, near_threshold: 0.9, length_bias: [0.4, 0.6]}\n"
    "  pii:\n"
    "    level: block\n"
    "    detect: [email, phone, credit_card, ipv4, api_key]\n"
    "    allow: [example.com, '/^support@[a-z]+\\.test$/']\n"
    "  reproducibility:\n"
    "    level: warn\n"
    "    require: [version, checksums, random_seed, model, card]\n"
    "  splits:\n"
    "    level: block\n"
    "    train: {ratio: 0.8, min: 1}\n"
    "    validation: {ratio: 0.1, min: 1}\n"
    "    test: {ratio: 0.1, min: 1}\n";

#define N_PARTS 5
static const char *const part_names[N_PARTS] = {
    "data/train.jsonl", "data/val.json", "data/test.jsonl", "data/version.json", "data/README.md",
};

/* The in-memory files of one run; borrowed from the fuzz input. */
struct mem_files {
    const char *ptr[N_PARTS];
    size_t len[N_PARTS];
};

static int part_index(const char *path)
{
    for (int i = 0; i < N_PARTS; i++)
        if (!strcmp(path, part_names[i]))
            return i;
    return -1;
}

struct mem_stream {
    const char *ptr;
    size_t left;
};

/* Hands out at most 4093 bytes a call, so records straddle read boundaries. */
static ssize_t mem_read(void *ctx, char *buf, size_t cap)
{
    struct mem_stream *m = ctx;
    size_t n = m->left < cap ? m->left : cap;
    if (n > 4093)
        n = 4093;
    memcpy(buf, m->ptr, n);
    m->ptr += n;
    m->left -= n;
    return (ssize_t)n;
}

static void mem_close(void *ctx)
{
    free(ctx);
}

static int mem_expand_glob(struct source *src, const char *pattern, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    return 0;
}

static int mem_open_stream(struct source *src, const char *path, struct byte_stream *out)
{
    const struct mem_files *f = src->impl;
    int i = part_index(path);
    if (i < 0)
        return err_set(DSCI_EUSAGE, "%s: no such file", path);
    struct mem_stream *m = xmalloc(sizeof(*m));
    m->ptr = f->ptr[i];
    m->left = f->len[i];
    out->read = mem_read;
    out->close = mem_close;
    out->ctx = m;
    return 0;
}

static int mem_read_file(struct source *src, const char *path, char **out, size_t *len)
{
    const struct mem_files *f = src->impl;
    int i = part_index(path);
    if (i < 0)
        return err_set(DSCI_EUSAGE, "%s: no such file", path);
    /* an exact-size copy, so a read past the end is an ASan report */
    *out = xmalloc(f->len[i] + 1);
    memcpy(*out, f->ptr[i], f->len[i]);
    (*out)[f->len[i]] = '\0';
    *len = f->len[i];
    return 0;
}

/* 1 a file, 0 nothing there (the ops table's contract) */
static int mem_exists(struct source *src, const char *path)
{
    return part_index(path) >= 0;
}

static char *mem_display_path(const struct source *src, const char *path)
{
    return xstrdup(path);
}

static void mem_release(struct source *src)
{
}

static const struct source_ops mem_ops = {
    .expand_glob = mem_expand_glob,
    .open_stream = mem_open_stream,
    .read_file = mem_read_file,
    .exists = mem_exists,
    .display_path = mem_display_path,
    .release = mem_release,
};

/* One spec per dataset format; the input's length picks one, so every format's
 * validation sees every input shape. */
static const char *const formats[] = { "auto", "sharegpt", "openai", "alpaca", "preference", "completion", "text" };
#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))
static struct spec *specs[N_FORMATS];
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    jobs_set(1);
    /* The engine reserves large zero-filled regions per run; with transparent huge
     * pages each first touch clears 2 MiB, which would cost most of the fuzzing time. */
    prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
    setenv("SOURCE_DATE_EPOCH", "1735743600", 1);
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
    for (size_t i = 0; i < N_FORMATS; i++) {
        char *text = xasprintf(spec_yaml, formats[i]);
        if (spec_load_buffer(&specs[i], "specs/fuzz.yaml", text, strlen(text)) < 0) {
            fprintf(stderr, "fuzz_check: cannot load the %s spec: %s\n", formats[i], err_last());
            abort();
        }
        free(text);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n%%\n";
    struct mem_files files;
    memset(&files, 0, sizeof(files));
    const char *p = (const char *)data, *end = p + size;

    for (int i = 0; i < N_PARTS; i++) {
        files.ptr[i] = p;
        const char *next = i < N_PARTS - 1 && p < end ? memmem(p, (size_t)(end - p), sep, 4) : NULL;
        files.len[i] = next ? (size_t)(next - p) : (size_t)(end - p);
        p = next ? next + 4 : end;
    }

    struct source *src = xcalloc(1, sizeof(*src));
    src->ops = &mem_ops;
    src->root = xstrdup(".");
    src->description = xstrdup("fuzz");
    src->impl = &files;

    const struct spec *spec = specs[size % N_FORMATS];
    struct result r;
    result_init(&r);
    struct engine_options eo = { .hash_files = true };
    if (engine_check(&r, spec, src, &eo) == 0) {
        struct report_options ro = { .max_examples = 5, .spec = spec, .max_bytes = 64 * 1024 };
        const struct reporter *rep;
        for (size_t i = 0; (rep = report_at(i)); i++) {
            ro.quiet = i % 2;
            rep->write(devnull, &r, &ro);
        }
    }
    result_release(&r);
    source_free(src);
    return 0;
}
