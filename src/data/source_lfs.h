/*
 * Git LFS: a dataset file stored as an LFS pointer is read from the repository's local
 * LFS store (<git common dir>/lfs/objects/aa/bb/<oid>), verified against the pointer's
 * SHA-256 and size. dsci never runs git-lfs: an object that is not in the store leaves
 * the pointer's bytes to the reader, which reports the file as a pointer.
 *
 *   struct lfs_pointer p;
 *   if (lfs_peek(&stream, &p) == 1 && (store = ...))
 *       rc = lfs_open_object(&stream, store, &p, "data/train.jsonl");   // 1: the object
 */
#ifndef DSCI_SOURCE_LFS_H
#define DSCI_SOURCE_LFS_H

#include <stdbool.h>
#include <stdint.h>

#include "data/byte_stream.h"

struct git_repository;

/* The LFS spec's limit: a pointer file is smaller than this. */
enum { LFS_POINTER_MAX = 1024 };

struct lfs_pointer {
    char oid[65];            /* lowercase hex SHA-256 */
    uint64_t size;
};

/* 1 and *p when buf[0, len) is a whole, valid LFS pointer (spec v1), else 0. */
int lfs_pointer_parse(const char *buf, size_t len, struct lfs_pointer *p);

/* Reads the head of *s (up to LFS_POINTER_MAX bytes) and replaces *s by a stream that
 * gives those bytes then the rest, as before. 1 and *p when the whole stream is an LFS
 * pointer; 0 when not; < 0 a read error. */
int lfs_peek(struct byte_stream *s, struct lfs_pointer *p);

/* The store of the repository that `dir` is in (its objects folder), malloc'd; NULL
 * outside a repository. */
char *lfs_store_of_dir(const char *dir);
/* The store of an open repository: `lfs.storage` from its config, else <common dir>/lfs,
 * then objects/. */
char *lfs_store_of_repository(struct git_repository *git);

/* Whether `store` holds the pointer's object (a file of the pointer's size). */
bool lfs_object_present(const char *store, const struct lfs_pointer *p);

/* The pointer's object from `store` in place of *s (closed): 1; 0 when the store does
 * not hold it (*s untouched); < 0 an object whose size is not the pointer's or that
 * cannot be opened. The stream checks the SHA-256 when it ends: a mismatch is an error
 * naming `shown`. */
int lfs_open_object(struct byte_stream *s, const char *store, const struct lfs_pointer *p, const char *shown);

#endif
