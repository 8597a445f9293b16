/* inkpin.h - the whole inkpin library in one include, from C99 or C++11.
 *
 *   recognizer : ink.h (touch strokes -> 28x28 bits), net.h (the integer
 *                engine), verdict.h (strokes -> digit / no digit / draw
 *                again: the one accept rule), default_model.h
 *                (net_default_model()'s NET_ARENA_BYTES and the model's figures)
 *   util       : util.h (CRC-32, little-endian bytes, wipe, constant-time compare)
 *   lock / app : lock.h (the PIN state machine), store.h (its two-slot
 *                record), hal.h (what a port provides), app.h (the device
 *                screen on a HAL)
 *
 * Each header opens with its manual; docs/design.md shows how they fit.
 * Nothing here needs a -D flag on any toolchain (see net.h, NET_ROM). */
#ifndef INKPIN_H
#define INKPIN_H

#define INKPIN_VERSION "0.2.0"
#define INKPIN_VERSION_MAJOR 0
#define INKPIN_VERSION_MINOR 2
#define INKPIN_VERSION_PATCH 0

#include "inkpin/ink.h"
#include "inkpin/net.h"
#include "inkpin/verdict.h"
#include "inkpin/util.h"
#include "inkpin/default_model.h"
#include "inkpin/hal.h"
#include "inkpin/store_bd.h"
#include "inkpin/store.h"
#include "inkpin/lock.h"
#include "inkpin/app.h"

#endif
