/*
 * Preference pairs as the reader reads them: TRL's implicit prompt split (strings and
 * message lists, TRL's quirks included), the three shapes' turns, and the content hash
 * of a pair (the rejected side counts; the other formats' hashes stay as they were).
 */
#include "reader_test_util.h"

#include "read/reader_impl.h"

/* What a test checks of a pair, copied out of the reader's short-lived example. */
struct pair_seen {
    uint32_t errors;
    enum dataset_format format;
    size_t n_turns, n_prompt_turns, n_rejected;
    bool has_rejected;
    char *turns[8], *rejected[8];
    enum role roles[8], rejected_roles[8];
    char *first_issue;
    unsigned char hash[32];
};

struct pairs {
    struct pair_seen v[16];
    size_t n;
};

static int collect_pair(void *ctx, const struct example *ex)
{
    struct pairs *p = ctx;
    assert_true(p->n < 16);
    struct pair_seen *s = &p->v[p->n++];
    memset(s, 0, sizeof(*s));
    s->errors = ex->errors;
    s->format = ex->format;
    s->n_turns = ex->n_turns;
    s->n_prompt_turns = ex->n_prompt_turns;
    s->n_rejected = ex->n_rejected;
    s->has_rejected = ex->has_rejected;
    for (size_t i = 0; i < ex->n_turns && i < 8; i++) {
        s->roles[i] = ex->turns[i].role;
        s->turns[i] = ex->turns[i].text ? xmemdup(ex->turns[i].text, ex->turns[i].text_len) : NULL;
    }
    for (size_t i = 0; i < ex->n_rejected && i < 8; i++) {
        s->rejected_roles[i] = ex->rejected[i].role;
        s->rejected[i] = ex->rejected[i].text ? xmemdup(ex->rejected[i].text, ex->rejected[i].text_len) : NULL;
    }
    if (ex->n_issues)
        s->first_issue = xstrdup(ex->issues[0].message);
    memcpy(s->hash, ex->hash, 32);
    return 0;
}

static void pairs_release(struct pairs *p)
{
    for (size_t i = 0; i < p->n; i++) {
        for (size_t j = 0; j < 8; j++) {
            free(p->v[i].turns[j]);
            free(p->v[i].rejected[j]);
        }
        free(p->v[i].first_issue);
    }
    p->n = 0;
}

static void read_pairs(const char *data, enum dataset_format format, struct pairs *out)
{
    struct reader_options o;
    struct run_file f;
    options(&o, format);
    struct mem_stream m = { data, strlen(data), 0, (size_t)-1 };
    struct byte_stream s = { mem_read, mem_close, &m, NULL };
    memset(&f, 0, sizeof(f));
    f.path = "data/train.jsonl";
    memset(out, 0, sizeof(*out));
    assert_int_equal(reader_run(&f, &s, &o, collect_pair, out), 0);
}

static size_t prefix(const char *a, const char *b)
{
    return formats_shared_prefix(a, strlen(a), b, strlen(b));
}

static void test_pair__string_prefix_follows_trl(void **state)
{
    (void)state;
    /* the space before the replies goes with them */
    assert_int_equal(prefix("The sky is blue.", "The sky is green."), strlen("The sky is"));
    /* nothing shared: no prompt */
    assert_int_equal(prefix("Yes.", "No."), 0);
    /* equal strings: the last character stays a reply, as TRL's loop leaves it */
    assert_int_equal(prefix("abc", "abc"), 2);
    assert_int_equal(prefix("ab c", "ab c"), 3);             /* no difference: no space rule */
    /* one a prefix of the other: the shorter keeps its last character */
    assert_int_equal(prefix("abc", "abcdef"), 2);
    /* a split inside a UTF-8 sequence moves to its start: "café" / "cafè" */
    assert_int_equal(prefix("caf\xc3\xa9", "caf\xc3\xa8"), 3);
    assert_int_equal(prefix("", "x"), 0);
}

static void test_pair__message_prefix_follows_trl(void **state)
{
    (void)state;
    struct turn a[3], b[3];
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    const char *texts_a[] = { "Q", "A1", "x" }, *texts_b[] = { "Q", "A2", "x" };
    for (int i = 0; i < 3; i++) {
        a[i].role = b[i].role = i % 2 ? ROLE_ASSISTANT : ROLE_USER;
        a[i].text = texts_a[i];
        a[i].text_len = strlen(texts_a[i]);
        b[i].text = texts_b[i];
        b[i].text_len = strlen(texts_b[i]);
    }
    assert_int_equal(formats_shared_turns(a, 3, b, 3), 1);
    assert_int_equal(formats_shared_turns(a, 3, a, 3), 2);   /* identical: the last is the reply */
    assert_int_equal(formats_shared_turns(a, 1, b, 3), 0);   /* [Q] vs [Q, A2, x]: Q is the reply */
    b[0].role = ROLE_SYSTEM;                                 /* same text, other role */
    assert_int_equal(formats_shared_turns(a, 3, b, 3), 0);
}

