/*
 * One record through yajl's SAX interface: the callbacks keep only what the formats
 * need (lists of messages, tool calls and tools, Alpaca's fields, the string or list
 * sides of a preference pair, completion and text, the id and the coverage label) in
 * struct record, deciding at each container from its parent and
 * key what it is (child_node), so nothing else of the record is stored. Strings that
 * need no unescaping are used in place.
 */
#include "read/reader_impl.h"

#include <string.h>

#include "read/json_fast.h"
#include "util/xalloc.h"

/* Strings that lie inside the record's own bytes (no escapes) are used in place. */
static const char *keep_string(struct record *r, const unsigned char *s, size_t len)
{
    const char *p = (const char *)s;
    if (p >= r->src && p + len <= r->src + r->src_len)
        return p;
    return arena_dup(r->arena, s, len);
}

static struct sax_frame *top(struct record *r)
{
    return &r->stack[r->depth];
}

static struct raw_message *open_message(struct record *r)
{
    struct raw_list *l = &r->lists[r->current_list];
    return l->n ? &l->items[l->n - 1] : NULL;
}

static struct tool_call *open_call(struct record *r)
{
    struct raw_message *m = open_message(r);
    return m && m->n_calls ? &m->calls[m->n_calls - 1] : NULL;
}

#define ARENA_GROW(r, ptr, nr, alloc)                                                  \
    do {                                                                               \
        if ((nr) > (alloc)) {                                                          \
            size_t grow_new_ = (alloc) ? (alloc) * 2 : 8;                              \
            (ptr) = arena_realloc((r)->arena, (ptr), (alloc) * sizeof(*(ptr)),         \
                                  grow_new_ * sizeof(*(ptr)));                         \
            (alloc) = grow_new_;                                                       \
        }                                                                              \
    } while (0)

/*
 * What a value in the current position means: the node it opens (for containers)
 * is decided from the parent frame and the pending key.
 */
static enum node child_node(struct record *r, uint16_t *aux)
{
    struct sax_frame *f = top(r);
    *aux = 0;
    if (r->depth == 0)
        return N_ROOT;
    if (!f->is_map) {
        switch (f->node) {
        case N_LIST: return N_MESSAGE;
        case N_TOOL_CALLS: return N_TOOL_CALL;
        case N_TOOLS: return N_TOOL;
        default: return N_IGNORE;
        }
    }
    switch (f->node) {
    case N_ROOT:
        switch (r->key) {
        case K_CONVERSATIONS: *aux = LIST_CONVERSATIONS; return N_LIST;
        case K_MESSAGES: *aux = LIST_MESSAGES; return N_LIST;
        case K_TOOLS: return N_TOOLS;
        case K_LABEL: *aux = 1; return N_LABEL;
        case K_INPUT: return N_INPUT;
        case K_PROMPT: *aux = LIST_PROMPT; return N_LIST;
        case K_CHOSEN: *aux = LIST_CHOSEN; return N_LIST;
        case K_REJECTED: *aux = LIST_REJECTED; return N_LIST;
        case K_PREFERRED_OUTPUT: *aux = LIST_PREFERRED; return N_LIST;
        case K_NON_PREFERRED_OUTPUT: *aux = LIST_NON_PREFERRED; return N_LIST;
        case K_COMPLETION: *aux = LIST_COMPLETION; return N_LIST;
        default: return N_IGNORE;
        }
    case N_INPUT:
        switch (r->key) {
        case K_MESSAGES: *aux = LIST_MESSAGES; return N_LIST;
        case K_TOOLS: return N_TOOLS;
        default: return N_IGNORE;
        }
    case N_MESSAGE:
        return r->key == K_TOOL_CALLS ? N_TOOL_CALLS : N_IGNORE;
    case N_TOOL_CALL:
        return r->key == K_FUNCTION ? N_TOOL_CALL_FN : N_IGNORE;
    case N_TOOL:
        return r->key == K_FUNCTION ? N_TOOL_FN : N_IGNORE;
    case N_TOOL_FN:
        return r->key == K_PARAMETERS ? N_TOOL_PARAMS : N_IGNORE;
    case N_TOOL_PARAMS:
        return r->key == K_REQUIRED ? N_TOOL_REQUIRED : N_IGNORE;
    case N_LABEL:
        if (r->key == K_LABEL) {
            *aux = (uint16_t)(f->aux + 1);
            return N_LABEL;
        }
        return N_IGNORE;
    default:
        return N_IGNORE;
    }
}

