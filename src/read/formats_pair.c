/*
 * Preference pairs: a record becomes the prompt's turns followed by the chosen reply's
 * (ex->turns, the conversation training moves towards), and the rejected reply's turns
 * apart (ex->rejected). Three shapes (docs/formats.md):
 *   TRL explicit   prompt + chosen + rejected, each a string or a list of messages;
 *   TRL implicit   chosen + rejected only: the prompt is their shared start, split the
 *                  way TRL's extract_prompt splits it, so dsci judges the pair the
 *                  trainer will see;
 *   OpenAI         input {messages, tools}, preferred_output, non_preferred_output
 *                  (one assistant message each).
 * Problems are issues worded with the record's keys; empty texts are judged here, not in
 * the format gate, since only here is each turn's key known.
 */
#include "read/reader_impl.h"

#include <string.h>

#include "util/utf8.h"
#include "util/xalloc.h"

static const char *role_word(const struct turn *t)
{
    switch (t->role) {
    case ROLE_SYSTEM: return "a system message";
    case ROLE_USER: return "a user message";
    case ROLE_ASSISTANT: return "an assistant message";
    case ROLE_TOOL: return "a tool message";
    case ROLE_FUNCTION: return "a function message";
    case ROLE_NONE: return "a message without a role";
    default: return "a message with an unrecognized role";
    }
}

/* Blank texts of turns [from, n_turns), named name[from - base + i]. */
static void check_blank(struct reader *rd, size_t from, size_t base, const char *name, bool one_string)
{
    struct example *ex = &rd->ex;
    for (size_t i = from; i < ex->n_turns; i++) {
        const struct turn *t = &rd->turns[i];
        if (!t->text || !utf8_is_blank(t->text, t->text_len))
            continue;
        if (t->role == ROLE_ASSISTANT && t->n_tool_calls)
            continue;   /* a message that calls tools may have no content */
        if (one_string)
            ISSUE(rd, EX_EMPTY_MESSAGE, ex->line, "'%s' is empty or whitespace only", name);
        else
            ISSUE(rd, EX_EMPTY_MESSAGE, ex->line, "%s[%zu] is empty or whitespace only", name, i - base);
        return;
    }
}

enum side_form { SIDE_NONE = 0, SIDE_STRING, SIDE_LIST };

/*
 * Appends one side (a string or a list of messages) to the reader's turns. Returns its
 * form, SIDE_NONE (with an issue, unless `optional` and absent) when it is neither.
 * An empty list of a reply is an issue of its shape; of a prompt, of its absence.
 */
static enum side_form read_side(struct reader *rd, struct record *r, const struct raw_field *f,
                                enum list_id id, const char *name, enum role string_role,
                                size_t *budget)
{
    struct example *ex = &rd->ex;
    const struct raw_list *l = &r->lists[id];
    if (f->type == V_STRING) {
        struct turn *t = ALLOC_APPEND(rd->turns, ex->n_turns, rd->alloc_turns);
        t->role = string_role;
        t->text = f->s;
        t->text_len = f->len;
        t->text_chars = utf8_chars(f->s, f->len);
        return SIDE_STRING;
    }
    if (!l->present || !l->is_array) {
        if (f->type == V_ABSENT)
            ISSUE(rd, EX_MISSING_FIELD, ex->line, "'%s' is missing", name);
        else if (f->type == V_NULL)
            ISSUE(rd, EX_MISSING_FIELD, ex->line, "'%s' is null", name);
        else
            ISSUE(rd, EX_MISSING_FIELD, ex->line, "'%s' is not a string or a list of messages", name);
        return SIDE_NONE;
    }
    if (l->n_elements == 0) {
        if (id == LIST_PROMPT)
            ISSUE(rd, EX_NO_SHARED_PROMPT, ex->line, "'prompt' is an empty list: no prompt to answer");
        else
            ISSUE(rd, EX_REPLY_NOT_ASSISTANT, ex->line, "'%s' is an empty list: no reply", name);
        return SIDE_LIST;
    }
    formats_list_turns(rd, r, l, name, FORMAT_PREFERENCE, false, budget);
    return SIDE_LIST;
}

