/*
 * libFuzzer target: the spec loader (YAML -> struct spec, with every validation), and
 * the spec-change notes between the loaded spec and a fixed one in both directions,
 * as `--spec-from base` compares them.
 *
 *   build-fuzz/tests/fuzz/fuzz_spec -max_total_time=60 tests/fuzz/corpus/spec
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "spec/spec.h"
#include "spec/spec_diff.h"
#include "util/err.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base_yaml[] =
    "dsci: 1\n"
    "dataset:\n"
    "  name: base\n"
    "  format: sharegpt\n"
    "  files: {train: data/train.jsonl, validation: data/val.jsonl}\n"
    "gates:\n"
    "  format: {level: block}\n"
    "  coverage:\n"
    "    level: block\n"
    "    categories:\n"
    "      - {name: Create, min: 20, keywords: [create]}\n"
    "      - {name: Delete, min: 15, keywords: [delete]}\n"
    "  quality:\n"
    "    level: warn\n"
    "    human_length: {target: [30, 80], acceptable: [20, 100]}\n"
    "  duplicates: {exact: block, near: warn, threshold: 0.8}\n"
    "  leakage: {level: block, near_threshold: 0.9}\n"
    "  pii: {level: block, detect: [email], allow: [example.com]}\n"
    "  splits:\n"
    "    level: block\n"
    "    train: {ratio: 0.9, min: 10}\n"
    "    validation: {ratio: 0.1, min: 1}\n";

static struct spec *base;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    if (spec_load_buffer(&base, "specs/base.yaml", base_yaml, sizeof(base_yaml) - 1) < 0) {
        fprintf(stderr, "fuzz_spec: cannot load the base spec: %s\n", err_last());
        abort();
    }
    return 0;
}

static void diff_and_free(const struct spec *a, const struct spec *b)
{
    char **lines = NULL;
    size_t n = 0;
    spec_diff_lines(&lines, &n, a, b);
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct spec *spec = NULL;
    /* spec_load_buffer takes a length; the copy without a terminator lets ASan see
     * a read past the end */
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    for (size_t i = 0; i < size; i++)
        copy[i] = (char)data[i];
    if (spec_load_buffer(&spec, "specs/fuzz.yaml", copy, size) == 0) {
        diff_and_free(base, spec);
        diff_and_free(spec, base);
        diff_and_free(spec, spec);
    }
    spec_free(spec);
    free(copy);
    return 0;
}