/* A list key's value arrives: a repeated key replaces the earlier value, as in most
 * JSON readers; `present` false keeps a list that only a parent implies unseen. */
static void list_restart(struct record *r, enum list_id id, bool present)
{
    struct raw_list *l = &r->lists[id];
    l->present = present;
    l->is_array = false;
    l->n = l->n_elements = 0;
    l->has_non_object = l->truncated = false;
}

static void set_field(struct raw_field *f, enum value_type type, const char *str, size_t len)
{
    f->type = type;
    f->s = str;
    f->len = len;
}

/* A scalar or a container start arrives at the current position. */
static void on_value(struct record *r, enum value_type type, const unsigned char *s, size_t len,
                     const char *type_name)
{
    struct sax_frame *f = top(r);
    if (r->depth == 0) {
        r->root_type = type;
        r->root_type_name = type_name;
        return;
    }
    if (!f->is_map) {
        if (f->node == N_LIST) {
            struct raw_list *l = &r->lists[f->aux];
            size_t index = l->n_elements++;
            r->element_stored = false;
            if (type != V_OTHER || strcmp(type_name, "an object") != 0) {
                if (!l->has_non_object) {
                    l->has_non_object = true;
                    l->first_non_object = index;
                }
            } else if (l->n >= READER_MAX_MESSAGES) {
                l->truncated = true;
            } else {
                ALLOC_GROW(l->items, l->n + 1, l->alloc);
                memset(&l->items[l->n], 0, sizeof(struct raw_message));
                l->items[l->n++].index = index;
                r->current_list = f->aux;
                r->element_stored = true;
            }
        } else if (f->node == N_TOOL_REQUIRED && type == V_STRING && r->n_tools) {
            struct tool_decl *t = &r->tools[r->n_tools - 1];
            if (t->n_required + 1 > r->alloc_required) {
                size_t cap = r->alloc_required ? r->alloc_required * 2 : 8;
                t->required = arena_realloc(r->arena, t->required,
                                            r->alloc_required * sizeof(*t->required),
                                            cap * sizeof(*t->required));
                t->required_len = arena_realloc(r->arena, t->required_len,
                                                r->alloc_required * sizeof(*t->required_len),
                                                cap * sizeof(*t->required_len));
                r->alloc_required = cap;
            }
            t->required[t->n_required] = keep_string(r, s, len);
            t->required_len[t->n_required++] = len;
        }
        return;
    }

    const char *str = type == V_STRING ? keep_string(r, s, len) : NULL;
    switch (f->node) {
    case N_ROOT:
        switch (r->key) {
        case K_INSTRUCTION: r->instruction_type = type; r->instruction = str; r->instruction_len = len; break;
        case K_INPUT:
            r->input_type = type; r->input = str; r->input_len = len;
            r->input_is_object = type == V_OTHER && !strcmp(type_name, "an object");
            if (r->input_is_object)
                list_restart(r, LIST_MESSAGES, false);   /* input.messages may be absent */
            break;
        case K_OUTPUT: r->output_type = type; r->output = str; r->output_len = len; break;
        case K_CONVERSATIONS: list_restart(r, LIST_CONVERSATIONS, true); break;
        case K_MESSAGES: list_restart(r, LIST_MESSAGES, true); break;
        case K_PROMPT: set_field(&r->prompt, type, str, len); list_restart(r, LIST_PROMPT, true); break;
        case K_CHOSEN: set_field(&r->chosen, type, str, len); list_restart(r, LIST_CHOSEN, true); break;
        case K_REJECTED: set_field(&r->rejected, type, str, len); list_restart(r, LIST_REJECTED, true); break;
        case K_PREFERRED_OUTPUT: list_restart(r, LIST_PREFERRED, true); break;
        case K_NON_PREFERRED_OUTPUT: list_restart(r, LIST_NON_PREFERRED, true); break;
        case K_COMPLETION: set_field(&r->completion, type, str, len); list_restart(r, LIST_COMPLETION, true); break;
        case K_TEXT: set_field(&r->text, type, str, len); break;
        case K_TOOLS: r->has_tools = true; break;
        case K_ID:
            if (type == V_STRING || (type == V_OTHER && s)) {
                r->id = type == V_STRING ? str : keep_string(r, s, len);
                r->id_len = len;
            }
            break;
        case K_LABEL:
            if (r->n_label_segs == 1 && type == V_STRING) {
                r->label = str;
                r->label_len = len;
            }
            break;
        default: break;
        }
        break;
    case N_INPUT:
        if (r->key == K_MESSAGES)
            list_restart(r, LIST_MESSAGES, true);
        else if (r->key == K_TOOLS)
            r->has_tools = true;
        break;
    case N_MESSAGE: {
        struct raw_message *m = open_message(r);
        if (!m)
            break;
        switch (r->key) {
        case K_FROM: case K_ROLE: m->role_type = type; m->role = str; m->role_len = len; break;
        case K_VALUE: case K_CONTENT: m->text_type = type; m->text = str; m->text_len = len; break;
        case K_FUNCTION_CALL: m->has_function_call = type != V_NULL; break;
        default: break;
        }
        break;
    }
    case N_TOOL_CALL_FN: {
        struct tool_call *c = open_call(r);
        if (!c || type != V_STRING)
            break;
        if (r->key == K_NAME) {
            c->name = str;
            c->name_len = len;
        } else if (r->key == K_ARGUMENTS) {
            c->arguments = str;
            c->arguments_len = len;
        }
        break;
    }
    case N_TOOL_FN:
        if (r->key == K_NAME && type == V_STRING && r->n_tools) {
            r->tools[r->n_tools - 1].name = str;
            r->tools[r->n_tools - 1].name_len = len;
        }
        break;
    case N_LABEL:
        if (r->key == K_LABEL && f->aux + 1u == r->n_label_segs && type == V_STRING) {
            r->label = str;
            r->label_len = len;
        }
        break;
    default:
        break;
    }
}

