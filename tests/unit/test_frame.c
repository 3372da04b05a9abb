/* Framing (read/frame.c) through the reader: JSONL lines and JSON array elements, their
 * lines and columns, the file's own oddities, the array's syntax errors, at every read
 * size. */
#include "reader_test_util.h"

static void test_frame__bom_crlf_and_no_final_newline(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_AUTO);
    const char *data =
        "\xEF\xBB\xBF{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"assistant\", \"content\": \"y\"}]}\r\n"
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x2\"}, {\"role\": \"assistant\", \"content\": \"y\"}]}";
    assert_int_equal(run(data, &o, &f, &c), 0);
    assert_int_equal(c.n, 2);
    assert_true(f.bom);
    assert_int_equal(f.crlf_lines, 1);
    assert_int_equal(f.first_crlf_line, 1);
    assert_true(f.no_final_newline);
    assert_int_equal(f.format, FORMAT_OPENAI);
    assert_int_equal(c.items[0].errors, 0);
    assert_int_equal(c.items[1].errors, 0);
    assert_int_equal(c.items[1].line, 2);
    release(&c);
}

static void test_frame__line_over_cap_is_skipped_cleanly(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_SHAREGPT);
    o.max_line_bytes = 100;
    size_t big = 5000;
    char *data = xmalloc(big + 200);
    size_t n = 0;
    n += (size_t)sprintf(data + n, "{\"conversations\": [{\"from\": \"human\", \"value\": \"");
    memset(data + n, 'x', big);
    n += big;
    n += (size_t)sprintf(data + n, "\"}]}\n{\"conversations\": []}\n");
    /* small reads: the long line arrives in pieces */
    assert_int_equal(run_chunked(data, n, &o, &f, &c, 7), 0);
    assert_int_equal(c.n, 2);
    assert_true(has(c.items[0], EX_LINE_TOO_LONG));
    assert_int_equal(c.items[0].line, 1);
    assert_int_equal(c.items[1].line, 2);
    assert_true(c.items[1].parsed);
    release(&c);
    free(data);
}

static void test_frame__json_array_file(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_AUTO);
    const char *data =
        "[\n"
        "  {\"instruction\": \"Add [1,2]\", \"input\": \"a \\\"}\\\" b\", \"output\": \"3\"},\n"
        "  {\n"
        "    \"instruction\": \"Say hi\",\n"
        "    \"output\": \"hi\"\n"
        "  }\n"
        "]\n";
    assert_int_equal(run_chunked(data, strlen(data), &o, &f, &c, 3), 0);
    assert_true(f.is_array);
    assert_int_equal(f.format, FORMAT_ALPACA);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.items[0].line, 2);
    assert_int_equal(c.items[1].line, 3);
    assert_string_equal(c.items[0].texts[0], "Add [1,2]\n\na \"}\" b");
    assert_string_equal(c.items[1].texts[0], "Say hi");
    assert_string_equal(c.items[1].texts[1], "hi");
    assert_null(f.read_error);
    release(&c);
}

/* Framing (read/frame.c), table-driven: where each record starts and what the file's
 * own bytes showed, the same at every read size (records and CRLFs straddling reads)
 * and, for JSONL, with the parsing threads on. */
#define REC "{\"conversations\": []}"
static const struct {
    const char *data;
    size_t n;                    /* records */
    size_t lines[4], columns[4]; /* column 0: a JSONL line */
    bool is_array, bom, no_final_newline;
    uint64_t crlf_lines, blank_lines;
    size_t first_blank_line;
} framing_cases[] = {
    { "", 0, { 0 }, { 0 }, false, false, false, 0, 0, 0 },
    { REC "\n", 1, { 1 }, { 0 }, false, false, false, 0, 0, 0 },
    { REC "\n" REC, 2, { 1, 2 }, { 0 }, false, false, true, 0, 0, 0 },
    { "\xEF\xBB\xBF" REC "\n", 1, { 1 }, { 0 }, false, true, false, 0, 0, 0 },
    { REC "\r\n\r\n \t\n" REC "\r\n", 2, { 1, 4 }, { 0 }, false, false, false, 3, 2, 2 },
    { "\n\n" REC "\n\n", 1, { 3 }, { 0 }, false, false, false, 0, 3, 1 },
    { "[]", 0, { 0 }, { 0 }, true, false, false, 0, 0, 0 },
    { "[\n  " REC ",\n  " REC "\n]\n", 2, { 2, 3 }, { 3, 3 }, true, false, false, 0, 0, 0 },
    { "[" REC "," REC "]", 2, { 1, 1 }, { 2, 24 }, true, false, false, 0, 0, 0 },
    { "\n\n  [" REC "]\n", 1, { 3 }, { 4 }, true, false, false, 0, 0, 0 },
    { "\xEF\xBB\xBF[" REC "]", 1, { 1 }, { 2 }, true, true, false, 0, 0, 0 },
    /* brackets and an escaped quote inside a string do not end the element */
    { "[{\"x\": \"]\\\"[\", \"conversations\": []}, " REC "]", 2, { 1, 1 }, { 2, 38 }, true, false, false, 0, 0, 0 },
    /* scalars are elements too (records of the wrong type) */
    { "[1, \"s\", " REC "]", 3, { 1, 1, 1 }, { 2, 5, 10 }, true, false, false, 0, 0, 0 },
};
#undef REC

