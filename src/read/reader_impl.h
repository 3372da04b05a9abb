/*
 * The reader's insides, shared by its files (nothing outside src/read/ includes this):
 *   read/reader.c      the public loop: options, file start (LFS, BOM, array or JSONL),
 *                      the example's life (reset, deliver), the checksum drain;
 *   read/frame.c       framing: JSONL lines and JSON array elements, with their lines;
 *   read/record.c      one record through yajl's SAX interface into struct record;
 *   read/json_fast.c   the fast path for record.c's callbacks (yajl for what it refuses);
 *   read/formats.c     struct record -> the example: ShareGPT, OpenAI (tools), Alpaca,
 *                      completion, text; also reader_json_is_object (the tool-arguments
 *                      scanner);
 *   read/formats_pair.c  preference pairs (TRL explicit/implicit prompt, OpenAI);
 *   read/json_error.c  where a broken record's first error is (line, column, message),
 *                      and reader_json_error_offset;
 *   read/pool.c        parsing JSONL records on worker threads, delivered in file order.
 * Data moves one way: frame -> record -> formats -> deliver (the callback).
 */
#ifndef DSCI_READER_IMPL_H
#define DSCI_READER_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "read/reader.h"
#include "util/arena.h"
#include "util/sha256.h"

#define READ_BLOCK ((size_t)1 << 20)
#define LABEL_MAX_SEGMENTS 16

/* The node a SAX event is in: which part of a record the open container is. */
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
    N_INPUT,         /* OpenAI preference: the `input` object (messages, tools) */
};

/* The key whose value comes next, decided once in the map-key callback. */
enum key {
    K_NONE = 0,
    K_UNKNOWN,
    /* root */
    K_CONVERSATIONS, K_MESSAGES, K_TOOLS, K_INSTRUCTION, K_INPUT, K_OUTPUT, K_ID, K_LABEL,
    K_PROMPT, K_CHOSEN, K_REJECTED, K_COMPLETION, K_TEXT, K_PREFERRED_OUTPUT, K_NON_PREFERRED_OUTPUT,
    /* message */
    K_FROM, K_VALUE, K_ROLE, K_CONTENT, K_NAME, K_TOOL_CALLS, K_TOOL_CALL_ID, K_WEIGHT,
    K_FUNCTION_CALL,
    /* tool calls and tools */
    K_FUNCTION, K_ARGUMENTS, K_PARAMETERS, K_REQUIRED,
};

/* The message lists a record may hold: chat formats use the first two (OpenAI's
 * preference records keep input.messages in LIST_MESSAGES), TRL pairs the next three. */
enum list_id {
    LIST_CONVERSATIONS = 0, LIST_MESSAGES, LIST_PROMPT, LIST_CHOSEN, LIST_REJECTED,
    LIST_PREFERRED, LIST_NON_PREFERRED, LIST_COMPLETION, LIST_COUNT
};

enum value_type { V_ABSENT = 0, V_STRING, V_NULL, V_OTHER };

/* One object element of a conversations/messages list, as read. */
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

/* One open container of the record being parsed. */
struct sax_frame {
    uint8_t node;
    uint8_t is_map;
    uint16_t aux;       /* N_LIST: which list; N_LABEL: path segment index */
};

/*
 * One record as the SAX callbacks leave it (read/record.c): the raw parts the format
 * mapping (read/formats.c) turns into the example. Strings point into the record's
 * bytes when they need no unescaping, else into the reader's arena; both live until
 * the record is delivered.
 */
struct record {
    const struct reader_options *o;
    struct arena *arena;
    const char *src;            /* the record's bytes, for zero-copy strings */
    size_t src_len;

    struct sax_frame stack[READER_MAX_DEPTH + 2];
    int depth;
    enum key key;               /* the key whose value comes next, in the current map */
    bool too_deep;

    enum value_type root_type;
    const char *root_type_name;
    struct raw_list *lists;     /* [LIST_COUNT], owned by the reader */
    int current_list;           /* the list whose message is open */
    bool element_stored;        /* the list element just started was kept */
    struct tool_decl *tools;
    size_t n_tools, alloc_tools;
    bool has_tools;
    size_t alloc_required;      /* capacity of the open tool's required[] */

    enum value_type instruction_type, input_type, output_type;
    const char *instruction, *input, *output;
    size_t instruction_len, input_len, output_len;
    bool input_is_object;       /* OpenAI preference `input`, not Alpaca's string */

    /* The string forms of prompt/chosen/rejected (their list forms are lists[]),
     * completion and text; a value that is a list has type V_OTHER here. */
    struct raw_field { enum value_type type; const char *s; size_t len; }
        prompt, chosen, rejected, completion, text;

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

struct parse_pool;

/* The state of one reading thread (and of each parsing worker: read/pool.c). The turn
 * array and the lists' items are reused from record to record; `arena` holds the
 * current record's strings and messages (a worker's: its chunk's records), `scratch`
 * yajl's own memory, reset after every record. */
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
    struct buf note;         /* the annotate hook's bytes for the current record */
    struct turn *turns;
    size_t alloc_turns;
    struct turn *rejected;   /* a preference pair's rejected side, reused like turns */
    size_t n_rejected, alloc_rejected;
    size_t rejected_from;    /* where its reply starts: after the prompt it shares (implicit) */
    struct raw_list lists[LIST_COUNT];
    uint64_t ordinal;
    const char *label_seg[LABEL_MAX_SEGMENTS];
    size_t label_seg_len[LABEL_MAX_SEGMENTS];
    size_t n_label_segs;
};

