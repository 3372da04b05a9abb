/*
 * Lexical path names for the sources and for whoever names a file the way the sources
 * do (dataset, bump): no file system access, no symlinks followed (that is
 * util/path_boundary.h). Both results are malloc'd or in place as stated; neither fails.
 *
 *   char *p = source_path_join("ds", "../data/a.jsonl");   // "ds/../data/a.jsonl"
 *   source_path_normalize(p);                               // "data/a.jsonl"
 *   free(p);
 */
#ifndef DSCI_SOURCE_PATH_H
#define DSCI_SOURCE_PATH_H

/* "a/b" + "c" -> "a/b/c"; "." or "" as dir -> "c". The caller frees the result. */
char *source_path_join(const char *dir, const char *rel);

/* Resolves "." and ".." by name, in place ("ds/../x" -> "x", "" -> "."). A leading
 * ".." that has nothing to cancel is kept ("../x"), so leaving the root stays visible. */
void source_path_normalize(char *path);

#endif
