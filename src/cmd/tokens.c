/*
 * dsci tokens: how many tokens a model's tokenizer makes of each example, for a quick
 * look before a token gate is set (or to compare with another implementation, one
 * example per line with --per-example).
 */
#include "cmd/cmd.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokens/count_file.h"
#include "tokens/tokenizer.h"
#include "util/err.h"
#include "util/jobs.h"
#include "util/xalloc.h"

struct tokens_opts {
    struct global_opts g;
    const char *tokenizer, *encoding;
    bool per_example, lines, ids;
    char **files;
    size_t n_files;
};

void cmd_tokens_help(void)
{
    fputs("usage: dsci tokens --tokenizer PATH [--encoding NAME] [--per-example] FILE...\n"
          "\n"
          "Counts the tokens of each example of each file (JSONL or a JSON array, in\n"
          "ShareGPT, OpenAI chat or Alpaca form, read as `dsci check` reads them): the sum\n"
          "of its messages' texts, each encoded on its own as ordinary text (no chat\n"
          "template; a special token's string counts as text). Prints per file the examples,\n"
          "and the tokens' total, mean, p50, p95 and max.\n"
          "\n"
          "  --tokenizer PATH    a .tiktoken rank file (cl100k_base, o200k_base, p50k_base,\n"
          "                      r50k_base) or a Hugging Face tokenizer.json (byte-level BPE)\n"
          "  --encoding NAME     the .tiktoken file's encoding (default: from its name or size)\n"
          "  --per-example       print PATH:LINE<TAB>TOKENS for each example instead\n"
          "  --lines             each line of FILE is one text (raw bytes, no JSON)\n"
          "  --ids               with --lines: print PATH:LINE<TAB>ID ID ... instead\n"
          "  -j, --jobs N        threads (default: the CPUs)\n"
          "\n"
          "See docs/tokens.md. exit: 0 counted, 2 usage error or a tokenizer dsci cannot\n"
          "      load, 3 I/O error\n",
          stdout);
}

enum { O_TOKENIZER = 1, O_ENCODING, O_PER_EXAMPLE, O_LINES, O_IDS };

static const struct cli_option options[] = {
    { "--tokenizer", NULL, CLI_VALUE, O_TOKENIZER, "a path", CLI_FIELD(struct tokens_opts, tokenizer) },
    { "--encoding", NULL, CLI_VALUE, O_ENCODING, "a name", CLI_FIELD(struct tokens_opts, encoding) },
    { "--per-example", NULL, CLI_FLAG, O_PER_EXAMPLE, NULL, CLI_FIELD(struct tokens_opts, per_example) },
    { "--lines", NULL, CLI_FLAG, O_LINES, NULL, CLI_FIELD(struct tokens_opts, lines) },
    { "--ids", NULL, CLI_FLAG, O_IDS, NULL, CLI_FIELD(struct tokens_opts, ids) },
};

static int on_option(void *ctx, const struct cli *c, int id)
{
    struct tokens_opts *o = ctx;
    o->files = xreallocarray(o->files, o->n_files + 1, sizeof *o->files);
    o->files[o->n_files++] = (char *)c->value;
    return 0;
}

struct file_stats {
    const struct tokens_opts *o;
    const struct tokenizer *t;
    const char *path;
    uint64_t *counts;
    size_t n, alloc;
    uint64_t unreadable;
    uint32_t *ids;
    size_t ids_cap;
};

static int on_example(void *ctx, const struct tokens_example *ex)
{
    struct file_stats *f = ctx;
    if (!ex->counted) {
        f->unreadable++;
        return 0;
    }
    if (f->o->per_example)
        printf("%s:%zu\t%" PRIu64 "\n", f->path, ex->line, ex->tokens);
    else
        *ALLOC_APPEND(f->counts, f->n, f->alloc) = ex->tokens;
    return 0;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest count with at least p% of the examples at or below it. */
static uint64_t percentile(const uint64_t *sorted, size_t n, unsigned p)
{
    size_t rank = (n * p + 99) / 100;
    return sorted[rank ? rank - 1 : 0];
}

static void print_stats(struct file_stats *f)
{
    uint64_t total = 0;
    for (size_t i = 0; i < f->n; i++)
        total += f->counts[i];
    qsort(f->counts, f->n, sizeof *f->counts, compare_u64);
    if (f->n)
        out_line("%s: %zu examples, %" PRIu64 " tokens (mean %.1f, p50 %" PRIu64 ", p95 %" PRIu64
                 ", max %" PRIu64 ")", f->path, f->n, total, (double)total / (double)f->n,
                 percentile(f->counts, f->n, 50), percentile(f->counts, f->n, 95), f->counts[f->n - 1]);
    else
        out_line("%s: 0 examples", f->path);
    if (f->unreadable)
        out_line("%s: %" PRIu64 " records not readable, not counted (see `dsci check`)", f->path,
                 f->unreadable);
}

/* --lines --ids: each line's ids. */
static int print_line_ids(const struct tokenizer *t, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return err_set(DSCI_EUSAGE, "%s: no such file", path);
    struct tokenizer_scratch *s = tokenizer_scratch_new(t);
    char *line = NULL;
    size_t cap = 0, at = 0, ids_cap = 0;
    uint32_t *ids = NULL;
    ssize_t n;
    while ((n = getline(&line, &cap, fp)) >= 0) {
        size_t len = (size_t)n;
        if (len && line[len - 1] == '\n')
            len--;
        size_t k = tokenizer_encode(t, s, line, len, ids, ids_cap);
        if (k > ids_cap) {
            ids_cap = k;
            ids = xreallocarray(ids, ids_cap, sizeof *ids);
            tokenizer_encode(t, s, line, len, ids, ids_cap);
        }
        printf("%s:%zu\t", path, ++at);
        for (size_t i = 0; i < k; i++)
            printf(i ? " %u" : "%u", ids[i]);
        putchar('\n');
    }
    free(ids);
    free(line);
    fclose(fp);
    tokenizer_scratch_free(s);
    return 0;
}

int cmd_tokens(int argc, char **argv)
{
    struct tokens_opts o = { 0 };
    struct tokenizer *t = NULL;
    int exit_code, rc = 0;

    struct cli c = CLI_INIT("tokens", options, &o.g, argc, argv);
    if ((exit_code = cli_parse(&c, on_option, &o)) != 0)
        goto done;
    if (!o.tokenizer) {
        exit_code = usage_error("tokens needs --tokenizer PATH (a .tiktoken or tokenizer.json file)");
        goto done;
    }
    if (!o.n_files) {
        exit_code = usage_error("tokens needs at least one FILE");
        goto done;
    }
    if (o.ids && !o.lines) {
        exit_code = usage_error("--ids goes with --lines");
        goto done;
    }
    if ((rc = tokenizer_load_path(&t, o.tokenizer, o.encoding)) < 0) {
        exit_code = report_error(rc);
        goto done;
    }
    for (size_t i = 0; i < o.n_files && rc >= 0; i++) {
        struct file_stats f = { .o = &o, .t = t, .path = o.files[i] };
        if (o.lines && o.ids)
            rc = print_line_ids(t, o.files[i]);
        else if (o.lines)
            rc = tokens_count_lines(t, o.files[i], on_example, &f);
        else
            rc = tokens_count_file(t, o.files[i], jobs_count(), on_example, &f);
        if (rc >= 0 && !o.per_example && !o.ids)
            print_stats(&f);
        free(f.counts);
    }
    exit_code = rc < 0 ? report_error(rc) : 0;
done:
    tokenizer_free(t);
    free(o.files);
    return exit_code;
}