/* The bytes of the file being read: a window [start, end) of buf that framing consumes
 * from the front; every byte read passes through the checksum once. */
struct frame_input {
    const struct byte_stream *in;
    struct run_file *file;
    bool hash;
    struct sha256 sha;
    char *buf;
    size_t cap, start, end;
    bool eof;
    bool borrowed;           /* buf is reader_options.bytes: all of the input, never moved */
};

/* ---- read/reader.c */

char *reader_arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Adds a problem to the current example; the message is only formatted while there is
 * room for it (EXAMPLE_MAX_ISSUES), so a record with a million bad messages costs no
 * million formatted strings. The kind's bit is always set. */
#define ISSUE(rd, kind, line, ...)                                                       \
    do {                                                                                 \
        if ((rd)->ex.n_issues < EXAMPLE_MAX_ISSUES)                                      \
            example_add_issue(&(rd)->ex, (kind), (line), reader_arena_printf(&(rd)->arena, __VA_ARGS__)); \
        else                                                                             \
            (rd)->ex.errors |= 1u << (kind);                                             \
    } while (0)

/* How many bytes of untrusted text a message quotes: at most 40, on a UTF-8 boundary. */
int reader_quote_len(const char *s, size_t len);

/* Starts the example of a record at `line` (and byte `column`, character `char_column`
 * in an array file, else 0). */
void reader_reset_example(struct reader *rd, size_t line, size_t column, size_t char_column);

/* Hands the current example to the callback (a worker keeps it in its chunk instead);
 * returns the callback's value. */
int reader_deliver(struct reader *rd);

/* A record over dataset.max_line_bytes: one EX_LINE_TOO_LONG example, delivered. */
int reader_too_long(struct reader *rd, size_t line, size_t column, size_t char_column);

/* Frees what a reader (the reading thread's or a worker's) allocated; not the struct. */
void reader_release(struct reader *rd);

/* ---- read/frame.c */

/* Reads more bytes after the kept ones (moving those to the front first), growing the
 * buffer to want_cap. Returns 0 (sets eof at the end) or the stream's negative error. */
int frame_fill(struct frame_input *in, size_t want_cap);

/* Every JSONL line from in->start on, numbered from `line`, as records. Returns 0, the
 * callback's non-zero value or a read error. */
int frame_read_jsonl(struct reader *rd, struct frame_input *in, size_t line);

/* Every element of the JSON array starting at in->start, as records; a syntax error of
 * the array itself is one broken record and ends the file. */
int frame_read_array(struct reader *rd, struct frame_input *in, size_t line);

/* ---- read/record.c */

/* yajl allocating from an arena, which is then freed all at once. */
yajl_alloc_funcs record_yajl_funcs(struct arena *a);

/* One record: a JSONL line or an array element, starting on `line` (at byte `column`,
 * character `char_column` in an array file; 0 for a JSONL line), parsed, mapped and delivered. */
int record_process(struct reader *rd, const char *s, size_t len, size_t line, size_t column,
                   size_t char_column);

/* ---- read/formats.c */

/* The format the first record of an auto file shows. */
enum dataset_format formats_detect(const struct record *r);

/* The example's turns (and tool call checks) from a record in a chat format. */
void formats_build_chat(struct reader *rd, struct record *r, enum dataset_format format);

/* The example's two turns from an Alpaca record. */
void formats_build_alpaca(struct reader *rd, struct record *r);

/* The example from a completion record (prompt + completion) or a text record. */
void formats_build_completion(struct reader *rd, struct record *r);
/* ... from TRL's conversational prompt-completion record (read/formats_pair.c): either
 * side a list of messages, the completion's the assistant's. */
void formats_build_completion_messages(struct reader *rd, struct record *r);
void formats_build_text(struct reader *rd, struct record *r);

/* Turns (the reader's turn array) from a list of messages, with its issues; the
 * message rules and tool-call checks of `format`. Shared with read/formats_pair.c. */
void formats_list_turns(struct reader *rd, struct record *r, const struct raw_list *l,
                        const char *list_name, enum dataset_format format, bool openai_keys,
                        size_t *tool_call_budget);

/* ---- read/formats_pair.c */

/* The example from a preference record: TRL explicit or implicit prompt, or OpenAI's
 * preference fine-tuning form. */
void formats_build_preference(struct reader *rd, struct record *r);

/* TRL's implicit prompt: how many leading turns two message lists share, and how many
 * leading bytes two strings share (a character boundary, a space before the replies
 * left to them); when nothing differs, the shorter side keeps its last message or
 * character as its reply, as TRL's extract_prompt does. */
size_t formats_shared_turns(const struct turn *a, size_t na, const struct turn *b, size_t nb);
size_t formats_shared_prefix(const char *a, size_t na, const char *b, size_t nb);

/* ---- read/json_error.c */

/* The one issue of a record yajl refused: nesting, NUL, UTF-8 or JSON syntax, with the
 * line and column Python's json module would name. */
void json_error_describe(struct reader *rd, const struct record *r, yajl_handle h,
                         const char *s, size_t len);

/* ---- read/pool.c */

/* Whether this line goes to the parsing threads: once the file's format is known and
 * the file is big enough (starts the pool the first time). */
bool pool_use(struct reader *rd);

/* Queues one JSONL line (copied) for the workers; too_long: a line over the limit. */
int pool_add(struct reader *rd, const char *s, size_t len, size_t line, bool too_long);

/* Parses and delivers what is left in order (nothing more when `deliver` is false: a
 * read error), stops the threads and frees the pool. */
int pool_finish(struct reader *rd, bool deliver);

#endif
