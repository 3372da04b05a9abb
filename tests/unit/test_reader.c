/* The streaming reader: records, formats, error messages, checksums and the parsing
 * threads (framing: test_frame.c). */
#include "reader_test_util.h"

static void test_reader__sharegpt_lines_and_roles(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_SHAREGPT);
    const char *data =
        "{\"id\": \"a1\", \"conversations\": [{\"from\": \"human\", \"value\": \"Héllo\"}, {\"from\": \"gpt\", \"value\": \"Hi \\\"there\\\"\"}]}\n"
        "\n"
        "{\"conversations\": [{\"from\": \"system\", \"value\": \"s\"}, {\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"gpt\", \"value\": \"a\"}]}\n";
    assert_int_equal(run(data, &o, &f, &c), 0);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.items[0].line, 1);
    assert_true(c.items[0].parsed);
    assert_int_equal(c.items[0].errors, 0);
    assert_string_equal(c.items[0].id, "a1");
    assert_int_equal(c.items[0].n_turns, 2);
    assert_int_equal(c.items[0].roles[0], ROLE_USER);
    assert_int_equal(c.items[0].roles[1], ROLE_ASSISTANT);
    assert_string_equal(c.items[0].texts[0], "Héllo");
    assert_int_equal(c.items[0].chars[0], 5);
    assert_string_equal(c.items[0].texts[1], "Hi \"there\"");
    assert_int_equal(c.items[1].line, 3);
    assert_int_equal(c.items[1].roles[0], ROLE_SYSTEM);
    assert_int_equal(f.records, 2);
    assert_int_equal(f.blank_lines, 1);
    assert_int_equal(f.first_blank_line, 2);
    assert_false(f.no_final_newline);
    release(&c);
}

static void test_reader__broken_bytes_are_findings(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_SHAREGPT);
    static const char data[] =
        "{\"conversations\": [}\n"                               /* 1 invalid JSON */
        "{\"conversations\": [{\"from\": \"human\", \"value\": \"\xff\"}]}\n" /* 2 invalid UTF-8 */
        "{\"conversations\": [{\"from\": \"human\", \"value\": \"a\0b\"}]}\n"  /* 3 NUL */
        "[1, 2]\n"                                               /* 4 not an object */
        "{\"conversations\": []} {}\n";                          /* 5 trailing garbage */
    assert_int_equal(run_chunked(data, sizeof(data) - 1, &o, &f, &c, (size_t)-1), 0);
    assert_int_equal(c.n, 5);
    assert_true(has(c.items[0], EX_INVALID_JSON));
    assert_non_null(strstr(c.items[0].first_issue, "line 1, column"));
    assert_true(has(c.items[1], EX_INVALID_UTF8));
    assert_non_null(strstr(c.items[1].first_issue, "0xff"));
    assert_true(has(c.items[2], EX_NUL_BYTE));
    assert_non_null(strstr(c.items[2].first_issue, "column 49"));
    assert_true(has(c.items[3], EX_DATA_TYPE));
    assert_false(c.items[3].parsed);
    assert_true(has(c.items[4], EX_INVALID_JSON));
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(c.items[i].line, i + 1);
    release(&c);
}

/* Error columns: 1-based byte columns of the offending byte, as Python's json module
 * reports them (lineno, colno of JSONDecodeError, Python 3.11, checked by hand). */