static int cb_null(void *ctx)
{
    on_value(ctx, V_NULL, NULL, 0, "null");
    return 1;
}

static int cb_boolean(void *ctx, int v)
{
    (void)v;
    on_value(ctx, V_OTHER, NULL, 0, "a boolean");
    return 1;
}

static int cb_number(void *ctx, const char *s, size_t len)
{
    on_value(ctx, V_OTHER, (const unsigned char *)s, len, "a number");
    return 1;
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
    on_value(ctx, V_STRING, s, len, "a string");
    return 1;
}

static int push(struct record *r, bool is_map)
{
    uint16_t aux;
    enum node node;
    if (r->too_deep)
        return 0;
    if (r->depth >= READER_MAX_DEPTH) {
        r->too_deep = true;
        return 0; /* cancels the parse: yajl itself would happily go deeper */
    }
    on_value(r, V_OTHER, NULL, 0, is_map ? "an object" : "an array");
    node = child_node(r, &aux);
    /* A container of the wrong kind is ignored (and judged by the format rules later). */
    bool fits = true;
    switch (node) {
    case N_ROOT: case N_MESSAGE: case N_TOOL_CALL: case N_TOOL_CALL_FN: case N_TOOL:
    case N_TOOL_FN: case N_TOOL_PARAMS: case N_LABEL: case N_INPUT:
        fits = is_map;
        break;
    case N_LIST: case N_TOOL_CALLS: case N_TOOLS: case N_TOOL_REQUIRED:
        fits = !is_map;
        break;
    default:
        break;
    }
    if (!fits)
        node = N_IGNORE;

    if (node == N_LIST) {
        r->lists[aux].is_array = true;
    } else if (node == N_MESSAGE && !r->element_stored) {
        node = N_IGNORE; /* beyond READER_MAX_MESSAGES: counted, not kept */
    } else if (node == N_MESSAGE) {
        open_message(r)->is_object = true;
    } else if (node == N_TOOL_CALLS) {
        struct raw_message *m = open_message(r);
        if (m)
            m->n_calls = 0; /* a repeated tool_calls key replaces the earlier one */
    } else if (node == N_TOOL_CALL) {
        struct raw_message *m = open_message(r);
        ARENA_GROW(r, m->calls, m->n_calls + 1, m->alloc_calls);
        memset(&m->calls[m->n_calls++], 0, sizeof(struct tool_call));
    } else if (node == N_TOOLS) {
        r->n_tools = 0;
    } else if (node == N_TOOL) {
        ARENA_GROW(r, r->tools, r->n_tools + 1, r->alloc_tools);
        memset(&r->tools[r->n_tools++], 0, sizeof(struct tool_decl));
        r->alloc_required = 0;
    } else if (node == N_TOOL_REQUIRED && r->n_tools) {
        r->tools[r->n_tools - 1].n_required = 0;
    }

    r->depth++;
    r->stack[r->depth].node = (uint8_t)node;
    r->stack[r->depth].is_map = is_map;
    r->stack[r->depth].aux = aux;
    r->key = K_NONE;
    return 1;
}

