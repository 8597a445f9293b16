/* app.h - the inkpin device: one portable app drawn through the HAL.
 *
 * WHAT IT IS
 *   The device screen (320x240 touch, as on an M5Stack Core2), drawn through
 *   a small HAL (src/inkpin/hal.h) so the same code runs on the desktop (ports/sdl),
 *   in the browser (ports/web, WebAssembly) and on the board
 *   (examples/M5Core2Lock). Freestanding C99: no malloc, no stdio, no float,
 *   no sleeping; it reacts to touch and time and draws with the HAL.
 *
 * SCREEN (320x240)
 *   +--------------------------+--------+
 *   |                          |DEMO|LCK|  mode tabs (40x40 each)
 *   |   drawing area 240x240   | preview|  demo: 28x28 image the engine saw, x2
 *   |   (strokes drawn live)   |   7    |        predicted digit, confidence
 *   |                          |  97%   |  lock: status line, dots, the digit
 *   |                          |[button]|        shown briefly (option)
 *   |                          |[button]|  buttons 80x40: Predict/Clear or
 *   +--------------------------+--------+        Enter/Back/Clear, Lock/...
 *
 * MODES
 *   Demo: draw a digit; Predict (or a pen-up pause of auto_predict_ms) runs
 *   ink + net and shows the digit, its confidence and the 28x28 preview, and
 *   logs "digit confidence" (e.g. "7 0.973") for a serial port ("? 0.412
 *   unsure" below NET_REJECT_CONF, "- no digit" for a dot).
 *   Clear empties the drawing.
 *   Lock: the PIN state machine of lock.h. A digit drawn and followed by a
 *   pause is recognized and entered (a dot appears, the drawing clears);
 *   Enter submits (the status line says "checking" for one frame first: the
 *   KDF can take a second, so Enter runs on the next app_tick; with an
 *   asynchronous KDF, hal->kdf_start, it stays until app_kdf_done, while
 *   strokes are still drawn and become digits after the check), Back removes
 *   the last digit (or the drawing in progress), Clear empties both (on an
 *   empty entry it cancels a PIN change/removal). A drawing that is no digit
 *   or that the engine is unsure about shows "draw again" and enters nothing.
 *   The status line reads SET PIN / CONFIRM / LOCKED / UNLOCKED / "wait
 *   00:30" (backoff countdown; "wait 1h00" beyond an hour) / RECOVERY (with
 *   "storage failing" when a write failed) / ... Nothing of the PIN, the
 *   digits or the predictions in lock mode ever reaches hal->log; the panel
 *   shows dots. The ink of a PIN digit is drawn dim and fades at pen-up
 *   (cfg.lock_ink; docs/security.md, onlookers). The lock runs in both modes:
 *   its countdown and the auto-relock (hal->door off) keep going while the
 *   demo tab is shown.
 *
 * MEMORY AND TIME
 *   All state is in the caller's `app` (no globals, no allocation); the stack
 *   stays small (the engine's arena is inside `app`). Time is hal->now_ms,
 *   compared with wrap-safe differences.
 *
 * USE
 *   static app a;                       // holds the engine arena (APP_ARENA_BYTES)
 *   app_config cfg; app_config_default(&cfg);
 *   cfg.model = net_default_model();    // the compiled-in model (models/default)
 *   app_init(&a, &my_hal, &cfg);
 *   for (;;) { app_step(&a); wait ~10-20 ms or for an input event }
 *   app_step polls hal->touch and hal->now_ms, handles the event and redraws
 *   only what changed. Ports that get events instead of polling may call
 *   app_pointer() and app_tick() directly (app_step is exactly those two).
 *   The hal struct must outlive the app (the app keeps the pointer).
 *
 * DISPLAY HELPERS FOR PORTS
 *   app_text_via_bitmap1() draws text with the built-in 8x8 font through
 *   hal->draw_bitmap1: a port without a font sets draw_text to a one-line
 *   wrapper around it. app_fb_*() draw into a caller-owned 320x240 RGB565
 *   frame buffer (clipped), for ports that keep one (SDL, web, tests).
 *
 * RETURN CONVENTION
 *   app_init returns APP_OK or a negative app_err (app_strerror names it). The
 *   app still runs after APP_ERR_LOCK (lock mode shows RECOVERY) and
 *   APP_ERR_MODEL (predictions show "no model"); APP_ERR_ARG leaves it
 *   unusable. A NULL pointer (docs/design.md: one NULL policy for the
 *   library): app_init returns APP_ERR_ARG, the void functions do nothing,
 *   the getters return NULL (app_get_mode APP_MODE_DEMO) and app_demo_verdict
 *   false.
 */
