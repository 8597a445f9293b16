/* hal.h - what a port provides to the inkpin core (app, lock, store).
 *
 * A port fills one `hal` struct of callbacks and a context pointer; nothing
 * else in the core touches the platform. Every callback receives `ctx`. The
 * struct must outlive the app and the lock (they keep the pointer). Set
 * unused optional callbacks to NULL (a zero-initialized static struct is the
 * safe start). Callbacks are called from inside app_step/app_pointer/
 * app_tick (or the lock_* calls), never from an interrupt, and must not call
 * back into the core.
 *
 * CALLBACKS
 *   callback      need      called                          returns / must
 *   fill_rect     required  every repaint                   (void) draw, clipped to the screen
 *   draw_bitmap1  required  text (built-in font), preview   (void)
 *   draw_bitmap8  optional  demo preview, one row per call  (void); NULL: draw_bitmap1 is used
 *   draw_text     optional  every label                     (void); NULL: the built-in 8x8 font
 *   touch         optional  app_step, once per call         true + point while pressed; NULL: no touch
 *   now_ms        required  app_step/app_tick, once each    ms since any start, MONOTONIC, may wrap
 *                                                           at 2^32; never step backwards (a step
 *                                                           back counts as no time; see lock.h)
 *   storage       required  boot (read), each stored change 0 / negative; see hal_storage
 *   kdf           required* Enter on a PIN, ~1 per attempt   0 / negative; may take ~1 s
 *   kdf_start     optional* instead of kdf (kdf NULL)      0 = started / negative; copies the
 *                                                           request, answers later through
 *                                                           lock_kdf_done (app_kdf_done)
 *   random        required  setting a PIN (16-byte salt)     0 / negative (then no PIN is set)
 *   log           optional  state changes, errors            (void); never receives a secret
 *   door          optional  every lock state change, and     (void); on = true exactly while the
 *                           first thing at every boot        lock is UNLOCKED; drive a relay,
 *                                                           MOSFET or LED from it
 *
 * Display: 320x240, origin top-left, colours RGB565. Touch: one point or none.
 * Storage: a small flash-like region shaped like littlefs's `struct
 * lfs_config`: erase a block (to 0xFF) before programming it; the store
 * never programs a byte twice between erases. Ready-made back-ends:
 * store_bd.h (RAM with NOR semantics, fault injection), and on the host
 * host/platform/store_file.h. Rule for every port: only a region that reads
 * back as never written (all 0xFF) may mean factory-fresh. If the port cannot
 * read its storage (an unreadable file, a short or missing blob where one was
 * written, a partition that does not open), its read callback must return an
 * error: the lock then fails closed into recovery.
 * KDF: password hash of the PIN digits with the salt (libsodium Argon2id on
 * the host and in the browser, mbedTLS PBKDF2-SHA256 on ESP32).
 *
 * (*) Exactly one of kdf and kdf_start is needed; with both, kdf is used.
 *
 * Return convention for int callbacks: 0 on success, negative on failure.
 *
 * MINIMAL PORT
 *   static uint8_t region[2 * 256];           // or real flash behind hal_storage
 *   static store_ram ram;
 *   static hal h;                             // zero: optional callbacks NULL
 *   static app a;
 *   void port_start(void) {
 *       memset(region, 0xFF, sizeof region);  // or load it; 0xFF only if never written
 *       h.fill_rect = my_fill;  h.draw_bitmap1 = my_bitmap1;
 *       h.touch = my_touch;     h.now_ms = my_millis;
 *       h.kdf = my_pbkdf2;      h.random = my_trng;
 *       h.door = my_door_pin;   // optional: relay on while unlocked
 *       store_ram_init(&h.storage, &ram, region, 256, 2, 1);
 *       app_config cfg; app_config_default(&cfg);
 *       cfg.model = net_default_model();
 *       app_init(&a, &h, &cfg);
 *   }
 *   void port_loop(void) { app_step(&a); sleep_ms(10); }
 */
#ifndef INKPIN_HAL_H
#define INKPIN_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HAL_SCREEN_W 320
#define HAL_SCREEN_H 240

