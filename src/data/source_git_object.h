/*
 * Private to source_git.c: one git object read in pieces, checked.
 *
 * Loose objects (what `git add` and `git commit` write) are inflated here chunk by chunk
 * from their file, so memory stays bounded whatever the blob's size, and every byte is
 * checked: the header's type and size, the zlib stream to its end (a truncated file is
 * an error, where libgit2 1.5 loops forever on it), and the SHA-1 against the id.
 * A packed object is found through the pack indexes (v2) and produced from its pack
 * the same way: a whole entry inflated, a delta applied on the fly over a cursor on its
 * base (source_git_pack.h). (libgit2 1.5's read stream serves loose
 * objects only, and loops on a truncated one as git_odb_read does.) What is left is read
 * whole through git_odb_read, which verifies it, and released at close: deltas whose
 * copies jump back and forth in a base too big to hold in memory, objects in alternate
 * stores. A big blob, when the run may use more than one thread, is inflated and
 * verified on a thread of its own ahead of the caller (source_read_ahead.h).
 *
 *   struct git_object_reader *r = NULL;
 *   if (git_object_reader_open(&r, git, &id, GIT_OBJECT_BLOB, "data/train.jsonl") < 0) ...
 *   while ((n = git_object_reader_read(r, buf, sizeof(buf))) > 0) ...   // < 0: corrupt
 *   git_object_reader_free(r);
 *
 * Every failure is DSCI_EENV with a message naming the path and the object id.
 *
 * Ownership: the reader borrows `git` (it must outlive the reader) and owns everything
 * else it opens (a file, zlib state, a pack cursor, a libgit2 odb object), released by
 * git_object_reader_free, which accepts NULL. Invariant: the reader hands out at most
 * the size its header announced, and only returns 0 (the end) once the bytes handed out
 * hash to the object's id; a short, long or altered object is an error instead.
 */
#ifndef DSCI_SOURCE_GIT_OBJECT_H
#define DSCI_SOURCE_GIT_OBJECT_H

#include <stdint.h>
#include <sys/types.h>

#include <git2.h>

struct git_object_reader;

/* `shown` (copied) names the object in messages: the path it was found at. */
int git_object_reader_open(struct git_object_reader **out, git_repository *git, const git_oid *id,
                           git_object_t type, const char *shown);
/* The object's size from its header. */
uint64_t git_object_reader_size(const struct git_object_reader *r);
/* Bytes put in buf, 0 at the end (once the object is verified whole), < 0 on error. */
ssize_t git_object_reader_read(struct git_object_reader *r, char *buf, size_t cap);
void git_object_reader_free(struct git_object_reader *r);

/*
 * Reads a loose object through to its end without keeping it, so that libgit2 may then
 * read it: 0 when it is sound or not loose (libgit2 reads packs safely), < 0 when it is
 * damaged. Small objects only (trees, link targets): it costs a second inflate.
 */
int git_object_check_loose(git_repository *git, const git_oid *id, git_object_t type, const char *shown);

#endif
