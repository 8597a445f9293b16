/* inkpin-sim - the inkpin device in an SDL2 window (ports/sdl).
 *
 * The 320x240 screen of the app at 2x (--scale N), the mouse as the finger,
 * the lock record in a file (host/platform/store_file: temp file + fsync + rename),
 * the PIN hash through libsodium Argon2id (host/platform/kdf), the log on stdout.
 * The port only translates: SDL events -> app_pointer/app_tick, the app's
 * drawing -> a 320x240 RGB565 frame buffer -> one streaming texture. Below
 * the screen a 16-pixel strip shows the door output (hal->door) as an LED:
 * green while the lock is UNLOCKED, dark red otherwise; the log says
 * "door: open" / "door: locked".
 *
 *   inkpin-sim [--lock] [--scale N] [--store FILE] [--model FILE.inkm]
 *              [--relock SECONDS] [--export FILE.ndjson]
 *
 * Keys: E appends the current drawing to the --export file as one NDJSON line
 * (DESIGN.md strokes format; demo mode only: in lock mode a drawing is a PIN
 * digit); Escape or closing the window quits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "inkpin/app.h"
#include "inkpin/net.h"
#include "platform/kdf.h"
#include "model/modelfile.h"
#include "platform/store_file.h"

#define DOOR_BAR_H 16 /* the strip under the screen with the door LED */

typedef struct {
    uint16_t fb[HAL_SCREEN_W * HAL_SCREEN_H];
    bool dirty;
    bool door_open;
    bool down;
    int x, y;
    Uint32 t0;
} sim;

static sim S;
static hal H;
static app A;
static store_file STORE;

/* ---- HAL ------------------------------------------------------------------------- */

static void sim_fill(void *ctx, int x, int y, int w, int h, uint16_t c)
{
    (void)ctx;
    app_fb_fill_rect(S.fb, x, y, w, h, c);
    S.dirty = true;
}

static void sim_bitmap1(void *ctx, int x, int y, int w, int h, const uint8_t *bits, int scale,
                        uint16_t fg, uint16_t bg)
{
    (void)ctx;
    app_fb_draw_bitmap1(S.fb, x, y, w, h, bits, scale, fg, bg);
    S.dirty = true;
}

static void sim_bitmap8(void *ctx, int x, int y, int w, int h, const uint8_t *g, int scale)
{
    (void)ctx;
    app_fb_draw_bitmap8(S.fb, x, y, w, h, g, scale);
    S.dirty = true;
}

static void sim_text(void *ctx, int x, int y, const char *s, int size, uint16_t fg, uint16_t bg)
{
    (void)ctx;
    app_text_via_bitmap1(&H, x, y, s, size, fg, bg);
}

static bool sim_touch(void *ctx, int *x, int *y)
{
    (void)ctx;
    *x = S.x;
    *y = S.y;
    return S.down;
}

static uint32_t sim_now(void *ctx)
{
    (void)ctx;
    return (uint32_t)(SDL_GetTicks() - S.t0);
}

static void sim_log(void *ctx, const char *line)
{
    (void)ctx;
    printf("%s\n", line);
    fflush(stdout);
}

static void sim_door(void *ctx, bool open)
{
    (void)ctx;
    S.door_open = open;
    S.dirty = true;
    sim_log(ctx, open ? "door: open" : "door: locked");
}

/* The door LED strip under the screen (logical pixels 320 x DOOR_BAR_H). */
static void draw_door_bar(SDL_Renderer *ren)
{
    SDL_Rect bar = {0, HAL_SCREEN_H, HAL_SCREEN_W, DOOR_BAR_H};
    SDL_Rect led = {4, HAL_SCREEN_H + 3, 24, DOOR_BAR_H - 6};
    SDL_SetRenderDrawColor(ren, 24, 28, 36, 255);
    SDL_RenderFillRect(ren, &bar);
    if (S.door_open) {
        SDL_SetRenderDrawColor(ren, 64, 208, 96, 255);
    } else {
        SDL_SetRenderDrawColor(ren, 96, 16, 16, 255);
    }
    SDL_RenderFillRect(ren, &led);
}

/* ---- export ------------------------------------------------------------------------ */