static int cb_start_map(void *ctx)
{
    return push(ctx, true);
}

static int cb_start_array(void *ctx)
{
    return push(ctx, false);
}

static int cb_end(void *ctx)
{
    struct record *r = ctx;
    r->depth--;
    r->key = K_NONE;
    return 1;
}

/* The keys a node knows, each with its length so that a lookup compares lengths first. */
struct key_name {
    const char *name;
    size_t len;
    enum key key;
};
#define KEY_NAME(lit, k) { lit, sizeof(lit) - 1, k }

static const struct key_name root_keys[] = {
    KEY_NAME("conversations", K_CONVERSATIONS), KEY_NAME("messages", K_MESSAGES),
    KEY_NAME("tools", K_TOOLS), KEY_NAME("instruction", K_INSTRUCTION),
    KEY_NAME("input", K_INPUT), KEY_NAME("output", K_OUTPUT),
};
/* Looked up after the id and coverage fields, which a spec may name after one of these
 * (a "text" label in a ShareGPT file) and which kept their meaning before these existed. */
static const struct key_name pair_keys[] = {
    KEY_NAME("prompt", K_PROMPT), KEY_NAME("chosen", K_CHOSEN), KEY_NAME("rejected", K_REJECTED),
    KEY_NAME("completion", K_COMPLETION), KEY_NAME("text", K_TEXT),
    KEY_NAME("preferred_output", K_PREFERRED_OUTPUT),
    KEY_NAME("non_preferred_output", K_NON_PREFERRED_OUTPUT),
};
/* OpenAI preference `input`. */
static const struct key_name input_keys[] = {
    KEY_NAME("messages", K_MESSAGES), KEY_NAME("tools", K_TOOLS),
};
/* ShareGPT turns: only these two count. */
static const struct key_name turn_keys[] = {
    KEY_NAME("from", K_FROM), KEY_NAME("value", K_VALUE),
};
/* OpenAI-style messages; from/value are looked up to be named as unknown keys. */
static const struct key_name message_keys[] = {
    KEY_NAME("from", K_FROM), KEY_NAME("role", K_ROLE), KEY_NAME("name", K_NAME),
    KEY_NAME("value", K_VALUE), KEY_NAME("weight", K_WEIGHT), KEY_NAME("content", K_CONTENT),
    KEY_NAME("tool_calls", K_TOOL_CALLS), KEY_NAME("tool_call_id", K_TOOL_CALL_ID),
    KEY_NAME("function_call", K_FUNCTION_CALL),
};
static const struct key_name function_keys[] = { KEY_NAME("function", K_FUNCTION) };
static const struct key_name call_fn_keys[] = { KEY_NAME("name", K_NAME), KEY_NAME("arguments", K_ARGUMENTS) };
static const struct key_name tool_fn_keys[] = { KEY_NAME("name", K_NAME), KEY_NAME("parameters", K_PARAMETERS) };
static const struct key_name params_keys[] = { KEY_NAME("required", K_REQUIRED) };

