/* SHA-1 (git object ids): known vectors, and the SHA-extension path equal to mbedTLS on many inputs. */
#include "test_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sha1.h"
#include "util/sha256.h"

static void digest(bool fast, const unsigned char *data, size_t len, size_t chunk, unsigned char out[20])
{
    struct sha1 h;
    if (fast)
        sha1_init(&h);
    else
        sha1_init_portable(&h);
    for (size_t off = 0; off < len; off += chunk)
        sha1_update(&h, data + off, len - off < chunk ? len - off : chunk);
    sha1_final(&h, out);
}

static void test_sha1__known_vectors(void **state)
{
    (void)state;
    static const struct { const char *in, *hex; } vectors[] = {
        { "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
        { "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
        /* git's id of the empty blob: SHA-1 of "blob 0\0" */
        { "blob 0", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391" },
    };
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        for (int fast = 0; fast < 2; fast++) {
            unsigned char d[20];
            char hex[41];
            size_t len = strlen(vectors[i].in) + (i == 3);   /* the blob header's NUL */
            digest(fast, (const unsigned char *)vectors[i].in, len, 7, d);
            for (int k = 0; k < 20; k++)
                snprintf(hex + 2 * k, 3, "%02x", d[k]);
            assert_string_equal(hex, vectors[i].hex);
        }
    }
}

static void test_sha1__fast_path_equals_mbedtls(void **state)
{
    (void)state;
    size_t size = 1 << 16;
    unsigned char *data = malloc(size);
    assert_non_null(data);
    unsigned seed = 54321;
    for (size_t i = 0; i < size; i++) {
        seed = seed * 1103515245u + 12345u;
        data[i] = (unsigned char)(seed >> 16);
    }
    /* every length across several block boundaries, with odd chunkings */
    for (size_t len = 0; len < 600; len++) {
        for (size_t chunk = 1; chunk < 200; chunk += 37) {
            unsigned char a[20], b[20];
            digest(false, data, len, 1 << 20, a);
            digest(true, data, len, chunk, b);
            assert_memory_equal(a, b, 20);
        }
    }
    unsigned char a[20], b[20];
    digest(false, data, size, size, a);
    digest(true, data, size, 4096 + 3, b);
    assert_memory_equal(a, b, 20);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha1__known_vectors),
        cmocka_unit_test(test_sha1__fast_path_equals_mbedtls),
    };
    print_message("SHA extensions %s\n", sha256_hw_available() ? "in use" : "not available: fallback tested twice");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