static void test_reader__json_error_columns_match_python(void **state)
{
    (void)state;
    static const struct { const char *text; size_t line, col; } cases[] = {
        { "{\"a\": 1},]", 1, 9 }, /* Extra data */
        { "{\"a\": \"abc", 1, 7 }, /* Unterminated string starting at */
        { "{\"a\": \"abc}", 1, 7 }, /* Unterminated string starting at */
        { "{\"a\": 1,}", 1, 9 }, /* Expecting property name enclosed in double quotes */
        { "[1, 2,]", 1, 7 }, /* Expecting value */
        { "{\"a\" 1}", 1, 6 }, /* Expecting ':' delimiter */
        { "{\"a\": }", 1, 7 }, /* Expecting value */
        { "{a: 1}", 1, 2 }, /* Expecting property name enclosed in double quotes */
        { "{\"a\": 1 \"b\": 2}", 1, 9 }, /* Expecting ',' delimiter */
        { "[1 2]", 1, 4 }, /* Expecting ',' delimiter */
        { "", 1, 1 }, /* Expecting value */
        { "   ", 1, 4 }, /* Expecting value */
        { "{", 1, 2 }, /* Expecting property name enclosed in double quotes */
        { "[", 1, 2 }, /* Expecting value */
        { "{\"a\": tru}", 1, 7 }, /* Expecting value */
        { "{\"a\": nul}", 1, 7 }, /* Expecting value */
        { "{\"a\": -}", 1, 7 }, /* Expecting value */
        { "{\"a\": 1.}", 1, 8 }, /* Expecting ',' delimiter */
        { "{\"a\": 01}", 1, 8 }, /* Expecting ',' delimiter */
        { "{\"a\": 1e}", 1, 8 }, /* Expecting ',' delimiter */
        { "{\"a\": \"\\x\"}", 1, 8 }, /* Invalid \escape */
        { "{\"a\": \"\\u12x4\"}", 1, 9 }, /* Invalid \uXXXX escape */
        { "{\"a\": \"\\u12\"}", 1, 9 }, /* Invalid \uXXXX escape */
        { "{\"a\": \"b\tc\"}", 1, 9 }, /* Invalid control character at */
        { "{\"a\": 1}}", 1, 9 }, /* Extra data */
        { "{\"a\": 1} x", 1, 10 }, /* Extra data */
        { "{\"a\": [1, 2}", 1, 12 }, /* Expecting ',' delimiter */
        { "{\"a\": {\"b\": 1]}", 1, 14 }, /* Expecting ',' delimiter */
        { "{\"a\": \"\\ud800\\u12x4\"}", 1, 15 }, /* Invalid \uXXXX escape */
        { "{\"a\":\n  [1,\n   2,,]}", 3, 6 }, /* Expecting value */
        { "\"abc", 1, 1 }, /* Unterminated string starting at */
        { "{\"a\": \"x\\", 1, 7 }, /* Unterminated string starting at */
        { "{\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}, {\"from\": \"gpt\", \"value\": \"yo\"},]}", 1, 85 }, /* Expecting value */
        { "{\"a\": .5}", 1, 7 }, /* Expecting value */
        { "{\"a\": +1}", 1, 7 }, /* Expecting value */
        { "{\"a\": [}", 1, 8 }, /* Expecting value */
        { "{\"a\": \"\\u\"}", 1, 9 }, /* Invalid \uXXXX escape */
        { "nul", 1, 1 }, /* Expecting value */
        { "{\"a\": 1}\n\n  {", 3, 3 }, /* Extra data */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *t = cases[i].text;
        size_t len = strlen(t), off = reader_json_error_offset(t, len);
        assert_true(off <= len);
        size_t line = 1, col = 1;
        for (size_t k = 0; k < off; k++) {
            if (t[k] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        if (line != cases[i].line || col != cases[i].col)
            fail_msg("case %zu '%s': %zu:%zu, Python says %zu:%zu", i, t, line, col, cases[i].line, cases[i].col);
    }
    /* valid documents have no error */
    static const char *const ok[] = { "{}", " [1, -2.5e+3, \"\\u00e9\\ud83d\\ude00\", true, null] ", "{\"a\": {\"b\": []}}" };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_int_equal(reader_json_error_offset(ok[i], strlen(ok[i])), strlen(ok[i]) + 1);

    /* through the reader: a JSONL line, its column in the message */
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_SHAREGPT);
    assert_int_equal(run("{\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}, {\"from\": \"gpt\", \"value\": \"yo\"}]},]\n"
                         "{\"conversations\": [{\"from\": \"human\", \"value\": \"trunc\n", &o, &f, &c), 0);
    assert_int_equal(c.n, 2);
    assert_non_null(strstr(c.items[0].first_issue, "invalid JSON at line 1, column 86:"));
    assert_non_null(strstr(c.items[1].first_issue, "invalid JSON at line 2, column 47:"));
    assert_int_equal(c.items[1].issue_column, 0);   /* JSONL: the message carries it */
    release(&c);
}

static void test_reader__deep_nesting_is_refused(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_SHAREGPT);
    size_t depth = 100000;
    char *data = xmalloc(2 * depth + 64);
    size_t n = 0;
    n += (size_t)sprintf(data, "{\"x\": ");
    memset(data + n, '[', depth);
    n += depth;
    memset(data + n, ']', depth);
    n += depth;
    n += (size_t)sprintf(data + n, "}\n");
    assert_int_equal(run_chunked(data, n, &o, &f, &c, (size_t)-1), 0);
    assert_int_equal(c.n, 1);
    assert_true(has(c.items[0], EX_TOO_DEEP));
    release(&c);
    free(data);
}