/* The nodes whose keys are only a table (no other rule). */
#define NODE_KEYS(table) { (table), sizeof(table) / sizeof((table)[0]) }
static const struct {
    const struct key_name *table;
    size_t n;
} node_keys[] = {
    [N_TOOL_CALL] = NODE_KEYS(function_keys),
    [N_TOOL] = NODE_KEYS(function_keys),
    [N_TOOL_CALL_FN] = NODE_KEYS(call_fn_keys),
    [N_TOOL_FN] = NODE_KEYS(tool_fn_keys),
    [N_TOOL_PARAMS] = NODE_KEYS(params_keys),
    [N_INPUT] = NODE_KEYS(input_keys),
};

static enum key key_lookup(const struct key_name *t, size_t n_t, const unsigned char *k, size_t n)
{
    for (size_t i = 0; i < n_t; i++)
        if (key_is(k, n, t[i].name, t[i].len))
            return t[i].key;
    return K_UNKNOWN;
}
#define KEY_LOOKUP(table, k, n) key_lookup((table), sizeof(table) / sizeof((table)[0]), (k), (n))

static int cb_map_key(void *ctx, const unsigned char *k, size_t n)
{
    struct record *r = ctx;
    struct sax_frame *f = top(r);
    r->key = K_UNKNOWN;
    switch (f->node) {
    case N_ROOT:
        r->key = KEY_LOOKUP(root_keys, k, n);
        if (r->key != K_UNKNOWN)
            break;
        if (r->o->id_field && key_is(k, n, r->o->id_field, strlen(r->o->id_field))) r->key = K_ID;
        else if (r->n_label_segs && key_is(k, n, r->label_seg[0], r->label_seg_len[0])) r->key = K_LABEL;
        else r->key = KEY_LOOKUP(pair_keys, k, n);
        break;
    case N_MESSAGE: {
        struct raw_message *m = open_message(r);
        if (r->current_list == LIST_CONVERSATIONS) {
            r->key = KEY_LOOKUP(turn_keys, k, n);
        } else {
            r->key = KEY_LOOKUP(message_keys, k, n);
            if ((r->key == K_UNKNOWN || r->key == K_FROM || r->key == K_VALUE) && m && !m->unknown_key) {
                m->unknown_key = keep_string(r, k, n);
                m->unknown_key_len = n;
            }
            if (r->key == K_FROM || r->key == K_VALUE)
                r->key = K_UNKNOWN;
        }
        break;
    }
    case N_LABEL:
        if (f->aux < r->n_label_segs && key_is(k, n, r->label_seg[f->aux], r->label_seg_len[f->aux]))
            r->key = K_LABEL;
        break;
    default:
        if (f->node < sizeof(node_keys) / sizeof(node_keys[0]) && node_keys[f->node].table)
            r->key = key_lookup(node_keys[f->node].table, node_keys[f->node].n, k, n);
        break;
    }
    return 1;
}

static const yajl_callbacks record_callbacks = {
    cb_null, cb_boolean, NULL, NULL, cb_number, cb_string,
    cb_start_map, cb_map_key, cb_end, cb_start_array, cb_end,
};

/* yajl allocates through the record arena: a handle per record then costs no malloc. */
struct sized {
    size_t size;
    size_t pad;
};

static void *yajl_arena_malloc(void *ctx, size_t size)
{
    struct sized *p = arena_alloc(ctx, sizeof(struct sized) + size);
    p->size = size;
    return p + 1;
}

static void *yajl_arena_realloc(void *ctx, void *old, size_t size)
{
    if (!old)
        return yajl_arena_malloc(ctx, size);
    struct sized *h = (struct sized *)old - 1;
    if (size <= h->size)
        return old;
    void *p = yajl_arena_malloc(ctx, size);
    memcpy(p, old, h->size);
    return p;
}

static void yajl_arena_free(void *ctx, void *p)
{
    (void)ctx;
    (void)p;
}

