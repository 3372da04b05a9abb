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

/* Parses `data` into a tree; *out stays NULL for a document-less stream (empty file). */
int yaml_tree_parse(struct ynode **out, const char *path, const char *data, size_t len)
{
    yaml_parser_t parser;
    yaml_event_t event;
    bool have_event = false, end = false;
    struct ynode *root = NULL, *stack[SPEC_MAX_DEPTH];
    size_t depth = 0, nodes = 0, documents = 0;
    int r = 0;

    *out = NULL;
    if (!yaml_parser_initialize(&parser))
        return err_set(DSCI_EENV, "%s: cannot set up the YAML parser", path);
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);

    while (!end) {
        const yaml_char_t *anchor = NULL, *tag = NULL;
        enum ykind kind = Y_SCALAR;
        bool is_node = false;

        if (!yaml_parser_parse(&parser, &event)) {
            r = yaml_error(path, data, len, &parser);
            goto done;
        }
        have_event = true;
        size_t line = event.start_mark.line + 1, col = event.start_mark.column + 1;

        switch (event.type) {
        case YAML_STREAM_END_EVENT:
            end = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                r = err_set(DSCI_EUSAGE, "%s:%zu:%zu: a spec is one YAML document; found a second one",
                            path, line, col);
                goto done;
            }
            break;
        case YAML_ALIAS_EVENT:
            r = err_set(DSCI_EUSAGE, "%s:%zu:%zu: YAML aliases are not supported in dsci specs",
                        path, line, col);
            goto done;
        case YAML_SCALAR_EVENT:
            anchor = event.data.scalar.anchor;
            tag = event.data.scalar.tag;
            is_node = true;
            break;
        case YAML_SEQUENCE_START_EVENT:
            anchor = event.data.sequence_start.anchor;
            tag = event.data.sequence_start.tag;
            kind = Y_SEQ;
            is_node = true;
            break;
        case YAML_MAPPING_START_EVENT:
            anchor = event.data.mapping_start.anchor;
            tag = event.data.mapping_start.tag;
            kind = Y_MAP;
            is_node = true;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (depth)   /* libyaml balances these; never underflow regardless */
                depth--;
            break;
        default:
            break;
        }

        if (is_node) {
            /* Refusing anchors as well as aliases keeps the message at the first
             * sign of a reference, and makes alias bombs impossible by construction. */
            if (anchor) {
                r = err_set(DSCI_EUSAGE,
                            "%s:%zu:%zu: YAML anchors and aliases are not supported in dsci specs",
                            path, line, col);
                goto done;
            }
            if (!tag_allowed(tag)) {
                r = err_set(DSCI_EUSAGE, "%s:%zu:%zu: YAML tag '%.60s' is not supported in dsci specs",
                            path, line, col, (const char *)tag);
                goto done;
            }
            if (++nodes > SPEC_MAX_NODES) {
                r = err_set(DSCI_EUSAGE, "%s:%zu:%zu: spec has more than %d YAML nodes",
                            path, line, col, SPEC_MAX_NODES);
                goto done;
            }
            if (kind != Y_SCALAR && depth == SPEC_MAX_DEPTH) {
                r = err_set(DSCI_EUSAGE, "%s:%zu:%zu: spec nests deeper than %d levels",
                            path, line, col, SPEC_MAX_DEPTH);
                goto done;
            }
            if (kind == Y_SCALAR &&
                memchr(event.data.scalar.value, '\0', event.data.scalar.length)) {
                r = err_set(DSCI_EUSAGE, "%s:%zu:%zu: a NUL character is not allowed in a spec",
                            path, line, col);
                goto done;
            }

            struct ynode *n = xcalloc(1, sizeof(*n));
            n->kind = kind;
            n->line = line;
            n->col = col;
            if (kind == Y_SCALAR) {
                n->value = xmemdup(event.data.scalar.value, event.data.scalar.length);
                n->len = event.data.scalar.length;
                n->is_null = scalar_is_null(&event);
            }
            /* Attach at once, so that freeing the root on error frees every node. */
            if (depth == 0) {
                root = n;
            } else {
                struct ynode *parent = stack[depth - 1];
                ALLOC_GROW(parent->items, parent->n + 1, parent->alloc);
                parent->items[parent->n++] = n;
            }
            if (kind != Y_SCALAR)
                stack[depth++] = n;
        }
        yaml_event_delete(&event);
        have_event = false;
    }
    *out = root;
    root = NULL;
done:
    if (have_event)
        yaml_event_delete(&event);
    yaml_parser_delete(&parser);
    ynode_free(root);
    return r;
}

const struct ynode *map_get(const struct ynode *map, const char *key)
{
    for (size_t i = 0; i < map->n; i += 2)
        if (!strcmp(map->items[i]->value, key))
            return map->items[i + 1];
    return NULL;
}