static void test_frame__framing_table(void **state)
{
    (void)state;
    const size_t reads[] = { 1, 2, 3, 7, 64, (size_t)-1 };
    for (size_t i = 0; i < sizeof(framing_cases) / sizeof(framing_cases[0]); i++) {
        const char *data = framing_cases[i].data;
        for (unsigned threads = 0; threads <= 2; threads += 2) {
            for (size_t r = 0; r < sizeof(reads) / sizeof(reads[0]); r++) {
                struct reader_options o;
                struct run_file f;
                struct collected c = { 0 };
                options(&o, FORMAT_SHAREGPT);
                o.parse_threads = threads;
                assert_int_equal(run_chunked(data, strlen(data), &o, &f, &c, reads[r]), 0);
                if (c.n != framing_cases[i].n)
                    fail_msg("case %zu, reads of %zu: %zu records, want %zu", i, reads[r], c.n, framing_cases[i].n);
                for (size_t k = 0; k < c.n; k++) {
                    if (c.items[k].line != framing_cases[i].lines[k] ||
                        c.items[k].column != framing_cases[i].columns[k] || c.items[k].ordinal != k)
                        fail_msg("case %zu, reads of %zu, record %zu: line %zu column %zu, want %zu %zu", i,
                                 reads[r], k, c.items[k].line, c.items[k].column, framing_cases[i].lines[k],
                                 framing_cases[i].columns[k]);
                }
                assert_int_equal(f.records, c.n);
                assert_int_equal(f.bytes, strlen(data));
                assert_int_equal(f.is_array, framing_cases[i].is_array);
                assert_int_equal(f.bom, framing_cases[i].bom);
                assert_int_equal(f.no_final_newline, framing_cases[i].no_final_newline);
                assert_int_equal(f.crlf_lines, framing_cases[i].crlf_lines);
                assert_int_equal(f.blank_lines, framing_cases[i].blank_lines);
                assert_int_equal(f.first_blank_line, framing_cases[i].first_blank_line);
                release(&c);
            }
        }
    }
}

/* The array's own syntax errors are a broken record at their line and column (counted
 * as a record, so "Valid JSON" never reads 100% next to a failure). */
static void test_frame__broken_array_is_a_broken_record(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_ALPACA);
    const char *data = "[{\"instruction\": \"a\", \"output\": \"b\"}\n {\"instruction\": \"c\", \"output\": \"d\"}]";
    assert_int_equal(run(data, &o, &f, &c), 0);
    assert_int_equal(c.n, 2);
    assert_true(c.items[0].parsed);
    assert_false(c.items[1].parsed);
    assert_true(c.items[1].errors & (1u << EX_INVALID_JSON));
    assert_int_equal(c.items[1].issue_line, 2);
    assert_int_equal(c.items[1].issue_column, 2);
    assert_string_equal(c.items[1].first_issue,
                        "invalid JSON at line 2, column 2: expected ',' or ']' after an element of the JSON array");
    assert_null(f.read_error);
    release(&c);

    /* cut off inside the third record: that record is the broken one, at the opening
     * quote of its unterminated string (as Python's json reports it) */
    data = "[{\"instruction\": \"a\", \"output\": \"b\"},\n"
           " {\"instruction\": \"c\", \"output\": \"d\"},\n"
           " {\"instruction\": \"e\", \"output\": \"tru";
    assert_int_equal(run_chunked(data, strlen(data), &o, &f, &c, 7), 0);
    assert_int_equal(c.n, 3);
    assert_true(c.items[1].parsed);
    assert_false(c.items[2].parsed);
    assert_int_equal(c.items[2].line, 3);
    assert_int_equal(c.items[2].column, 2);
    assert_int_equal(c.items[2].ordinal, 2);
    assert_int_equal(c.items[2].issue_line, 3);
    assert_int_equal(c.items[2].issue_column, 33);
    release(&c);
}

