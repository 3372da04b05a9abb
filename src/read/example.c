#include "read/example.h"

#include <stdint.h>
#include <string.h>

#include "util/sha256.h"
#include "util/simd_scan.h"

static const char *const error_names[EX_ERROR_KIND_COUNT] = {
    [EX_OK] = "ok",
    [EX_INVALID_JSON] = "invalid_json",
    [EX_INVALID_UTF8] = "invalid_utf8",
    [EX_NUL_BYTE] = "nul_byte",
    [EX_LINE_TOO_LONG] = "line_too_long",
    [EX_TOO_DEEP] = "too_deep",
    [EX_DATA_TYPE] = "data_type",
    [EX_MISSING_MESSAGES_LIST] = "missing_messages_list",
    [EX_MESSAGE_MISSING_KEY] = "message_missing_key",
    [EX_MESSAGE_UNRECOGNIZED_KEY] = "message_unrecognized_key",
    [EX_UNRECOGNIZED_ROLE] = "unrecognized_role",
    [EX_MISSING_CONTENT] = "missing_content",
    [EX_MISSING_FIELD] = "missing_field",
    [EX_TURN_ORDER] = "turn_order",
    [EX_EXAMPLE_MISSING_ASSISTANT_MESSAGE] = "example_missing_assistant_message",
    [EX_ENDS_WITHOUT_REPLY] = "ends_without_reply",
    [EX_EMPTY_MESSAGE] = "empty_message",
    [EX_TOOL_ARGUMENTS_INVALID] = "tool_arguments_invalid",
    [EX_TOOL_UNDECLARED] = "tool_undeclared",
    [EX_TOOL_MISSING_PARAMETER] = "tool_missing_parameter",
    [EX_REPLY_NOT_ASSISTANT] = "reply_not_assistant",
    [EX_NO_SHARED_PROMPT] = "no_shared_prompt",
};

const char *example_error_name(enum example_error kind)
{
    if ((unsigned)kind >= EX_ERROR_KIND_COUNT)
        return "unknown";
    return error_names[kind];
}

void example_add_issue(struct example *ex, enum example_error kind, size_t line, const char *message)
{
    ex->errors |= 1u << kind;
    if (ex->n_issues >= EXAMPLE_MAX_ISSUES)
        return;
    ex->issues[ex->n_issues].kind = kind;
    ex->issues[ex->n_issues].line = line;
    ex->issues[ex->n_issues].column = 0;
    ex->issues[ex->n_issues].char_column = 0;
    ex->issues[ex->n_issues].message = message;
    ex->n_issues++;
}

size_t utf8_chars(const char *s, size_t len)
{
    /* Every code point has exactly one byte that is not a continuation byte (10xxxxxx). */
    return simd_best()->count_code_points((const unsigned char *)s, len);
}

/*
 * Canonical form (docs/canonical.md): a version tag, then per turn its normalized role,
 * its text and its tool calls, every variable part length-prefixed so that no two
 * different conversations can produce the same bytes. JSON key order, whitespace and
 * escapes never reach it; ShareGPT "human" and OpenAI "user" hash alike on purpose,
 * so converting a file between formats is not a content change.
 */
static void put_len(struct sha256 *h, size_t n)
{
    unsigned char b[8];
    uint64_t v = n;
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    sha256_update(h, b, 8);
}

static void put_field(struct sha256 *h, char tag, const char *s, size_t len)
{
    sha256_update(h, &tag, 1);
    put_len(h, len);
    sha256_update(h, s, len);
}

static const char *canonical_role(const struct turn *t, size_t *len)
{
    static const char *const names[] = {
        [ROLE_NONE] = "", [ROLE_SYSTEM] = "system", [ROLE_USER] = "user",
        [ROLE_ASSISTANT] = "assistant", [ROLE_TOOL] = "tool", [ROLE_FUNCTION] = "function",
    };
    if (t->role == ROLE_OTHER) {
        *len = t->role_name_len;
        return t->role_name;
    }
    *len = strlen(names[t->role]);
    return names[t->role];
}

static void put_turns(struct sha256 *h, const struct turn *turns, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct turn *t = &turns[i];
        size_t role_len;
        const char *role = canonical_role(t, &role_len);
        put_field(h, 'r', role, role_len);
        if (t->text)
            put_field(h, 't', t->text, t->text_len);
        else
            sha256_update(h, "n", 1);
        for (size_t j = 0; j < t->n_tool_calls; j++) {
            const struct tool_call *c = &t->tool_calls[j];
            put_field(h, 'c', c->name ? c->name : "", c->name ? c->name_len : 0);
            put_field(h, 'a', c->arguments ? c->arguments : "", c->arguments ? c->arguments_len : 0);
        }
    }
}

void example_hash(unsigned char out[32], const struct example *ex)
{
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, "dsci-example-v1", 15);
    put_len(&h, ex->n_turns);
    put_turns(&h, ex->turns, ex->n_turns);
    if (ex->format == FORMAT_PREFERENCE) {
        /* after the chosen side, so the other formats' bytes (and hashes) stay as they
         * were: 'P', where the prompt ends, whether there is a rejected side, its turns */
        sha256_update(&h, "P", 1);
        put_len(&h, ex->n_prompt_turns);
        sha256_update(&h, ex->has_rejected ? "y" : "n", 1);
        put_len(&h, ex->n_rejected);
        put_turns(&h, ex->rejected, ex->n_rejected);
    }
    sha256_final(&h, out);
}
