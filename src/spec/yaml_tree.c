/*
 * libyaml's event parser -> a small tree of our own (struct ynode, spec_impl.h),
 * refusing anchors, aliases, odd tags, deep nesting and huge documents as it goes, so
 * nothing hostile ever expands. Every node keeps its line and column for messages.
 */
#include "spec/spec_impl.h"

#include <string.h>
#include <yaml.h>

#include "util/err.h"
#include "util/xalloc.h"

void ynode_free(struct ynode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        ynode_free(n->items[i]);   /* recursion is bounded by SPEC_MAX_DEPTH */
    free(n->items);
    free(n->value);
    free(n);
}

/* libyaml reports reader errors (bad UTF-8, control characters) as a byte offset only. */
static void offset_to_pos(const char *data, size_t len, size_t offset, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        unsigned char ch = (unsigned char)data[i];
        if (ch == '\n') {
            (*line)++;
            *col = 1;
        } else if ((ch & 0xC0) != 0x80) {
            (*col)++;   /* columns count characters, as libyaml's marks do */
        }
    }
}

static int yaml_error(const char *path, const char *data, size_t len, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "syntax error";

    if (p->error == YAML_MEMORY_ERROR)
        return err_set(DSCI_EENV, "%s: out of memory while parsing YAML", path);
    if (p->error == YAML_READER_ERROR) {
        size_t line, col;
        offset_to_pos(data, len, p->problem_offset, &line, &col);
        if (p->problem_value == -1)
            return err_set(DSCI_EUSAGE, "%s:%zu:%zu: invalid YAML: %s", path, line, col, problem);
        return err_set(DSCI_EUSAGE, "%s:%zu:%zu: invalid YAML: %s (%s 0x%02X)", path, line, col,
                       problem, strstr(problem, "UTF-8") ? "byte" : "character",
                       (unsigned)p->problem_value);
    }
    if (p->context)
        return err_set(DSCI_EUSAGE, "%s:%zu:%zu: invalid YAML: %s (%s at %zu:%zu)", path,
                       p->problem_mark.line + 1, p->problem_mark.column + 1, problem,
                       p->context, p->context_mark.line + 1, p->context_mark.column + 1);
    return err_set(DSCI_EUSAGE, "%s:%zu:%zu: invalid YAML: %s", path,
                   p->problem_mark.line + 1, p->problem_mark.column + 1, problem);
}

/* Only the core schema's tags: anything else asks for semantics dsci does not have. */
static bool tag_allowed(const yaml_char_t *tag)
{
    static const char *const core[] = { "str", "int", "float", "bool", "null", "map", "seq" };
    static const char prefix[] = "tag:yaml.org,2002:";
    const char *t = (const char *)tag;

    if (!t || !strcmp(t, "!"))
        return true;
    if (strncmp(t, prefix, sizeof(prefix) - 1))
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(core); i++)
        if (!strcmp(t + sizeof(prefix) - 1, core[i]))
            return true;
    return false;
}

static bool scalar_is_null(const yaml_event_t *e)
{
    const char *v = (const char *)e->data.scalar.value;
    const char *tag = (const char *)e->data.scalar.tag;

    if (tag && !strcmp(tag, "tag:yaml.org,2002:null"))
        return true;
    if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || (tag && strcmp(tag, "!")))
        return false;
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
           !strcmp(v, "NULL");
}

/* The tree being built from the event stream. */
struct builder {
    const char *path;
    struct ynode *root, *stack[SPEC_MAX_DEPTH];   /* stack: the open collections */
    size_t depth, nodes, documents;
};

/* A node event (scalar, sequence or mapping start): checked against the limits, then
 * attached to its parent at once, so that freeing the root on error frees every node. */