/* Every turn of a reply [from, n_turns) must be the assistant's: DPO trains on it. */
static void check_reply_roles(struct reader *rd, size_t from, size_t base, const char *name)
{
    struct example *ex = &rd->ex;
    for (size_t i = from; i < ex->n_turns; i++) {
        if (rd->turns[i].role == ROLE_ASSISTANT)
            continue;
        ISSUE(rd, EX_REPLY_NOT_ASSISTANT, ex->line, "%s[%zu] is %s: a reply holds assistant messages only",
              name, i - base, role_word(&rd->turns[i]));
        return;
    }
}

/* Moves turns [from, n_turns) to the rejected array. */
static void move_to_rejected(struct reader *rd, size_t from)
{
    struct example *ex = &rd->ex;
    size_t n = ex->n_turns - from;
    rd->n_rejected = 0;
    if (n) {
        ALLOC_GROW(rd->rejected, n, rd->alloc_rejected);
        memcpy(rd->rejected, rd->turns + from, n * sizeof(*rd->turns));
    }
    rd->n_rejected = n;
    ex->n_turns = from;
}

static bool same_turn(const struct turn *a, const struct turn *b)
{
    if (a->role != b->role || a->role_name_len != b->role_name_len ||
        (a->role_name_len && memcmp(a->role_name, b->role_name, a->role_name_len) != 0))
        return false;
    if (!a->text != !b->text || a->text_len != b->text_len ||
        (a->text_len && memcmp(a->text, b->text, a->text_len) != 0))
        return false;
    if (a->n_tool_calls != b->n_tool_calls)
        return false;
    for (size_t i = 0; i < a->n_tool_calls; i++) {
        const struct tool_call *x = &a->tool_calls[i], *y = &b->tool_calls[i];
        if (x->name_len != y->name_len || x->arguments_len != y->arguments_len ||
            !x->name != !y->name || !x->arguments != !y->arguments ||
            (x->name_len && memcmp(x->name, y->name, x->name_len) != 0) ||
            (x->arguments_len && memcmp(x->arguments, y->arguments, x->arguments_len) != 0))
            return false;
    }
    return true;
}

size_t formats_shared_turns(const struct turn *a, size_t na, const struct turn *b, size_t nb)
{
    size_t n = na < nb ? na : nb, k = 0;
    while (k < n && same_turn(&a[k], &b[k]))
        k++;
    /* TRL's loop ends on its last index when nothing differs: the shorter side keeps
     * its last message as its reply */
    if (k == n && n > 0)
        k = n - 1;
    return k;
}

size_t formats_shared_prefix(const char *a, size_t na, const char *b, size_t nb)
{
    size_t n = na < nb ? na : nb, k = 0;
    while (k < n && a[k] == b[k])
        k++;
    bool differ = k < n;
    if (!differ && n > 0)
        k = n - 1;   /* nothing differs: as TRL, the last character stays with the replies */
    /* TRL counts characters: a split inside a UTF-8 sequence moves to its start */
    while (k > 0 && ((unsigned char)a[k] & 0xC0) == 0x80)
        k--;
    if (differ && k > 0 && a[k - 1] == ' ')
        k--;   /* TRL: the space before the first difference goes with the replies */
    return k;
}

/* chosen + rejected strings: the shared start is the prompt (possibly empty). */
static void implicit_strings(struct reader *rd, const struct raw_field *c, const struct raw_field *j)
{
    struct example *ex = &rd->ex;
    size_t k = formats_shared_prefix(c->s, c->len, j->s, j->len);
    ex->n_turns = 0;
    if (k) {
        struct turn *p = ALLOC_APPEND(rd->turns, ex->n_turns, rd->alloc_turns);
        p->role = ROLE_USER;
        p->text = c->s;
        p->text_len = k;
        p->text_chars = utf8_chars(c->s, k);
        ex->n_prompt_turns = 1;
    }
    const struct raw_field *sides[2] = { c, j };
    for (int s = 0; s < 2; s++) {
        struct turn *t = ALLOC_APPEND(rd->turns, ex->n_turns, rd->alloc_turns);
        t->role = ROLE_ASSISTANT;
        t->text = sides[s]->s + k;
        t->text_len = sides[s]->len - k;
        t->text_chars = utf8_chars(t->text, t->text_len);
    }
    const char *names[2] = { "chosen", "rejected" };
    for (int s = 0; s < 2; s++) {
        const struct turn *t = &rd->turns[ex->n_turns - 2 + s];
        if (utf8_is_blank(t->text, t->text_len))
            ISSUE(rd, EX_EMPTY_MESSAGE, ex->line, "'%s' is empty or whitespace only%s", names[s],
                  k ? " after the shared prompt" : "");
    }
    move_to_rejected(rd, ex->n_turns - 1);
}