#define HAL_KDF_SALT_BYTES 16
#define HAL_KDF_HASH_BYTES 32

/* A flash region of block_count erase blocks of block_size bytes each. All
 * callbacks except sync are required; offsets and sizes of prog are
 * multiples of prog_size. */
typedef struct hal_storage {
    void *ctx;
    /* Copies size bytes at (block, off) into buf. 0, or negative if the
     * storage cannot be read (the lock then fails closed). */
    int (*read)(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t size);
    /* Programs bytes of an erased area (NOR: can only clear bits). 0 / negative. */
    int (*prog)(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t size);
    /* Sets every byte of the block to 0xFF. 0 / negative. */
    int (*erase)(void *ctx, uint32_t block);
    /* Optional (NULL: nothing to flush): makes the writes so far durable,
     * called once per stored record before it is read back. 0 / negative. */
    int (*sync)(void *ctx);
    uint32_t block_size;  /* bytes per erase block (>= 72 rounded up to prog_size) */
    uint32_t block_count; /* number of blocks (the store uses 2) */
    uint32_t prog_size;   /* program granularity in bytes, 1..64 */
} hal_storage;

typedef struct hal {
    void *ctx;

    /* Required. A filled rectangle; may extend past the screen (clip it). */
    void (*fill_rect)(void *ctx, int x, int y, int w, int h, uint16_t rgb565);
    /* Required. 1 bit per pixel, rows packed MSB-first, each row starting on a
     * new byte; every source pixel drawn as a scale x scale block in fg (1) or
     * bg (0). */
    void (*draw_bitmap1)(void *ctx, int x, int y, int w, int h, const uint8_t *bits, int scale,
                         uint16_t fg, uint16_t bg);
    /* Optional. 8-bit grey (0 = black, 255 = white), one byte per pixel,
     * scaled like draw_bitmap1; the demo preview uses it when present. */
    void (*draw_bitmap8)(void *ctx, int x, int y, int w, int h, const uint8_t *grey, int scale);
    /* Optional. ASCII text, top-left at (x, y); size 1 = 8 px tall glyphs,
     * 2 = 16 px, ...; NULL: the app's built-in font through draw_bitmap1. */
    void (*draw_text)(void *ctx, int x, int y, const char *text, int size, uint16_t fg,
                      uint16_t bg);

    /* Optional. true and the point while a finger/pen/mouse is down. Ports
     * that get events may leave it NULL and call app_pointer() instead. */
    bool (*touch)(void *ctx, int *x, int *y);

    /* Required. Milliseconds since an arbitrary start: monotonic (never
     * backwards), wrapping at 2^32. */
    uint32_t (*now_ms)(void *ctx);

    /* Required. Persistent storage for the lock record. */
    hal_storage storage;

    /* Required unless kdf_start is set. hash = KDF(pin digits as ASCII
     * '0'..'9', salt), computed before returning; 0 / negative. */
    int (*kdf)(void *ctx, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin, size_t pin_len,
               const uint8_t salt[HAL_KDF_SALT_BYTES]);

    /* Optional, used only when kdf is NULL: the same KDF, asynchronous. Called
     * from lock_enter (at most one request at a time); copies pin and salt
     * (both are wiped when it returns), starts hashing and returns 0, or
     * negative if it cannot start (the attempt then counts as failed). The
     * port later calls lock_kdf_done (app_kdf_done with the app) exactly once
     * with the hash, or with a negative rc on any failure or timeout, from
     * its loop, never from inside this callback. See lock.h. */
    int (*kdf_start)(void *ctx, const char *pin, size_t pin_len,
                     const uint8_t salt[HAL_KDF_SALT_BYTES]);

    /* Required. n cryptographically secure random bytes; 0 / negative. */
    int (*random)(void *ctx, uint8_t *buf, size_t n);

    /* Optional. One line of log/serial output, without the newline. */
    void (*log)(void *ctx, const char *line);

    /* Optional. The door output: true = open (relay energized, strike
     * released), false = locked. Called with false at every boot before
     * anything else, then on every change; on only while UNLOCKED. */
    void (*door)(void *ctx, bool open);
} hal;

#ifdef __cplusplus
}
#endif

#endif