/* Each syntax error of the array around the records, table-driven: the records before
 * it are read, then one broken record names the place (the end of the file for an
 * unclosed array) and the reading of the file ends. */
#define EL "{\"instruction\": \"a\", \"output\": \"b\"}"
static const struct {
    const char *data;
    size_t n;              /* records, the broken one included */
    size_t line, column;   /* of the broken one */
    const char *message;
} array_error_cases[] = {
    { "[" EL ",]\n", 2, 1, 38, "invalid JSON at line 1, column 38: trailing ',' before ']' in the JSON array" },
    { "[" EL ",", 2, 1, 38,
      "invalid JSON at line 1, column 38: unexpected end of file: the JSON array is not closed with ']'" },
    { "[" EL ",," EL "]", 2, 1, 38, "invalid JSON at line 1, column 38: empty element (two commas) in the JSON array" },
    { "[" EL "] x", 2, 1, 39, "invalid JSON at line 1, column 39: data after the closing ']' of the JSON array" },
    { "[" EL " " EL "]", 2, 1, 38,
      "invalid JSON at line 1, column 38: expected ',' or ']' after an element of the JSON array" },
    { "[1, 2", 3, 1, 6, "invalid JSON at line 1, column 6: unexpected end of file: the JSON array is not closed with ']'" },
    { "[", 1, 1, 2, "invalid JSON at line 1, column 2: unexpected end of file: the JSON array is not closed with ']'" },
    { "[\n", 1, 2, 1, "invalid JSON at line 2, column 1: unexpected end of file: the JSON array is not closed with ']'" },
};
#undef EL

static void test_frame__array_syntax_errors_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(array_error_cases) / sizeof(array_error_cases[0]); i++) {
        struct reader_options o;
        struct run_file f;
        struct collected c = { 0 };
        options(&o, FORMAT_ALPACA);
        assert_int_equal(run(array_error_cases[i].data, &o, &f, &c), 0);
        if (c.n != array_error_cases[i].n)
            fail_msg("case %zu: %zu records, want %zu", i, c.n, array_error_cases[i].n);
        const struct seen *last = &c.items[c.n - 1];
        assert_true(f.is_array);
        assert_false(last->parsed);
        assert_true(has(*last, EX_INVALID_JSON));
        assert_int_equal(last->line, array_error_cases[i].line);
        assert_int_equal(last->column, array_error_cases[i].column);
        assert_int_equal(last->issue_line, array_error_cases[i].line);
        assert_int_equal(last->issue_column, array_error_cases[i].column);
        assert_string_equal(last->first_issue, array_error_cases[i].message);
        assert_int_equal(f.records, c.n);
        release(&c);
    }
}

/* A .jsonl file is JSONL whatever its first line: an array line is a record of the wrong
 * type, and every later line is still read. Another name goes by the content. */
static void test_frame__jsonl_name_decides_over_content(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_ALPACA);
    const char *data = "[{\"instruction\": \"a\", \"output\": \"b\"}]\n"
                       "{\"instruction\": \"c\", \"output\": \"d\"}\n"
                       "[1, 2]\n"
                       "{\"instruction\": \"e\", \"output\": \"f\"}\n";
    struct mem_stream m = { data, strlen(data), 0, 5 };
    struct byte_stream st = { mem_read, mem_close, &m, NULL };
    memset(&f, 0, sizeof(f));
    f.path = "data/train.JSONL";
    assert_int_equal(reader_run(&f, &st, &o, collect, &c), 0);
    assert_false(f.is_array);
    assert_int_equal(c.n, 4);
    assert_true(c.items[0].errors & (1u << EX_DATA_TYPE));
    assert_string_equal(c.items[0].first_issue, "the record is an array, expected an object");
    assert_true(c.items[1].parsed);
    assert_int_equal(c.items[2].line, 3);
    assert_string_equal(c.items[2].first_issue, "the record is an array, expected an object");
    assert_true(c.items[3].parsed);
    assert_int_equal(c.items[3].column, 0);   /* JSONL: the line says it all */
    release(&c);

    /* the same bytes in a .json file: an array, by its first byte */
    assert_int_equal(run(data, &o, &f, &c), 0);
    assert_true(f.is_array);
    assert_int_equal(c.n, 2);
    assert_true(c.items[0].parsed);
    assert_true(c.items[1].errors & (1u << EX_INVALID_JSON));
    release(&c);
}

