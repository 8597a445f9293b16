/* fuzz_idx - libFuzzer harness for the IDX parser (raw and gzip).
 *
 * Input layout: [u16 little-endian labels_len][labels bytes][images bytes].
 * Both parts go through data_parse_idx_mem(), the entry point the file loaders
 * use, so gzip detection, bounded inflate and every header check are covered.
 * Invariant checked: success means a consistent dataset, failure means an
 * empty one with a message. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t labels_len = (size_t)data[0] | (size_t)data[1] << 8;
    data += 2;
    size -= 2;
    if (labels_len > size)
        labels_len = size;
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_parse_idx_mem(data + labels_len, size - labels_len, "images", data, labels_len,
                                "labels", &ds, &d);
    if (rc == 0) {
        if (ds.n <= 0 || !ds.pixels || !ds.labels)
            abort();
        for (int i = 0; i < ds.n; i++)
            if (ds.labels[i] > 9)
                abort();
        volatile uint8_t sink = ds.pixels[(size_t)ds.n * DATA_PIXELS - 1];
        (void)sink;
    } else if (ds.n != 0 || ds.pixels || ds.labels || !d.msg[0] ||
               !memchr(d.msg, 0, sizeof d.msg)) {
        abort();
    }
    data_free(&ds);
    return 0;
}
