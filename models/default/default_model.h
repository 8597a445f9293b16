/* default_model.h - placeholder until the trained default model is exported.
 * `inkpin train ... --out models/default` (export_model) overwrites this file
 * and default_model.c with the generated model. */
#ifndef INKPIN_DEFAULT_MODEL_H
#define INKPIN_DEFAULT_MODEL_H
#define NET_DEFAULT_MODEL_PRESENT 0
#define NET_ARENA_BYTES 1
#endif
