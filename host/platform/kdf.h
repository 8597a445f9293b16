/* kdf.h - the host PIN hash: libsodium Argon2id behind the HAL kdf/random callbacks.
 *
 * kdf_argon2id() computes hash = Argon2id(password = PIN as ASCII digits,
 * salt, opslimit, memlimit, 32 bytes) with crypto_pwhash (Argon2 v1.3, one
 * lane). kdf_hal_argon2id() and kdf_hal_random() have the shape of hal.kdf
 * and hal.random and ignore their ctx, so a host port plugs them in directly.
 *
 * Parameters (KDF_HOST_*): 3 passes over 64 MiB, one lane. On this project's
 * 2-core x86-64 host one verification took 0.2 s idle and 0.5 s while the
 * machine was busy (tests/test_kdf.c prints the figure): noticeable, fine for
 * a PIN pad, and every offline guess costs 64 MiB of memory traffic. That does
 * NOT make a 4-digit PIN safe against someone who reads the record: 10,000
 * guesses x 0.2 s is about half an hour on one core (docs/security.md).
 *
 * ESP32 port: mbedTLS PBKDF2-HMAC-SHA256 (mbedtls_pkcs5_pbkdf2_hmac_ext),
 * 32-byte output, KDF_ESP32_PBKDF2_ITERATIONS iterations. The count is an
 * estimate (no board here): about 4 SHA-256 blocks per iteration, 25-40 us
 * per block in software at 240 MHz (2-3 s in all), several times faster with
 * the SHA accelerator that ESP-IDF's mbedTLS uses by default (~0.5 s).
 * Measure on the board and pick the count that keeps one verification
 * between 0.3 and 1 s (the M5Stack port's INKPIN_PBKDF2_ITERATIONS). The stored hash is only meaningful for
 * the KDF that made it: a record written by one port is not portable to the
 * other, which is fine because records never leave the device.
 *
 * Returns 0 on success, -1 on failure (invalid arguments, out of memory).
 */
#ifndef INKPIN_HOST_KDF_H
#define INKPIN_HOST_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "inkpin/hal.h"

#define KDF_HOST_OPSLIMIT 3ULL
#define KDF_HOST_MEMLIMIT ((size_t)64 << 20)
#define KDF_ESP32_PBKDF2_ITERATIONS 20000u

typedef struct kdf_params {
    unsigned long long opslimit; /* Argon2 passes (t_cost) */
    size_t memlimit;             /* bytes (m_cost = memlimit / 1024 KiB) */
} kdf_params;

/* The shipped host parameters. */
extern const kdf_params kdf_host_params;

int kdf_argon2id(const kdf_params *p, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin,
                 size_t pin_len, const uint8_t salt[HAL_KDF_SALT_BYTES]);

/* hal.kdf with kdf_host_params (ctx unused). */
int kdf_hal_argon2id(void *ctx, uint8_t hash[HAL_KDF_HASH_BYTES], const char *pin, size_t pin_len,
                     const uint8_t salt[HAL_KDF_SALT_BYTES]);

/* hal.random from libsodium's randombytes_buf (ctx unused). */
int kdf_hal_random(void *ctx, uint8_t *buf, size_t n);

#endif
