/*
 * yajl's event parser feeding a stack of open containers; each container keeps its own
 * capacity beside the node (yajl_val has no room for it).
 */
#include "tokens/json_tree.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "util/xalloc.h"

struct open_container {
    yajl_val node;
    size_t cap;
    char *key;               /* an object's key waiting for its value */
};

struct tree_builder {
    struct open_container *stack;
    size_t depth, stack_cap;
    yajl_val root;
};

static yajl_val new_node(yajl_type type)
{
    yajl_val v = xcalloc(1, sizeof *v);
    v->type = type;
    return v;
}

static int add_value(struct tree_builder *b, yajl_val v)
{
    if (b->depth == 0) {
        b->root = v;
        return 1;
    }
    struct open_container *c = &b->stack[b->depth - 1];
    yajl_val node = c->node;
    size_t len = node->type == yajl_t_object ? node->u.object.len : node->u.array.len;
    if (len == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        if (node->type == yajl_t_object) {
            node->u.object.keys = xreallocarray(node->u.object.keys, c->cap, sizeof(char *));
            node->u.object.values = xreallocarray(node->u.object.values, c->cap, sizeof(yajl_val));
        } else {
            node->u.array.values = xreallocarray(node->u.array.values, c->cap, sizeof(yajl_val));
        }
    }
    if (node->type == yajl_t_object) {
        node->u.object.keys[len] = c->key;
        node->u.object.values[len] = v;
        node->u.object.len++;
        c->key = NULL;
    } else {
        node->u.array.values[len] = v;
        node->u.array.len++;
    }
    return 1;
}

static int open_container(struct tree_builder *b, yajl_type type)
{
    yajl_val v = new_node(type);
    add_value(b, v);
    if (b->depth == b->stack_cap) {
        b->stack_cap = b->stack_cap ? b->stack_cap * 2 : 16;
        b->stack = xreallocarray(b->stack, b->stack_cap, sizeof *b->stack);
    }
    b->stack[b->depth++] = (struct open_container){ v, 0, NULL };
    return 1;
}

static int on_null(void *ctx) { return add_value(ctx, new_node(yajl_t_null)); }
static int on_boolean(void *ctx, int v) { return add_value(ctx, new_node(v ? yajl_t_true : yajl_t_false)); }

static int on_number(void *ctx, const char *s, size_t len)
{
    yajl_val v = new_node(yajl_t_number);
    v->u.number.r = xstrndup(s, len);
    char *end;
    v->u.number.d = strtod(v->u.number.r, &end);
    if (*end == '\0')
        v->u.number.flags |= YAJL_NUMBER_DOUBLE_VALID;
    if (!memchr(s, '.', len) && !memchr(s, 'e', len) && !memchr(s, 'E', len)) {
        v->u.number.i = strtoll(v->u.number.r, &end, 10);
        if (*end == '\0' && v->u.number.i != LLONG_MAX && v->u.number.i != LLONG_MIN)
            v->u.number.flags |= YAJL_NUMBER_INT_VALID;
    }
    return add_value(ctx, v);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    yajl_val v = new_node(yajl_t_string);
    v->u.string = xstrndup((const char *)s, len);
    return add_value(ctx, v);
}

static int on_start_map(void *ctx) { return open_container(ctx, yajl_t_object); }
static int on_start_array(void *ctx) { return open_container(ctx, yajl_t_array); }

static int on_key(void *ctx, const unsigned char *s, size_t len)
{
    struct tree_builder *b = ctx;
    struct open_container *c = &b->stack[b->depth - 1];
    free(c->key);
    c->key = xstrndup((const char *)s, len);
    return 1;
}

static int on_end(void *ctx)
{
    struct tree_builder *b = ctx;
    b->depth--;
    return 1;
}

static const yajl_callbacks callbacks = {
    on_null, on_boolean, NULL, NULL, on_number, on_string,
    on_start_map, on_key, on_end, on_start_array, on_end,
};

yajl_val json_tree_parse(const char *text, size_t len, char *why, size_t why_size)
{
    struct tree_builder b = { 0 };
    yajl_handle h = yajl_alloc(&callbacks, NULL, &b);
    if (!h)
        xalloc_die("out of memory");
    yajl_status st = yajl_parse(h, (const unsigned char *)text, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    if (st != yajl_status_ok) {
        unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)text, len);
        snprintf(why, why_size, "%s", msg ? (const char *)msg : "parse error");
        char *nl = strchr(why, '\n');
        if (nl)
            *nl = '\0';
        if (msg)
            yajl_free_error(h, msg);
        for (size_t i = 0; i < b.depth; i++)
            free(b.stack[i].key);
        json_tree_free(b.root);
        b.root = NULL;
    }
    yajl_free(h);
    free(b.stack);
    return b.root;
}

void json_tree_free(yajl_val v)
{
    if (!v)
        return;
    switch (v->type) {
    case yajl_t_string:
        free(v->u.string);
        break;
    case yajl_t_number:
        free(v->u.number.r);
        break;
    case yajl_t_object:
        for (size_t i = 0; i < v->u.object.len; i++) {
            free((char *)v->u.object.keys[i]);
            json_tree_free(v->u.object.values[i]);
        }
        free(v->u.object.keys);
        free(v->u.object.values);
        break;
    case yajl_t_array:
        for (size_t i = 0; i < v->u.array.len; i++)
            json_tree_free(v->u.array.values[i]);
        free(v->u.array.values);
        break;
    default:
        break;
    }
    free(v);
}
