/* SHA-256: known vectors, and the SHA-extension path equal to mbedTLS on many inputs. */
#include "test_helpers.h"

#include <stdlib.h>
#include <string.h>

#include "util/sha256.h"

static void digest(bool fast, const unsigned char *data, size_t len, size_t chunk, unsigned char out[32])
{
    struct sha256 h;
    if (fast)
        sha256_init(&h);
    else
        sha256_init_portable(&h);
    for (size_t off = 0; off < len; off += chunk)
        sha256_update(&h, data + off, len - off < chunk ? len - off : chunk);
    sha256_final(&h, out);
}

static void test_sha256__known_vectors(void **state)
{
    (void)state;
    static const struct { const char *in, *hex; } vectors[] = {
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    };
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        for (int fast = 0; fast < 2; fast++) {
            unsigned char d[32];
            char hex[65];
            digest(fast, (const unsigned char *)vectors[i].in, strlen(vectors[i].in), 7, d);
            sha256_hex(hex, d);
            assert_string_equal(hex, vectors[i].hex);
        }
    }
}

static void test_sha256__fast_path_equals_mbedtls(void **state)
{
    (void)state;
    unsigned char data[2048];
    unsigned seed = 12345;
    for (size_t i = 0; i < sizeof(data); i++) {
        seed = seed * 1103515245u + 12345u;
        data[i] = (unsigned char)(seed >> 16);
    }
    /* every length across several block boundaries, with odd chunkings */
    for (size_t len = 0; len < 600; len++) {
        for (size_t chunk = 1; chunk < 200; chunk += 37) {
            unsigned char a[32], b[32];
            digest(false, data, len, 1 << 20, a);
            digest(true, data, len, chunk, b);
            assert_memory_equal(a, b, 32);
        }
    }
    unsigned char a[32], b[32];
    digest(false, data, sizeof(data), 1 << 20, a);
    digest(true, data, sizeof(data), 64, b);
    assert_memory_equal(a, b, 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256__known_vectors),
        cmocka_unit_test(test_sha256__fast_path_equals_mbedtls),
    };
    print_message("SHA extensions %s\n", sha256_hw_available() ? "in use" : "not available: fallback tested twice");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
