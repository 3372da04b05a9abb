/*
 * Format mapping: a parsed struct record becomes the normalized example. ShareGPT and
 * OpenAI chat share one path (their list, role and text keys differ; OpenAI adds its
 * key rules and tool calls checked against the record's declared tools); Alpaca's
 * instruction, input and output become two turns; a completion record its prompt and
 * completion, a text record one turn. Preference pairs are read/formats_pair.c's. Every
 * problem is an issue on the example, worded with the record's own key names.
 */
#include "read/reader_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/json_fast.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* A name from the record for a message: at most reader_quote_len() bytes, a NUL shown as
 * \u0000 (printed with %s it would cut the name short: "assistant\u0000x" read as
 * 'assistant'). `out` holds SHOWN_MAX bytes. */
#define SHOWN_MAX 256
static const char *shown(char *out, const char *s, size_t len)
{
    int n = reader_quote_len(s, len);
    size_t k = 0;
    for (int i = 0; i < n && k + 7 < SHOWN_MAX; i++) {
        if (s[i] == '\0') {
            memcpy(out + k, "\\u0000", 6);
            k += 6;
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = '\0';
    return out;
}

static enum role map_role(const struct reader_options *o, enum dataset_format format,
                          const char *name, size_t len)
{
    if (format == FORMAT_SHAREGPT) {
        if (key_is((const unsigned char *)name, len, o->role_human, strlen(o->role_human)))
            return ROLE_USER;
        if (key_is((const unsigned char *)name, len, o->role_assistant, strlen(o->role_assistant)))
            return ROLE_ASSISTANT;
        if (key_is((const unsigned char *)name, len, o->role_system, strlen(o->role_system)))
            return ROLE_SYSTEM;
        return ROLE_OTHER;
    }
    const unsigned char *k = (const unsigned char *)name;
    if (KEY_IS(k, len, "user")) return ROLE_USER;
    if (KEY_IS(k, len, "assistant")) return ROLE_ASSISTANT;
    if (KEY_IS(k, len, "system")) return ROLE_SYSTEM;
    if (KEY_IS(k, len, "tool")) return ROLE_TOOL;
    if (KEY_IS(k, len, "function")) return ROLE_FUNCTION;
    return ROLE_OTHER;
}

static const char *value_type_name(enum value_type t)
{
    static const char *const names[] = {
        [V_ABSENT] = "missing", [V_STRING] = "a string", [V_NULL] = "null", [V_OTHER] = "not a string",
    };
    return (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] : names[V_ABSENT];
}

static struct turn *add_turn(struct reader *rd)
{
    return ALLOC_APPEND(rd->turns, rd->ex.n_turns, rd->alloc_turns);
}

/* Top-level keys of a tool call's arguments, which must be a JSON object. */
struct args_scan {
    int depth;
    bool is_object, first;
    const char **keys;
    size_t *key_lens;
    size_t n, alloc;
    struct arena *arena;
};

static int args_start_map(void *ctx)
{
    struct args_scan *a = ctx;
    if (a->first)
        a->is_object = true;
    a->first = false;
    a->depth++;
    return a->depth < READER_MAX_DEPTH;
}

static int args_start_array(void *ctx)
{
    struct args_scan *a = ctx;
    a->first = false;
    a->depth++;
    return a->depth < READER_MAX_DEPTH;
}

static int args_end(void *ctx)
{
    ((struct args_scan *)ctx)->depth--;
    return 1;
}

static int args_key(void *ctx, const unsigned char *k, size_t n)
{
    struct args_scan *a = ctx;
    if (a->depth != 1)
        return 1;
    if (a->n + 1 > a->alloc) {
        size_t cap = a->alloc ? a->alloc * 2 : 8;
        a->keys = arena_realloc(a->arena, a->keys, a->alloc * sizeof(*a->keys), cap * sizeof(*a->keys));
        a->key_lens = arena_realloc(a->arena, a->key_lens, a->alloc * sizeof(*a->key_lens),
                                    cap * sizeof(*a->key_lens));
        a->alloc = cap;
    }
    a->keys[a->n] = arena_dup(a->arena, k, n);
    a->key_lens[a->n++] = n;
    return 1;
}

static int args_scalar(void *ctx)
{
    ((struct args_scan *)ctx)->first = false;
    return 1;
}

static int args_bool(void *ctx, int v)
{
    (void)v;
    return args_scalar(ctx);
}

static int args_number(void *ctx, const char *s, size_t n)
{
    (void)s;
    (void)n;
    return args_scalar(ctx);
}

static int args_string(void *ctx, const unsigned char *s, size_t n)
{
    (void)s;
    (void)n;
    return args_scalar(ctx);
}

static const yajl_callbacks args_callbacks = {
    args_scalar, args_bool, NULL, NULL, args_number, args_string,
    args_start_map, args_key, args_end, args_start_array, args_end,
};

static void args_start(struct args_scan *out, struct arena *arena)
{
    memset(out, 0, sizeof(*out));
    out->first = true;
    out->arena = arena;
}

static bool parse_args(struct arena *arena, const char *text, size_t len, struct args_scan *out)
{
    /* the fast path first, as for records (read/json_fast.h); yajl for what it refuses */
    args_start(out, arena);
    if (json_fast_enabled() && json_fast_parse(&args_callbacks, out, arena, text, len))
        return out->is_object;
    args_start(out, arena);
    yajl_alloc_funcs funcs = record_yajl_funcs(arena);
    yajl_handle h = yajl_alloc(&args_callbacks, &funcs, out);
    bool ok = yajl_parse(h, (const unsigned char *)text, len) == yajl_status_ok &&
              yajl_complete_parse(h) == yajl_status_ok;
    yajl_free(h);
    return ok && out->is_object;
}

bool reader_json_is_object(const char *text, size_t len)
{
    struct arena arena = ARENA_INIT;
    struct args_scan scan;
    bool ok = parse_args(&arena, text, len, &scan);
    arena_release(&arena);
    return ok;
}

static const struct tool_decl *find_tool(const struct record *r, const char *name, size_t len)
{
    for (size_t i = 0; i < r->n_tools; i++)
        if (r->tools[i].name && r->tools[i].name_len == len && memcmp(r->tools[i].name, name, len) == 0)
            return &r->tools[i];
    return NULL;
}

struct name_ref {
    const char *name;
    size_t len;
};

static int cmp_name_ref(const void *pa, const void *pb)
{
    const struct name_ref *a = pa, *b = pb;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return memcmp(a->name, b->name, a->len);
}

static void check_tool_calls(struct reader *rd, struct record *r, const struct raw_message *m,
                             const char *list_name, size_t msg_index, size_t *budget)
{
    struct example *ex = &rd->ex;
    /* "message 3" in a chat record, as it always read; "chosen[3]" in a pair's lists */
    char at[64];
    if (list_name)
        snprintf(at, sizeof(at), "%.40s[%zu]", list_name, msg_index);
    else
        snprintf(at, sizeof(at), "message %zu", msg_index);
    for (size_t j = 0; j < m->n_calls; j++) {
        /* Each call is checked against the declared tools (a linear search); a record
         * with more calls than the budget has the rest parsed but not validated. */
        if (*budget == 0)
            return;
        (*budget)--;
        const struct tool_call *c = &m->calls[j];
        struct args_scan args;
        if (!c->name) {
            ISSUE(rd, EX_TOOL_UNDECLARED, ex->line, "%s: tool call %zu has no function.name",
                                           at, j);
            continue;
        }
        if (!c->arguments || !parse_args(&rd->arena, c->arguments, c->arguments_len, &args)) {
            ISSUE(rd, EX_TOOL_ARGUMENTS_INVALID, ex->line, "%s: arguments of tool call '%s' are not a JSON object",
                                           at, shown((char[SHOWN_MAX]){0}, c->name, c->name_len));
            continue;
        }
        if (!r->has_tools)
            continue;
        const struct tool_decl *t = find_tool(r, c->name, c->name_len);
        if (!t) {
            ISSUE(rd, EX_TOOL_UNDECLARED, ex->line, "%s: calls '%s', which `tools` does not declare",
                                           at, shown((char[SHOWN_MAX]){0}, c->name, c->name_len));
            continue;
        }
        /* sorted once, then each required name is a binary search: a hostile call with
         * 40k parameters against 40k required names stays fast */
        struct name_ref *sorted = arena_alloc(&rd->arena, (args.n ? args.n : 1) * sizeof(*sorted));
        for (size_t k = 0; k < args.n; k++) {
            sorted[k].name = args.keys[k];
            sorted[k].len = args.key_lens[k];
        }
        qsort(sorted, args.n, sizeof(*sorted), cmp_name_ref);
        for (size_t p = 0; p < t->n_required; p++) {
            struct name_ref want = { t->required[p], t->required_len[p] };
            bool found = bsearch(&want, sorted, args.n, sizeof(*sorted), cmp_name_ref) != NULL;
            if (!found) {
                ISSUE(rd, EX_TOOL_MISSING_PARAMETER, ex->line, "%s: call to '%s' lacks required parameter '%s'",
                                               at, shown((char[SHOWN_MAX]){0}, c->name, c->name_len),
                                               shown((char[SHOWN_MAX]){0}, t->required[p], t->required_len[p]));
            }
        }
    }
}

enum dataset_format formats_detect(const struct record *r)
{
    /* one side of a pair alone is still a pair, with a side missing: the format gate
     * names it, where reading it as ShareGPT would only say "no conversations" */
    if (r->chosen.type != V_ABSENT || r->rejected.type != V_ABSENT ||
        r->lists[LIST_PREFERRED].present || r->lists[LIST_NON_PREFERRED].present)
        return FORMAT_PREFERENCE;
    if (r->completion.type != V_ABSENT)
        return FORMAT_COMPLETION;
    if (r->text.type != V_ABSENT && !r->lists[LIST_CONVERSATIONS].present &&
        !r->lists[LIST_MESSAGES].present && r->instruction_type == V_ABSENT)
        return FORMAT_TEXT;
    if (r->lists[LIST_CONVERSATIONS].present)
        return FORMAT_SHAREGPT;
    if (r->lists[LIST_MESSAGES].present)
        return FORMAT_OPENAI;
    if (r->instruction_type != V_ABSENT)
        return FORMAT_ALPACA;
    return FORMAT_SHAREGPT;
}

void formats_build_chat(struct reader *rd, struct record *r, enum dataset_format format)
{
    struct example *ex = &rd->ex;
    const struct raw_list *l = &r->lists[format == FORMAT_SHAREGPT ? LIST_CONVERSATIONS : LIST_MESSAGES];
    const char *list_name = format == FORMAT_SHAREGPT ? "conversations" : "messages";

    if (!l->present || !l->is_array) {
        ISSUE(rd, EX_MISSING_MESSAGES_LIST, ex->line, l->present ? "'%s' is not an array" : "no '%s' array",
                                       list_name);
        return;
    }
    size_t tool_call_budget = READER_MAX_TOOL_CALLS_CHECKED;
    formats_list_turns(rd, r, l, list_name, format, format == FORMAT_OPENAI, &tool_call_budget);
}

void formats_list_turns(struct reader *rd, struct record *r, const struct raw_list *l,
                        const char *list_name, enum dataset_format format, bool openai_keys,
                        size_t *tool_call_budget)
{
    struct example *ex = &rd->ex;
    const char *role_key = format == FORMAT_SHAREGPT ? "from" : "role";
    const char *text_key = format == FORMAT_SHAREGPT ? "value" : "content";
    /* OpenAI's rule: a message that calls a tool may do without content */
    bool calls_excuse_content = format != FORMAT_SHAREGPT;
    if (l->has_non_object)
        ISSUE(rd, EX_DATA_TYPE, ex->line, "%s[%zu] is not an object", list_name, l->first_non_object);
    if (l->truncated)
        ISSUE(rd, EX_DATA_TYPE, ex->line, "more than %d messages in one record: only the first %d are read",
              READER_MAX_MESSAGES, READER_MAX_MESSAGES);
    for (size_t k = 0; k < l->n; k++) {
        const struct raw_message *m = &l->items[k];
        size_t i = m->index;
        struct turn *t = add_turn(rd);
        if (m->role_type == V_STRING) {
            t->role_name = m->role;
            t->role_name_len = m->role_len;
            t->role = map_role(rd->o, format, m->role, m->role_len);
            if (t->role == ROLE_OTHER)
                ISSUE(rd, EX_UNRECOGNIZED_ROLE, ex->line, "%s[%zu]: unrecognized role '%s'", list_name, i,
                                               shown((char[SHOWN_MAX]){0}, m->role, m->role_len));
        } else {
            ISSUE(rd, EX_MESSAGE_MISSING_KEY, ex->line, "%s[%zu]: '%s' is %s", list_name, i, role_key,
                                           value_type_name(m->role_type));
        }
        if (m->text_type == V_STRING) {
            t->text = m->text;
            t->text_len = m->text_len;
            t->text_chars = utf8_chars(m->text, m->text_len);
        }
        t->tool_calls = m->calls;
        t->n_tool_calls = m->n_calls;
        bool carries_call = m->n_calls > 0 || m->has_function_call;
        if (m->text_type != V_STRING && !(calls_excuse_content && carries_call &&
                                          m->text_type != V_OTHER))
            ISSUE(rd, EX_MISSING_CONTENT, ex->line, "%s[%zu]: '%s' is %s", list_name, i, text_key,
                                           value_type_name(m->text_type));
        if (openai_keys && m->unknown_key)
            ISSUE(rd, EX_MESSAGE_UNRECOGNIZED_KEY, ex->line, "%s[%zu]: unrecognized key '%s'", list_name, i,
                                           shown((char[SHOWN_MAX]){0}, m->unknown_key, m->unknown_key_len));
        if (format != FORMAT_SHAREGPT)
            check_tool_calls(rd, r, m, format == FORMAT_OPENAI ? NULL : list_name, i, tool_call_budget);
    }
}

void formats_build_alpaca(struct reader *rd, struct record *r)
{
    struct example *ex = &rd->ex;
    struct turn *user = add_turn(rd);
    struct turn *assistant = add_turn(rd);
    user->role = ROLE_USER;
    assistant->role = ROLE_ASSISTANT;

    if (r->instruction_type != V_STRING)
        ISSUE(rd, EX_MISSING_FIELD, ex->line, "'instruction' is %s", value_type_name(r->instruction_type));
    if (r->output_type != V_STRING)
        ISSUE(rd, EX_MISSING_FIELD, ex->line, "'output' is %s", value_type_name(r->output_type));
    if (r->input_type != V_ABSENT && r->input_type != V_STRING && r->input_type != V_NULL)
        example_add_issue(ex, EX_MISSING_FIELD, ex->line, "'input' is not a string");

    if (r->instruction_type == V_STRING && r->output_type == V_STRING) {
        if (r->input_type == V_STRING && r->input_len > 0) {
            /* instruction + blank line + input: how Alpaca's own prompt presents them */
            char *joined = arena_alloc(&rd->arena, r->instruction_len + 2 + r->input_len + 1);
            memcpy(joined, r->instruction, r->instruction_len);
            memcpy(joined + r->instruction_len, "\n\n", 2);
            memcpy(joined + r->instruction_len + 2, r->input, r->input_len);
            user->text = joined;
            user->text_len = r->instruction_len + 2 + r->input_len;
        } else {
            user->text = r->instruction;
            user->text_len = r->instruction_len;
        }
    } else if (r->instruction_type == V_STRING) {
        user->text = r->instruction;
        user->text_len = r->instruction_len;
    }
    if (r->output_type == V_STRING) {
        assistant->text = r->output;
        assistant->text_len = r->output_len;
    }
    user->text_chars = user->text ? utf8_chars(user->text, user->text_len) : 0;
    assistant->text_chars = assistant->text ? utf8_chars(assistant->text, assistant->text_len) : 0;
}

/* A string side of a completion or text record: one turn of `role`, or an issue. An
 * empty or whitespace-only text is an issue here (the format gate judges the other
 * formats' empty messages from their turns, naming them by list index). */
static void string_turn(struct reader *rd, const struct raw_field *f, const char *key, enum role role,
                        bool may_be_empty)
{
    struct example *ex = &rd->ex;
    if (f->type != V_STRING) {
        ISSUE(rd, EX_MISSING_FIELD, ex->line, "'%s' is %s", key, value_type_name(f->type));
        return;
    }
    if (may_be_empty && f->len == 0)
        return;   /* no prompt: the completion continues nothing */
    struct turn *t = add_turn(rd);
    t->role = role;
    t->text = f->s;
    t->text_len = f->len;
    t->text_chars = utf8_chars(f->s, f->len);
    if (!may_be_empty && utf8_is_blank(f->s, f->len))
        ISSUE(rd, EX_EMPTY_MESSAGE, ex->line, "'%s' is empty or whitespace only", key);
}

void formats_build_completion(struct reader *rd, struct record *r)
{
    if ((r->lists[LIST_PROMPT].present && r->lists[LIST_PROMPT].is_array) ||
        (r->lists[LIST_COMPLETION].present && r->lists[LIST_COMPLETION].is_array)) {
        formats_build_completion_messages(rd, r);
        return;
    }
    /* OpenAI's legacy form allows an empty prompt, never an empty completion */
    string_turn(rd, &r->prompt, "prompt", ROLE_USER, true);
    string_turn(rd, &r->completion, "completion", ROLE_ASSISTANT, false);
}

void formats_build_text(struct reader *rd, struct record *r)
{
    /* the model learns every byte of it, as it learns a reply: quality's assistant
     * length and the tokens gate measure it (docs/formats.md) */
    string_turn(rd, &r->text, "text", ROLE_ASSISTANT, false);
}
