/* fuzz_blob.c - libFuzzer harness for the .inkm loader (net_model_from_blob).
 *
 * The first input byte picks a mode: even = the rest is the blob as is (checks
 * magic, length and CRC rejection); odd = the harness rewrites the length
 * field and CRC32 first, so mutations reach the descriptor and tensor checks.
 * Whatever loads is run once in an arena of exactly net_arena_bytes(). Seed
 * corpus: fuzz/corpus/fuzz_blob (tiny generated models; see tests/test_blob.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inkpin/net.h"
#include "inkpin/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    net_blob_model bm;
    uint8_t *blob;
    size_t n;
    if (size < 1)
        return 0;
    n = size - 1;
    blob = malloc(n ? n : 1); /* exact size: ASan sees any overread */
    memcpy(blob, data + 1, n);
    if ((data[0] & 1) && n >= 20) {
        uint32_t crc;
        for (int i = 0; i < 4; i++)
            blob[8 + i] = (uint8_t)(n >> (8 * i));
        crc = util_crc32(0, blob, n - 4);
        for (int i = 0; i < 4; i++)
            blob[n - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
    }
    if (net_model_from_blob(&bm, blob, n) == NET_OK) {
        size_t need = net_arena_bytes(&bm.model);
        uint8_t *arena = malloc(need ? need : 1), bits[NET_IMAGE_BYTES];
        net_result res;
        for (size_t i = 0; i < NET_IMAGE_BYTES; i++)
            bits[i] = (uint8_t)(i * 37u);
        if (net_run(&bm.model, bits, arena, need, &res) != NET_OK)
            abort(); /* a loaded model must always run */
        free(arena);
    }
    free(blob);
    return 0;
}
