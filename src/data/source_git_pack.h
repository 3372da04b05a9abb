/*
 * Private to source_git_object.c: packed git objects, read without libgit2 so that a
 * big blob streams in bounded memory (libgit2 1.5 reads a packed object whole).
 *
 *   char *pack = NULL; uint64_t at;
 *   if (pack_find(git, &id, &pack, &at) == 0 && (c = pack_cursor_open(git, pack, at))) {
 *       while ((n = pack_cursor_read(c, buf, sizeof(buf))) > 0) ...
 *       // n == PACK_DAMAGED: pack_cursor_why(c); n == PACK_GIVE_UP: read it another way
 *       pack_cursor_free(c);
 *   }
 *   free(pack);
 *
 * What this does not do, the caller leaves to libgit2 (git_odb_read): pack indexes other
 * than version 2, delta chains deeper than 64, deltas whose copies jump back and forth
 * in a base too big to hold (PACK_GIVE_UP), objects in alternate stores. A cursor checks the shape of
 * what it reads (sizes, offsets, zlib streams) but not the object's id: the caller hashes
 * the bytes it is handed. Errors are codes, not err_set: the caller names the object.
 */
#ifndef DSCI_SOURCE_GIT_PACK_H
#define DSCI_SOURCE_GIT_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <git2.h>
#include <zlib.h>

/* The pack (a malloc'd path, the caller's to free) whose v2 index lists `id`, and the
 * entry's offset there: 0, or 1 when no index this reads lists it (nothing allocated). */
int pack_find(git_repository *git, const git_oid *id, char **pack, uint64_t *offset);

/*
 * A pack entry's content, produced front to back. A whole entry is its zlib stream
 * inflated; a delta (its base earlier in the pack, or named by id) is applied on the fly
 * over a cursor on its base, moved forward or, when a copy goes back, held whole in
 * memory from then on (a base up to 512 MiB, DSCI_GIT_BASE_IN_MEMORY_MAX) or, bigger,
 * restarted: at most one more pass over the base, then PACK_GIVE_UP. Each level of a
 * delta chain holds two 64 KiB buffers and an open file (and its content once held),
 * all released by pack_cursor_free.
 */
struct pack_cursor;

enum { PACK_DAMAGED = -1, PACK_GIVE_UP = -2 };

/* NULL when the entry is beyond what this reads or unreadable (the caller then lets
 * libgit2 read the object, which reports any damage). `git` is borrowed for REF_DELTA
 * bases; the cursor keeps no reference to it after opening. */
struct pack_cursor *pack_cursor_open(git_repository *git, const char *pack, uint64_t offset);
/* The size of the content (for a delta: of the result, not of the delta). */
uint64_t pack_cursor_size(const struct pack_cursor *c);
/* The GIT_OBJECT_* at the bottom of the chain: what the content is. */
int pack_cursor_type(const struct pack_cursor *c);
/* Up to cap bytes into buf: the count, 0 at the end, or PACK_DAMAGED / PACK_GIVE_UP. */
ssize_t pack_cursor_read(struct pack_cursor *c, unsigned char *buf, size_t cap);
/* After PACK_DAMAGED: what was wrong, a static string; valid until pack_cursor_free. */
const char *pack_cursor_why(const struct pack_cursor *c);
/* Accepts NULL. */
void pack_cursor_free(struct pack_cursor *c);

/*
 * One inflate call of a zlib stream read in chunks, shared with the loose-object reader:
 * up to cap bytes into out, *out_len how many, *end set at the stream's end. 0 (go on:
 * refill the input when it is used up), PACK_INFLATE_TRUNCATED (no progress and `eof`:
 * the input ended before the stream did) or PACK_INFLATE_BAD (z->msg says why, if set).
 */
enum { PACK_INFLATE_TRUNCATED = 1, PACK_INFLATE_BAD = 2 };
int pack_inflate_step(z_stream *z, unsigned char *out, size_t cap, size_t *out_len, bool *end, bool eof);

#endif
