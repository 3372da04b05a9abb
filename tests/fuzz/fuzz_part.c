/*
 * libFuzzer target: a sharded check's part file (run/shard_part.c), past its checksum.
 * The input is what follows the 64-byte header; the harness writes the header for it,
 * with the right length and SHA-256, so the mutations reach the index parser and the
 * bounds checks rather than stopping at the checksum. Every block the index names is
 * then read, as the merge would.
 *
 *   build-fuzz/tests/fuzz/fuzz_part -max_total_time=60 tests/fuzz/corpus/part
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "run/shard_part.h"
#include "util/err.h"
#include "util/sha256.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input's last 8 bytes say where its index starts (as an offset into the input). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    uint64_t index_at = 0;
    for (int i = 7; i >= 0; i--)
        index_at = index_at << 8 | data[size - 8 + i];
    size -= 8;
    index_at = size ? index_at % (size + 1) : 0;
    unsigned char header[64] = "DSCIPART";
    header[8] = PART_FORMAT_VERSION;
    uint64_t off = 64 + index_at, len = size - index_at;
    for (int i = 0; i < 8; i++) {
        header[16 + i] = (unsigned char)(off >> (8 * i));
        header[24 + i] = (unsigned char)(len >> (8 * i));
    }
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, data, size);
    sha256_final(&h, header + 32);
    int fd = memfd_create("part", 0);
    if (fd < 0)
        return 0;
    if (write(fd, header, sizeof(header)) == (ssize_t)sizeof(header) && write(fd, data, size) == (ssize_t)size) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        struct part *p = NULL;
        if (part_open(&p, path) == 0) {
            struct buf b = BUF_INIT;
            for (size_t r = 0; r < p->n_runs; r++)
                for (size_t i = 0; i < p->runs[r].n_pieces; i++) {
                    const struct part_piece *pc = &p->runs[r].pieces[i];
                    part_read_block(p, pc->summary_off, pc->summary_len, &b);
                    part_read_block(p, pc->sigs_off, pc->sigs_len, &b);
                }
            buf_release(&b);
            part_free(p);
        }
        err_clear();
    }
    close(fd);
    return 0;
}
