/* UnoDoorLock.ino - inkpin's PIN lock driving a door on an Arduino Uno
 * (ATmega328P: 2 KB RAM, 32 KB flash, 1 KB EEPROM, no random generator).
 *
 * WHAT RUNS HERE
 *   Only the lock of the library (lock.c, store.c, store_bd.c): backoff after
 *   wrong PINs (persisted before every comparison, so a power cut never buys
 *   a free try), the two-slot record that survives power cuts, the door output
 *   on exactly while UNLOCKED, auto-relock, output off at every boot. The
 *   handwriting recognizer does not fit (its scratch memory alone is 4 KB):
 *   digits come from the serial port (type 0-9, '#' = Enter, '*' = clear,
 *   'L' = lock, 'C' = change PIN, 'R' = remove PIN, 'X' = cancel), or from a
 *   3x4 keypad wired to your own read_key() (the same characters).
 *
 * DOOR
 *   Pin 8 (INKPIN_DOOR_PIN) high exactly while UNLOCKED, low from the first
 *   line of setup(); the on-board LED (pin 13) mirrors it. Wire a 5 V relay
 *   module (IN to pin 8, VCC 5V, GND) or a logic-level MOSFET (gate through
 *   100 ohm, 100 kohm gate to GND, flyback diode across the strike); a
 *   fail-secure strike stays locked without power. Auto-relock after
 *   INKPIN_RELOCK_MS (10 s; 0 = until 'L').
 *
 * STORAGE
 *   The record's two slots are two 72-byte blocks of the EEPROM at
 *   INKPIN_EEPROM_BASE (hal_storage: erase = write 0xFF, program = write the
 *   bytes; EEPROM.update skips bytes that already hold the value). An EEPROM
 *   byte survives about 100,000 writes; an unlock rewrites each slot twice.
 *
 * KDF AND RANDOM: WHAT THIS PROTECTS AGAINST, PLAINLY
 *   The PIN is stored as PBKDF2-HMAC-SHA256(PIN, salt) with only
 *   INKPIN_PBKDF2_ITERATIONS iterations (an AVR at 16 MHz computes one
 *   SHA-256 block in milliseconds; memory-hard KDFs such as Argon2 need more
 *   RAM than the Uno has). Anyone who reads the EEPROM (a programmer on the
 *   ICSP header, or new firmware over USB: the bootloader lets anyone flash
 *   the board) recovers a 4-digit PIN in well under a second on a PC, and can
 *   simply write a record of their own. The salt comes from ADC noise and
 *   timer jitter hashed with SHA-256: good enough to make two devices' salts
 *   differ, not a cryptographic random source.
 *   So this protects against one thing: guessing at the keypad or serial
 *   port. The default backoff makes trying all 10,000 four-digit PINs take
 *   more than 13 years of powered waiting. It does NOT protect against anyone
 *   who can reach the board, its USB port or the relay's wires (they can
 *   switch the relay directly): mount the Uno on the secure side of the door.
 *
 * Needs the "Crypto" library by Rhys Weatherley (Library Manager: Crypto) for
 * SHA256. Not built in CI (no Arduino core here); tests/uno_door_stub.sh
 * compiles it with g++ against tests/stubs/uno/ and runs a serial session.
 */
#include <Arduino.h>
#include <EEPROM.h>
#include <SHA256.h>
#include <string.h>

#include <inkpin/lock.h>
#include <inkpin/util.h>

#ifndef INKPIN_DOOR_PIN
#define INKPIN_DOOR_PIN 8
#endif
#ifndef INKPIN_RELOCK_MS
#define INKPIN_RELOCK_MS 10000u
#endif
#ifndef INKPIN_PBKDF2_ITERATIONS
#define INKPIN_PBKDF2_ITERATIONS 100u
#endif
#ifndef INKPIN_EEPROM_BASE
#define INKPIN_EEPROM_BASE 0
#endif
#define SLOT_BYTES 72u /* STORE_RECORD_BYTES: the smallest block the store accepts */

static hal board;
static lock_ctx lk;
static lock_state shown = (lock_state)-1;
static lock_result last_result = LOCK_RESULT_NONE;

/* ---- storage: two EEPROM blocks ------------------------------------------------ */

static bool in_range(uint32_t block, uint32_t off, uint32_t size)
{
    return block < 2u && off <= SLOT_BYTES && size <= SLOT_BYTES - off;
}

static int ee_read(void *ctx, uint32_t block, uint32_t off, void *buf, uint32_t size)
{
    (void)ctx;
    if (!in_range(block, off, size))
        return -1;
    uint8_t *p = (uint8_t *)buf;
    for (uint32_t i = 0; i < size; i++)
        p[i] = EEPROM.read(INKPIN_EEPROM_BASE + block * SLOT_BYTES + off + i);
    return 0;
}

static int ee_prog(void *ctx, uint32_t block, uint32_t off, const void *buf, uint32_t size)
{
    (void)ctx;
    if (!in_range(block, off, size))
        return -1;
    const uint8_t *p = (const uint8_t *)buf;
    for (uint32_t i = 0; i < size; i++)
        EEPROM.update(INKPIN_EEPROM_BASE + block * SLOT_BYTES + off + i, p[i]);
    return 0;
}

static int ee_erase(void *ctx, uint32_t block)
{
    (void)ctx;
    if (block >= 2u)
        return -1;
    for (uint32_t i = 0; i < SLOT_BYTES; i++)
        EEPROM.update(INKPIN_EEPROM_BASE + block * SLOT_BYTES + i, 0xFF);
    return 0;
}

/* ---- KDF: PBKDF2-HMAC-SHA256, one 32-byte block ------------------------------------- */