/* One NDJSON line {"strokes":[[[x,y],...],...]} of the ink the app holds. */
static void export_drawing(const char *path)
{
    const ink_buffer *ink = app_get_ink(&A);
    FILE *f;
    bool open_stroke = false;
    if (path == NULL || ink->n == 0) {
        return;
    }
    if (app_get_mode(&A) != APP_MODE_DEMO) {
        printf("export: only in demo mode (a drawing in lock mode is a PIN digit)\n");
        fflush(stdout);
        return;
    }
    f = fopen(path, "a");
    if (f == NULL) {
        fprintf(stderr, "inkpin-sim: %s: %s\n", path, strerror(errno));
        return;
    }
    fputs("{\"strokes\":[", f);
    for (int i = 0; i < ink->n; i++) {
        if (ink->x[i] == INK_PEN_LIFT) {
            if (open_stroke) {
                fputs("]", f);
                open_stroke = false;
            }
            continue;
        }
        if (!open_stroke) {
            fputs(i > 0 ? ",[" : "[", f);
            open_stroke = true;
        } else {
            fputs(",", f);
        }
        fprintf(f, "[%d,%d]", ink->x[i], ink->y[i]);
    }
    if (open_stroke) {
        fputs("]", f);
    }
    fputs("]}\n", f);
    fclose(f);
    printf("exported drawing to %s\n", path);
    fflush(stdout);
}