static void test_reader__openai_tools(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_OPENAI);
    const char *tools =
        "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_task\", \"parameters\": "
        "{\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"string\"}}, \"required\": [\"id\"]}}}]";
    char *data = xasprintf(
        /* 1: fine */
        "{\"messages\": [{\"role\": \"user\", \"content\": \"get 7\"}, {\"role\": \"assistant\", \"tool_calls\": "
        "[{\"id\": \"c1\", \"type\": \"function\", \"function\": {\"name\": \"get_task\", \"arguments\": \"{\\\"id\\\": \\\"7\\\"}\"}}]}, "
        "{\"role\": \"tool\", \"tool_call_id\": \"c1\", \"content\": \"{}\"}, {\"role\": \"assistant\", \"content\": \"done\"}], %s}\n"
        /* 2: undeclared tool, 3: missing parameter, 4: bad arguments */
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"assistant\", \"tool_calls\": "
        "[{\"function\": {\"name\": \"drop_db\", \"arguments\": \"{}\"}}]}], %s}\n"
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"assistant\", \"tool_calls\": "
        "[{\"function\": {\"name\": \"get_task\", \"arguments\": \"{\\\"name\\\": 1}\"}}]}], %s}\n"
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"assistant\", \"tool_calls\": "
        "[{\"function\": {\"name\": \"get_task\", \"arguments\": \"{nope\"}}]}], %s}\n"
        /* 5: unknown key, bad role, missing content */
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x\", \"extra\": 1}, {\"role\": \"robot\", \"content\": \"y\"}, "
        "{\"role\": \"assistant\"}]}\n",
        tools, tools, tools, tools);
    assert_int_equal(run(data, &o, &f, &c), 0);
    assert_int_equal(c.n, 5);
    assert_int_equal(c.items[0].errors, 0);
    assert_int_equal(c.items[0].n_turns, 4);
    assert_int_equal(c.items[0].roles[2], ROLE_TOOL);
    assert_true(has(c.items[1], EX_TOOL_UNDECLARED));
    assert_true(has(c.items[2], EX_TOOL_MISSING_PARAMETER));
    assert_true(has(c.items[3], EX_TOOL_ARGUMENTS_INVALID));
    assert_true(has(c.items[4], EX_MESSAGE_UNRECOGNIZED_KEY));
    assert_true(has(c.items[4], EX_UNRECOGNIZED_ROLE));
    assert_true(has(c.items[4], EX_MISSING_CONTENT));
    release(&c);
    free(data);
}