/* A minified array: every record on line 1, told apart by column and index. */
static void test_frame__minified_array_positions(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_ALPACA);
    const char *data = "[{\"instruction\":\"a\",\"output\":\"b\"},{\"instruction\":\"c\",\"output\":\"d\"},"
                       "{\"instruction\":\"e\",\"output\":\"f\" \"x\":1}]";
    assert_int_equal(run_chunked(data, strlen(data), &o, &f, &c, 4), 0);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.items[0].line, 1);
    assert_int_equal(c.items[0].column, 2);
    assert_int_equal(c.items[1].column, 35);
    assert_int_equal(c.items[2].column, 68);
    assert_int_equal(c.items[2].ordinal, 2);
    /* the error's column is the file's, not the record's: the '"' where ',' was expected */
    assert_int_equal(c.items[2].issue_line, 1);
    assert_int_equal(c.items[2].issue_column, 100);
    assert_non_null(strstr(c.items[2].first_issue, "line 1, column 100:"));
    release(&c);
}

/* Non-ASCII text before a record: the byte column for text and JSON reports, the
 * character column for SARIF, the same at every read size (characters straddling reads). */
static void test_frame__array_character_columns(void **state)
{
    (void)state;
    /* "ñ" is 2 bytes, "🌶" 4: record 1 starts at byte 48, character 44 */
    const char *data = "[{\"instruction\":\"Jalape\xC3\xB1o \xF0\x9F\x8C\xB6\",\"output\":\"b\"},"
                       "{\"instruction\":\"\xC3\xB1\",\"output\":\"d\" \"x\":1},\n"
                       "  {\"instruction\":\"e\",\"output\":\"f\"},]";
    const size_t reads[] = { 1, 2, 3, 7, 64 };
    for (size_t r = 0; r < sizeof(reads) / sizeof(reads[0]); r++) {
        struct reader_options o;
        struct run_file f;
        struct collected c = { 0 };
        options(&o, FORMAT_ALPACA);
        assert_int_equal(run_chunked(data, strlen(data), &o, &f, &c, reads[r]), 0);
        assert_int_equal(c.n, 4);
        assert_int_equal(c.items[0].column, 2);
        assert_int_equal(c.items[0].char_column, 2);
        assert_int_equal(c.items[1].column, 48);
        assert_int_equal(c.items[1].char_column, 44);
        /* the error inside record 1: the '"' where ',' was expected, after one more "ñ" */
        assert_int_equal(c.items[1].issue_column, 48 + 33);
        assert_int_equal(c.items[1].issue_char_column, 44 + 32);
        /* a new line starts both counts again */
        assert_int_equal(c.items[2].line, 2);
        assert_int_equal(c.items[2].column, 3);
        assert_int_equal(c.items[2].char_column, 3);
        /* the array's own error: the ']' after a trailing ',' */
        assert_int_equal(c.items[3].issue_column, 36);
        assert_int_equal(c.items[3].issue_char_column, 36);
        release(&c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame__bom_crlf_and_no_final_newline),
        cmocka_unit_test(test_frame__line_over_cap_is_skipped_cleanly),
        cmocka_unit_test(test_frame__json_array_file),
        cmocka_unit_test(test_frame__framing_table),
        cmocka_unit_test(test_frame__broken_array_is_a_broken_record),
        cmocka_unit_test(test_frame__array_syntax_errors_table),
        cmocka_unit_test(test_frame__jsonl_name_decides_over_content),
        cmocka_unit_test(test_frame__minified_array_positions),
        cmocka_unit_test(test_frame__array_character_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