static void build_trl(struct reader *rd, struct record *r)
{
    struct example *ex = &rd->ex;
    size_t budget = READER_MAX_TOOL_CALLS_CHECKED;
    /* TRL's maybe_extract_prompt: a prompt of the other form than the replies (a string
     * beside message lists, as HuggingFaceH4/ultrafeedback_binarized keeps one for
     * display) is not what the trainer uses: it takes the prompt from chosen and
     * rejected. Only a prompt of the replies' form is explicit. */
    bool prompt_is_list = r->lists[LIST_PROMPT].present && r->lists[LIST_PROMPT].is_array;
    bool chosen_is_list = r->lists[LIST_CHOSEN].present && r->lists[LIST_CHOSEN].is_array;
    bool chosen_is_string = r->chosen.type == V_STRING;
    bool explicit = r->prompt.type != V_ABSENT && !(chosen_is_list && !prompt_is_list) &&
                    !(chosen_is_string && prompt_is_list);

    if (!explicit && r->chosen.type == V_STRING && r->rejected.type == V_STRING) {
        implicit_strings(rd, &r->chosen, &r->rejected);
        ex->has_rejected = true;
        return;
    }
    if (explicit) {
        enum side_form pf = read_side(rd, r, &r->prompt, LIST_PROMPT, "prompt", ROLE_USER, &budget);
        if (pf == SIDE_STRING && r->prompt.len == 0)
            ex->n_turns = 0;   /* an empty prompt string: the replies continue nothing */
        if (pf == SIDE_LIST)
            check_blank(rd, 0, 0, "prompt", false);
        ex->n_prompt_turns = ex->n_turns;
    }
    size_t chosen_at = ex->n_turns;
    enum side_form cf = read_side(rd, r, &r->chosen, LIST_CHOSEN, "chosen", ROLE_ASSISTANT, &budget);
    check_blank(rd, chosen_at, chosen_at, "chosen", cf == SIDE_STRING);
    if (explicit && cf == SIDE_LIST)
        check_reply_roles(rd, chosen_at, chosen_at, "chosen");
    size_t rejected_at = ex->n_turns;
    uint32_t errors_before = ex->errors;
    enum side_form jf = read_side(rd, r, &r->rejected, LIST_REJECTED, "rejected", ROLE_ASSISTANT, &budget);
    /* read without a problem of its own; an empty text still counts (the gate fails it) */
    ex->has_rejected = jf != SIDE_NONE && ex->errors == errors_before;
    check_blank(rd, rejected_at, rejected_at, "rejected", jf == SIDE_STRING);
    if (explicit && jf == SIDE_LIST)
        check_reply_roles(rd, rejected_at, rejected_at, "rejected");
    if (cf != SIDE_NONE && jf != SIDE_NONE && cf != jf)
        ISSUE(rd, EX_MISSING_FIELD, ex->line, "'chosen' is %s and 'rejected' %s: both must be strings or both lists",
              cf == SIDE_STRING ? "a string" : "a list of messages",
              jf == SIDE_STRING ? "a string" : "a list of messages");

    move_to_rejected(rd, rejected_at);
    /* implicit prompt, message lists: the shared leading messages are the prompt */
    if (explicit || cf != SIDE_LIST || jf != SIDE_LIST)
        return;
    size_t k = formats_shared_turns(rd->turns, ex->n_turns, rd->rejected, rd->n_rejected);
    if (k == 0) {
        ISSUE(rd, EX_NO_SHARED_PROMPT, ex->line, "'chosen' and 'rejected' share no leading message: no prompt "
              "(without a 'prompt' key, the prompt is their shared start)");
        return;
    }
    ex->n_prompt_turns = k;
    check_reply_roles(rd, k, 0, "chosen");
    /* the rejected side's reply, checked where the reader keeps it */
    for (size_t i = k; i < rd->n_rejected; i++) {
        if (rd->rejected[i].role == ROLE_ASSISTANT)
            continue;
        ISSUE(rd, EX_REPLY_NOT_ASSISTANT, ex->line, "rejected[%zu] is %s: a reply holds assistant messages only",
              i, role_word(&rd->rejected[i]));
        break;
    }
    rd->rejected_from = k;
}

