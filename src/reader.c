/*
 * The streaming reader. Two layers:
 *   - framing: JSONL lines, or the elements of a top-level JSON array, each with the
 *     line it starts on; the file's own oddities (BOM, CRLF, blank lines, a missing
 *     final newline, an over-long line) are noted on struct run_file;
 *   - records: each frame is parsed on its own with yajl's SAX interface into a
 *     struct example, so one broken record never hides the next.
 * Nothing here keeps more than the current record, whatever the file size.
 */
#include "reader.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yajl/yajl_parse.h>

#include "sha256.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/work_ring.h"
#include "util/xalloc.h"

#define READ_BLOCK ((size_t)1 << 20)
#define LABEL_MAX_SEGMENTS 16

/* ---------------------------------------------------------------- record parsing */

enum node {
    N_IGNORE = 0,
    N_ROOT,
    N_LIST,          /* conversations / messages */
    N_MESSAGE,
    N_TOOL_CALLS,
    N_TOOL_CALL,
    N_TOOL_CALL_FN,
    N_TOOLS,
    N_TOOL,
    N_TOOL_FN,
    N_TOOL_PARAMS,
    N_TOOL_REQUIRED,
    N_LABEL,         /* an object on the coverage field's dotted path */
};

enum key {
    K_NONE = 0,
    K_UNKNOWN,
    /* root */
    K_CONVERSATIONS, K_MESSAGES, K_TOOLS, K_INSTRUCTION, K_INPUT, K_OUTPUT, K_ID, K_LABEL,
    /* message */
    K_FROM, K_VALUE, K_ROLE, K_CONTENT, K_NAME, K_TOOL_CALLS, K_TOOL_CALL_ID, K_WEIGHT,
    K_FUNCTION_CALL,
    /* tool calls and tools */
    K_FUNCTION, K_ARGUMENTS, K_PARAMETERS, K_REQUIRED,
};

enum list_id { LIST_CONVERSATIONS = 0, LIST_MESSAGES = 1 };

enum value_type { V_ABSENT = 0, V_STRING, V_NULL, V_OTHER };

struct raw_message {
    bool is_object;
    size_t index;                   /* position in the list, counting non-objects too */
    enum value_type role_type;      /* from / role */
    const char *role;
    size_t role_len;
    enum value_type text_type;      /* value / content */
    const char *text;
    size_t text_len;
    const char *unknown_key;        /* first key an OpenAI message may not have */
    size_t unknown_key_len;
    bool has_function_call;
    struct tool_call *calls;
    size_t n_calls, alloc_calls;
};

/* The messages of a record. The items array is the reader's, reused from record to
 * record (heap, grown in place), and holds only the object elements: a hostile list of
 * millions of scalars costs a counter, not memory. */
struct raw_list {
    bool present;
    bool is_array;
    struct raw_message *items;
    size_t n, alloc;
    size_t n_elements;              /* all elements, objects or not */
    bool has_non_object, truncated;
    size_t first_non_object;
};

struct frame {
    uint8_t node;
    uint8_t is_map;
    uint16_t aux;       /* N_LIST: which list; N_LABEL: path segment index */
};

struct record {
    const struct reader_options *o;
    struct arena *arena;
    const char *src;            /* the record's bytes, for zero-copy strings */
    size_t src_len;

    struct frame stack[READER_MAX_DEPTH + 2];
    int depth;
    enum key key;               /* the key whose value comes next, in the current map */
    bool too_deep;

    enum value_type root_type;
    const char *root_type_name;
    struct raw_list *lists;     /* [2], owned by the reader */
    int current_list;           /* the list whose message is open */
    bool element_stored;        /* the list element just started was kept */
    struct tool_decl *tools;
    size_t n_tools, alloc_tools;
    bool has_tools;
    size_t alloc_required;      /* capacity of the open tool's required[] */

    enum value_type instruction_type, input_type, output_type;
    const char *instruction, *input, *output;
    size_t instruction_len, input_len, output_len;

    const char *id;
    size_t id_len;
    const char *label;
    size_t label_len;

    const char *label_seg[LABEL_MAX_SEGMENTS];
    size_t label_seg_len[LABEL_MAX_SEGMENTS];
    size_t n_label_segs;
};

static inline bool key_is(const unsigned char *k, size_t n, const char *lit, size_t lit_len)
{
    return n == lit_len && memcmp(k, lit, n) == 0;
}
#define KEY_IS(k, n, lit) key_is((k), (n), (lit), sizeof(lit) - 1)

/* Strings that lie inside the record's own bytes (no escapes) are used in place. */
static const char *keep_string(struct record *r, const unsigned char *s, size_t len)
{
    const char *p = (const char *)s;
    if (p >= r->src && p + len <= r->src + r->src_len)
        return p;
    return arena_dup(r->arena, s, len);
}

static struct frame *top(struct record *r)
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
    struct frame *f = top(r);
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

