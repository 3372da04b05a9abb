/*
 * The normalized example: whatever the file format, a record becomes a list of turns
 * (role + text) plus what the format gate needs to judge it. The reader fills one
 * example per record and hands it to the gates; the texts point into the reader's
 * per-record storage and are valid only until the next record.
 *
 * Roles are normalized: ShareGPT's configured human/assistant/system names and
 * OpenAI's user/assistant/system/tool/function map to enum role; anything else is
 * ROLE_OTHER with the raw name kept in role_name.
 */
#ifndef DSCI_EXAMPLE_H
#define DSCI_EXAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/spec.h"

enum role {
    ROLE_NONE = 0,   /* no role key, or not a string */
    ROLE_SYSTEM,
    ROLE_USER,       /* ShareGPT "human", OpenAI "user", Alpaca instruction+input */
    ROLE_ASSISTANT,  /* ShareGPT "gpt", OpenAI "assistant", Alpaca output */
    ROLE_TOOL,
    ROLE_FUNCTION,   /* legacy OpenAI */
    ROLE_OTHER,
};

/*
 * Problems found in a record. The names of the OpenAI validator's kinds are kept
 * (example_error_name) so users can match them with the tools they already run.
 */
enum example_error {
    EX_OK = 0,
    /* the bytes: the record is not usable at all */
    EX_INVALID_JSON,
    EX_INVALID_UTF8,
    EX_NUL_BYTE,
    EX_LINE_TOO_LONG,
    EX_TOO_DEEP,
    /* structure */
    EX_DATA_TYPE,                  /* the record is not an object */
    EX_MISSING_MESSAGES_LIST,      /* no conversations/messages array */
    EX_MESSAGE_MISSING_KEY,        /* a message without its role key */
    EX_MESSAGE_UNRECOGNIZED_KEY,
    EX_UNRECOGNIZED_ROLE,
    EX_MISSING_CONTENT,            /* text missing or not a string */
    EX_MISSING_FIELD,              /* Alpaca, completion, text, pairs: a field missing or of the wrong type */
    /* conversation shape */
    EX_TURN_ORDER,                 /* ShareGPT: human/gpt must alternate */
    EX_EXAMPLE_MISSING_ASSISTANT_MESSAGE,
    EX_ENDS_WITHOUT_REPLY,         /* the last message is not the assistant's */
    EX_EMPTY_MESSAGE,              /* whitespace-only text */
    /* tool calls */
    EX_TOOL_ARGUMENTS_INVALID,     /* arguments is not a JSON object string */
    EX_TOOL_UNDECLARED,            /* calls a tool the record's `tools` does not declare */
    EX_TOOL_MISSING_PARAMETER,     /* a declared required parameter is absent */
    /* preference pairs (kept after the others: their numbers are in cached summaries) */
    EX_REPLY_NOT_ASSISTANT,        /* a reply that is not assistant messages (or not one, in OpenAI's) */
    EX_NO_SHARED_PROMPT,           /* no prompt: an empty prompt list, or an implicit pair sharing no message */
    EX_ERROR_KIND_COUNT
};

const char *example_error_name(enum example_error kind);

struct tool_call {
    const char *name;        /* function.name, NULL when absent */
    size_t name_len;
    const char *arguments;   /* function.arguments (raw JSON text), NULL when absent */
    size_t arguments_len;
};

struct turn {
    enum role role;
    const char *role_name;   /* as written; NULL when absent */
    size_t role_name_len;
    const char *text;        /* NULL when the text is absent or not a string */
    size_t text_len;         /* bytes */
    size_t text_chars;       /* Unicode code points */
    struct tool_call *tool_calls;
    size_t n_tool_calls;
};

struct tool_decl {
    const char *name;
    size_t name_len;
    const char **required;   /* required parameter names */
    size_t *required_len;
    size_t n_required;
};

/* One problem with its detail; the reader keeps the first few of each record. */
struct example_issue {
    enum example_error kind;
    size_t line;             /* absolute line in the file (records can span lines) */
    size_t column;           /* 1-based byte column of the offending byte; 0: the record's own */
    size_t char_column;      /* the same place counted in characters (code points), for SARIF */
    const char *message;     /* borrowed from the reader's record storage */
};

#define EXAMPLE_MAX_ISSUES 8

struct example {
    const char *path;        /* repo-relative file path, borrowed */
    size_t split;            /* index into spec->dataset.splits */
    size_t file_index;       /* index of the file in the run */
    size_t line;             /* 1-based line where the record starts */
    size_t column;           /* 1-based byte column where it starts, in a JSON array file;
                              * 0 in JSONL, where the line says it all */
    size_t char_column;      /* the same place counted in characters (code points): SARIF's
                              * columnKind; 0 in JSONL */
    uint64_t ordinal;        /* 0-based position of the record in its file (in a JSON array
                              * file, its index in the array) */
    enum dataset_format format;

    bool parsed;             /* valid JSON and an object: the metrics count it */
    struct turn *turns;
    size_t n_turns;
    struct tool_decl *tools;
    size_t n_tools;
    bool has_tools;          /* a `tools` array was present (openai) */

    /* A preference pair (FORMAT_PREFERENCE): turns hold the prompt and then the chosen
     * reply, so every gate that reads a conversation reads the one training moves
     * towards; turns[0 .. n_prompt_turns) are the prompt. The rejected reply's turns are
     * kept apart for the gates that compare the sides (gates/preference.c) or must read
     * every text (PII). has_rejected: the record had a usable rejected side. In other
     * formats n_prompt_turns is 0, rejected NULL and n_rejected 0. */
    size_t n_prompt_turns;
    struct turn *rejected;
    size_t n_rejected;
    bool has_rejected;

    const char *id;          /* the id field's value as text, NULL when absent */
    size_t id_len;
    const char *label;       /* coverage field value when by: field and a string */
    size_t label_len;

    unsigned char hash[32];  /* content hash: SHA-256 of the canonical form */
    /* 1 + the coverage category, when the run already classified the example (once, for
     * the coverage gate and the diff alike: run/classify.h); 0: not yet. */
    uint32_t known_category;
    /* What the reader's annotate hook wrote for this record (read/reader.h), valid as
     * long as the example; NULL when there is no hook. */
    const char *note;
    size_t note_len;

    /* Problems. errors is a bit set of (1 << enum example_error); issues holds details.
     * issues and n_issues stay last: a copy of a record takes the fields before issues
     * and then only the issues in use (read/pool.c). */
    uint32_t errors;
    struct example_issue issues[EXAMPLE_MAX_ISSUES];
    size_t n_issues;
};

/* Adds a problem (kept when there is room; the bit is always set). message is copied
 * by the caller into storage that outlives the record's processing. */
void example_add_issue(struct example *ex, enum example_error kind, size_t line, const char *message);

static inline bool example_has(const struct example *ex, enum example_error kind)
{
    return (ex->errors >> kind) & 1u;
}

/* Content hash of roles and texts in order (docs/canonical.md): reformatting a file keeps
 * it, editing a text changes it. A preference pair adds where its prompt ends and its
 * rejected side, so a pair never hashes as the chat of its prompt and chosen reply. */
void example_hash(unsigned char out[32], const struct example *ex);

/* Unicode code points in valid UTF-8. */
size_t utf8_chars(const char *s, size_t len);

#endif