static void test_pair__shapes_read_as_prompt_chosen_rejected(void **state)
{
    (void)state;
    struct pairs p;
    read_pairs("{\"prompt\": \"Q?\", \"chosen\": \"Yes.\", \"rejected\": \"No.\"}\n"
               "{\"chosen\": \"The sky is blue.\", \"rejected\": \"The sky is green.\"}\n"
               "{\"chosen\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello\"}],"
               " \"rejected\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Go\"}]}\n"
               "{\"input\": {\"messages\": [{\"role\": \"system\", \"content\": \"S\"}, {\"role\": \"user\", \"content\": \"U\"}]},"
               " \"preferred_output\": [{\"role\": \"assistant\", \"content\": \"P\"}],"
               " \"non_preferred_output\": [{\"role\": \"assistant\", \"content\": \"N\"}]}\n",
               FORMAT_PREFERENCE, &p);
    assert_int_equal(p.n, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(p.v[i].errors, 0);
        assert_true(p.v[i].has_rejected);
        assert_int_equal(p.v[i].n_rejected, 1);
        assert_int_equal(p.v[i].rejected_roles[0], ROLE_ASSISTANT);
    }
    assert_int_equal(p.v[0].n_prompt_turns, 1);
    assert_string_equal(p.v[0].turns[0], "Q?");
    assert_string_equal(p.v[0].turns[1], "Yes.");
    assert_string_equal(p.v[0].rejected[0], "No.");

    assert_string_equal(p.v[1].turns[0], "The sky is");
    assert_int_equal(p.v[1].roles[0], ROLE_USER);
    assert_string_equal(p.v[1].turns[1], " blue.");
    assert_string_equal(p.v[1].rejected[0], " green.");

    assert_int_equal(p.v[2].n_prompt_turns, 1);
    assert_int_equal(p.v[2].n_turns, 2);
    assert_string_equal(p.v[2].turns[1], "Hello");
    assert_string_equal(p.v[2].rejected[0], "Go");

    assert_int_equal(p.v[3].n_prompt_turns, 2);
    assert_int_equal(p.v[3].roles[0], ROLE_SYSTEM);
    assert_string_equal(p.v[3].turns[2], "P");
    assert_string_equal(p.v[3].rejected[0], "N");
    pairs_release(&p);
}

/* HuggingFaceH4/ultrafeedback_binarized: a string prompt kept beside conversational
 * replies that hold it again. TRL extracts the prompt from the replies; so does dsci. */
static void test_pair__string_prompt_beside_lists_is_implicit(void **state)
{
    (void)state;
    struct pairs p;
    read_pairs("{\"prompt\": \"Hi\", \"prompt_id\": \"x\","
               " \"chosen\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello\"}],"
               " \"rejected\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Go\"}],"
               " \"score_chosen\": 8.0, \"score_rejected\": 2.0}\n"
               "{\"prompt\": [{\"role\": \"user\", \"content\": \"Q\"}], \"chosen\": \"Q A\", \"rejected\": \"Q B\"}\n",
               FORMAT_PREFERENCE, &p);
    assert_int_equal(p.n, 2);
    assert_int_equal(p.v[0].errors, 0);
    assert_int_equal(p.v[0].n_prompt_turns, 1);
    assert_int_equal(p.v[0].n_turns, 2);
    assert_int_equal(p.v[0].roles[0], ROLE_USER);
    assert_string_equal(p.v[0].turns[0], "Hi");
    assert_string_equal(p.v[0].turns[1], "Hello");
    assert_int_equal(p.v[0].n_rejected, 1);
    assert_string_equal(p.v[0].rejected[0], "Go");
    /* a list prompt beside string replies: the strings' shared start is the prompt */
    assert_int_equal(p.v[1].errors, 0);
    assert_string_equal(p.v[1].turns[0], "Q");
    assert_string_equal(p.v[1].turns[1], " A");
    assert_string_equal(p.v[1].rejected[0], " B");
    pairs_release(&p);
}