static void test_reader__hash_ignores_formatting(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_AUTO);
    /* The same conversation three ways: compact, reordered keys with escapes, and as
     * OpenAI messages; then one with an edited text. */
    const char *sharegpt =
        "{\"conversations\": [{\"from\": \"human\", \"value\": \"café\"}, {\"from\": \"gpt\", \"value\": \"ok\"}]}\n"
        "{ \"conversations\" : [ { \"value\" : \"caf\\u00e9\" , \"from\" : \"human\" } , {\"value\": \"ok\", \"from\": \"gpt\"} ] }\n"
        "{\"conversations\": [{\"from\": \"human\", \"value\": \"cafe\"}, {\"from\": \"gpt\", \"value\": \"ok\"}]}\n";
    assert_int_equal(run(sharegpt, &o, &f, &c), 0);
    assert_memory_equal(c.items[0].hash, c.items[1].hash, 32);
    assert_memory_not_equal(c.items[0].hash, c.items[2].hash, 32);
    unsigned char first[32];
    memcpy(first, c.items[0].hash, 32);
    release(&c);
    const char *openai =
        "{\"messages\": [{\"role\": \"user\", \"content\": \"café\"}, {\"role\": \"assistant\", \"content\": \"ok\"}]}\n";
    assert_int_equal(run(openai, &o, &f, &c), 0);
    assert_memory_equal(first, c.items[0].hash, 32);
    release(&c);
}

static void test_reader__label_and_numeric_id(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_SHAREGPT);
    o.label_field = "metadata.operation";
    const char *data =
        "{\"id\": 17, \"metadata\": {\"other\": {\"operation\": \"No\"}, \"operation\": \"Delete\"}, "
        "\"conversations\": [{\"from\": \"human\", \"value\": \"a\"}, {\"from\": \"gpt\", \"value\": \"b\"}]}\n";
    assert_int_equal(run(data, &o, &f, &c), 0);
    assert_string_equal(c.items[0].label, "Delete");
    assert_string_equal(c.items[0].id, "17");
    release(&c);
}

static void test_reader__file_checksum_covers_all_bytes(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_SHAREGPT);
    o.hash_file = true;
    /* sha256("{}\n") */
    assert_int_equal(run_chunked("{}\n", 3, &o, &f, &c, 1), 0);
    assert_true(f.sha256_valid);
    static const unsigned char want[32] = {
        0xca, 0x3d, 0x16, 0x3b, 0xab, 0x05, 0x53, 0x81, 0x82, 0x72, 0x26, 0x14, 0x05, 0x68, 0xf3, 0xbe,
        0xf7, 0xea, 0xac, 0x18, 0x7c, 0xeb, 0xd7, 0x68, 0x78, 0xe0, 0xb6, 0x3e, 0x9e, 0x44, 0x23, 0x56,
    };
    assert_memory_equal(f.sha256, want, 32);
    assert_int_equal(f.bytes, 3);
    assert_true(has(c.items[0], EX_MISSING_MESSAGES_LIST));
    release(&c);
}

static void test_reader__hostile_lists_stay_cheap(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_OPENAI);
    /* a million scalars: counted, one issue, no message kept */
    struct buf b = BUF_INIT;
    buf_addstr(&b, "{\"messages\": [");
    for (int i = 0; i < 1000000; i++)
        buf_addstr(&b, i ? ",1" : "1");
    buf_addstr(&b, "]}\n");
    /* more objects than READER_MAX_MESSAGES: the rest are counted, not kept */
    buf_addstr(&b, "{\"messages\": [");
    for (int i = 0; i < READER_MAX_MESSAGES + 5; i++)
        buf_addstr(&b, i ? ",{}" : "{}");
    buf_addstr(&b, "]}\n");
    assert_int_equal(run_chunked(b.ptr, b.len, &o, &f, &c, 65536), 0);
    assert_int_equal(c.n, 2);
    assert_true(has(c.items[0], EX_DATA_TYPE));
    assert_int_equal(c.items[0].n_turns, 0);
    assert_non_null(strstr(c.items[0].first_issue, "messages[0] is not an object"));
    assert_true(has(c.items[1], EX_DATA_TYPE));
    assert_int_equal(c.items[1].n_turns, READER_MAX_MESSAGES);
    release(&c);
    buf_release(&b);
}

