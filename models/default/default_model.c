/* default_model.c - placeholder: no trained default model exported yet, so
 * net_default_model() returns NULL and the tools ask for --model. Replaced by
 * the generated source when export_model() writes models/default. */
#include "inkpin/net.h"
#include "default_model.h"

const net_model *net_default_model(void)
{
    return NULL;
}
