/*
 * libFuzzer target: the fast JSON path (read/json_fast.h) against yajl, differentially.
 * The input is one record; both parsers drive a callback recorder (tests/unit/
 * json_trace.h) over an exact-size copy of it. When the fast path accepts, yajl must
 * accept too, with the same events and bytes (and the same in-place strings);
 * otherwise this aborts. A refusal is always allowed: yajl then decides.
 *
 *   build-fuzz/tests/fuzz/fuzz_json_fast -max_total_time=60 tests/fuzz/corpus/json_fast
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    struct json_trace slow = { 0 }, fast = { 0 };
    if (size)
        memcpy(text, data, size);
    bool slow_ok = json_trace_yajl(&slow, text, size);
    bool fast_ok = json_trace_fast(&fast, text, size);
    if (fast_ok && !slow_ok) {
        fprintf(stderr, "fuzz_json_fast: the fast path accepted what yajl refuses\n");
        abort();
    }
    if (fast_ok && !json_trace_equal(&slow, &fast)) {
        fprintf(stderr, "fuzz_json_fast: the fast path's events differ from yajl's\n");
        abort();
    }
    json_trace_release(&slow);
    json_trace_release(&fast);
    free(text);
    return 0;
}