static void test_reader__repeated_keys_last_wins(void **state)
{
    (void)state;
    struct reader_options o;
    struct run_file f;
    struct collected c = { 0 };
    options(&o, FORMAT_SHAREGPT);
    const char *data =
        "{\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}, {\"from\": \"gpt\", \"value\": \"yo\"}], "
        "\"conversations\": 5}\n"
        "{\"conversations\": 5, \"conversations\": [{\"from\": \"human\", \"value\": \"a\"}, {\"from\": \"gpt\", \"value\": \"b\"}]}\n";
    assert_int_equal(run(data, &o, &f, &c), 0);
    assert_true(has(c.items[0], EX_MISSING_MESSAGES_LIST));
    assert_int_equal(c.items[1].errors, 0);
    assert_int_equal(c.items[1].n_turns, 2);
    release(&c);

    options(&o, FORMAT_OPENAI);
    const char *calls =
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"assistant\", \"content\": null, "
        "\"tool_calls\": [{\"function\": {\"name\": \"f\", \"arguments\": \"{}\"}}], \"tool_calls\": []}]}\n";
    assert_int_equal(run(calls, &o, &f, &c), 0);
    assert_true(has(c.items[0], EX_MISSING_CONTENT));
    release(&c);
}


/* Everything a gate could see of the delivered records, folded into one digest. */
struct digest {
    struct sha256 sha;
    size_t n, stop_at;
};

static void digest_bytes(struct digest *d, const void *p, size_t len)
{
    sha256_update(&d->sha, &len, sizeof(len));
    if (len)
        sha256_update(&d->sha, p, len);
}

static int digest_example(void *ctx, const struct example *ex)
{
    struct digest *d = ctx;
    uint64_t fields[] = { ex->line, ex->ordinal, ex->parsed, ex->errors, ex->format, ex->n_turns,
                          ex->n_issues, ex->n_tools, ex->file_index, ex->split };
    digest_bytes(d, fields, sizeof(fields));
    digest_bytes(d, ex->hash, sizeof(ex->hash));
    for (size_t i = 0; i < ex->n_turns; i++) {
        digest_bytes(d, &ex->turns[i].role, sizeof(ex->turns[i].role));
        digest_bytes(d, ex->turns[i].text ? ex->turns[i].text : "", ex->turns[i].text ? ex->turns[i].text_len : 0);
        digest_bytes(d, &ex->turns[i].n_tool_calls, sizeof(ex->turns[i].n_tool_calls));
    }
    for (size_t i = 0; i < ex->n_issues; i++) {
        digest_bytes(d, &ex->issues[i].line, sizeof(ex->issues[i].line));
        digest_bytes(d, ex->issues[i].message, strlen(ex->issues[i].message));
    }
    digest_bytes(d, ex->id ? ex->id : "", ex->id ? ex->id_len : 0);
    d->n++;
    return d->stop_at && d->n == d->stop_at ? 7 : 0;
}

static int digest_run(const char *data, size_t len, const struct reader_options *o, size_t chunk, size_t stop_at,
                      unsigned char out[32], size_t *n, struct run_file *f)
{
    struct mem_stream m = { data, len, 0, chunk };
    struct byte_stream s = { mem_read, mem_close, &m, NULL };
    struct digest d;
    memset(f, 0, sizeof(*f));
    f->path = "data/train.jsonl";
    sha256_init(&d.sha);
    d.n = 0;
    d.stop_at = stop_at;
    int rc = reader_run(f, &s, o, digest_example, &d);
    sha256_final(&d.sha, out);
    *n = d.n;
    return rc;
}

/* Records parsed on worker threads reach the callback exactly as when parsed here: same
 * order, lines, ordinals, errors and messages; over many chunks, with broken records,
 * lines over the cap, CRLF and blank lines, a format decided only by the fifth line, odd
 * read sizes, and a callback that stops the reading. */