#ifndef INKPIN_APP_H
#define INKPIN_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inkpin/hal.h"
#include "inkpin/ink.h"
#include "inkpin/lock.h"
#include "inkpin/net.h"
#include "inkpin/verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    APP_OK = 0,
    APP_ERR_ARG = -1,  /* NULL app/hal or a missing mandatory HAL callback */
    APP_ERR_LOCK = -2, /* the lock module failed to start (storage/KDF); lock mode shows it */
    APP_ERR_MODEL = -3 /* no model, or it fails net_check or needs more than APP_ARENA_BYTES */
} app_err;

typedef enum { APP_MODE_DEMO = 0, APP_MODE_LOCK = 1 } app_mode;

/* Screen geometry (pixels), shared by ports and tests. */
#define APP_CANVAS 240  /* drawing area: x, y in 0..239 */
#define APP_PANEL_X 240 /* right panel: x in 240..319 */
#define APP_PANEL_W 80
#define APP_TAB_H 40    /* mode tabs: DEMO x 240..279, LOCK x 280..319, y 0..39 */
#define APP_BUTTON_H 40 /* buttons span the panel width */

/* Colours (RGB565). */
#define APP_RGB565(r, g, b) ((uint16_t)((((r)&0xF8) << 8) | (((g)&0xFC) << 3) | ((b) >> 3)))
#define APP_COLOR_CANVAS APP_RGB565(0, 0, 0)
#define APP_COLOR_INK APP_RGB565(255, 255, 255)
#define APP_COLOR_PANEL APP_RGB565(24, 28, 36)
#define APP_COLOR_BUTTON APP_RGB565(56, 64, 80)
#define APP_COLOR_PRESSED APP_RGB565(96, 112, 144)
#define APP_COLOR_TEXT APP_RGB565(240, 240, 240)
#define APP_COLOR_DIM APP_RGB565(120, 124, 136)
#define APP_COLOR_ACCENT APP_RGB565(64, 160, 255)
#define APP_COLOR_OK APP_RGB565(64, 208, 96)
#define APP_COLOR_BAD APP_RGB565(240, 72, 56)
#define APP_COLOR_WAIT APP_RGB565(248, 200, 48)
#define APP_COLOR_LOCK_INK APP_RGB565(72, 76, 88)       /* a PIN digit while drawn */
#define APP_COLOR_LOCK_INK_FADED APP_RGB565(36, 38, 44) /* ... after pen-up */

/* How a PIN digit is drawn in lock mode (docs/security.md, onlookers). */
typedef enum {
    APP_LOCK_INK_DIM = 0, /* dim while drawn, fainter at pen-up, gone once read (default) */
    APP_LOCK_INK_NONE,    /* nothing drawn: hardest to read over a shoulder, hardest to write */
    APP_LOCK_INK_FULL     /* white like demo mode: easiest to write and to read off */
} app_lock_ink;

/* Scratch bytes for the engine inside the app struct; app_init fails with
 * APP_ERR_MODEL if the model needs more (net_arena_bytes). */
#ifndef APP_ARENA_BYTES
#define APP_ARENA_BYTES 4096
#endif

