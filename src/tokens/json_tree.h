/*
 * A whole JSON document as yajl_tree's nodes (struct yajl_val_s, read with its YAJL_IS_*
 * and YAJL_GET_* macros), built with arrays that grow geometrically: yajl_tree_parse
 * grows an object or array one element at a time, which is quadratic on a tokenizer.json's
 * 150 000-key vocab wherever realloc copies (under AddressSanitizer or valgrind: minutes).
 */
#ifndef DSCI_TOKENS_JSON_TREE_H
#define DSCI_TOKENS_JSON_TREE_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

/* The tree of text[0..len), or NULL with why (at most why_size bytes, one line) filled. */
yajl_val json_tree_parse(const char *text, size_t len, char *why, size_t why_size);
void json_tree_free(yajl_val v);

#endif