static int add_node(struct builder *b, const yaml_event_t *e, enum ykind kind,
                    const yaml_char_t *anchor, const yaml_char_t *tag)
{
    size_t line = e->start_mark.line + 1, col = e->start_mark.column + 1;
    const char *path = b->path;

    /* Refusing anchors as well as aliases keeps the message at the first
     * sign of a reference, and makes alias bombs impossible by construction. */
    if (anchor)
        return err_set(DSCI_EUSAGE,
                       "%s:%zu:%zu: YAML anchors and aliases are not supported in dsci specs",
                       path, line, col);
    if (!tag_allowed(tag))
        return err_set(DSCI_EUSAGE, "%s:%zu:%zu: YAML tag '%.60s' is not supported in dsci specs",
                       path, line, col, (const char *)tag);
    if (++b->nodes > SPEC_MAX_NODES)
        return err_set(DSCI_EUSAGE, "%s:%zu:%zu: spec has more than %d YAML nodes",
                       path, line, col, SPEC_MAX_NODES);
    if (kind != Y_SCALAR && b->depth == SPEC_MAX_DEPTH)
        return err_set(DSCI_EUSAGE, "%s:%zu:%zu: spec nests deeper than %d levels",
                       path, line, col, SPEC_MAX_DEPTH);
    if (kind == Y_SCALAR && memchr(e->data.scalar.value, '\0', e->data.scalar.length))
        return err_set(DSCI_EUSAGE, "%s:%zu:%zu: a NUL character is not allowed in a spec",
                       path, line, col);

    struct ynode *n = xcalloc(1, sizeof(*n));
    n->kind = kind;
    n->line = line;
    n->col = col;
    if (kind == Y_SCALAR) {
        n->value = xmemdup(e->data.scalar.value, e->data.scalar.length);
        n->len = e->data.scalar.length;
        n->is_null = scalar_is_null(e);
    }
    if (b->depth == 0) {
        b->root = n;
    } else {
        struct ynode *parent = b->stack[b->depth - 1];
        ALLOC_GROW(parent->items, parent->n + 1, parent->alloc);
        parent->items[parent->n++] = n;
    }
    if (kind != Y_SCALAR)
        b->stack[b->depth++] = n;
    return 0;
}

/* One event: 1 at the end of the stream, 0 to go on, negative on error. */
static int on_event(struct builder *b, const yaml_event_t *e)
{
    size_t line = e->start_mark.line + 1, col = e->start_mark.column + 1;

    switch (e->type) {
    case YAML_STREAM_END_EVENT:
        return 1;
    case YAML_DOCUMENT_START_EVENT:
        if (++b->documents > 1)
            return err_set(DSCI_EUSAGE, "%s:%zu:%zu: a spec is one YAML document; found a second one",
                           b->path, line, col);
        return 0;
    case YAML_ALIAS_EVENT:
        return err_set(DSCI_EUSAGE, "%s:%zu:%zu: YAML aliases are not supported in dsci specs",
                       b->path, line, col);
    case YAML_SCALAR_EVENT:
        return add_node(b, e, Y_SCALAR, e->data.scalar.anchor, e->data.scalar.tag);
    case YAML_SEQUENCE_START_EVENT:
        return add_node(b, e, Y_SEQ, e->data.sequence_start.anchor, e->data.sequence_start.tag);
    case YAML_MAPPING_START_EVENT:
        return add_node(b, e, Y_MAP, e->data.mapping_start.anchor, e->data.mapping_start.tag);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (b->depth)   /* libyaml balances these; never underflow regardless */
            b->depth--;
        return 0;
    default:
        return 0;
    }
}

int yaml_tree_parse(struct ynode **out, const char *path, const char *data, size_t len)
{
    yaml_parser_t parser;
    yaml_event_t event;
    struct builder b = { .path = path };
    int r = 0;

    *out = NULL;
    if (!yaml_parser_initialize(&parser))
        return err_set(DSCI_EENV, "%s: cannot set up the YAML parser", path);
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    while (r == 0) {
        if (!yaml_parser_parse(&parser, &event)) {
            r = yaml_error(path, data, len, &parser);
            break;
        }
        r = on_event(&b, &event);
        yaml_event_delete(&event);
    }
    if (r > 0) {
        *out = b.root;
        b.root = NULL;
        r = 0;
    }
    yaml_parser_delete(&parser);
    ynode_free(b.root);
    return r;
}

const struct ynode *map_get(const struct ynode *map, const char *key)
{
    for (size_t i = 0; i < map->n; i += 2)
        if (!strcmp(map->items[i]->value, key))
            return map->items[i + 1];
    return NULL;
}