static int uno_kdf(void *ctx, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin, size_t pin_len,
                   const uint8_t salt[HAL_KDF_SALT_BYTES])
{
    static const uint8_t block_index[4] = {0, 0, 0, 1};
    SHA256 sha;
    uint8_t u[32];
    (void)ctx;
    sha.resetHMAC(pin, pin_len);
    sha.update(salt, HAL_KDF_SALT_BYTES);
    sha.update(block_index, sizeof block_index);
    sha.finalizeHMAC(pin, pin_len, u, sizeof u);
    memcpy(hash, u, sizeof u);
    for (uint32_t i = 1; i < INKPIN_PBKDF2_ITERATIONS; i++) {
        sha.resetHMAC(pin, pin_len);
        sha.update(u, sizeof u);
        sha.finalizeHMAC(pin, pin_len, u, sizeof u);
        for (int k = 0; k < 32; k++)
            hash[k] ^= u[k];
    }
    util_wipe(u, sizeof u);
    sha.clear();
    return 0;
}

/* ---- random: ADC noise and timer jitter, hashed ----------------------------------- */

static int uno_random(void *ctx, uint8_t *buf, size_t n)
{
    SHA256 sha;
    uint8_t out[32];
    (void)ctx;
    for (int i = 0; i < 64; i++) {
        uint16_t a = (uint16_t)analogRead(A0);
        uint32_t t = micros();
        sha.update(&a, sizeof a);
        sha.update(&t, sizeof t);
    }
    sha.finalize(out, sizeof out);
    memcpy(buf, out, n < sizeof out ? n : sizeof out);
    return n <= sizeof out ? 0 : -1;
}

/* ---- time, log, door ------------------------------------------------------------- */

static uint32_t uno_now(void *ctx)
{
    (void)ctx;
    return millis();
}

static void uno_log(void *ctx, const char *line)
{
    (void)ctx;
    Serial.println(line);
}

static void uno_door(void *ctx, bool open)
{
    (void)ctx;
    digitalWrite(INKPIN_DOOR_PIN, open ? HIGH : LOW);
    digitalWrite(LED_BUILTIN, open ? HIGH : LOW);
    Serial.println(open ? "door: open" : "door: locked");
}

/* ---- the console ------------------------------------------------------------------ */

static const char *state_name(lock_state s)
{
    switch (s) {
    case LOCK_NO_PIN: return "NO PIN: type a new PIN, then #";
    case LOCK_ENROLL: return "SET PIN: 4-8 digits, then #";
    case LOCK_CONFIRM: return "CONFIRM: the same PIN again, then #";
    case LOCK_LOCKED: return "LOCKED: PIN, then #";
    case LOCK_UNLOCKED: return "UNLOCKED (L lock, C change, R remove)";
    case LOCK_VERIFY: return "OLD PIN, then #";
    default: return "RECOVERY: erase the EEPROM region (docs/security.md)";
    }
}

static void show(void)
{
    lock_view v;
    lock_get_view(&lk, &v);
    if (v.state != shown) {
        shown = v.state;
        Serial.println(state_name(v.state));
    }
    if (v.last_result == last_result)
        return;
    last_result = v.last_result;
    if (v.last_result == LOCK_RESULT_WRONG)
        Serial.println("wrong PIN");
    if (v.wait_ms > 0 &&
        (v.last_result == LOCK_RESULT_WRONG || v.last_result == LOCK_RESULT_WAIT)) {
        Serial.print("wait s: ");
        Serial.println((unsigned long)((v.wait_ms + 999u) / 1000u));
    }
}

/* One key: '0'..'9', '#', '*', 'L', 'C', 'R', 'X'; 0 when none. Replace with
 * a keypad scan if you wire one. */
static char read_key(void)
{
    return Serial.available() > 0 ? (char)Serial.read() : 0;
}

static void on_key(char c)
{
    if (c >= '0' && c <= '9') {
        if (lock_digit(&lk, c - '0') == LOCK_RESULT_DIGIT)
            Serial.print('*'); /* never the digit */
    } else if (c == '#') {
        Serial.println();
        lock_enter(&lk);
    } else if (c == '*')
        lock_clear(&lk);
    else if (c == 'L' || c == 'l')
        lock_lock(&lk);
    else if (c == 'C' || c == 'c')
        lock_change_pin(&lk);
    else if (c == 'R' || c == 'r')
        lock_remove_pin(&lk);
    else if (c == 'X' || c == 'x')
        lock_cancel(&lk);
}

void setup()
{
    static lock_config cfg;
    pinMode(INKPIN_DOOR_PIN, OUTPUT);
    digitalWrite(INKPIN_DOOR_PIN, LOW); /* locked from the first instant */
    pinMode(LED_BUILTIN, OUTPUT);
    digitalWrite(LED_BUILTIN, LOW);
    Serial.begin(115200);

    memset(&board, 0, sizeof board);
    board.now_ms = uno_now;
    board.kdf = uno_kdf;
    board.random = uno_random;
    board.log = uno_log;
    board.door = uno_door;
    board.storage.read = ee_read;
    board.storage.prog = ee_prog;
    board.storage.erase = ee_erase;
    board.storage.block_size = SLOT_BYTES;
    board.storage.block_count = 2;
    board.storage.prog_size = 1;

    lock_default_config(&cfg);
    cfg.relock_ms = INKPIN_RELOCK_MS;
    cfg.enroll_preview_ms = 0; /* no screen to preview on */
    shown = (lock_state)-1;
    last_result = LOCK_RESULT_NONE;
    if (lock_init(&lk, &board, &cfg) != LOCK_OK)
        Serial.println("inkpin: lock storage unusable");
    lock_tick(&lk, millis());
    show();
}

void loop()
{
    char c = read_key();
    if (c)
        on_key(c);
    lock_tick(&lk, millis());
    show();
}