/* A scalar or a container start arrives at the current position. */
static void on_value(struct record *r, enum value_type type, const unsigned char *s, size_t len,
                     const char *type_name)
{
    struct frame *f = top(r);
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
        case K_INPUT: r->input_type = type; r->input = str; r->input_len = len; break;
        case K_OUTPUT: r->output_type = type; r->output = str; r->output_len = len; break;
        case K_CONVERSATIONS:
        case K_MESSAGES: {
            /* a repeated key: the last value wins, as in most JSON readers */
            struct raw_list *l = &r->lists[r->key == K_CONVERSATIONS ? LIST_CONVERSATIONS : LIST_MESSAGES];
            l->present = true;
            l->is_array = false;
            l->n = l->n_elements = 0;
            l->has_non_object = l->truncated = false;
            break;
        }
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
    case N_TOOL_FN: case N_TOOL_PARAMS: case N_LABEL:
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

static enum key message_key(const unsigned char *k, size_t n)
{
    switch (n) {
    case 4:
        if (KEY_IS(k, n, "from")) return K_FROM;
        if (KEY_IS(k, n, "role")) return K_ROLE;
        if (KEY_IS(k, n, "name")) return K_NAME;
        break;
    case 5:
        if (KEY_IS(k, n, "value")) return K_VALUE;
        break;
    case 6:
        if (KEY_IS(k, n, "weight")) return K_WEIGHT;
        break;
    case 7:
        if (KEY_IS(k, n, "content")) return K_CONTENT;
        break;
    case 10:
        if (KEY_IS(k, n, "tool_calls")) return K_TOOL_CALLS;
        break;
    case 12:
        if (KEY_IS(k, n, "tool_call_id")) return K_TOOL_CALL_ID;
        break;
    case 13:
        if (KEY_IS(k, n, "function_call")) return K_FUNCTION_CALL;
        break;
    }
    return K_UNKNOWN;
}

static int cb_map_key(void *ctx, const unsigned char *k, size_t n)
{
    struct record *r = ctx;
    struct frame *f = top(r);
    r->key = K_UNKNOWN;
    switch (f->node) {
    case N_ROOT:
        if (KEY_IS(k, n, "conversations")) r->key = K_CONVERSATIONS;
        else if (KEY_IS(k, n, "messages")) r->key = K_MESSAGES;
        else if (KEY_IS(k, n, "tools")) r->key = K_TOOLS;
        else if (KEY_IS(k, n, "instruction")) r->key = K_INSTRUCTION;
        else if (KEY_IS(k, n, "input")) r->key = K_INPUT;
        else if (KEY_IS(k, n, "output")) r->key = K_OUTPUT;
        else if (r->o->id_field && key_is(k, n, r->o->id_field, strlen(r->o->id_field))) r->key = K_ID;
        else if (r->n_label_segs && key_is(k, n, r->label_seg[0], r->label_seg_len[0])) r->key = K_LABEL;
        break;
    case N_MESSAGE: {
        struct raw_message *m = open_message(r);
        if (r->current_list == LIST_CONVERSATIONS) {
            if (KEY_IS(k, n, "from")) r->key = K_FROM;
            else if (KEY_IS(k, n, "value")) r->key = K_VALUE;
        } else {
            r->key = message_key(k, n);
            if ((r->key == K_UNKNOWN || r->key == K_FROM || r->key == K_VALUE) && m && !m->unknown_key) {
                m->unknown_key = keep_string(r, k, n);
                m->unknown_key_len = n;
            }
            if (r->key == K_FROM || r->key == K_VALUE)
                r->key = K_UNKNOWN;
        }
        break;
    }
    case N_TOOL_CALL:
    case N_TOOL:
        if (KEY_IS(k, n, "function")) r->key = K_FUNCTION;
        break;
    case N_TOOL_CALL_FN:
        if (KEY_IS(k, n, "name")) r->key = K_NAME;
        else if (KEY_IS(k, n, "arguments")) r->key = K_ARGUMENTS;
        break;
    case N_TOOL_FN:
        if (KEY_IS(k, n, "name")) r->key = K_NAME;
        else if (KEY_IS(k, n, "parameters")) r->key = K_PARAMETERS;
        break;
    case N_TOOL_PARAMS:
        if (KEY_IS(k, n, "required")) r->key = K_REQUIRED;
        break;
    case N_LABEL:
        if (f->aux < r->n_label_segs && key_is(k, n, r->label_seg[f->aux], r->label_seg_len[f->aux]))
            r->key = K_LABEL;
        break;
    default:
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

/* ---------------------------------------------------------------- the reader */

struct parse_pool;

struct reader {
    const struct reader_options *o;
    struct run_file *file;
    reader_callback cb;
    void *cb_ctx;
    bool keep;               /* a worker's reader: records stay in the arena until delivered */
    struct parse_pool *pool; /* parallel parsing of JSONL lines, NULL when serial */
    struct arena arena;
    struct arena scratch;    /* yajl's, reset after every record */
    struct example ex;
    struct turn *turns;
    size_t alloc_turns;
    struct raw_list lists[2];
    uint64_t ordinal;
    const char *label_seg[LABEL_MAX_SEGMENTS];
    size_t label_seg_len[LABEL_MAX_SEGMENTS];
    size_t n_label_segs;
    bool format_announced;
};

static char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *arena_printf(struct arena *a, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n < sizeof(small))
        return arena_dup(a, small, (size_t)n);
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* Adds a problem to the current example; the message is only formatted while there is
 * room for it (EXAMPLE_MAX_ISSUES), so a record with a million bad messages costs no
 * million formatted strings. The kind's bit is always set. */
#define ISSUE(rd, kind, line, ...)                                                       \
    do {                                                                                 \
        if ((rd)->ex.n_issues < EXAMPLE_MAX_ISSUES)                                      \
            example_add_issue(&(rd)->ex, (kind), (line), arena_printf(&(rd)->arena, __VA_ARGS__)); \
        else                                                                             \
            (rd)->ex.errors |= 1u << (kind);                                             \
    } while (0)

/* Quotes untrusted text for a message: at most 40 bytes, on a UTF-8 boundary. */
static int short_len(const char *s, size_t len)
{
    if (len <= 40)
        return (int)len;
    size_t n = 40;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

/* A name from the record for a message: at most short_len() bytes, a NUL shown as
 * \u0000 (printed with %s it would cut the name short: "assistant\u0000x" read as
 * 'assistant'). `out` holds SHOWN_MAX bytes. */
#define SHOWN_MAX 256
static const char *shown(char *out, const char *s, size_t len)
{
    int n = short_len(s, len);
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

/* Position of the first invalid UTF-8 sequence, or len when the bytes are valid. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; }
        else return i;
        if (len - i <= need)
            return i;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return i;
        i += need + 1;
    }
    return len;
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
    switch (t) {
    case V_STRING: return "a string";
    case V_NULL: return "null";
    case V_OTHER: return "not a string";
    case V_ABSENT: break;
    }
    return "missing";
}

static struct turn *add_turn(struct reader *rd)
{
    ALLOC_GROW(rd->turns, rd->ex.n_turns + 1, rd->alloc_turns);
    struct turn *t = &rd->turns[rd->ex.n_turns++];
    memset(t, 0, sizeof(*t));
    return t;
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

static bool parse_args(struct arena *arena, const char *text, size_t len, struct args_scan *out)
{
    yajl_alloc_funcs funcs = { yajl_arena_malloc, yajl_arena_realloc, yajl_arena_free, arena };
    memset(out, 0, sizeof(*out));
    out->first = true;
    out->arena = arena;
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
                             size_t msg_index, size_t *budget)
{
    struct example *ex = &rd->ex;
    for (size_t j = 0; j < m->n_calls; j++) {
        /* Each call is checked against the declared tools (a linear search); a record
         * with more calls than the budget has the rest parsed but not validated. */
        if (*budget == 0)
            return;
        (*budget)--;
        const struct tool_call *c = &m->calls[j];
        struct args_scan args;
        if (!c->name) {
            ISSUE(rd, EX_TOOL_UNDECLARED, ex->line, "message %zu: tool call %zu has no function.name",
                                           msg_index, j);
            continue;
        }
        if (!c->arguments || !parse_args(&rd->arena, c->arguments, c->arguments_len, &args)) {
            ISSUE(rd, EX_TOOL_ARGUMENTS_INVALID, ex->line, "message %zu: arguments of tool call '%s' are not a JSON object",
                                           msg_index, shown((char[SHOWN_MAX]){0}, c->name, c->name_len));
            continue;
        }
        if (!r->has_tools)
            continue;
        const struct tool_decl *t = find_tool(r, c->name, c->name_len);
        if (!t) {
            ISSUE(rd, EX_TOOL_UNDECLARED, ex->line, "message %zu: calls '%s', which `tools` does not declare",
                                           msg_index, shown((char[SHOWN_MAX]){0}, c->name, c->name_len));
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
                ISSUE(rd, EX_TOOL_MISSING_PARAMETER, ex->line, "message %zu: call to '%s' lacks required parameter '%s'",
                                               msg_index, shown((char[SHOWN_MAX]){0}, c->name, c->name_len),
                                               shown((char[SHOWN_MAX]){0}, t->required[p], t->required_len[p]));
            }
        }
    }
}

static enum dataset_format detect_format(const struct record *r)
{
    if (r->lists[LIST_CONVERSATIONS].present)
        return FORMAT_SHAREGPT;
    if (r->lists[LIST_MESSAGES].present)
        return FORMAT_OPENAI;
    if (r->instruction_type != V_ABSENT)
        return FORMAT_ALPACA;
    return FORMAT_SHAREGPT;
}

static void build_chat(struct reader *rd, struct record *r, enum dataset_format format)
{
    struct example *ex = &rd->ex;
    const struct raw_list *l = &r->lists[format == FORMAT_SHAREGPT ? LIST_CONVERSATIONS : LIST_MESSAGES];
    const char *list_name = format == FORMAT_SHAREGPT ? "conversations" : "messages";
    const char *role_key = format == FORMAT_SHAREGPT ? "from" : "role";
    const char *text_key = format == FORMAT_SHAREGPT ? "value" : "content";

    if (!l->present || !l->is_array) {
        ISSUE(rd, EX_MISSING_MESSAGES_LIST, ex->line, l->present ? "'%s' is not an array" : "no '%s' array",
                                       list_name);
        return;
    }
    if (l->has_non_object)
        ISSUE(rd, EX_DATA_TYPE, ex->line, "%s[%zu] is not an object", list_name, l->first_non_object);
    if (l->truncated)
        ISSUE(rd, EX_DATA_TYPE, ex->line, "more than %d messages in one record: only the first %d are read",
              READER_MAX_MESSAGES, READER_MAX_MESSAGES);
    size_t tool_call_budget = READER_MAX_TOOL_CALLS_CHECKED;
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
        if (m->text_type != V_STRING && !(format == FORMAT_OPENAI && carries_call &&
                                          m->text_type != V_OTHER))
            ISSUE(rd, EX_MISSING_CONTENT, ex->line, "%s[%zu]: '%s' is %s", list_name, i, text_key,
                                           value_type_name(m->text_type));
        if (format == FORMAT_OPENAI) {
            if (m->unknown_key)
                ISSUE(rd, EX_MESSAGE_UNRECOGNIZED_KEY, ex->line, "messages[%zu]: unrecognized key '%s'", i,
                                               shown((char[SHOWN_MAX]){0}, m->unknown_key, m->unknown_key_len));
            check_tool_calls(rd, r, m, i, &tool_call_budget);
        }
    }
}

static void build_alpaca(struct reader *rd, struct record *r)
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

/* Line and 1-based column of byte `offset` in a record that starts at `line`, column
 * `col` (1 for a JSONL line). In a JSONL line the column counts characters (code points),
 * as Python's json.loads(line) does on real, non-ASCII data; in a JSON array file it
 * counts bytes, like the record's own place there ("file:1:48213 (record 6)"). */
static void locate(const char *s, size_t offset, size_t line, size_t col, bool chars, size_t *out_line,
                   size_t *out_col)
{
    for (size_t i = 0; i < offset; i++) {
        if (s[i] == '\n') {
            line++;
            col = 1;
        } else if (!chars || ((unsigned char)s[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    *out_line = line;
    *out_col = col;
}

/*
 * Where Python's json module puts the first error of a document (JSONDecodeError.pos,
 * counted in bytes here): the offending byte, the opening quote of an unterminated
 * string, the backslash of a bad escape, the end for a premature end. yajl's own offset
 * is the bytes it consumed, which is one past the culprit or the start of its token.
 * Returns len + 1 when the bytes are valid JSON by these rules (NaN and Infinity are not).
 */
#define JSON_NO_ERROR(len) ((len) + 1)

static size_t json_skip_ws(const unsigned char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

static bool json_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string whose opening quote is at `q`: sets *end past the closing quote and returns
 * JSON_NO_ERROR, or returns the error's offset. */
static size_t json_scan_string(const unsigned char *s, size_t len, size_t q, size_t *end)
{
    size_t i = q + 1;
    for (;;) {
        while (i < len && s[i] != '"' && s[i] != '\\') {
            if (s[i] < 0x20)
                return i;                       /* Invalid control character at */
            i++;
        }
        if (i >= len)
            return q;                           /* Unterminated string starting at */
        if (s[i] == '"') {
            *end = i + 1;
            return JSON_NO_ERROR(len);
        }
        if (++i >= len)                         /* a backslash at the very end */
            return q;
        unsigned char c = s[i];
        if (c != 'u') {
            if (!strchr("\"\\/bfnrt", c) || c == 0)
                return i - 1;                   /* Invalid \escape: at the backslash */
            i++;
            continue;
        }
        size_t u = i;                           /* Invalid \uXXXX escape: at the 'u' */
        if (u + 5 >= len)
            return u;
        for (size_t k = 1; k <= 4; k++)
            if (!json_hex(s[u + k]))
                return u;
        i = u + 5;
        /* a high surrogate followed by a second escape: its digits are checked too */
        unsigned hi = 0;
        for (size_t k = 1; k <= 4; k++)
            hi = hi * 16 + (unsigned)(s[u + k] <= '9' ? s[u + k] - '0' : (s[u + k] | 0x20) - 'a' + 10);
        if (hi >= 0xD800 && hi <= 0xDBFF && i + 6 < len && s[i] == '\\' && s[i + 1] == 'u') {
            for (size_t k = 2; k <= 5; k++)
                if (!json_hex(s[i + k]))
                    return i + 1;
            i += 6;
        }
    }
}

/* A number as Python's scanner matches it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][-+]?[0-9]+)?
 * Returns its end, or `i` when there is none. */
static size_t json_scan_number(const unsigned char *s, size_t len, size_t i)
{
    size_t p = i;
    if (p < len && s[p] == '-')
        p++;
    if (p < len && s[p] == '0')
        p++;
    else if (p < len && s[p] >= '1' && s[p] <= '9')
        while (p < len && s[p] >= '0' && s[p] <= '9')
            p++;
    else
        return i;
    if (p + 1 < len && s[p] == '.' && s[p + 1] >= '0' && s[p + 1] <= '9') {
        p += 2;
        while (p < len && s[p] >= '0' && s[p] <= '9')
            p++;
    }
    if (p < len && (s[p] == 'e' || s[p] == 'E')) {
        size_t e = p + 1;
        if (e < len && (s[e] == '+' || s[e] == '-'))
            e++;
        if (e < len && s[e] >= '0' && s[e] <= '9') {
            while (e < len && s[e] >= '0' && s[e] <= '9')
                e++;
            p = e;
        }
    }
    return p;
}

size_t reader_json_error_offset(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char stack[READER_MAX_DEPTH];
    size_t depth = 0, i = json_skip_ws(s, len, 0), end = 0, e;

value:
    if (i >= len)
        return i;                               /* Expecting value */
    switch (s[i]) {
    case '"':
        if ((e = json_scan_string(s, len, i, &end)) != JSON_NO_ERROR(len))
            return e;
        i = end;
        goto after_value;
    case '{':
    case '[':
        if (depth == sizeof(stack))
            return JSON_NO_ERROR(len);          /* deeper than the reader reads: not judged here */
        stack[depth++] = s[i];
        i = json_skip_ws(s, len, i + 1);
        if (i < len && s[i] == (stack[depth - 1] == '{' ? '}' : ']')) {
            depth--;
            i++;
            goto after_value;
        }
        if (stack[depth - 1] == '{')
            goto key;
        goto value;
    case 'n':
    case 't':
    case 'f': {
        const char *lit = s[i] == 'n' ? "null" : s[i] == 't' ? "true" : "false";
        size_t n = strlen(lit);
        if (len - i < n || memcmp(s + i, lit, n) != 0)
            return i;
        i += n;
        goto after_value;
    }
    default:
        if ((e = json_scan_number(s, len, i)) == i)
            return i;
        i = e;
        goto after_value;
    }

key:
    if (i >= len || s[i] != '"')
        return i;                               /* Expecting property name enclosed in double quotes */
    if ((e = json_scan_string(s, len, i, &end)) != JSON_NO_ERROR(len))
        return e;
    i = json_skip_ws(s, len, end);
    if (i >= len || s[i] != ':')
        return i;                               /* Expecting ':' delimiter */
    i = json_skip_ws(s, len, i + 1);
    goto value;

after_value:
    i = json_skip_ws(s, len, i);
    if (depth == 0)
        return i < len ? i : JSON_NO_ERROR(len); /* Extra data */
    if (i >= len)
        return i;
    if (s[i] == (stack[depth - 1] == '{' ? '}' : ']')) {
        depth--;
        i++;
        goto after_value;
    }
    if (s[i] != ',')
        return i;                               /* Expecting ',' delimiter */
    i = json_skip_ws(s, len, i + 1);
    if (stack[depth - 1] == '{')
        goto key;
    goto value;
}

static void describe_parse_error(struct reader *rd, struct record *r, yajl_handle h,
                                 const char *s, size_t len)
{
    struct example *ex = &rd->ex;
    size_t line, col, start_col = ex->column ? ex->column : 1;
    const char *nul = memchr(s, '\0', len);
    size_t bad_utf8 = utf8_invalid_at((const unsigned char *)s, len);

    if (r->too_deep) {
        ISSUE(rd, EX_TOO_DEEP, ex->line, "nesting deeper than %d levels", READER_MAX_DEPTH);
        return;
    } else if (nul) {
        locate(s, (size_t)(nul - s), ex->line, start_col, !ex->column, &line, &col);
        ISSUE(rd, EX_NUL_BYTE, line, "NUL byte at line %zu, column %zu: remove it or escape it as \\u0000",
                                       line, col);
    } else if (bad_utf8 < len) {
        locate(s, bad_utf8, ex->line, start_col, !ex->column, &line, &col);
        ISSUE(rd, EX_INVALID_UTF8, line, "invalid UTF-8 (byte 0x%02x) at line %zu, column %zu: re-encode the file as UTF-8",
                                       (unsigned char)s[bad_utf8], line, col);
    } else {
        unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)s, len);
        size_t offset = reader_json_error_offset(s, len);
        if (offset > len) {   /* valid by Python's rules, not by yajl's: yajl's place */
            offset = yajl_get_bytes_consumed(h);
            if (offset > len)
                offset = len;
        }
        locate(s, offset, ex->line, start_col, !ex->column, &line, &col);
        const char *text = (const char *)msg;
        if (strncmp(text, "parse error: ", 13) == 0)
            text += 13;
        size_t tlen = strcspn(text, "\n");
        while (tlen && (text[tlen - 1] == '.' || text[tlen - 1] == ' '))
            tlen--;
        ISSUE(rd, EX_INVALID_JSON, line, "invalid JSON at line %zu, column %zu: %.*s", line, col,
                                       (int)tlen, text);
        yajl_free_error(h, msg);
    }
    /* In a JSON array file the column is part of the finding's place. */
    if (ex->column && ex->n_issues && ex->issues[ex->n_issues - 1].line == line)
        ex->issues[ex->n_issues - 1].column = col;
}

static void reset_example(struct reader *rd, size_t line, size_t column)
{
    struct example *ex = &rd->ex;
    ex->line = line;
    ex->column = column;
    ex->ordinal = rd->ordinal++;
    ex->parsed = false;
    ex->format = rd->file->format;   /* so far; not whatever the reader's previous record had */
    ex->n_turns = 0;
    ex->turns = NULL;
    ex->tools = NULL;
    ex->n_tools = 0;
    ex->has_tools = false;
    ex->id = ex->label = NULL;
    ex->id_len = ex->label_len = 0;
    ex->errors = 0;
    ex->n_issues = 0;
    memset(ex->hash, 0, sizeof(ex->hash));
}

static int deliver(struct reader *rd)
{
    if (rd->keep)   /* a worker: the chunk keeps it, the reading thread delivers it */
        return rd->cb(rd->cb_ctx, &rd->ex);
    rd->file->records++;
    int rc = rd->cb(rd->cb_ctx, &rd->ex);
    arena_reset(&rd->arena);
    return rc;
}

/* One record: a JSONL line or an array element, starting on `line` (at `column` in an
 * array file; 0 for a JSONL line). */
static int process_record(struct reader *rd, const char *s, size_t len, size_t line, size_t column)
{
    struct record r;
    struct example *ex = &rd->ex;
    reset_example(rd, line, column);

    memset(&r, 0, sizeof(r));
    for (int i = 0; i < 2; i++) {
        struct raw_list *l = &rd->lists[i];
        l->present = l->is_array = l->has_non_object = l->truncated = false;
        l->n = l->n_elements = 0;
    }
    r.lists = rd->lists;
    r.o = rd->o;
    r.arena = &rd->arena;
    r.src = s;
    r.src_len = len;
    r.n_label_segs = rd->n_label_segs;
    memcpy(r.label_seg, rd->label_seg, sizeof(r.label_seg));
    memcpy(r.label_seg_len, rd->label_seg_len, sizeof(r.label_seg_len));

    /* yajl's own memory (handle, lexer, buffers) is scratch, apart from the record's, which
     * a worker keeps until the record is delivered */
    yajl_alloc_funcs funcs = { yajl_arena_malloc, yajl_arena_realloc, yajl_arena_free, &rd->scratch };
    yajl_handle h = yajl_alloc(&record_callbacks, &funcs, &r);
    yajl_status st = yajl_parse(h, (const unsigned char *)s, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    if (st != yajl_status_ok) {
        describe_parse_error(rd, &r, h, s, len);
        yajl_free(h);
        arena_reset(&rd->scratch);
        return deliver(rd);
    }
    yajl_free(h);
    arena_reset(&rd->scratch);

    if (r.root_type != V_OTHER || !r.root_type_name || strcmp(r.root_type_name, "an object") != 0) {
        ISSUE(rd, EX_DATA_TYPE, line, "the record is %s, expected an object",
                                       r.root_type_name ? r.root_type_name : "empty");
        return deliver(rd);
    }

    enum dataset_format format = rd->o->format;
    if (format == FORMAT_AUTO) {
        if (rd->file->format == FORMAT_AUTO)
            rd->file->format = detect_format(&r);
        format = rd->file->format;
    } else {
        rd->file->format = format;
    }
    ex->format = format;
    ex->parsed = true;
    if (format == FORMAT_ALPACA)
        build_alpaca(rd, &r);
    else
        build_chat(rd, &r, format);
    ex->turns = rd->turns;
    ex->tools = r.tools;
    ex->n_tools = r.n_tools;
    ex->has_tools = r.has_tools;
    ex->id = r.id;
    ex->id_len = r.id_len;
    ex->label = r.label;
    ex->label_len = r.label_len;
    example_hash(ex->hash, ex);
    return deliver(rd);
}

static int too_long_record(struct reader *rd, size_t line, size_t column)
{
    reset_example(rd, line, column);
    ISSUE(rd, EX_LINE_TOO_LONG, line, "record longer than the %zu-byte limit: split it, or raise dataset.max_line_bytes",
                                   rd->o->max_line_bytes);
    return deliver(rd);
}

/* ---------------------------------------------------------------- framing */

struct input {
    const struct byte_stream *in;
    struct run_file *file;
    bool hash;
    struct sha256 sha;
    char *buf;
    size_t cap, start, end;
    bool eof;
};

/* Reads more bytes after the kept ones; moves the kept ones to the front first. */
static int fill(struct input *in, size_t want_cap)
{
    if (in->start > 0) {
        memmove(in->buf, in->buf + in->start, in->end - in->start);
        in->end -= in->start;
        in->start = 0;
    }
    if (want_cap > in->cap) {
        in->buf = xrealloc(in->buf, want_cap);
        in->cap = want_cap;
    }
    if (in->end == in->cap)
        return 0;
    ssize_t n = in->in->read(in->in->ctx, in->buf + in->end, in->cap - in->end);
    if (n < 0)
        return (int)n;
    if (n == 0) {
        in->eof = true;
        return 0;
    }
    if (in->hash)
        sha256_update(&in->sha, in->buf + in->end, (size_t)n);
    in->file->bytes += (uint64_t)n;
    in->end += (size_t)n;
    return 0;
}

static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

static int pool_add(struct reader *rd, const char *s, size_t len, size_t line, bool too_long);
static struct parse_pool *pool_new(struct reader *main, unsigned threads);

/* Records go to the parsing threads once the file's format is known (the first object
 * decides it) and the file has proved big enough to be worth the threads. */
static bool use_pool(struct reader *rd)
{
    if (rd->pool)
        return true;
    if (!rd->o->parse_threads || rd->file->format == FORMAT_AUTO || rd->file->bytes < rd->o->parallel_after)
        return false;
    rd->pool = pool_new(rd, rd->o->parse_threads);
    return true;
}

static int handle_line(struct reader *rd, char *s, size_t len, size_t line)
{
    struct run_file *f = rd->file;
    if (len && s[len - 1] == '\r') {
        len--;
        if (f->crlf_lines++ == 0)
            f->first_crlf_line = line;
    }
    if (is_blank(s, len)) {
        if (f->blank_lines++ == 0)
            f->first_blank_line = line;
        return 0;
    }
    if (use_pool(rd))
        return pool_add(rd, s, len, line, false);
    return process_record(rd, s, len, line, 0);
}

/* ---------------------------------------------------------------- parallel parsing */

/*
 * JSONL lines are parsed on worker threads once the file's format is known: the reading
 * thread cuts the stream into chunks of whole lines (copied, since the read buffer moves),
 * a worker parses a chunk's records into the chunk's own arena, and the reading thread
 * hands them to the callback chunk by chunk, in file order. Chunks go round a small ring,
 * which bounds the memory in flight; when the workers are behind, the reading thread
 * parses a waiting chunk itself rather than wait. The records, their order and every
 * message are the same as when parsing serially.
 */
#define CHUNK_BYTES ((size_t)1 << 20)
#define CHUNK_LINES 2048

struct chunk_line {
    size_t off, len, line;
    bool too_long;
};

struct chunk {
    enum dataset_format format;   /* the file's, when the chunk was filled */
    char *bytes;
    size_t len, alloc;
    struct chunk_line *lines;
    size_t n_lines, alloc_lines;
    struct arena arena;           /* the parsed records' memory */
    struct example *ex;
    size_t n_ex, alloc_ex;
};

struct parse_worker {
    struct reader rd;             /* its own parser state */
    struct run_file file;         /* its own copy: process_record records the format there */
    struct chunk *cur;
};

struct parse_pool {
    struct reader *main;
    struct work_ring *ring;
    struct chunk *chunks;         /* the ring's slots */
    size_t n_chunks;
    struct parse_worker *workers; /* one per thread, and the reading thread's last */
    unsigned n_workers;
    int stop_rc;                  /* a callback's non-zero return: deliver no more */
};

/* The worker reader's callback: keep the record in the chunk. */
static int keep_example(void *ctx, const struct example *ex)
{
    struct parse_worker *w = ctx;
    struct chunk *c = w->cur;
    ALLOC_GROW(c->ex, c->n_ex + 1, c->alloc_ex);
    struct example *kept = &c->ex[c->n_ex++];
    *kept = *ex;
    if (ex->n_turns) {   /* the reader reuses its turn array from record to record */
        struct turn *t = arena_alloc(&w->rd.arena, ex->n_turns * sizeof(*t));
        memcpy(t, ex->turns, ex->n_turns * sizeof(*t));
        kept->turns = t;
    }
    return 0;
}

static void parse_chunk(void *ctx, size_t slot, unsigned worker)
{
    struct parse_pool *pool = ctx;
    struct parse_worker *w = &pool->workers[worker];
    struct chunk *c = &pool->chunks[slot];
    w->cur = c;
    w->file.format = c->format;
    w->rd.arena = c->arena;
    for (size_t i = 0; i < c->n_lines; i++) {
        const struct chunk_line *l = &c->lines[i];
        if (l->too_long)
            too_long_record(&w->rd, l->line, 0);
        else
            process_record(&w->rd, c->bytes + l->off, l->len, l->line, 0);
    }
    c->arena = w->rd.arena;
    memset(&w->rd.arena, 0, sizeof(w->rd.arena));
    w->cur = NULL;
}

/* Hands a parsed chunk's records to the callback, in order, and empties the chunk. */
static void deliver_chunk(void *ctx, size_t slot)
{
    struct parse_pool *pool = ctx;
    struct chunk *c = &pool->chunks[slot];
    struct reader *rd = pool->main;
    for (size_t i = 0; i < c->n_ex && !pool->stop_rc; i++) {
        struct example *ex = &c->ex[i];
        ex->ordinal = rd->ordinal++;
        rd->file->records++;
        pool->stop_rc = rd->cb(rd->cb_ctx, ex);
    }
    arena_reset(&c->arena);
    c->n_ex = c->n_lines = c->len = 0;
}

static void worker_reader_init(struct parse_worker *w, const struct reader *main, struct parse_pool *pool)
{
    memset(w, 0, sizeof(*w));
    w->file = *main->file;
    w->file.path = NULL;
    w->file.root_path = NULL;
    w->file.read_error = NULL;
    w->rd.o = main->o;
    w->rd.file = &w->file;
    w->rd.cb = keep_example;
    w->rd.cb_ctx = w;
    w->rd.keep = true;
    w->rd.pool = pool;
    w->rd.ex = main->ex;   /* path, split, file index */
    memcpy(w->rd.label_seg, main->label_seg, sizeof(w->rd.label_seg));
    memcpy(w->rd.label_seg_len, main->label_seg_len, sizeof(w->rd.label_seg_len));
    w->rd.n_label_segs = main->n_label_segs;
}

static struct parse_pool *pool_new(struct reader *main, unsigned threads)
{
    static const struct work_ring_ops ops = { parse_chunk, deliver_chunk };
    struct parse_pool *pool = xcalloc(1, sizeof(*pool));
    pool->main = main;
    pool->n_chunks = 2 * (size_t)threads + 2;
    pool->chunks = xcalloc(pool->n_chunks, sizeof(*pool->chunks));
    pool->n_workers = threads + 1;
    pool->workers = xcalloc(pool->n_workers, sizeof(*pool->workers));
    for (unsigned i = 0; i < pool->n_workers; i++)
        worker_reader_init(&pool->workers[i], main, pool);
    pool->ring = work_ring_new(pool->n_chunks, threads, &ops, pool);
    return pool;
}

static int pool_add(struct reader *rd, const char *s, size_t len, size_t line, bool too_long)
{
    struct parse_pool *pool = rd->pool;
    struct chunk *c = &pool->chunks[work_ring_fill(pool->ring)];   /* the oldest chunk's records go first */
    if (pool->stop_rc)
        return pool->stop_rc;
    c->format = rd->file->format;
    ALLOC_GROW(c->lines, c->n_lines + 1, c->alloc_lines);
    struct chunk_line *l = &c->lines[c->n_lines++];
    l->off = c->len;
    l->len = len;
    l->line = line;
    l->too_long = too_long;
    if (len) {
        ALLOC_GROW(c->bytes, c->len + len, c->alloc);
        memcpy(c->bytes + c->len, s, len);
        c->len += len;
    }
    if (c->n_lines == CHUNK_LINES || c->len >= CHUNK_BYTES)
        work_ring_submit(pool->ring);
    return 0;
}

/* Parses and delivers what is left in order (nothing more when `deliver` is false: a
 * read error), stops the threads and frees the pool. */
static int pool_finish(struct reader *rd, bool deliver)
{
    struct parse_pool *pool = rd->pool;
    if (!deliver && !pool->stop_rc)
        pool->stop_rc = -1;
    work_ring_finish(pool->ring);
    int rc = deliver ? pool->stop_rc : 0;
    work_ring_free(pool->ring);
    for (size_t i = 0; i < pool->n_chunks; i++) {
        free(pool->chunks[i].bytes);
        free(pool->chunks[i].lines);
        free(pool->chunks[i].ex);
        arena_release(&pool->chunks[i].arena);
    }
    for (unsigned i = 0; i < pool->n_workers; i++) {
        free(pool->workers[i].rd.turns);
        free(pool->workers[i].rd.lists[0].items);
        free(pool->workers[i].rd.lists[1].items);
        arena_release(&pool->workers[i].rd.arena);
        arena_release(&pool->workers[i].rd.scratch);
    }
    free(pool->chunks);
    free(pool->workers);
    free(pool);
    rd->pool = NULL;
    return rc;
}

static int read_jsonl(struct reader *rd, struct input *in, size_t line)
{
    size_t max = rd->o->max_line_bytes;
    bool skipping = false;   /* inside a line that passed the limit */
    int rc;

    for (;;) {
        char *p = in->buf + in->start;
        size_t avail = in->end - in->start;
        char *nl = memchr(p, '\n', avail);
        if (nl) {
            size_t len = (size_t)(nl - p);
            in->start += len + 1;
            if (skipping) {
                skipping = false;
            } else if (len > max) {
                rc = use_pool(rd) ? pool_add(rd, NULL, 0, line, true)
                                                                 : too_long_record(rd, line, 0);
                if (rc != 0)
                    return rc;
            } else if ((rc = handle_line(rd, p, len, line)) != 0) {
                return rc;
            }
            line++;
            continue;
        }
        if (in->eof) {
            if (avail > 0) {
                rd->file->no_final_newline = true;
                in->start = in->end;
                if (!skipping && avail > max)
                    return use_pool(rd) ? pool_add(rd, NULL, 0, line, true)
                                                                       : too_long_record(rd, line, 0);
                if (!skipping)
                    return handle_line(rd, p, avail, line);
            }
            return 0;
        }
        if (avail > max) {
            /* Report it once and drop its bytes as they come: memory stays at the limit. */
            if (!skipping) {
                rc = use_pool(rd) ? pool_add(rd, NULL, 0, line, true)
                                                                 : too_long_record(rd, line, 0);
                if (rc != 0)
                    return rc;
            }
            skipping = true;
            in->start = in->end;
            avail = 0;
        }
        size_t want = in->cap;
        if (avail == in->cap)
            want = in->cap * 2 > max + 1 ? max + 1 : in->cap * 2;
        if (want < READ_BLOCK)
            want = READ_BLOCK;
        if ((rc = fill(in, want < avail + 1 ? avail + 1 : want)) < 0)
            return rc;
    }
}

/*
 * A JSON array of records: a small state machine finds each element's bytes (strings
 * and nesting tracked, so brackets inside strings do not count) and hands them to the
 * record parser with the line and byte column where they start. A syntax error of the
 * array itself (a trailing comma, a missing one, an unclosed array) is a broken record
 * at its line and column, and ends the file; an element cut off by the end of the file
 * is parsed as it is, so it is the broken record.
 */
enum array_state { A_BEFORE, A_ELEMENT_OR_END, A_ELEMENT, A_IN, A_AFTER, A_DONE };

/* A record that is only a syntax error of the array around the records. */
static int array_error(struct reader *rd, size_t line, size_t column, const char *msg)
{
    reset_example(rd, line, column);
    ISSUE(rd, EX_INVALID_JSON, line, "invalid JSON at line %zu, column %zu: %s", line, column, msg);
    if (rd->ex.n_issues)
        rd->ex.issues[rd->ex.n_issues - 1].column = column;
    return deliver(rd);
}

static int read_array(struct reader *rd, struct input *in, size_t line)
{
    struct buf rec = BUF_INIT;
    enum array_state state = A_BEFORE;
    size_t depth = 0, rec_line = 0, rec_col = 0, col = 1;
    /* file offset of the current line's first byte (after a BOM, as in JSONL) */
    uint64_t line_start = in->file->bytes - (in->end - in->start);
    bool in_string = false, escape = false, overflow = false, scalar = false;
    int rc = 0;

    rec.max = rd->o->max_line_bytes;
    for (;;) {
        if (in->start == in->end) {
            if (in->eof)
                break;
            if ((rc = fill(in, READ_BLOCK)) < 0)
                goto done;
            continue;
        }
        char *p = in->buf + in->start;
        size_t avail = in->end - in->start;
        uint64_t base = in->file->bytes - avail;   /* file offset of p[0] */
        size_t i = 0;
        for (; i < avail; i++) {
            char c = p[i];
            bool element_done = false;
            col = (size_t)(base + i - line_start) + 1;
            switch (state) {
            case A_BEFORE:
            case A_ELEMENT_OR_END:
            case A_ELEMENT:
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                    break;
                if (state == A_BEFORE) {
                    if (c != '[') {
                        rc = array_error(rd, line, col, "expected '[' to start the JSON array");
                        goto done;
                    }
                    state = A_ELEMENT_OR_END;
                    break;
                }
                if (c == ']' && state == A_ELEMENT_OR_END) {
                    state = A_DONE;
                    break;
                }
                if (c == ']' || c == ',') {
                    rc = array_error(rd, line, col, c == ']' ? "trailing ',' before ']' in the JSON array"
                                                             : "empty element (two commas) in the JSON array");
                    goto done;
                }
                state = A_IN;
                rec_line = line;
                rec_col = col;
                buf_reset(&rec);
                overflow = false;
                depth = 0;
                in_string = escape = false;
                scalar = !(c == '{' || c == '[' || c == '"');
                /* fall through: the first byte belongs to the element */
                /* FALLTHROUGH */
            case A_IN:
                if (scalar) {
                    if (c == ',' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                        element_done = true;
                        i--; /* the delimiter belongs to the array */
                        if (c == '\n')
                            line--; /* counted again below */
                        break;
                    }
                } else if (in_string) {
                    if (escape)
                        escape = false;
                    else if (c == '\\')
                        escape = true;
                    else if (c == '"')
                        in_string = false;
                } else if (c == '"') {
                    in_string = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                }
                if (!overflow && buf_add(&rec, &c, 1) < 0)
                    overflow = true;
                if (!in_string && depth == 0 && !scalar &&
                    (c == '}' || c == ']' || (c == '"' && rec.len > 1) ))
                    element_done = true;
                break;
            case A_AFTER:
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                    break;
                if (c == ',') {
                    state = A_ELEMENT;
                } else if (c == ']') {
                    state = A_DONE;
                } else {
                    rc = array_error(rd, line, col, "expected ',' or ']' after an element of the JSON array");
                    goto done;
                }
                break;
            case A_DONE:
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
                    break;
                rc = array_error(rd, line, col, "data after the closing ']' of the JSON array");
                goto done;
            }
            if (c == '\n') {
                line++;
                line_start = base + i + 1;
            }
            if (element_done) {
                state = A_AFTER;
                in->start += i + 1;
                rc = overflow ? too_long_record(rd, rec_line, rec_col)
                              : process_record(rd, rec.ptr, rec.len, rec_line, rec_col);
                if (rc != 0)
                    goto done;
                p = in->buf + in->start;
                avail = in->end - in->start;
                base = in->file->bytes - avail;
                i = (size_t)-1;
            }
        }
        in->start += i;
    }
    /* the end of the file: one past the last byte */
    col = (size_t)(rd->file->bytes - line_start) + 1;
    if (state == A_IN) {
        /* the last element, cut off (or a scalar that the end of the file ends) */
        rc = overflow ? too_long_record(rd, rec_line, rec_col)
                      : process_record(rd, rec.ptr, rec.len, rec_line, rec_col);
        if (rc == 0 && scalar)
            rc = array_error(rd, line, col, "unexpected end of file: the JSON array is not closed with ']'");
    } else if (state == A_ELEMENT_OR_END || state == A_ELEMENT || state == A_AFTER) {
        rc = array_error(rd, line, col, "unexpected end of file: the JSON array is not closed with ']'");
    }
done:
    buf_release(&rec);
    return rc;
}

bool reader_path_is_jsonl(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    return n >= 6 && strncasecmp(path + n - 6, ".jsonl", 6) == 0;
}

void reader_options_from_spec(struct reader_options *o, const struct spec *spec)
{
    memset(o, 0, sizeof(*o));
    o->format = spec->dataset.format;
    o->max_line_bytes = spec->dataset.max_line_bytes ? spec->dataset.max_line_bytes : READER_DEFAULT_MAX_LINE;
    o->id_field = spec->dataset.id_field;
    o->label_field = spec->gates.coverage.by == COVERAGE_FIELD ? spec->gates.coverage.field : NULL;
    o->role_human = spec->gates.format.role_human ? spec->gates.format.role_human : "human";
    o->role_assistant = spec->gates.format.role_assistant ? spec->gates.format.role_assistant : "gpt";
    o->role_system = spec->gates.format.role_system ? spec->gates.format.role_system : "system";
}

int reader_run(struct run_file *file, const struct byte_stream *stream,
               const struct reader_options *o, reader_callback cb, void *cb_ctx)
{
    struct reader rd;
    struct input in;
    int rc = 0;

    memset(&rd, 0, sizeof(rd));
    rd.o = o;
    rd.file = file;
    rd.cb = cb;
    rd.cb_ctx = cb_ctx;
    rd.ex.path = file->path;
    rd.ex.split = file->split;
    rd.ex.file_index = o->file_index;
    if (o->label_field) {
        const char *seg = o->label_field;
        while (*seg && rd.n_label_segs < LABEL_MAX_SEGMENTS) {
            size_t len = strcspn(seg, ".");
            rd.label_seg[rd.n_label_segs] = seg;
            rd.label_seg_len[rd.n_label_segs++] = len;
            seg += len + (seg[len] == '.');
        }
    }
    file->format = FORMAT_AUTO;
    file->records = file->bytes = 0;

    memset(&in, 0, sizeof(in));
    in.in = stream;
    in.file = file;
    in.hash = o->hash_file;
    if (in.hash)
        sha256_init(&in.sha);
    if ((rc = fill(&in, READ_BLOCK)) < 0)
        goto done;
    /* enough bytes to recognise an LFS pointer or a BOM, however short the reads */
    while (!in.eof && in.end < 64 && (rc = fill(&in, READ_BLOCK)) >= 0)
        ;
    if (rc < 0)
        goto done;
    /* A git LFS pointer is a small text file standing in for the real data: judging
     * its bytes as records would report nonsense, so it is named for what it is. */
    static const char lfs_magic[] = "version https://git-lfs.github.com/spec/";
    if (in.end >= sizeof(lfs_magic) - 1 && memcmp(in.buf, lfs_magic, sizeof(lfs_magic) - 1) == 0) {
        file->lfs_pointer = true;
        goto drain;
    }
    if (in.end - in.start >= 3 && memcmp(in.buf, "\xEF\xBB\xBF", 3) == 0) {
        file->bom = true;
        in.start = 3;
    }
    /* A .jsonl file is JSONL whatever its first line holds (a line that is an array is
     * a record of the wrong type, and every later line is still read); any other file
     * is a JSON array when it starts with '[' (a JSONL record never does). */
    size_t first = in.start;
    while (first < in.end && (in.buf[first] == ' ' || in.buf[first] == '\t' || in.buf[first] == '\r' ||
                              in.buf[first] == '\n'))
        first++;
    file->is_array = !reader_path_is_jsonl(file->root_path ? file->root_path : file->path) &&
                     first < in.end && in.buf[first] == '[';
    rc = file->is_array ? read_array(&rd, &in, 1) : read_jsonl(&rd, &in, 1);
    if (rd.pool) {
        int prc = pool_finish(&rd, rc >= 0);
        if (rc == 0)
            rc = prc;
    }
    if (rc < 0)
        goto done;
drain:
    /* Drain what a stopped or failed read left, so the checksum covers the whole file. */
    while (in.hash && !in.eof) {
        in.start = in.end;
        int frc = fill(&in, READ_BLOCK);
        if (frc < 0) {
            rc = frc;
            goto done;
        }
    }
    if (in.hash) {
        sha256_final(&in.sha, file->sha256);
        in.hash = false;
        file->sha256_valid = true;
    }
    if (file->format == FORMAT_AUTO && o->format != FORMAT_AUTO)
        file->format = o->format;
done:
    if (in.hash) {
        unsigned char discard[32];
        sha256_final(&in.sha, discard);
    }
    free(in.buf);
    free(rd.turns);
    free(rd.lists[0].items);
    free(rd.lists[1].items);
    arena_release(&rd.arena);
    arena_release(&rd.scratch);
    return rc;
}
