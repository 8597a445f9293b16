/* fuzz_csv - libFuzzer harness for the Kaggle CSV parser (raw and gzip),
 * through data_parse_csv_mem(), the entry point data_load_csv() uses.
 * Invariant checked: success means a consistent dataset, failure means an
 * empty one with a message naming the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dataset ds;
    inkpin_diag d = {{0}};
    int rc = data_parse_csv_mem(data, size, "fuzz.csv", &ds, &d);
    if (rc == 0) {
        if (ds.n <= 0 || !ds.pixels)
            abort();
        if (ds.labels)
            for (int i = 0; i < ds.n; i++)
                if (ds.labels[i] > 9)
                    abort();
        volatile uint8_t sink = ds.pixels[(size_t)ds.n * DATA_PIXELS - 1];
        (void)sink;
    } else if (ds.n != 0 || ds.pixels || ds.labels || strncmp(d.msg, "fuzz.csv", 8) != 0) {
        abort();
    }
    data_free(&ds);
    return 0;
}