static void test_reader__parallel_same_as_serial(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_addstr(&b, "not json\n{\"broken\": \n\n[1, 2]\n\"text\"\n");
    for (size_t i = 0; i < 20000; i++) {   /* several rounds of the chunk ring */
        switch (i % 11) {
        case 0: buf_printf(&b, "{\"id\": %zu, \"conversations\": [{\"from\": \"human\", \"value\": \"q\\u00e9 %zu\"}]}\n", i, i); break;
        case 1: buf_printf(&b, "{\"conversations\": [{\"from\": \"gpt\", \"value\": \"a\"}, {\"from\": \"human\"}]}\r\n"); break;
        case 2: buf_printf(&b, "{\"conversations\": [{\"from\": \"human\", \"value\": \"%0300zu\"}]}\n", i); break;
        case 3: buf_addstr(&b, "{\"conversations\": [ bad json here\n"); break;
        case 4: buf_addstr(&b, "{\"conversations\": [{\"from\": \"human\", \"value\": \"bad \xff byte\"}]}\n"); break;
        case 5: buf_addstr(&b, "   \t \n"); break;
        case 6: buf_printf(&b, "{\"messages\": [{\"role\": \"user\", \"content\": \"other format %zu\"}]}\n", i); break;
        default:
            buf_printf(&b, "{\"id\": \"r%zu\", \"conversations\": [{\"from\": \"human\", \"value\": \"create task %zu\"}, "
                           "{\"from\": \"gpt\", \"value\": \"done \\\"%zu\\\"\"}]}\n", i, i, i);
        }
    }
    buf_addstr(&b, "{\"conversations\": [{\"from\": \"human\", \"value\": \"last, no newline\"}]}");
    struct reader_options o;
    options(&o, FORMAT_AUTO);
    o.max_line_bytes = 200;   /* case 2 lines are over it */
    unsigned char want[32], got[32];
    size_t n_want, n_got;
    struct run_file fw, fg;
    assert_int_equal(digest_run(b.ptr, b.len, &o, (size_t)-1, 0, want, &n_want, &fw), 0);
    assert_true(n_want > 16000);
    const size_t reads[] = { 7, 65536, (size_t)-1 };   /* bytes per read() */
    for (unsigned threads = 1; threads <= 3; threads += 2)
        for (size_t r = 0; r < sizeof(reads) / sizeof(reads[0]); r++) {
            size_t chunk = reads[r];
            o.parse_threads = threads;
            assert_int_equal(digest_run(b.ptr, b.len, &o, chunk, 0, got, &n_got, &fg), 0);
            assert_int_equal(n_got, n_want);
            assert_memory_equal(got, want, 32);
            assert_int_equal(fg.records, fw.records);
            assert_int_equal(fg.format, fw.format);
            assert_int_equal(fg.crlf_lines, fw.crlf_lines);
            assert_int_equal(fg.blank_lines, fw.blank_lines);
            assert_int_equal(fg.first_blank_line, fw.first_blank_line);
            assert_true(fg.no_final_newline);
        }
    /* the callback stops the reading: the same records up to there, then nothing */
    o.parse_threads = 0;
    assert_int_equal(digest_run(b.ptr, b.len, &o, (size_t)-1, 5000, want, &n_want, &fw), 7);
    o.parse_threads = 3;
    assert_int_equal(digest_run(b.ptr, b.len, &o, (size_t)-1, 5000, got, &n_got, &fg), 7);
    assert_int_equal(n_got, 5000);
    assert_memory_equal(got, want, 32);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader__sharegpt_lines_and_roles),
        cmocka_unit_test(test_reader__broken_bytes_are_findings),
        cmocka_unit_test(test_reader__json_error_columns_match_python),
        cmocka_unit_test(test_reader__deep_nesting_is_refused),
        cmocka_unit_test(test_reader__openai_tools),
        cmocka_unit_test(test_reader__hash_ignores_formatting),
        cmocka_unit_test(test_reader__label_and_numeric_id),
        cmocka_unit_test(test_reader__file_checksum_covers_all_bytes),
        cmocka_unit_test(test_reader__hostile_lists_stay_cheap),
        cmocka_unit_test(test_reader__repeated_keys_last_wins),
        cmocka_unit_test(test_reader__parallel_same_as_serial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