yajl_alloc_funcs record_yajl_funcs(struct arena *a)
{
    yajl_alloc_funcs funcs = { yajl_arena_malloc, yajl_arena_realloc, yajl_arena_free, a };
    return funcs;
}

/* The record before its first event; again before yajl when the fast path refused
 * (what that attempt put in the arena stays there, unused, until the record is done). */
static void record_start(struct record *r, struct reader *rd, const char *s, size_t len)
{
    memset(r, 0, sizeof(*r));
    for (int i = 0; i < LIST_COUNT; i++) {
        struct raw_list *l = &rd->lists[i];
        l->present = l->is_array = l->has_non_object = l->truncated = false;
        l->n = l->n_elements = 0;
    }
    r->lists = rd->lists;
    r->o = rd->o;
    r->arena = &rd->arena;
    r->src = s;
    r->src_len = len;
    r->n_label_segs = rd->n_label_segs;
    memcpy(r->label_seg, rd->label_seg, sizeof(r->label_seg));
    memcpy(r->label_seg_len, rd->label_seg_len, sizeof(r->label_seg_len));
}

int record_process(struct reader *rd, const char *s, size_t len, size_t line, size_t column,
                   size_t char_column)
{
    struct record r;
    struct example *ex = &rd->ex;
    reader_reset_example(rd, line, column, char_column);

    record_start(&r, rd, s, len);
    /* The fast path gives the same events for what it accepts (read/json_fast.h);
     * anything else, errors included, is yajl's. Decoded strings live in scratch only
     * until keep_string copies them. */
    if (json_fast_enabled()) {
        bool parsed = json_fast_parse(&record_callbacks, &r, &rd->scratch, s, len);
        arena_reset(&rd->scratch);
        if (parsed)
            goto parsed;
        record_start(&r, rd, s, len);
    }

    /* yajl's own memory (handle, lexer, buffers) is scratch, apart from the record's, which
     * a worker keeps until the record is delivered */
    yajl_alloc_funcs funcs = record_yajl_funcs(&rd->scratch);
    yajl_handle h = yajl_alloc(&record_callbacks, &funcs, &r);
    yajl_status st = yajl_parse(h, (const unsigned char *)s, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    if (st != yajl_status_ok) {
        json_error_describe(rd, &r, h, s, len);
        yajl_free(h);
        arena_reset(&rd->scratch);
        return reader_deliver(rd);
    }
    yajl_free(h);
    arena_reset(&rd->scratch);

parsed:
    if (r.root_type != V_OTHER || !r.root_type_name || strcmp(r.root_type_name, "an object") != 0) {
        ISSUE(rd, EX_DATA_TYPE, line, "the record is %s, expected an object",
                                       r.root_type_name ? r.root_type_name : "empty");
        return reader_deliver(rd);
    }

    enum dataset_format format = rd->o->format;
    if (format == FORMAT_AUTO) {
        if (rd->file->format == FORMAT_AUTO)
            rd->file->format = formats_detect(&r);
        format = rd->file->format;
    } else {
        rd->file->format = format;
    }
    ex->format = format;
    ex->parsed = true;
    switch (format) {
    case FORMAT_ALPACA: formats_build_alpaca(rd, &r); break;
    case FORMAT_PREFERENCE: formats_build_preference(rd, &r); break;
    case FORMAT_COMPLETION: formats_build_completion(rd, &r); break;
    case FORMAT_TEXT: formats_build_text(rd, &r); break;
    default: formats_build_chat(rd, &r, format); break;
    }
    ex->turns = rd->turns;
    if (format == FORMAT_PREFERENCE && rd->n_rejected > rd->rejected_from) {
        ex->rejected = rd->rejected + rd->rejected_from;
        ex->n_rejected = rd->n_rejected - rd->rejected_from;
    }
    ex->tools = r.tools;
    ex->n_tools = r.n_tools;
    ex->has_tools = r.has_tools;
    ex->id = r.id;
    ex->id_len = r.id_len;
    ex->label = r.label;
    ex->label_len = r.label_len;
    if (!rd->o->no_example_hash)   /* the engine decides who needs it: run/engine.c */
        example_hash(ex->hash, ex);
    return reader_deliver(rd);
}