/* ---- setup ------------------------------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out, "usage: inkpin-sim [--lock] [--scale N] [--store FILE] [--model FILE.inkm]\n"
                 "                  [--relock SECONDS] [--export FILE.ndjson]\n"
                 "  --lock           start in lock mode (default: demo mode)\n"
                 "  --scale N        window scale, 1..8 (default 2)\n"
                 "  --store FILE     lock record file (default $HOME/.inkpin-lock.bin)\n"
                 "  --model FILE     an .inkm model blob (default: the compiled-in model)\n"
                 "  --relock SECONDS lock again this long after an unlock, 0 = never (default 10)\n"
                 "  --export FILE    key E appends the drawing there as NDJSON\n");
}

static void setup_hal(void)
{
    H.ctx = &S;
    H.fill_rect = sim_fill;
    H.draw_bitmap1 = sim_bitmap1;
    H.draw_bitmap8 = sim_bitmap8;
    H.draw_text = sim_text;
    H.touch = sim_touch;
    H.now_ms = sim_now;
    H.kdf = kdf_hal_argon2id;
    H.random = kdf_hal_random;
    H.log = sim_log;
    H.door = sim_door;
}

int main(int argc, char **argv)
{
    const char *store_path = NULL, *model_path = NULL, *export_path = NULL;
    char default_store[1024];
    int scale = 2;
    bool lock_mode = false;
    static host_model loaded; /* --model: the blob stays alive while the app runs */
    app_config cfg;
    lock_config lock_cfg;
    lock_default_config(&lock_cfg);
    inkpin_diag d;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(arg, "--lock") == 0) {
            lock_mode = true;
        } else if (strcmp(arg, "--scale") == 0 && val != NULL) {
            scale = atoi(val);
            i++;
            if (scale < 1 || scale > 8) {
                fprintf(stderr, "inkpin-sim: --scale must be 1..8, got '%s'\n", val);
                return 2;
            }
        } else if (strcmp(arg, "--relock") == 0 && val != NULL) {
            char *end;
            unsigned long sec = strtoul(val, &end, 10);
            i++;
            if (*val == '\0' || *end != '\0' || sec > 86400ul) {
                fprintf(stderr, "inkpin-sim: --relock must be 0..86400 seconds, got '%s'\n", val);
                return 2;
            }
            lock_cfg.relock_ms = (uint32_t)sec * 1000u;
        } else if (strcmp(arg, "--store") == 0 && val != NULL) {
            store_path = val;
            i++;
        } else if (strcmp(arg, "--model") == 0 && val != NULL) {
            model_path = val;
            i++;
        } else if (strcmp(arg, "--export") == 0 && val != NULL) {
            export_path = val;
            i++;
        } else {
            fprintf(stderr, "inkpin-sim: unknown or incomplete option '%s'\n", arg);
            usage(stderr);
            return 2;
        }
    }
    if (store_path == NULL) {
        const char *home = getenv("HOME");
        snprintf(default_store, sizeof default_store, "%s/.inkpin-lock.bin", home ? home : ".");
        store_path = default_store;
    }

    setup_hal();
    if (store_file_open(&STORE, &H.storage, store_path, &d) != 0) {
        /* The storage then fails every access: the lock shows RECOVERY and
         * the file is never overwritten (only a missing file is fresh). */
        fprintf(stderr, "inkpin-sim: %s: lock storage unreadable, recovery\n", d.msg);
    }
    app_config_default(&cfg);
    cfg.lock = &lock_cfg;
    cfg.start_mode = lock_mode ? APP_MODE_LOCK : APP_MODE_DEMO;
    cfg.model = net_default_model();
    if (model_path != NULL) {
        if (modelfile_load(&loaded, model_path, &d) != 0) {
            fprintf(stderr, "inkpin-sim: %s\n", d.msg);
            return 2;
        }
        cfg.model = loaded.m;
    }
    if (cfg.model == NULL) {
        fprintf(stderr, "inkpin-sim: no default model compiled in; pass --model FILE.inkm\n");
    }

    if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
        fprintf(stderr, "inkpin-sim: SDL_Init: %s\n", SDL_GetError());
        return 1;
    }
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "0"); /* crisp pixels */
    SDL_Window *win =
        SDL_CreateWindow("inkpin", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                         HAL_SCREEN_W * scale, (HAL_SCREEN_H + DOOR_BAR_H) * scale, 0);
    SDL_Renderer *ren = win ? SDL_CreateRenderer(win, -1, 0) : NULL;
    if (ren == NULL && win != NULL) {
        ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    }
    SDL_Texture *tex =
        ren ? SDL_CreateTexture(ren, SDL_PIXELFORMAT_RGB565, SDL_TEXTUREACCESS_STREAMING,
                                HAL_SCREEN_W, HAL_SCREEN_H)
            : NULL;
    if (tex == NULL) {
        fprintf(stderr, "inkpin-sim: SDL window: %s\n", SDL_GetError());
        SDL_Quit();
        return 1;
    }
    SDL_RenderSetLogicalSize(ren, HAL_SCREEN_W, HAL_SCREEN_H + DOOR_BAR_H);

    S.t0 = SDL_GetTicks();
    app_err st = app_init(&A, &H, &cfg);
    if (st != APP_OK) {
        fprintf(stderr, "inkpin-sim: app_init: %d (%s)\n", (int)st,
                st == APP_ERR_LOCK ? "lock storage unusable: recovery" : "no usable model");
    }
    printf("inkpin-sim: ready (%s mode, store %s, video %s)\n", lock_mode ? "lock" : "demo",
           store_path, SDL_GetCurrentVideoDriver());
    fflush(stdout);

    bool running = true;
    while (running) {
        SDL_Event ev;
        /* Wait for input, but wake up every 20 ms for the pen-up pause and countdowns. */
        if (SDL_WaitEventTimeout(&ev, 20)) {
            do {
                switch (ev.type) {
                case SDL_QUIT: running = false; break;
                case SDL_KEYDOWN:
                    if (ev.key.keysym.sym == SDLK_ESCAPE)
                        running = false;
                    if (ev.key.keysym.sym == SDLK_e)
                        export_drawing(export_path);
                    break;
                case SDL_MOUSEBUTTONDOWN:
                case SDL_MOUSEBUTTONUP:
                    if (ev.button.button == SDL_BUTTON_LEFT) {
                        S.down = ev.type == SDL_MOUSEBUTTONDOWN;
                        S.x = ev.button.x;
                        S.y = ev.button.y;
                        app_pointer(&A, S.down, S.x, S.y);
                    }
                    break;
                case SDL_MOUSEMOTION:
                    S.x = ev.motion.x;
                    S.y = ev.motion.y;
                    if (S.down) {
                        app_pointer(&A, true, S.x, S.y); /* every sample, not just the last */
                    }
                    break;
                default: break;
                }
            } while (SDL_PollEvent(&ev));
        }
        app_tick(&A);
        if (S.dirty) {
            SDL_UpdateTexture(tex, NULL, S.fb, HAL_SCREEN_W * (int)sizeof(uint16_t));
            SDL_Rect screen = {0, 0, HAL_SCREEN_W, HAL_SCREEN_H};
            SDL_RenderClear(ren);
            SDL_RenderCopy(ren, tex, NULL, &screen);
            draw_door_bar(ren);
            SDL_RenderPresent(ren);
            S.dirty = false;
        }
    }
    SDL_DestroyTexture(tex);
    SDL_DestroyRenderer(ren);
    SDL_DestroyWindow(win);
    SDL_Quit();
    modelfile_free(&loaded);
    return 0;
}