static void test_pair__problems_are_named(void **state)
{
    (void)state;
    struct pairs p;
    read_pairs("{\"prompt\": \"Q\", \"chosen\": \"A\"}\n"
               "{\"prompt\": \"Q\", \"chosen\": \" \", \"rejected\": \"B\"}\n"
               "{\"chosen\": [{\"role\": \"user\", \"content\": \"X\"}], \"rejected\": [{\"role\": \"user\", \"content\": \"Y\"}]}\n"
               "{\"prompt\": [{\"role\": \"user\", \"content\": \"Q\"}], \"chosen\": [], \"rejected\": [{\"role\": \"assistant\", \"content\": \"B\"}]}\n"
               "{\"input\": {\"messages\": [{\"role\": \"user\", \"content\": \"U\"}]}, \"preferred_output\": [{\"role\": \"user\", \"content\": \"P\"}],"
               " \"non_preferred_output\": [{\"role\": \"assistant\", \"content\": \"N\"}]}\n"
               "{\"prompt\": \"Q\", \"chosen\": \"A\", \"rejected\": [{\"role\": \"assistant\", \"content\": \"B\"}]}\n",
               FORMAT_PREFERENCE, &p);
    assert_int_equal(p.n, 6);
    assert_true(has(p.v[0], EX_MISSING_FIELD));
    assert_false(p.v[0].has_rejected);
    assert_string_equal(p.v[0].first_issue, "'rejected' is missing");
    assert_true(has(p.v[1], EX_EMPTY_MESSAGE));
    assert_string_equal(p.v[1].first_issue, "'chosen' is empty or whitespace only");
    assert_true(has(p.v[2], EX_NO_SHARED_PROMPT));
    assert_true(has(p.v[3], EX_REPLY_NOT_ASSISTANT));
    assert_string_equal(p.v[3].first_issue, "'chosen' is an empty list: no reply");
    assert_true(has(p.v[4], EX_REPLY_NOT_ASSISTANT));
    assert_string_equal(p.v[4].first_issue, "preferred_output[0] is a user message: a reply holds assistant messages only");
    assert_true(has(p.v[5], EX_MISSING_FIELD));
    pairs_release(&p);
}