typedef struct {
    app_mode start_mode;
    uint16_t auto_predict_ms; /* pen-up pause before automatic recognition; 0 = off (default 700) */
    uint8_t pen_px;           /* width of the live stroke on screen (default 8) */
    const net_model *model;   /* the recognizer; ports pass net_default_model() (NULL: no model) */
    const lock_config *lock;  /* NULL: lock_default_config() (digit preview, relock etc.) */
    app_lock_ink lock_ink;    /* lock-mode ink (default APP_LOCK_INK_DIM) */
} app_config;

/* Everything below is private; read it through the functions. */
typedef struct app_button {
    int16_t x, y, w, h;
    uint8_t id;
} app_button;

typedef struct app {
    const struct hal *hal; /* "struct": a C++ member may not re-declare a type name */
    app_config cfg;
    const net_model *model;
    app_mode mode;
    app_err status; /* result of app_init */

    ink_buffer ink;
    uint8_t image[NET_IMAGE_BYTES];
    uint8_t arena[APP_ARENA_BYTES];

    /* pointer tracking */
    bool was_down;
    bool stroking; /* the current press started in the drawing area */
    int16_t last_x, last_y;
    int8_t pressed;      /* button id under the press, or -1 */
    bool pressed_inside; /* the finger is still on that button */
    bool pending;        /* ink waiting for the pen-up pause */
    uint32_t pen_up_ms;

    /* what the panel shows */
    bool shown;   /* demo: a verdict is on the panel */
    verdict last; /* demo: the last verdict (app_demo_verdict) */
    bool has_preview;
    uint8_t message; /* lock: transient status message (app_internal.h enum) */
    uint32_t message_until;
    uint32_t painted_sig; /* lock: signature of the view last painted */
    bool panel_dirty;
    bool canvas_open;    /* lock: the drawing area shows UNLOCKED */
    uint8_t enter_state; /* lock: Enter pressed, runs after "checking" is shown */

    lock_ctx lock;
} app;

void app_config_default(app_config *cfg);

/* A short constant English text for e ("unknown error" for a value not in app_err). */
const char *app_strerror(app_err e);

app_err app_init(app *a, const hal *h, const app_config *cfg);

/* Polls hal->touch and hal->now_ms; call it from the port's main loop. */
void app_step(app *a);

/* Finer-grained entry points (app_step = app_pointer(touch) + app_tick). */
void app_pointer(app *a, bool down, int x, int y);
void app_tick(app *a);

/* The answer to hal->kdf_start (see lock_kdf_done in lock.h): finishes the
 * lock's check and shows its result. Wipes hash. */
lock_result app_kdf_done(app *a, uint8_t hash[HAL_KDF_HASH_BYTES], int rc);

/* Repaints the whole screen (after app_init it is already painted). */
void app_redraw(app *a);

void app_set_mode(app *a, app_mode mode);
app_mode app_get_mode(const app *a);

/* Demo mode: the verdict on the panel (verdict.h), false when none. */
bool app_demo_verdict(const app *a, verdict *out);

/* The lock (for lock_get_view: state, dots, wait), e.g. for tests and logs. */
const lock_ctx *app_get_lock(const app *a);

/* The strokes currently drawn (for "export drawing"; coordinates 0..239). */
const ink_buffer *app_get_ink(const app *a);

/* Text with the built-in 8x8 font through h->draw_bitmap1 (scale = size). */
void app_text_via_bitmap1(const hal *h, int x, int y, const char *text, int size, uint16_t fg,
                          uint16_t bg);

/* Drawing into a 320x240 RGB565 frame buffer (row-major), clipped to it. */
void app_fb_fill_rect(uint16_t *fb, int x, int y, int w, int h, uint16_t rgb565);
void app_fb_draw_bitmap1(uint16_t *fb, int x, int y, int w, int h, const uint8_t *bits, int scale,
                         uint16_t fg, uint16_t bg);
void app_fb_draw_bitmap8(uint16_t *fb, int x, int y, int w, int h, const uint8_t *grey, int scale);

#ifdef __cplusplus
}
#endif

#endif
