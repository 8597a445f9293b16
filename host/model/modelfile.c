#include "model/modelfile.h"

#include <stdlib.h>
#include <string.h>

#include "data/data.h"

int modelfile_load(host_model *hm, const char *path, inkpin_diag *d)
{
    memset(hm, 0, sizeof *hm);
    if (!path) {
        hm->m = net_default_model();
        hm->name = "default (compiled in)";
        if (!hm->m)
            return diag_fail(d, "this build has no bundled model (models/default is a "
                                "placeholder); pass --model FILE.inkm");
        return 0;
    }
    size_t n = 0;
    if (data_read_file(path, &hm->blob, &n, d) != 0)
        return -1;
    net_err e = net_model_from_blob(&hm->bm, hm->blob, n);
    if (e != NET_OK) {
        modelfile_free(hm);
        return diag_fail(d, "%s: not a usable model: %s (%d)", path, net_strerror(e), (int)e);
    }
    hm->m = &hm->bm.model;
    hm->name = path;
    return 0;
}

void modelfile_free(host_model *hm)
{
    free(hm->blob);
    memset(hm, 0, sizeof *hm);
}