/* One of OpenAI's outputs: a list of exactly one assistant message. */
static bool read_output(struct reader *rd, struct record *r, enum list_id id, const char *name, size_t *budget)
{
    struct example *ex = &rd->ex;
    const struct raw_list *l = &r->lists[id];
    if (!l->present || !l->is_array) {
        ISSUE(rd, EX_MISSING_FIELD, ex->line, l->present ? "'%s' is not a list" : "'%s' is missing", name);
        return false;
    }
    size_t at = ex->n_turns;
    uint32_t errors_before = ex->errors;
    formats_list_turns(rd, r, l, name, FORMAT_PREFERENCE, true, budget);
    bool read = ex->errors == errors_before;
    if (l->n_elements != 1)
        ISSUE(rd, EX_REPLY_NOT_ASSISTANT, ex->line, "'%s' has %zu messages: it takes exactly one assistant message",
              name, l->n_elements);
    else
        check_reply_roles(rd, at, at, name);
    check_blank(rd, at, at, name, false);
    return read && l->n_elements == 1;
}

static void build_openai(struct reader *rd, struct record *r)
{
    struct example *ex = &rd->ex;
    size_t budget = READER_MAX_TOOL_CALLS_CHECKED;
    const struct raw_list *l = &r->lists[LIST_MESSAGES];
    if (!r->input_is_object) {
        ISSUE(rd, EX_MISSING_FIELD, ex->line, r->input_type == V_ABSENT ? "'input' is missing"
                                                                       : "'input' is not an object");
    } else if (!l->present || !l->is_array) {
        ISSUE(rd, EX_MISSING_MESSAGES_LIST, ex->line, l->present ? "'input.messages' is not an array"
                                                                 : "no 'input.messages' array");
    } else if (l->n_elements == 0) {
        ISSUE(rd, EX_NO_SHARED_PROMPT, ex->line, "'input.messages' is an empty list: no prompt to answer");
    } else {
        formats_list_turns(rd, r, l, "input.messages", FORMAT_PREFERENCE, true, &budget);
        check_blank(rd, 0, 0, "input.messages", false);
    }
    ex->n_prompt_turns = ex->n_turns;
    read_output(rd, r, LIST_PREFERRED, "preferred_output", &budget);
    size_t rejected_at = ex->n_turns;
    ex->has_rejected = read_output(rd, r, LIST_NON_PREFERRED, "non_preferred_output", &budget);
    move_to_rejected(rd, rejected_at);
}

void formats_build_completion_messages(struct reader *rd, struct record *r)
{
    struct example *ex = &rd->ex;
    size_t budget = READER_MAX_TOOL_CALLS_CHECKED;
    /* the prompt may be empty, as in the string form: then the completion continues nothing */
    if (!(r->prompt.type == V_STRING && r->prompt.len == 0)) {
        enum side_form pf = read_side(rd, r, &r->prompt, LIST_PROMPT, "prompt", ROLE_USER, &budget);
        check_blank(rd, 0, 0, "prompt", pf == SIDE_STRING);
    }
    size_t completion_at = ex->n_turns;
    enum side_form cf = read_side(rd, r, &r->completion, LIST_COMPLETION, "completion", ROLE_ASSISTANT, &budget);
    check_blank(rd, completion_at, completion_at, "completion", cf == SIDE_STRING);
    if (cf == SIDE_LIST)
        check_reply_roles(rd, completion_at, completion_at, "completion");
}

void formats_build_preference(struct reader *rd, struct record *r)
{
    rd->n_rejected = 0;
    rd->rejected_from = 0;
    if (r->input_is_object || r->lists[LIST_PREFERRED].present || r->lists[LIST_NON_PREFERRED].present)
        build_openai(rd, r);
    else
        build_trl(rd, r);
}