static void test_pair__openai_tool_calls_are_checked(void **state)
{
    (void)state;
    struct pairs p;
    read_pairs("{\"input\": {\"messages\": [{\"role\": \"user\", \"content\": \"U\"}],"
               " \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": {\"required\": [\"a\"]}}}]},"
               " \"preferred_output\": [{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"1\","
               " \"type\": \"function\", \"function\": {\"name\": \"g\", \"arguments\": \"{}\"}}]}],"
               " \"non_preferred_output\": [{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"1\","
               " \"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": \"{\\\"b\\\": 1}\"}}]}]}\n",
               FORMAT_PREFERENCE, &p);
    assert_int_equal(p.n, 1);
    assert_true(has(p.v[0], EX_TOOL_UNDECLARED));
    assert_true(has(p.v[0], EX_TOOL_MISSING_PARAMETER));
    assert_false(has(p.v[0], EX_MISSING_CONTENT));   /* a message that calls tools needs no content */
    assert_false(has(p.v[0], EX_EMPTY_MESSAGE));
    assert_string_equal(p.v[0].first_issue, "preferred_output[0]: calls 'g', which `tools` does not declare");
    pairs_release(&p);
}

static void test_pair__hash_counts_the_rejected_side(void **state)
{
    (void)state;
    struct pairs p;
    read_pairs("{\"prompt\": \"Q\", \"chosen\": \"A\", \"rejected\": \"B\"}\n"
               "{\"prompt\": \"Q\", \"chosen\": \"A\", \"rejected\": \"C\"}\n"
               "{\"chosen\": \"QA\", \"rejected\": \"QB\"}\n"
               "{\"prompt\": [{\"role\": \"user\", \"content\": \"Q\"}], \"chosen\": [{\"role\": \"assistant\", \"content\": \"A\"}],"
               " \"rejected\": [{\"role\": \"assistant\", \"content\": \"B\"}]}\n"
               "{\"prompt\": \"Q\", \"chosen\": \"A\", \"rejected\": \"B\"}\n",
               FORMAT_AUTO, &p);
    assert_int_equal(p.n, 5);
    assert_int_equal(p.v[0].format, FORMAT_PREFERENCE);
    assert_memory_not_equal(p.v[0].hash, p.v[1].hash, 32);   /* other rejected reply */
    assert_memory_equal(p.v[0].hash, p.v[3].hash, 32);       /* a string is one message */
    assert_memory_equal(p.v[0].hash, p.v[4].hash, 32);
    /* "QA"/"QB" splits as prompt "Q", replies "A"/"B": the same pair */
    assert_memory_equal(p.v[0].hash, p.v[2].hash, 32);
    pairs_release(&p);

    /* the chat of the prompt and the chosen reply is not the pair */
    struct pairs chat, completion;
    read_pairs("{\"messages\": [{\"role\": \"user\", \"content\": \"Q\"}, {\"role\": \"assistant\", \"content\": \"A\"}]}\n",
               FORMAT_AUTO, &chat);
    read_pairs("{\"prompt\": \"Q\", \"completion\": \"A\"}\n", FORMAT_AUTO, &completion);
    read_pairs("{\"prompt\": \"Q\", \"chosen\": \"A\", \"rejected\": \"B\"}\n", FORMAT_AUTO, &p);
    assert_memory_not_equal(chat.v[0].hash, p.v[0].hash, 32);
    /* a completion is the chat it trains: converting between them is no content change */
    assert_memory_equal(chat.v[0].hash, completion.v[0].hash, 32);
    pairs_release(&chat);
    pairs_release(&completion);
    pairs_release(&p);
}

static void test_pair__completion_and_text(void **state)
{
    (void)state;
    struct pairs p;
    read_pairs("{\"prompt\": \"\", \"completion\": \"Once upon a time\"}\n"
               "{\"prompt\": \"Q\", \"completion\": \"  \"}\n"
               "{\"prompt\": \"Q\"}\n",
               FORMAT_COMPLETION, &p);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.v[0].errors, 0);
    assert_int_equal(p.v[0].n_turns, 1);   /* an empty prompt is no turn */
    assert_int_equal(p.v[0].roles[0], ROLE_ASSISTANT);
    assert_true(has(p.v[1], EX_EMPTY_MESSAGE));
    assert_string_equal(p.v[1].first_issue, "'completion' is empty or whitespace only");
    assert_true(has(p.v[2], EX_MISSING_FIELD));
    pairs_release(&p);

    /* TRL's conversational prompt-completion form */
    read_pairs("{\"prompt\": [{\"role\": \"system\", \"content\": \"S\"}, {\"role\": \"user\", \"content\": \"Sky?\"}],"
               " \"completion\": [{\"role\": \"assistant\", \"content\": \"Blue.\"}]}\n"
               "{\"prompt\": [{\"role\": \"user\", \"content\": \"Sky?\"}], \"completion\": [{\"role\": \"user\", \"content\": \"x\"}]}\n"
               "{\"prompt\": [{\"role\": \"user\", \"content\": \"Sky?\"}], \"completion\": [{\"role\": \"assistant\", \"content\": \" \"}]}\n",
               FORMAT_AUTO, &p);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.v[0].format, FORMAT_COMPLETION);
    assert_int_equal(p.v[0].errors, 0);
    assert_int_equal(p.v[0].n_turns, 3);
    assert_int_equal(p.v[0].roles[0], ROLE_SYSTEM);
    assert_int_equal(p.v[0].roles[1], ROLE_USER);
    assert_int_equal(p.v[0].roles[2], ROLE_ASSISTANT);
    assert_string_equal(p.v[0].turns[2], "Blue.");
    assert_string_equal(p.v[1].first_issue, "completion[0] is a user message: a reply holds assistant messages only");
    assert_string_equal(p.v[2].first_issue, "completion[0] is empty or whitespace only");
    pairs_release(&p);

    read_pairs("{\"text\": \"A corpus line.\"}\n{\"text\": \"\"}\n{\"text\": null}\n", FORMAT_AUTO, &p);
    assert_int_equal(p.n, 3);
    assert_int_equal(p.v[0].format, FORMAT_TEXT);
    assert_int_equal(p.v[0].n_turns, 1);
    assert_int_equal(p.v[0].roles[0], ROLE_ASSISTANT);
    assert_true(has(p.v[1], EX_EMPTY_MESSAGE));
    assert_string_equal(p.v[2].first_issue, "'text' is null");
    pairs_release(&p);
}

int main(void)
{
    (void)run;       /* the shared helpers this file does not need */
    (void)release;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pair__string_prefix_follows_trl),
        cmocka_unit_test(test_pair__message_prefix_follows_trl),
        cmocka_unit_test(test_pair__shapes_read_as_prompt_chosen_rejected),
        cmocka_unit_test(test_pair__string_prompt_beside_lists_is_implicit),
        cmocka_unit_test(test_pair__problems_are_named),
        cmocka_unit_test(test_pair__openai_tool_calls_are_checked),
        cmocka_unit_test(test_pair__hash_counts_the_rejected_side),
        cmocka_unit_test(test_pair__completion_and_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
